"""veeam_agent_job_info through real ansible-playbook runs against the Enterprise Manager simulator, in XML and JSON."""

import pytest

MODULE = "veeam_agent_job_info"

pytestmark = pytest.mark.parametrize("fmt", ["xml", "json"])


def em_requests(sim):
    return [request for request in sim.requests()["requests"] if request["api"] == "em"]


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
    # Two reads however many jobs: one query for the jobs, one for the active sessions.
    assert [r["method"] for r in em_requests(sim)] == ["POST", "GET", "GET", "DELETE"]
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
    assert set(newest) == {"id", "state", "result", "creation_time", "end_time"}
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
