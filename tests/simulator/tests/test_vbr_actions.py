"""VBR REST API: POST /api/v1/jobs/{id}/enable|disable|start|stop per revision; refusals."""

import pytest

from sim_helpers import idle, wait_until

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize("revision, status, body", [("1.2-rev1", 200, b"{}"), ("1.3-rev1", 204, b"")])
def test_enable_and_disable_per_revision(vbr, sim, revision, status, body):
    session = vbr(revision)
    job_id = session.job_id("VMware Production VMs")
    answer = session.post("v1/jobs/%s/disable" % job_id)
    assert (answer.status_code, answer.content) == (status, body)
    assert sim.vbr_job("VMware Production VMs")["enabled"] is False
    assert session.get("v1/jobs/" + job_id).json()["isDisabled"] is True
    assert session.state("VMware Production VMs")["status"].lower() == "disabled"
    again = session.post("v1/jobs/%s/disable" % job_id)
    assert again.status_code == status  # idempotent: no conflict status is documented
    assert session.post("v1/jobs/%s/enable" % job_id).status_code == status
    assert sim.vbr_job("VMware Production VMs")["enabled"] is True


def test_start_runs_a_session_that_ends(vbr, sim):
    sim.configure(vbr_run_seconds=0.6)
    session = vbr()
    job_id = session.job_id("Hyper-V Hosts")
    answer = session.post("v1/jobs/%s/start" % job_id, json={"performActiveFull": True})
    assert answer.status_code == 201
    started = answer.json()
    assert started["state"] == "Starting" and started["jobId"] == job_id and started["sessionType"] == "BackupJob"
    assert started["result"] == {"result": "None", "message": "", "isCanceled": False} and "endTime" not in started
    wait_until(lambda: session.get("v1/sessions/" + started["id"]).json()["state"] == "Working")
    assert session.state("Hyper-V Hosts")["status"] == "Running"
    assert session.state("Hyper-V Hosts")["sessionId"] == started["id"]
    done = wait_until(lambda: idle(sim.vbr_job("Hyper-V Hosts")))
    assert done["sessions"][-1]["activeFull"] is True and done["lastResult"] == "Success"
    ended = session.get("v1/sessions/" + started["id"]).json()
    assert ended["state"] == "Stopped" and ended["result"]["result"] == "Success" and ended["progressPercent"] == 100
    assert ended["endTime"] > ended["creationTime"] and ended["usn"] > started["usn"]
    state = session.state("Hyper-V Hosts")
    assert state["status"] == "Inactive" and state["lastResult"] == "Success" and state["progressPercent"] == 100


def test_start_without_body_and_session_types(vbr, sim):
    session = vbr()
    copy = session.post("v1/jobs/%s/start" % session.job_id("Offsite Backup Copy"))
    assert copy.status_code == 201 and copy.json()["sessionType"] == "BackupCopyJob"
    agent = session.post("v1/jobs/%s/start" % session.job_id("Linux App Servers"), json={"performActiveFull": False, "startChainedJobs": True})
    assert agent.status_code == 201 and agent.json()["sessionType"] == "AgentBackup" and agent.json()["platformName"] == "LinuxPhysical"
    assert sim.vbr_job("Linux App Servers")["sessions"][-1]["activeFull"] is False


@pytest.mark.parametrize("graceful", [True, False])
def test_stop_a_running_job(vbr, sim, graceful):
    sim.configure(vbr_stop_seconds=0.3)
    session = vbr()
    job_id = session.job_id("SQL Cluster VMs")
    answer = session.post("v1/jobs/%s/stop" % job_id, json={"gracefulStop": graceful})
    assert answer.status_code == 201
    stopping = answer.json()
    assert stopping["state"] == "Stopping" and stopping["id"] == sim.vbr_job("SQL Cluster VMs")["sessions"][-1]["id"]
    assert session.state("SQL Cluster VMs")["status"] == "Stopping"
    assert vbr("1.2-rev1").state("SQL Cluster VMs")["status"] == "running"
    assert session.post("v1/jobs/%s/stop" % job_id).status_code == 201  # a second stop while stopping is accepted
    wait_until(lambda: idle(sim.vbr_job("SQL Cluster VMs")))
    ended = session.get("v1/sessions/" + stopping["id"]).json()
    assert ended["state"] == "Stopped"
    assert ended["result"] == {"result": "Failed", "message": "Job has been stopped by user.", "isCanceled": True}


def test_refusals(vbr, sim):
    session = vbr()
    disabled = session.post("v1/jobs/%s/start" % session.job_id("Test Lab VMs"), json={"performActiveFull": False})
    assert disabled.status_code == 400 and disabled.json()["resourceId"] == session.job_id("Test Lab VMs")
    running = session.post("v1/jobs/%s/start" % session.job_id("SQL Cluster VMs"))
    assert running.status_code == 400 and running.json()["message"] == "Job 'SQL Cluster VMs' is already running."
    not_running = session.post("v1/jobs/%s/stop" % session.job_id("VMware Production VMs"))
    assert not_running.status_code == 400 and not_running.json()["errorCode"] == "UnknownError"
    for action in ("start", "stop", "enable", "disable"):
        missing = session.post("v1/jobs/%s/%s" % (MISSING, action))
        assert missing.status_code == 404 and missing.json()["resourceId"] == MISSING
    assert len(sim.vbr_job("Test Lab VMs")["sessions"]) == 1


@pytest.mark.parametrize("kwargs", [
    {"json": {}},
    {"json": {"performActiveFull": "yes"}},
    {"json": [True]},
    {"json": {"performActiveFull": False, "startChainedJobs": 1}},
    {"data": "performActiveFull=true", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
    {"data": "{not json", "headers": {"Content-Type": "application/json"}},
])
def test_malformed_start_bodies_are_400(vbr, sim, kwargs):
    session = vbr()
    answer = session.post("v1/jobs/%s/start" % session.job_id("VMware Production VMs"), **kwargs)
    assert answer.status_code == 400 and answer.json()["errorCode"] == "UnexpectedContent"
    assert sim.vbr_job("VMware Production VMs")["running"] is False


def test_stop_body_needs_graceful_stop(vbr, sim):
    session = vbr()
    assert session.post("v1/jobs/%s/stop" % session.job_id("SQL Cluster VMs"), json={"cancelChainedJobs": True}).status_code == 400
    assert sim.vbr_job("SQL Cluster VMs")["running"] is True


def test_disabling_a_running_job_does_not_stop_it(vbr, sim):
    """The job keeps running; its state says Disabled (README, VBR assumption 9), naming the live session."""
    session = vbr()
    assert session.post("v1/jobs/%s/disable" % session.job_id("SQL Cluster VMs")).status_code == 204
    assert sim.vbr_job("SQL Cluster VMs")["running"] is True
    state = session.state("SQL Cluster VMs")
    assert state["status"] == "Disabled" and state["lastResult"] == "None"
    assert state["sessionId"] == sim.vbr_job("SQL Cluster VMs")["sessions"][-1]["id"]
