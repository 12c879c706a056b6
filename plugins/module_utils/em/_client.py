# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client of the Veeam Backup Enterprise Manager REST API (Veeam Agent jobs): the protocol. Private to the collection.

What the answers mean (XML or JSON, parsed to plain dicts) lives in _em_payload.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.backupops.veeam.plugins.module_utils._api import Api
from ansible_collections.backupops.veeam.plugins.module_utils._client import JobClient, http_for
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobList
from ansible_collections.backupops.veeam.plugins.module_utils.em._scope import repository_candidates, resolve_scope
from ansible_collections.backupops.veeam.plugins.module_utils.em._payload import (
    HAS_XMLTODICT, XMLTODICT_IMPORT_ERROR, entities, guid_of, job_from_entity, newest_by_job, newest_first, parse, path_of, paging,
    repositories_of, session_from_entity, task_from_body, text,
)
from ansible_collections.backupops.veeam.plugins.module_utils._http import EM_API, VeeamApiError, excerpt, wrong_port_message
from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout, format_seconds, wait_until

JOB_URN = "urn:veeam:AgentBackupJob:"
# The vendor pages print a backup session's and a backup's JobUid with the generic job URN; older servers may use the agent one.
SESSION_JOB_URNS = ("urn:veeam:Job:", JOB_URN)
# Why an info entry names no repository. EM's agent job names none (docs/em_rest/agents_jobs_id.md): only the job's backups
# do, each through its RepositoryReference link, and a backup's body never names its job (backups_id.md), so the backups
# are read one query per job, filtered on JobUid.
NO_BACKUP_YET = "the job has no backup yet: Enterprise Manager names an agent job's repository only through its backups"
NO_REPOSITORY_LINK = "the job's backups link to no repository (no RepositoryReference link)"
BACKUPS_UNREAD = "reading the job's backups failed: %s"
LOGON_PATH = "api/sessionMngr/"
SESSION_HEADER = "X-RestSvcSessionId"
# One page holds every agent job of all but the largest installations; paging covers the rest.
PAGE_SIZE = 1000
# The info module reads at most this many pages of the newest finished agent sessions to find each idle job's last run.
NEWEST_SESSION_PAGES = 3
# Sessions in any other state belong to a running job (Starting, Working, Stopping, Pausing, Resuming).
IDLE_SESSION_STATE = "Stopped"
TASK_DONE = "Finished"
# Not an EM state: a task the module can no longer read because the logon session it belonged to expired.
LOST = "Unknown"
LOGON_FAILED_STATUSES = (400, 401, 403)
ACTIONS = {"enable": "toggleScheduleEnabled", "disable": "toggleScheduleEnabled", "start": "start", "stop": "stop"}
CONTENT_TYPES = {"xml": "application/xml", "json": "application/json"}


class EmClient(JobClient):
    """One logon session with one Enterprise Manager; logs on at first use, logs off on close()."""

    # After a toggle task is Finished, ScheduleEnabled may lag while EM collects data from the backup server
    # (assumed). Only after this long does a still-wrong flag count as changed by someone else and get corrected.
    effect_delay_seconds = 15.0
    # Task ids die with the logon session; one new logon per run is all a lost task can be settled across.
    renewals_allowed = 1
    refused_again = "The server refused the logon session again right after a new logon: %s"
    logout_name = "Logoff"

    def __init__(self, url, settings, warn, register_secret):
        http = http_for(url, settings, replayable_posts=(LOGON_PATH,), headers={"Accept": CONTENT_TYPES[settings["format"]]})
        super(EmClient, self).__init__(http, settings, warn, register_secret)
        self.logoff_path = None
        # Sessions this run saw active, per job id: once one ends it stays the job's last run (see _remember).
        self.seen_runs = {}

    # -- logon session ------------------------------------------------------

    def login(self):
        # EM prefers its session cookie over the header: an ended session's cookie would refuse even this logon.
        self._forget_session()
        try:
            response = self.http.request("POST", LOGON_PATH + "?v=latest", expect=(200, 201),
                                         auth=(self.settings["username"], self.settings["password"]))
        except VeeamApiError as exc:
            self.explain_login_failure(exc)
            raise
        token = response.headers.get(SESSION_HEADER)
        if not token:
            raise VeeamApiError("Logon answer carries no X-RestSvcSessionId header (is this a Veeam Backup Enterprise Manager server?).",
                                "POST", response.url, response.status_code)
        self.register_secret(token)
        # Only the header carries the session, so that the next logon can replace it completely.
        self._forget_session()
        self.token = token
        self.http.session.headers[SESSION_HEADER] = token
        # A best guess until the body names the session: close() must have something to delete even if the body is unreadable.
        self.logoff_path = "api/logonSessions/%s" % token
        body = self._body(response, "LogonSession")
        session_id = text(body.get("SessionId"))
        if session_id:
            self.register_secret(session_id)
        href = body.get("Href")
        # The logoff needs the logon session's own id, which is not always the header token.
        if href:
            self.logoff_path = path_of(href)
        elif session_id:
            self.logoff_path = "api/logonSessions/%s" % session_id

    def _forget_session(self):
        self.http.session.headers.pop(SESSION_HEADER, None)
        jar = self.http.session.cookies
        for cookie in [cookie for cookie in jar if cookie.name.lower() == SESSION_HEADER.lower()]:
            jar.clear(cookie.domain, cookie.path, cookie.name)

    def explain_login_failure(self, exc):
        # Another API's port (VBR's refuses any request without x-api-version with a 400, which would read as a refused logon).
        crossing = wrong_port_message(exc, self.server, EM_API)
        if crossing:
            exc.message = crossing
        elif exc.status in LOGON_FAILED_STATUSES:
            exc.message = "Logon to %s as %r failed: %s" % (
                self.server, self.settings["username"], exc.server_message or "wrong user name or password (HTTP %s)" % exc.status)
        elif exc.status == 404:
            exc.message = ("%s has no Enterprise Manager logon (/%s): check server and port (the Enterprise Manager "
                           "REST API listens on 9398 by default)." % (self.server, LOGON_PATH))

    def logout(self):
        self.http.request("DELETE", self.logoff_path, expect=(200, 204))

    def _body(self, response, what):
        """The parsed answer; a GET's unreadable answer (cut short on its way, say) is asked for again first (HttpClient.parsed)."""
        def unreadable(answer, exc):
            content_type = answer.headers.get("Content-Type") or "no content type"
            # An XML or JSON answer that does not parse was cut short or mangled on its way; anything else may be another server.
            why = "it may have been cut short on its way" if re.search(r"xml|json", content_type, re.I) else \
                "is this a Veeam Backup Enterprise Manager server?"
            return "Unreadable answer where a %s was expected (%s): %s; %s; it starts %r" % (what, content_type, exc, why, excerpt(answer.text, 80))

        def parsed(answer):
            content_type = answer.headers.get("Content-Type") or ""
            try:
                return parse(answer.text, content_type)
            except ValueError as exc:
                if "html" in content_type.lower():  # a whole page from something else (a proxy, a portal): asking again would not help
                    raise VeeamApiError(unreadable(answer, exc), answer.request.method, answer.url, answer.status_code)
                raise
        return self.http.parsed(response, parsed, unreadable)

    def _get(self, path, what):
        return self._body(self.call("GET", path), what)

    def _query(self, kind, query_filter=None, extra="", page_size=PAGE_SIZE, enough=None, max_pages=None):
        """Entities of one type through the query service, page by page (one request per `page_size` entities).

        Stops early once `enough(found)` holds or after `max_pages` pages; returns (entities, whether pages were left unread).
        """
        found, page = [], 1
        while True:
            # Built by hand: requests' params= would percent-encode the filter's operators.
            path = "api/query?type=%s&format=Entities%s%s&pageSize=%d&page=%d" % (
                kind, "&filter=" + query_filter if query_filter else "", extra, page_size, page)
            body = self._get(path, "QueryResult")
            batch = entities(body, kind)
            found.extend(batch)
            number, count = paging(body)
            if not batch or number >= count or page >= count:
                return found, False
            if (enough is not None and enough(found)) or (max_pages is not None and page >= max_pages):
                return found, True
            page = max(page, number) + 1

    # -- jobs ---------------------------------------------------------------

    def read_jobs(self, last_runs=False):
        """Every agent job: one query for the jobs and one for the sessions that are not Stopped.

        With last_runs (the info module), idle jobs also get their newest finished session (see _with_last_runs).
        """
        jobs = [job_from_entity(entity) for entity in self._query("AgentBackupJob")[0]]
        active = [session_from_entity(entity) for entity in self._query("BackupJobSession", "State!=Stopped")[0]]
        jobs = [self._with_sessions(job, active) for job in jobs]
        return JobList(self._with_last_runs(jobs) if last_runs else jobs)

    def _with_last_runs(self, jobs):
        """Fill each idle job's last run from one query of finished agent sessions, newest first.

        The pages are shared by all jobs, so the cost does not grow with them: it stops as soon as every idle job has
        its newest session, when the sessions run out, or after NEWEST_SESSION_PAGES pages, whichever comes first.
        """
        idle = set(job.id.lower() for job in jobs if not job.running and job.last_run is None)
        if not idle:
            return jobs
        found, cut = self._query("BackupJobSession", "JobType==AgentBackup;State==%s" % IDLE_SESSION_STATE, "&sortDesc=CreationTime",
                                 enough=lambda found: idle <= set(newest_by_job(found)), max_pages=NEWEST_SESSION_PAGES)
        newest = newest_by_job(found)
        if cut:
            self._warn_unfound([job.name for job in jobs if job.id.lower() in idle - set(newest)])
        return [self._last_run(job, newest.get(job.id.lower())) if job.id.lower() in idle else job for job in jobs]

    def _warn_unfound(self, names):
        if names:
            self.warn("No last run found for %d job(s) among the newest %d finished agent sessions: %s." % (
                len(names), NEWEST_SESSION_PAGES * PAGE_SIZE, ", ".join(names)))

    @staticmethod
    def _last_run(job, session):
        if session is None:
            return job
        return job._replace(last_run=session["creation_time"], last_result=session["result"])

    def _with_sessions(self, job, active):
        mine = newest_first([session for session in active if session["job_id"].lower() == job.id.lower()])
        if mine and mine[0]["state"] != IDLE_SESSION_STATE:
            self.seen_runs[job.id] = mine[0]
            return job._replace(running=True, last_run=mine[0]["creation_time"], last_result=mine[0]["result"])
        return self._remember(job)

    def _remember(self, job):
        """A run this module saw active and no longer sees: read its end once, so a started run can be seen to finish.

        The running query only returns active sessions; without this a job's last run would vanish the moment it ends.
        """
        seen = self.seen_runs.get(job.id)
        if seen is None:
            return job
        if seen["state"] != IDLE_SESSION_STATE and seen.get("href"):
            try:
                seen = session_from_entity(self._get(path_of(seen["href"]), "BackupJobSession"))
            except VeeamApiError:
                seen = dict(seen, state=IDLE_SESSION_STATE)
            if seen["state"] != IDLE_SESSION_STATE:
                # Ended in the query's eyes but not yet in the session's: it counts as ended, result unknown yet.
                seen = dict(seen, state=IDLE_SESSION_STATE, result=None)
            self.seen_runs[job.id] = seen
        return job._replace(last_run=seen["creation_time"], last_result=seen["result"])

    # -- what only the info module reports -------------------------------------

    def info_details(self, jobs):
        """Each job with `repositories` (the repositories its backups are on) and `repository_unknown` (why that list is
        empty, else None) in its details: one query of the job's backups per job (see NO_BACKUP_YET).

        After a failed query the remaining jobs are not asked for (a failure would most likely repeat): their reason says
        what failed, and one warning names it.
        """
        failure, detailed = None, []
        for job in jobs:
            if failure is None:
                try:
                    found = self._backups_of(job)
                except VeeamApiError as exc:
                    failure = BACKUPS_UNREAD % exc
                    self.warn("No repository is reported for %d agent job(s): %s." % (len(jobs) - len(detailed), failure))
            detailed.append(self._with_repositories(job, failure, None if failure else found))
        return detailed

    def _backups_of(self, job):
        # The backup's JobUid, like a session's, is documented with the generic URN: both forms are asked for.
        uids = ",".join('JobUid=="%s%s"' % (urn, job.id) for urn in SESSION_JOB_URNS)
        return self._query("Backup", uids)[0]

    @staticmethod
    def _with_repositories(job, failure, backups):
        repositories = repositories_of(backups or [])
        reason = failure or (None if repositories else NO_REPOSITORY_LINK if backups else NO_BACKUP_YET)
        return job._replace(details=dict(job.details, repositories=repositories, repository_unknown=reason))

    def read_repositories(self):
        """[{id, name}] of the repositories Enterprise Manager lists (GET /api/repositories, docs/em_rest/repositories.md)."""
        return repository_candidates(self._get("api/repositories", "EntityReferences"))

    def resolve_scope(self, jobs, scope, maintenance_mode):
        """Repositories only (em/_scope.py); a job with no backup yet cannot be attributed and is in scope of each."""
        return resolve_scope(self, jobs, scope, maintenance_mode, reasons={NO_BACKUP_YET: "no_backup", NO_REPOSITORY_LINK: "no_link"})

    def job_fields(self, job):
        """The repository fields info_details adds, at the top of the entry (the job module's entries have none)."""
        return dict((key, job.details[key]) for key in ("repositories", "repository_unknown") if key in job.details)

    def read_sessions(self, job, limit):
        """The newest `limit` backup sessions of a job, newest first: one query, sorted and cut by the server."""
        # URN values are quoted as on the vendor pages; the server is trusted with the order but the result is re-checked.
        uids = ",".join('JobUid=="%s%s"' % (urn, job.id) for urn in SESSION_JOB_URNS)
        found, _cut = self._query("BackupJobSession", uids, "&sortDesc=CreationTime", page_size=limit, max_pages=1)
        sessions = [session_from_entity(entity) for entity in found]
        sessions = [session for session in sessions if session["job_id"].lower() == job.id.lower()]
        return [dict(id=session["id"], state=session["state"], result=session["result"], creation_time=session["creation_time"],
                     end_time=session["end_time"], details=None) for session in newest_first(sessions)[:limit]]

    # -- actions and tasks ----------------------------------------------------

    def send(self, job, action):
        """One POST without a body; the answer is a Task to settle. Never resent here: a toggle is a flip."""
        response = self.call("POST", "api/agents/jobs/%s?action=%s" % (job.id, ACTIONS[action]), expect=(200, 202))
        task = task_from_body(self._body(response, "Task"))
        if not task["id"] and not task["href"]:
            raise VeeamApiError("The answer to %s carries no task to follow." % action, "POST", response.url, response.status_code)
        return dict(job=job.name, job_id=job.id, before=job, action=action, task=task)

    def _poll(self, handle):
        task = handle["task"]
        path = path_of(task["href"]) if task.get("href") else "api/tasks/%s" % task["id"]
        try:
            fresh = task_from_body(self._get(path, "Task"))
        except VeeamApiError as exc:
            if exc.status == 404 and self.renewals:
                # Task ids belong to the logon session that expired; the job itself has to show the outcome.
                handle["lost"] = True
                handle["task"] = dict(task, state=LOST, message="lost with the expired logon session")
                return
            raise
        # A later answer may omit links the first one had.
        handle["task"] = dict(task, **dict((key, value) for key, value in fresh.items() if value is not None))

    def await_writes(self, handles, timeout, sleep):
        """Poll every unfinished task once per round until all are Finished or the deadline passes; [(handle, failure)]."""
        failures = self._poll_until_finished([handle for handle in handles if handle["task"]["state"] != TASK_DONE], timeout, sleep)
        return failures + [(handle, "Job %r: %s task %s (%s) failed: %s" % (
            handle["job"], handle["action"], handle["task"]["id"], handle["task"]["operation"], handle["task"]["message"] or "the server gave no message"))
            for handle in handles if handle["task"]["state"] == TASK_DONE and handle["task"]["success"] is False]

    def _poll_until_finished(self, pending, timeout, sleep):
        """Failures of the tasks still unfinished at the deadline (each deleted, where the server allows)."""
        if not pending:
            return []

        def fetch():
            for handle in list(pending):
                self._poll(handle)
                if handle["task"]["state"] in (TASK_DONE, LOST):
                    pending.remove(handle)
            return pending

        try:
            wait_until(fetch, lambda unfinished: not unfinished, "the tasks %s" % ", ".join(str(h["task"]["id"]) for h in pending),
                       timeout, sleep, describe=lambda unfinished: ", ".join("%s %s" % (h["task"]["id"], h["task"]["state"]) for h in unfinished))
        except WaitTimeout:
            return [(handle, "Job %r: %s task %s (%s) did not finish within %s seconds; last state: %s.%s" % (
                handle["job"], handle["action"], handle["task"]["id"], handle["task"]["operation"], format_seconds(timeout),
                handle["task"]["state"], self._delete_task(handle))) for handle in pending]
        return []

    @staticmethod
    def lost(handle):
        """Task ids belong to the logon session: after an expiry the task is gone and only the job can show the outcome."""
        return bool(handle.get("lost"))

    def _delete_task(self, handle):
        target = handle["task"].get("delete")
        if not target:
            return ""
        try:
            self.call("DELETE", path_of(target), expect=(200, 202, 204))
        except VeeamApiError as exc:
            return " Deleting the task failed: %s." % exc
        return " The task was deleted."

    @staticmethod
    def describe(handle):
        task = handle["task"]
        return dict(task=dict((key, task[key]) for key in ("id", "operation", "state", "success", "message")))

    @staticmethod
    def normalize_id(value):
        """The GUID of a job id given bare or as any Veeam URN (urn:veeam:AgentBackupJob:<guid>, urn:veeam:Job:<guid>)."""
        return guid_of(value)


class EmApi(Api):
    """Enterprise Manager answers XML unless asked for JSON: XML needs xmltodict."""

    def missing_libraries(self, settings):
        if settings["format"] == "xml" and not HAS_XMLTODICT:
            return [("xmltodict", "to read XML answers; format: json works without it", XMLTODICT_IMPORT_ERROR)]
        return []


EM = EmApi(name="em", title="Veeam Backup Enterprise Manager", short_title="Enterprise Manager", default_port=9398, client=EmClient,
           options=dict(format=dict(type="str", default="xml", choices=["xml", "json"])),
           job_module="backupops.veeam.veeam_agent_job", inventory_group="enterprise_managers",
           window_options=dict(format=("maintenance_window_em_format", "veeam_em_format")))
