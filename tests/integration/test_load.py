"""Load: 20 forks of one playbook run declare job states against one simulator at the same time, as an AWX job with
20 forks would (issue 9, part 4).

Each fork (inventory host) owns a disjoint slice of jobs on both APIs and declares one state for its slices. The simulator
limits the request rate, so some requests really are answered 429; the modules must absorb that with backoff within their
deadline. Checked on the simulator's state and request log: every job in its declared state, one toggle per job that
differed and none for the others, every logon logged off, and a second identical run that changes and writes nothing.
"""

import random
import re
import subprocess
from collections import Counter

import pytest
import yaml

from conftest import ANSIBLE_BIN, PlaybookRun

FORKS = 20
JOBS_PER_SLICE = 3
# Low enough that 20 concurrent clients exceed it on both APIs (asserted below), high enough for the whole run to fit the deadline.
RATE_LIMIT_PER_SECOND = 10
WAIT_TIMEOUT = 90
SCENARIO_SEED = 20261123
RECAP = re.compile(r"^(fork\d+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
# Toggle writes per job: VB365 enable/disable, EM toggleScheduleEnabled (a flip).
TOGGLES = {"vb365": re.compile(r"^POST /v8/Jobs/([^/]+)/(enable|disable)$"),
           "em": re.compile(r"^POST /api/agents/jobs/([^/?]+)\?action=toggleScheduleEnabled$")}
LOGONS = {"vb365": ("POST /v8/token", "POST /v8/token/logout"), "em": ("POST /api/sessionMngr/", "DELETE /api/logonSessions/{id}")}


def fork_name(number):
    return "fork%02d" % number


def declared_state(number):
    return "disabled" if number % 2 else "enabled"


def slice_names(api, number):
    return ["Load %s %s job %d" % (api.upper(), fork_name(number), index) for index in range(JOBS_PER_SLICE)]


def scenario():
    """Every slice mixes jobs already in their declared state with jobs that must change (the seed keeps it reproducible)."""
    rng = random.Random(SCENARIO_SEED)
    jobs = {"vb365": [], "em": []}
    for number in range(1, FORKS + 1):
        for api in jobs:
            flags = [True, False] + [rng.random() < 0.5 for _ in range(JOBS_PER_SLICE - 2)]
            rng.shuffle(flags)
            jobs[api].extend({"name": name, "enabled": flag} for name, flag in zip(slice_names(api, number), flags))
    return {"vb365": {"jobs": jobs["vb365"]}, "em": {"jobs": jobs["em"]}}


class LoadRun:
    """One ansible-playbook run over the 20-host inventory with -f 20: per-host recap and every task result."""

    def __init__(self, ansible, workdir):
        self.ansible = ansible
        self.workdir = workdir
        self.inventory = workdir / "forks.yml"
        self.playbook = workdir / "declare.yml"
        hosts = {fork_name(number): {"ansible_connection": "local", "ansible_python_interpreter": str(ANSIBLE_BIN / "python"),
                                     "declared_state": declared_state(number),
                                     "vb365_slice": slice_names("vb365", number), "em_slice": slice_names("em", number)}
                 for number in range(1, FORKS + 1)}
        self.inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}, sort_keys=False))
        budget = dict(state="{{ declared_state }}", wait_timeout=WAIT_TIMEOUT, wait_sleep=0.5)
        play = dict(name="Declare the state of this fork's jobs", hosts="all", gather_facts=False,
                    module_defaults={"group/backupops.veeam.vb365": ansible.connection("vb365"),
                                     "group/backupops.veeam.em": ansible.connection("em")},
                    tasks=[{"name": "VB365 slice", "backupops.veeam.veeam_o365_job": dict(budget, name="{{ vb365_slice }}")},
                           {"name": "EM slice", "backupops.veeam.veeam_agent_job": dict(budget, name="{{ em_slice }}")}])
        self.playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        self.count = 0

    def run(self):
        self.count += 1
        results_file = self.workdir / ("load-results-%d.jsonl" % self.count)
        command = [str(ANSIBLE_BIN / "ansible-playbook"), "-i", str(self.inventory), "-f", str(FORKS), str(self.playbook)]
        completed = subprocess.run(command, capture_output=True, text=True, env=self.ansible.env(results_file), timeout=600, check=False)
        run = PlaybookRun(completed, results_file)
        run.recap = {host: dict(ok=int(ok), changed=int(changed), unreachable=int(unreachable), failed=int(failed))
                     for host, ok, changed, unreachable, failed in RECAP.findall(run.stdout)}
        return run


def toggles_per_job(log, api):
    found = Counter()
    for entry in log:
        matched = entry["api"] == api and TOGGLES[api].match("%s %s%s" % (entry["method"], entry["path"], "?" + entry["query"] if entry["query"] else ""))
        if matched and entry["status"] in (200, 202, 204):
            found[matched.group(1).lower()] += 1
    return found


def sessions(log, api):
    """(logons the server granted, logoffs it accepted) in the request log."""
    logon, logoff = LOGONS[api]
    granted = sum(1 for entry in log if "%s %s" % (entry["method"], entry["template"]) == logon and entry["status"] in (200, 201))
    closed = sum(1 for entry in log if "%s %s" % (entry["method"], entry["template"]) == logoff and entry["status"] in (200, 204))
    return granted, closed


def flags(state):
    found = {("vb365", job["name"]): job["isEnabled"] for job in state["vb365"]["jobs"]}
    found.update({("em", job["name"]): job["enabled"] for job in state["em"]["jobs"]})
    return found


def ids(state):
    found = {("vb365", job["id"].lower()): job["name"] for job in state["vb365"]["jobs"]}
    found.update({("em", job["id"].lower()): job["name"] for job in state["em"]["jobs"]})
    return found


@pytest.fixture
def load(ansible, sim, tmp_path):
    sim.reset(scenario())
    sim.configure(rate_limit_per_second=RATE_LIMIT_PER_SECOND)
    return LoadRun(ansible, tmp_path)


def test_twenty_forks_reach_their_declared_states_through_rate_limiting(load, sim):
    before = flags(sim.state())
    declared = {(api, name): declared_state(number) == "enabled"
                for number in range(1, FORKS + 1) for api in ("vb365", "em") for name in slice_names(api, number)}
    assert set(declared) == set(before)
    differing = {key for key in declared if declared[key] is not before[key]}
    assert differing and differing != set(declared), "some jobs must change and some must already be in their declared state"

    first = load.run()
    log = sim.requests()["requests"]
    state = sim.state()

    assert first.rc == 0, first
    assert sorted(first.recap) == [fork_name(number) for number in range(1, FORKS + 1)], first
    assert all(counts["ok"] == 2 and counts["failed"] == 0 and counts["unreachable"] == 0 for counts in first.recap.values()), first.recap
    assert "Traceback" not in first.stdout + first.stderr
    assert flags(state) == declared, "every job is in the state its fork declared"
    for api in ("vb365", "em"):
        limited = [entry for entry in log if entry["api"] == api and entry["status"] == 429]
        assert limited, "the %s rate limit was never reached: the test no longer proves that 429s are absorbed" % api
        names = ids(state)
        toggled = {names[(api, job_id)]: count for job_id, count in toggles_per_job(log, api).items()}
        expected = {name: 1 for (which, name) in differing if which == api}
        assert toggled == expected, "one toggle per job that differed, none for the others, none twice"
        granted, closed = sessions(log, api)
        assert granted == closed and granted >= FORKS, (api, granted, closed)
    assert state["em"]["logon_sessions"] == 0

    sim.clear_requests()
    second = load.run()
    assert second.rc == 0, second
    assert all(counts["changed"] == 0 and counts["failed"] == 0 for counts in second.recap.values()) and len(second.recap) == FORKS, second.recap
    assert [result for result in second.results if result.get("changed")] == []
    assert sim.writes() == []
    assert flags(sim.state()) == declared
    log = sim.requests()["requests"]
    for api in ("vb365", "em"):
        granted, closed = sessions(log, api)
        assert granted == closed, (api, granted, closed)
    assert sim.state()["em"]["logon_sessions"] == 0
