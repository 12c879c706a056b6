"""Veeam Backup & Replication REST API (port 9419, base /api), revisions 1.1-rev0 to 1.3-rev2 (VBR 12.0 to 13.1): OAuth2
tokens, roles, jobs, job states, job actions and sessions. JSON only; every request carries `x-api-version: <version>-<revision>`
(except the Swagger document stub). What differs between revisions is looked up in vbrrev, never compared here.

The vendor OpenAPI documents are the contract; what they leave open is listed as assumptions in README.md.
"""

import base64
import datetime
import json
import re
import secrets
from urllib.parse import parse_qsl

from . import vbrdoc, vbrrev
from .vbrinfra import INFRA_ROUTES, InfraRoutes
from .messages import ApiError, Response, SimulatedApi
from .util import is_guid, iso, monotonic, new_id, utcnow
from .vbrstate import VbrToken

JSON_TYPE = "application/json; charset=utf-8"
PAGE_DEFAULT = 200
INT32_MAX = 2147483647
# Error codes (Error.errorCode) by status, for errors that do not name their own.
ERROR_CODES = {400: "UnexpectedContent", 401: "AccessDenied", 403: "AccessDenied", 404: "NotFound", 405: "MethodNotAllowed",
               429: "ServiceUnavailable", 500: "UnknownError", 501: "NotImplemented", 502: "ServiceUnavailable",
               503: "ServiceUnavailable", 504: "ServiceUnavailable"}
ACTIONS = ("start", "stop", "enable", "disable")
# Routes answered without x-api-version and without a token.
PUBLIC_ROUTES = [
    (re.compile(r"^/swagger/v([^/]+)/swagger\.json$"), {"GET": "swagger"}),
]
ROUTES = [
    (re.compile(r"^/api/oauth2/token$"), {"POST": "token"}),
    (re.compile(r"^/api/oauth2/logout$"), {"POST": "logout"}),
    (re.compile(r"^/api/v1/jobs$"), {"GET": "list_jobs"}),
    (re.compile(r"^/api/v1/jobs/states$"), {"GET": "list_states"}),
    (re.compile(r"^/api/v1/jobs/([^/]+)$"), {"GET": "get_job"}),
    (re.compile(r"^/api/v1/jobs/([^/]+)/(start|stop|enable|disable)$"), {"POST": "job_action"}),
    (re.compile(r"^/api/v1/sessions$"), {"GET": "list_sessions"}),
    (re.compile(r"^/api/v1/sessions/([^/]+)$"), {"GET": "get_session"}),
] + [(re.compile(pattern), methods) for pattern, methods in INFRA_ROUTES]
JOB_ORDER = {"name": "name", "type": "type", "description": "description"}
STATE_ORDER = {"name": "name", "type": "type", "status": "status", "lastrun": "lastRun", "lastresult": "lastResult",
               "nextrun": "nextRun", "description": "description", "repositoryid": "repositoryId", "objectscount": "objectsCount",
               "repositoryname": "repositoryName"}
SESSION_ORDER = {"name": "name", "sessiontype": "sessionType", "creationtime": "creationTime", "endtime": "endTime", "state": "state",
                 "result": "result"}
RESULTS = ("None", "Success", "Warning", "Failed")
SWAGGER_TITLE = "Veeam Backup & Replication REST API"


class VbrError(ApiError):
    """An error that names the object involved (Error.resourceId)."""

    def __init__(self, status, message, code=None, resource_id=None):
        super().__init__(status, message, code=code)
        self.resource_id = resource_id


def _jwt(user, expires):
    """A token shaped like a JWT (header.payload.signature); nobody checks its content."""
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    payload = {"unique_name": user, "exp": int(expires.timestamp()), "jti": new_id(), "aud": "access", "iss": "veeam_sim"}
    return "%s.%s.%s" % (part({"alg": "RS512", "typ": "JWT"}), part(payload), secrets.token_urlsafe(32))


def _json(status, value, headers=None):
    return Response(status, json.dumps(value).encode("utf-8"), JSON_TYPE, headers or {})


def _ago(seconds):
    return utcnow() - datetime.timedelta(seconds=max(0.0, seconds))


class VbrApi(InfraRoutes, SimulatedApi):
    """Routes and resources of one Veeam Backup & Replication server's REST API."""

    # -- plumbing ----------------------------------------------------------------------------------------

    def error(self, _request, exc):
        headers = dict(exc.headers)
        if exc.status == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return _json(exc.status, vbrdoc.error(exc.code or ERROR_CODES.get(exc.status, "UnknownError"), exc.message,
                                              getattr(exc, "resource_id", None)), headers)

    @staticmethod
    def unauthorized(code="ExpiredToken", message="The access token has expired."):
        return ApiError(401, message, code=code)

    def served(self):
        """The revisions this server accepts (vbr_release / vbr_api_versions), oldest first."""
        return vbrrev.in_order(self.config.get("vbr_api_versions") or [])

    def revision(self, request):
        """The request's x-api-version, which must be one the server is configured to serve (400 otherwise)."""
        served = self.served()
        value = (request.header("x-api-version") or "").strip()
        if value not in served:
            newest = served[-1] if served else vbrrev.REVISIONS[0]
            raise ApiError(400, "Unsupported RESTAPI version. The following versions are supported: %s."
                           % ", ".join("v" + name for name in served),
                           code="NotImplemented" if vbrrev.has(newest, "refusalNotImplemented") else "UnexpectedContent")
        return value

    def handle(self, request):
        path = request.path.lower().rstrip("/") or "/"
        public = self._route(PUBLIC_ROUTES, request, path)
        if public:
            name, groups = public
            return getattr(self, name)(request, *groups)
        revision = self.revision(request)
        found = self._route(ROUTES, request, path)
        if found is None:
            raise ApiError(404, "The requested URI %s does not exist." % request.path, code="InvalidURI")
        name, groups = found
        return getattr(self, name)(revision, request, *groups)

    @staticmethod
    def _route(routes, request, path):
        """(handler name, path groups) of the route matching the path; 405 for another method; None if no route matches."""
        for pattern, methods in routes:
            match = pattern.match(path)
            if match:
                name = methods.get(request.method)
                if name is None:
                    raise ApiError(405, "Method %s is not allowed on %s." % (request.method, request.path))
                return name, match.groups()
        return None

    def swagger(self, request, revision):
        """GET /swagger/v<revision>/swagger.json: a minimal OpenAPI stub for each served revision (clients probe it)."""
        if revision not in self.served():
            raise ApiError(404, "The requested URI %s does not exist." % request.path, code="NotFound")
        return _json(200, {"openapi": "3.0.1", "info": {"title": SWAGGER_TITLE, "version": revision}, "paths": {}})

    def authenticate(self, request):
        value = request.header("Authorization") or ""
        if not value.lower().startswith("bearer "):
            raise self.unauthorized("AccessDenied", "Authorization header is missing or is not a bearer token.")
        token = self.world.vbr.tokens.get(value[7:].strip())
        if token is None:
            raise self.unauthorized("InvalidToken", "The access token is invalid.")
        if monotonic() >= token.expires_at:
            # It stays known as expired; its refresh token still works ("refresh an expired or lost access token").
            raise self.unauthorized()
        return token

    @staticmethod
    def authorize(token, action, revision):
        """403 AccessDenied unless the token's role may perform this job action in this revision ("Available to")."""
        if not vbrrev.may(token.role, action, revision):
            raise ApiError(403, "Access denied. The operation requires one of the roles: %s."
                           % ", ".join(vbrrev.required_roles(action, revision)), code="AccessDenied")

    def _forget(self, token):
        self.world.vbr.tokens.pop(token.access, None)
        self.world.vbr.refresh_tokens.pop(token.refresh, None)

    def expire(self, request):
        """The `expire` fault: the access token this request carries expires now (its refresh token keeps working)."""
        value = request.header("Authorization") or ""
        token = self.world.vbr.tokens.get(value[7:].strip()) if value.lower().startswith("bearer ") else None
        if token is not None:
            token.expires_at = min(token.expires_at, monotonic())

    def behind(self, kind, ref):
        """flip_behind / delete_behind: change a job behind the client's back."""
        jobs = self.world.vbr.jobs
        job = jobs.get(ref.lower()) or next((j for j in jobs.values() if j.name == ref), None)
        if job is None:
            return
        if kind == "delete_behind":
            self.world.vbr.delete_job(job.id)
        else:
            job.enabled = not job.enabled

    # -- time --------------------------------------------------------------------------------------------

    def tick(self, now):
        self.tick_infra(now)
        vbr = self.world.vbr
        for job_id in list(vbr.active):
            job = vbr.jobs.get(job_id)
            session = job.current if job else None
            if session is None:
                vbr.active.discard(job_id)
                continue
            if session.stuck:
                continue
            if session.stop_at is not None and now >= session.stop_at:
                self._end(session, "Failed", "Job has been stopped by user.", now - session.stop_at, canceled=True)
            elif session.end_at is not None and now >= session.end_at:
                if session.fail_message is not None:
                    self._end(session, "Failed", session.fail_message, now - session.end_at)
                else:
                    self._end(session, "Success", "", now - session.end_at)
            else:
                self._advance(session, now)
                continue
            self._start_chained(job, session, now)

    def _start_chained(self, job, session, now):
        """When a session ends, the jobs chained after its job start (whatever its result), unless the session was a REST start
        without startChainedJobs or was stopped with cancelChainedJobs; a disabled or running chained job does not start."""
        if not session.start_chained or session.cancel_chained:
            return
        vbr = self.world.vbr
        for chained in vbr.chained_after(job):
            if chained.enabled and chained.current is None:
                vbr.start_session(chained, now, float(self.config["vbr_run_seconds"]), start_chained=True)

    def _advance(self, session, now):
        if session.state == "Starting" and now >= session.starting_until:
            session.state = "Working"
            session.usn = self.world.vbr.next_usn()
        if session.end_at is not None and session.state in ("Starting", "Working"):
            share = (now - session.started_at) / max(session.end_at - session.started_at, 1e-6)
            session.progress = max(session.progress, min(99, int(share * 100)))

    def _end(self, session, result, message, seconds_ago, canceled=False):
        session.state = "Stopped"
        session.result = result
        session.message = message
        session.canceled = canceled
        session.end_time = _ago(seconds_ago)
        if result == "Success":
            session.progress = 100
        session.usn = self.world.vbr.next_usn()
        self.world.vbr.active.discard(session.job_id)

    # -- login -------------------------------------------------------------------------------------------

    def token(self, revision, request):
        """POST /api/oauth2/token, form-encoded: grant_type password (username, password) or refresh_token."""
        if "application/x-www-form-urlencoded" not in (request.header("Content-Type") or "").lower():
            raise ApiError(400, "The request body must be form-encoded (application/x-www-form-urlencoded).")
        form = dict(parse_qsl(request.text, keep_blank_values=True))
        grant = (form.get("grant_type") or "").lower()
        if grant == "password":
            user, role = self._login(form)
            self._admit(role, revision)
        elif grant == "refresh_token":
            old = self.world.vbr.refresh_tokens.get(form.get("refresh_token") or "")
            if old is None:
                raise self.unauthorized("InvalidToken", "The refresh token is invalid, expired or already used.")
            user, role = old.user, old.role
            self._admit(role, revision)
            self._forget(old)
            self.world.vbr.refreshes += 1
        else:
            raise ApiError(400, "Unsupported grant_type '%s' (supported: password, refresh_token)." % form.get("grant_type", ""))
        return _json(200, self._issue(user, role))

    def _login(self, form):
        """(user name, role) for the password grant: the command line's administrator first, then the scenario's users."""
        user = form.get("username") or ""
        password = form.get("password")
        if not user or not password:
            raise ApiError(400, "The username and password parameters are required for the password grant type.")
        if user.lower() == self.sim.username.lower() and password == self.sim.password:
            return self.sim.username, vbrrev.ADMINISTRATOR
        account = self.world.vbr.users.get(user.lower())
        if account is None or password != account.password:
            raise self.unauthorized("AccessDenied", "Failed to log in: the user name or password is incorrect.")
        return account.name, account.role

    @staticmethod
    def _admit(role, revision):
        """403 for a custom role where the revision refuses them ("Authentication with custom roles is not allowed.")."""
        if vbrrev.is_custom(role) and vbrrev.has(revision, "customLoginRefused"):
            raise ApiError(403, "Authentication with custom roles is not allowed.", code="AccessDenied")

    def _issue(self, user, role):
        seconds = float(self.config["vbr_token_seconds"])
        issued = utcnow()
        expires = issued + datetime.timedelta(seconds=seconds)
        token = VbrToken(access=_jwt(user, expires), refresh=secrets.token_urlsafe(48), user=user, expires_at=monotonic() + seconds,
                         issued=issued, expires=expires, role=role)
        self.world.vbr.tokens[token.access] = token
        self.world.vbr.refresh_tokens[token.refresh] = token
        return {"access_token": token.access, "token_type": "bearer", "refresh_token": token.refresh, "expires_in": int(seconds),
                ".issued": iso(issued), ".expires": iso(expires)}

    def logout(self, _revision, request):
        self._forget(self.authenticate(request))
        return _json(200, {})

    # -- paging, filters, order --------------------------------------------------------------------------

    @staticmethod
    def _int(request, key, default, low):
        raw = request.params.get(key.lower(), "")
        try:
            value = int(raw) if raw != "" else default
        except ValueError as exc:
            raise ApiError(400, "The value '%s' is not valid for %s." % (raw, key)) from exc
        if value < low or value > INT32_MAX:
            raise ApiError(400, "%s must be between %d and %d." % (key, low, INT32_MAX))
        return value

    def _page(self, request, items):
        """{"data", "pagination"} of the rendered items, after skip/limit (default limit 200)."""
        skip = self._int(request, "skip", 0, 0)
        limit = self._int(request, "limit", PAGE_DEFAULT, 1)
        data = items[skip:skip + limit]
        return {"data": data, "pagination": {"total": len(items), "count": len(data), "skip": skip, "limit": limit}}

    @staticmethod
    def _values(request, key):
        """Every value of a query parameter (repeated or comma-separated), matched case-insensitively by name."""
        values = []
        for name, value in parse_qsl(request.query, keep_blank_values=True):
            if name.lower() == key.lower():
                values += [part.strip() for part in value.split(",") if part.strip()]
        return values

    def _enum(self, request, key, allowed):
        """The values given for an enum filter; 400 for a value the enum does not have (compared case-insensitively)."""
        chosen = []
        for value in self._values(request, key):
            match = next((name for name in allowed if name.lower() == value.lower()), None)
            if match is None:
                raise ApiError(400, "The value '%s' is not valid for %s." % (value, key))
            chosen.append(match)
        return chosen

    @staticmethod
    def _name_matches(pattern, name):
        """nameFilter: `*` at the beginning and/or end substitutes characters; case-insensitive."""
        regex = "^" + ".*".join(re.escape(part) for part in pattern.lower().split("*")) + "$"
        return re.match(regex, name.lower()) is not None

    def _enum_check(self, request, key, allowed, value_of):
        """A predicate for an enum filter (None when the filter is not given)."""
        wanted = self._enum(request, key, allowed)
        return (lambda item: value_of(item) in wanted) if wanted else None

    def _name_check(self, request, name_of):
        pattern = request.params.get("namefilter")
        return (lambda item: self._name_matches(pattern, name_of(item))) if pattern else None

    @staticmethod
    def _equal_check(request, key, value_of):
        wanted = (request.params.get(key.lower()) or "").lower()
        return (lambda item: value_of(item) == wanted) if wanted else None

    def _select(self, request, candidates, checks, render, columns):
        """The page of candidates passing every check, rendered; only the page is rendered unless orderColumn needs them all."""
        checks = [check for check in checks if check is not None]
        chosen = [item for item in candidates if all(check(item) for check in checks)]
        if request.params.get("ordercolumn"):
            return self._page(request, self._order(request, [render(item) for item in chosen], columns))
        page = self._page(request, chosen)
        page["data"] = [render(item) for item in page["data"]]
        return page

    def _order(self, request, items, columns):
        column = request.params.get("ordercolumn")
        if not column:
            return items
        key = columns.get(column.lower())
        if key is None:
            raise ApiError(400, "The value '%s' is not valid for orderColumn." % column)
        ascending = (request.params.get("orderasc") or "true").lower() != "false"
        present = [item for item in items if item.get(key) is not None]
        missing = [item for item in items if item.get(key) is None]
        present.sort(key=lambda item: json.dumps(item[key]).lower() if not isinstance(item[key], int) else item[key], reverse=not ascending)
        return present + missing

    # -- jobs --------------------------------------------------------------------------------------------

    def _visible_jobs(self, revision, in_states=False):
        return [job for job in self.world.vbr.jobs.values() if vbrdoc.type_name(job, revision, in_states) is not None]

    def _job(self, revision, job_id):
        """The job with this id, if this revision can show it; 404 NotFound otherwise (also for ids that are not GUIDs)."""
        job = self.world.vbr.jobs.get(job_id.lower()) if is_guid(job_id) else None
        if job is None or vbrdoc.type_name(job, revision) is None:
            raise VbrError(404, "Job %s was not found." % job_id, "NotFound", job_id if is_guid(job_id) else None)
        return job

    def _job_checks(self, request, revision, in_states=False):
        """nameFilter and typeFilter (the revision's EJobType, including types the simulator never has)."""
        return [self._name_check(request, lambda job: job.name),
                self._enum_check(request, "typeFilter", vbrrev.members(vbrrev.JOB_TYPES, revision),
                                 lambda job: vbrdoc.type_name(job, revision, in_states))]

    def list_jobs(self, revision, request):
        """GET /api/v1/jobs: JobsResult; skip, limit, orderColumn, orderAsc, nameFilter, typeFilter."""
        self.authenticate(request)
        return _json(200, self._select(request, self._visible_jobs(revision), self._job_checks(request, revision),
                                       lambda job: vbrdoc.job_model(job, revision, self.world.vbr.omit_is_disabled), JOB_ORDER))

    def get_job(self, revision, request, job_id):
        self.authenticate(request)
        return _json(200, vbrdoc.job_model(self._job(revision, job_id), revision, self.world.vbr.omit_is_disabled))

    def list_states(self, revision, request):
        """GET /api/v1/jobs/states: JobStatesResult; paging, order, idFilter, nameFilter, typeFilter, statusFilter, lastResultFilter,
        repositoryIdFilter."""
        self.authenticate(request)
        statuses = [vbrrev.spell(status, revision) for status in vbrrev.members(vbrrev.JOB_STATUSES, revision)]
        checks = self._job_checks(request, revision, in_states=True) + [
            self._equal_check(request, "idFilter", lambda job: job.id),
            # vbr_rest_*.json#/paths/~1api~1v1~1jobs~1states/get/parameters: repositoryIdFilter, every revision.
            self._equal_check(request, "repositoryIdFilter", lambda job: vbrdoc.repository_of(job)[0].lower()),
            self._enum_check(request, "statusFilter", statuses, lambda job: vbrdoc.job_status(job, revision)),
            self._enum_check(request, "lastResultFilter", RESULTS, lambda job: job.latest.result if job.latest else "None")]
        return _json(200, self._select(request, self._visible_jobs(revision, in_states=True), checks,
                                       lambda job: vbrdoc.job_state(job, revision), STATE_ORDER))

    # -- actions -----------------------------------------------------------------------------------------

    @staticmethod
    def _spec_fields(action, revision):
        """(required boolean, optional fields with their allowed values, None = any boolean) of JobStartSpec/JobStopSpec
        in this revision; an optional field vbrrev.FEATURES names exists only from its revision (otherwise it is ignored)."""
        if action == "start":
            required, optional = "performActiveFull", {"startChainedJobs": None, "syncRestorePoints": ("All", "Latest")}
        else:
            required = "gracefulStop" if vbrrev.has(revision, "gracefulStop") else "gracefullStop"
            optional = {"cancelChainedJobs": None}
        return required, {key: allowed for key, allowed in optional.items() if key not in vbrrev.FEATURES or vbrrev.has(revision, key)}

    def _spec(self, request, action, revision):
        """The optional JSON body of start/stop: an object whose required boolean must be present (JobStartSpec/JobStopSpec).

        Unknown fields are ignored, except the other spelling of JobStopSpec's field (gracefullStop up to 1.1, gracefulStop
        from 1.2-rev0): a client that sends it gets a 400 that names the field this revision expects.
        """
        if not request.body.strip():
            return {}
        if "json" not in (request.header("Content-Type") or "").lower():
            raise ApiError(400, "The request body must be JSON (Content-Type: application/json).")
        try:
            spec = json.loads(request.text)
        except ValueError as exc:
            raise ApiError(400, "The request body is not valid JSON.") from exc
        required, optional = self._spec_fields(action, revision)
        if not isinstance(spec, dict) or not isinstance(spec.get(required), bool):
            raise ApiError(400, "The request body must be an object with the boolean field '%s'%s." % (required, self._misspelt(spec, required)))
        for key, allowed in optional.items():
            value = spec.get(key)
            if value is not None and not (isinstance(value, bool) if allowed is None else value in allowed):
                raise ApiError(400, "The field '%s' must be %s." % (key, "a boolean" if allowed is None else "one of " + ", ".join(allowed)))
        return spec

    @staticmethod
    def _misspelt(spec, required):
        """What a refusal adds when the body has the other revision's spelling of the stop field."""
        other = {"gracefulStop": "gracefullStop", "gracefullStop": "gracefulStop"}.get(required)
        if isinstance(spec, dict) and other in spec:
            return " (this revision's JobStopSpec has no field '%s')" % other
        return ""

    def job_action(self, revision, request, job_id, action):
        """POST /api/v1/jobs/{id}/start|stop (201 SessionModel; start 204 without objects from 1.3-rev2) and
        enable|disable (200 {} up to 1.3-rev0, 204 from 1.3-rev1). Checks: token, role (403), body (400), job (404)."""
        self.authorize(self.authenticate(request), action, revision)
        spec = self._spec(request, action, revision) if action in ("start", "stop") else {}
        job = self._job(revision, job_id)
        if action in ("enable", "disable"):
            job.enabled = action == "enable"
            return Response(204) if vbrrev.has(revision, "toggleNoContent") else _json(200, {})
        session = self._start(job, spec, request, revision) if action == "start" else self._stop(job, spec, revision)
        if session is None:
            return Response(204)
        return _json(201, vbrdoc.session_model(session, job.type, revision))

    def _start(self, job, spec, request, revision):
        """The new session, or None when the revision accepts a start of a job without objects without creating one."""
        if not job.enabled:
            raise VbrError(400, "Job '%s' is disabled. Enable the job before starting it." % job.name, "UnknownError", job.id)
        if job.current is not None:
            raise VbrError(400, "Job '%s' is already running." % job.name, "UnknownError", job.id)
        if job.objects == 0 and vbrrev.has(revision, "startNoObjects"):
            return None
        session = self.world.vbr.start_session(job, monotonic(), float(self.config["vbr_run_seconds"]),
                                               active_full=bool(spec.get("performActiveFull")), start_chained=spec.get("startChainedJobs") is True)
        fault = request.task_fault
        if fault and fault["kind"] == "task_fail":
            session.fail_message = fault.get("message") or "Injected failure."
        elif fault and fault["kind"] == "task_stuck":
            session.stuck = True
        return session

    def _stop(self, job, spec, revision):
        session = job.current
        if session is None:
            raise VbrError(400, "Job '%s' is not running." % job.name, "UnknownError", job.id)
        if spec.get("cancelChainedJobs") is True and vbrrev.has(revision, "cancelChainedJobs"):
            session.cancel_chained = True
        if session.stop_at is None:
            session.state = "Stopping"
            session.stop_at = monotonic() + float(self.config["vbr_stop_seconds"])
            session.usn = self.world.vbr.next_usn()
        return session

    # -- sessions ----------------------------------------------------------------------------------------

    def _visible_sessions(self, revision):
        jobs = self.world.vbr.jobs
        return [(s, jobs[s.job_id]) for s in self.world.vbr.sessions.values()
                if s.job_id in jobs and vbrdoc.type_name(jobs[s.job_id], revision) is not None]

    def list_sessions(self, revision, request):
        """GET /api/v1/sessions: newest first; jobIdFilter, stateFilter, resultFilter, typeFilter, nameFilter, paging, order."""
        self.authenticate(request)
        pairs = sorted(self._visible_sessions(revision), key=lambda pair: pair[0].created, reverse=True)
        checks = [self._equal_check(request, "jobIdFilter", lambda pair: pair[0].job_id),
                  self._enum_check(request, "stateFilter", vbrrev.members(vbrrev.SESSION_STATES, revision),
                                   lambda pair: vbrdoc.session_state(pair[0], revision)),
                  self._enum_check(request, "resultFilter", RESULTS, lambda pair: pair[0].result),
                  self._enum_check(request, "typeFilter", vbrrev.members(vbrrev.SESSION_TYPES, revision),
                                   lambda pair: vbrdoc.session_type(pair[1].type, revision)),
                  self._name_check(request, lambda pair: pair[0].name)]
        return _json(200, self._select(request, pairs, checks, lambda pair: vbrdoc.session_model(pair[0], pair[1].type, revision),
                                       SESSION_ORDER))

    def get_session(self, revision, request, session_id):
        self.authenticate(request)
        maintenance = self.infra_session(revision, session_id)
        if maintenance is not None:
            return _json(200, maintenance)
        session = self.world.vbr.sessions.get(session_id.lower()) if is_guid(session_id) else None
        job = self.world.vbr.jobs.get(session.job_id) if session else None
        if job is None or vbrdoc.type_name(job, revision) is None:
            raise VbrError(404, "Session %s was not found." % session_id, "NotFound", session_id if is_guid(session_id) else None)
        return _json(200, vbrdoc.session_model(session, job.type, revision))
