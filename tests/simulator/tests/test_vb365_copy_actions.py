"""VB365 backup copy job actions (v6-v8): enable, disable, stop, start (each version's answer and body), conflicts, the session
lifecycle, copy sessions in the session lists (jobType, the jobId and jobType filters; none before v6) and faults on copy jobs."""

import time

import pytest

from sim_helpers import copy_start_body as start_body, idle, wait_until

NAME = "Exchange Online Daily Copy"
MISSING = "00000000-0000-0000-0000-000000000000"


def check_start_answer(version, answer, copy_id):
    """v6 and v7: 204 without a body; v8: 200 with the new session."""
    if version != "v8":
        assert answer.status_code == 204 and answer.content == b""
        return
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["jobId"], body["jobType"], body["endTime"]) == ("Running", copy_id, "Copy", None)
    assert body["_links"]["job"]["href"] == "/v8/CopyJobs/" + copy_id and body["jobSessionConfigType"] == "Incremental"


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
def test_per_action_endpoints(vb, sim, version):
    sim.configure(vb365_run_seconds=5, vb365_stop_seconds=0.1)
    session = vb(version)
    copy_id = session.copy_job_id(NAME)
    before = sim.vb365_copy_job(NAME)
    assert session.post("CopyJobs/%s/disable" % copy_id).status_code == 204
    assert sim.vb365_copy_job(NAME)["isEnabled"] is False
    assert session.post("CopyJobs/%s/enable" % copy_id).status_code == 204
    assert sim.vb365_copy_job(NAME)["eTag"] == before["eTag"] + 2
    check_start_answer(version, session.post("CopyJobs/%s/start" % copy_id, json=start_body(version)), copy_id)
    job = sim.vb365_copy_job(NAME)
    assert job["running"] is True and job["lastStatus"] == "Running"
    assert sim.vb365_job("Exchange Online Daily")["running"] is False  # its backup job does not run
    assert session.post("CopyJobs/%s/stop" % copy_id).status_code == 204
    final = wait_until(lambda: idle(sim.vb365_copy_job(NAME)))
    assert final["lastStatus"] == "Stopped" and final["sessions"][-1]["status"] == "Stopped"


@pytest.mark.parametrize("version, body, status, config", [
    ("v6", None, 204, "Incremental"), ("v6", {"full": True}, 204, "Full"), ("v7", None, 204, "Incremental"),
    ("v7", {"full": True}, 204, "Incremental"), ("v8", None, 200, "Incremental"), ("v8", {"full": True}, 200, "Incremental"),
])
def test_start_bodies_are_taken_leniently(vb, sim, version, body, status, config):
    """v6 without its body starts an incremental run; v7 and v8 ignore a body (their start takes none)."""
    session = vb(version)
    copy_id = session.copy_job_id(NAME)
    assert session.post("CopyJobs/%s/start" % copy_id, json=body).status_code == status
    backup_id = vb("v8").job_id("Exchange Online Daily")
    running = vb("v8").get("JobSessions", params={"jobId": backup_id, "jobType": "Copy", "status": "Running"}).json()["results"]
    assert [s["jobSessionConfigType"] for s in running] == [config]


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
@pytest.mark.parametrize("body", ['{"full": "yes"}', "[]", "{"])
def test_a_malformed_start_body_is_400(vb, sim, version, body):
    session = vb(version)
    answer = session.post("CopyJobs/%s/start" % session.copy_job_id(NAME), data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert sim.vb365_copy_job(NAME)["running"] is False


def test_a_start_body_that_is_not_json_is_415(vb, sim):
    session = vb("v6")
    answer = session.post("CopyJobs/%s/start" % session.copy_job_id(NAME), data="full", headers={"Content-Type": "text/plain"})
    assert answer.status_code == 415 and sim.vb365_copy_job(NAME)["running"] is False


@pytest.mark.parametrize("version, name, action, message", [
    ("v8", NAME, "enable", "Backup copy job 'Exchange Online Daily Copy' is already enabled."),
    ("v8", "SharePoint Sites Copy", "disable", "Backup copy job 'SharePoint Sites Copy' is already disabled."),
    ("v8", "SharePoint Sites Copy", "start", "Backup copy job 'SharePoint Sites Copy' is disabled and cannot be started."),
    ("v7", NAME, "stop", "Backup copy job 'Exchange Online Daily Copy' is not running."),
    ("v6", NAME, "stop", "Backup copy job 'Exchange Online Daily Copy' is not running."),
])
def test_conflicting_actions_are_409(vb, sim, version, name, action, message):
    session = vb(version)
    answer = session.post("CopyJobs/%s/%s" % (session.copy_job_id(name), action), json=start_body(version) if action == "start" else None)
    assert answer.status_code == 409
    body = answer.json()
    assert body["message"] == message
    assert body.get("errorCode", "absent") == {"v6": "absent", "v7": None, "v8": "OperationConflict"}[version]
    assert sim.vb365_copy_job(name)["eTag"] == 1


def test_starting_a_running_copy_job_is_409(vb, sim):
    sim.configure(vb365_run_seconds=5)
    session = vb("v8")
    copy_id = session.copy_job_id(NAME)
    assert session.post("CopyJobs/%s/start" % copy_id).status_code == 200
    again = session.post("CopyJobs/%s/start" % copy_id)
    assert again.status_code == 409 and again.json()["message"] == "Backup copy job '%s' is already running." % NAME
    assert len(sim.vb365_copy_job(NAME)["sessions"]) == 2


def test_actions_on_unknown_or_other_kind_ids_are_404(vb, sim):
    session = vb("v8")
    assert session.post("CopyJobs/%s/enable" % MISSING).status_code == 404
    assert session.post("CopyJobs/%s/disable" % session.job_id("Exchange Online Daily")).status_code == 404
    assert session.post("Jobs/%s/disable" % session.copy_job_id(NAME)).status_code == 404
    assert session.post("CopyJobs/not-a-guid/stop").status_code == 400
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is True and sim.vb365_copy_job(NAME)["isEnabled"] is True


def test_a_started_copy_session_ends_success_and_sets_last_backup(vb, sim):
    sim.configure(vb365_run_seconds=0.2)
    session = vb("v8")
    copy_id = session.copy_job_id(NAME)
    started = session.post("CopyJobs/%s/start" % copy_id).json()
    wait_until(lambda: session.get("JobSessions/" + started["id"]).json()["status"] != "Running")
    done = session.get("JobSessions/" + started["id"]).json()
    assert done["status"] == "Success" and done["jobType"] == "Copy" and done["endTime"] > done["creationTime"]
    job = session.get("CopyJobs/" + copy_id).json()
    assert job["lastStatus"] == "Success" and job["lastBackup"] == done["endTime"] and job["lastRun"] == done["creationTime"]
    assert done["repositoryId"] == job["repositoryId"]


def test_a_running_copy_job_of_the_scenario_runs_until_stopped(vb, sim):
    sim.reset({"vb365": {"jobs": [{"name": "A"}], "copy_jobs": [{"name": "A Copy", "backupJob": "A", "running": True}]}})
    sim.configure(vb365_run_seconds=0.05)
    time.sleep(0.2)
    job = sim.vb365_copy_job("A Copy")
    assert job["running"] is True and job["lastStatus"] == "Running" and [s["status"] for s in job["sessions"]] == ["Success", "Running"]
    assert vb("v7").post("CopyJobs/%s/stop" % job["id"]).status_code == 204
    assert wait_until(lambda: idle(sim.vb365_copy_job("A Copy")))["lastStatus"] == "Stopped"


# -- sessions ----------------------------------------------------------------------------------------------


def session_ids(sim, kind):
    return {s["id"] for job in sim.state()["vb365"][kind] for s in job["sessions"]}


def test_copy_sessions_in_the_v8_list_name_their_copy_job(vb, sim):
    session = vb("v8")
    copy_id, backup_id = session.copy_job_id(NAME), session.job_id("Exchange Online Daily")
    listed = session.get("JobSessions", params={"limit": 100}).json()["results"]
    copies = {s["jobId"] for s in listed if s["jobType"] == "Copy"}
    assert copies == {job["id"] for job in sim.state()["vb365"]["copy_jobs"]}
    assert {s["jobType"] for s in listed if s["jobId"] == backup_id} == {"Backup"}
    # The jobId filter takes the backup job's id (the v8 document, #/paths/~1v8~1JobSessions/get/parameters/0).
    own = session.get("JobSessions", params={"jobId": backup_id, "jobType": "Copy"}).json()["results"]
    assert [(s["jobId"], s["jobType"], s["status"]) for s in own] == [(copy_id, "Copy", "Success")]
    assert own[0]["_links"]["job"]["href"] == "/v8/CopyJobs/" + copy_id
    assert own[0]["repositoryId"] == session.get("CopyJobs/" + copy_id).json()["repositoryId"]
    assert {s["jobType"] for s in session.get("JobSessions", params={"jobId": backup_id, "jobType": "Backup"}).json()["results"]} == {"Backup"}
    one = session.get("JobSessions/" + own[0]["id"]).json()
    assert one == own[0]


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
def test_job_type_filter(vb, sim, version):
    session = vb(version)

    def ids(**params):
        return {s["id"] for s in session.get("JobSessions", params=dict(params, limit=1000)).json()["results"]}

    copies, backups = session_ids(sim, "copy_jobs"), session_ids(sim, "jobs")
    assert copies and ids() == copies | backups
    assert ids(jobType="Copy") == copies
    assert ids(jobType="backup") == backups  # enum values bind case-insensitively, as ASP.NET does
    refused = session.get("JobSessions", params={"jobType": "Replica"})
    assert refused.status_code == 400 and "jobType" in refused.json()["message"]
    if version != "v6":
        backup_id = session.job_id("Exchange Online Daily")
        own_copies = {s["id"] for s in sim.vb365_copy_job(NAME)["sessions"]}
        own_backups = {s["id"] for s in sim.vb365_job("Exchange Online Daily")["sessions"]}
        assert ids(jobType="Copy", jobId=backup_id) == own_copies and ids(jobType="Backup", jobId=backup_id) == own_backups


def test_v7_copy_sessions_have_a_job_type_but_no_job_id(vb, sim):
    session = vb("v7")
    own = session.get("JobSessions", params={"jobId": session.job_id("Exchange Online Daily"), "jobType": "Copy"}).json()["results"]
    assert len(own) == 1 and own[0]["jobType"] == "Copy" and "jobId" not in own[0]


@pytest.mark.parametrize("version", ["v7", "v8"])
def test_the_job_id_filter_is_the_backup_jobs_id(vb, sim, version):
    """vb365_rest_v7.json and v8 #/paths/~1vN~1JobSessions/get/parameters/0: jobId is "the identification number of the backup
    job". A backup job's id matches its own sessions and its copy job's (oldest first); a copy job's id matches none."""
    session = vb(version)
    backup_id, copy_id = session.job_id("Exchange Online Daily"), session.copy_job_id(NAME)
    expected = sim.vb365_job("Exchange Online Daily")["sessions"] + sim.vb365_copy_job(NAME)["sessions"]
    both = session.get("JobSessions", params={"jobId": backup_id, "limit": 100}).json()["results"]
    assert {s["id"] for s in both} == {s["id"] for s in expected} and {s["jobType"] for s in both} == {"Backup", "Copy"}
    assert [s["creationTime"] for s in both] == sorted(s["creationTime"] for s in both)
    assert session.get("JobSessions", params={"jobId": copy_id}).json()["results"] == []
    assert session.get("JobSessions", params={"jobId": copy_id, "jobType": "Copy"}).json()["results"] == []
    link = session.get("CopyJobs/" + copy_id).json()["_links"]["jobsessions"]["href"]
    assert link == "/%s/JobSessions?jobId=%s&jobType=Copy" % (version, backup_id)
    linked = session.get(link.split("/", 2)[2]).json()["results"]
    assert [s["id"] for s in linked] == [s["id"] for s in sim.vb365_copy_job(NAME)["sessions"]]


def test_v6_lists_copy_sessions_without_naming_their_job(vb, sim):
    session = vb("v6")
    copy = sim.vb365_copy_job(NAME)
    one = session.get("JobSessions/" + copy["sessions"][0]["id"]).json()
    assert "jobType" not in one and "jobId" not in one and one["_links"]["job"]["href"] == "/v6/CopyJobs/" + copy["id"]
    assert session.get("Jobs/%s/JobSessions" % copy["id"]).status_code == 404  # per-job sessions are a backup job's
    per_job = session.get("Jobs/%s/JobSessions" % session.job_id("Exchange Online Daily")).json()["results"]
    assert per_job and copy["sessions"][0]["id"] not in {s["id"] for s in per_job}


@pytest.mark.parametrize("version", ["v2", "v5"])
def test_copy_sessions_are_not_shown_before_v6(vb, sim, version):
    session = vb(version)
    copy_session = sim.vb365_copy_job(NAME)["sessions"][0]["id"]
    listed = {s["id"] for s in session.get("JobSessions").json()}
    assert listed == session_ids(sim, "jobs")
    assert session.get("JobSessions/" + copy_session).status_code == 404
    assert {s["id"] for s in session.get("JobSessions", params={"jobType": "Copy"}).json()} == listed  # no jobType before v6


# -- faults ------------------------------------------------------------------------------------------------


def test_task_fail_and_task_stuck_on_copy_job_starts(vb, sim):
    sim.configure(vb365_run_seconds=0.2)
    session = vb("v8")
    sim.inject("task_fail", api="vb365", method="POST", path="/CopyJobs/[^/]+/start$", message="The archive repository is offline.")
    assert session.get("CopyJobs").status_code == 200 and len(sim.faults()) == 1  # a read does not use it up
    started = session.post("CopyJobs/%s/start" % session.copy_job_id(NAME)).json()
    failed = wait_until(lambda: idle(sim.vb365_copy_job(NAME)))
    assert failed["lastStatus"] == "Failed" and failed["sessions"][-1]["details"] == "The archive repository is offline."
    assert session.get("JobSessions/" + started["id"]).json()["status"] == "Failed"
    other = session.copy_job_id("SharePoint Sites Copy")
    assert session.post("CopyJobs/%s/enable" % other).status_code == 204
    sim.inject("task_stuck", api="vb365", path="/CopyJobs/")
    assert session.post("CopyJobs/%s/start" % other).status_code == 200
    assert session.post("CopyJobs/%s/stop" % other).status_code == 204
    time.sleep(0.5)
    assert sim.vb365_copy_job("SharePoint Sites Copy")["running"] is True


@pytest.mark.parametrize("by", ["name", "id"])
def test_flip_behind_on_a_copy_job(vb, sim, by):
    session = vb("v8")
    job = sim.vb365_copy_job(NAME)
    sim.inject("flip_behind", api="vb365", method="GET", path="/CopyJobs$", job=job[by])
    assert session.get("CopyJobs").json()["results"][0]["isEnabled"] is True  # the answer shows the state before the flip
    after = sim.vb365_copy_job(NAME)
    assert after["isEnabled"] is False and after["eTag"] == job["eTag"] + 1
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is True  # its backup job is left alone
    assert session.post("CopyJobs/%s/disable" % job["id"]).status_code == 409


def test_delete_behind_a_copy_job_and_a_backup_job_with_its_copy_job(vb, sim):
    session = vb("v8")
    copy, backup_id = sim.vb365_copy_job(NAME), session.job_id("Exchange Online Daily")
    sim.inject("delete_behind", api="vb365", method="POST", path="/CopyJobs/[^/]+/disable$", job=copy["id"])
    assert session.post("CopyJobs/%s/disable" % copy["id"]).status_code == 204
    assert session.get("CopyJobs/" + copy["id"]).status_code == 404
    assert session.get("Jobs/%s/CopyJob" % backup_id).status_code == 404 and session.get("Jobs/" + backup_id).status_code == 200
    assert [session.get("JobSessions/" + s["id"]).status_code for s in copy["sessions"]] == [404]
    other = sim.vb365_copy_job("SharePoint Sites Copy")
    sim.inject("delete_behind", api="vb365", method="GET", path="/Jobs$", job="SharePoint Sites")
    assert session.get("Jobs").status_code == 200
    assert sim.state()["vb365"]["copy_jobs"] == [] and session.get("CopyJobs/" + other["id"]).status_code == 404


def test_status_faults_match_copy_job_paths(vb, sim):
    session = vb("v8")
    copy_id = session.copy_job_id(NAME)
    sim.inject("status", api="vb365", method="POST", path="/CopyJobs/.*/disable", status=503, apply=True)
    assert session.post("Jobs/%s/disable" % session.job_id("OneDrive for Business")).status_code == 204  # not a copy job path
    assert session.post("CopyJobs/%s/disable" % copy_id).status_code == 503
    assert sim.vb365_copy_job(NAME)["isEnabled"] is False
