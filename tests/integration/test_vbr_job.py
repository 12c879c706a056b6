"""veeam_vbr_job and veeam_vbr_job_info through real ansible-playbook runs against the simulator, at both API revisions."""

import json

import pytest

MODULE = "veeam_vbr_job"
REVISIONS = ("1.2-rev1", "1.3-rev1")
# 1.2-rev1 knows vSphere backup jobs only (its EJobType); the other types exist from 1.3-rev1.
VISIBLE = {"1.2-rev1": ("VSphereBackup",), "1.3-rev1": None}
SESSION_REQUESTS = {"POST /api/oauth2/token", "POST /api/oauth2/logout"}


def connection(sim, **extra):
    return dict(server=sim.host, port=sim.vbr_port, username=sim.username, password=sim.password, ca_path=sim.ca_path, **extra)


def run(ansible, module, check=False, **args):
    return ansible.task(module, defaults=False, check=check, **dict(connection(ansible.sim), **args))


def jobs(sim, revision="1.3-rev1", **flags):
    visible = VISIBLE[revision]
    return [j for j in sim.state()["vbr"]["jobs"] if (visible is None or j["type"] in visible)
            and all(j[key] == value for key, value in flags.items())]


def writes(sim):
    return [(r["method"], r["template"]) for r in sim.requests()["requests"]
            if r["method"] != "GET" and "%s %s" % (r["method"], r["template"]) not in SESSION_REQUESTS]


@pytest.mark.parametrize("revision, status", [("1.2-rev1", 200), ("1.3-rev1", 204)])
def test_disable_by_name_twice_changes_then_sends_no_write(ansible, sim, revision, status):
    target = jobs(sim, revision, enabled=True, running=False)[0]["name"]
    sim.clear_requests()
    first = run(ansible, MODULE, name=target, state="disabled", api_version=revision)
    assert first["changed"] is True and first["jobs"][0]["actions"] == ["disable"], first
    assert sim.vbr_job(target)["enabled"] is False
    posts = [r for r in sim.requests()["requests"] if r["method"] == "POST" and r["path"].endswith("/disable")]
    assert [r["status"] for r in posts] == [status]
    assert all(r["headers"].get("x-api-version") == revision for r in sim.requests()["requests"])
    sim.clear_requests()
    second = run(ansible, MODULE, name=target, state="disabled", api_version=revision)
    assert second["changed"] is False and writes(sim) == []


@pytest.mark.parametrize("revision", REVISIONS)
def test_enable_by_id_and_a_noop_run_costs_login_two_reads_and_logout(ansible, sim, revision):
    target = jobs(sim, revision, enabled=False)[0]
    result = run(ansible, MODULE, id=target["id"], state="enabled", api_version=revision)
    assert result["changed"] is True and sim.vbr_job(target["name"])["enabled"] is True
    sim.clear_requests()
    names = [j["name"] for j in jobs(sim, revision, enabled=True)]
    noop = run(ansible, MODULE, name=names, state="enabled", api_version=revision)
    assert noop["changed"] is False
    assert sim.counts() == {"POST /api/oauth2/token": 1, "GET /api/v1/jobs": 1, "GET /api/v1/jobs/states": 1, "POST /api/oauth2/logout": 1}


def test_type_filter_combines_with_all_jobs(ansible, sim):
    sim.clear_requests()
    result = run(ansible, MODULE, all_jobs=True, type=["VSphereBackup", "BackupCopy"], state="disabled", if_running="stop")
    assert result["changed"] is True, result
    touched = sorted(entry["name"] for entry in result["jobs"])
    assert touched == sorted(j["name"] for j in sim.state()["vbr"]["jobs"] if j["type"] in ("VSphereBackup", "BackupCopy"))
    assert all(not j["enabled"] for j in sim.state()["vbr"]["jobs"] if j["type"] in ("VSphereBackup", "BackupCopy"))
    assert all(j["enabled"] for j in sim.state()["vbr"]["jobs"] if j["type"] == "HyperVBackup"), "other types are not touched"


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_running_job_is_disabled_then_stopped_gracefully(ansible, sim, revision):
    running = jobs(sim, revision, running=True, enabled=True)[0]["name"]
    sim.clear_requests()
    result = run(ansible, MODULE, name=running, state="disabled", if_running="stop", api_version=revision)
    assert result["changed"] is True and result["jobs"][0]["actions"] == ["disable", "stop"], result
    assert result["jobs"][0]["session"]["id"]
    stops = [r for r in sim.requests()["requests"] if r["path"].endswith("/stop")]
    # 1.3-rev1's JobStopSpec has cancelChainedJobs: the stop keeps the jobs chained after this one from starting.
    assert [json.loads(r["body"]) for r in stops] == [{"gracefulStop": True} if revision == "1.2-rev1" else {"gracefulStop": True, "cancelChainedJobs": True}]
    assert [w[1] for w in writes(sim)] == ["/api/v1/jobs/{id}/disable", "/api/v1/jobs/{id}/stop"]
    final = sim.vbr_job(running)
    assert final["enabled"] is False and final["running"] is False


@pytest.mark.parametrize("revision", REVISIONS)
def test_start_waits_for_completion_and_stopped_is_reached(ansible, sim, revision):
    target = jobs(sim, revision, enabled=True, running=False)[0]["name"]
    sim.clear_requests()
    started = run(ansible, MODULE, name=target, state="running", wait_for_completion=True, active_full=True, wait_timeout=60, wait_sleep=0.5,
                  api_version=revision)
    assert started["changed"] is True and started["jobs"][0]["actions"] == ["start"], started
    starts = [r for r in sim.requests()["requests"] if r["path"].endswith("/start")]
    assert [r["body"] for r in starts] == ['{"performActiveFull": true}']
    again = run(ansible, MODULE, name=target, state="stopped", api_version=revision)
    assert again["changed"] is False


def test_check_mode_sends_no_write_and_reports_the_real_changed(ansible, sim):
    target = jobs(sim, enabled=True, running=True)[0]["name"]
    sim.clear_requests()
    checked = run(ansible, MODULE, check=True, name=target, state="disabled", if_running="stop")
    assert checked["changed"] is True and checked["jobs"][0]["actions"] == ["disable", "stop"]
    assert writes(sim) == [] and sim.vbr_job(target)["enabled"] is True


def test_a_500_on_a_write_is_never_answered_with_a_blind_resend(ansible, sim):
    target = jobs(sim, enabled=True, running=False)[0]["name"]
    sim.inject("status", api="vbr", method="POST", path=r"/disable$", status=500, apply=True, count=1)
    sim.clear_requests()
    result = run(ansible, MODULE, name=target, state="disabled")
    assert result.get("failed") is not True and result["changed"] is True, result
    assert sim.count("POST", "/api/v1/jobs/{id}/disable") == 1
    assert sim.vbr_job(target)["enabled"] is False
    assert any("unclear" in warning for warning in result.get("warnings", []))


def test_unknown_name_lists_candidates_and_sends_nothing(ansible, sim):
    sim.clear_requests()
    result = run(ansible, MODULE, name="VMware Production", state="disabled")
    assert result["failed"] is True and "did you mean 'VMware Production VMs'" in result["msg"], result["msg"]
    assert writes(sim) == []


def test_an_unserved_revision_says_which_option_to_change(ansible, sim):
    sim.configure(vbr_api_versions=["1.2-rev1"])
    result = run(ansible, "veeam_vbr_job_info", api_version="1.3-rev1")
    assert result["failed"] is True
    assert "does not serve x-api-version 1.3-rev1" in result["msg"] and "api_version" in result["msg"], result["msg"]


def test_wrong_credentials_say_so(ansible, sim):
    result = run(ansible, "veeam_vbr_job_info", **{"password": "not-the-password"})
    assert result["failed"] is True and "Login to" in result["msg"] and "failed" in result["msg"], result["msg"]
    assert "not-the-password" not in str(result)


def test_info_reports_type_status_last_result_and_sessions(ansible, sim):
    result = run(ansible, "veeam_vbr_job_info", sessions=2)
    assert not result.get("failed"), result
    by_name = {entry["name"]: entry for entry in result["jobs"]}
    assert set(by_name) == {j["name"] for j in sim.state()["vbr"]["jobs"]}
    assert by_name["Windows File Servers"]["last_status"] == "Failed"
    assert by_name["Offsite Backup Copy"]["details"]["type"] == "BackupCopy"
    assert by_name["SQL Cluster VMs"]["running"] is True and by_name["Test Lab VMs"]["enabled"] is False
    sessions = by_name["VMware Production VMs"]["sessions"]
    assert sessions and set(sessions[0]) == {"id", "state", "result", "creation_time", "end_time", "details"}
    assert [s["creation_time"] for s in sessions] == sorted((s["creation_time"] for s in sessions), reverse=True)
    assert result["server"] == "https://%s:%d/" % (sim.host, sim.vbr_port)


def test_credentials_from_the_environment(ansible, sim):
    env = {"VEEAM_VBR_SERVER": "https://%s:%d" % (sim.host, sim.vbr_port), "VEEAM_VBR_USERNAME": sim.username,
           "VEEAM_VBR_PASSWORD": sim.password, "VEEAM_CA_PATH": sim.ca_path}
    result = ansible.task("veeam_vbr_job_info", defaults=False, env=env)
    assert not result.get("failed") and result["jobs"], result


def test_module_defaults_group_vbr(ansible, sim):
    play = [{"name": "read", "backupops.veeam.veeam_vbr_job_info": {}, "module_defaults": {"group/backupops.veeam.vbr": connection(sim)}}]
    run_ = ansible.run(play, defaults=False)
    assert run_.rc == 0 and run_.result["jobs"], run_


BAD_INPUT = [
    ({"state": "enabled"}, "select jobs with id, name or all_jobs: true"),
    ({"state": "enabled", "all_jobs": True, "api_version": "1.0-rev2"},
     "value of api_version must be one of: auto, 1.1-rev0, 1.1-rev1, 1.1-rev2, 1.2-rev0, 1.2-rev1, 1.3-rev0, 1.3-rev1, 1.3-rev2"),
    ({"state": "enabled", "all_jobs": True, "type": ["VMwareBackup"]}, "value of type must be one or more of"),
    ({"state": "enabled", "all_jobs": True, "server": ""},
     "server is empty: set the option server (or module_defaults for group/backupops.veeam.vbr), the environment variable VEEAM_VBR_SERVER"),
    ({"state": "enabled", "all_jobs": True, "graceful_stop": "maybe"}, "graceful_stop"),
    ({"state": "enabled", "all_jobs": True, "wait_timeout": 5, "wait_sleep": 10}, "wait_sleep (10.0) must not exceed wait_timeout (5)"),
]


def test_bad_input_fails_before_any_request(ansible, sim):
    """Every nonsensical VBR option fails with a message that says what to change, and sends nothing."""
    sim.clear_requests()
    run = ansible.run([{"name": "bad input %d" % index, "backupops.veeam." + MODULE: dict(connection(sim), **args), "ignore_errors": True}
                       for index, (args, _message) in enumerate(BAD_INPUT)], defaults=False)
    assert len(run.results) == len(BAD_INPUT), run
    for (args, message), result in zip(BAD_INPUT, run.results):
        assert result.get("failed") is True, (args, result)
        assert message in result["msg"], (args, result["msg"])
    info = ansible.task("veeam_vbr_job_info", defaults=False, **dict(connection(sim), sessions=-1))
    assert info["failed"] is True and "sessions must be 0 or more, got -1" in info["msg"], info
    assert sim.requests()["requests"] == []


@pytest.mark.parametrize("selector", ["name", "id"])
def test_a_job_the_type_filter_hides_is_named_with_its_type_not_called_unknown(ansible, sim, selector):
    job = sim.vbr_job("Hyper-V Hosts")
    value = job["name"] if selector == "name" else job["id"]
    result = ansible.task(MODULE, type=["VSphereBackup"], state="disabled", **{selector: [value]})
    assert result["failed"] and "no job" not in result["msg"], result
    assert "exists but is of type HyperVBackup, which type=['VSphereBackup'] leaves out" in result["msg"]
    info = ansible.task("veeam_vbr_job_info", type=["VSphereBackup"], name=["Hyper-V Hosts"])
    assert info["failed"] and "exists but is of type HyperVBackup" in info["msg"], info
    assert sim.vbr_job("Hyper-V Hosts")["enabled"] is True
