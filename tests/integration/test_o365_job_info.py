"""veeam_o365_job_info through real ansible-playbook runs against the simulator."""

import time

import pytest
import requests

MODULE = "veeam_o365_job_info"


def test_lists_every_job_with_its_state(ansible, sim):
    expected = {j["name"]: j for j in sim.state()["vb365"]["jobs"]}
    sim.clear_requests()
    result = ansible.task(MODULE, check=True)
    assert result["changed"] is False
    assert {j["name"] for j in result["jobs"]} == set(expected)
    for entry in result["jobs"]:
        assert entry["enabled"] == expected[entry["name"]]["isEnabled"]
        assert entry["running"] == expected[entry["name"]]["running"]
        assert entry["last_status"] == expected[entry["name"]]["lastStatus"]
    assert sim.writes() == []
    assert sim.count("GET", "/v8/Jobs") == 1


def test_selects_by_name_with_sessions(ansible, sim):
    sim.configure(vb365_run_seconds=0.2)
    name = next(j["name"] for j in sim.state()["vb365"]["jobs"] if j["isEnabled"] and not j["running"])
    ansible.task("veeam_o365_job", name=name, state="running", wait_for_completion=True, wait_sleep=0.2)
    result = ansible.task(MODULE, name=name, sessions=2)
    assert [j["name"] for j in result["jobs"]] == [name]
    newest = result["jobs"][0]["sessions"][0]
    # One shape with the agent info module: the state says whether it ended, the result how.
    assert (newest["state"], newest["result"]) == ("Stopped", "Success")
    assert set(newest) == {"id", "state", "result", "creation_time", "end_time", "details"}


def test_unknown_name_fails(ansible, sim):
    result = ansible.task(MODULE, name="No Such Job")
    assert result["failed"] is True
    assert "no job is named 'No Such Job'" in result["msg"]


def test_older_api_versions_read_the_plain_list(ansible, sim):
    for version in ("v2", "v5", "v7"):
        sim.clear_requests()
        result = ansible.task(MODULE, api_version=version)
        assert len(result["jobs"]) == len(sim.state()["vb365"]["jobs"])
        assert sim.count("GET", "/%s/Jobs" % version) == 1


def run_many_times(sim, name, runs):
    """Start a job `runs` times over the API itself (each run ends before the next starts), so that it has pages of sessions."""
    sim.configure(vb365_run_seconds=0.01)
    http = requests.Session()
    # No environment: REQUESTS_CA_BUNDLE would override the simulator's CA, a proxy would not reach it.
    http.trust_env = False
    http.verify = sim.ca_path
    form = dict(grant_type="password", username=sim.username, password=sim.password, disable_antiforgery_token="true")
    http.headers["Authorization"] = "Bearer " + http.post(sim.vb365_url + "v8/token", data=form, timeout=10).json()["access_token"]
    job_id = sim.vb365_job(name)["id"]
    for _run in range(runs):
        deadline = time.monotonic() + 5
        while http.post(sim.vb365_url + "v8/Jobs/%s/start" % job_id, json={"full": False}, timeout=10).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    time.sleep(0.05)
    return sorted(sim.vb365_job(name)["sessions"], key=lambda s: s["creationTime"], reverse=True)


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
def test_sessions_are_the_newest_across_every_page(ansible, sim, version):
    name = "Exchange Online Daily"
    newest = run_many_times(sim, name, 34)
    assert len(newest) > 30  # more than the documented default page
    sim.clear_requests()
    result = ansible.task(MODULE, api_version=version, name=name, sessions=3)
    assert not result.get("failed"), result
    assert [s["id"] for s in result["jobs"][0]["sessions"]] == [s["id"] for s in newest[:3]]
    assert [s["result"] for s in result["jobs"][0]["sessions"]] == ["Success"] * 3


@pytest.mark.parametrize("module", [MODULE, "veeam_agent_job_info"])
def test_negative_sessions_fail_before_any_request(ansible, sim, module):
    sim.clear_requests()
    result = ansible.task(module, sessions=-1)
    assert result["failed"] is True and "sessions must be 0 or more, got -1" in result["msg"], result
    assert sim.requests()["requests"] == []


def test_a_404_on_the_token_path_at_the_em_port_names_the_port_and_enterprise_manager(ansible, sim):
    result = ansible.task(MODULE, port=sim.em_port)
    assert result["failed"] is True
    # EM's own error answers the 404: the message names that API rather than blaming api_version.
    assert "port %d answers like the Veeam Backup Enterprise Manager REST API" % sim.em_port in result["msg"], result
    assert "listens on 4443 by default" in result["msg"] and sim.password not in str(result)


def test_a_404_on_the_logon_path_at_the_vb365_port_names_the_port_and_vb365(ansible, sim):
    result = ansible.task("veeam_agent_job_info", port=sim.vb365_port)
    assert result["failed"] is True
    assert "port %d answers like the Veeam Backup for Microsoft 365 REST API" % sim.vb365_port in result["msg"], result
    assert "Check server and port: the Veeam Backup Enterprise Manager REST API listens on 9398 by default" in result["msg"], result
    assert sim.password not in str(result)
