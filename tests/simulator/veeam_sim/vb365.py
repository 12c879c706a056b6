"""Veeam Backup for Microsoft 365 REST API, versions v2 to v8 (JSON, OAuth2-style bearer tokens)."""

import base64
import datetime
import json
import re
import secrets
from urllib.parse import parse_qsl, urlencode

from .messages import ApiError, Response, SimulatedApi
from .state import BACKUP, COPY, Vb365Token
from .util import is_guid, iso, monotonic, new_id, utcnow
from .vb365infra import InfraRoutes

VERSIONS = range(2, 9)
JSON_TYPE = "application/json; charset=utf-8"
PAGE_DEFAULT = 30
PAGE_MAX = 10000
ACTIONS = ("enable", "disable", "start", "stop")
# v8's errorCode values by status; v7's schema only knows "ProxyOffline", so v7 sends errorCode null.
ERROR_CODES = {400: "ParameterValidationFailure", 403: "ResourceAccessDenied", 404: "ResourceNotFound", 409: "OperationConflict",
               408: "Timeout", 504: "Timeout"}
STACK_TRACE = ("   at Veeam.Archiver.REST.Common.Exceptions.ExceptionHandler.Handle(Exception ex)\r\n"
               "   at Veeam.Archiver.REST.Service.Controllers.JobsController.Action(Guid jobId)")
DENIED = "Authorization has been denied for this request."
ANTIFORGERY = "The required antiforgery header is not present."
# Backup copy jobs exist from v6 (the /Action dialect of v2-v5 knows backup jobs only).
FIRST_COPY_VERSION = 6
# The backup infrastructure (vb365infra) is served from v6, the first version with a collected document; proxy pools and the
# proxies' maintenance mode from v8 (vb365_rest_v8.json#/paths/~1v8~1ProxyPools, #/paths/~1v8~1Proxies~1{proxyId}~1maintenance~1enable).
FIRST_INFRA_VERSION = 6
# The session filters: (query parameter, first version, {accepted value (lower case): the session's value}, session attribute).
# The v8 status filter names success "Succeeded" while sessions say "Success"; jobType is Backup or Copy from v6.
SESSION_FILTERS = (
    ("status", 8, {"succeeded": "Success", "success": "Success", "running": "Running", "stopped": "Stopped", "failed": "Failed",
                   "warning": "Warning"}, "status"),
    ("jobType", FIRST_COPY_VERSION, {"backup": BACKUP, "copy": COPY}, "job_type"),
)
# Each kind of job: its collection below /vN/ (lower case in routes), what messages call it, and the filters of its v6/v7 list
# and of its v8 page: (query parameter, job attribute).
COLLECTIONS = {BACKUP: "Jobs", COPY: "CopyJobs"}
KINDS = {"jobs": BACKUP, "copyjobs": COPY}
LABELS = {BACKUP: "Job", COPY: "Backup copy job"}
BY_REPOSITORY = (("repositoryid", "repository_id"),)
BY_ORGANIZATION_AND_REPOSITORY = (("organizationid", "organization_id"),) + BY_REPOSITORY
LIST_FILTERS = {(BACKUP, False): (), (BACKUP, True): BY_ORGANIZATION_AND_REPOSITORY,
                (COPY, False): BY_REPOSITORY, (COPY, True): BY_ORGANIZATION_AND_REPOSITORY}
ROUTE = re.compile(r"^/v(\d+)(/.*)?$", re.I)
# Below /vN/ (lower case, empty segments dropped): (path, first version, last version (None: every later one), {method: handler}).
# The handlers of both kinds of job get the collection (jobs or copyjobs) as their first argument.
ROUTES = [
    (re.compile(r"^token$"), 2, None, {"POST": "token"}),
    (re.compile(r"^token/logout$"), 7, None, {"POST": "logout"}),
    (re.compile(r"^(jobs)$"), 2, None, {"GET": "list_jobs"}),
    (re.compile(r"^(copyjobs)$"), FIRST_COPY_VERSION, None, {"GET": "list_jobs"}),
    (re.compile(r"^(jobs)/([^/]+)$"), 2, None, {"GET": "get_job"}),
    (re.compile(r"^(copyjobs)/([^/]+)$"), FIRST_COPY_VERSION, None, {"GET": "get_job"}),
    (re.compile(r"^jobs/([^/]+)/action$"), 2, 5, {"POST": "action_v2"}),
    (re.compile(r"^(jobs|copyjobs)/([^/]+)/(%s)$" % "|".join(ACTIONS)), 6, None, {"POST": "action_v6"}),
    (re.compile(r"^jobs/([^/]+)/copyjob$"), FIRST_COPY_VERSION, None, {"GET": "copy_job_of"}),
    (re.compile(r"^copyjobs/([^/]+)/backupjob$"), FIRST_COPY_VERSION, None, {"GET": "backup_job_of"}),
    (re.compile(r"^jobs/([^/]+)/jobsessions$"), 2, 6, {"GET": "job_sessions"}),
    (re.compile(r"^jobsessions$"), 2, None, {"GET": "list_sessions"}),
    (re.compile(r"^jobsessions/([^/]+)$"), 2, None, {"GET": "get_session"}),
    (re.compile(r"^proxies$"), FIRST_INFRA_VERSION, None, {"GET": "list_proxies"}),
    (re.compile(r"^proxies/([^/]+)$"), FIRST_INFRA_VERSION, None, {"GET": "get_proxy"}),
    (re.compile(r"^proxies/([^/]+)/maintenance/(enable|disable)$"), 8, None, {"POST": "proxy_maintenance"}),
    (re.compile(r"^proxypools$"), 8, None, {"GET": "list_proxy_pools"}),
    (re.compile(r"^proxypools/([^/]+)$"), 8, None, {"GET": "get_proxy_pool"}),
    (re.compile(r"^proxypools/([^/]+)/proxies$"), 8, None, {"GET": "pool_proxies"}),
    (re.compile(r"^backuprepositories$"), FIRST_INFRA_VERSION, None, {"GET": "list_repositories"}),
    (re.compile(r"^backuprepositories/([^/]+)$"), FIRST_INFRA_VERSION, None, {"GET": "get_repository"}),
]


def _json(status, value, headers=None):
    return Response(status, json.dumps(value).encode("utf-8"), JSON_TYPE, headers or {})


def _jwt(user, expires):
    """A token shaped like the product's JWTs (header.payload.signature); its content is never checked."""
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    payload = {"unique_name": user, "exp": int(expires.timestamp()), "jti": new_id(), "iss": "veeam_sim"}
    return "%s.%s.%s" % (part({"alg": "HS256", "typ": "JWT"}), part(payload), secrets.token_urlsafe(32))


class Vb365Api(InfraRoutes, SimulatedApi):
    """Routes, authentication, jobs, actions and sessions of one VB365 server; its backup infrastructure comes from InfraRoutes."""

    # -- plumbing ----------------------------------------------------------------------------------------

    @staticmethod
    def version_of(request):
        match = ROUTE.match(request.path)
        return int(match.group(1)) if match else 8

    def error(self, request, exc):
        version = self.version_of(request)
        body = {"message": exc.message}
        if version >= 7:
            body["errorCode"] = (exc.code or ERROR_CODES.get(exc.status)) if version >= 8 else None
        if version >= 8:
            body["stackTrace"] = STACK_TRACE
        headers = dict(exc.headers)
        if exc.status == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return _json(exc.status, body, headers)

    @staticmethod
    def unauthorized():
        return ApiError(401, DENIED)

    def handle(self, request):
        match = ROUTE.match(request.path)
        version = int(match.group(1)) if match else None
        if version not in VERSIONS:
            raise ApiError(404, "No HTTP resource was found that matches the request URI '%s'." % request.path)
        parts = [p for p in (match.group(2) or "").lower().split("/") if p]
        handler, args = self._route(version, parts, request)
        return handler(version, request, *args)

    def _route(self, version, parts, request):
        """(handler, extra args) for the path below /vN/, or an ApiError (404 unknown route, 405 wrong method)."""
        below = "/".join(parts)
        for pattern, first, last, methods in ROUTES:
            match = pattern.match(below)
            if match and first <= version <= (last or version):
                if request.method not in methods:
                    raise ApiError(405, "The requested resource does not support http method '%s'." % request.method)
                return getattr(self, methods[request.method]), match.groups()
        raise ApiError(404, "No HTTP resource was found that matches the request URI '%s'." % request.path)

    def authenticate(self, request, write=False):
        value = request.header("Authorization") or ""
        if not value.lower().startswith("bearer "):
            raise self.unauthorized()
        token = self.world.tokens.get(value[7:].strip())
        if token is None:
            raise self.unauthorized()
        if monotonic() >= token.expires_at:
            self._forget(token)
            raise self.unauthorized()
        if write and token.antiforgery_required:
            raise ApiError(400, ANTIFORGERY)
        return token

    def _forget(self, token):
        self.world.tokens.pop(token.access, None)
        self.world.refresh_tokens.pop(token.refresh, None)

    def expire(self, request):
        """The `expire` fault: the token this request carries stops working."""
        value = request.header("Authorization") or ""
        token = self.world.tokens.get(value[7:].strip()) if value.lower().startswith("bearer ") else None
        if token is not None:
            self._forget(token)

    def behind(self, kind, ref):
        """flip_behind / delete_behind: change a job (backup or backup copy job) behind the client's back."""
        job = self.world.find_vb365_job(ref)
        if job is None:
            return
        if kind == "delete_behind":
            self.world.delete_vb365_job(job.id)
        else:
            job.enabled = not job.enabled
            job.etag += 1

    # -- time --------------------------------------------------------------------------------------------

    def tick(self, now):
        self.tick_infra(now)
        for job_id in list(self.world.vb365_active):
            job = self.world.vb365_job_any(job_id)
            session = job.current if job else None
            if session is None:
                self.world.vb365_active.discard(job_id)
                continue
            if session.stuck:
                continue
            if session.stop_at is not None and now >= session.stop_at:
                self._finish(job, session, "Stopped", "Job has been stopped by user.", now - session.stop_at)
            elif session.end_at is not None and now >= session.end_at:
                if session.fail_message:
                    self._finish(job, session, "Failed", session.fail_message, now - session.end_at)
                else:
                    self._finish(job, session, "Success", "Processed %d objects." % self._progress(session, now), now - session.end_at)

    def _finish(self, job, session, status, details, seconds_ago):
        session.status = status
        session.details = details
        session.end_time = utcnow() - datetime.timedelta(seconds=seconds_ago)
        job.last_status = status
        if status in ("Success", "Warning"):
            job.last_backup = session.end_time
        self.world.vb365_active.discard(job.id)

    @staticmethod
    def _progress(session, now):
        end = session.stop_at or session.end_at
        elapsed = (min(now, end) if end is not None and not session.running else now) - session.started_at
        return max(0, int(elapsed * 25))

    # -- token -------------------------------------------------------------------------------------------

    def token(self, version, request):
        content_type = (request.header("Content-Type") or "").lower()
        if "application/x-www-form-urlencoded" not in content_type:
            return _json(400, {"error": "invalid_request", "error_description": "The request must be form-encoded."})
        form = dict(parse_qsl(request.text, keep_blank_values=True))
        grant = form.get("grant_type")
        if grant == "password":
            user = form.get("username") or ""
            if user.lower() != self.sim.username.lower() or form.get("password") != self.sim.password:
                return _json(400, {"error": "invalid_grant", "error_description": "The user name or password is incorrect."})
        elif grant == "refresh_token":
            old = self.world.refresh_tokens.get(form.get("refresh_token") or "")
            if old is None:
                return _json(400, {"error": "invalid_grant", "error_description": "The refresh token is invalid or has expired."})
            user = old.user
            self._forget(old)
        else:
            return _json(400, {"error": "unsupported_grant_type", "error_description": "grant_type must be password or refresh_token."})
        antiforgery = version >= 7 and (form.get("disable_antiforgery_token") or "").lower() != "true"
        return _json(200, self._issue(user, antiforgery))

    def _issue(self, user, antiforgery_required):
        seconds = float(self.config["vb365_token_seconds"])
        issued = utcnow()
        expires = issued + datetime.timedelta(seconds=seconds)
        token = Vb365Token(access=_jwt(user, expires), refresh=secrets.token_urlsafe(48), user=user,
                           expires_at=monotonic() + seconds, expires=expires, issued=issued, antiforgery_required=antiforgery_required)
        self.world.tokens[token.access] = token
        self.world.refresh_tokens[token.refresh] = token
        return {"access_token": token.access, "refresh_token": token.refresh, "token_type": "bearer", "expires_in": int(seconds),
                "userName": user, ".issued": iso(issued), ".expires": iso(expires)}

    def logout(self, _version, request):
        self._forget(self.authenticate(request))
        return Response(204)

    # -- jobs --------------------------------------------------------------------------------------------

    def _job(self, job_id, kind=BACKUP):
        if not is_guid(job_id):
            raise ApiError(400, "The value '%s' is not a valid job ID." % job_id)
        job = self.world.vb365_table(kind).get(job_id.lower())
        if job is None:
            raise ApiError(404, "%s with ID '%s' was not found." % (LABELS[kind], job_id))
        return job

    def render(self, job, version):
        """A RESTJob or a RESTCopyJob."""
        prefix = "/v%d" % version
        if job.kind == COPY:
            own = {"backupJobId": job.backup_job_id}
            links = {"backupJob": {"href": "%s/CopyJobs/%s/BackupJob" % (prefix, job.id)}}
        else:
            own = {"description": job.description, "backupType": job.backup_type}
            links = {}
            if job.copy_job_id and version >= FIRST_COPY_VERSION:
                links["copyJob"] = {"href": "%s/Jobs/%s/CopyJob" % (prefix, job.id)}
        # lastBackup: a backup job has always sent it (RESTJob documents it from v7); RESTCopyJob has it from v7.
        if job.kind == BACKUP or version >= 7:
            own["lastBackup"] = iso(job.last_backup)
        return self._job_json(job, version, own, links)

    def _job_json(self, job, version, own, links):
        """What both kinds of job share, plus the kind's own fields and links."""
        prefix = "/v%d" % version
        body = {"id": job.id, "name": job.name, "isEnabled": job.enabled, "lastStatus": job.last_status, "lastRun": iso(job.last_run),
                "nextRun": iso(job.next_run), "schedulePolicy": self._schedule(job), "repositoryId": job.repository_id}
        body.update(own)
        if version >= 8:
            body["organizationId"] = job.organization_id
            body["eTag"] = job.etag
        if version >= 7:
            # The jobId filter takes the backup job's id (see _sessions_of_backup_job); jobType picks this kind's sessions.
            backup_id = job.backup_job_id if job.kind == COPY else job.id
            links["jobsessions"] = {"href": "%s/JobSessions?%s" % (prefix, urlencode(dict(jobId=backup_id, jobType=job.kind)))}
        elif job.kind == BACKUP:
            links["jobsessions"] = {"href": "%s/Jobs/%s/JobSessions" % (prefix, job.id)}
        body["_links"] = dict({
            "self": {"href": "%s/%s/%s" % (prefix, COLLECTIONS[job.kind], job.id)},
            "organization": {"href": "%s/Organizations/%s" % (prefix, job.organization_id)},
            "backupRepository": {"href": "%s/BackupRepositories/%s" % (prefix, job.repository_id)},
        }, **links)
        return body

    @staticmethod
    def _schedule(job):
        if job.schedule == "Immediate":
            # RESTCopyJobSchedulePolicy: a copy job that runs after each restore point of its backup job.
            return {"type": "Immediate", "backupCopyWindowEnabled": False}
        if job.schedule == "ManualOnly":
            return {"type": "ManualOnly", "retryEnabled": False, "backupWindowEnabled": False}
        if job.schedule == "Periodically":
            return {"type": "Periodically", "periodicallyEvery": "Hours4", "scheduleEnabled": True, "periodicallyOffsetMinutes": 0,
                    "retryEnabled": True, "retryNumber": 3, "retryWaitInterval": 10, "backupWindowEnabled": False}
        return {"type": "Daily", "dailyType": "Everyday", "dailyTime": "%02d:00:00" % job.daily_hour, "retryEnabled": True,
                "retryNumber": 3, "retryWaitInterval": 10, "backupWindowEnabled": False}

    def list_jobs(self, version, request, collection):
        """GET /vN/Jobs or /vN/CopyJobs: a plain list before v8 (copy jobs filtered by repositoryId), a filtered page in v8."""
        self.authenticate(request)
        kind = KINDS[collection]
        jobs = list(self.world.vb365_table(kind).values())
        for key, attribute in LIST_FILTERS[kind, version >= 8]:
            if request.params.get(key):
                jobs = [job for job in jobs if getattr(job, attribute) == request.params[key].lower()]
        if version < 8:
            return _json(200, [self.render(job, version) for job in jobs])
        return _json(200, self._page(request, version, COLLECTIONS[kind], jobs, self.render))

    def _page(self, request, version, resource, items, render):
        offset, limit = self._paging(request)
        results = [render(item, version) for item in items[offset:offset + limit]]
        query = {k: v for k, v in parse_qsl(request.query, keep_blank_values=True) if k.lower() not in ("offset", "limit")}
        links = {"self": {"href": "/v%d/%s?%s" % (version, resource, urlencode(dict(query, offset=offset, limit=limit)))}}
        if offset + limit < len(items):
            links["next"] = {"href": "/v%d/%s?%s" % (version, resource, urlencode(dict(query, offset=offset + limit, limit=limit)))}
        return {"offset": offset, "limit": limit, "setId": new_id(), "results": results, "_links": links}

    @staticmethod
    def _paging(request):
        values = []
        for key, default, low, high in (("offset", 0, 0, None), ("limit", PAGE_DEFAULT, 1, PAGE_MAX)):
            raw = request.params.get(key, "")
            try:
                value = int(raw) if raw != "" else default
            except ValueError as exc:
                raise ApiError(400, "The value '%s' is not valid for %s." % (raw, key)) from exc
            if value < low or (high is not None and value > high):
                raise ApiError(400, "%s must be between %d and %s." % (key, low, high if high is not None else "2147483647"))
            values.append(value)
        return values

    def get_job(self, version, request, collection, job_id):
        self.authenticate(request)
        return _json(200, self.render(self._job(job_id, KINDS[collection]), version))

    def copy_job_of(self, version, request, job_id):
        """GET /vN/Jobs/{id}/CopyJob: the backup job's copy job; 404 when it has none (an assumption)."""
        self.authenticate(request)
        job = self._job(job_id)
        if job.copy_job_id is None:
            raise ApiError(404, "Job with ID '%s' has no backup copy job." % job_id)
        return _json(200, self.render(self.world.vb365_copy_jobs[job.copy_job_id], version))

    def backup_job_of(self, version, request, job_id):
        """GET /vN/CopyJobs/{id}/BackupJob: the backup job the copy job copies."""
        self.authenticate(request)
        return _json(200, self.render(self.world.vb365_jobs[self._job(job_id, COPY).backup_job_id], version))

    # -- actions -----------------------------------------------------------------------------------------

    def action_v2(self, _version, request, job_id):
        """The seed page's dialect: POST /vN/Jobs/{id}/Action with exactly one of {"enable": null} ... -> 200, empty body."""
        self.authenticate(request, write=True)
        action = self._action_body(request)
        self._act(self._job(job_id), action, request)
        return Response(200, b"", JSON_TYPE)

    @staticmethod
    def _require_json(request):
        content_type = (request.header("Content-Type") or "").lower()
        if "json" not in content_type:
            raise ApiError(415, "The request entity's media type '%s' is not supported for this resource." % (content_type or "none"))

    def _action_body(self, request):
        self._require_json(request)
        try:
            body = json.loads(request.text)
        except ValueError as exc:
            raise ApiError(400, "The request body is not valid JSON.") from exc
        if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in ACTIONS or next(iter(body.values())) is not None:
            raise ApiError(400, "The request body must name exactly one action with a null value: "
                                '{"enable": null}, {"disable": null}, {"start": null} or {"stop": null}.')
        return next(iter(body))

    def action_v6(self, version, request, collection, job_id, action):
        """v6-v8: POST /vN/Jobs|CopyJobs/{id}/enable|disable|start|stop -> 204 (v8 start: 200 with the new session)."""
        self.authenticate(request, write=True)
        kind = KINDS[collection]
        full = self._start_options(request) if action == "start" else False
        # Only a backup job's start and v6's copy job start document RESTStartJobOptions; v7+ copy job starts take no body.
        session = self._act(self._job(job_id, kind), action, request, full and (kind == BACKUP or version == 6))
        if action == "start" and version >= 8:
            return _json(200, self.session_json(session, version))
        return Response(204)

    def _start_options(self, request):
        """`full` from a start's RESTStartJobOptions body; no body is {"full": false}, a malformed one is 400."""
        if not request.body.strip():
            return False
        self._require_json(request)
        try:
            options = json.loads(request.text)
        except ValueError as exc:
            raise ApiError(400, "The request body is not valid JSON.") from exc
        if not isinstance(options, dict) or not isinstance(options.get("full", False), bool):
            raise ApiError(400, 'The start options must be an object such as {"full": false}.')
        return options.get("full", False)

    def _act(self, job, action, request, full=False):
        """Apply one action to a job of either kind; conflicting requests are refused with 409 OperationConflict (an assumption)."""
        name = "%s '%s'" % (LABELS[job.kind], job.name)
        if action in ("enable", "disable"):
            wanted = action == "enable"
            if job.enabled == wanted:
                raise ApiError(409, "%s is already %sd." % (name, action))
            job.enabled = wanted
            job.etag += 1
            return None
        if action == "stop":
            return self._stop(job, name)
        if not job.enabled:
            raise ApiError(409, "%s is disabled and cannot be started." % name)
        if job.current is not None:
            raise ApiError(409, "%s is already running." % name)
        session = self.world.start_vb365_session(job, monotonic(), float(self.config["vb365_run_seconds"]), full)
        self._task_fault(session, request.task_fault)
        return session

    @staticmethod
    def _task_fault(session, fault):
        """task_fail: the started session will end Failed; task_stuck: it never ends."""
        if fault and fault["kind"] == "task_fail":
            session.fail_message = fault.get("message") or "Injected failure."
        elif fault and fault["kind"] == "task_stuck":
            session.stuck = True

    def _stop(self, job, name):
        session = job.current
        if session is None:
            raise ApiError(409, "%s is not running." % name)
        if session.stop_at is None:
            session.stop_at = monotonic() + float(self.config["vb365_stop_seconds"])
        return session

    # -- sessions ----------------------------------------------------------------------------------------

    def session_json(self, session, version):
        prefix = "/v%d" % version
        job = self.world.vb365_job_any(session.job_id)
        progress = self._progress(session, monotonic()) if session.running else self._final_progress(session)
        body = {"id": session.id}
        if version >= 8:
            body["jobId"] = session.job_id
        if version >= 7:
            body["repositoryId"] = job.repository_id if job else None
        body.update({
            "details": session.details,
            "creationTime": iso(session.created),
            "endTime": iso(session.end_time),
            "retryCount": 0,
            "progress": progress,
            "status": session.status,
            "statistics": {"processingRateBytesPS": 1048576, "processingRateItemsPS": 25, "readRateBytesPS": 2097152,
                           "writeRateBytesPS": 1048576, "transferredDataBytes": progress * 65536, "processedObjects": progress,
                           "bottleneck": "Source" if session.running else "NA"},
        })
        if version >= 7:
            body["jobType"] = session.job_type
            body["jobWillBeRetried"] = False
        if version >= 8:
            body["jobSessionConfigType"] = "Full" if session.full else "Incremental"
        body["_links"] = {"self": {"href": "%s/JobSessions/%s" % (prefix, session.id)},
                          "job": {"href": "%s/%s/%s" % (prefix, COLLECTIONS[session.job_type], session.job_id)}}
        return body

    @staticmethod
    def _final_progress(session):
        match = re.search(r"(\d+)", session.details or "")
        return int(match.group(1)) if match and session.status == "Success" else 0

    def _sessions_answer(self, version, request, sessions, resource):
        if version < 6:
            return _json(200, [self.session_json(session, version) for session in sessions])
        return _json(200, self._page(request, version, resource, sessions, self.session_json))

    def list_sessions(self, version, request):
        """GET /vN/JobSessions: oldest first (the order is undocumented); jobId filter from v7, jobType from v6, status in v8.
        Before v6 there are no copy jobs, so their sessions are not shown."""
        self.authenticate(request)
        job_id = request.params.get("jobid") if version >= 7 else None
        if job_id:
            if not is_guid(job_id):
                raise ApiError(400, "The value '%s' is not valid for jobId." % job_id)
            sessions = self._sessions_of_backup_job(job_id.lower())
        else:
            sessions = list(self.world.vb365_sessions.values())
        wanted = self._session_filters(version, request)
        sessions = [s for s in sessions if all(getattr(s, attribute) == value for attribute, value in wanted.items())]
        return self._sessions_answer(version, request, sessions, "JobSessions")

    def _sessions_of_backup_job(self, job_id):
        """The sessions the jobId filter matches. The v7 and v8 documents define it as the backup job's id
        (vb365_rest_v7.json and vb365_rest_v8.json #/paths/~1vN~1JobSessions/get/parameters/0/description: "Specifies the
        identification number of the backup job"): a backup job's id matches its own sessions and its copy job's (a copy job
        copies that backup job; jobType=Copy or Backup tells them apart); a copy job's id matches nothing, like an unknown id."""
        job = self.world.vb365_jobs.get(job_id)
        if job is None:
            return []
        copy_job = self.world.vb365_copy_jobs.get(job.copy_job_id) if job.copy_job_id else None
        sessions = list(job.sessions) + (list(copy_job.sessions) if copy_job else [])
        return sorted(sessions, key=lambda session: session.created)

    @staticmethod
    def _session_filters(version, request):
        """{session attribute: value} of the filters this request sets (the version's own; a value outside a filter's enum is 400)."""
        wanted = {} if version >= FIRST_COPY_VERSION else {"job_type": BACKUP}
        for name, first, values, attribute in SESSION_FILTERS:
            raw = request.params.get(name.lower()) if version >= first else None
            if raw:
                if raw.lower() not in values:
                    raise ApiError(400, "The value '%s' is not valid for %s." % (raw, name))
                wanted[attribute] = values[raw.lower()]
        return wanted

    def job_sessions(self, version, request, job_id):
        self.authenticate(request)
        job = self._job(job_id)
        return self._sessions_answer(version, request, list(job.sessions), "Jobs/%s/JobSessions" % job.id)

    def get_session(self, version, request, session_id):
        self.authenticate(request)
        if not is_guid(session_id):
            raise ApiError(400, "The value '%s' is not a valid session ID." % session_id)
        session = self.world.vb365_sessions.get(session_id.lower())
        if session is None or (session.job_type == COPY and version < FIRST_COPY_VERSION):
            raise ApiError(404, "Job session with ID '%s' was not found." % session_id)
        return _json(200, self.session_json(session, version))
