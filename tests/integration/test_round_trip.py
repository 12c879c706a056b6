"""Round trips (issue 9, part 5): random sequences of declared states with random injected faults, and maintenance
windows with a random fault in the begin, checked against the simulator's state after every step.

Every random choice comes from random.Random(<test id>), so a failing case replays exactly the same steps and faults:
    .venv/bin/python -m pytest 'tests/integration/test_round_trip.py::test_declared_states_in_sequence[em-seed21]'
The assertion messages carry the steps run so far.

Faults are drawn from those a run can recover from (the module decides again after re-reading), so every step is
expected to reach its declaration; a failed step is tolerated only as a one-line message that leaves each selected job
at its previous or its declared state. EM faults that leave only the 15 s settle time to go by are limited to one per run.

The VBR backup infrastructure modules (issue 31) go round without faults (those are the fault matrix's): a declaration, its
opposite, back to the start, each run twice (the second sends no write), on the oldest and newest revision with the endpoint.
"""

import random

import pytest

from helpers import ACCEPTED, accepted, enabled, job_id_of, logoffs, logons, matching, names, requests_of, snapshot, toggles

STEPS = 6
JOBS = 5
# Any seed is a valid case (add one to explore further). These were picked, by drawing the cases without running them, so that
# together they draw every fault of the catalogues: flip_behind on both APIs, an EM fault that needs the settle time,
# and a begin that fails (task_fail) with and without a second begin.
SEQUENCE_SEEDS = {"vb365": (2, 4, 5), "em": (2, 8, 21), "vbr": (1, 2, 3), "vb365-copy": (1, 2)}
# VBR sequences on older releases (api_version auto finds their revision): (seed, release).
OLD_VBR_SEQUENCES = ((4, "12.0"), (5, "12.3.1"), (6, "13.0"))
# (seed, the API whose begin gets the fault: None draws vb365 or em from the seed, as before VBR joined the window).
WINDOW_CASES = ((2, None), (3, None), (30, None), (33, None), (1, "vbr"), (2, "vbr"), (1, "vb365-copy"), (2, "vb365-copy"))
# "vb365-copy": VB365 backup copy jobs (job_kind copy), on the simulator's VB365 API.
SIM_API = {"vb365-copy": "vb365"}
JOB_LIST = {"vb365-copy": "copy_jobs"}
MODULES = {"vb365": "veeam_o365_job", "em": "veeam_agent_job", "vbr": "veeam_vbr_job", "vb365-copy": "veeam_o365_job"}
STATES = {"vb365": ("enabled", "disabled", "running", "stopped"), "em": ("enabled", "disabled"), "vbr": ("enabled", "disabled", "running", "stopped"),
          "vb365-copy": ("enabled", "disabled", "running", "stopped")}
FLAG = {"vb365": "isEnabled", "em": "enabled", "vbr": "enabled", "vb365-copy": "isEnabled"}
# Enough budget to decide again after the client's settle time (VB365 and VBR 2 s, EM 15 s) and to correct once.
BUDGETS = {"vb365": dict(wait_timeout=15, wait_sleep=0.3, timeout=5), "em": dict(wait_timeout=40, wait_sleep=0.3, timeout=5),
           "vbr": dict(wait_timeout=15, wait_sleep=0.3, timeout=5), "vb365-copy": dict(wait_timeout=15, wait_sleep=0.3, timeout=5, job_kind="copy")}
READS = {"vb365": r"/v8/Jobs\?", "em": r"type=AgentBackupJob\b", "vbr": r"/api/v1/jobs\?", "vb365-copy": r"/v8/CopyJobs\?"}
EM_ACTIONS = {"enable": "toggleScheduleEnabled", "disable": "toggleScheduleEnabled", "start": "start", "stop": "stop"}
FAULT_CHANCE = 0.75
WRITE_SHARE = 0.7

# name: (what it hits: read | write | toggle, kind, spec)
FAULTS = {
    "503 on the read": ("read", "status", dict(status=503)),
    "429 on the read": ("read", "status", dict(status=429, retry_after=1)),
    "503 on a write, applied": ("write", "status", dict(status=503, apply=True)),
    "503 on a write, not applied": ("write", "status", dict(status=503)),
    "dropped connection on a write, applied": ("write", "reset", dict(apply=True)),
    "dropped connection on a write, not applied": ("write", "reset", {}),
    "expired session on a write": ("write", "expire", {}),
    "flag flipped behind a toggle": ("toggle", "flip_behind", {}),
}
# On EM these are resolved only by a re-read after the 15 s settle time.
EM_SLOW = {"503 on a write, not applied", "dropped connection on a write, not applied", "flag flipped behind a toggle"}
WINDOW_FAULTS = dict(FAULTS)
WINDOW_FAULTS["task_fail on a toggle"] = ("toggle", "task_fail", dict(message="Job is locked by another operation"))
HOST_OF = {"vb365": "vb365-sim", "em": "em-sim", "vbr": "vbr-sim"}


def planned_writes(job, state):
    """The writes the module's planner sends for a job (enabled, running) declared `state` (if_running leave, enable_if_disabled)."""
    flag, running = job
    if state == "enabled":
        return [] if flag else ["enable"]
    if state == "disabled":
        return ["disable"] if flag else []
    if state == "running":
        return [] if running else ([] if flag else ["enable"]) + ["start"]
    return ["stop"] if running else []


def declared(job, state):
    flag, running = job
    return {"enabled": (True, running), "disabled": (False, running), "running": job if running else (True, True),
            "stopped": (flag, False)}[state]


def write_pattern(api, job_id, action):
    if api in ("vb365", "vbr", "vb365-copy"):
        return r"(?i)/(Copy)?Jobs/%s/%s$" % (job_id, action)
    return r"(?i)/jobs/%s\?action=%s$" % (job_id, EM_ACTIONS[action])


def server_jobs(sim, api):
    """name -> (enabled, running) as the simulator has it."""
    return dict((job["name"], (job[FLAG[api]], job["running"])) for job in sim_jobs(sim, api))


def job_ids(sim, api):
    return dict((job["name"], job["id"].lower()) for job in sim_jobs(sim, api))


def sim_jobs(sim, api):
    return sim.state()[SIM_API.get(api, api)][JOB_LIST.get(api, "jobs")]


def sequence_scenario(rng, api):
    """JOBS jobs of the API, each enabled or not at random; copy jobs each copy a backup job of their own."""
    jobs = [{"name": "Round trip %s %d" % (api.upper(), number), "enabled": rng.random() < 0.5} for number in range(1, JOBS + 1)]
    if api != "vb365-copy":
        return {api: {"jobs": jobs}}
    backups = [{"name": "Backed up %d" % number} for number in range(1, JOBS + 1)]
    return {"vb365": {"jobs": backups, "copy_jobs": [dict(job, backupJob=backup["name"]) for job, backup in zip(jobs, backups)]}}


class Fault:
    """One injected fault: where it goes and whether the request it hits is performed anyway."""

    def __init__(self, name, kind, spec, method, pattern, job=None):
        self.name = name
        self.kind = kind
        self.spec = dict(spec, job=job) if kind == "flip_behind" else dict(spec)
        self.method = method
        self.pattern = pattern
        self.job = job

    def inject(self, sim, api):
        sim.inject(self.kind, api=api, method=self.method, path=self.pattern, count=1, **self.spec)

    def hit(self, log):
        """The request the fault answered (count 1: the first that matched), or None if nothing matched."""
        found = matching(log, self.method, self.pattern)
        return found[0] if found else None

    def performed(self, request, log):
        """Whether the server carried `request` out: accepted (unless its task was made to fail), or hit by a fault that performs it anyway."""
        if request is not self.hit(log):
            return request["status"] in ACCEPTED
        if self.kind == "task_fail":
            return False
        return request["status"] in ACCEPTED or bool(self.spec.get("apply"))

    def __str__(self):
        return "%s (%s %s)" % (self.name, self.method, self.pattern)


def fault_performed(fault, request, log):
    return request["status"] in ACCEPTED if fault is None else fault.performed(request, log)


def choose_fault(rng, api, catalogue, writes, ids, allow_slow, chance=FAULT_CHANCE):
    """A fault that can hit this step's requests, or None. `writes` are (job name, action) the step will send."""
    if rng.random() >= chance:
        return None
    usable = []
    for name, (target, kind, spec) in sorted(catalogue.items()):
        candidates = [w for w in writes if target == "write" or w[1] in ("enable", "disable")]
        if target != "read" and not candidates:
            continue
        if api == "em" and name in EM_SLOW and not allow_slow:
            continue
        if kind == "task_fail" and api != "em":
            continue
        usable.append((name, target, kind, spec, candidates))
    # Reads are faulted in every step that has no write, so writes get the larger share where there are some.
    on_writes = [entry for entry in usable if entry[1] != "read"]
    name, target, kind, spec, candidates = rng.choice(on_writes if on_writes and rng.random() < WRITE_SHARE else usable)
    if target == "read":
        return Fault(name, kind, spec, "GET", READS[api])
    job, action = rng.choice(candidates)
    return Fault(name, kind, spec, "POST", write_pattern(api, ids[job], action), job=ids[job])


def assert_sessions_closed(sim, log, api, fault, context):
    """Every session the server opened was closed, except one the simulator expired itself."""
    expired = 1 if fault is not None and fault.kind == "expire" and fault.hit(log) else 0
    opened, closed = accepted(logons(log, api)), accepted(logoffs(log, api))
    assert opened and len(closed) == len(opened) - expired, (len(opened), len(closed), context)
    if api == "em":
        assert sim.state()["em"]["logon_sessions"] == 0, context


SEQUENCES = [(api, seed, None) for api, seeds in SEQUENCE_SEEDS.items() for seed in seeds] + \
    [("vbr", seed, release) for seed, release in OLD_VBR_SEQUENCES]


@pytest.mark.parametrize("api, seed, release", SEQUENCES,
                         ids=["%s%s-seed%d" % (api, "-" + release if release else "", seed) for api, seed, release in SEQUENCES])
def test_declared_states_in_sequence(ansible, sim, api, seed, release):
    rng = random.Random("sequence-%s-%d" % (api, seed))
    sim.reset(sequence_scenario(rng, api))
    if release:
        sim.configure(vbr_release=release)
    # Started runs last until stopped, so `running` holds between steps.
    sim.configure(vb365_run_seconds=3600, vbr_run_seconds=3600)
    ids = job_ids(sim, api)
    model = server_jobs(sim, api)
    slow_left = 1
    history = []
    for step in range(1, STEPS + 1):
        selected = rng.sample(sorted(model), rng.randint(1, 3))
        state = rng.choice(STATES[api])
        writes = [(name, action) for name in selected for action in planned_writes(model[name], state)]
        fault = choose_fault(rng, api, FAULTS, writes, ids, slow_left > 0)
        if fault is not None and api == "em" and fault.name in EM_SLOW:
            slow_left -= 1
        history.append("step %d: %s -> %s, fault: %s" % (step, selected, state, fault))
        context = "\n".join(history)

        sim.clear_requests()
        if fault is not None:
            fault.inject(sim, SIM_API.get(api, api))
        args = dict(BUDGETS[api], name=selected, state=state)
        if "running" in STATES[api]:
            args["enable_if_disabled"] = True
        result = ansible.task(MODULES[api], **args)
        sim.clear_faults()  # an unused fault must not hit the next step
        after = server_jobs(sim, api)
        log = requests_of(sim, SIM_API.get(api, api))

        assert "Traceback" not in str(result), context
        assert fault is None or fault.hit(log) is not None, "the fault hit a request of the step\n" + context
        assert dict((name, after[name]) for name in model if name not in selected) == \
            dict((name, model[name]) for name in model if name not in selected), "jobs not selected are untouched\n" + context
        targets = dict((name, declared(model[name], state)) for name in selected)
        if result.get("failed"):
            message = result["msg"]
            history[-1] += " -> failed: " + message
            assert "\n" not in message, context
            for name in selected:
                assert all(after[name][i] in (model[name][i], targets[name][i]) for i in (0, 1)), (name, model[name], after[name], context)
        else:
            assert dict((name, after[name]) for name in selected) == targets, context
            assert result["changed"] is bool(writes), context

        written = set(job_id_of(request) for request in log if request["method"] == "POST" and "jobs/" in request["path"].lower())
        assert written <= set(ids[name] for name, _action in writes), "a write only for a job that differed\n" + context
        for name in selected:
            flips = [r for r in toggles(log, SIM_API.get(api, api)) if job_id_of(r) == ids[name] and fault_performed(fault, r, log)]
            allowed = len([w for w in writes if w[0] == name and w[1] in ("enable", "disable")])
            allowed += 1 if fault is not None and fault.kind == "flip_behind" and fault.job == ids[name] else 0
            assert len(flips) <= allowed, "never a double toggle (%s)\n%s" % (name, context)
        assert_sessions_closed(sim, log, SIM_API.get(api, api), fault, context)
        model = after
    print("\n".join(history))  # shown with -rP: what the seed did


def window_jobs(rng, api):
    jobs = [{"name": "Window %s %d" % (api.upper(), number), "enabled": rng.random() < 0.6} for number in range(1, JOBS + 1)]
    if rng.random() < 0.5:
        rng.choice(jobs)["running"] = True
    return jobs


def window_scenario(rng, seed):
    """Random pre-window flags on every API; now and then a running job, which begin stops.

    VBR's jobs come from their own generator, so the cases drawn for the other two APIs stay what they were.
    """
    scenario = dict((api, {"jobs": window_jobs(rng, api)}) for api in ("vb365", "em"))
    scenario["vbr"] = {"jobs": window_jobs(random.Random("window-vbr-%d" % seed), "vbr")}
    return scenario


@pytest.mark.parametrize("seed, faulted_api", WINDOW_CASES, ids=["%sseed%d" % (api + "-" if api else "", seed) for seed, api in WINDOW_CASES])
def test_maintenance_window_restores_the_pre_window_flags(window, sim, seed, faulted_api):
    rng = random.Random("window-%d" % seed)
    scenario = window_scenario(rng, seed)
    if faulted_api == "vb365-copy":
        # Each VB365 job gets a copy job, enabled or not (begin disables both kinds); the fault hits a copy job.
        copies = random.Random("window-copy-%d" % seed)
        scenario["vb365"]["copy_jobs"] = [dict(window_jobs(copies, "copy")[0], name="%s Copy" % job["name"], backupJob=job["name"])
                                          for job in scenario["vb365"]["jobs"]]
    sim.reset(scenario)
    before = snapshot(sim)
    api = rng.choice(("vb365", "em"))
    if faulted_api:
        api = faulted_api
    sim_api = SIM_API.get(api, api)
    disables = [(name, "disable") for name in names(before, sim_api, True) if name in job_ids(sim, api)]
    fault = choose_fault(rng, api, WINDOW_FAULTS, disables, job_ids(sim, api), allow_slow=False, chance=1.0)
    rerun = rng.random() < 0.5
    context = "pre-window: %s; fault on %s: %s; rerun begin if it fails: %s" % (sorted(before.values()), api, fault, rerun)

    sim.clear_requests()
    fault.inject(sim, sim_api)
    begin = window.run("maintenance_begin.yml")
    assert fault.hit(sim.requests()["requests"]) is not None, "the fault hit a request of the begin\n" + context
    records = {}
    for host_api, host in HOST_OF.items():
        records[host] = window.record(host)
        assert records[host]["state"] == "active", context
        assert sorted(job["name"] for job in records[host]["jobs"]) == names(before, host_api, True), "the record names the enabled jobs\n" + context
    assert begin.custom_stats.get("maintenance_window_records") == records, "published, also when begin failed\n" + context
    during = snapshot(sim)
    if begin.status == "successful":
        assert not any(value[1] for value in during.values()), context
    else:
        assert begin.failed_hosts() == [HOST_OF[sim_api]], begin
        messages = [result["msg"] for result in begin.results("Record and disable").values() if result.get("failed")]
        assert len(messages) == 1 and "\n" not in messages[0], (messages, context)
        faulted = [value[0] for key, value in before.items() if key[0] == sim_api and key[1].lower() == fault.job]
        if fault.kind == "task_fail":
            assert faulted[0] in messages[0], (messages, context)
        assert [value[0] for value in during.values() if value[1]] in ([], faulted), "only the faulted job may still be enabled\n" + context
        if rerun:
            again = window.run("maintenance_begin.yml")
            assert again.status == "successful", again
            assert not any(value[1] for value in snapshot(sim).values()), context
            assert window.record(HOST_OF[sim_api])["jobs"] == records[HOST_OF[sim_api]]["jobs"], "a second begin keeps the record\n" + context

    end = window.run("maintenance_end.yml")
    assert end.status == "successful", end
    assert enabled(snapshot(sim)) == enabled(before), "every job is back to its pre-window flag\n" + context
    for host in HOST_OF.values():
        assert window.record(host)["state"] == "restored", context

    log = sim.requests()["requests"]
    for key, value in before.items():
        job_toggles = [r for r in toggles([r for r in log if r["api"] == key[0]], key[0]) if job_id_of(r) == key[1].lower()]
        performed = [r for r in job_toggles if fault_performed(fault if key[0] == sim_api else None, r, log)]
        if not value[1]:
            assert performed == [], "a job disabled before the window is never written (%s)\n%s" % (value[0], context)
        else:
            flipped = fault.kind == "flip_behind" and fault.job == key[1].lower()
            assert len(performed) <= 2 + flipped, "one disable and one enable (%s)\n%s" % (value[0], context)
    assert sim.state()["em"]["logon_sessions"] == 0
    print(context, "; begin:", begin.status)  # shown with -rP: what the seed did


# -- VBR backup infrastructure (issue 31) -------------------------------------------------------------------------------
# Each module declares a state, then its opposite (back to where the default infrastructure starts); every declaration is
# run twice, and the second run must send no write. On the oldest and the newest revision whose document has the endpoint
# (proxies can be switched from 1.3-rev0 only).
INFRA_SOBR, INFRA_EXTENTS = "SOBR Production", ["SOBR Extent 01", "SOBR Extent 02"]
INFRA_PROXIES = ["proxy02.backupops.local", "hv01.backupops.local"]
SOBR_WRITE = "POST /api/v1/backupInfrastructure/scaleOutRepositories/{id}/%s"
PROXY_WRITE = "POST /api/v1/backupInfrastructure/proxies/{id}/%s"
INFRA_ROUND_TRIPS = {
    # case: (module, declarations in order, each with the writes it must send and what the simulator must show after it)
    "extent": ("veeam_vbr_extent", [
        # One write per change group, for both extents of the SOBR at once; each mode on its own.
        (dict(scale_out_repository=INFRA_SOBR, extents=INFRA_EXTENTS, maintenance=True), [SOBR_WRITE % "enableMaintenanceMode"],
         {name: ["Maintenance"] for name in INFRA_EXTENTS}),
        (dict(scale_out_repository=INFRA_SOBR, extents=INFRA_EXTENTS, maintenance=False), [SOBR_WRITE % "disableMaintenanceMode"],
         {name: [] for name in INFRA_EXTENTS}),
        (dict(scale_out_repository=INFRA_SOBR, extents=INFRA_EXTENTS, sealed=True), [SOBR_WRITE % "enableSealedMode"],
         {name: ["Sealed"] for name in INFRA_EXTENTS}),
        (dict(scale_out_repository=INFRA_SOBR, extents=INFRA_EXTENTS, sealed=False), [SOBR_WRITE % "disableSealedMode"],
         {name: [] for name in INFRA_EXTENTS}),
    ]),
    "extent-both-modes": ("veeam_vbr_extent", [
        # Both modes declared at once: two change groups, two writes.
        (dict(scale_out_repository=INFRA_SOBR, extents=INFRA_EXTENTS, maintenance=True, sealed=True),
         [SOBR_WRITE % "enableMaintenanceMode", SOBR_WRITE % "enableSealedMode"], {name: ["Maintenance", "Sealed"] for name in INFRA_EXTENTS}),
        (dict(scale_out_repository=INFRA_SOBR, extents=INFRA_EXTENTS, maintenance=False, sealed=False),
         [SOBR_WRITE % "disableMaintenanceMode", SOBR_WRITE % "disableSealedMode"], {name: [] for name in INFRA_EXTENTS}),
    ]),
    "proxy": ("veeam_vbr_proxy", [
        (dict(name=INFRA_PROXIES, state="disabled"), [PROXY_WRITE % "disable"] * 2, {name: True for name in INFRA_PROXIES}),
        (dict(name=INFRA_PROXIES, state="enabled"), [PROXY_WRITE % "enable"] * 2, {name: False for name in INFRA_PROXIES}),
    ]),
    "config-backup": ("veeam_vbr_config_backup", [
        (dict(state="disabled"), ["GET /api/v1/configBackup", "PUT /api/v1/configBackup"], {"isEnabled": False}),
        (dict(state="enabled"), ["GET /api/v1/configBackup", "PUT /api/v1/configBackup"], {"isEnabled": True}),
    ]),
}
INFRA_OLDEST = {"extent": "1.1-rev0", "extent-both-modes": "1.1-rev0", "proxy": "1.3-rev0", "config-backup": "1.1-rev0"}
INFRA_CASES = [(case, revision) for case in INFRA_ROUND_TRIPS for revision in (INFRA_OLDEST[case], "1.3-rev2")]
INFRA_PARAMS = INFRA_CASES


def infra_shown(sim, module):
    """What the simulator shows of the objects a module declares: extent modes, proxies' disabled flags, the whole
    configuration backup model."""
    infra = sim.state()["vbr"]["infrastructure"]
    if module == "veeam_vbr_extent":
        return dict((r["name"], r["modes"]) for r in infra["repositories"] if r["name"] in INFRA_EXTENTS)
    if module == "veeam_vbr_proxy":
        return dict((p["name"], p["disabled"]) for p in infra["proxies"] if p["name"] in INFRA_PROXIES)
    return infra["configBackup"]


def infra_requests(sim, with_config_read=False):
    """The writes a run sent (POST/PUT but the OAuth2 session's), as "METHOD template"; the configuration backup's GET just
    before its PUT too (with_config_read), which is part of its write."""
    requests = sim.requests()["requests"]
    found = []
    for index, request in enumerate(requests):
        line = "%s %s" % (request["method"], request["template"])
        if request["method"] in ("POST", "PUT") and "/oauth2/" not in request["path"]:
            found.append(line)
        elif with_config_read and line == "GET /api/v1/configBackup" and index + 1 < len(requests) and requests[index + 1]["method"] == "PUT":
            found.append(line)
    return found


@pytest.mark.parametrize("case, revision", INFRA_PARAMS, ids=["%s-%s" % case for case in INFRA_CASES])
def test_vbr_infrastructure_round_trip(ansible, sim, case, revision):
    module, declarations = INFRA_ROUND_TRIPS[case]
    sim.configure(vbr_maintenance_seconds=0.3)
    start = infra_shown(sim, module)
    config = module == "veeam_vbr_config_backup"
    steps = []
    for declaration, writes, shown in declarations:
        steps.append(declaration)
        for attempt in ("first", "again"):
            sim.clear_requests()
            result = ansible.task(module, api_version=revision, wait_timeout=10, wait_sleep=0.3, **declaration)
            context = "%s run of %s after %s" % (attempt, declaration, steps[:-1])
            assert not result.get("failed"), (result.get("msg"), result.get("warnings"), context)
            sent = infra_requests(sim, with_config_read=config)
            if attempt == "first":
                assert result["changed"] is True and sorted(sent) == sorted(writes), (sent, result, context)
            else:
                # Idempotence: the declaration holds, so nothing is written (the configuration backup is not even re-read).
                assert result["changed"] is False and sent == [], (sent, result, context)
                assert "already" in result["msg"], result["msg"]
            now = infra_shown(sim, module)
            if config:
                # Only isEnabled changes: the rest of the model the operator set is what it was.
                assert now == dict(start, **shown), (now, context)
            else:
                assert now == shown, (now, context)
            assert len(accepted(logons(requests_of(sim, "vbr"), "vbr"))) == len(accepted(logoffs(requests_of(sim, "vbr"), "vbr"))) == 1, context
    assert infra_shown(sim, module) == start, "back to the start"
