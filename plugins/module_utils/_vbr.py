# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client of the Veeam Backup & Replication REST API (revisions 1.2-rev1 and 1.3-rev1). Private to the collection.

Verified against the vendor's OpenAPI documents of both revisions: every request carries x-api-version; jobs and job
states are paged with skip/limit; enable/disable answer 200 (1.2-rev1) or 204 (1.3-rev1); start/stop answer 201 with
the session they started.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.module_utils._client import Api, JobClient, http_for
from ansible_collections.backupops.veeam.plugins.module_utils._model import Job
from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError

REVISIONS = ["1.2-rev1", "1.3-rev1"]
# The lowest revision whose EJobType names backup copy, Hyper-V and agent jobs (1.2-rev1 only knows vSphere backups).
DEFAULT_REVISION = "1.3-rev1"
VBR_TITLE = "Veeam Backup & Replication"
TOKEN_PATH = "api/oauth2/token"
# The documents' default page is 200; larger pages keep a bulk read of thousands of jobs to a few requests.
PAGE_SIZE = 1000
# EJobStatus values of a job that has no active session (1.2-rev1 spells them in lower case).
IDLE_STATUSES = ("inactive", "disabled", "enabled", "stopped")
LOGIN_FAILED_STATUSES = (400, 401, 403)
# Job types of the 1.3-rev1 document (EJobType), for the type filter.
JOB_TYPES = [
    "VSphereBackup", "HyperVBackup", "VSphereReplica", "CloudDirectorBackup", "EntraIDTenantBackup", "EntraIDAuditLogBackup",
    "FileBackupCopy", "LegacyBackupCopy", "BackupCopy", "WindowsAgentBackup", "LinuxAgentBackup", "FileBackup", "ObjectStorageBackup",
    "EntraIDTenantBackupCopy", "SureBackupContentScan", "CloudBackupAzure", "CloudBackupAWS", "CloudBackupGoogle",
    "WindowsAgentBackupWorkstationPolicy", "LinuxAgentBackupWorkstationPolicy", "WindowsAgentBackupServerPolicy",
    "LinuxAgentBackupServerPolicy", "Backup",
]


def job_from_models(job, state):
    """A Job from a JobModel and its JobStateModel (the state may be missing for a job created between the two reads)."""
    state = state or {}
    status = str(state.get("status") or "").lower()
    result = state.get("lastResult")
    return Job(
        id=job["id"], name=job.get("name") or "", enabled=not job.get("isDisabled", False),
        running=bool(status) and status not in IDLE_STATUSES, last_run=state.get("lastRun"),
        last_result=None if result in (None, "None") else result, next_run=state.get("nextRun"),
        details=dict(type=job.get("type"), description=job.get("description"), status=state.get("status"),
                     session_id=state.get("sessionId"), workload=state.get("workload")))


def session_entry(raw):
    """A VBR session in the info modules' one shape (result null while it runs)."""
    result = raw.get("result") if isinstance(raw.get("result"), dict) else {}
    outcome = result.get("result")
    return dict(id=raw.get("id"), state=raw.get("state"), result=None if outcome in (None, "None") else outcome,
                creation_time=raw.get("creationTime"), end_time=raw.get("endTime"), details=result.get("message") or None)


class VbrClient(JobClient):
    """One OAuth2 login to one backup server; logs in on first use, out on close()."""

    # enable/disable are applied before the answer; a start or stop shows in the job states within moments.
    effect_delay_seconds = 2.0
    refused_again = "The server refused the token again right after a new login: %s"

    def __init__(self, url, settings, warn, register_secret):
        http = http_for(url, settings, replayable_posts=(TOKEN_PATH,), headers={"x-api-version": settings["api_version"]})
        super(VbrClient, self).__init__(http, settings, warn, register_secret)
        self.types = set(settings.get("type") or [])

    # -- session -----------------------------------------------------------

    def login(self):
        self.password_grant(TOKEN_PATH, VBR_TITLE)

    def explain_login_failure(self, exc):
        message = exc.server_message or ""
        if exc.status == 400 and "version" in message.lower():
            exc.message = "%s does not serve x-api-version %s: %s Set api_version to a revision it lists." % (
                self.server, self.settings["api_version"], message)
        elif exc.status in LOGIN_FAILED_STATUSES:
            exc.message = "Login to %s as %r failed: %s" % (self.server, self.settings["username"], message or "wrong user name or password")
        elif exc.status == 404:
            exc.message = ("%s has no /%s: check server and port (the Veeam Backup & Replication REST API listens on 9419 by "
                           "default)." % (self.server, TOKEN_PATH))

    def logout(self):
        self.http.request("POST", "api/oauth2/logout", expect=(200, 204))

    # -- jobs ----------------------------------------------------------------

    def read_jobs(self, last_runs=False):
        """Every job (of the selected types): the job list for the flags, the job states for runs; both paged."""
        states = dict((state.get("id"), state) for state in self._pages("api/v1/jobs/states"))
        jobs = [job_from_models(job, states.get(job.get("id"))) for job in self._pages("api/v1/jobs")]
        left_out = [job for job in jobs if self.types and job.details["type"] not in self.types]
        self.hidden = dict((key, "is of type %s, which type=%s leaves out" % (job.details["type"], sorted(self.types)))
                           for job in left_out for key in (job.name, job.id.lower()))
        return [job for job in jobs if job not in left_out]

    def _pages(self, path, params=None):
        """Every item of a paged collection ({data, pagination: {total, count, skip, limit}}), PAGE_SIZE per request."""
        found = []
        while True:
            page = self.http.json(self.call("GET", path, params=dict(params or {}, skip=len(found), limit=PAGE_SIZE)))
            data = page.get("data") if isinstance(page, dict) else None
            if not isinstance(data, list):
                raise VeeamApiError("The answer is not a page of results (is this a Veeam Backup & Replication server?).",
                                    "GET", self.http.url(path))
            found.extend(data)
            total = (page.get("pagination") or {}).get("total")
            if not data or not isinstance(total, int) or len(found) >= total:
                return found

    def read_sessions(self, job, limit):
        """The newest `limit` sessions of a job, newest first: one request, filtered and ordered by the server."""
        answer = self.http.json(self.call("GET", "api/v1/sessions", params=dict(
            jobIdFilter=job.id, orderColumn="CreationTime", orderAsc="false", limit=limit)))
        sessions = [s for s in (answer.get("data") or []) if str(s.get("jobId") or job.id).lower() == job.id.lower()]
        return [session_entry(s) for s in sorted(sessions, key=lambda s: s.get("creationTime") or "", reverse=True)[:limit]]

    def send(self, job, action):
        """One POST; start and stop answer with the session they started (followed through the job states)."""
        if action in ("enable", "disable"):
            self.call("POST", "api/v1/jobs/%s/%s" % (job.id, action), expect=(200, 204))
            return None
        body = dict(performActiveFull=self.settings["active_full"]) if action == "start" else dict(gracefulStop=self.settings["graceful_stop"])
        session = self.http.json(self.call("POST", "api/v1/jobs/%s/%s" % (job.id, action), expect=(201,), json=body))
        if isinstance(session, dict) and session.get("id"):
            return dict(session=dict(id=session.get("id"), state=session.get("state")))
        return None


VBR = Api(name="vbr", title=VBR_TITLE, default_port=9419,
          options=dict(api_version=dict(type="str", default=DEFAULT_REVISION, choices=REVISIONS),
                       type=dict(type="list", elements="str", choices=JOB_TYPES)),
          job_options=dict(active_full=dict(type="bool", default=False), graceful_stop=dict(type="bool", default=True)),
          client=VbrClient, missing_libraries=lambda settings: [], job_module="backupops.veeam.veeam_vbr_job", short_title=VBR_TITLE,
          inventory_group="vbr_servers",
          window_options=dict(api_version=("maintenance_window_vbr_api_version", "veeam_vbr_api_version"),
                              type=("maintenance_window_vbr_types", "veeam_vbr_types")),
          # end restores every recorded job whatever its type: the record is the selection.
          selection_options=("type",))
