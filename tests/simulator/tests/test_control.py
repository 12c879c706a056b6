"""The control API (/_sim/) and the SimClient helpers the other test suites use."""

import pytest

from sim_helpers import http_session
from veeam_sim.testing import SimError


def test_state_shape(sim):
    state = sim.state()
    job = state["vb365"]["jobs"][0]
    assert {"id", "name", "isEnabled", "lastStatus", "running", "sessions"} <= set(job)
    em_job = state["em"]["jobs"][0]
    assert {"uid", "id", "name", "enabled", "running", "sessions"} <= set(em_job)
    assert state["em"]["logon_sessions"] == 0 and state["em"]["tasks"] == []
    vbr_job = state["vbr"]["jobs"][0]
    assert {"id", "name", "type", "enabled", "running", "lastResult", "sessions"} <= set(vbr_job) and state["vbr"]["tokens"] == 0


def test_default_scenario_mixes_states_without_duplicate_names(sim):
    state = sim.state()
    for api, flag in (("vb365", "isEnabled"), ("em", "enabled"), ("vbr", "enabled")):
        jobs = state[api]["jobs"]
        names = [j["name"] for j in jobs]
        assert len(names) == len(set(names)) >= 5
        assert any(j[flag] for j in jobs) and not all(j[flag] for j in jobs)
        assert sum(j["running"] for j in jobs) == 1
    assert {"Exchange Online Daily", "SharePoint Sites"} <= {j["name"] for j in state["vb365"]["jobs"]}
    assert {"Fileserver Backup", "Linux DB Servers"} <= {j["name"] for j in state["em"]["jobs"]}


def test_request_log_counts_templates_and_writes(sim, vb, em):
    session = vb("v8")
    job_id = session.job_id("Exchange Online Daily")
    sim.clear_requests()
    session.get("Jobs", params={"limit": 1000})
    session.post("Jobs/%s/disable" % job_id)
    session.post("token/logout")
    logon = em()
    logon.get("agents/jobs")
    log = sim.requests()
    assert log["counts"] == {"GET /v8/Jobs": 1, "POST /v8/Jobs/{id}/disable": 1, "POST /v8/token/logout": 1,
                             "POST /api/sessionMngr/": 1, "GET /api/agents/jobs": 1}
    entry = log["requests"][0]
    assert entry["api"] == "vb365" and entry["method"] == "GET" and entry["path"] == "/v8/Jobs"
    assert entry["query"] == "limit=1000" and entry["status"] == 200 and entry["headers"]["Authorization"].startswith("Bearer ")
    assert sim.count("POST", "/v8/Jobs/{id}/disable") == 1 and sim.count("GET", "/nothing") == 0
    assert [(w["method"], w["template"]) for w in sim.writes()] == [("POST", "/v8/Jobs/{id}/disable")]
    sim.clear_requests()
    assert sim.requests() == {"requests": [], "counts": {}}


def test_control_requests_are_never_logged(sim):
    sim.clear_requests()
    sim.state()
    sim.configure(vb365_run_seconds=2)
    assert sim.requests()["requests"] == []


def test_control_api_on_the_em_port_too(sim):
    answer = http_session(sim).get("https://%s:%d/_sim/state" % (sim.host, sim.em_port))
    assert answer.status_code == 200 and "vb365" in answer.json()


def test_reset_restores_everything(sim, vb):
    session = vb("v8")
    sim.configure(vb365_run_seconds=5)
    sim.inject("status", path="nothing")
    session.post("Jobs/%s/disable" % session.job_id("Exchange Online Daily"))
    sim.reset()
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is True
    assert sim.config()["vb365_run_seconds"] == 1.0 and sim.faults() == [] and sim.requests()["requests"] == []
    assert session.get("Jobs").status_code == 401  # tokens are gone too


def test_reset_to_a_custom_scenario(sim):
    result = sim.reset({"vb365": {"jobs": [{"name": "Only", "enabled": False}]}, "em": {"jobs": []}, "generate": {"em_jobs": 3}})
    assert result["vb365_jobs"] == 1 and result["em_jobs"] == 3
    assert sim.vb365_job("Only")["isEnabled"] is False
    assert [j["name"] for j in sim.state()["em"]["jobs"]] == ["Agent Job 0001", "Agent Job 0002", "Agent Job 0003"]
    with pytest.raises(KeyError):
        sim.em_job("Fileserver Backup")


@pytest.mark.parametrize("scenario, message", [
    ({"vb365": {"jobs": [{"name": "x", "colour": "red"}]}}, "unknown keys"),
    ({"em": {"jobs": [{"name": "x", "platform": "AgentForMac"}]}}, "platform"),
    ({"vb365": {"jobs": [{"enabled": True}]}}, "non-empty name"),
    ({"surprise": 1}, "unknown keys"),
])
def test_invalid_scenarios_are_refused(sim, scenario, message):
    answer = sim.session.post(sim.vb365_url + "_sim/reset", json=scenario)
    assert answer.status_code == 400 and message in answer.json()["error"]


def test_config_validation(sim):
    assert sim.configure(em_task_polls=3)["em_task_polls"] == 3
    for bad in ({"nope": 1}, {"vb365_run_seconds": -1}, {"em_operation_finished": "yes"}, {"em_task_polls": 1.5}, {"em_task_seconds": None}):
        answer = sim.session.post(sim.vb365_url + "_sim/config", json=bad)
        assert answer.status_code == 400, bad


def test_unknown_control_endpoint(sim):
    assert sim.session.get(sim.vb365_url + "_sim/nothing").status_code == 404
    assert sim.session.get(sim.vb365_url + "_sim/health").json() == {"ok": True}


def test_sim_client_raises_on_control_errors(sim):
    with pytest.raises(SimError, match="unknown config key"):
        sim.configure(colour="red")
    with pytest.raises(SimError, match="HTTP 400"):
        sim.reset({"vb365": {"jobs": [{"name": "x", "lastStatus": "Great"}]}})
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is True  # a refused reset changes nothing
