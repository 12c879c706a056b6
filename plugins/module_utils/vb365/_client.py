# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client of the Veeam Backup for Microsoft 365 REST API (v2-v8). Private to the collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.backupops.veeam.plugins.module_utils._api import Api
from ansible_collections.backupops.veeam.plugins.module_utils._client import JobClient, http_for
from ansible_collections.backupops.veeam.plugins.module_utils._model import START, Job, JobList, JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._http import VB365_API, VeeamApiError, wrong_port_message
from ansible_collections.backupops.veeam.plugins.module_utils.vb365._infrastructure import KINDS, read_infrastructure
from ansible_collections.backupops.veeam.plugins.module_utils.vb365._scope import resolve_scope

VB365_TITLE = "Veeam Backup for Microsoft 365"
VERSIONS = ["v2", "v3", "v4", "v5", "v6", "v7", "v8"]
# v8 pages the job list, v6+ the session lists (default 30, at most 10,000); large pages keep a bulk read to one or two requests.
PAGE_SIZE = 1000
RUNNING_STATUSES = ("Running", "Queued")
# The kinds of job a VB365 server runs: backup jobs (Jobs) and, from v6, backup copy jobs (CopyJobs), which copy a backup
# job's restore points to a second repository. `job_kind` selects them: backup (the default), copy, or all.
BACKUP, COPY, ALL = "backup", "copy", "all"
JOB_KINDS = [BACKUP, COPY, ALL]
# The collection of each kind below /vN/, and the jobType its sessions carry (v7+).
COLLECTIONS = {BACKUP: "Jobs", COPY: "CopyJobs"}
SESSION_TYPES = {BACKUP: "Backup", COPY: "Copy"}
LOGIN_FAILED_STATUSES = (400, 401, 403)

# What a version of the API offers, named once instead of comparing version numbers where it matters.
Capabilities = collections.namedtuple("Capabilities", [
    "action_endpoints",     # v6+: POST Jobs/{id}/enable|disable|start|stop; before: POST Jobs/{id}/Action {"<action>": null}
    "antiforgery_opt_out",  # v7+: the token request must say disable_antiforgery_token, or a browser-only token is expected
    "copy_jobs",            # v6+: backup copy jobs at CopyJobs (the /Action dialect has none)
    "copy_start_options",   # v6 only: POST CopyJobs/{id}/start takes RESTStartJobOptions; v7+ takes no body
    "logout",               # v7+: POST token/logout
    "paged_job_list",       # v8: GET Jobs and GET CopyJobs are pages ({"results": [...]}, offset/limit)
    "paged_sessions",       # v6+: the session lists are pages
    "session_filter",       # v7+: GET JobSessions?jobId= (v6 cannot tell which copy job a session belongs to)
])


def capabilities(version):
    number = int(version[1:])
    return Capabilities(action_endpoints=number >= 6, antiforgery_opt_out=number >= 7, copy_jobs=number >= 6, copy_start_options=number == 6,
                        logout=number >= 7, paged_job_list=number >= 8, paged_sessions=number >= 6, session_filter=number >= 7)


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def session_entry(raw):
    """A VB365 session in the info modules' one shape: EM's state (Stopped once ended) and result (null while it runs)."""
    status = raw.get("status")
    running = status in RUNNING_STATUSES
    return dict(id=raw.get("id"), state=status if running else "Stopped", result=None if running else status,
                creation_time=raw.get("creationTime"), end_time=raw.get("endTime"), details=raw.get("details"))


class Vb365Client(JobClient):
    """One logged-in conversation with one VB365 server; logs in on first use, out on close()."""

    # enable/disable set the flag synchronously (204 after the change), so a read right after shows it.
    effect_delay_seconds = 2.0
    refused_again = "The server refused the token again right after a new login: %s"

    def __init__(self, url, settings, warn, register_secret):
        self.version = settings["api_version"]
        self.can = capabilities(self.version)
        self.kind = settings.get("job_kind") or BACKUP
        super(Vb365Client, self).__init__(http_for(url, settings, replayable_posts=("%s/token" % self.version,)), settings, warn,
                                          register_secret)
        # Said once a run (a wait reads the jobs again and again).
        self.warned_no_copy_jobs = False

    # -- session -----------------------------------------------------------

    def login(self):
        # Without the opt-out the server expects an antiforgery token that only a browser has.
        extra = dict(disable_antiforgery_token="true") if self.can.antiforgery_opt_out else {}
        self.password_grant("%s/token" % self.version, VB365_TITLE, **extra)

    def explain_login_failure(self, exc):
        # Another API's port (VBR's refuses any request without x-api-version with a 400, which would read as a refused login).
        crossing = wrong_port_message(exc, self.server, VB365_API)
        if crossing:
            exc.message = crossing
        elif exc.status in LOGIN_FAILED_STATUSES:
            exc.message = "Login to %s as %r failed: %s" % (self.server, self.settings["username"], exc.server_message or "wrong user name or password")
        elif exc.status == 404:
            exc.message = ("%s has no /%s/token: the server may not support api_version %s (set api_version to the newest "
                           "version it supports, e.g. v6 for Veeam Backup for Microsoft 365 version 6), or %s is not a Veeam Backup for "
                           "Microsoft 365 REST API port (4443 by default)." % (self.server, self.version, self.version, self.settings["port"]))

    def logout(self):
        if self.can.logout:
            self.http.request("POST", "%s/token/logout" % self.version, expect=(200, 204))

    def _call(self, method, path, expect=(200,), **kwargs):
        return self.call(method, "%s/%s" % (self.version, path), expect=expect, **kwargs)

    # -- jobs ----------------------------------------------------------------

    def read_jobs(self, last_runs=False):
        """Every job of the kinds job_kind selects (VB365 jobs carry lastStatus and lastRun: `last_runs` needs nothing more).

        Backup jobs are always read: a copy job is named with its backup job. Copy jobs only when job_kind asks for them,
        so that job_kind backup costs the requests it cost before copy jobs were read.
        """
        copies_wanted = self.kind != BACKUP and self._speaks_copy_jobs()
        backups = [self._job(raw, BACKUP) for raw in self._raw_jobs(BACKUP)]
        if not copies_wanted:
            return JobList(backups, **self._backups_only())
        names = dict((job.id.lower(), job.name) for job in backups)
        copies = [self._job(raw, COPY, names) for raw in self._raw_jobs(COPY)]
        if self.kind == ALL:
            return JobList(backups + copies)
        return JobList(copies, hidden=self._why_hidden(backups, copies))

    def _backups_only(self):
        """What a read of backup jobs alone leaves unread: copy jobs job_kind backup does not ask for, or those the API
        version cannot list (job_kind all on v2-v5)."""
        if self.kind == BACKUP:
            return dict(unread="job_kind is backup (the default): backup copy jobs are selected with job_kind copy or all") if self.can.copy_jobs else {}
        return dict(unread="backup copy jobs are not read with api_version %s" % self.version,
                    unlisted=dict(kinds=["backup copy"], why="api_version %s has no backup copy jobs" % self.version))

    @staticmethod
    def _why_hidden(backups, copies):
        """{name or lower-case id: why} of the backup jobs job_kind copy leaves out (a name a copy job has too selects that)."""
        copy_names = set(job.name for job in copies)
        return dict((key, "is a backup job, which job_kind=copy leaves out") for job in backups
                    for key in (job.name, job.id.lower()) if key not in copy_names)

    def _speaks_copy_jobs(self):
        """Whether this API version has copy jobs; job_kind copy fails where it has none, job_kind all says what it misses."""
        if self.can.copy_jobs:
            return True
        why = ("api_version %s has no backup copy jobs (the /%s/Jobs/{id}/Action dialect knows backup jobs only; copy jobs are at "
               "/vN/CopyJobs from v6)" % (self.version, self.version))
        if self.kind == COPY:
            raise JobModuleError("job_kind copy: %s. Set api_version to v6 or newer (Veeam Backup for Microsoft 365 6 and later)." % why)
        if not self.warned_no_copy_jobs:
            self.warn("job_kind all: %s, so only backup jobs were read; backup copy jobs the server may have are not seen. Set "
                      "api_version to v6 or newer to include them." % why)
            self.warned_no_copy_jobs = True
        return False

    def _raw_jobs(self, kind):
        collection = COLLECTIONS[kind]
        what = "%s jobs" % kind
        return self._pages(collection, {}, what) if self.can.paged_job_list else self._list_or_pages(collection, what)

    def _list_or_pages(self, path, what, params=None):
        """A collection documented as a plain list; some servers answer a page like v8's instead, read that too."""
        answer = self.http.json(self._call("GET", path, params=params))
        if isinstance(answer, dict):
            return self._pages(path, dict(params or {}), what, page=answer)
        return self._list(answer, path, what)

    def collection(self, path, what, params=None):
        """Every item of a collection below /vN/ (Proxies, BackupRepositories, Jobs...): pages in v8, a list before."""
        if self.can.paged_job_list:
            return self._pages(path, dict(params or {}), what)
        return self._list_or_pages(path, what, params)

    def read_infrastructure(self):
        return read_infrastructure(self)

    def resolve_scope(self, jobs, scope, maintenance_mode):
        return resolve_scope(self, jobs, scope, maintenance_mode)

    def _pages(self, path, params, what, page=None):
        """Every item of a paged collection ({"results": [...]}), PAGE_SIZE items per request, in the server's order.

        `page` is a first page already in hand (read without offset/limit, so its size is the server's default).
        """
        items = []
        while True:
            if page is None:
                page = self.http.json(self._call("GET", path, params=dict(params, offset=len(items), limit=PAGE_SIZE)))
            results = self._list(page.get("results") if isinstance(page, dict) else None, path, what)
            items.extend(results)
            if not results or len(results) < _int(page.get("limit"), PAGE_SIZE):
                return items
            page = None

    def _list(self, value, path, what):
        if not isinstance(value, list):
            raise VeeamApiError("The answer is not a list of %s (is this a Veeam Backup for Microsoft 365 server?)." % what,
                                "GET", self.http.url("%s/%s" % (self.version, path)))
        return value

    @staticmethod
    def _job(raw, kind, backup_names=None):
        """A Job from a RESTJob or a RESTCopyJob (the same fields, plus a copy job's backupJobId)."""
        status = raw.get("lastStatus")
        enabled = raw.get("isEnabled")
        policy = raw.get("schedulePolicy") or {}
        details = dict(kind=kind, schedule=policy.get("type") if isinstance(policy, dict) else None, repository_id=raw.get("repositoryId"),
                       organization_id=raw.get("organizationId"))
        if kind == COPY:
            backup_id = raw.get("backupJobId")
            details["backup_job"] = dict(id=backup_id, name=(backup_names or {}).get(str(backup_id).lower()))
        else:
            details.update(description=raw.get("description"), backup_type=raw.get("backupType"))
        return Job(
            id=raw["id"], name=raw.get("name") or "", running=status in RUNNING_STATUSES,
            enabled=enabled is True or str(enabled).lower() == "true",  # very old servers send the string "true"
            last_run=raw.get("lastRun"), last_result=status, next_run=raw.get("nextRun"), details=details)

    def job_fields(self, job):
        """Every entry says the job's kind; a copy job's also names its backup job (id, and name when the server lists it)."""
        return dict((key, job.details[key]) for key in ("kind", "backup_job") if key in job.details)

    def read_sessions(self, job, limit):
        """The newest `limit` sessions of a job, newest first, in the shape the EM info module uses too.

        The documents define no order, so every page is read before sorting by creationTime.
        """
        kind = job.details["kind"]
        if self.can.session_filter:
            sessions = self._filtered_sessions(job)
        elif kind == COPY:
            self.warn("Job %r: api_version %s cannot tell which backup copy job a session belongs to (its sessions name no job): no "
                      "sessions are returned for copy jobs; v7 and newer list them." % (job.name, self.version))
            return []
        elif self.can.paged_sessions:
            sessions = self._pages("Jobs/%s/JobSessions" % job.id, {}, "sessions")
        else:
            sessions = self._list_or_pages("Jobs/%s/JobSessions" % job.id, "sessions")
        sessions = [s for s in sessions if isinstance(s, dict) and self._is_session_of(job, s)]
        return [session_entry(s) for s in sorted(sessions, key=lambda s: s.get("creationTime") or "", reverse=True)[:limit]]

    def _filtered_sessions(self, job):
        """v7+: GET JobSessions?jobId=&jobType=. The v7 and v8 documents define the jobId filter as the backup job's id
        (#/paths/~1v7~1JobSessions/get/parameters/0, the same in v8), so a copy job's sessions are asked for with the id of
        the backup job it copies and jobType Copy; jobType keeps the two kinds' sessions apart."""
        kind = job.details["kind"]
        filter_id = job.id
        if kind == COPY:
            filter_id = (job.details.get("backup_job") or {}).get("id")
            if not filter_id:
                self.warn("Job %r: the server names no backup job (backupJobId) for this backup copy job, and its sessions are listed "
                          "by their backup job's id: no sessions are returned for it." % job.name)
                return []
        return self._pages("JobSessions", dict(jobId=filter_id, jobType=SESSION_TYPES[kind]), "sessions")

    @staticmethod
    def _is_session_of(job, session):
        """Whether a listed session is this job's: a server that ignored a filter must not mix in other jobs' sessions.

        v7+ sessions carry jobType, v8's a jobId too; a copy session's jobId may name the copy job or its backup job (RESTJobSession's
        jobId is only "Job ID."; the v8 events say "ID of the backup or backup copy job"), so either is accepted.
        """
        kind = job.details["kind"]
        own_ids = set([job.id.lower()])
        if kind == COPY:
            own_ids.add(str((job.details.get("backup_job") or {}).get("id")).lower())
        job_type = session.get("jobType")
        return str(session.get("jobId") or job.id).lower() in own_ids and (job_type is None or str(job_type).lower() == SESSION_TYPES[kind].lower())

    def send(self, job, action):
        if not self.can.action_endpoints:
            # The seed documentation's dialect: one endpoint, the action named in the body with a null value.
            self._call("POST", "Jobs/%s/Action" % job.id, expect=(200, 204), json={action: None})
            return None
        kind = job.details["kind"]
        body = self._start_options(kind) if action == START else None
        response = self._call("POST", "%s/%s/%s" % (COLLECTIONS[kind], job.id, action), expect=(200, 204), json=body)
        if action == START and response.status_code == 200 and response.content:
            session = self.http.json(response)
            if isinstance(session, dict) and session.get("id"):
                return dict(session=dict(id=session.get("id"), status=session.get("status")))
        return None

    def _start_options(self, kind):
        """RESTStartJobOptions (an incremental run) where the start takes it: a backup job's, a copy job's in v6 only."""
        return dict(full=False) if kind == BACKUP or self.can.copy_start_options else None


class Vb365Api(Api):
    """VB365 has two kinds of job: a backup copy job is named with the backup job it copies."""

    def job_label(self, job):
        """A backup copy job's label also names the backup job it copies (by id when the server does not list that job)."""
        if job.get("kind") != COPY:
            return job["name"]
        copied = job.get("backup_job") or {}
        return "%s (backup copy of %s)" % (job["name"], copied.get("name") or "job %s" % copied.get("id"))

    def kinds_note(self, jobs):
        copies = sum(1 for job in jobs if job.get("kind") == COPY)
        return " (%d backup copy job(s))" % copies if copies else ""


VB365 = Vb365Api(name="vb365", title=VB365_TITLE, short_title="VB365", default_port=4443, client=Vb365Client,
                 options=dict(api_version=dict(type="str", default="v8", choices=VERSIONS),
                              job_kind=dict(type="str", default=BACKUP, choices=JOB_KINDS)),
                 job_module="backupops.veeam.veeam_o365_job", inventory_group="vb365_servers",
                 window_options=dict(api_version=("maintenance_window_vb365_api_version", "veeam_vb365_api_version"),
                                     job_kind=("maintenance_window_vb365_job_kind", "veeam_vb365_job_kind")),
                 # A window quiesces backup copy jobs too unless job_kind narrows its begin; its end restores every recorded job.
                 selection_options=dict(job_kind=ALL),
                 infrastructure=KINDS)
