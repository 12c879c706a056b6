"""HTTP plumbing: the listeners, the control API under /_sim/, fault injection, rate limiting and the request log."""

import json
import re
import selectors
import socket
import ssl
import sys
import threading
import time
import traceback
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .em import EmApi
from .messages import ApiError, Request, Response
from .state import DEFAULT_CONFIG, ScenarioError, build_world, validate_config
from .util import monotonic, template
from .vb365 import Vb365Api
from .vbr import VbrApi

FAULT_KINDS = ("status", "reset", "delay", "expire", "html", "truncated", "task_fail", "task_stuck", "flip_behind", "delete_behind")
# These only make sense for requests that create a task (EM) or a session (VB365 and VBR start); others do not consume them.
TASK_KINDS = ("task_fail", "task_stuck")
APIS = ("vb365", "em", "vbr")
FAULT_KEYS = {"kind", "api", "method", "path", "count", "status", "retry_after", "apply", "seconds", "message", "job"}
MAX_LOGGED_BODY = 65536
HTML_PAGE = ("<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>\n"
             "<body><h1>Service Unavailable</h1><p>HTTP Error %d. The service is unavailable.</p></body></html>\n")


def json_response(status, value):
    return Response(status, json.dumps(value).encode("utf-8"), "application/json; charset=utf-8")


def _creates_task(request):
    if request.method != "POST":
        return False
    lowered = request.path.lower().rstrip("/")
    # VBR's backup infrastructure writes (SOBR extent modes, proxy enable/disable) and VB365 v8's proxy maintenance mode
    # (POST /v8/Proxies/{id}/maintenance/enable|disable) take task_fail / task_stuck too.
    return ("action=" in request.query.lower() or lowered.endswith("/start") or lowered.endswith("/action")
            or "/api/v1/backupinfrastructure/" in lowered or "/maintenance/" in lowered)


class Simulator:
    """The state of one simulated installation (one VB365 server, one Enterprise Manager, one VBR server) and its test controls."""

    def __init__(self, username, password, scenario=None, tls=True, vbr_api_versions=None, vbr_release=None):
        self.username = username
        self.password = password
        self.default_scenario = scenario
        self.scheme = "https" if tls else "http"
        self.lock = threading.RLock()
        self.vb365 = Vb365Api(self)
        self.em = EmApi(self)
        self.vbr = VbrApi(self)
        # The VBR release or revisions served after every reset (--vbr-release, --vbr-api-versions; the list wins).
        self.vbr_startup = validate_config({"vbr_api_versions": list(vbr_api_versions)} if vbr_api_versions
                                           else {"vbr_release": vbr_release or DEFAULT_CONFIG["vbr_release"]})
        self.world = None
        self.config = {}
        self.faults = []
        self.log = []
        self.counts = {}
        self.recent = {api: deque() for api in APIS}
        self.reset(None)

    # -- control -----------------------------------------------------------------------------------------

    def reset(self, scenario):
        world = build_world(scenario if scenario else self.default_scenario, monotonic())
        with self.lock:
            self.world = world
            self.config = dict(DEFAULT_CONFIG, **self.vbr_startup)
            self.faults = []
            self.log = []
            self.counts = {}
            self.recent = {api: deque() for api in APIS}

    def tick(self):
        """Apply every time-driven change that is due (sessions ending, tasks finishing)."""
        now = monotonic()
        self.vb365.tick(now)
        self.em.tick(now)
        self.vbr.tick(now)

    def add_fault(self, spec):
        if not isinstance(spec, dict):
            raise ScenarioError("a fault must be a JSON object")
        unknown = set(spec) - FAULT_KEYS
        if unknown:
            raise ScenarioError("unknown fault keys %s (allowed: %s)" % (sorted(unknown), ", ".join(sorted(FAULT_KEYS))))
        fault = {"api": "any", "method": "any", "path": "", "count": 1}
        fault.update(spec)
        if fault.get("kind") not in FAULT_KINDS:
            raise ScenarioError("fault kind must be one of %s" % ", ".join(FAULT_KINDS))
        if fault["api"] not in APIS + ("any",):
            raise ScenarioError("fault api must be vb365, em, vbr or any")
        fault["method"] = str(fault["method"]).upper()
        try:
            re.compile(fault["path"])
        except re.error as exc:
            raise ScenarioError("fault path is not a valid regular expression: %s" % exc) from exc
        if not isinstance(fault["count"], int) or fault["count"] < 1:
            raise ScenarioError("fault count must be a whole number >= 1")
        if fault["kind"] in ("flip_behind", "delete_behind") and not fault.get("job"):
            raise ScenarioError("%s needs `job` (a job name or id)" % fault["kind"])
        if fault["kind"] == "delay" and not isinstance(fault.get("seconds", 1), (int, float)):
            raise ScenarioError("delay needs `seconds` (a number)")
        fault.setdefault("status", 503 if fault["kind"] == "status" else 500)
        with self.lock:
            self.faults.append(fault)
        return fault

    def _match_fault(self, request):
        for fault in self.faults:
            if fault["api"] not in ("any", request.api) or fault["method"] not in ("ANY", request.method):
                continue
            if fault["kind"] in TASK_KINDS and not _creates_task(request):
                continue
            if re.search(fault["path"], request.target):
                fault["count"] -= 1
                if fault["count"] <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def _rate_limited(self, api):
        limit = self.config.get("rate_limit_per_second")
        if not limit:
            return False
        now = monotonic()
        recent = self.recent[api]
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if len(recent) >= limit:
            return True
        recent.append(now)
        return False

    # -- the APIs ----------------------------------------------------------------------------------------

    def _api(self, name):
        return {"vb365": self.vb365, "em": self.em, "vbr": self.vbr}[name]

    def _dispatch(self, request):
        api = self._api(request.api)
        try:
            return api.handle(request)
        except ApiError as exc:
            return api.error(request, exc)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # A bug in the simulator must show up as a 500 the test can see, not as a dropped connection.
            traceback.print_exc(file=sys.stderr)
            return api.error(request, ApiError(500, "Simulator error: %s" % exc))

    def answer(self, request):
        """The Response to one API request, with faults, rate limiting and logging applied."""
        entry = {"api": request.api, "method": request.method, "path": request.path, "query": request.query,
                 "template": template(request.path), "status": None, "body": request.body[:MAX_LOGGED_BODY].decode("utf-8", "replace"),
                 "headers": dict(request.headers), "time": time.time()}
        with self.lock:
            self.log.append(entry)
            key = "%s %s" % (request.method, entry["template"])
            self.counts[key] = self.counts.get(key, 0) + 1
            self.tick()
            if self._rate_limited(request.api):
                fault = {"kind": "status", "status": 429, "retry_after": 1}
            else:
                fault = self._match_fault(request)
        delay = float(self.config.get("latency_seconds") or 0)
        if fault and fault["kind"] == "delay":
            delay += float(fault.get("seconds", 1))
            fault = None
        if delay > 0:
            # Outside the lock: a slow answer must not hold up other clients.
            time.sleep(delay)
        with self.lock:
            self.tick()
            response = self._apply(request, fault)
            entry["status"] = None if response.reset else response.status
        return response

    def _apply(self, request, fault):
        kind = fault["kind"] if fault else None
        api = self._api(request.api)
        if kind in ("status", "reset") and fault.get("apply"):
            self._dispatch(request)
        if kind == "status":
            status = int(fault["status"])
            headers = {"Retry-After": str(fault["retry_after"])} if fault.get("retry_after") is not None else {}
            message = "Too many requests" if status == 429 else "Injected HTTP %d" % status
            return api.error(request, ApiError(status, message, headers=headers))
        if kind == "reset":
            return Response(0, reset=True)
        if kind == "expire":
            api.expire(request)
            return api.error(request, api.unauthorized())
        if kind == "html":
            status = int(fault["status"])
            return Response(status, (HTML_PAGE % status).encode("ascii"), "text/html; charset=utf-8")
        if kind in TASK_KINDS:
            request.task_fault = fault
        response = self._dispatch(request)
        if kind == "truncated":
            body = response.body[: max(1, len(response.body) // 2)] if response.body else b'{"'
            return Response(200, body, response.content_type or "application/json; charset=utf-8")
        if kind in ("flip_behind", "delete_behind"):
            # The answer is already rendered, so it shows the job as it was; changing it before the answer leaves
            # means no later request (on any connection) can see the old state.
            api.behind(kind, str(fault["job"]))
        return response

    # -- the control API ---------------------------------------------------------------------------------

    def control(self, method, path, body):
        """Answer a /_sim/ request (never logged, never counted, no authentication)."""
        route = path.rstrip("/")[len("/_sim"):]
        try:
            payload = json.loads(body.decode("utf-8")) if body.strip() else {}
        except ValueError:
            return json_response(400, {"error": "the body is not JSON"})
        try:
            return self._control(method, route, payload)
        except ScenarioError as exc:
            return json_response(400, {"error": str(exc)})

    def _control(self, method, route, payload):
        handlers = {
            ("GET", "/state"): self._control_state,
            ("POST", "/reset"): self._control_reset,
            ("GET", "/requests"): self._control_requests,
            ("DELETE", "/requests"): self._control_clear_requests,
            ("GET", "/config"): self._control_config,
            ("POST", "/config"): self._control_config,
            ("GET", "/faults"): self._control_faults,
            ("POST", "/faults"): self._control_faults,
            ("DELETE", "/faults"): self._control_faults,
            ("GET", "/health"): lambda method, payload: json_response(200, {"ok": True}),
        }
        handler = handlers.get((method, route))
        if handler is None:
            return json_response(404, {"error": "no control endpoint %s /_sim%s" % (method, route)})
        return handler(method, payload)

    def _control_state(self, _method, _payload):
        with self.lock:
            self.tick()
            return json_response(200, self.world.snapshot(monotonic()))

    def _control_reset(self, _method, payload):
        self.reset(payload or None)
        with self.lock:
            return json_response(200, {"ok": True, "vb365_jobs": len(self.world.vb365_jobs), "vb365_copy_jobs": len(self.world.vb365_copy_jobs),
                                       "em_jobs": len(self.world.em_jobs), "vbr_jobs": len(self.world.vbr.jobs)})

    def _control_requests(self, _method, _payload):
        with self.lock:
            return json_response(200, {"requests": list(self.log), "counts": dict(self.counts)})

    def _control_clear_requests(self, _method, _payload):
        with self.lock:
            self.log = []
            self.counts = {}
        return json_response(200, {"ok": True})

    def _control_config(self, method, payload):
        with self.lock:
            if method == "POST":
                self.config.update(validate_config(payload))
            return json_response(200, dict(self.config))

    def _control_faults(self, method, payload):
        if method == "POST":
            self.add_fault(payload)
        with self.lock:
            if method == "DELETE":
                self.faults = []
            return json_response(200, {"faults": [dict(fault) for fault in self.faults]})


class Handler(BaseHTTPRequestHandler):
    """One connection; HTTP/1.1 keep-alive, every answer carries Content-Length."""

    protocol_version = "HTTP/1.1"
    # Both products answer from Windows' HTTP.sys.
    server_version = "Microsoft-HTTPAPI/2.0"
    sys_version = ""
    # Idle keep-alive connections are dropped after this many seconds, so threads do not pile up.
    timeout = 60

    def setup(self):
        super().setup()
        # Headers and body leave in one write, and without Nagle's delay waiting for the client's delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self):
        return self.server_version

    def do_GET(self):  # pylint: disable=invalid-name
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            sys.stderr.write("%s %s\n" % (self.server.api, format % args))

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0] or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self):
        body = self._read_body()
        parts = urlsplit(self.path)
        simulator = self.server.simulator
        if parts.path.startswith("/_sim/") or parts.path == "/_sim":
            self._send(simulator.control(self.command, parts.path, body))
            return
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        request = Request(api=self.server.api, method=self.command, path=parts.path, query=parts.query,
                          headers=dict(self.headers.items()), body=body, base_url="%s://%s" % (simulator.scheme, host))
        response = simulator.answer(request)
        if response.reset:
            self._reset()
            return
        self._send(response)

    def _reset(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, response):
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(response.body)
        self.flush_headers()


class Listener(ThreadingHTTPServer):
    """One port of one API; TLS handshakes happen in the connection's own thread, not in the accept loop."""

    daemon_threads = True
    allow_reuse_address = True
    # listen() backlog: many clients (forks) may connect at once while the one accept loop serves hundreds of ports.
    request_queue_size = 128

    def __init__(self, host, port, simulator, api, ssl_context=None, verbose=False):
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.simulator = simulator
        self.api = api
        self.ssl_context = ssl_context
        self.verbose = verbose
        super().__init__((host, port), Handler)

    @property
    def port(self):
        return self.server_address[1]

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(Handler.timeout)
        try:
            secure = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            # A client that does not trust our CA (or speaks plain HTTP) hangs up during the handshake.
            return
        try:
            super().finish_request(secure, client_address)
        finally:
            secure.close()

    def handle_error(self, request, client_address):
        # Clients that vanish mid-answer (resets, timeouts) are routine in fault tests; only real bugs are printed.
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, TimeoutError)):
            super().handle_error(request, client_address)

    def accept_one(self):
        """Accept one waiting connection and hand it to a thread of its own (serve_listeners saw the socket ready)."""
        self._handle_request_noblock()

    def serve_in_thread(self):
        thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, name="veeam-sim-%s-%d" % (self.api, self.port), daemon=True)
        thread.start()
        return thread


def serve_listeners(listeners, stop, poll_interval=0.5):
    """Accept connections for every listener in this thread until `stop` (a threading.Event) is set.

    One selector over all the listening sockets: a fleet of hundreds of VB365 servers would otherwise be hundreds of
    serve_forever threads, each waking up every poll interval, and shutting them down one after another would take longer
    than a test waits. Each connection is still served in a thread of its own; `poll_interval` only bounds how long a stop waits.
    """
    with selectors.DefaultSelector() as selector:
        for listener in listeners:
            # Non-blocking: a connection that goes away between select() and accept() must not stall the other ports.
            listener.socket.setblocking(False)
            selector.register(listener, selectors.EVENT_READ)
        while not stop.is_set():
            for key, _events in selector.select(poll_interval):
                key.fileobj.accept_one()
