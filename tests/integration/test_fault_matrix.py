"""Fault matrix: API x operation x fault, one ansible-playbook run per cell (issue 9, part 1).

Every cell injects ONE fault into ONE kind of request of a run that declares a state, then checks what a user expects:
either the server ends in the declared state, or the task failed with a one-line message naming the server, the method,
the HTTP status (where there is one) and the server's message (where there is one). In every cell: no traceback, no
double toggle, every logon the module saw through was logged off (minus the sessions the simulator expired itself), and a
change the run made on the server is reported as changed. A 429 is stricter: it says "not now" about a request the server
did not perform, so with budget left it must be absorbed (the declared state reached, the session closed).
EM runs in XML; the `em-json` cells repeat a subset with `format: json`. "Connection refused" points `port` at a port
nothing listens on. The role cells (test_role_cell) run maintenance_begin with a fault on one disable, then
maintenance_end, and check the record and the restored flags.

The table printed at the end of the module (and kept in docs/fault-matrix.md) is generated from CELLS and ROLE_CELLS.
"""

import os
import socket
import time
from contextlib import contextmanager

import pytest

from helpers import ACCEPTED, accepted, enabled, job_id_of, logoffs, logons, matching, names, requests_of, snapshot, toggles

VB365_OPS = {
    # op: (method, path regex on path?query, declared state, which job)
    "read": ("GET", r"/v8/Jobs\?", "disabled", "enabled"),
    "enable": ("POST", r"/enable$", "enabled", "disabled"),
    "disable": ("POST", r"/disable$", "disabled", "enabled"),
    "start": ("POST", r"/start$", "running", "enabled"),
    "stop": ("POST", r"/stop$", "stopped", "running"),
    "logon": ("POST", r"/v8/token$", "disabled", "enabled"),
    "logoff": ("POST", r"/v8/token/logout$", "disabled", "enabled"),
}
EM_OPS = {
    "read": ("GET", r"type=AgentBackupJob\b", "disabled", "enabled"),
    "enable": ("POST", r"action=toggleScheduleEnabled", "enabled", "disabled"),
    "disable": ("POST", r"action=toggleScheduleEnabled", "disabled", "enabled"),
    "start": ("POST", r"action=start$", "running", "enabled"),
    "stop": ("POST", r"action=stop$", "stopped", "running"),
    "task poll": ("GET", r"/api/tasks/", "disabled", "enabled"),
    "logon": ("POST", r"/api/sessionMngr/", "disabled", "enabled"),
    "logoff": ("DELETE", r"/api/logonSessions/", "disabled", "enabled"),
}

VBR_OPS = {
    "read": ("GET", r"/api/v1/jobs\?", "disabled", "enabled"),
    # Runs are followed through the job states (one request for every job), not through each session.
    "states read": ("GET", r"/api/v1/jobs/states", "stopped", "running"),
    "enable": ("POST", r"/enable$", "enabled", "disabled"),
    "disable": ("POST", r"/disable$", "disabled", "enabled"),
    "start": ("POST", r"/start$", "running", "enabled"),
    "stop": ("POST", r"/stop$", "stopped", "running"),
    "logon": ("POST", r"/api/oauth2/token$", "disabled", "enabled"),
    "logoff": ("POST", r"/api/oauth2/logout$", "disabled", "enabled"),
}
# VB365 backup copy jobs (job_kind copy): the same operations on /v8/CopyJobs.
COPY_OPS = {
    "read": ("GET", r"/v8/CopyJobs\?", "disabled", "enabled"),
    "disable": ("POST", r"/CopyJobs/[^/]+/disable$", "disabled", "enabled"),
    "start": ("POST", r"/CopyJobs/[^/]+/start$", "running", "enabled"),
    "stop": ("POST", r"/CopyJobs/[^/]+/stop$", "stopped", "running"),
}
OPS = {"vb365": VB365_OPS, "em": EM_OPS, "vbr": VBR_OPS, "vb365-copy": COPY_OPS}
MODULES = {"vb365": "veeam_o365_job", "em": "veeam_agent_job", "vbr": "veeam_vbr_job"}

FAULTS = {
    # name: (kind, spec, HTTP status the message must name or None)
    "500": ("status", dict(status=500), 500),
    "502": ("status", dict(status=502), 502),
    "503": ("status", dict(status=503), 503),
    "504": ("status", dict(status=504), 504),
    "429+Retry-After": ("status", dict(status=429, retry_after=1), 429),
    "429": ("status", dict(status=429), 429),
    "html": ("html", dict(status=500), 500),
    "truncated": ("truncated", {}, None),
    "reset": ("reset", {}, None),
    "delay 4s > timeout 2s": ("delay", dict(seconds=4), None),
    "expire (401)": ("expire", {}, 401),
    "503 applied": ("status", dict(status=503, apply=True), 503),
    "task_fail": ("task_fail", dict(message="Job is locked by another operation"), None),
    "task_stuck": ("task_stuck", {}, None),
    "flip_behind": ("flip_behind", {}, None),
    "delete_behind": ("delete_behind", {}, None),
    "connection refused": ("refused", {}, None),
    "reset applied": ("reset", dict(apply=True), None),
}
READ = ["500", "502", "503", "504", "429+Retry-After", "429", "html", "truncated", "reset", "delay 4s > timeout 2s", "expire (401)"]
WRITE = ["500", "503", "html", "truncated", "reset", "delay 4s > timeout 2s", "expire (401)", "flip_behind", "delete_behind"]
LOGON = ["500", "503", "html", "reset", "delay 4s > timeout 2s"]
LOGOFF = ["503", "reset", "expire (401)"]
PLAN = {
    "vb365": {
        "read": READ,
        "disable": WRITE + ["429+Retry-After"],
        "enable": ["503"],
        "start": ["503", "reset"],
        "stop": ["503", "reset"],
        "logon": LOGON + ["connection refused"],
        "logoff": LOGOFF + ["429+Retry-After"],
    },
    "em": {
        "read": READ,
        "disable": WRITE + ["429+Retry-After", "task_fail", "task_stuck"],
        "enable": ["503"],
        "start": ["503", "reset", "task_fail"],
        "stop": ["503", "reset"],
        "task poll": ["500", "503", "truncated", "reset", "expire (401)"],
        "logon": LOGON + ["connection refused"],
        "logoff": LOGOFF + ["429+Retry-After"],
    },
    "vbr": {
        "read": READ,
        "states read": ["500", "503", "truncated", "reset", "expire (401)"],
        "disable": WRITE + ["429+Retry-After"],
        "enable": ["503"],
        "start": ["503", "reset"],
        "stop": ["503", "reset"],
        "logon": LOGON + ["connection refused"],
        "logoff": LOGOFF + ["429+Retry-After"],
    },
    # The oldest release in the field (REST API 1.1-rev0, found by api_version auto): its own stop body and 200 answers.
    "vbr-12.0": {
        "states read": ["503", "expire (401)"],
        "disable": ["500", "reset", "expire (401)", "flip_behind"],
        "stop": ["503", "reset"],
        "logon": ["503", "reset"],
    },
    "vb365-copy": {
        "read": ["503", "truncated", "expire (401)"],
        "disable": ["500", "503", "reset", "flip_behind", "delete_behind"],
        "start": ["503", "reset"],
        "stop": ["503", "reset"],
    },
    "em-json": {
        "read": ["503", "truncated"],
        "disable": ["503", "html", "task_fail"],
        "task poll": ["500"],
    },
}
CELLS = [(api, op, fault) for api, ops in PLAN.items() for op, faults in ops.items() for fault in faults]
# Matrix API -> (the simulator's API, module options selecting it)
APIS = {"vb365": ("vb365", {}), "em": ("em", {}), "vbr": ("vbr", {}), "vbr-12.0": ("vbr", {}), "em-json": ("em", dict(format="json")),
        "vb365-copy": ("vb365", dict(job_kind="copy"))}
# Matrix API -> the release the simulator's VBR server is (the default: 13.1)
RELEASES = {"vbr-12.0": "12.0"}
# Matrix API -> the simulator's list its jobs are in (the default: "jobs")
JOB_LISTS = {"vb365-copy": "copy_jobs"}
# Copy jobs in every state a cell needs (the default scenario has no running one).
COPY_ESTATE = {"vb365": {"jobs": [{"name": "Exchange", "enabled": True}, {"name": "SharePoint", "enabled": True, "running": True},
                                  {"name": "Teams", "enabled": False}],
                         "copy_jobs": [{"name": "Exchange Copy", "backupJob": "Exchange", "enabled": True, "lastStatus": "Success"},
                                       {"name": "SharePoint Copy", "backupJob": "SharePoint", "enabled": True, "running": True},
                                       {"name": "Teams Copy", "backupJob": "Teams", "enabled": False}]}}
ROLE_OP = "maintenance begin: disable"
ROLE_CELLS = [("vb365", ROLE_OP, "503 applied"), ("vb365", ROLE_OP, "reset"),
              ("em", ROLE_OP, "503 applied"), ("em", ROLE_OP, "reset"), ("em", ROLE_OP, "task_fail"),
              ("vbr", ROLE_OP, "503 applied"), ("vbr", ROLE_OP, "reset"),
              ("vb365-copy", ROLE_OP, "503 applied"), ("vb365-copy", ROLE_OP, "reset")]

# VBR backup infrastructure (issue 31): each module declares the opposite of the default infrastructure's state, so every
# cell has one change to make. (matrix API: module, its declaration, what the simulator shows once it holds)
INFRA_SOBR, INFRA_EXTENT, INFRA_PROXY = "SOBR Production", "SOBR Extent 01", "proxy02.backupops.local"
INFRA_SESSION_OPS = {"logon": ("POST", r"/api/oauth2/token$"), "logoff": ("POST", r"/api/oauth2/logout$")}
INFRA_OPS = {
    # op: (method, path regex on path?query)
    "vbr-extent": dict(INFRA_SESSION_OPS, **{
        "read": ("GET", r"(?i)/backupInfrastructure/scaleOutRepositories\?"),
        "write": ("POST", r"(?i)/scaleOutRepositories/[^/]+/enableMaintenanceMode$"),
        # The RepositoryMaintenance session the write started, polled until it ends.
        "session poll": ("GET", r"(?i)/api/v1/sessions/[^/?]+$"),
    }),
    "vbr-proxy": dict(INFRA_SESSION_OPS, read=("GET", r"(?i)/backupInfrastructure/proxies/states\?"),
                      write=("POST", r"(?i)/backupInfrastructure/proxies/[^/]+/disable$")),
    # The write is a GET of the whole model then its PUT: the read fault hits the first GET (the runner's read).
    "vbr-config-backup": dict(INFRA_SESSION_OPS, read=("GET", r"(?i)/api/v1/configBackup$"), write=("PUT", r"(?i)/api/v1/configBackup$")),
}
INFRA_MODULES = {
    "vbr-extent": ("veeam_vbr_extent", dict(scale_out_repository=INFRA_SOBR, extents=[INFRA_EXTENT], maintenance=True)),
    "vbr-proxy": ("veeam_vbr_proxy", dict(name=[INFRA_PROXY], state="disabled")),
    "vbr-config-backup": ("veeam_vbr_config_backup", dict(state="disabled")),
}
# What a failure caused by a session or a switch that never gets there must name (besides the server, which it need not).
INFRA_NAMED = {"vbr-extent": INFRA_SOBR, "vbr-proxy": INFRA_PROXY}
INFRA_TASK_OUTCOMES = {
    ("vbr-extent", "task_fail"): "one-line failure naming the scale-out repository, its failed session and the server's message",
    ("vbr-extent", "task_stuck"): "one-line failure at the wait deadline naming the session and the scale-out repository",
    ("vbr-proxy", "task_stuck"): "one-line failure at the verify deadline naming the proxy (204, nothing changed; the POST never resent)",
}
INFRA_READ = ["500", "reset", "429+Retry-After", "expire (401)", "html", "truncated"]
INFRA_WRITE = ["500", "503 applied", "reset", "reset applied", "429+Retry-After", "expire (401)", "html", "truncated"]
INFRA_LOGON = ["500", "503 applied", "reset", "429+Retry-After", "html", "truncated"]
INFRA_LOGOFF = ["500", "reset", "429+Retry-After", "expire (401)", "html", "truncated"]
INFRA_PLAN = {
    "vbr-extent": {"read": INFRA_READ, "write": INFRA_WRITE + ["task_fail", "task_stuck"], "session poll": INFRA_READ,
                   "logon": INFRA_LOGON, "logoff": INFRA_LOGOFF},
    # The three modules share the VBR client's login and logout (and the VBR job cells cover them too): faults there are
    # cells of vbr-extent only, which keeps make test within its budget.
    "vbr-proxy": {"read": INFRA_READ, "write": INFRA_WRITE + ["task_stuck"]},
    "vbr-config-backup": {"read": INFRA_READ, "write": INFRA_WRITE},
}
INFRA_CELLS = [(api, op, fault) for api, ops in INFRA_PLAN.items() for op, faults in ops.items() for fault in faults]
INFRA_PARAMS = INFRA_CELLS
# Answers that say the request was not performed (401 after an expiry, 429): the one kind of write that may be sent again.
NOT_PERFORMED = (401, 429)

OUTCOMES = []


def cell_id(cell):
    return "-".join(part.replace(" ", "_").replace("(", "").replace(")", "").replace(">", "gt").replace(":", "") for part in cell)


def expected_outcome(api, op, fault):
    """What the user should see, as written in the docs table."""
    kind, _spec, status = FAULTS[fault]
    if op == ROLE_OP:
        return "begin: declared state or a one-line failure on that host; record written and published either way; end restores every flag"
    if kind == "refused":
        return "one-line failure naming the server and the method, no traceback"
    if status == 429:
        return "declared state (sent again after Retry-After)" + ("; the session closed" if op == "logoff" else "")
    method = ops_of(api)[op][0]
    if op == "logoff":
        return "declared state; logoff tried for every session (a failed logoff is at most a warning)"
    if api in INFRA_OPS and kind in ("task_fail", "task_stuck"):
        return INFRA_TASK_OUTCOMES[(api, kind)]
    if kind in ("task_fail", "task_stuck", "delete_behind"):
        return "one-line failure naming the job (and the task)"
    if kind == "flip_behind":
        return "declared state after a re-read (a second write, never a double flip)"
    if kind == "expire":
        return "declared state after one re-logon"
    if kind == "truncated" and method == "GET":
        return "declared state (a read is safe to repeat: the cut-short answer is asked for again)"
    if method == "GET" or op == "logon":
        return "declared state (retried) or one-line failure with URL, method, status"
    return "declared state (re-read after the unclear write, no replay) or one-line failure"


@pytest.fixture(scope="module", autouse=True)
def fault_table(tmp_path_factory):
    """Prints the matrix with this run's outcomes at the end of the module and writes it under the pytest tmp dir."""
    yield
    if not OUTCOMES:
        return
    lines = ["| API | operation | fault | expected | outcome |", "| --- | --- | --- | --- | --- |"]
    for api, op, fault, outcome in sorted(OUTCOMES):
        lines.append("| %s | %s | %s | %s | %s |" % (api, op, fault, expected_outcome(api, op, fault), outcome))
    table = "\n".join(lines) + "\n"
    path = tmp_path_factory.getbasetemp() / ("fault-matrix-%s.md" % os.environ.get("PYTEST_XDIST_WORKER", "main"))
    path.write_text(table)
    print("\nFault matrix (%d cells run by this worker, table in %s):\n%s" % (len(OUTCOMES), path, table))


def ops_of(api):
    """The operations of a matrix API: its own (VB365 copy jobs, the VBR infrastructure modules) or its simulator API's."""
    return OPS.get(api) or INFRA_OPS.get(api) or OPS[APIS[api][0]]


def pick(sim, api, which, vsphere_only=False, job_list="jobs"):
    """A job of the API in the state `which`; vsphere_only: one a VBR 12.x REST API shows (vSphere backups only)."""
    jobs = [job for job in sim.state()[api][job_list] if not vsphere_only or job["type"] == "VSphereBackup"]
    flag = "isEnabled" if api == "vb365" else "enabled"
    if which == "running":
        return next(job for job in jobs if job["running"] and job[flag])
    return next(job for job in jobs if job[flag] is (which == "enabled") and not job["running"])


def job_state(sim, api, job_id, job_list="jobs"):
    found = [job for job in sim.state()[api][job_list] if job["id"] == job_id]
    return found[0] if found else None


def enabled_flag(api, job):
    return job["isEnabled"] if api == "vb365" else job["enabled"]


def in_declared_state(api, job, state):
    flag = enabled_flag(api, job)
    return {"enabled": flag is True, "disabled": flag is False, "running": job["running"] is True, "stopped": job["running"] is False}[state]


@contextmanager
def refusing_port(host):
    """A port on `host` that refuses connections while the block runs: bound, so nothing else takes it, but never listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as unused:
        unused.bind((host, 0))
        yield unused.getsockname()[1]


def wait_until_answered(sim, timeout=10):
    deadline = time.monotonic() + timeout
    while any(r["status"] is None for r in sim.requests()["requests"]) and time.monotonic() < deadline:
        time.sleep(0.2)


@pytest.mark.parametrize("api, op, fault", CELLS, ids=[cell_id(cell) for cell in CELLS])
def test_cell(ansible, sim, api, op, fault):
    sim_api, options = APIS[api]
    method, pattern, state, which = ops_of(api)[op]
    kind, spec, status = FAULTS[fault]
    job_list = JOB_LISTS.get(api, "jobs")
    if job_list == "copy_jobs":
        sim.reset(COPY_ESTATE)
    sim.configure(vb365_run_seconds=60, em_run_seconds=60, vbr_run_seconds=60)
    if api in RELEASES:
        sim.configure(vbr_release=RELEASES[api])
    job = pick(sim, sim_api, which, vsphere_only=api in RELEASES, job_list=job_list)
    before = dict(job)
    spec = dict(spec)
    if kind in ("flip_behind", "delete_behind"):
        spec["job"] = job["name"] if sim_api == "em" else job["id"]
    sim.clear_requests()
    if kind != "refused":
        sim.inject(kind, api=sim_api, method=method, path=pattern, count=1, **spec)

    module = MODULES[sim_api]
    args = dict(options, name=job["name"], state=state, timeout=2, wait_timeout=6, wait_sleep=0.3)
    if kind == "task_stuck":
        args.update(wait_timeout=2, wait_sleep=0.5)
    if kind == "flip_behind":
        # A flag flipped back after a confirmed toggle is corrected only after the API's settle window (EM: 15 s);
        # the corrective toggle needs budget left after it.
        args.update(wait_timeout=40)
    with refusing_port(sim.host) as closed_port:
        if kind == "refused":
            args.update(port=closed_port)
        run = ansible.run([{"name": "cell", "backupops.veeam." + module: args, "ignore_errors": True}])
    if kind == "delay":
        # The simulator answers the abandoned request only after the run: wait for it, so that what it does (a logon
        # opening a session) is counted here and does not spill into the next cell.
        wait_until_answered(sim)
    assert run.results, run
    result = run.result
    text = str(result)
    log = requests_of(sim, sim_api)
    after = job_state(sim, sim_api, job["id"], job_list)
    server = "%s:%d" % (sim.host, args.get("port") or getattr(sim, "%s_port" % sim_api))

    # Never a traceback, whatever happened.
    assert "Traceback" not in text and "Traceback" not in run.stdout, run

    failed = result.get("failed") is True
    if kind == "refused":
        assert failed and log == [], (result, log)
    if status == 429:
        # A 429 is "not now" for a request the server did not perform: sending it again after Retry-After is safe, and the budget allows it.
        assert not failed, result["msg"]
    if kind == "truncated" and method == "GET":
        # A read is safe to repeat: the cut-short answer is asked for again, and that answer is whole.
        assert not failed, result["msg"]
        cut, again = matching(log, method, pattern)[:2]
        assert (cut["path"], cut["query"]) == (again["path"], again["query"]) and again["status"] == 200, (cut, again)
    if failed:
        message = result["msg"]
        assert "\n" not in message, message
        if kind in ("task_fail", "task_stuck", "delete_behind"):
            # No HTTP error to report: the job (and its task) must be named.
            assert job["name"] in message, message
        else:
            assert server in message, message
            assert method in message, message
        injected = matching(log, method, pattern)
        if status is not None and injected and injected[-1]["status"] == status:
            # The last attempt got the fault: its status and the server's message belong in the line.
            assert "HTTP %d" % status in message, message
            if kind == "status":
                assert ("Injected HTTP %d" % status if status != 429 else "Too many requests") in message, message
            if kind == "html":
                assert "HTML" in message, message
        outcome = "failed: " + message
    else:
        assert after is not None and in_declared_state(sim_api, after, state), (after, result)
        outcome = "declared state" + (" (changed)" if result.get("changed") else "")
    if after is not None and kind != "flip_behind" and (enabled_flag(sim_api, after), after["running"]) != (enabled_flag(sim_api, before), before["running"]):
        # Whatever the answers were, a change this run made on the server is reported as one.
        assert result.get("changed") is True, (before, after, result)

    # No double toggle: the enable/disable writes, per job.
    sent = toggles(log, sim_api)
    unapplied = {"status", "html", "reset", "expire"}  # answered without performing the request (no `apply`)
    extra = 1 if (kind in unapplied and op in ("enable", "disable")) or kind == "flip_behind" else 0
    assert len(sent) <= (1 if state in ("enabled", "disabled") else 0) + extra, [(r["path"], r["status"]) for r in sent]
    assert len(accepted(sent)) <= 1 + (kind == "flip_behind"), sent
    if sim_api == "em" and after is not None and not failed and state in ("enabled", "disabled"):
        # EM toggles are flips: two applied flips would leave the flag where it was, which the state check above catches.
        assert (after["enabled"] is not before["enabled"]) is (before["enabled"] is not (state == "enabled")), (before, after)

    # Logoff accounting.
    opened = accepted(logons(log, sim_api))
    expired = 1 if kind == "expire" and matching(log, method, pattern) else 0
    # A logon answered after the client gave up (delay) or cut short (truncated) opens a session the module never learnt of.
    unseen = 1 if op == "logon" and kind in ("delay", "truncated") else 0
    if op == "logoff":
        assert len(logoffs(log, sim_api)) >= len(opened) - unseen - expired, (len(opened), len(logoffs(log, sim_api)))
        if status == 429:
            assert len(accepted(logoffs(log, sim_api))) == len(opened), [(r["path"], r["status"]) for r in logoffs(log, sim_api)]
            assert sim.state()["em"]["logon_sessions"] == 0, result.get("warnings")
    else:
        closed = accepted(logoffs(log, sim_api))
        sessions = ([(r["path"], r["status"]) for r in logons(log, sim_api)], [(r["path"], r["status"]) for r in logoffs(log, sim_api)])
        assert len(opened) - expired - unseen <= len(closed) <= len(opened) - expired, sessions
        if sim_api == "em":
            assert sim.state()["em"]["logon_sessions"] <= unseen
    OUTCOMES.append((api, op, fault, outcome.replace("|", "/")[:160]))


ROLE_HOSTS = {"vb365": "vb365-sim", "em": "em-sim", "vbr": "vbr-sim"}


@pytest.mark.parametrize("api, expected", [
    ("vb365", "The JSON answer could not be read ("), ("em", "Unreadable answer where a QueryResult was expected (application/xml"),
    ("em-json", "Unreadable answer where a QueryResult was expected (application/json"), ("vbr", "The JSON answer could not be read ("),
], ids=["vb365", "em", "em-json", "vbr"])
def test_a_read_cut_short_every_time_fails_with_the_clear_message(ansible, sim, api, expected):
    """Outside the matrix (count 1 there): every answer to the job list cut short. The read is sent again within the same budget
    as the other read retries (3 more attempts), then the run fails with one line saying so."""
    sim_api, options = APIS[api]
    method, pattern, state, which = ops_of(api)["read"]
    job = pick(sim, sim_api, which)
    sim.clear_requests()
    sim.inject("truncated", api=sim_api, method=method, path=pattern, count=10)
    run = ansible.run([{"name": "cell", "backupops.veeam." + MODULES[sim_api]: dict(options, name=job["name"], state=state, timeout=2),
                        "ignore_errors": True}])
    message = run.result["msg"]
    assert run.result["failed"] is True and "\n" not in message and "Traceback" not in str(run.result), run.result
    assert message.startswith(expected) and "it may have been cut short on its way" in message, message
    assert "(the same in all 4 attempts)" in message and "GET " in message and "-> HTTP 200" in message, message
    assert len(matching(requests_of(sim, sim_api), method, pattern)) == 4
    assert enabled_flag(sim_api, job_state(sim, sim_api, job["id"], "jobs")) == enabled_flag(sim_api, job)  # nothing written


@pytest.mark.parametrize("api, op, fault", ROLE_CELLS, ids=[cell_id(cell) for cell in ROLE_CELLS])
def test_role_cell(window, sim, api, op, fault):
    """maintenance_begin with one fault on the disable of one recorded job, then maintenance_end."""
    kind, spec, _status = FAULTS[fault]
    sim_api = APIS[api][0]
    job = pick(sim, sim_api, "enabled", job_list=JOB_LISTS.get(api, "jobs"))
    before = snapshot(sim)
    pattern = r"%s\?action=toggleScheduleEnabled" % job["id"] if api == "em" else "%s/disable$" % job["id"]
    sim.clear_requests()
    sim.inject(kind, api=sim_api, method="POST", path=pattern, count=1, **spec)

    begin = window.run("maintenance_begin.yml")
    assert "Traceback" not in begin.stdout, begin
    assert matching(requests_of(sim, sim_api), "POST", pattern), "the fault hit the disable"
    records = dict((host, window.record(host)) for host in ROLE_HOSTS.values())
    for host_api, host in ROLE_HOSTS.items():
        assert records[host]["state"] == "active", records
        assert sorted(j["name"] for j in records[host]["jobs"]) == names(before, host_api, True), "the record names the enabled jobs"
    assert begin.custom_stats.get("maintenance_window_records") == records, "published for the end job, also when begin failed"
    during = snapshot(sim)
    if begin.status == "successful":
        assert not any(value[1] for value in during.values()), during
        outcome = "begin ok"
    else:
        assert begin.failed_hosts() == [ROLE_HOSTS[sim_api]], begin
        messages = [result["msg"] for result in begin.results("Record and disable").values() if result.get("failed")]
        assert len(messages) == 1 and "\n" not in messages[0], messages
        assert job["name"] in messages[0], messages
        assert [value[0] for value in during.values() if value[1]] in ([], [job["name"]]), "only the faulted job may still be enabled"
        outcome = "begin failed: " + messages[0]
    log = requests_of(sim, sim_api)
    for key in before:
        if key[0] == sim_api:
            assert len(accepted([r for r in toggles(log, sim_api) if job_id_of(r) == key[1].lower()])) <= 1, "never a double toggle in begin"

    end = window.run("maintenance_end.yml")
    assert end.status == "successful", end
    assert enabled(snapshot(sim)) == enabled(before), "every flag is back to what it was before the window"
    assert all(window.record(host)["state"] == "restored" for host in ROLE_HOSTS.values())
    assert sim.state()["em"]["logon_sessions"] == 0
    OUTCOMES.append((api, op, fault, (outcome + "; end restored every flag").replace("|", "/")[:160]))


def infra_in_declared_state(sim, api):
    """Whether the simulator shows the cell's declaration: the extent in maintenance, the proxy disabled, the configuration
    backup disabled."""
    infra = sim.state()["vbr"]["infrastructure"]
    if api == "vbr-extent":
        return "Maintenance" in next(r for r in infra["repositories"] if r["name"] == INFRA_EXTENT)["modes"]
    if api == "vbr-proxy":
        return next(p for p in infra["proxies"] if p["name"] == INFRA_PROXY)["disabled"] is True
    return infra["configBackup"]["isEnabled"] is False


def infra_writes(log):
    """The infrastructure writes of a run (every POST and PUT but the OAuth2 token and logout requests)."""
    return [r for r in log if r["method"] in ("POST", "PUT") and "/oauth2/" not in r["path"]]


@pytest.mark.parametrize("api, op, fault", INFRA_PARAMS, ids=[cell_id(cell) for cell in INFRA_CELLS])
def test_infra_cell(ansible, sim, api, op, fault):
    """One fault in one request of an infrastructure module's run, judged as a job cell is: the declared state, or one line
    naming the server, the method and the status; a write never replayed after an unclear answer; every session closed."""
    method, pattern = INFRA_OPS[api][op]
    kind, spec, status = FAULTS[fault]
    module, declaration = INFRA_MODULES[api]
    sim.configure(vbr_maintenance_seconds=0.3)
    assert infra_in_declared_state(sim, api) is False, "the default infrastructure starts opposite to the declaration"
    sim.clear_requests()
    sim.inject(kind, api="vbr", method=method, path=pattern, count=1, **spec)
    # Short budgets: a write left unclear is re-read until wait_timeout, then the run fails.
    args = dict(declaration, timeout=2, wait_timeout=4, wait_sleep=0.3)
    if kind == "task_stuck":
        args.update(wait_timeout=2, wait_sleep=0.5)
    run = ansible.run([{"name": "cell", "backupops.veeam." + module: args, "ignore_errors": True}])
    assert run.results, run
    result = run.result
    log = requests_of(sim, "vbr")
    injected = matching(log, method, pattern)
    assert injected, "the fault hit a request of the run: %s" % [(r["method"], r["path"]) for r in log]
    reached = infra_in_declared_state(sim, api)
    server = "%s:%d" % (sim.host, sim.vbr_port)
    assert "Traceback" not in str(result) and "Traceback" not in run.stdout, run

    failed = result.get("failed") is True
    if status == 429:
        assert not failed, result["msg"]
    if kind == "truncated" and method == "GET":
        assert not failed, result["msg"]
        cut, again = injected[:2]
        assert (cut["path"], cut["query"]) == (again["path"], again["query"]) and again["status"] == 200, (cut, again)
    if kind in ("task_fail", "task_stuck"):
        assert failed and not reached, (result, reached)
    if failed:
        message = result["msg"]
        assert "\n" not in message, message
        outcome = "failed: " + message
    else:
        assert reached, result
        outcome = "declared state" + (" (changed)" if result.get("changed") else "")
    OUTCOMES.append((api, op, fault, outcome.replace("|", "/")[:160]))
    if reached:
        # Whatever the answers were, a change the server made is reported as one.
        assert result.get("changed") is True, result

    # Never a write replayed: the one write of the change group (one extent, one proxy, one PUT) is sent again only after an
    # answer that says it was not performed (401, 429), never after an unclear one; at most one is performed.
    writes = infra_writes(log)
    resendable = [w for w in writes if w["status"] in NOT_PERFORMED]
    assert len(writes) <= 1 + len(resendable), [(w["method"], w["path"], w["status"]) for w in writes]
    unclear = [index for index, w in enumerate(writes) if w["status"] not in ACCEPTED + NOT_PERFORMED]
    assert not unclear or unclear[0] == len(writes) - 1, ("a write sent again after an unclear answer", [(w["path"], w["status"]) for w in writes])
    applied = 1 if spec.get("apply") and injected[0] in writes else 0
    assert len(accepted(writes)) + applied <= 1, [(w["path"], w["status"]) for w in writes]

    # Logoff accounting, as in the job cells.
    opened = accepted(logons(log, "vbr"))
    expired = 1 if kind == "expire" else 0
    # A logon performed but answered unclearly (applied, or cut short) opens a session the module never learnt of.
    unseen = 1 if op == "logon" and (kind == "truncated" or spec.get("apply")) else 0
    closed = accepted(logoffs(log, "vbr"))
    sessions = ([(r["path"], r["status"]) for r in logons(log, "vbr")], [(r["path"], r["status"]) for r in logoffs(log, "vbr")])
    if op == "logoff":
        assert len(logoffs(log, "vbr")) >= len(opened) - expired, sessions
        if status == 429:
            assert len(closed) == len(opened), sessions
    else:
        assert len(opened) - expired - unseen <= len(closed) <= len(opened) - expired, sessions

    # Last, so that a cell whose message misses a part has passed every other check first.
    if failed and kind in ("task_fail", "task_stuck"):
        assert INFRA_NAMED[api] in message, message
        if kind == "task_fail":
            assert spec["message"] in message, message
    elif failed:
        named = [part for part in (server, method) if part not in message]
        if status is not None and injected[-1]["status"] == status:
            named += [part for part in ["HTTP %d" % status, "Injected HTTP %d" % status if kind == "status" else None,
                                        "HTML" if kind == "html" else None] if part and part not in message]
        assert not named, ("the message misses %s" % named, message, result.get("warnings"))
