"""VB365 actions in both dialects, conflicts, and the session lifecycle they cause."""

import pytest

from sim_helpers import idle, wait_until

SEED_JOB = "3396ba22-21b1-4666-a631-0edfc12a59cd"


@pytest.mark.parametrize("version", ["v2", "v3", "v4", "v5"])
def test_action_endpoint_round_trip(vb, sim, version):
    session = vb(version)
    sim.configure(vb365_run_seconds=5, vb365_stop_seconds=0.1)
    job_id = session.job_id("Exchange Online Daily")
    for action, check in (("disable", lambda j: not j["isEnabled"]), ("enable", lambda j: j["isEnabled"]),
                          ("start", lambda j: j["running"]), ("stop", lambda j: j["running"])):
        answer = session.post("Jobs/%s/Action" % job_id, json={action: None})
        assert answer.status_code == 200 and answer.content == b"", answer.text
        assert answer.headers["Content-Length"] == "0"
        assert check(sim.vb365_job("Exchange Online Daily"))
    wait_until(lambda: sim.vb365_job("Exchange Online Daily")["lastStatus"] == "Stopped")


@pytest.mark.parametrize("body", ['{"enable": null, "start": null}', '{"enable": true}', '{"pause": null}', '[]', '{', '"start"'])
def test_action_endpoint_rejects_anything_but_one_null_action(vb, sim, body):
    session = vb("v4")
    answer = session.post("Jobs/%s/Action" % session.job_id("Exchange Online Daily"), data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert set(answer.json()) == {"message"}
    assert sim.writes()  # logged as a write attempt
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is True


def test_action_endpoint_needs_json_content_type(vb):
    session = vb("v2")
    answer = session.post("Jobs/%s/Action" % session.job_id("Exchange Online Daily"), data='{"disable": null}',
                          headers={"Content-Type": "text/plain"})
    assert answer.status_code == 415


def test_action_endpoint_exists_only_up_to_v5(vb):
    session = vb("v6")
    assert session.post("Jobs/%s/Action" % session.job_id("Exchange Online Daily"), json={"disable": None}).status_code == 404


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
def test_per_action_endpoints(vb, sim, version):
    sim.configure(vb365_run_seconds=5, vb365_stop_seconds=0.1)
    session = vb(version)
    job_id = session.job_id("Exchange Online Daily")
    assert session.post("Jobs/%s/disable" % job_id).status_code == 204
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is False
    assert session.post("Jobs/%s/enable" % job_id).status_code == 204
    started = session.post("Jobs/%s/start" % job_id, json={"full": False})
    if version == "v8":
        assert started.status_code == 200
        body = started.json()
        assert body["status"] == "Running" and body["jobId"] == job_id and body["endTime"] is None
        assert body["jobSessionConfigType"] == "Incremental"
    else:
        assert started.status_code == 204 and started.content == b""
    job = sim.vb365_job("Exchange Online Daily")
    assert job["running"] is True and job["lastStatus"] == "Running"
    assert session.post("Jobs/%s/stop" % job_id).status_code == 204
    final = wait_until(lambda: idle(sim.vb365_job("Exchange Online Daily")))
    assert final["lastStatus"] == "Stopped" and final["sessions"][-1]["status"] == "Stopped"


def test_start_accepts_an_empty_body_and_full(vb, sim):
    session = vb("v6")
    assert session.post("Jobs/%s/start" % session.job_id("Exchange Online Daily")).status_code == 204
    assert session.post("Jobs/%s/start" % session.job_id("SharePoint Sites"), json={"full": True}).status_code == 204
    assert session.post("Jobs/%s/start" % session.job_id("OneDrive for Business"), json={"full": "yes"}).status_code == 400
    assert sim.vb365_job("OneDrive for Business")["running"] is False


def test_session_ends_success_after_run_seconds(vb, sim):
    sim.configure(vb365_run_seconds=0.2)
    session = vb("v8")
    started = session.post("Jobs/%s/start" % session.job_id("SharePoint Sites"), json={"full": False}).json()
    wait_until(lambda: session.get("JobSessions/" + started["id"]).json()["status"] != "Running")
    done = session.get("JobSessions/" + started["id"]).json()
    assert done["status"] == "Success" and done["endTime"] > done["creationTime"]
    job = session.get("Jobs/%s" % session.job_id("SharePoint Sites")).json()
    assert job["lastStatus"] == "Success" and job["lastBackup"] == done["endTime"]


@pytest.mark.parametrize("version, name, action, message", [
    ("v8", "Exchange Online Daily", "enable", "is already enabled"),
    ("v8", "Exchange Archive Mailboxes", "disable", "is already disabled"),
    ("v8", "Teams and Groups", "start", "is already running"),
    ("v8", "Exchange Archive Mailboxes", "start", "is disabled"),
    ("v8", "Exchange Online Daily", "stop", "is not running"),
    ("v7", "Exchange Online Daily", "stop", "is not running"),
    ("v3", "Exchange Online Daily", "enable", "is already enabled"),
])
def test_conflicting_actions_are_409(vb, version, name, action, message):
    session = vb(version)
    job_id = session.job_id(name)
    if int(version[1:]) <= 5:
        answer = session.post("Jobs/%s/Action" % job_id, json={action: None})
    else:
        answer = session.post("Jobs/%s/%s" % (job_id, action), json={"full": False} if action == "start" else None)
    assert answer.status_code == 409
    body = answer.json()
    assert message in body["message"]
    if version == "v8":
        assert body["errorCode"] == "OperationConflict"


def test_disabling_a_running_job_leaves_it_running(vb, sim):
    session = vb("v8")
    assert session.post("Jobs/%s/disable" % session.job_id("Teams and Groups")).status_code == 204
    job = sim.vb365_job("Teams and Groups")
    assert job["isEnabled"] is False and job["running"] is True


def test_etag_changes_when_the_job_is_modified(vb):
    session = vb("v8")
    job_id = session.job_id("Exchange Online Daily")
    before = session.get("Jobs/" + job_id).json()["eTag"]
    session.post("Jobs/%s/disable" % job_id)
    assert session.get("Jobs/" + job_id).json()["eTag"] == before + 1


def test_unknown_job_action_is_404(vb):
    assert vb("v8").post("Jobs/%s/enable" % SEED_JOB).status_code == 404
    assert vb("v2").post("Jobs/%s/Action" % SEED_JOB, json={"enable": None}).status_code == 404
