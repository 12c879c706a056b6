"""VB365 job sessions: the global list with filters, per-job lists, one session; plain lists before v6, pages after."""

import pytest

from sim_helpers import wait_until


def test_v8_sessions_filtered_by_job_and_status(vb, sim):
    sim.configure(vb365_run_seconds=0.1)
    session = vb("v8")
    job_id = session.job_id("Exchange Online Daily")
    session.post("Jobs/%s/start" % job_id, json={"full": False})
    wait_until(lambda: not sim.vb365_job("Exchange Online Daily")["running"])
    page = session.get("JobSessions", params={"jobId": job_id, "jobType": "Backup"}).json()  # jobType: not its copy job's
    assert set(page) == {"offset", "limit", "setId", "results", "_links"}
    assert [s["jobId"] for s in page["results"]] == [job_id, job_id]
    assert [s["status"] for s in page["results"]] == ["Success", "Success"]
    assert page["results"][0]["creationTime"] < page["results"][1]["creationTime"]  # oldest first
    running = session.get("JobSessions", params={"status": "Running"}).json()["results"]
    assert [s["jobId"] for s in running] == [session.job_id("Teams and Groups")]
    succeeded = session.get("JobSessions", params={"status": "Succeeded", "limit": 100}).json()["results"]
    assert succeeded and all(s["status"] == "Success" for s in succeeded)
    assert session.get("JobSessions", params={"status": "Sleeping"}).status_code == 400


def test_v7_filters_by_job_but_not_status(vb):
    session = vb("v7")
    job_id = session.job_id("SharePoint Sites")
    results = session.get("JobSessions", params={"jobId": job_id, "jobType": "Backup", "status": "Running"}).json()["results"]
    assert len(results) == 1 and results[0]["status"] == "Warning" and "jobId" not in results[0]


def test_v6_paged_global_list_and_per_job_sessions(vb, sim):
    session = vb("v6")
    everything = session.get("JobSessions", params={"jobId": session.job_id("SharePoint Sites")}).json()
    assert len(everything["results"]) > 1  # v6 has no jobId filter: the parameter is ignored
    per_job = session.get("Jobs/%s/JobSessions" % session.job_id("Teams and Groups")).json()
    assert [s["status"] for s in per_job["results"]] == ["Success", "Running"]
    assert session.get("Jobs/00000000-0000-0000-0000-000000000000/JobSessions").status_code == 404
    assert sim.vb365_job("Teams and Groups")["running"] is True


@pytest.mark.parametrize("version", ["v2", "v5"])
def test_plain_session_lists_before_v6(vb, version):
    session = vb(version)
    sessions = session.get("Jobs/%s/JobSessions" % session.job_id("Teams and Groups")).json()
    assert isinstance(sessions, list) and sessions[-1]["status"] == "Running" and sessions[-1]["endTime"] is None
    assert isinstance(session.get("JobSessions").json(), list)


def test_per_job_sessions_are_gone_from_v7(vb):
    session = vb("v7")
    assert session.get("Jobs/%s/JobSessions" % session.job_id("Teams and Groups")).status_code == 404


def test_one_session_by_id(vb):
    session = vb("v8")
    listed = session.get("JobSessions", params={"jobId": session.job_id("Teams and Groups"), "status": "Running"}).json()["results"][0]
    one = session.get("JobSessions/" + listed["id"]).json()
    assert one["id"] == listed["id"] and one["status"] == "Running" and one["_links"]["job"]["href"].endswith(listed["jobId"])
    assert session.get("JobSessions/00000000-0000-0000-0000-000000000000").status_code == 404
