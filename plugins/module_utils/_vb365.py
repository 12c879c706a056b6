# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client of the Veeam Backup for Microsoft 365 REST API (v2-v8). Private to the collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.module_utils._http import LoggedInClient, VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._job_runner import Job
from ansible_collections.backupops.veeam.plugins.module_utils._options import http_client

# v8 pages the job list (default 30, at most 10,000); large pages keep a bulk read to one or two requests.
PAGE_SIZE = 1000
RUNNING_STATUSES = ("Running", "Queued")
LOGIN_FAILED_STATUSES = (400, 401, 403)


class Vb365Client(LoggedInClient):
    """One logged-in conversation with one VB365 server; logs in on first use, out on close()."""

    # enable/disable set the flag synchronously (204 after the change), so a read right after shows it.
    settle_seconds = 2.0

    refused_again = "The server refused the token again right after a new login: %s"

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.version = self.params["api_version"]
        self.number = int(self.version[1:])
        super(Vb365Client, self).__init__(http_client(self.params, replayable_posts=("%s/token" % self.version,)))
        self.server = self.http.base_url

    # -- session -----------------------------------------------------------

    def login(self):
        form = dict(grant_type="password", username=self.params["username"], password=self.params["password"])
        if self.number >= 7:
            # Without it the server expects an antiforgery token that only a browser has.
            form["disable_antiforgery_token"] = "true"
        try:
            body = self.http.json(self.http.request("POST", "%s/token" % self.version, data=form))
        except VeeamApiError as exc:
            if exc.status in LOGIN_FAILED_STATUSES:
                exc.message = "Login to %s as %r failed: %s" % (self.server, self.params["username"], exc.server_message or "wrong user name or password")
            raise
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise VeeamApiError("Login answer carries no access_token (is this a Veeam Backup for Microsoft 365 server?).",
                                "POST", self.http.url("%s/token" % self.version), 200)
        self.module.no_log_values.update(v for v in (token, body.get("refresh_token")) if v)
        self.token = token
        self.http.session.headers["Authorization"] = "Bearer " + token

    def close(self):
        try:
            if self.token and self.number >= 7:
                self.http.request("POST", "%s/token/logout" % self.version, expect=(200, 204))
        except VeeamApiError as exc:
            self.module.warn("Logout from %s failed: %s" % (self.server, exc))
        finally:
            self.token = None
            self.http.close()

    def _call(self, method, path, expect=(200,), **kwargs):
        return self.call(method, "%s/%s" % (self.version, path), expect=expect, **kwargs)

    # -- jobs ----------------------------------------------------------------

    def read_jobs(self):
        return [self._job(raw) for raw in self._raw_jobs()]

    def _raw_jobs(self):
        if self.number < 8:
            return self._list(self.http.json(self._call("GET", "Jobs")), "Jobs")
        jobs, offset = [], 0
        while True:
            page = self.http.json(self._call("GET", "Jobs", params=dict(offset=offset, limit=PAGE_SIZE)))
            results = self._list(page.get("results") if isinstance(page, dict) else None, "Jobs page")
            jobs.extend(results)
            if len(results) < PAGE_SIZE:
                return jobs
            offset += len(results)

    def _list(self, value, what):
        if not isinstance(value, list):
            raise VeeamApiError("%s is not a list of jobs (is this a Veeam Backup for Microsoft 365 server?)." % what,
                                "GET", self.http.url("%s/Jobs" % self.version))
        return value

    @staticmethod
    def _job(raw):
        status = raw.get("lastStatus")
        enabled = raw.get("isEnabled")
        policy = raw.get("schedulePolicy") or {}
        return Job(
            id=raw["id"], name=raw.get("name") or "", running=status in RUNNING_STATUSES,
            enabled=enabled is True or str(enabled).lower() == "true",  # very old servers send the string "true"
            last_run=raw.get("lastRun"), last_result=status, next_run=raw.get("nextRun"),
            details=dict(description=raw.get("description"), backup_type=raw.get("backupType"),
                         schedule=policy.get("type") if isinstance(policy, dict) else None,
                         repository_id=raw.get("repositoryId"), organization_id=raw.get("organizationId")))

    def read_sessions(self, job, limit):
        """The newest `limit` sessions of a job, newest first."""
        if self.number >= 7:
            answer = self.http.json(self._call("GET", "JobSessions", params=dict(jobId=job.id, limit=limit)))
        else:
            answer = self.http.json(self._call("GET", "Jobs/%s/JobSessions" % job.id))
        sessions = answer.get("results", []) if isinstance(answer, dict) else answer or []
        sessions = sorted(sessions, key=lambda s: s.get("creationTime") or "", reverse=True)[:limit]
        return [dict(id=s.get("id"), status=s.get("status"), creation_time=s.get("creationTime"), end_time=s.get("endTime"),
                     details=s.get("details")) for s in sessions]

    def send(self, job, action):
        if self.number <= 5:
            # The seed documentation's dialect: one endpoint, the action named in the body with a null value.
            self._call("POST", "Jobs/%s/Action" % job.id, expect=(200, 204), json={action: None})
            return None
        body = dict(full=False) if action == "start" else None
        response = self._call("POST", "Jobs/%s/%s" % (job.id, action), expect=(200, 204), json=body)
        if action == "start" and response.status_code == 200 and response.content:
            session = self.http.json(response)
            if isinstance(session, dict) and session.get("id"):
                return dict(session=dict(id=session.get("id"), status=session.get("status")))
        return None

    @staticmethod
    def settle(handles, timeout, sleep):
        """VB365 acts synchronously; there is nothing to wait for beyond re-reading the job."""
        return []

    @staticmethod
    def describe(handle):
        return handle

    @staticmethod
    def normalize_id(value):
        return value.strip()
