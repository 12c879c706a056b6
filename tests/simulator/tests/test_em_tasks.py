"""EM job actions and the tasks they create: states, results, scoping, deletion, lag, conflicts."""

import time

import pytest

from sim_helpers import NS, idle, state_of, wait_until, xml


def act(session, job_id, action):
    answer = session.post("agents/jobs/%s?action=%s" % (job_id, action))
    assert answer.status_code == 202, answer.text
    if answer.headers["Content-Type"].startswith("application/json"):
        return answer.json()["TaskId"], answer
    return xml(answer).find(NS + "TaskId").text, answer


def result_of(answer):
    body = answer.json()
    return body["Result"]["Success"], body["Result"].get("Message")


def test_toggle_flips_schedule_enabled_when_the_task_finishes(em, sim):
    session = em(as_json=True)
    job = sim.em_job("Fileserver Backup")
    task_id, accepted = act(session, job["id"], "toggleScheduleEnabled")
    body = accepted.json()
    assert body["State"] == "Running" and body["Operation"] == "UpdateJob" and "Result" not in body
    assert body["Links"] == [{"Rel": "Delete", "Type": "Task", "Href": body["Href"]}]
    finished = session.wait_task(task_id)
    assert result_of(finished) == (True, "Ok")
    assert sim.em_job("Fileserver Backup")["enabled"] is False
    entity = session.get("agents/jobs/%s?format=Entity" % job["id"]).json()
    assert entity["ScheduleEnabled"] is False


@pytest.mark.parametrize("action, operation", [("start", "StartJob"), ("stop", "StopAgentJob"), ("retry", "RetryAgentJob"),
                                               ("toggleScheduleEnabled", "UpdateJob")])
def test_operations_by_action(em, sim, action, operation):
    _task_id, accepted = act(em(), sim.em_job("Web Frontends")["id"], action)
    assert xml(accepted).find(NS + "Operation").text == operation


def test_start_runs_a_session_to_success(em, sim):
    sim.configure(em_run_seconds=1.5)
    session = em(as_json=True)
    task_id, _accepted = act(session, sim.em_job("Fileserver Backup")["id"], "start")
    assert result_of(session.wait_task(task_id)) == (True, "Ok")
    job = sim.em_job("Fileserver Backup")
    assert job["running"] is True and job["sessions"][-1]["state"] in ("Starting", "Working")
    done = wait_until(lambda: idle(sim.em_job("Fileserver Backup")))
    assert done["sessions"][-1]["state"] == "Stopped" and done["sessions"][-1]["result"] == "Success"


def test_stop_a_running_job(em, sim):
    sim.configure(em_stop_seconds=0.2)
    session = em(as_json=True)
    task_id, _accepted = act(session, sim.em_job("Linux DB Servers")["id"], "stop")
    assert result_of(session.wait_task(task_id)) == (True, "Ok")
    assert sim.em_job("Linux DB Servers")["sessions"][-1]["state"] in ("Stopping", "Stopped")
    done = wait_until(lambda: idle(sim.em_job("Linux DB Servers")))
    assert done["sessions"][-1]["result"] == "Failed"


def test_retry_after_a_failed_run(em, sim):
    session = em(as_json=True)
    task_id, _accepted = act(session, sim.em_job("Web Frontends")["id"], "retry")
    assert result_of(session.wait_task(task_id)) == (True, "Ok")
    assert sim.em_job("Web Frontends")["sessions"][-1]["isRetry"] is True


@pytest.mark.parametrize("name, action, message", [
    ("Linux DB Servers", "start", "is already running"),
    ("Fileserver Backup", "stop", "is not running"),
    ("Finance Laptops", "start", "is disabled"),
    ("Fileserver Backup", "retry", "only after a failed run"),
])
def test_conflicts_are_accepted_and_fail_in_the_task(em, sim, name, action, message):
    session = em()
    task_id, _accepted = act(session, sim.em_job(name)["id"], action)
    finished = xml(session.wait_task(task_id))
    result = finished.find(NS + "Result")
    assert result.get("Success") == "false" and message in result.find(NS + "Message").text


def test_tasks_belong_to_their_logon_session(em, sim):
    owner, other = em(), em()
    task_id, _accepted = act(owner, sim.em_job("Fileserver Backup")["id"], "toggleScheduleEnabled")
    assert owner.get("tasks/" + task_id).status_code == 200
    assert other.get("tasks/" + task_id).status_code == 404
    assert other.delete("tasks/" + task_id).status_code == 404
    listed = owner.http.get(owner.url("tasks"), headers={"Accept": "application/json"}).json()["Tasks"]
    assert [t["TaskId"] for t in listed] == [task_id]


def test_delete_task(em, sim):
    session = em()
    sim.configure(em_task_seconds=30)
    task_id, _accepted = act(session, sim.em_job("Fileserver Backup")["id"], "toggleScheduleEnabled")
    answer = session.delete("tasks/" + task_id)
    assert answer.status_code == 204 and answer.content == b""
    assert session.get("tasks/" + task_id).status_code == 404
    assert sim.em_job("Fileserver Backup")["enabled"] is True  # a deleted running task is cancelled


def test_task_finishes_after_polls(em, sim):
    sim.configure(em_task_polls=2, em_task_seconds=0)
    session = em()
    task_id, _accepted = act(session, sim.em_job("Fileserver Backup")["id"], "toggleScheduleEnabled")
    time.sleep(0.1)
    states = [state_of(session.get("tasks/" + task_id)) for _poll in range(4)]
    assert states == ["Running", "Running", "Finished", "Finished"]


def test_operation_finished_is_shown_once(em, sim):
    sim.configure(em_task_polls=1, em_operation_finished=True)
    session = em(as_json=True)
    task_id, _accepted = act(session, sim.em_job("Fileserver Backup")["id"], "toggleScheduleEnabled")
    states = [state_of(session.get("tasks/" + task_id)) for _poll in range(4)]
    assert states == ["Running", "OperationFinished", "Finished", "Finished"]
    assert sim.em_job("Fileserver Backup")["enabled"] is False


def test_schedule_enabled_lags_behind_the_finished_task(em, sim):
    sim.configure(em_flag_lag_seconds=2)
    session = em(as_json=True)
    job_id = sim.em_job("Fileserver Backup")["id"]
    task_id, _accepted = act(session, job_id, "toggleScheduleEnabled")
    assert result_of(session.wait_task(task_id)) == (True, "Ok")
    assert session.get("agents/jobs/%s?format=Entity" % job_id).json()["ScheduleEnabled"] is True
    wait_until(lambda: session.get("agents/jobs/%s?format=Entity" % job_id).json()["ScheduleEnabled"] is False)
    assert sim.em_job("Fileserver Backup")["enabled"] is False


def test_unknown_action_and_job(em, sim):
    session = em()
    assert session.post("agents/jobs/%s?action=explode" % sim.em_job("Fileserver Backup")["id"]).status_code == 400
    assert session.post("agents/jobs/%s" % sim.em_job("Fileserver Backup")["id"]).status_code == 400
    assert session.post("agents/jobs/00000000-0000-0000-0000-000000000000?action=start").status_code == 404
    assert session.get("tasks/task-999").status_code == 404
