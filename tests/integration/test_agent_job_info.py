"""veeam_agent_job_info through real ansible-playbook runs against the Enterprise Manager simulator, in XML and JSON."""

import pytest

MODULE = "veeam_agent_job_info"

pytestmark = pytest.mark.parametrize("fmt", ["xml", "json"])


def em_requests(sim):
    return [request for request in sim.requests()["requests"] if request["api"] == "em"]


def backup_queries(sim):
    return [r for r in em_requests(sim) if r["path"] == "/api/query" and "type=Backup&" in r["query"]]


def assert_logged_off(sim):
    assert any(r["method"] == "DELETE" and r["path"].startswith("/api/logonSessions/") for r in em_requests(sim))
    assert sim.state()["em"]["logon_sessions"] == 0


def test_lists_every_job_with_flag_and_running_state(ansible, sim, fmt):
    expected = dict((job["id"], job) for job in sim.state()["em"]["jobs"])
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt)
    assert result["changed"] is False and not result.get("failed"), result
    assert sorted(job["id"] for job in result["jobs"]) == sorted(expected)
    for job in result["jobs"]:
        assert job["name"] == expected[job["id"]]["name"]
        assert job["enabled"] is expected[job["id"]]["enabled"]
        assert job["running"] is expected[job["id"]]["running"]
        assert job["details"]["uid"] == "urn:veeam:AgentBackupJob:" + job["id"]
    # Three reads however many jobs: the jobs, the active sessions, one page of the newest finished sessions; then one query of
    # backups per job for its repositories.
    assert [r["method"] for r in em_requests(sim)] == ["POST", "GET", "GET", "GET"] + ["GET"] * len(expected) + ["DELETE"]
    assert len(backup_queries(sim)) == len(expected)
    assert_logged_off(sim)


def test_both_formats_give_the_same_answer(ansible, sim, fmt):
    other = "json" if fmt == "xml" else "xml"
    assert ansible.task(MODULE, format=fmt)["jobs"] == ansible.task(MODULE, format=other)["jobs"]


def test_a_running_job_and_its_sessions(ansible, sim, fmt):
    sim.configure(em_run_seconds=60)
    job = next(j for j in sim.state()["em"]["jobs"] if j["enabled"] and not j["running"])
    started = ansible.task("veeam_agent_job", format=fmt, name=job["name"], state="running")
    assert started["changed"] is True, started
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt, name=job["name"], sessions=2)
    assert not result.get("failed"), result
    (entry,) = result["jobs"]
    assert entry["running"] is True
    assert entry["last_run"]
    assert 1 <= len(entry["sessions"]) <= 2
    newest = entry["sessions"][0]
    assert newest["state"] != "Stopped"
    assert set(newest) == {"id", "state", "result", "creation_time", "end_time", "details"}
    times = [s["creation_time"] for s in entry["sessions"]]
    assert times == sorted(times, reverse=True)
    assert_logged_off(sim)


def test_selection_by_id_and_unknown_names(ansible, sim, fmt):
    job = sim.state()["em"]["jobs"][0]
    by_id = ansible.task(MODULE, format=fmt, id="urn:veeam:AgentBackupJob:" + job["id"])
    assert [j["id"] for j in by_id["jobs"]] == [job["id"]]
    unknown = ansible.task(MODULE, format=fmt, name="No Such Job")
    assert unknown["failed"] is True and "no job is named 'No Such Job'" in unknown["msg"]
    assert_logged_off(sim)


def test_check_mode_is_safe_and_wrong_password_fails(ansible, sim, fmt):
    checked = ansible.task(MODULE, check=True, format=fmt)
    assert checked["changed"] is False and checked["jobs"]
    wrong = ansible.task(MODULE, format=fmt, password="wrong-one")
    assert wrong["failed"] is True and "Logon to" in wrong["msg"] and "failed" in wrong["msg"]
    assert "wrong-one" not in str(wrong) and sim.password not in str(wrong)


def test_a_failed_logoff_is_a_warning_without_secrets(ansible, sim, fmt):
    sim.inject("status", api="em", method="DELETE", path="logonSessions", status=500, count=1)
    run = ansible.run([{"name": MODULE, "backupops.veeam." + MODULE: dict(format=fmt)}], verbosity=3)
    assert run.rc == 0, run
    assert any("Logoff from https://" in warning for warning in run.result.get("warnings", [])), run.result
    text = run.stdout + run.stderr
    assert sim.password not in text
    for request in em_requests(sim):
        token = request["headers"].get("X-RestSvcSessionId")
        assert not token or token not in text


def newest_finished(job):
    finished = [s for s in job["sessions"] if s["state"] == "Stopped"]
    return max(finished, key=lambda s: s["creationTime"]) if finished else None


def test_idle_jobs_report_their_newest_finished_session(ansible, sim, fmt):
    sim.configure(em_run_seconds=0.3)
    job = next(j for j in sim.state()["em"]["jobs"] if j["enabled"] and not j["running"])
    ran = ansible.task("veeam_agent_job", format=fmt, name=job["name"], state="running", wait_for_completion=True, wait_sleep=0.2)
    assert ran["changed"] is True and not ran.get("failed"), ran
    state = dict((j["id"], j) for j in sim.state()["em"]["jobs"])
    result = ansible.task(MODULE, format=fmt)
    assert not result.get("failed"), result
    for entry in result["jobs"]:
        if entry["running"]:
            continue
        newest = newest_finished(state[entry["id"]])
        assert entry["last_run"] == (newest and newest["creationTime"]), entry
        assert entry["last_status"] == (newest and newest["result"]), entry
    by_name = dict((entry["name"], entry) for entry in result["jobs"])
    # The run just made is the newest; yesterday's failure stays the last status of a job that has not run since.
    assert by_name[job["name"]]["last_status"] == "Success" and by_name["Web Frontends"]["last_status"] == "Failed"


def test_reading_last_runs_costs_the_same_for_6_or_600_jobs(ansible, sim, fmt):
    counts = []
    for scenario in ({}, {"generate": {"em_jobs": 600}}):
        sim.reset(scenario)
        sim.clear_requests()
        result = ansible.task(MODULE, format=fmt)
        assert not result.get("failed") and all(entry["last_status"] == "Success" for entry in result["jobs"] if scenario), result
        queries = [r for r in em_requests(sim) if r["path"] == "/api/query" and r not in backup_queries(sim)]
        counts.append(len(queries))
        newest = queries[-1]["query"]
        assert "sortDesc=CreationTime" in newest and "JobType==AgentBackup" in newest.replace("%3D", "=")
        # The repositories are what grows: one backup query per reported job.
        assert len(backup_queries(sim)) == len(result["jobs"])
    assert counts == [3, 3]


def test_sessions_are_matched_by_the_documented_job_urn_with_one_query_per_job(ansible, sim, fmt):
    job = sim.em_job("Web Frontends")
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt, name=job["name"], sessions=5)
    (entry,) = result["jobs"]
    assert [s["id"] for s in entry["sessions"]] == [s["id"] for s in sorted(job["sessions"], key=lambda s: s["creationTime"], reverse=True)]
    assert entry["sessions"][0]["result"] == "Failed" and entry["sessions"][0]["state"] == "Stopped"
    per_job = [r for r in em_requests(sim) if "JobUid" in r["query"] and "type=BackupJobSession" in r["query"]]
    assert len(per_job) == 1 and 'urn:veeam:Job:%s' % job["id"] in per_job[0]["query"].replace("%22", '"')


def test_an_id_in_the_documented_job_urn_form_selects_the_job(ansible, sim, fmt):
    job = sim.state()["em"]["jobs"][1]
    result = ansible.task(MODULE, format=fmt, id="urn:veeam:Job:" + job["id"].upper())
    assert [j["id"] for j in result["jobs"]] == [job["id"]], result


# -- repositories (issue 31): EM names an agent job's repository only through the job's backups ---------------------------

PLACED = {"em": {"jobs": [
    {"name": "Fileserver Backup", "platform": "AgentForWindows", "repositories": ["Repo A"]},
    {"name": "Linux DB Servers", "platform": "AgentForLinux", "repositories": ["Repo A", "Repo B"]},
    {"name": "New Laptops", "platform": "AgentForWindows", "repositories": []},
    {"name": "Never Ran", "platform": "AgentForLinux", "lastResult": "None"},
]}}


def repository_ids(sim):
    return dict((repository["name"], repository["id"]) for repository in sim.state()["em"]["repositories"])


def test_each_job_reports_the_repositories_of_its_backups_or_why_none(ansible, sim, fmt):
    sim.reset(PLACED)
    ids = repository_ids(sim)
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt)
    assert not result.get("failed") and not result.get("warnings"), result
    by_name = dict((entry["name"], entry) for entry in result["jobs"])
    assert by_name["Fileserver Backup"]["repositories"] == [{"id": ids["Repo A"], "name": "Repo A"}]
    assert by_name["Fileserver Backup"]["repository_unknown"] is None
    # A retargeted job: both repositories it has backups on, by name, and no claim which one is current.
    assert by_name["Linux DB Servers"]["repositories"] == [{"id": ids["Repo A"], "name": "Repo A"}, {"id": ids["Repo B"], "name": "Repo B"}]
    for name in ("New Laptops", "Never Ran"):
        assert by_name[name]["repositories"] == []
        assert by_name[name]["repository_unknown"].startswith("the job has no backup yet"), by_name[name]
    for entry in result["jobs"]:
        assert "repositories" not in entry["details"] and "repository_unknown" not in entry["details"]
    # One query of backups per job, filtered on the job's GUID in the documented URN form.
    queries = backup_queries(sim)
    assert len(queries) == 4
    for entry in result["jobs"]:
        assert sum('urn:veeam:Job:%s' % entry["id"] in r["query"].replace("%22", '"') for r in queries) == 1


def test_a_selected_job_costs_one_backup_query(ansible, sim, fmt):
    sim.reset(PLACED)
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt, name="Linux DB Servers")
    (entry,) = result["jobs"]
    assert [r["name"] for r in entry["repositories"]] == ["Repo A", "Repo B"]
    assert len(backup_queries(sim)) == 1
    assert_logged_off(sim)


def test_a_job_reports_its_repository_once_its_first_run_left_a_backup(ansible, sim, fmt):
    sim.reset(PLACED)
    sim.configure(em_run_seconds=0.3)
    before = ansible.task(MODULE, format=fmt, name="New Laptops")
    assert before["jobs"][0]["repositories"] == [] and before["jobs"][0]["repository_unknown"]
    ran = ansible.task("veeam_agent_job", format=fmt, name="New Laptops", state="running", wait_for_completion=True, wait_sleep=0.2)
    assert ran["changed"] is True and not ran.get("failed"), ran
    after = ansible.task(MODULE, format=fmt, name="New Laptops")
    assert after["jobs"][0]["repositories"] == [{"id": repository_ids(sim)["Default Backup Repository"], "name": "Default Backup Repository"}]
    assert after["jobs"][0]["repository_unknown"] is None


def test_a_failed_backup_read_still_reports_the_jobs_with_the_reason(ansible, sim, fmt):
    sim.reset(PLACED)
    sim.inject("status", api="em", method="GET", path="type=Backup&", status=500, count=1)
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt)
    assert not result.get("failed"), result
    assert len(result["jobs"]) == 4 and all(entry["repositories"] == [] for entry in result["jobs"])
    assert all(entry["repository_unknown"].startswith("reading the job's backups failed") for entry in result["jobs"])
    assert any("No repository is reported for 4 agent job(s)" in warning for warning in result["warnings"]), result
    # After the first failure no further backup query is sent.
    assert len(backup_queries(sim)) == 1


def test_the_job_module_reads_no_backups(ansible, sim, fmt):
    """veeam_agent_job keeps its request count: the repositories are read for the info module only."""
    sim.reset(PLACED)
    job = sim.em_job("Fileserver Backup")
    sim.clear_requests()
    result = ansible.task("veeam_agent_job", format=fmt, name=job["name"], state="enabled")
    assert result["changed"] is False and not result.get("failed"), result
    assert "repositories" not in result["jobs"][0] and "repository_unknown" not in result["jobs"][0]
    assert backup_queries(sim) == []
    # Logon, the jobs, the active sessions, logoff: as before.
    assert [(r["method"], r["path"]) for r in em_requests(sim)][:3] == [("POST", "/api/sessionMngr/"), ("GET", "/api/query"), ("GET", "/api/query")]
    assert len(em_requests(sim)) == 4
