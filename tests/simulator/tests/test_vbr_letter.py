"""VBR REST API details the vendor documents fix per revision: chained jobs (JobStateModel.runAfterJob and
JobStopSpec.cancelChainedJobs from 1.3-rev0), JobModel without isDisabled (optional from 1.3-rev2), the session states a
running job may be in (ESessionState, ActionRequired from 1.3-rev2), and the 13.1 job types without a JobModel."""

import time

import pytest

from sim_helpers import idle, wait_until

CHAIN = {"vbr": {"jobs": [
    {"name": "Parent", "running": True, "lastResult": "Success"},
    {"name": "Child", "runAfter": "Parent", "lastResult": "Success"},
    {"name": "Grandchild", "runAfter": "Child", "lastResult": "Success"},
    {"name": "Alone", "lastResult": "Success"},
]}}


def sessions(sim, name):
    return len(sim.vbr_job(name)["sessions"])


@pytest.mark.parametrize("revision, shown", [("1.1-rev0", False), ("1.2-rev1", False), ("1.3-rev0", True), ("1.3-rev2", True)])
def test_run_after_job_is_in_the_job_states_from_1_3_rev0(vbr, sim, revision, shown):
    sim.reset(CHAIN)
    session = vbr(revision)
    child = session.state("Child")
    if shown:
        assert child["runAfterJob"] == {"jobId": sim.vbr_job("Parent")["id"], "jobName": "Parent"}
        assert session.state("Grandchild")["runAfterJob"]["jobName"] == "Child"
    else:
        assert "runAfterJob" not in child
    assert "runAfterJob" not in session.state("Parent") and "runAfterJob" not in session.state("Alone")
    assert sim.vbr_job("Child")["runAfter"] == sim.vbr_job("Parent")["id"] and sim.vbr_job("Parent")["runAfter"] is None


def test_a_scheduled_session_that_is_stopped_starts_the_chain_unless_cancel_chained_jobs(vbr, sim):
    sim.configure(vbr_run_seconds=0.2, vbr_stop_seconds=0.05)
    sim.reset(CHAIN)
    session = vbr("1.3-rev2")
    assert session.post("v1/jobs/%s/stop" % session.job_id("Parent"), json={"gracefulStop": True}).status_code == 201
    wait_until(lambda: sessions(sim, "Grandchild") == 2 and idle(sim.vbr_job("Grandchild")))  # the whole chain ran
    assert sessions(sim, "Child") == 2 and sessions(sim, "Alone") == 1

    sim.reset(CHAIN)
    session = vbr("1.3-rev2")
    answer = session.post("v1/jobs/%s/stop" % session.job_id("Parent"), json={"gracefulStop": True, "cancelChainedJobs": True})
    assert answer.status_code == 201
    wait_until(lambda: idle(sim.vbr_job("Parent")))
    time.sleep(0.3)  # longer than a chained run would take to start and end
    assert sessions(sim, "Child") == 1 and not sim.vbr_job("Child")["running"]
    assert sim.vbr_job("Parent")["sessions"][-1]["isCanceled"] is True


def test_cancel_chained_jobs_is_ignored_where_job_stop_spec_lacks_it(vbr, sim):
    sim.configure(vbr_run_seconds=0.2, vbr_stop_seconds=0.05)
    sim.reset(CHAIN)
    session = vbr("1.2-rev1")
    assert session.post("v1/jobs/%s/stop" % session.job_id("Parent"), json={"gracefulStop": True, "cancelChainedJobs": True}).status_code == 201
    wait_until(lambda: sessions(sim, "Child") == 2)  # 12.3.1 cannot cancel the chain: the field is not its JobStopSpec's


def test_a_disabled_chained_job_does_not_start_and_a_rest_start_starts_the_chain_only_when_asked(vbr, sim):
    sim.configure(vbr_run_seconds=0.2, vbr_stop_seconds=0.05)
    sim.reset(CHAIN)
    session = vbr("1.3-rev1")
    assert session.post("v1/jobs/%s/disable" % session.job_id("Child")).status_code == 204
    session.post("v1/jobs/%s/stop" % session.job_id("Parent"), json={"gracefulStop": False})
    wait_until(lambda: idle(sim.vbr_job("Parent")))
    assert session.post("v1/jobs/%s/start" % session.job_id("Parent"), json={"performActiveFull": False}).status_code == 201
    wait_until(lambda: idle(sim.vbr_job("Parent")) and sessions(sim, "Parent") == 3)
    assert sessions(sim, "Child") == 1, "disabled: it did not start after either session"
    assert session.post("v1/jobs/%s/enable" % session.job_id("Child")).status_code == 204
    assert session.post("v1/jobs/%s/start" % session.job_id("Parent"), json={"performActiveFull": False}).status_code == 201
    wait_until(lambda: idle(sim.vbr_job("Parent")) and sessions(sim, "Parent") == 4)
    assert sessions(sim, "Child") == 1, "a REST start without startChainedJobs does not start the chain"
    assert session.post("v1/jobs/%s/start" % session.job_id("Parent"),
                        json={"performActiveFull": False, "startChainedJobs": True}).status_code == 201
    wait_until(lambda: sessions(sim, "Grandchild") == 2)


@pytest.mark.parametrize("bad, message", [
    ({"name": "A", "runAfter": "Nobody"}, "runAfter must name exactly one other job"),
    ({"name": "A", "runAfter": "A"}, "runAfter must name exactly one other job"),
    ({"name": "A", "sessionState": "WaitingTape"}, "sessionState (of a running job's session)"),
    ({"name": "A", "running": True, "sessionState": "Stopped"}, "sessionState (of a running job's session)"),
])
def test_chain_and_session_state_keys_are_validated(sim, bad, message):
    answer = sim.session.post(sim.vbr_url.replace("/api/", "/_sim/reset"), json={"vbr": {"jobs": [bad, {"name": "B"}]}})
    assert answer.status_code == 400 and message in answer.json()["error"], answer.text


def test_a_loop_of_run_after_is_refused(sim):
    loop = {"vbr": {"jobs": [{"name": "A", "runAfter": "B"}, {"name": "B", "runAfter": "A"}]}}
    answer = sim.session.post(sim.vbr_url.replace("/api/", "/_sim/reset"), json=loop)
    assert answer.status_code == 400 and "chain is a loop" in answer.json()["error"]


@pytest.mark.parametrize("revision, flag_shown", [("1.3-rev1", True), ("1.3-rev2", False)])
def test_omit_is_disabled_leaves_the_flag_out_only_where_job_model_does_not_require_it(vbr, sim, revision, flag_shown):
    sim.reset({"vbr": {"omit_is_disabled": True, "jobs": [{"name": "On"}, {"name": "Off", "enabled": False}]}})
    session = vbr(revision)
    listed = {job["name"]: job for job in session.get("v1/jobs").json()["data"]}
    one = session.get("v1/jobs/" + session.job_id("Off")).json()
    assert ("isDisabled" in listed["On"], "isDisabled" in listed["Off"], "isDisabled" in one) == (flag_shown,) * 3
    assert session.state("Off")["status"] == "Disabled" and session.state("On")["status"] == "Inactive"
    assert sim.session.post(sim.vbr_url.replace("/api/", "/_sim/reset"), json={"vbr": {"omit_is_disabled": "yes"}}).status_code == 400


@pytest.mark.parametrize("revision, shown", [("1.3-rev1", "Working"), ("1.3-rev2", "ActionRequired")])
def test_a_running_job_in_any_session_state_and_action_required_only_where_the_enum_has_it(vbr, sim, revision, shown):
    sim.reset({"vbr": {"jobs": [{"name": "Queued", "running": True, "sessionState": "WaitingRepository"},
                                {"name": "Asking", "running": True, "sessionState": "ActionRequired", "enabled": False}]}})
    sim.configure(vbr_stop_seconds=0.05)
    session = vbr(revision)
    queued = session.get("v1/sessions/" + session.state("Queued")["sessionId"]).json()
    asking = session.get("v1/sessions/" + session.state("Asking")["sessionId"]).json()
    assert (queued["state"], asking["state"]) == ("WaitingRepository", shown)
    assert session.state("Queued")["status"] == "Running" and session.state("Asking")["status"] == "Disabled"
    by_state = session.get("v1/sessions", params={"stateFilter": shown}).json()["data"]
    assert [s["name"] for s in by_state] == ["Asking"]
    assert session.post("v1/jobs/%s/stop" % session.job_id("Queued"), json={"gracefulStop": True}).status_code == 201
    wait_until(lambda: idle(sim.vbr_job("Queued")))


@pytest.mark.parametrize("revision, types", [("1.2-rev1", {}), ("1.3-rev1", {"Nutanix": "Unknown", "Proxmox": "Unknown"}),
                                             ("1.3-rev2", {"Nutanix": "NutanixAHVBackupJob", "Proxmox": "ProxmoxBackupJob"})])
def test_nutanix_and_proxmox_jobs_are_only_in_the_job_states(vbr, sim, revision, types):
    sim.reset({"vbr": {"jobs": [{"name": "VMs"}, {"name": "Nutanix", "type": "NutanixAHVBackupJob"},
                                {"name": "Proxmox", "type": "ProxmoxBackupJob", "enabled": False}]}})
    session = vbr(revision)
    states = {state["name"]: state["type"] for state in session.get("v1/jobs/states").json()["data"]}
    assert {name: kind for name, kind in states.items() if name != "VMs"} == types
    assert [job["name"] for job in session.get("v1/jobs").json()["data"]] == ["VMs"]
    assert session.get("v1/jobs/" + sim.vbr_job("Nutanix")["id"]).status_code == 404
