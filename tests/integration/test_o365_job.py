"""veeam_o365_job through real ansible-playbook runs against the simulator."""

import pytest

MODULE = "veeam_o365_job"


def enabled_jobs(sim):
    return [job for job in sim.state()["vb365"]["jobs"] if job["isEnabled"]]


def job(sim, name):
    return next(j for j in sim.state()["vb365"]["jobs"] if j["name"] == name)


@pytest.mark.parametrize("version, template, body", [
    ("v8", "/v8/Jobs/{id}/disable", None),
    ("v6", "/v6/Jobs/{id}/disable", None),
    ("v5", "/v5/Jobs/{id}/Action", '{"disable": null}'),
    ("v2", "/v2/Jobs/{id}/Action", '{"disable": null}'),
])
def test_disable_twice_changes_then_sends_no_write(ansible, sim, version, template, body):
    target = enabled_jobs(sim)[0]["name"]
    sim.clear_requests()
    first = ansible.task(MODULE, name=target, state="disabled", api_version=version)
    assert first["changed"] is True, first
    assert first["jobs"][0]["actions"] == ["disable"]
    assert first["jobs"][0]["before"]["enabled"] is True and first["jobs"][0]["after"]["enabled"] is False
    assert job(sim, target)["isEnabled"] is False
    assert sim.count("POST", template) == 1
    if body is not None:
        sent = [r for r in sim.requests()["requests"] if r["method"] == "POST" and r["path"].endswith("/Action")]
        assert [r["body"] for r in sent] == [body]

    sim.clear_requests()
    second = ansible.task(MODULE, name=target, state="disabled", api_version=version)
    assert second["changed"] is False, second
    assert second["jobs"][0]["actions"] == []
    assert sim.writes() == []


def test_enable_sends_the_seed_body_to_v5(ansible, sim):
    target = next(j["name"] for j in sim.state()["vb365"]["jobs"] if not j["isEnabled"])
    sim.clear_requests()
    result = ansible.task(MODULE, name=target, state="enabled", api_version="v5")
    assert result["changed"] is True, result
    sent = [r for r in sim.requests()["requests"] if r["path"].endswith("/Action")]
    assert [(r["method"], r["body"]) for r in sent] == [("POST", '{"enable": null}')]
    assert job(sim, target)["isEnabled"] is True


def test_a_noop_run_costs_a_token_and_one_list_read(ansible, sim):
    names = [j["name"] for j in enabled_jobs(sim)]
    sim.clear_requests()
    result = ansible.task(MODULE, name=names, state="enabled")
    assert result["changed"] is False
    assert sim.counts() == {"POST /v8/token": 1, "GET /v8/Jobs": 1, "POST /v8/token/logout": 1}


def test_all_jobs_disable_then_enable_round_trip(ansible, sim):
    before = {j["name"]: j["isEnabled"] for j in sim.state()["vb365"]["jobs"]}
    result = ansible.task(MODULE, all_jobs=True, state="disabled")
    assert result["changed"] is True
    assert len(result["jobs"]) == len(before)
    assert not any(j["isEnabled"] for j in sim.state()["vb365"]["jobs"])
    assert sim.count("POST", "/v8/Jobs/{id}/disable") == sum(before.values())
    result = ansible.task(MODULE, all_jobs=True, state="enabled")
    assert all(j["isEnabled"] for j in sim.state()["vb365"]["jobs"])


def test_check_mode_reports_changed_and_sends_nothing(ansible, sim):
    target = enabled_jobs(sim)[0]["name"]
    sim.clear_requests()
    result = ansible.task(MODULE, name=target, state="disabled", check=True, diff=True)
    assert result["changed"] is True
    assert result["msg"].startswith("Would have disabled 1")
    assert sim.writes() == []
    assert job(sim, target)["isEnabled"] is True
    label = next(iter(result["diff"]["before"]))
    assert result["diff"]["before"][label]["enabled"] is True
    assert result["diff"]["after"][label]["enabled"] is False


def test_diff_mode_shows_before_and_after(ansible, sim):
    target = enabled_jobs(sim)[0]
    result = ansible.task(MODULE, id=target["id"], state="disabled", diff=True)
    label = "%s (%s)" % (target["name"], target["id"])
    assert result["diff"]["before"][label] == {"enabled": True, "running": target["running"]}
    assert result["diff"]["after"][label]["enabled"] is False
    # Without diff mode the result carries no diff (for 500 jobs it would be half the result).
    assert "diff" not in ansible.task(MODULE, id=target["id"], state="enabled")


def test_a_job_on_page_two_is_found_with_paged_reads(ansible, sim):
    sim.reset({"generate": {"vb365_jobs": 1205, "enabled": True}})
    sim.clear_requests()
    result = ansible.task(MODULE, name="VB365 Job 1203", state="disabled")
    assert result["changed"] is True, result
    assert job(sim, "VB365 Job 1203")["isEnabled"] is False
    reads = [r for r in sim.requests()["requests"] if r["method"] == "GET"]
    assert len(reads) == 2 * 2  # two pages (1000 + 205) before acting, two again to verify
    assert all("limit=1000" in r["query"] for r in reads)


def test_unknown_name_fails_before_any_change_listing_candidates(ansible, sim):
    names = [j["name"] for j in enabled_jobs(sim)]
    sim.clear_requests()
    result = ansible.task(MODULE, name=[names[0], names[1].lower()], state="disabled")
    assert result["failed"] is True
    assert "no job is named %r (names are case-sensitive); did you mean %r" % (names[1].lower(), names[1]) in result["msg"]
    assert sim.writes() == []


def test_ambiguous_name_fails(ansible, sim):
    sim.reset({"vb365": {"jobs": [{"name": "Twin", "id": "11111111-1111-1111-1111-111111111111", "enabled": True},
                                  {"name": "Twin", "id": "22222222-2222-2222-2222-222222222222", "enabled": True}]}})
    result = ansible.task(MODULE, name="Twin", state="disabled")
    assert result["failed"] is True
    assert "2 jobs are named 'Twin'" in result["msg"] and "select them by id" in result["msg"]
    assert sim.writes() == []


def test_unknown_id_fails(ansible, sim):
    result = ansible.task(MODULE, id="00000000-0000-0000-0000-000000000000", state="enabled")
    assert result["failed"] is True
    assert "no job has id '00000000-0000-0000-0000-000000000000'" in result["msg"]


@pytest.mark.parametrize("version", ["v8", "v6", "v4"])
def test_start_then_wait_for_completion(ansible, sim, version):
    sim.configure(vb365_run_seconds=0.5)
    target = next(j for j in enabled_jobs(sim) if not j["running"])
    sim.clear_requests()
    result = ansible.task(MODULE, name=target["name"], state="running", wait_for_completion=True, api_version=version, wait_sleep=0.2)
    assert result["changed"] is True, result
    assert result["jobs"][0]["actions"] == ["start"]
    if version == "v8":
        assert result["jobs"][0]["session"]["status"] == "Running"
    assert job(sim, target["name"])["lastStatus"] == "Success"
    starts = [r for r in sim.requests()["requests"] if r["method"] == "POST" and "start" in (r["path"] + (r["body"] or "")).lower()]
    assert [r["body"] for r in starts] == (['{"start": null}'] if version == "v4" else ['{"full": false}'])


def test_running_is_idempotent_and_a_disabled_job_is_not_started(ansible, sim):
    running = next(j for j in sim.state()["vb365"]["jobs"] if j["running"])
    result = ansible.task(MODULE, name=running["name"], state="running")
    assert result["changed"] is False
    disabled = next(j for j in sim.state()["vb365"]["jobs"] if not j["isEnabled"] and not j["running"])
    sim.clear_requests()
    result = ansible.task(MODULE, name=disabled["name"], state="running")
    assert result["failed"] is True
    assert "enable_if_disabled" in result["msg"] and sim.writes() == []
    result = ansible.task(MODULE, name=disabled["name"], state="running", enable_if_disabled=True)
    assert result["jobs"][0]["actions"] == ["enable", "start"]


def test_disable_a_running_job_with_stop_policy(ansible, sim):
    sim.configure(vb365_run_seconds=60, vb365_stop_seconds=0.3)
    running = next(j for j in sim.state()["vb365"]["jobs"] if j["running"])
    result = ansible.task(MODULE, name=running["name"], state="disabled", if_running="stop", wait_sleep=0.2)
    assert result["changed"] is True, result
    assert result["jobs"][0]["actions"] == ["disable", "stop"][0 if running["isEnabled"] else 1:], "the schedule is off first"
    final = job(sim, running["name"])
    assert final["running"] is False and final["isEnabled"] is False
    assert final["lastStatus"] == "Stopped"


def test_disable_a_running_job_with_leave_policy_does_not_stop_it(ansible, sim):
    sim.configure(vb365_run_seconds=60)
    running = next(j for j in sim.state()["vb365"]["jobs"] if j["running"])
    result = ansible.task(MODULE, name=running["name"], state="disabled")
    assert "stop" not in result["jobs"][0]["actions"]
    assert job(sim, running["name"])["running"] is True


def test_stopped_stops_only_running_jobs(ansible, sim):
    sim.configure(vb365_run_seconds=60, vb365_stop_seconds=0.2)
    result = ansible.task(MODULE, all_jobs=True, state="stopped", wait_sleep=0.2)
    stopped = [j for j in result["jobs"] if j["actions"]]
    assert len(stopped) == 1 and stopped[0]["actions"] == ["stop"]
    assert not any(j["running"] for j in sim.state()["vb365"]["jobs"])
    assert ansible.task(MODULE, all_jobs=True, state="stopped")["changed"] is False


def test_wait_deadline_fails_clearly(ansible, sim):
    sim.configure(vb365_run_seconds=60, vb365_stop_seconds=30)
    running = next(j for j in sim.state()["vb365"]["jobs"] if j["running"])
    result = ansible.task(MODULE, name=running["name"], state="stopped", wait_timeout=1, wait_sleep=0.5)
    assert result["failed"] is True
    assert result["msg"].startswith("Timed out after 1 seconds waiting for the running sessions of job %r to end" % running["name"])
    assert "last state seen" in result["msg"]


def test_token_expiry_mid_run_reauthenticates_once(ansible, sim):
    target = enabled_jobs(sim)[0]["name"]
    sim.inject("expire", api="vb365", method="POST", path="/disable")
    result = ansible.task(MODULE, name=target, state="disabled")
    assert result["changed"] is True, result
    assert sim.count("POST", "/v8/token") == 2
    assert job(sim, target)["isEnabled"] is False


def test_a_second_401_fails_clearly(ansible, sim):
    sim.inject("expire", api="vb365", method="GET", path="/Jobs", count=2)
    result = ansible.task(MODULE, all_jobs=True, state="enabled")
    assert result["failed"] is True
    assert "refused the token again" in result["msg"] and "HTTP 401" in result["msg"]


def test_unclear_answer_to_a_write_is_not_replayed(ansible, sim):
    target = enabled_jobs(sim)[0]["name"]
    sim.inject("status", api="vb365", method="POST", path="/disable", status=503, apply=True)
    result = ansible.task(MODULE, name=target, state="disabled")
    assert result["changed"] is True, result
    assert sim.count("POST", "/v8/Jobs/{id}/disable") == 1
    assert job(sim, target)["isEnabled"] is False
    assert any("unclear" in w for w in result.get("warnings", []))


def test_unclear_answer_to_a_write_that_was_not_applied_is_decided_again(ansible, sim):
    target = enabled_jobs(sim)[0]["name"]
    sim.inject("status", api="vb365", method="POST", path="/disable", status=503)
    result = ansible.task(MODULE, name=target, state="disabled")
    assert result["changed"] is True, result
    assert sim.count("POST", "/v8/Jobs/{id}/disable") == 2
    assert job(sim, target)["isEnabled"] is False


def test_concurrent_writes_change_each_job_once_with_the_same_requests(ansible, sim):
    sim.reset({"generate": {"vb365_jobs": 40, "em_jobs": 0, "enabled": True}, "vb365": {"jobs": []}, "em": {"jobs": []}})
    sim.configure(latency_seconds=0.05)
    sim.inject("expire", api="vb365", method="POST", path="/disable", count=1)
    sim.clear_requests()
    result = ansible.task(MODULE, all_jobs=True, state="disabled", write_concurrency=4)
    assert result["changed"] is True and not result.get("failed"), result
    assert all(not j["isEnabled"] for j in sim.state()["vb365"]["jobs"])
    # Per job exactly one applied write; the expired one was refused unread and resent after the one shared new login.
    applied = [r["path"] for r in sim.requests()["requests"] if r["method"] == "POST" and r["path"].endswith("/disable") and r["status"] == 204]
    assert sorted(applied) == sorted(set(applied)) and len(applied) == 40
    assert sim.count("POST", "/v8/token") == 2 and sim.count("POST", "/v8/token/logout") == 1
    # The writes in flight with the expired token were refused unread (401) and resent: at most one per worker.
    refused = [r for r in sim.requests()["requests"] if r["path"].endswith("/disable") and r["status"] == 401]
    assert 1 <= len(refused) <= 4 and sim.count("POST", "/v8/Jobs/{id}/disable") == 40 + len(refused)
    # Writes overlapped: one after the other, two arrivals are at least one latency (0.05 s) apart.
    arrivals = sorted(r["time"] for r in sim.requests()["requests"] if r["path"].endswith("/disable"))
    assert min(later - earlier for earlier, later in zip(arrivals, arrivals[1:])) < 0.05


def test_reads_are_retried_on_503(ansible, sim):
    sim.inject("status", api="vb365", method="GET", path="/Jobs", status=503, count=2, retry_after=1)
    result = ansible.task(MODULE, all_jobs=True, state="enabled", enable_if_disabled=False)
    assert "failed" not in result or result["failed"] is False, result


def test_wrong_password_says_so_without_the_secret(ansible, sim):
    result = ansible.task(MODULE, all_jobs=True, state="enabled", password="Not-The-Passw0rd!")
    assert result["failed"] is True
    assert result["msg"].startswith("Login to https://%s:%d/ as %r failed" % (sim.host, sim.vb365_port, sim.username))
    assert "Not-The-Passw0rd!" not in str(result)


def test_tls_without_ca_path_fails_suggesting_ca_path(ansible, sim):
    result = ansible.task(MODULE, all_jobs=True, state="enabled", ca_path=None,
                          env={"REQUESTS_CA_BUNDLE": "", "SSL_CERT_FILE": "", "CURL_CA_BUNDLE": ""})
    assert result["failed"] is True
    assert "TLS certificate verification failed" in result["msg"] and "ca_path" in result["msg"]


def test_a_non_veeam_answer_is_reported_with_status_and_url(ansible, sim):
    sim.inject("html", api="vb365", method="GET", path="/Jobs", status=200, count=5)
    result = ansible.task(MODULE, all_jobs=True, state="enabled")
    assert result["failed"] is True
    assert "Expected JSON" in result["msg"] and "/v8/Jobs" in result["msg"]


def test_credentials_from_environment_variables(ansible, sim):
    target = enabled_jobs(sim)[0]["name"]
    env = {"VEEAM_VB365_SERVER": "https://%s:%d" % (sim.host, sim.vb365_port), "VEEAM_VB365_USERNAME": sim.username,
           "VEEAM_VB365_PASSWORD": sim.password, "VEEAM_CA_PATH": sim.ca_path}
    result = ansible.task(MODULE, defaults=False, env=env, name=target, state="disabled")
    assert result["changed"] is True, result
    assert job(sim, target)["isEnabled"] is False


BAD_INPUT = [
    ({"state": "enabled"}, "select jobs with id, name or all_jobs: true"),
    ({"state": "enabled", "name": "a", "all_jobs": True}, "parameters are mutually exclusive"),
    ({"state": "enabled", "name": ""}, "name must not contain empty values"),
    ({"state": "paused", "all_jobs": True}, "value of state must be one of"),
    ({"state": "enabled", "all_jobs": True, "wait_timeout": 0}, "wait_timeout must be a positive number"),
    ({"state": "enabled", "all_jobs": True, "wait_timeout": 5, "wait_sleep": 10}, "wait_sleep (10.0) must not exceed wait_timeout (5)"),
    ({"state": "enabled", "all_jobs": True, "server": "https://vb365.example.com/api"}, "must not contain a path"),
    ({"state": "enabled", "all_jobs": True, "api_version": "v1"}, "value of api_version must be one of"),
    ({"state": "enabled", "all_jobs": True, "ca_path": "/nonexistent/ca.pem"}, "ca_path /nonexistent/ca.pem is not a readable file"),
    ({"state": "enabled", "all_jobs": True, "timeout": -1}, "timeout must be a positive number of seconds, got -1"),
    ({"state": "enabled", "all_jobs": True, "write_concurrency": 0}, "write_concurrency must be between 1 and 8, got 0"),
    ({"state": "enabled", "all_jobs": True, "write_concurrency": 50}, "write_concurrency must be between 1 and 8, got 50"),
    ({"state": "enabled", "all_jobs": True, "server": " "},
     "server is empty: set the option server (or module_defaults for group/backupops.veeam.vb365), the environment variable VEEAM_VB365_SERVER"),
]


def test_bad_input_fails_before_any_request(ansible, sim):
    """Every nonsensical combination fails with a message that says what to change, and sends nothing (one playbook, a task each)."""
    sim.clear_requests()
    run = ansible.run([{"name": "bad input %d" % index, "backupops.veeam.veeam_o365_job": args, "ignore_errors": True}
                       for index, (args, _message) in enumerate(BAD_INPUT)])
    assert len(run.results) == len(BAD_INPUT), run
    for (args, message), result in zip(BAD_INPUT, run.results):
        assert result.get("failed") is True, (args, result)
        assert message in result["msg"], (args, result["msg"])
    assert sim.requests()["requests"] == []
