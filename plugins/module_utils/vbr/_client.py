# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client of the Veeam Backup & Replication REST API, every revision in the field: 1.1-rev0 (VBR 12.0) to 1.3-rev2 (13.1).

Verified against the vendor's OpenAPI documents of 1.1-rev0, 1.2-rev1, 1.3-rev0, 1.3-rev1 and 1.3-rev2. The revisions
without a document (1.1-rev1, 1.1-rev2, 1.2-rev0) are taken to speak like the documented one before them, except that
JobStopSpec's `gracefullStop` became `gracefulStop` in 1.2-rev0 (the vendor's 1.2-rev0 breaking changes). Every request
carries x-api-version; a server accepts its own revision and older ones and refuses newer ones with a 400 that lists
what it serves. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.backupops.veeam.plugins.module_utils._api import Api
from ansible_collections.backupops.veeam.plugins.module_utils._client import JobClient, http_for, unlisted_sentence
from ansible_collections.backupops.veeam.plugins.module_utils._model import DISABLE, ENABLE, START, JobList, JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._http import VBR_API, VeeamApiError, wrong_port_message
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._infrastructure import KINDS, read_infrastructure
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._scope import resolve_scope
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._payload import (
    chained_jobs, joined, selects, session_entry, session_may_run, session_running, unmanageable_entry,
)
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._revisions import (
    AUTO, CANCEL_CHAINED_SINCE, JOB_TYPES, OLD_STOP_FIELD, RELEASES, REVISIONS, STOP_FIELD, STOP_FIELD_SINCE, VERSION_PATTERN, job_types, rank,
    roles_for, server_type, unlisted_types,
)

VBR_TITLE = "Veeam Backup & Replication"
TOKEN_PATH = "api/oauth2/token"
# The documents' default page is 200; larger pages keep a bulk read of thousands of jobs to a few requests.
PAGE_SIZE = 1000


def refuses_version(exc):
    return exc.status == 400 and "version" in (exc.server_message or "").lower()


class VbrClient(JobClient):
    """One OAuth2 login to one backup server in one revision; logs in on first use, out on close()."""

    # enable/disable are applied before the answer; a start or stop shows in the job states within moments.
    effect_delay_seconds = 2.0
    refused_again = "The server refused the token again right after a new login: %s"

    def __init__(self, url, settings, warn, register_secret):
        self.auto = settings["api_version"] == AUTO
        self.trying = REVISIONS[-1] if self.auto else settings["api_version"]
        # The revision the server accepted (None until it did).
        self.revision = None
        http = http_for(url, settings, replayable_posts=(TOKEN_PATH,), headers={"x-api-version": self.trying})
        super(VbrClient, self).__init__(http, settings, warn, register_secret)
        self.types = list(settings.get("type") or [])
        # Ids of the jobs already named in a warning because the server did not say whether they are enabled (once a run).
        self.flag_warned = set()
        self.warned_unlisted = False

    def facts(self):
        return dict(api_version=self.revision) if self.revision else {}

    # -- session -----------------------------------------------------------

    def login(self):
        """Renew with the refresh token when there is one, else log in with the password; with api_version auto, step down
        to the newest revision the server lists when it refuses the one tried."""
        if self.refresh_grant(TOKEN_PATH, VBR_TITLE):
            return
        while True:
            try:
                self.password_grant(TOKEN_PATH, VBR_TITLE, explain=False)
            except VeeamApiError as exc:
                older = self._older_revision(exc)
                if older is None:
                    self.explain_login_failure(exc)
                    raise
                self.trying = older
                self.http.session.headers["x-api-version"] = older
                continue
            self.revision = self.trying
            return

    def _older_revision(self, exc):
        """With auto, after the server refused the revision tried: the newest older one it serves (the refusal lists them;
        without a readable list, the next older one). None when not auto, not a version refusal, or nothing is left."""
        if not self.auto or not refuses_version(exc):
            return None
        listed = [rank(found.group(0)) for found in VERSION_PATTERN.finditer(exc.server_message)]
        older = [name for name in REVISIONS if rank(name) < rank(self.trying) and (not listed or rank(name) <= max(listed))]
        return older[-1] if older else None

    def explain_login_failure(self, exc):
        # Another Veeam API answering on this port is said first: its refusal is not a VBR login refusal.
        exc.message = wrong_port_message(exc, self.server, VBR_API) or self._refusal_message(exc) or exc.message

    def _refusal_message(self, exc):
        """What VBR's refusal of a login means and what to change, or None when its status says nothing more."""
        message = exc.server_message or ""
        if refuses_version(exc) and self.auto:
            return ("%s serves none of the REST API revisions this collection speaks (%s, Veeam Backup & Replication %s, to %s): %s"
                    % (self.server, REVISIONS[0], RELEASES[REVISIONS[0]], REVISIONS[-1], message))
        if refuses_version(exc):
            return "%s does not serve x-api-version %s: %s Set api_version to a revision it lists, or to auto." % (
                self.server, self.trying, message)
        if exc.status == 403:
            return ("Login to %s as %r was refused (403): %s. Veeam Backup & Replication 13.0 and 13.0.1 (REST API 1.3-rev0 and "
                    "1.3-rev1) refuse accounts with a custom role: use an account with the Veeam Backup Administrator role (the "
                    "Backup Operator role may start and stop jobs, but not enable or disable them)." % (
                        self.server, self.settings["username"], message.rstrip(".") or "access denied"))
        if exc.status in (400, 401):
            return "Login to %s as %r failed: %s" % (self.server, self.settings["username"], message or "wrong user name or password")
        if exc.status == 404:
            return ("%s has no /%s: check server and port (the Veeam Backup & Replication REST API listens on 9419 by "
                    "default; 13.1 also on 443)." % (self.server, TOKEN_PATH))
        return None

    def logout(self):
        self.http.request("POST", "api/oauth2/logout", expect=(200, 204))

    # -- jobs ----------------------------------------------------------------

    def read_jobs(self, last_runs=False):
        """Every job the server lists: the job states (every type) joined with the job list (the flag, and what can be
        changed); a job only in the states is unmanageable, a job of a type left out by `type` is hidden, both are named."""
        states = self.pages("api/v1/jobs/states")
        wanted = self._selected_types()
        models = self.pages("api/v1/jobs")
        jobs, only_states = joined(models, states)
        jobs = [self._settle_running(job) for job in jobs]
        self._warn_unknown_flags(jobs)
        unmanageable = [unmanageable_entry(state) for state in only_states if selects(wanted, state.get("type"))]
        kept = [job for job in jobs if selects(wanted, job.details["type"])]
        return JobList(kept, hidden=self._why_hidden([job for job in jobs if job not in kept], unmanageable), unmanageable=unmanageable,
                       unlisted=self._unlisted())

    def _unlisted(self):
        """When every type is asked for: the types the revision spoken cannot list ({kinds, why}, warned once a run), or None."""
        missing = unlisted_types(self.revision)
        if self.types or not missing:
            return None
        unlisted = dict(kinds=missing, why="REST API %s (Veeam Backup & Replication %s) lists only the job types it has names for"
                        % (self.revision, RELEASES[self.revision]))
        if not self.warned_unlisted:
            self.warned_unlisted = True
            self.warn(unlisted_sentence(unlisted) + ".")
        return unlisted

    def _warn_unknown_flags(self, jobs):
        """Name, once a run, each job whose schedule flag the server did not give (see job_from_models)."""
        for job in jobs:
            if job.details["flag_unknown"] and job.id not in self.flag_warned:
                self.flag_warned.add(job.id)
                self.warn("Job %r: the server did not say whether its schedule is enabled (its JobModel has no isDisabled, which REST "
                          "API %s does not require, and its status %r is that of a session); it is taken as disabled, so this run "
                          "neither disables it nor records it to be enabled again. Check the job in the Veeam Backup & Replication "
                          "console." % (job.name, self.revision, job.details["status"]))

    def chained_after(self, jobs, selected):
        """The jobs of `jobs` not in `selected` that run after a selected job (transitively), from JobStateModel.runAfterJob
        (1.3-rev0 and later; older revisions do not show chains, so nothing is found there)."""
        return chained_jobs(jobs, selected)

    def _why_hidden(self, left_out, unmanageable):
        """{name or lower-case id: why} of the jobs `type` leaves out and of the unmanageable ones."""
        hidden = dict((key, "is of type %s, which type=%s leaves out" % (job.details["type"], self.types))
                      for job in left_out for key in (job.name, job.id.lower()))
        hidden.update((key, entry["why"]) for entry in unmanageable for key in (entry["name"], str(entry["id"]).lower()))
        return hidden

    def _selected_types(self):
        """The server's names of the types the `type` option selects (empty: every type); a type the server's revision does
        not know is an error naming the ones it does, never a filter that selects nothing."""
        mapped = dict((name, server_type(name, self.revision)) for name in self.types)
        unknown = [name for name, found in mapped.items() if found is None]
        if unknown:
            raise JobModuleError("type %s: no such job type in REST API revision %s (Veeam Backup & Replication %s) of %s; its types are %s."
                                 % (", ".join(unknown), self.revision, RELEASES[self.revision], self.server,
                                    ", ".join(job_types(self.revision))))
        return set(mapped.values())

    def _settle_running(self, job):
        """The job with `running` decided by its last session where the status alone cannot say (see session_may_run)."""
        if not session_may_run(job):
            return job
        try:
            session = self.http.json(self.call("GET", "api/v1/sessions/%s" % job.details["session_id"]))
        except VeeamApiError as exc:
            if exc.status == 404:
                return job
            raise
        state = session.get("state") if isinstance(session, dict) else None
        # The state is kept so that a wait can name what it waits on ("running (WaitingRepository)").
        return job._replace(running=session_running(state), details=dict(job.details, session_state=state))

    def spoken_revision(self):
        """The revision the server accepted (logging in first when no request has been made yet)."""
        with self._login_lock:
            if self.token is None:
                self.login()
        return self.revision

    def read_infrastructure(self):
        return read_infrastructure(self)

    def resolve_scope(self, jobs, scope, maintenance_mode):
        return resolve_scope(self, jobs, scope, maintenance_mode)

    def pages(self, path, params=None):
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
        """The newest `limit` sessions of a job, newest first: one request, filtered and ordered by the server (1.1-rev0's
        sessions carry no jobId: the filter is trusted there)."""
        answer = self.http.json(self.call("GET", "api/v1/sessions", params=dict(
            jobIdFilter=job.id, orderColumn="CreationTime", orderAsc="false", limit=limit)))
        sessions = [s for s in (answer.get("data") or []) if str(s.get("jobId") or job.id).lower() == job.id.lower()]
        return [session_entry(s) for s in sorted(sessions, key=lambda s: s.get("creationTime") or "", reverse=True)[:limit]]

    def send(self, job, action):
        """One POST; start and stop answer with the session they started (followed through the job states)."""
        path = "api/v1/jobs/%s/%s" % (job.id, action)
        try:
            if action in (ENABLE, DISABLE):
                self.call("POST", path, expect=(200, 204))
                return None
            # 1.3-rev2 answers a start of a job with no objects to process with 204 and starts nothing.
            response = self.call("POST", path, expect=(201, 204) if action == START else (201,), json=self._spec(action))
        except VeeamApiError as exc:
            if exc.status == 403:
                exc.message = "the account %r may not %s jobs on %s: REST API %s allows it only to %s (%s)" % (
                    self.settings["username"], action, self.server, self.trying, roles_for(action, self.trying),
                    exc.server_message or "access denied")
            raise
        if response.status_code == 204:
            note = "the server accepted the start but created no session: the job has no objects to process"
            self.warn("Job %r: %s." % (job.name, note))
            return dict(session=None, no_session=note, job=job.name)
        session = self.http.json(response)
        if isinstance(session, dict) and session.get("id"):
            return dict(session=dict(id=session.get("id"), state=session.get("state")))
        return None

    def _spec(self, action):
        if action == START:
            return dict(performActiveFull=self.settings["active_full"])
        # self.trying is the revision every request carries (the accepted one once logged in, as a write always is).
        field = STOP_FIELD if rank(self.trying) >= rank(STOP_FIELD_SINCE) else OLD_STOP_FIELD
        spec = {field: self.settings["graceful_stop"]}
        if rank(self.trying) >= rank(CANCEL_CHAINED_SINCE):
            # Stopping a job otherwise lets the jobs chained after it start (JobStopSpec.cancelChainedJobs, default false).
            spec["cancelChainedJobs"] = True
        return spec

    def await_writes(self, handles, timeout, sleep):
        """Starts are followed through the job states; only a start that created no session fails here (nothing will run)."""
        return [(handle, "Job %r: %s; nothing runs" % (handle["job"], handle["no_session"])) for handle in handles if handle.get("no_session")]

    def describe(self, handle):
        return dict((key, value) for key, value in (handle or {}).items() if key != "job")


VBR = Api(name="vbr", title=VBR_TITLE, default_port=9419,
          # VEEAM_VBR_API_VERSION: what the AWX credential type injects (auto when its field is left empty).
          options=dict(api_version=dict(type="str", default=AUTO, choices=[AUTO] + REVISIONS, fallback=(env_fallback, ["VEEAM_VBR_API_VERSION"])),
                       type=dict(type="list", elements="str", choices=JOB_TYPES)),
          job_options=dict(active_full=dict(type="bool", default=False), graceful_stop=dict(type="bool", default=True)),
          client=VbrClient, job_module="backupops.veeam.veeam_vbr_job", inventory_group="vbr_servers",
          state_options=dict(active_full=("running",)),
          window_options=dict(api_version=("maintenance_window_vbr_api_version", "veeam_vbr_api_version"),
                              type=("maintenance_window_vbr_types", "veeam_vbr_types")),
          # Unset, type selects every type; end restores every recorded job whatever its type: the record is the selection.
          selection_options=dict(type=None),
          infrastructure=KINDS)
