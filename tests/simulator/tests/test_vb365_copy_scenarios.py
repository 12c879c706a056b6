"""VB365 backup copy jobs in scenarios (vb365.copy_jobs, generate.vb365_copy_jobs, --vb365-copy-jobs), the control API
(state, reset, request counts) and SimClient.vb365_copy_job."""

import pytest

from test_process import run_cli
from veeam_sim.state import build_world
from veeam_sim.testing import SimError, SimProcess
from veeam_sim.util import stable_id

STATE_KEYS = {"id", "name", "backupJobId", "isEnabled", "lastStatus", "running", "eTag", "sessions"}


def test_the_default_scenario_has_two_copy_jobs(sim):
    copies = {job["name"]: job for job in sim.state()["vb365"]["copy_jobs"]}
    assert list(copies) == ["Exchange Online Daily Copy", "SharePoint Sites Copy"]
    daily, sites = copies["Exchange Online Daily Copy"], copies["SharePoint Sites Copy"]
    assert set(daily) == STATE_KEYS and set(daily["sessions"][0]) == {"id", "status", "creationTime", "endTime", "details"}
    assert (daily["isEnabled"], daily["lastStatus"], daily["running"]) == (True, "Success", False)
    assert (sites["isEnabled"], sites["lastStatus"], sites["running"]) == (False, "Warning", False)
    assert daily["backupJobId"] == sim.vb365_job("Exchange Online Daily")["id"]
    assert sites["backupJobId"] == sim.vb365_job("SharePoint Sites")["id"]
    assert [s["status"] for s in daily["sessions"]] == ["Success"] and [s["status"] for s in sites["sessions"]] == ["Warning"]
    assert sim.vb365_copy_job("SharePoint Sites Copy") == sites
    with pytest.raises(KeyError):
        sim.vb365_copy_job("Exchange Online Daily")


def test_reset_counts_copy_jobs(sim):
    assert sim.reset() == {"ok": True, "vb365_jobs": 6, "vb365_copy_jobs": 2, "em_jobs": 6, "vbr_jobs": 7}
    assert sim.reset({"vb365": {"jobs": [{"name": "A"}]}})["vb365_copy_jobs"] == 0
    assert sim.state()["vb365"]["copy_jobs"] == []


def test_copy_job_ids_are_stable_and_never_a_backup_job_id(sim):
    assert sim.vb365_copy_job("SharePoint Sites Copy")["id"] == stable_id("vb365-copy", "SharePoint Sites Copy")
    sim.reset({"vb365": {"jobs": [{"name": "Same"}], "copy_jobs": [{"name": "Same", "backupJob": "Same"}]}})
    assert sim.vb365_copy_job("Same")["id"] != sim.vb365_job("Same")["id"]
    given = "44444444-4444-4444-4444-444444444444"
    sim.reset({"vb365": {"jobs": [{"name": "A"}], "copy_jobs": [{"name": "A Copy", "backupJob": "A", "id": given.upper()}]}})
    assert sim.vb365_copy_job("A Copy")["id"] == given


def test_scenario_values_of_a_copy_job(vb, sim):
    archive = "55555555-5555-5555-5555-555555555555"
    sim.reset({"vb365": {"jobs": [{"name": "A"}, {"name": "B"}, {"name": "C"}],
                         "copy_jobs": [{"name": "A Copy", "backupJob": "A", "lastStatus": None, "repositoryId": archive},
                                       {"name": "B Copy", "backupJob": "B", "lastStatus": "Failed", "enabled": False},
                                       {"name": "C Copy", "backupJob": "C"}]}})
    jobs = {job["name"]: job for job in vb("v8").get("CopyJobs").json()["results"]}
    assert jobs["A Copy"]["lastStatus"] is None and jobs["A Copy"]["lastRun"] is None and jobs["A Copy"]["repositoryId"] == archive
    assert sim.vb365_copy_job("A Copy")["sessions"] == []
    assert jobs["B Copy"]["lastStatus"] == "Failed" and jobs["B Copy"]["lastRun"] and jobs["B Copy"]["lastBackup"] is None
    assert jobs["B Copy"]["isEnabled"] is False
    assert jobs["C Copy"]["lastStatus"] == "Success" and jobs["C Copy"]["isEnabled"] is True  # the defaults of backup jobs


@pytest.mark.parametrize("scenario, message", [
    ({"vb365": {"jobs": [{"name": "A"}], "copy_jobs": [{"name": "X", "backupJob": "Nobody"}]}},
     "vb365 copy job 'X': backupJob must name exactly one VB365 job of the scenario, and 'Nobody' names none"),
    ({"vb365": {"jobs": [{"name": "Twin"}, {"name": "Twin"}], "copy_jobs": [{"name": "X", "backupJob": "Twin"}]}}, "'Twin' names 2"),
    ({"vb365": {"jobs": [{"name": "A"}], "copy_jobs": [{"name": "X"}]}}, "vb365 copy job 'X' needs backupJob"),
    ({"vb365": {"jobs": [{"name": "A"}], "copy_jobs": [{"name": "X", "backupJob": "A"}, {"name": "Y", "backupJob": "A"}]}},
     "vb365 copy job 'Y': backup job 'A' already has a copy job, 'X'"),
    ({"vb365": {"jobs": [{"name": "A"}], "copy_jobs": [{"name": "X", "backupJob": "A", "schedule": "Daily"}]}}, "unknown keys ['schedule']"),
    ({"vb365": {"jobs": [{"name": "A"}], "copy_jobs": [{"name": "X", "backupJob": "A", "lastStatus": "Great"}]}},
     "vb365 copy job 'X': lastStatus must be one of"),
    ({"vb365": {"jobs": [{"name": "A"}], "copy_jobs": [{"backupJob": "A"}]}}, "non-empty name"),
    ({"vb365": {"jobs": [{"name": "A"}], "copy_jobs": {"name": "X"}}}, "vb365 must be an object with a list 'copy_jobs'"),
    ({"vb365": {"jobs": [{"name": "A"}], "copy_job": []}}, "vb365 has unknown keys ['copy_job']"),
    ({"vb365": {"jobs": [{"name": "A", "id": "66666666-6666-6666-6666-666666666666"}],
                "copy_jobs": [{"name": "X", "backupJob": "A", "id": "66666666-6666-6666-6666-666666666666"}]}}, "is already another VB365 job's"),
    ({"vb365": {"jobs": [{"name": "A"}]}, "generate": {"vb365_copy_jobs": 2}},
     "generate.vb365_copy_jobs is 2, but the scenario has only 1 VB365 backup job(s) to copy"),
    ({"generate": {"vb365_copy_jobs": -1}}, "generate.vb365_copy_jobs must be a whole number >= 0"),
    ({"generate": {"vb365_copy_jobs": "2"}}, "generate.vb365_copy_jobs must be a whole number >= 0"),
    ({"vb365": {"jobs": [{"name": "A"}], "copy_jobs": [{"name": "X", "backupJob": "A"}]}, "generate": {"vb365_copy_jobs": 1}},
     "backup job 'A' already has a copy job, 'X'"),
])
def test_invalid_copy_job_scenarios_are_refused(sim, scenario, message):
    answer = sim.session.post(sim.vb365_url + "_sim/reset", json=scenario)
    assert answer.status_code == 400 and message in answer.json()["error"], answer.text
    assert len(sim.state()["vb365"]["copy_jobs"]) == 2  # a refused reset changes nothing


def test_generated_copy_jobs_copy_the_first_jobs_generated_ones_first(sim):
    result = sim.reset({"generate": {"vb365_jobs": 3, "vb365_copy_jobs": 2, "enabled": False}})
    assert (result["vb365_jobs"], result["vb365_copy_jobs"]) == (3, 2)
    copies = sim.state()["vb365"]["copy_jobs"]
    assert [(job["name"], job["isEnabled"], job["lastStatus"]) for job in copies] == [
        ("VB365 Job 0001 Copy", False, "Success"), ("VB365 Job 0002 Copy", False, "Success")]
    assert copies[0]["backupJobId"] == sim.vb365_job("VB365 Job 0001")["id"]
    sim.reset({"vb365": {"jobs": [{"name": "Mine"}, {"name": "Yours"}]}, "generate": {"vb365_jobs": 1, "vb365_copy_jobs": 3}})
    assert [job["name"] for job in sim.state()["vb365"]["copy_jobs"]] == ["VB365 Job 0001 Copy", "Mine Copy", "Yours Copy"]
    sim.reset({"vb365": {"jobs": [{"name": "Mine"}, {"name": "Yours"}], "copy_jobs": [{"name": "Theirs", "backupJob": "Yours"}]},
               "generate": {"vb365_copy_jobs": 1}})
    assert [job["name"] for job in sim.state()["vb365"]["copy_jobs"]] == ["Theirs", "Mine Copy"]


def test_a_built_world_links_each_copy_job_to_its_backup_job():
    world = build_world({"generate": {"vb365_jobs": 3, "vb365_copy_jobs": 2}}, 0.0)
    assert all(world.vb365_copy_jobs[job_id].id == job_id for job_id in world.vb365_copy_jobs)
    linked = {job.name: world.vb365_copy_jobs[job.copy_job_id].name for job in world.vb365_jobs.values() if job.copy_job_id}
    assert linked == {"VB365 Job 0001": "VB365 Job 0001 Copy", "VB365 Job 0002": "VB365 Job 0002 Copy"}
    assert not set(world.vb365_jobs) & set(world.vb365_copy_jobs)


def test_request_counts_name_copy_job_paths_by_template(vb, sim):
    session = vb("v8")
    copy_id, backup_id = session.copy_job_id("Exchange Online Daily Copy"), session.job_id("Exchange Online Daily")
    sim.clear_requests()
    session.get("CopyJobs")
    session.get("CopyJobs/" + copy_id)
    session.get("CopyJobs/%s/BackupJob" % copy_id)
    session.get("Jobs/%s/CopyJob" % backup_id)
    session.post("CopyJobs/%s/disable" % copy_id)
    assert sim.counts() == {"GET /v8/CopyJobs": 1, "GET /v8/CopyJobs/{id}": 1, "GET /v8/CopyJobs/{id}/BackupJob": 1,
                            "GET /v8/Jobs/{id}/CopyJob": 1, "POST /v8/CopyJobs/{id}/disable": 1}
    assert sim.count("POST", "/v8/CopyJobs/{id}/disable") == 1 and sim.count("GET", "/v8/CopyJobs") == 1
    assert [entry["template"] for entry in sim.writes()] == ["/v8/CopyJobs/{id}/disable"]


def test_command_line_generates_copy_jobs(tmp_path):
    assert "--vb365-copy-jobs" in run_cli("--help").stdout
    with SimProcess(["--vb365-jobs", "4", "--vb365-copy-jobs", "2", "--generated-disabled"], state_dir=str(tmp_path)) as client:
        copies = client.state()["vb365"]["copy_jobs"]
        assert [(job["name"], job["isEnabled"]) for job in copies] == [("VB365 Job 0001 Copy", False), ("VB365 Job 0002 Copy", False)]
        assert client.reset()["vb365_copy_jobs"] == 2  # {} is the scenario the process was started with


def test_command_line_refuses_more_copy_jobs_than_jobs(tmp_path):
    result = run_cli("--vb365-jobs", "1", "--vb365-copy-jobs", "2", "--vb365-port", "0", "--em-port", "0", "--state-dir", str(tmp_path))
    assert result.returncode == 2 and "generate.vb365_copy_jobs is 2, but the scenario has only 1 VB365 backup job(s)" in result.stderr
    process = SimProcess(["--vb365-copy-jobs", "-1"], state_dir=str(tmp_path / "negative"))
    with pytest.raises(SimError, match="generate.vb365_copy_jobs must be a whole number >= 0"):
        process.start()
    process.stop()
