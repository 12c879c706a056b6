"""Veeam Backup Enterprise Manager REST API (/api/): logon sessions, Veeam Agent jobs, backup sessions, backups and
repositories, the query service and asynchronous tasks. XML by default, JSON with `Accept: application/json`."""

import base64
import binascii
import datetime
import math
import re
from http.cookies import CookieError, SimpleCookie

from .emdoc import Node, leaf, links, render
from .emquery import FilterError, matches, parse_filter, sort_key
from .messages import ApiError, Response, SimulatedApi
from .state import BACKUP_SERVER_ID, EM_REPOSITORY_NAME, EmLogon, EmTask
from .util import is_guid, iso, monotonic, new_id, utcnow

API_VERSIONS = ("v1_5", "v1_6", "v1_7")
REALM = "Basic Realm=RestSvc"
SESSION_COOKIE = "X-RestSvcSessionId"
# Backup sessions name their job by the generic job URN (the vendor pages print urn:veeam:Job:<guid>), not urn:veeam:AgentBackupJob:.
SESSION_JOB_URN = "urn:veeam:Job:"
OPERATIONS = {"togglescheduleenabled": "UpdateJob", "start": "StartJob", "stop": "StopAgentJob", "retry": "RetryAgentJob"}
GUID_PART = r"([0-9a-fA-F-]{36})"
ROUTES = [
    (re.compile(r"^/api$"), {"GET": "root"}),
    (re.compile(r"^/api/sessionmngr$"), {"POST": "logon"}),
    (re.compile(r"^/api/logonsessions/([^/]+)$"), {"GET": "get_logon", "DELETE": "logoff"}),
    (re.compile(r"^/api/agents/jobs$"), {"GET": "list_jobs"}),
    (re.compile(r"^/api/agents/jobs/([^/]+)$"), {"GET": "get_job", "POST": "job_action"}),
    (re.compile(r"^/api/agents/jobs/([^/]+)/backupsessions$"), {"GET": "job_sessions"}),
    (re.compile(r"^/api/backupsessions/([^/]+)$"), {"GET": "get_session"}),
    (re.compile(r"^/api/backups/([^/]+)$"), {"GET": "get_backup"}),
    (re.compile(r"^/api/repositories$"), {"GET": "list_repositories"}),
    (re.compile(r"^/api/repositories/([^/]+)$"), {"GET": "get_repository"}),
    (re.compile(r"^/api/query$"), {"GET": "query"}),
    (re.compile(r"^/api/tasks$"), {"GET": "list_tasks"}),
    (re.compile(r"^/api/tasks/([^/]+)$"), {"GET": "get_task", "DELETE": "delete_task"}),
]


def _ago(seconds):
    return utcnow() - datetime.timedelta(seconds=max(0.0, seconds))


class EmApi(SimulatedApi):
    """Routes and resources of one Enterprise Manager."""

    # -- plumbing ----------------------------------------------------------------------------------------

    @staticmethod
    def wants_json(request):
        return "application/json" in (request.header("Accept") or "").lower()

    def answer(self, request, status, root, headers=None):
        body, content_type = render(root, self.wants_json(request))
        return Response(status, body, content_type, headers or {})

    def error(self, request, exc):
        headers = dict(exc.headers)
        if exc.status == 401:
            headers.setdefault("WWW-Authenticate", REALM)
        return self.answer(request, exc.status, Node("Error", {"Message": exc.message, "StatusCode": exc.status}), headers)

    @staticmethod
    def unauthorized(message="Authentication failed: no valid logon session (X-RestSvcSessionId)."):
        return ApiError(401, message)

    def handle(self, request):
        path = request.path.lower().rstrip("/") or "/"
        for pattern, methods in ROUTES:
            match = pattern.match(path)
            if match:
                name = methods.get(request.method)
                if name is None:
                    raise ApiError(405, "Method %s is not allowed on %s." % (request.method, request.path))
                return getattr(self, name)(request, *match.groups())
        raise ApiError(404, "The resource %s was not found." % request.path)

    @staticmethod
    def session_cookie(request):
        """The value of the session cookie the request carries, or None."""
        try:
            cookie = SimpleCookie(request.header("Cookie") or "").get(SESSION_COOKIE)
        except CookieError:
            return None
        return cookie.value if cookie is not None else None

    def session_token(self, request):
        """The logon session a request names: the cookie wins over the header when both are sent (the vendor's rule)."""
        cookie = self.session_cookie(request)
        return cookie if cookie is not None else request.header(SESSION_COOKIE)

    def authenticate(self, request):
        logon = self.world.logon_tokens.get(self.session_token(request) or "")
        if logon is None:
            raise self.unauthorized()
        now = monotonic()
        if now - logon.last_used > float(self.config["em_idle_seconds"]):
            self._drop(logon)
            raise self.unauthorized("Authentication failed: the logon session has expired.")
        logon.last_used = now
        return logon

    def _drop(self, logon):
        self.world.logons.pop(logon.id, None)
        self.world.logon_tokens.pop(logon.token, None)

    def expire(self, request):
        logon = self.world.logon_tokens.get(self.session_token(request) or "")
        if logon is not None:
            self._drop(logon)

    def behind(self, kind, ref):
        key = ref.rsplit(":", 1)[-1].lower() if ref.lower().startswith("urn:veeam:") else ref.lower()
        job = self.world.em_jobs.get(key) or next((j for j in self.world.em_jobs.values() if j.name == ref), None)
        if job is None:
            return
        if kind == "delete_behind":
            self.world.delete_em_job(job.id)
        else:
            job.enabled = not job.enabled
            job.stale_value = None

    # -- time --------------------------------------------------------------------------------------------

    def tick(self, now):
        for task_id in list(self.world.pending_tasks):
            task = self.world.tasks.get(task_id)
            if task is None:
                self.world.pending_tasks.discard(task_id)
            elif not task.stuck and task.finish_at is not None and now >= task.finish_at:
                self._complete(task, now)
        for job_id in list(self.world.em_active):
            job = self.world.em_jobs.get(job_id)
            session = job.current if job else None
            if session is None:
                self.world.em_active.discard(job_id)
                continue
            if session.stop_at is not None and now >= session.stop_at:
                self._end(job, session, "Failed", now - session.stop_at)
            elif session.end_at is not None and now >= session.end_at:
                self._end(job, session, "Success", now - session.end_at)
            elif session.state == "Starting" and now >= session.starting_until:
                session.state = "Working"

    def _end(self, job, session, result, seconds_ago):
        session.state = "Stopped"
        session.result = result
        session.end_time = _ago(seconds_ago)
        self.world.em_active.discard(job.id)
        if result == "Success" and not job.repositories:
            # A job's first finished run leaves its first backup (on the default repository): from now on the backup
            # query can name where the job writes.
            self.world.add_em_job_backup(job, EM_REPOSITORY_NAME)

    def _complete(self, task, now):
        """The task's operation is done: apply its effect (or its failure) and record the result."""
        task.op_done = True
        self.world.pending_tasks.discard(task.id)
        if task.fail_message is not None:
            task.success, task.message = False, task.fail_message
            return
        job = self.world.em_jobs.get(task.job_id)
        if job is None:
            task.success, task.message = False, "Job %s was not found." % task.job_id
            return
        task.success, task.message = getattr(self, "_do_" + task.action)(job, now)

    def _do_togglescheduleenabled(self, job, now):
        lag = float(self.config["em_flag_lag_seconds"])
        if lag > 0:
            # EM collects the new flag from the backup server a little later: the old value stays visible meanwhile.
            job.stale_value, job.stale_until = job.shown_enabled(now), now + lag
        job.enabled = not job.enabled
        return True, "Ok"

    def _do_start(self, job, now, is_retry=False):
        if job.current is not None:
            return False, "Job '%s' is already running." % job.name
        if not job.enabled:
            return False, "Job '%s' is disabled." % job.name
        self.world.start_em_session(job, now, float(self.config["em_run_seconds"]), is_retry=is_retry)
        return True, "Ok"

    def _do_retry(self, job, now):
        if job.current is None and (not job.sessions or job.sessions[-1].result != "Failed"):
            return False, "Job '%s' can be retried only after a failed run." % job.name
        return self._do_start(job, now, is_retry=True)

    def _do_stop(self, job, now):
        session = job.current
        if session is None:
            return False, "Job '%s' is not running." % job.name
        if session.stop_at is None:
            session.state = "Stopping"
            session.stop_at = now + float(self.config["em_stop_seconds"])
        return True, "Ok"

    # -- entry point and logon ---------------------------------------------------------------------------

    def root(self, request):
        base = request.base_url
        versions = [Node("SupportedVersion", {"Name": name}, [links([("Create", "%s/api/sessionMngr/?v=%s" % (base, name), "LogonSession", None)])])
                    for name in API_VERSIONS + ("latest",)]
        root = Node("EnterpriseManager", {"Href": base + "/api/", "Type": "EnterpriseManager"}, [
            links([("Create", base + "/api/sessionMngr/?v=latest", "LogonSession", None)]),
            Node("SupportedVersions", as_list=True, children=versions),
        ])
        return self.answer(request, 200, root)

    def logon(self, request):
        version = request.params.get("v", "latest")
        if version.lower() not in API_VERSIONS + ("latest",):
            raise ApiError(400, "Unsupported API version '%s' (supported: %s, latest)." % (version, ", ".join(API_VERSIONS)))
        stale = self.session_cookie(request)
        if stale is not None and stale not in self.world.logon_tokens:
            # The cookie is preferred even here: a logon that still carries an ended session's cookie is refused.
            raise self.unauthorized("Authentication failed: the logon session in the %s cookie has expired." % SESSION_COOKIE)
        user, password = self._basic(request)
        if user is None or user.lower() != self.sim.username.lower() or password != self.sim.password:
            raise ApiError(401, "Authentication failed: wrong user name or password.")
        session_id = new_id()
        # The header token is the base64 of the session id, as on real servers: not the id itself.
        token = base64.b64encode(session_id.encode()).decode()
        logon = EmLogon(id=session_id, token=token, user=self.sim.username, last_used=monotonic())
        self.world.logons[logon.id] = logon
        self.world.logon_tokens[token] = logon
        headers = {SESSION_COOKIE: token, "Set-Cookie": "%s=%s; Path=/; HttpOnly" % (SESSION_COOKIE, token)}
        return self.answer(request, 201, self._logon_node(request, logon), headers)

    @staticmethod
    def _basic(request):
        value = request.header("Authorization") or ""
        if not value.lower().startswith("basic "):
            return None, None
        try:
            decoded = base64.b64decode(value[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        user, _colon, password = decoded.partition(":")
        return user, password

    @staticmethod
    def _logon_node(request, logon):
        href = "%s/api/logonSessions/%s" % (request.base_url, logon.id)
        return Node("LogonSession", {"Href": href, "Type": "LogonSession"}, [
            links([("Up", request.base_url + "/api/", "EnterpriseManager", None), ("Delete", href, "LogonSession", None),
                   ("Down", request.base_url + "/api/agents/jobs", "AgentBackupJobReferenceList", None),
                   ("Down", request.base_url + "/api/query", "QueryService", None)]),
            leaf("UserName", logon.user),
            leaf("SessionId", logon.id),
        ])

    def get_logon(self, request, session_id):
        self.authenticate(request)
        logon = self.world.logons.get(session_id.lower())
        if logon is None:
            raise ApiError(404, "Logon session %s was not found." % session_id)
        return self.answer(request, 200, self._logon_node(request, logon))

    def logoff(self, request, session_id):
        self.authenticate(request)
        logon = self.world.logons.get(session_id.lower())
        if logon is None:
            raise ApiError(404, "Logon session %s was not found." % session_id)
        self._drop(logon)
        return Response(204)

    # -- agent jobs --------------------------------------------------------------------------------------

    def _job(self, job_id):
        job = self.world.em_jobs.get(job_id.lower()) if is_guid(job_id) else None
        if job is None:
            raise ApiError(404, "Agent backup job %s was not found." % job_id)
        return job

    @staticmethod
    def _job_href(request, job):
        return "%s/api/agents/jobs/%s" % (request.base_url, job.id)

    def job_ref(self, request, job):
        href = self._job_href(request, job)
        return Node("Ref", {"UID": job.uid, "Name": job.name, "Href": href, "Type": "AgentBackupJobReference"}, [
            links([("Up", "%s/api/backupServers/%s" % (request.base_url, BACKUP_SERVER_ID), "BackupServerReference", "vbr01"),
                   ("Alternate", href + "?format=Entity", "AgentBackupJob", job.name),
                   ("Down", href + "/backupSessions", "BackupJobSessionReferenceList", None)]),
        ])

    def job_entity(self, request, job, now):
        href = self._job_href(request, job)
        enabled = job.shown_enabled(now)
        return Node("AgentBackupJob", {"Href": href + "?format=Entity", "Type": "AgentBackupJob", "Name": job.name, "UID": job.uid}, [
            links([("Up", "%s/api/backupServers/%s" % (request.base_url, BACKUP_SERVER_ID), "BackupServerReference", "vbr01"),
                   ("Alternate", href, "AgentBackupJobReference", job.name),
                   ("Down", href + "/backupSessions", "BackupJobSessionReferenceList", None),
                   ("ToggleScheduleEnabled", href + "?action=toggleScheduleEnabled", "Task", None),
                   ("Start", href + "?action=start", "Task", None),
                   ("Stop", href + "?action=stop", "Task", None),
                   ("Retry", href + "?action=retry", "Task", None)]),
            leaf("JobType", "AgentBackup"),
            leaf("Platform", job.platform),
            leaf("Description", job.description),
            leaf("ScheduleConfigured", True),
            leaf("ScheduleEnabled", enabled),
            leaf("NextRun", iso(job.next_run(now))),
            Node("JobScheduleOptions", children=[
                Node("RetryOptions", children=[leaf("RetryTimes", 3), leaf("RetryTimeout", 10), leaf("RetrySpecified", True)]),
                Node("OptionsDaily", {"Enabled": True}, [leaf("Kind", "Everyday"), leaf("Time", "%02d:00:00" % job.daily_hour)]),
            ]),
            # No repository here: the vendor's JobInfo has none (docs/em_rest/agents_jobs_id.md); only backups name one.
            Node("JobInfo", children=[leaf("Mode", "ManagedByBackupServer")]),
        ])

    @staticmethod
    def _format(request, allowed):
        value = request.params.get("format", allowed[0]).lower()
        for name in allowed:
            if name.lower() == value:
                return name
        raise ApiError(400, "Unsupported format '%s' (supported: %s)." % (request.params.get("format"), ", ".join(allowed)))

    def list_jobs(self, request):
        self.authenticate(request)
        jobs = self.world.em_jobs.values()
        if self._format(request, ("Ref", "Entity")) == "Entity":
            now = monotonic()
            return self.answer(request, 200, Node("AgentBackupJobs", json_items="AgentBackupJobs",
                                                  children=[self.job_entity(request, job, now) for job in jobs]))
        return self.answer(request, 200, Node("EntityReferences", json_items="Refs", children=[self.job_ref(request, job) for job in jobs]))

    def get_job(self, request, job_id):
        self.authenticate(request)
        job = self._job(job_id)
        if self._format(request, ("Ref", "Entity")) == "Entity":
            return self.answer(request, 200, self.job_entity(request, job, monotonic()))
        return self.answer(request, 200, self.job_ref(request, job))

    def job_action(self, request, job_id):
        """POST /api/agents/jobs/{id}?action=... -> 202 and a Task; the outcome shows in the task, not the status."""
        logon = self.authenticate(request)
        job = self._job(job_id)
        action = (request.params.get("action") or "").lower()
        if action not in OPERATIONS:
            raise ApiError(400, "Unknown action '%s' (supported: toggleScheduleEnabled, start, stop, retry)." % request.params.get("action"))
        self.world.task_counter += 1
        now = monotonic()
        polls = self.config["em_task_polls"]
        task = EmTask(id="task-%d" % self.world.task_counter, owner=logon.id, operation=OPERATIONS[action], action=action, job_id=job.id,
                      created_at=now, finish_at=None if polls is not None else now + float(self.config["em_task_seconds"]),
                      polls_needed=int(polls) if polls is not None else None,
                      show_operation_finished=bool(self.config["em_operation_finished"]))
        fault = request.task_fault
        if fault and fault["kind"] == "task_stuck":
            task.stuck = True
        elif fault and fault["kind"] == "task_fail":
            task.fail_message = fault.get("message") or "Injected task failure."
        self.world.tasks[task.id] = task
        self.world.pending_tasks.add(task.id)
        return self.answer(request, 202, self.task_node(request, task, task.state()))

    # -- backup sessions ---------------------------------------------------------------------------------

    @staticmethod
    def _session_href(request, session):
        return "%s/api/backupSessions/%s" % (request.base_url, session.id)

    def _session_name(self, session):
        job = self.world.em_jobs.get(session.job_id)
        return "%s@%s" % (job.name if job else session.job_id, session.created.strftime("%Y-%m-%d %H:%M:%S"))

    def session_ref(self, request, session):
        href = self._session_href(request, session)
        return Node("Ref", {"UID": "urn:veeam:BackupJobSession:" + session.id, "Name": self._session_name(session), "Href": href,
                            "Type": "BackupJobSessionReference"},
                    [links([("Alternate", href + "?format=Entity", "BackupJobSession", None)])])

    def session_fields(self, session):
        job = self.world.em_jobs.get(session.job_id)
        return {"uid": "urn:veeam:BackupJobSession:" + session.id, "name": self._session_name(session),
                "jobuid": SESSION_JOB_URN + session.job_id, "jobname": job.name if job else None, "jobtype": "AgentBackup",
                "creationtime": iso(session.created), "endtime": iso(session.end_time), "creationtimeutc": iso(session.created),
                "endtimeutc": iso(session.end_time), "state": session.state, "result": session.result, "isretry": session.is_retry}

    def session_entity(self, request, session):
        fields = self.session_fields(session)
        href = self._session_href(request, session)
        job_href = "%s/api/agents/jobs/%s" % (request.base_url, session.job_id)
        return Node("BackupJobSession", {"Href": href + "?format=Entity", "Type": "BackupJobSession", "Name": fields["name"],
                                         "UID": fields["uid"]}, [
            links([("Up", job_href, "AgentBackupJobReference", fields["jobname"]), ("Alternate", href, "BackupJobSessionReference", None)]),
            leaf("JobUid", fields["jobuid"]),
            leaf("JobName", fields["jobname"]),
            leaf("JobType", "AgentBackup"),
            leaf("CreationTime", fields["creationtime"]),
            leaf("EndTime", fields["endtime"]),
            leaf("CreationTimeUTC", fields["creationtimeutc"]),
            leaf("EndTimeUTC", fields["endtimeutc"]),
            leaf("State", session.state),
            leaf("Result", session.result),
            leaf("Progress", 100 if not session.running else 50),
            leaf("IsRetry", session.is_retry),
        ])

    def job_sessions(self, request, job_id):
        self.authenticate(request)
        job = self._job(job_id)
        if self._format(request, ("Ref", "Entity")) == "Entity":
            return self.answer(request, 200, Node("BackupJobSessions", json_items="BackupJobSessions",
                                                  children=[self.session_entity(request, s) for s in job.sessions]))
        return self.answer(request, 200, Node("EntityReferences", json_items="Refs", children=[self.session_ref(request, s) for s in job.sessions]))

    def get_session(self, request, session_id):
        self.authenticate(request)
        session = self.world.em_sessions.get(session_id.lower())
        if session is None:
            raise ApiError(404, "Backup session %s was not found." % session_id)
        if self._format(request, ("Ref", "Entity")) == "Entity":
            return self.answer(request, 200, self.session_entity(request, session))
        return self.answer(request, 200, self.session_ref(request, session))

    # -- backups and repositories ------------------------------------------------------------------------
    # Shapes from docs/em_rest/backups_id.md, get_query_backup.md (its example: an agent job's ParentBackup and ChildBackup),
    # repositories.md and repositories_id.md. A backup's body names its repository (Link Rel="Up" Type="RepositoryReference")
    # and never its job: JobUid and JobName are query fields only.

    def _server_link(self, request):
        return ("Up", "%s/api/backupServers/%s" % (request.base_url, BACKUP_SERVER_ID), "BackupServerReference", "vbr01")

    def _repository_link(self, request, repository_id, rel="Up"):
        return (rel, "%s/api/repositories/%s" % (request.base_url, repository_id), "RepositoryReference",
                self.world.em_repositories.get(repository_id))

    @staticmethod
    def _backup_href(request, backup):
        return "%s/api/backups/%s" % (request.base_url, backup.id)

    def backup_fields(self, backup):
        return {"uid": "urn:veeam:Backup:" + backup.id, "name": backup.name, "jobuid": backup.job_uid, "jobname": backup.job_name,
                "repositoryuid": "urn:veeam:Repository:" + backup.repository_id,
                "repositoryname": self.world.em_repositories.get(backup.repository_id), "platform": backup.platform,
                "backuptype": backup.backup_type}

    def _backup_links(self, request, backup, entity):
        href = self._backup_href(request, backup)
        items = [self._repository_link(request, backup.repository_id), self._server_link(request)]
        items.append(("Alternate", href if entity else href + "?format=Entity", "BackupReference" if entity else "Backup", backup.name))
        if backup.backup_type == "ParentBackup":
            items.append(("Down", href + "/childbackups?format=Entity", "BackupList", None))
        else:
            items += [("Down", href + "/restorePoints", "RestorePointReferenceList", None), ("Down", href + "/backupFiles", "BackupFileReferenceList", None)]
        if backup.parent_id:
            parent = self.world.em_backups.get(backup.parent_id)
            items.append(("Up", "%s/api/backups/%s?format=Entity" % (request.base_url, backup.parent_id), "Backup", parent and parent.name))
        return links(items)

    def backup_ref(self, request, backup):
        return Node("Ref", {"UID": "urn:veeam:Backup:" + backup.id, "Name": backup.name, "Href": self._backup_href(request, backup),
                            "Type": "BackupReference"}, [self._backup_links(request, backup, False)])

    def backup_entity(self, request, backup):
        return Node("Backup", {"Type": "Backup", "Href": self._backup_href(request, backup) + "?format=Entity", "Name": backup.name,
                               "UID": "urn:veeam:Backup:" + backup.id},
                    [self._backup_links(request, backup, True), leaf("Platform", backup.platform), leaf("BackupType", backup.backup_type)])

    def get_backup(self, request, backup_id):
        self.authenticate(request)
        backup = self.world.em_backups.get(backup_id.lower())
        if backup is None:
            raise ApiError(404, "Backup %s was not found." % backup_id)
        if self._format(request, ("Ref", "Entity")) == "Entity":
            return self.answer(request, 200, self.backup_entity(request, backup))
        return self.answer(request, 200, self.backup_ref(request, backup))

    def repository_ref(self, request, repository_id, root="Ref"):
        href = "%s/api/repositories/%s" % (request.base_url, repository_id)
        name = self.world.em_repositories[repository_id]
        return Node(root, {"Type": "RepositoryReference", "Href": href, "Name": name, "UID": "urn:veeam:Repository:" + repository_id}, [
            links([self._server_link(request), ("Alternate", href + "?format=Entity", "Repository", name),
                   ("Down", href + "/backups", "BackupReferenceList", None), ("Down", href + "/replicas", "ReplicaReferenceList", None)])])

    def repository_entity(self, request, repository_id):
        href = "%s/api/repositories/%s" % (request.base_url, repository_id)
        name = self.world.em_repositories[repository_id]
        # Fixed sizes: nothing here reads them, they only give the entity the vendor's elements.
        return Node("Repository", {"Type": "Repository", "Href": href + "?format=Entity", "Name": name, "UID": "urn:veeam:Repository:" + repository_id}, [
            links([self._server_link(request), ("Alternate", href, "RepositoryReference", name),
                   ("Down", href + "/backups", "BackupReferenceList", None), ("Down", href + "/replicas", "ReplicaReferenceList", None)]),
            leaf("Capacity", 4398046511104), leaf("FreeSpace", 2199023255552), leaf("Kind", "WinLocal"),
        ])

    def list_repositories(self, request):
        self.authenticate(request)
        ids = list(self.world.em_repositories)
        if self._format(request, ("Ref", "Entity")) == "Entity":
            return self.answer(request, 200, Node("Repositories", json_items="Repositories", children=[self.repository_entity(request, i) for i in ids]))
        return self.answer(request, 200, Node("EntityReferences", json_items="Refs", children=[self.repository_ref(request, i) for i in ids]))

    def get_repository(self, request, repository_id):
        self.authenticate(request)
        key = repository_id.lower()
        if key not in self.world.em_repositories:
            raise ApiError(404, "Repository %s was not found." % repository_id)
        if self._format(request, ("Ref", "Entity")) == "Entity":
            return self.answer(request, 200, self.repository_entity(request, key))
        return self.answer(request, 200, self.repository_ref(request, key, root="EntityRef"))

    # -- query service -----------------------------------------------------------------------------------

    @staticmethod
    def job_fields(job, now):
        return {"uid": job.uid, "name": job.name, "platform": job.platform, "jobtype": "AgentBackup", "description": job.description,
                "scheduleenabled": job.shown_enabled(now), "scheduleconfigured": True}

    def _query_types(self, request, now):
        """Per query type: (its name, [(item, its filterable fields)], entity of an item, reference of an item)."""
        return {
            "agentbackupjob": lambda: ("AgentBackupJob", [(job, self.job_fields(job, now)) for job in self.world.em_jobs.values()],
                                       lambda job: self.job_entity(request, job, now), lambda job: self.job_ref(request, job)),
            "backupjobsession": lambda: ("BackupJobSession", [(s, self.session_fields(s)) for s in self.world.em_sessions.values()],
                                         lambda s: self.session_entity(request, s), lambda s: self.session_ref(request, s)),
            "backup": lambda: ("Backup", [(b, self.backup_fields(b)) for b in self.world.em_backups.values()],
                               lambda b: self.backup_entity(request, b), lambda b: self.backup_ref(request, b)),
        }

    def query(self, request):
        """GET /api/query?type=AgentBackupJob|BackupJobSession|Backup&format=Entities|References&filter=...&pageSize=&page= (1-based)."""
        self.authenticate(request)
        kind = (request.params.get("type") or "").lower()
        now = monotonic()
        types = self._query_types(request, now)
        if kind not in types:
            raise ApiError(400, "Unsupported query type '%s' (supported: AgentBackupJob, BackupJobSession, Backup)." % request.params.get("type"))
        type_name, items, entity_of, ref_of = types[kind]()
        if request.params.get("filter"):
            try:
                parsed = parse_filter(request.params["filter"])
                items = [(item, fields) for item, fields in items if matches(parsed, fields, type_name)]
            except FilterError as exc:
                raise ApiError(400, "Invalid filter: %s" % exc) from exc
        items = self._sorted(request, items, type_name)
        size, page = self._query_paging(request, len(items))
        chosen = [item for item, _fields in items[(page - 1) * size:page * size]]
        pages = math.ceil(len(items) / size)
        entities = self._format(request, ("References", "Entities")) == "Entities"
        nodes = [entity_of(item) if entities else ref_of(item) for item in chosen]
        if entities:
            body = Node("Entities", children=[Node(type_name + "s", as_list=True, children=nodes)])
        else:
            body = Node("Refs", as_list=True, children=nodes)
        root = Node("QueryResult", children=[body, self._paging_info(request, page, size, pages)])
        return self.answer(request, 200, root)

    @staticmethod
    def _sorted(request, items, type_name):
        """sortAsc=Field or sortDesc=Field (one of the filterable fields); the store's order otherwise."""
        keys = [(key, request.params[key]) for key in ("sortasc", "sortdesc") if request.params.get(key)]
        if not keys:
            return items
        if len(keys) > 1:
            raise ApiError(400, "Use either sortAsc or sortDesc, not both.")
        key, field = keys[0][0], keys[0][1].lower()
        if items and field not in items[0][1]:
            raise ApiError(400, "Cannot sort %s by unknown field '%s'." % (type_name, keys[0][1]))
        return sorted(items, key=lambda pair: sort_key(pair[1].get(field)), reverse=key == "sortdesc")

    @staticmethod
    def _query_paging(request, count):
        values = []
        # Without pageSize every result is on one page (the vendor's pageSize page).
        for key, default in (("pagesize", max(count, 1)), ("page", 1)):
            raw = request.params.get(key, "")
            try:
                value = int(raw) if raw != "" else default
            except ValueError as exc:
                raise ApiError(400, "Invalid %s '%s'." % (key, raw)) from exc
            if value < 1:
                raise ApiError(400, "%s must be 1 or more." % key)
            values.append(value)
        return values

    @staticmethod
    def _paging_info(request, page, size, pages):
        def page_href(number):
            query = re.sub(r"(?i)(^|&)page=\d*", "", request.query).strip("&")
            return "%s%s?%s&page=%d" % (request.base_url, request.path, query, number)
        items = [("First", page_href(1), "QueryResult", None), ("Last", page_href(max(1, pages)), "QueryResult", None)]
        if page < pages:
            items.append(("Next", page_href(page + 1), "QueryResult", None))
        if page > 1:
            items.append(("Previous", page_href(page - 1), "QueryResult", None))
        return Node("PagingInfo", {"PageNum": page, "PageSize": size, "PagesCount": pages}, [links(items)])

    # -- tasks -------------------------------------------------------------------------------------------

    @staticmethod
    def task_node(request, task, state):
        href = "%s/api/tasks/%s" % (request.base_url, task.id)
        # Attribute order as on the seed page: Type before Href; Link: Rel, Type, Href.
        children = [links([("Delete", href, "Task", None)]), leaf("TaskId", task.id), leaf("State", state), leaf("Operation", task.operation)]
        if state == "Finished":
            children.append(Node("Result", {"Success": bool(task.success)}, [leaf("Message", task.message)]))
        return Node("Task", {"Type": "Task", "Href": href}, children)

    def _own_task(self, request, task_id):
        logon = self.authenticate(request)
        task = self.world.tasks.get(task_id.lower())
        if task is None or task.owner != logon.id:
            # Task ids belong to the logon session that created them.
            raise ApiError(404, "Task %s was not found." % task_id)
        return task

    def get_task(self, request, task_id):
        task = self._own_task(request, task_id)
        task.polls += 1
        if not task.op_done and not task.stuck and task.polls_needed is not None and task.polls > task.polls_needed:
            self._complete(task, monotonic())
        state = task.state()
        if state == "OperationFinished":
            task.shown_operation_finished = True
        return self.answer(request, 200, self.task_node(request, task, state))

    def delete_task(self, request, task_id):
        task = self._own_task(request, task_id)
        # Deleting a task that is still running cancels its operation.
        self.world.tasks.pop(task.id, None)
        self.world.pending_tasks.discard(task.id)
        return Response(204)

    def list_tasks(self, request):
        logon = self.authenticate(request)
        tasks = [self.task_node(request, task, task.state()) for task in self.world.tasks.values() if task.owner == logon.id]
        return self.answer(request, 200, Node("Tasks", json_items="Tasks", children=tasks))
