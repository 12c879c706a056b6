"""veeam_o365_proxy and veeam_o365_infrastructure_info through real ansible-playbook runs against the simulator: v8 proxy
maintenance with each operating system's credentials, the refusal on v6/v7, idempotence, check and diff mode, faults, and the
infrastructure read on v6 (oldest) and v8 (newest)."""

import pytest

WINDOWS, LINUX = "vb365proxy01.backupops.local", "vb365lnx01.backupops.local"
WINDOWS_CREDENTIALS = dict(proxy_username="BACKUPOPS\\vb365svc", proxy_password="Proxy-Passw0rd-2026!")
LINUX_CREDENTIALS = dict(proxy_username="veeam", proxy_password="Proxy-Passw0rd-2026!")
SESSION_REQUESTS = {"POST /v8/token", "POST /v8/token/logout"}


def run(ansible, module, check=False, diff=False, **args):
    sim = ansible.sim
    connection = dict(server=sim.host, port=sim.vb365_port, username=sim.username, password=sim.password, ca_path=sim.ca_path)
    return ansible.task(module, defaults=False, check=check, diff=diff, **dict(connection, **args))


def writes(sim):
    return ["%s %s" % (r["method"], r["template"]) for r in sim.requests()["requests"]
            if r["method"] != "GET" and "%s %s" % (r["method"], r["template"]) not in SESSION_REQUESTS]


def state_of(sim, host):
    return next(p for p in sim.state()["vb365"]["infrastructure"]["proxies"] if p["hostName"] == host)["maintenanceModeState"]


@pytest.fixture(autouse=True)
def quick_maintenance(sim):
    sim.configure(vb365_maintenance_seconds=0.3)


@pytest.mark.parametrize("host, credentials", [(WINDOWS, WINDOWS_CREDENTIALS), (LINUX, LINUX_CREDENTIALS)])
def test_maintenance_waits_until_enabled_then_is_idempotent(ansible, sim, host, credentials):
    sim.clear_requests()
    first = run(ansible, "veeam_o365_proxy", name=[host], maintenance=True, wait_sleep=0.2, **credentials)
    assert first["changed"] is True and first["proxies"][0]["after"] == {"maintenance": True}, first
    assert state_of(sim, host) == "Enabled"
    assert writes(sim) == ["POST /v8/Proxies/{id}/maintenance/enable"]
    sim.clear_requests()
    again = run(ansible, "veeam_o365_proxy", name=[host], maintenance=True)
    assert again["changed"] is False and writes(sim) == [], again
    back = run(ansible, "veeam_o365_proxy", name=[host], maintenance=False, **credentials)
    assert back["changed"] is True and state_of(sim, host) == "Disabled"


def test_no_credentials_fails_before_any_write_and_a_no_op_needs_none(ansible, sim):
    sim.clear_requests()
    noop = run(ansible, "veeam_o365_proxy", name=[WINDOWS], maintenance=False)
    assert noop["changed"] is False and not noop.get("failed"), noop
    result = run(ansible, "veeam_o365_proxy", name=[WINDOWS], maintenance=True)
    assert result["failed"] and "proxy_username" in result["msg"] and "VEEAM_VB365_PROXY_PASSWORD" in result["msg"], result
    assert writes(sim) == []


def test_wrong_credentials_are_refused_naming_the_proxy(ansible, sim):
    result = run(ansible, "veeam_o365_proxy", name=[WINDOWS], maintenance=True, proxy_username="BACKUPOPS\\vb365svc", proxy_password="wrong")
    assert result["failed"] and repr(WINDOWS) in result["msg"] and "403" in result["msg"], result
    assert "wrong" not in result["msg"] and state_of(sim, WINDOWS) == "Disabled"


@pytest.mark.parametrize("version", ["v6", "v7"])
def test_v6_and_v7_are_refused_before_any_request_naming_v8(ansible, sim, version):
    sim.clear_requests()
    result = run(ansible, "veeam_o365_proxy", api_version=version, name=[WINDOWS], maintenance=True, **WINDOWS_CREDENTIALS)
    assert result["failed"] and "v8" in result["msg"] and "quiesce" in result["msg"], result
    assert sim.requests()["requests"] == []


def test_check_and_diff_mode_send_nothing(ansible, sim):
    sim.clear_requests()
    result = run(ansible, "veeam_o365_proxy", check=True, diff=True, name=[WINDOWS, LINUX], maintenance=True)
    assert result["changed"] is True and writes(sim) == [] and state_of(sim, WINDOWS) == "Disabled"
    assert [p["actions"] for p in result["proxies"]] == [["enable_maintenance"], ["enable_maintenance"]]
    assert result["diff"]["after"]["%s (%s)" % (WINDOWS, result["proxies"][0]["id"])] == {"maintenance": True}


def test_unknown_proxy_lists_the_candidates(ansible, sim):
    result = run(ansible, "veeam_o365_proxy", name=["vb365proxy09"], maintenance=True, **WINDOWS_CREDENTIALS)
    assert result["failed"] and WINDOWS in result["msg"], result


def test_a_proxy_that_never_reaches_enabled_fails_at_the_deadline(ansible, sim):
    sim.inject("task_stuck", api="vb365", path="/maintenance/enable$")
    result = run(ansible, "veeam_o365_proxy", name=[WINDOWS], maintenance=True, wait_timeout=2, wait_sleep=0.5, **WINDOWS_CREDENTIALS)
    assert result["failed"] and "Timed out after 2 seconds" in result["msg"] and "maintenance=settling" in result["msg"], result
    assert result["proxies"][0]["actions"] == ["enable_maintenance"] and result["changed"] is True


def test_a_proxy_found_enabling_is_awaited_not_written(ansible, sim):
    sim.configure(vb365_maintenance_seconds=1.0)
    run(ansible, "veeam_o365_proxy", name=[WINDOWS], maintenance=True, wait=False, **WINDOWS_CREDENTIALS)
    sim.clear_requests()
    result = run(ansible, "veeam_o365_proxy", name=[WINDOWS], maintenance=True, wait_sleep=0.2, **WINDOWS_CREDENTIALS)
    assert result["changed"] is False and writes(sim) == [] and state_of(sim, WINDOWS) == "Enabled", result


@pytest.mark.parametrize("version", ["v6", "v8"])
def test_infrastructure_info_names_jobs_per_repository(ansible, sim, version):
    result = run(ansible, "veeam_o365_infrastructure_info", api_version=version)
    assert not result.get("failed"), result
    repositories = dict((r["name"], r) for r in result["repositories"])
    primary = repositories["Object Storage Repository"]
    assert primary["proxy_id"] and any(job["kind"] == "backup" and job["role"] == "target" for job in primary["jobs"])
    assert any(job["kind"] == "copy" and job["role"] == "source" for job in primary["jobs"])
    assert any(job["kind"] == "copy" and job["role"] == "target" for job in repositories["Azure Archive Repository"]["jobs"])
    hosts = [p["host_name"] for p in result["proxies"]]
    assert WINDOWS in hosts and LINUX in hosts
    if version == "v8":
        assert result["proxy_pools"] and result["not_shown"] == []
        assert repositories["Linux Pool Repository"]["proxy_pool_id"] == result["proxy_pools"][0]["id"]
    else:
        assert result["proxy_pools"] == [] and "v8" in result["not_shown"][0]


def test_proxy_credentials_from_the_environment_never_appear_at_vvvv(ansible, sim):
    """The AWX credential type's proxy fields arrive as VEEAM_VB365_PROXY_*; neither they, the REST password nor the tokens
    appear in -vvvv output or in the results, on success or on a refusal."""
    proxy_env = {"VEEAM_VB365_PROXY_USERNAME": "veeam", "VEEAM_VB365_PROXY_PASSWORD": "Proxy-Passw0rd-2026!",
                 "VEEAM_VB365_PROXY_SSH_PRIVATE_KEY": "", "VEEAM_VB365_PROXY_SSH_PRIVATE_KEY_PASSPHRASE": ""}
    connection = dict(server=sim.host, port=sim.vb365_port, username=sim.username, password=sim.password, ca_path=sim.ca_path)
    tasks = [{"name": "enter", "backupops.veeam.veeam_o365_proxy": dict(connection, name=[LINUX], maintenance=True, wait_sleep=0.2)},
             {"name": "leave", "backupops.veeam.veeam_o365_proxy": dict(connection, name=[LINUX], maintenance=False)},
             {"name": "refused", "backupops.veeam.veeam_o365_proxy": dict(connection, name=[WINDOWS], maintenance=True), "ignore_errors": True}]
    run = ansible.run(tasks, verbosity=4, env=proxy_env, defaults=False)
    assert [r.get("changed") for r in run.results] == [True, True, False], run
    assert run.results[2]["failed"] and "403" in run.results[2]["msg"]
    tokens = [value.split(" ", 1)[1] for r in sim.requests()["requests"] for key, value in r["headers"].items() if key.lower() == "authorization"]
    bodies = [r["body"] for r in sim.requests()["requests"] if "/maintenance/" in r["path"]]
    assert tokens and any("Proxy-Passw0rd-2026!" in body for body in bodies)
    for secret in set(tokens) | {"Proxy-Passw0rd-2026!", sim.password}:
        for where in (run.stdout, run.stderr, str(run.results)):
            assert secret not in where
