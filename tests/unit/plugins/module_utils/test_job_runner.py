# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runner's decisions with an in-memory client: selection, read-before-write, unclear answers, flips."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._client import JobClient
from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import JobState
from ansible_collections.backupops.veeam.plugins.module_utils._model import Job, JobList
from ansible_collections.backupops.veeam.plugins.module_utils._job_runner import JobRunner
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError, select_jobs
from ansible_collections.backupops.veeam.plugins.module_utils._module import conclude
from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout


def make_job(name, enabled=True, running=False, job_id=None):
    return Job(job_id or name.lower().replace(" ", "-"), name, enabled, running, None, None, None, {})


class FakeModule(object):
    def __init__(self, check_mode=False, **params):
        self.check_mode = check_mode
        self.params = dict(id=None, name=None, all_jobs=False, state="disabled", if_running="leave", enable_if_disabled=False,
                           wait=True, wait_timeout=5, wait_sleep=0.01, wait_for_completion=False, write_concurrency=1)
        self.params.update(params)
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def exit_json(self, **result):
        raise AssertionError("unexpected success: %r" % result)


class NoHttp(object):
    """The HttpClient a JobClient is built on, for a client that never sends a request."""

    base_url = "https://fake.example/"

    def close(self):
        pass


class FlipClient(JobClient):
    """Like Enterprise Manager: the only flag action is a toggle, so a repeated send undoes the first.

    A JobClient, so a change of the contract breaks this fake as it breaks the real clients.
    """

    effect_delay_seconds = 0.05

    def __init__(self, *jobs):
        super(FlipClient, self).__init__(NoHttp(), {}, warn=lambda message: None, register_secret=lambda value: None)
        self.jobs = dict((job.id, job) for job in jobs)
        self.sent = []
        self.faults = []  # callables (job, action) -> None, run on each send
        self.closed = False

    def login(self):
        pass

    def logout(self):
        pass

    def read_sessions(self, job, limit):
        return []

    def read_jobs(self, last_runs=False):
        return JobList(self.jobs.values())

    def send(self, job, action):
        self.sent.append((job.name, action))
        fault = self.faults.pop(0) if self.faults else None
        if fault == "lost":
            raise VeeamApiError("Server answered HTTP 503.", "POST", "https://em/api", 503)
        current = self.jobs[job.id]
        if action in ("enable", "disable"):
            self.jobs[job.id] = current._replace(enabled=not current.enabled)
        if action in ("start", "stop"):
            self.jobs[job.id] = current._replace(running=action == "start", last_run=len(self.sent))
        if fault == "applied-then-503":
            raise VeeamApiError("Server answered HTTP 503.", "POST", "https://em/api", 503)
        if fault == "403":
            raise VeeamApiError("Server answered HTTP 403: Access denied.", "POST", "https://em/api", 403)
        return None

    def await_writes(self, handles, timeout, sleep):
        return []

    def describe(self, handle):
        return {}

    def normalize_id(self, value):
        return value.replace("urn:veeam:AgentBackupJob:", "")

    def close(self):
        self.closed = True


def runner_for(client, module):
    return JobRunner(client, module.params, module.check_mode, module.warn)


def run(client, **params):
    module = FakeModule(**params)
    return runner_for(client, module).run(), module


JOBS = [make_job("Fileserver Backup"), make_job("Laptops", enabled=False), make_job("SQL Agents")]


def test_select_by_name_keeps_order_and_drops_duplicates():
    chosen = select_jobs(JOBS, names=["SQL Agents", "Fileserver Backup", "SQL Agents"])
    assert [job.name for job in chosen] == ["SQL Agents", "Fileserver Backup"]


def test_select_by_id_accepts_the_urn_prefix():
    client = FlipClient(*JOBS)
    assert select_jobs(JOBS, ids=["urn:veeam:AgentBackupJob:laptops"], normalize_id=client.normalize_id)[0].name == "Laptops"


def test_unknown_names_are_all_reported_with_candidates():
    with pytest.raises(JobModuleError) as caught:
        select_jobs(JOBS, names=["fileserver backup", "Nope"])
    message = str(caught.value)
    assert "no job is named 'fileserver backup' (names are case-sensitive); did you mean 'Fileserver Backup'?" in message
    assert "no job is named 'Nope'" in message and "the server has 'Fileserver Backup', 'Laptops', 'SQL Agents'" in message


def test_ambiguous_name_is_refused():
    twins = [make_job("Twin", job_id="a"), make_job("Twin", job_id="b")]
    with pytest.raises(JobModuleError) as caught:
        select_jobs(twins, names=["Twin"])
    assert str(caught.value) == "2 jobs are named 'Twin' (ids a, b); select them by id"


def test_read_before_write_and_idempotence():
    client = FlipClient(*JOBS)
    result, _module = run(client, all_jobs=True, state="disabled")
    assert result["changed"] is True
    assert client.sent == [("Fileserver Backup", "disable"), ("SQL Agents", "disable")]
    assert result["msg"] == "disabled 2 of 3 selected job(s)."
    client.sent = []
    result, _module = run(client, all_jobs=True, state="disabled")
    assert result["changed"] is False and client.sent == []
    assert result["msg"] == "All 3 selected job(s) already disabled."


def test_check_mode_plans_without_sending():
    client = FlipClient(*JOBS)
    result, _module = run(client, check_mode=True, all_jobs=True, state="enabled")
    assert result["changed"] is True and client.sent == []
    assert result["msg"] == "Would have enabled 1 of 3 selected job(s)."
    assert [job["after"]["enabled"] for job in result["jobs"]] == [True, True, True]
    assert [job["actions"] for job in result["jobs"]] == [[], ["enable"], []], "the actions a real run would send"


def test_an_impossible_declaration_fails_before_any_write():
    client = FlipClient(*JOBS)
    with pytest.raises(JobModuleError) as caught:
        run(client, all_jobs=True, state="running")
    assert client.sent == []
    assert str(caught.value).startswith("Nothing was changed: job 'Laptops' is disabled")


def test_an_unclear_answer_to_an_applied_toggle_is_not_resent():
    client = FlipClient(*JOBS)
    client.faults = ["applied-then-503"]
    result, module = run(client, name=["Fileserver Backup"], state="disabled")
    assert client.sent == [("Fileserver Backup", "disable")]
    assert client.jobs["fileserver-backup"].enabled is False
    assert result["jobs"][0]["after"]["enabled"] is False
    assert "re-read instead of resending" in module.warnings[0]


def test_an_unclear_answer_to_a_lost_toggle_is_decided_again_once():
    client = FlipClient(*JOBS)
    client.faults = ["lost"]
    run(client, name=["Fileserver Backup"], state="disabled")
    assert client.sent == [("Fileserver Backup", "disable"), ("Fileserver Backup", "disable")]
    assert client.jobs["fileserver-backup"].enabled is False


def test_a_flip_behind_our_back_is_corrected_once_then_fails():
    client = FlipClient(*JOBS)
    original_send = client.send

    def send_and_someone_flips_back(job, action):
        original_send(job, action)
        current = client.jobs[job.id]
        client.jobs[job.id] = current._replace(enabled=not current.enabled)

    client.send = send_and_someone_flips_back
    with pytest.raises(JobModuleError) as caught:
        run(client, name=["SQL Agents"], state="disabled")
    assert len(client.sent) == 2
    assert "still differs after correcting it once" in str(caught.value)


def test_a_flag_write_without_a_clear_answer_twice_leads_with_that_not_with_someone_else():
    client = FlipClient(*JOBS)
    client.faults = ["lost", "lost"]
    with pytest.raises(JobModuleError) as caught:
        run(client, name=["SQL Agents"], state="disabled")
    assert client.sent == [("SQL Agents", "disable"), ("SQL Agents", "disable")]
    assert str(caught.value) == ("Could not disable job 'SQL Agents': sent 2 times, without a clear answer (last: Server answered HTTP 503. "
                                 "(POST https://em/api -> HTTP 503)); "
                                 "its schedule flag was re-read each time and still differs.")
    assert "something else" not in str(caught.value)


def test_an_unclear_start_that_was_not_performed_is_sent_once_more():
    client = FlipClient(*JOBS)
    client.faults = ["lost"]
    result, module = run(client, name=["SQL Agents"], state="running")
    assert client.sent == [("SQL Agents", "start"), ("SQL Agents", "start")]
    assert client.jobs["sql-agents"].running is True
    assert result["jobs"][0]["after"]["running"] is True
    assert "re-read instead of resending" in module.warnings[0]


def test_an_unclear_stop_that_was_performed_is_not_resent():
    client = FlipClient(make_job("Busy", running=True))
    client.faults = ["applied-then-503"]
    run(client, name=["Busy"], state="stopped")
    assert client.sent == [("Busy", "stop")]
    assert client.jobs["busy"].running is False


def test_a_run_that_never_shows_names_the_unclear_answers():
    client = FlipClient(*JOBS)
    client.faults = ["lost", "lost"]
    with pytest.raises(WaitTimeout) as caught:
        run(client, name=["SQL Agents"], state="running", wait_timeout=1)
    assert client.sent == [("SQL Agents", "start"), ("SQL Agents", "start")]
    message = str(caught.value)
    assert message.startswith("Timed out after 1 seconds waiting for the runs of job 'SQL Agents' to start or stop")
    assert "the answer to start was unclear: Server answered HTTP 503. (POST https://em/api -> HTTP 503)" in message


class SlowClient(FlipClient):
    """Each write takes a while; counts how many were in flight at once."""

    def __init__(self, *jobs):
        super(SlowClient, self).__init__(*jobs)
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = 0

    def send(self, job, action):
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(0.02)
        try:
            return super(SlowClient, self).send(job, action)
        finally:
            with self.lock:
                self.in_flight -= 1


MANY = [make_job("Job %02d" % index) for index in range(20)]


def test_concurrent_writes_send_each_job_one_write_and_stay_within_the_bound():
    client = SlowClient(*MANY)
    result, _module = run(client, all_jobs=True, state="disabled", write_concurrency=4)
    assert sorted(client.sent) == sorted((job.name, "disable") for job in MANY)
    assert client.most_in_flight == 4
    assert all(not job.enabled for job in client.jobs.values())
    assert [entry["name"] for entry in result["jobs"]] == [job.name for job in MANY]
    assert all(entry["actions"] == ["disable"] for entry in result["jobs"])


def test_after_a_refused_concurrent_write_no_further_write_starts():
    client = SlowClient(*MANY)
    client.faults = ["403"]
    module = FakeModule(all_jobs=True, state="disabled", write_concurrency=4)
    runner = runner_for(client, module)
    with pytest.raises(VeeamApiError) as caught:
        runner.run()
    assert "disable was refused" in str(caught.value)
    # The refusal came first; at most the three writes already in flight beside it were completed.
    assert len(client.sent) <= 4
    acted = [entry for entry in runner.results() if entry["actions"]]
    assert len(acted) == len(client.sent) - 1
    assert all(client.jobs[entry["id"]].enabled is False for entry in acted)


def test_a_refused_write_fails_at_once_naming_job_and_action():
    client = FlipClient(*JOBS)
    client.faults = ["403"]
    module = FakeModule(name=["SQL Agents"], state="disabled")
    runner = runner_for(client, module)
    with pytest.raises(VeeamApiError) as caught:
        runner.run()
    assert str(caught.value).startswith("Job 'SQL Agents': disable was refused: Server answered HTTP 403: Access denied.")
    assert caught.value.status == 403
    assert client.sent == [("SQL Agents", "disable")]
    assert runner.changed() is False and runner.results()[0]["actions"] == []


def test_the_client_is_closed_on_failure_too():
    client = FlipClient(*JOBS)

    class Exit(Exception):
        pass

    def fail_json(**result):
        raise Exit(result["msg"])

    module = FakeModule(name=["Missing"], state="disabled")
    module.fail_json = fail_json
    with pytest.raises(Exit) as caught:
        conclude(module, client, runner_for(client, module))
    assert client.closed is True
    assert "no job is named 'Missing'" in str(caught.value)


def test_wait_disables_every_schedule_first_and_a_timeout_leaves_them_off_naming_what_still_runs():
    client = FlipClient(make_job("Busy", running=True), make_job("Idle"))
    module = FakeModule(all_jobs=True, state="disabled", if_running="wait", wait_timeout=0.3, wait_sleep=0.05)
    notices = []
    runner = JobRunner(client, module.params, warn=module.warn, notify=notices.append, notify_every=0.1)
    with pytest.raises(WaitTimeout) as caught:
        runner.run()
    assert client.sent == [("Busy", "disable"), ("Idle", "disable")], "both schedules off before the wait"
    assert "waiting for the running sessions of job 'Busy' to end" in str(caught.value) and "'Busy' is disabled and running" in str(caught.value)
    partial = runner.partial_result()
    assert [(job["name"], job["after"]) for job in partial["jobs"]] == [
        ("Busy", dict(enabled=False, running=True)), ("Idle", dict(enabled=False, running=False))]
    assert notices and notices[0].startswith("still waiting for the running sessions of job 'Busy' to end (")
    assert "wait_timeout 0.3 s): 'Busy' is disabled and running" in notices[0]


def test_a_wait_that_ended_says_how_long_it_took_and_for_how_many_jobs():
    client = FlipClient(make_job("Busy", running=True), make_job("Idle"))
    module = FakeModule(all_jobs=True, state="disabled", if_running="stop", wait_sleep=0.05)
    result = runner_for(client, module).run()
    assert result["waited"]["jobs"] == 1 and 0 <= result["waited"]["seconds"] < 5, result["waited"]
    idle = runner_for(FlipClient(make_job("Idle")), FakeModule(all_jobs=True, state="disabled")).run()
    assert "waited" not in idle, "no wait, no word of one"


def test_a_selection_that_matches_no_manageable_job_says_so():
    result = runner_for(FlipClient(), FakeModule(all_jobs=True, state="disabled")).run()
    assert result["msg"] == "No manageable job matches the selection; nothing to do." and result["changed"] is False


def test_a_failed_run_never_claims_the_planned_state_of_a_job_it_did_not_change():
    class RefusingClient(FlipClient):
        def send(self, job, action):
            self.sent.append((job.name, action))
            raise VeeamApiError("Server answered HTTP 403: Access denied.", "POST", "https://em/api", 403)

    client = RefusingClient(make_job("First"), make_job("Second"))
    module = FakeModule(all_jobs=True, state="disabled")
    runner = runner_for(client, module)
    with pytest.raises(VeeamApiError):
        runner.run()
    partial = runner.partial_result()
    assert client.sent == [("First", "disable")], "the refusal stopped the writes"
    assert partial["changed"] is False
    assert client.jobs["first"].enabled and client.jobs["second"].enabled
    assert [(job["actions"], job["after"]["enabled"]) for job in partial["jobs"]] == [([], True), ([], True)], "as the server has them"


class LosingClient(FlipClient):
    """Every write returns a handle the client loses track of (an EM task gone with its logon session)."""

    def __init__(self, *jobs, **kwargs):
        super(LosingClient, self).__init__(*jobs)
        self.applies = kwargs.get("applies", True)

    def send(self, job, action):
        self.sent.append((job.name, action))
        if self.applies:
            self.jobs[job.id] = self.jobs[job.id]._replace(enabled=action == "enable")
        return dict(lost=True)

    def lost(self, handle):
        return handle.get("lost", False)


def test_a_write_the_client_lost_is_settled_by_the_job_showing_its_effect():
    client = LosingClient(make_job("SQL Agents"))
    result, _module = run(client, name=["SQL Agents"], state="disabled")
    assert result["changed"] is True and client.sent == [("SQL Agents", "disable")]


def test_a_lost_write_whose_job_never_shows_it_fails_clearly_and_is_not_resent():
    client = LosingClient(make_job("SQL Agents"), applies=False)
    with pytest.raises(JobModuleError) as caught:
        run(client, name=["SQL Agents"], state="disabled", wait_timeout=0.3)
    assert client.sent == [("SQL Agents", "disable")], "nothing resent"
    assert "Job 'SQL Agents': the disable was lost with the expired session" in str(caught.value) and "nothing was resent" in str(caught.value)


def test_the_runner_says_what_it_did_as_values_and_the_result_is_built_from_them():
    client = FlipClient(make_job("Busy", running=True), make_job("Idle"), make_job("Off", enabled=False))
    runner = runner_for(client, FakeModule(all_jobs=True, state="disabled", if_running="stop", wait_sleep=0.05))
    result = runner.run()
    outcome = runner.outcome()
    assert outcome.changed is True and outcome.waited["jobs"] == 1
    assert [(job.name, job.before, job.after, job.actions) for job in outcome.jobs] == [
        ("Busy", JobState(True, True), JobState(False, False), ("disable", "stop")),
        ("Idle", JobState(True, False), JobState(False, False), ("disable",)),
        ("Off", JobState(False, False), JobState(False, False), ())]
    assert [(entry["name"], entry["before"], entry["after"], entry["actions"]) for entry in result["jobs"]] == [
        (job.name, job.before._asdict(), job.after._asdict(), list(job.actions)) for job in outcome.jobs]
