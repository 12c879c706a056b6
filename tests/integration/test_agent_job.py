"""veeam_agent_job through real ansible-playbook runs against the Enterprise Manager simulator, in XML and JSON."""

import pytest

MODULE = "veeam_agent_job"

pytestmark = pytest.mark.parametrize("fmt", ["xml", "json"])


def em_jobs(sim):
    return sim.state()["em"]["jobs"]


def em_job(sim, name):
    return next(job for job in em_jobs(sim) if job["name"] == name)


def pick(sim, enabled=True, running=False):
    return next(job for job in em_jobs(sim) if job["enabled"] == enabled and job["running"] == running)


def em_requests(sim):
    return [request for request in sim.requests()["requests"] if request["api"] == "em"]


def count(sim, method, path_part):
    """EM requests of this method whose path?query contains path_part (counting ourselves keeps the test independent of templates)."""
    return sum(1 for r in em_requests(sim) if r["method"] == method and path_part in r["path"] + ("?" + r["query"] if r.get("query") else ""))


def toggles(sim, job=None):
    return count(sim, "POST", "action=toggleScheduleEnabled" if job is None else "%s?action=toggleScheduleEnabled" % job["id"])


def writes(sim):
    """Changes to jobs: every POST but the logon."""
    return [r for r in em_requests(sim) if r["method"] == "POST" and "sessionMngr" not in r["path"]]


def assert_logged_off(sim, expired=0):
    """Every logon of the test's runs was followed by its logoff, except sessions the server expired itself."""
    logons = count(sim, "POST", "/api/sessionMngr/")
    assert logons >= 1
    assert count(sim, "DELETE", "/api/logonSessions/") == logons - expired
    assert sim.state()["em"]["logon_sessions"] == 0


def assert_no_secret(run_or_result, sim):
    text = str(run_or_result)
    assert sim.password not in text
    for request in em_requests(sim):
        token = (request.get("headers") or {}).get("X-RestSvcSessionId")
        if token:
            assert token not in text


def test_disable_then_enable_twice_each_is_changed_then_quiet(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    for state, flag in (("disabled", False), ("enabled", True)):
        sim.clear_requests()
        first = ansible.task(MODULE, format=fmt, name=job["name"], state=state)
        assert first["changed"] is True, first
        assert first["jobs"][0]["actions"] == [state[:-1]]
        assert first["jobs"][0]["task"]["state"] == "Finished" and first["jobs"][0]["task"]["success"] is True
        assert first["jobs"][0]["before"]["enabled"] is (not flag) and first["jobs"][0]["after"]["enabled"] is flag
        assert em_job(sim, job["name"])["enabled"] is flag
        assert toggles(sim, job) == 1
        assert_logged_off(sim)

        sim.clear_requests()
        second = ansible.task(MODULE, format=fmt, name=job["name"], state=state)
        assert second["changed"] is False and second.get("failed") is not True, second
        assert second["jobs"][0]["actions"] == []
        assert writes(sim) == []
        # A do-nothing run: logon, one query for jobs, one for sessions, logoff.
        sent = [(r["method"], r["path"]) for r in em_requests(sim)]
        assert sent[:3] == [("POST", "/api/sessionMngr/"), ("GET", "/api/query"), ("GET", "/api/query")]
        assert len(sent) == 4 and sent[3][0] == "DELETE" and sent[3][1].startswith("/api/logonSessions/")
        assert_logged_off(sim)


def test_the_toggle_is_the_seed_request(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt, id=job["id"], state="disabled")
    assert result["changed"] is True, result
    posts = writes(sim)
    assert len(posts) == 1
    post = posts[0]
    assert post["path"] == "/api/agents/jobs/%s" % job["id"]
    assert post["query"] == "action=toggleScheduleEnabled"
    assert not post.get("body")
    headers = dict((key.lower(), value) for key, value in post["headers"].items())
    assert headers.get("x-restsvcsessionid")
    assert headers.get("accept") == ("application/json" if fmt == "json" else "application/xml")
    assert "authorization" not in headers
    assert_no_secret(result, sim)


def test_check_mode_sends_no_write_and_predicts_changed(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.clear_requests()
    checked = ansible.task(MODULE, check=True, format=fmt, name=job["name"], state="disabled")
    assert checked["changed"] is True, checked
    assert checked["jobs"][0]["actions"] == ["disable"], "check mode lists what a real run would send"
    assert writes(sim) == []
    assert em_job(sim, job["name"])["enabled"] is True
    assert_logged_off(sim)
    real = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert real["changed"] is checked["changed"]
    quiet = ansible.task(MODULE, check=True, format=fmt, name=job["name"], state="disabled")
    assert quiet["changed"] is False


def test_diff_mode_shows_before_and_after(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    result = ansible.task(MODULE, diff=True, format=fmt, name=job["name"], state="disabled")
    label = "%s (%s)" % (job["name"], job["id"])
    assert result["diff"]["before"][label] == {"enabled": True, "running": False}
    assert result["diff"]["after"][label] == {"enabled": False, "running": False}


def test_id_with_the_urn_prefix_selects_the_job(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    result = ansible.task(MODULE, format=fmt, id="urn:veeam:AgentBackupJob:%s" % job["id"], state="enabled")
    assert result["changed"] is False and result["jobs"][0]["id"] == job["id"], result


def test_id_in_the_documented_job_urn_form_selects_the_job(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt, id="urn:veeam:Job:%s" % job["id"], state="disabled")
    assert result["changed"] is True and result["jobs"][0]["id"] == job["id"], result
    assert em_job(sim, job["name"])["enabled"] is False and toggles(sim, job) == 1


def test_a_failed_task_fails_clearly_and_logs_off(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("task_fail", api="em", method="POST", path="toggleScheduleEnabled", message="Job is locked by another operation")
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert result["failed"] is True
    assert "Job %r: disable task task-" % job["name"] in result["msg"]
    assert "failed: Job is locked by another operation" in result["msg"]
    assert result["jobs"][0]["task"]["success"] is False
    assert toggles(sim, job) == 1
    assert_logged_off(sim)


def test_a_task_that_never_finishes_fails_naming_it(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("task_stuck", api="em", method="POST", path="toggleScheduleEnabled")
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled", wait_timeout=2, wait_sleep=0.5)
    assert result["failed"] is True
    assert "disable task task-" in result["msg"] and "did not finish within" in result["msg"], result["msg"]
    assert "last state: Running" in result["msg"]
    assert toggles(sim, job) == 1
    assert count(sim, "DELETE", "/api/tasks/") == 1
    assert_logged_off(sim)


def test_an_expired_logon_session_is_renewed_once(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("expire", api="em", method="GET", path="type=BackupJobSession", count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert result["changed"] is True and not result.get("failed"), result
    assert em_job(sim, job["name"])["enabled"] is False
    assert count(sim, "POST", "/api/sessionMngr/") == 2
    assert toggles(sim, job) == 1
    assert_logged_off(sim, expired=1)


def test_the_new_logon_after_an_expiry_carries_nothing_of_the_old_session(ansible, sim, fmt):
    """EM prefers its session cookie over the header: a re-logon that sent the ended session's cookie would be refused."""
    job = pick(sim, enabled=True)
    sim.clear_requests()
    sim.inject("expire", api="em", method="GET", path="type=AgentBackupJob", count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="enabled")
    assert result["changed"] is False and not result.get("failed"), result
    logons = [r for r in em_requests(sim) if r["method"] == "POST" and "sessionMngr" in r["path"]]
    assert [r["status"] for r in logons] == [201, 201]
    headers = dict((key.lower(), value) for key, value in logons[1]["headers"].items())
    assert "cookie" not in headers and "x-restsvcsessionid" not in headers
    # Every later request carries only the header of the new logon.
    later = em_requests(sim)[em_requests(sim).index(logons[1]) + 1:]
    assert later and all("cookie" not in (key.lower() for key in r["headers"]) for r in later)
    assert_logged_off(sim, expired=1)


def test_an_expired_session_on_the_toggle_resends_the_refused_request(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("expire", api="em", method="POST", path="toggleScheduleEnabled", count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert result["changed"] is True and not result.get("failed"), result
    assert em_job(sim, job["name"])["enabled"] is False
    # Refused unread (401), sent again once under the new logon: one flip.
    assert toggles(sim, job) == 2
    assert_logged_off(sim, expired=1)


def test_5xx_on_reads_is_retried(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("status", api="em", method="GET", path="type=AgentBackupJob", status=503, count=2)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert result["changed"] is True and not result.get("failed"), result
    assert em_job(sim, job["name"])["enabled"] is False
    assert_logged_off(sim)


def test_5xx_on_an_applied_toggle_is_not_replayed(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("status", api="em", method="POST", path="toggleScheduleEnabled", status=503, apply=True, count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert not result.get("failed"), result
    assert result["changed"] is True
    assert em_job(sim, job["name"])["enabled"] is False
    assert toggles(sim, job) == 1
    assert any("unclear" in warning for warning in result.get("warnings", []))
    assert_logged_off(sim)


def test_5xx_on_a_refused_toggle_is_decided_by_a_fresh_read(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("status", api="em", method="POST", path="toggleScheduleEnabled", status=500, count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert not result.get("failed"), result
    assert em_job(sim, job["name"])["enabled"] is False
    # The first toggle was not applied; the re-read saw the flag unchanged and sent exactly one more.
    assert toggles(sim, job) == 2
    assert_logged_off(sim)


def test_a_budget_shorter_than_the_settle_time_fails_naming_the_unclear_answer_and_sends_nothing_again(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("status", api="em", method="POST", path="toggleScheduleEnabled", status=503, count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled", wait_timeout=3, wait_sleep=0.5)
    assert result["failed"] is True
    message = result["msg"]
    assert "the answer to disable was unclear: Server answered HTTP 503: Injected HTTP 503" in message, message
    assert "Nothing was sent again" in message and "\n" not in message, message
    assert toggles(sim, job) == 1
    assert em_job(sim, job["name"])["enabled"] is True
    assert_logged_off(sim)


def test_concurrent_toggles_flip_each_job_once_and_follow_every_task(ansible, sim, fmt):
    sim.reset({"generate": {"vb365_jobs": 0, "em_jobs": 30, "enabled": True}, "vb365": {"jobs": []}, "em": {"jobs": []}})
    sim.configure(latency_seconds=0.05)
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt, all_jobs=True, state="disabled", write_concurrency=4)
    assert result["changed"] is True and not result.get("failed"), result
    assert all(job["enabled"] is False for job in em_jobs(sim))
    assert all(toggles(sim, job) == 1 for job in em_jobs(sim))
    assert all(entry["task"]["state"] == "Finished" and entry["task"]["success"] is True for entry in result["jobs"]), result["jobs"]
    assert_logged_off(sim)


def test_a_job_flipped_behind_the_modules_back_ends_in_the_declared_state(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("flip_behind", api="em", method="POST", path="toggleScheduleEnabled", job=job["name"], count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert not result.get("failed"), result
    assert em_job(sim, job["name"])["enabled"] is False
    assert toggles(sim, job) == 2
    assert_logged_off(sim)


def test_environment_credentials(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    env = dict(VEEAM_EM_SERVER="https://%s:%d" % (sim.host, sim.em_port), VEEAM_EM_USERNAME=sim.username,
               VEEAM_EM_PASSWORD=sim.password, VEEAM_CA_PATH=sim.ca_path)
    result = ansible.task(MODULE, defaults=False, env=env, format=fmt, name=job["name"], state="disabled")
    assert result["changed"] is True, result
    assert_logged_off(sim)
    assert_no_secret(result, sim)


def test_an_unknown_name_lists_candidates_and_changes_nothing(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    result = ansible.task(MODULE, format=fmt, name=[job["name"], job["name"] + "x"], state="disabled")
    assert result["failed"] is True
    assert "no job is named %r" % (job["name"] + "x") in result["msg"]
    assert repr(job["name"]) in result["msg"]
    assert writes(sim) == []
    assert_logged_off(sim)


def test_an_ambiguous_name_fails_before_any_change(ansible, sim, fmt):
    sim.reset({"em": {"jobs": [{"name": "Twin", "enabled": True, "id": "11111111-1111-4111-8111-111111111111"},
                               {"name": "Twin", "enabled": True, "id": "22222222-2222-4222-8222-222222222222"}]}})
    result = ansible.task(MODULE, format=fmt, name="Twin", state="disabled")
    assert result["failed"] is True
    assert "2 jobs are named 'Twin'" in result["msg"] and "select them by id" in result["msg"]
    assert writes(sim) == []
    assert_logged_off(sim)


def test_a_wrong_password_says_so(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled", password="not-the-password")
    assert result["failed"] is True
    assert "Logon to https://%s:%d/ as %r failed" % (sim.host, sim.em_port, sim.username) in result["msg"]
    assert "not-the-password" not in str(result)
    assert writes(sim) == []


def test_running_then_stopped(ansible, sim, fmt):
    sim.configure(em_run_seconds=60)
    job = pick(sim, enabled=True, running=False)
    started = ansible.task(MODULE, format=fmt, name=job["name"], state="running")
    assert started["changed"] is True and not started.get("failed"), started
    assert started["jobs"][0]["actions"] == ["start"]
    assert started["jobs"][0]["task"]["operation"]
    assert em_job(sim, job["name"])["running"] is True
    again = ansible.task(MODULE, format=fmt, name=job["name"], state="running")
    assert again["changed"] is False
    stopped = ansible.task(MODULE, format=fmt, name=job["name"], state="stopped")
    assert stopped["changed"] is True and stopped["jobs"][0]["actions"] == ["stop"], stopped
    assert stopped["jobs"][0]["after"]["running"] is False
    assert em_job(sim, job["name"])["running"] is False
    quiet = ansible.task(MODULE, format=fmt, name=job["name"], state="stopped")
    assert quiet["changed"] is False
    assert_logged_off(sim)


def test_running_with_wait_for_completion_sees_the_run_end(ansible, sim, fmt):
    sim.configure(em_run_seconds=1.0)
    job = pick(sim, enabled=True, running=False)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="running", wait_for_completion=True, wait_timeout=60, wait_sleep=0.5)
    assert result["changed"] is True and not result.get("failed"), result
    assert result["jobs"][0]["after"]["running"] is False
    assert em_job(sim, job["name"])["running"] is False
    assert_logged_off(sim)


def test_disable_with_if_running_stop(ansible, sim, fmt):
    sim.configure(em_run_seconds=60)
    job = pick(sim, enabled=True, running=False)
    assert ansible.task(MODULE, format=fmt, name=job["name"], state="running")["changed"] is True
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled", if_running="stop")
    assert not result.get("failed"), result
    assert result["jobs"][0]["actions"] == ["disable", "stop"], "the schedule is off before the session is stopped"
    state = em_job(sim, job["name"])
    assert state["enabled"] is False and state["running"] is False
    assert_logged_off(sim)


def test_all_jobs_at_once_costs_two_reads(ansible, sim, fmt):
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt, all_jobs=True, state="enabled")
    assert not result.get("failed"), result
    assert all(job["enabled"] for job in em_jobs(sim))
    sim.clear_requests()
    quiet = ansible.task(MODULE, format=fmt, all_jobs=True, state="enabled")
    assert quiet["changed"] is False
    assert count(sim, "GET", "/api/") == 2
    assert_logged_off(sim)


def test_a_failed_logoff_is_a_warning_without_secrets(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("status", api="em", method="DELETE", path="logonSessions", status=500, count=1)
    run = ansible.run([{"name": MODULE, "backupops.veeam." + MODULE: dict(format=fmt, name=job["name"], state="enabled")}], verbosity=3)
    assert run.rc == 0, run
    assert count(sim, "DELETE", "/api/logonSessions/") == 1
    # The shared JobRunner logs off after exit_json has printed the result, so the logoff warning cannot reach it
    # (veeam_agent_job_info shows it; see test_agent_job_info.py).
    assert_no_secret(run.stdout + run.stderr, sim)


def test_operation_finished_is_not_done_and_tasks_finishing_by_polls(ansible, sim, fmt):
    sim.configure(em_operation_finished=True, em_task_polls=3)
    job = pick(sim, enabled=True)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert not result.get("failed"), result
    assert result["jobs"][0]["task"]["state"] == "Finished"
    assert count(sim, "GET", "/api/tasks/") >= 4
    assert toggles(sim, job) == 1
    assert em_job(sim, job["name"])["enabled"] is False


def test_a_flag_that_lags_behind_the_task_is_waited_for_not_flipped_again(ansible, sim, fmt):
    sim.configure(em_flag_lag_seconds=1.5)
    job = pick(sim, enabled=True)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert not result.get("failed"), result
    assert result["jobs"][0]["after"]["enabled"] is False
    assert toggles(sim, job) == 1
    assert em_job(sim, job["name"])["enabled"] is False


def test_a_refused_toggle_fails_with_the_server_message(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("status", api="em", method="POST", path="toggleScheduleEnabled", status=403, count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert result["failed"] is True
    assert result["msg"].startswith("Job %r: disable was refused:" % job["name"]) and "403" in result["msg"], result["msg"]
    assert result["changed"] is False and result["jobs"][0]["actions"] == []
    assert result["http"]["status"] == 403
    assert em_job(sim, job["name"])["enabled"] is True
    assert_logged_off(sim)


@pytest.mark.parametrize("kind", ["html", "truncated"])
def test_a_broken_answer_is_reported_with_status_and_url(ansible, sim, fmt, kind):
    sim.inject(kind, api="em", method="GET", path="type=AgentBackupJob", status=200, count=5)
    result = ansible.task(MODULE, format=fmt, all_jobs=True, state="enabled")
    assert result["failed"] is True
    assert "/api/query?type=AgentBackupJob" in result["msg"] and "HTTP 200" in result["msg"], result["msg"]
    assert "\n" not in result["msg"]
    assert writes(sim) == []
    assert_logged_off(sim)


def test_a_job_deleted_behind_the_modules_back_fails_clearly(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("delete_behind", api="em", method="GET", path="type=BackupJobSession", job=job["name"], count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert result["failed"] is True
    assert "404" in result["msg"] and job["name"] in result["msg"], result["msg"]
    assert_logged_off(sim)


def test_more_jobs_than_one_page(ansible, sim, fmt):
    sim.reset({"generate": {"em_jobs": 1100, "enabled": True}})
    sim.clear_requests()
    result = ansible.task(MODULE, format=fmt, name="Agent Job 1100", state="enabled")
    assert result["changed"] is False and not result.get("failed"), result
    assert [r["query"].rsplit("&page=", 1)[-1] for r in em_requests(sim) if "type=AgentBackupJob" in r["query"]] == ["1", "2"]


def test_no_secret_in_verbose_output_of_a_change(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    run = ansible.run([{"name": MODULE, "backupops.veeam." + MODULE: dict(format=fmt, name=job["name"], state="disabled")}],
                      verbosity=4, diff=True)
    assert run.rc == 0 and run.result["changed"] is True, run
    assert_no_secret(run.stdout + run.stderr, sim)


def test_a_dropped_connection_after_an_applied_toggle_is_not_replayed(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.inject("reset", api="em", method="POST", path="toggleScheduleEnabled", apply=True, count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert not result.get("failed"), result
    assert em_job(sim, job["name"])["enabled"] is False
    assert toggles(sim, job) == 1
    assert_logged_off(sim)


def test_a_task_lost_with_an_expired_session_is_settled_by_the_job_not_resent(ansible, sim, fmt):
    job = pick(sim, enabled=True)
    sim.configure(em_task_seconds=1.0)
    sim.inject("expire", api="em", method="GET", path="/api/tasks/", count=1)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled")
    assert not result.get("failed"), result
    assert result["jobs"][0]["task"]["state"] == "Unknown"
    assert em_job(sim, job["name"])["enabled"] is False
    assert toggles(sim, job) == 1
    assert count(sim, "POST", "/api/sessionMngr/") == 2
    assert_logged_off(sim, expired=1)


def test_wait_false_returns_once_the_task_is_accepted(ansible, sim, fmt):
    sim.configure(em_task_seconds=3.0)
    job = pick(sim, enabled=True)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="disabled", wait=False)
    assert result["changed"] is True and not result.get("failed"), result
    assert result["jobs"][0]["task"]["state"] == "Running"
    assert count(sim, "GET", "/api/tasks/") == 0
    assert toggles(sim, job) == 1
    assert_logged_off(sim)


def test_a_disabled_job_is_not_started_and_nothing_is_sent(ansible, sim, fmt):
    job = pick(sim, enabled=False)
    result = ansible.task(MODULE, format=fmt, name=job["name"], state="running")
    assert result["failed"] is True and "enable_if_disabled" in result["msg"], result
    assert writes(sim) == []
    started = ansible.task(MODULE, format=fmt, name=job["name"], state="running", enable_if_disabled=True)
    assert not started.get("failed") and started["jobs"][0]["actions"] == ["enable", "start"], started
    assert toggles(sim, job) == 1
    assert_logged_off(sim)
