"""Load (issue 9, part 4): 20 forks of one playbook run declare job states against one simulator at the same time, as an
AWX job with 20 forks would.

Each fork (inventory host) owns a disjoint slice of jobs on each of the three APIs and declares one state for all its slices; slices
mix jobs already in that state with jobs that must change. Checked on the simulator's state and request log: every fork
ok, every job in its declared state, one accepted toggle per job that differed and none for the others, every logon
logged off, and a second identical run that changes and writes nothing. The throttled case has the simulator answer
429 beyond a request rate that 20 clients exceed, which the modules must absorb with backoff within their deadline.
"""

import random
import re
import subprocess
from collections import Counter

import pytest
import yaml

from helpers import ANSIBLE_BIN, PlaybookRun, accepted, job_id_of, logoffs, logons, toggles

FORKS = 20
JOBS_PER_SLICE = 3
WAIT_TIMEOUT = 90
SCENARIO_SEED = 20261123
APIS = ("vb365", "em", "vbr")
RECAP = re.compile(r"^(fork\d+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
# 20 clients exceed this on every API (asserted); a deadline of WAIT_TIMEOUT leaves room for every request at this rate.
THROTTLED = 20


def fork_name(number):
    return "fork%02d" % number


def declared_state(number):
    return "disabled" if number % 2 else "enabled"


def slice_names(api, number):
    return ["Load %s %s job %d" % (api.upper(), fork_name(number), index) for index in range(JOBS_PER_SLICE)]


def scenario():
    """Every slice has a job that is enabled and one that is disabled, the rest at random (seeded: reproducible)."""
    rng = random.Random(SCENARIO_SEED)
    jobs = dict((api, []) for api in APIS)
    for number in range(1, FORKS + 1):
        for api in APIS:
            flags = [True, False] + [rng.random() < 0.5 for _index in range(JOBS_PER_SLICE - 2)]
            rng.shuffle(flags)
            jobs[api].extend({"name": name, "enabled": flag} for name, flag in zip(slice_names(api, number), flags))
    return dict((api, {"jobs": jobs[api]}) for api in APIS)


class Forks:
    """The 20-host inventory, the playbook every host runs and `ansible-playbook -f 20` over them."""

    def __init__(self, ansible, workdir):
        self.ansible = ansible
        self.workdir = workdir
        self.inventory = workdir / "forks.yml"
        self.playbook = workdir / "declare.yml"
        hosts = dict((fork_name(number), {"ansible_connection": "local", "ansible_python_interpreter": str(ANSIBLE_BIN / "python"),
                                          "declared_state": declared_state(number),
                                          "vb365_slice": slice_names("vb365", number), "em_slice": slice_names("em", number),
                                          "vbr_slice": slice_names("vbr", number)})
                     for number in range(1, FORKS + 1))
        self.inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}, sort_keys=False))
        declaration = dict(state="{{ declared_state }}", wait_timeout=WAIT_TIMEOUT, wait_sleep=0.5)
        play = dict(name="Declare the state of this fork's jobs", hosts="all", gather_facts=False,
                    module_defaults=dict(("group/backupops.veeam.%s" % api, ansible.connection(api)) for api in APIS),
                    tasks=[{"name": "VB365 slice", "backupops.veeam.veeam_o365_job": dict(declaration, name="{{ vb365_slice }}")},
                           {"name": "EM slice", "backupops.veeam.veeam_agent_job": dict(declaration, name="{{ em_slice }}")},
                           {"name": "VBR slice", "backupops.veeam.veeam_vbr_job": dict(declaration, name="{{ vbr_slice }}")}])
        self.playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        self.count = 0

    def run(self):
        """One run; `.recap` is {host: {ok, changed, unreachable, failed}} from the PLAY RECAP."""
        self.count += 1
        results_file = self.workdir / ("forks-results-%d.jsonl" % self.count)
        command = [str(ANSIBLE_BIN / "ansible-playbook"), "-i", str(self.inventory), "-f", str(FORKS), str(self.playbook)]
        completed = subprocess.run(command, capture_output=True, text=True, env=self.ansible.env(results_file), timeout=600, check=False)
        run = PlaybookRun(completed, results_file)
        run.recap = dict((host, dict(ok=int(ok), changed=int(changed), unreachable=int(unreachable), failed=int(failed)))
                         for host, ok, changed, unreachable, failed in RECAP.findall(run.stdout))
        return run


def flags(state):
    """(api, job name) -> enabled, for every simulated job."""
    found = dict((("vb365", job["name"]), job["isEnabled"]) for job in state["vb365"]["jobs"])
    found.update(((api, job["name"]), job["enabled"]) for api in ("em", "vbr") for job in state[api]["jobs"])
    return found


def accepted_toggles_per_job(log, state, api):
    names = dict((job["id"].lower(), job["name"]) for job in state[api]["jobs"])
    return Counter(names[job_id_of(request)] for request in accepted(toggles([r for r in log if r["api"] == api], api)))


def assert_every_session_closed(log, state):
    for api in APIS:
        of_api = [r for r in log if r["api"] == api]
        opened, closed = len(accepted(logons(of_api, api))), len(accepted(logoffs(of_api, api)))
        assert opened >= FORKS and closed == opened, "%s: %d logons, %d logoffs" % (api, opened, closed)
    assert state["em"]["logon_sessions"] == 0


@pytest.mark.parametrize("rate_limit", [
    pytest.param(None, id="unthrottled"),
    pytest.param(THROTTLED, id="throttled-%d-per-second" % THROTTLED),
])
def test_twenty_forks_reach_their_declared_states(ansible, sim, tmp_path, rate_limit):
    sim.reset(scenario())
    if rate_limit:
        sim.configure(rate_limit_per_second=rate_limit)
    forks = Forks(ansible, tmp_path)
    before = flags(sim.state())
    declared = dict(((api, name), declared_state(number) == "enabled")
                    for number in range(1, FORKS + 1) for api in APIS for name in slice_names(api, number))
    assert set(declared) == set(before)
    differing = set(key for key in declared if declared[key] is not before[key])
    assert differing and differing != set(declared)

    first = forks.run()
    log = sim.requests()["requests"]
    state = sim.state()
    for api in APIS:
        limited = [r for r in log if r["api"] == api and r["status"] == 429]
        if rate_limit:
            assert limited, "no %s request was answered 429: the rate limit no longer tests anything" % api
        else:
            assert not limited
    assert sorted(first.recap) == [fork_name(number) for number in range(1, FORKS + 1)], first
    failed = dict((host, counts) for host, counts in first.recap.items() if counts["ok"] != len(APIS) or counts["failed"] or counts["unreachable"])
    assert first.rc == 0 and not failed, "%s\n%s" % (failed, "\n".join(r["msg"] for r in first.results if r.get("failed")))
    assert not [r for r in first.results if r.get("warnings")], [r["warnings"] for r in first.results if r.get("warnings")]
    assert "Traceback" not in first.stdout + first.stderr
    assert flags(state) == declared, "every job is in the state its fork declared"
    for api in APIS:
        expected = Counter(name for (which, name) in differing if which == api)
        assert accepted_toggles_per_job(log, state, api) == expected, "one toggle per job that differed, none for the others"
    assert_every_session_closed(log, state)

    sim.clear_requests()
    second = forks.run()
    log = sim.requests()["requests"]
    assert second.rc == 0, second
    assert len(second.recap) == FORKS and all(counts["changed"] == 0 and counts["failed"] == 0 for counts in second.recap.values()), second.recap
    assert sim.writes() == []
    assert flags(sim.state()) == declared
    assert_every_session_closed(log, sim.state())
