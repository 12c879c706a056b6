"""Every fault kind, the rate limit and the request log on VBR paths (api "vbr", templates such as /api/v1/jobs/{id}/start)."""

import time

import pytest
import requests

from sim_helpers import idle, wait_until


def test_status_fault_with_retry_after_is_a_vbr_error(vbr, sim):
    session = vbr()
    sim.inject("status", api="vbr", method="GET", path="/api/v1/jobs/states$", status=503, count=2, retry_after=3)
    first, second, third = (session.get("v1/jobs/states") for _request in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.headers["Retry-After"] == "3"
    assert first.json() == {"errorCode": "ServiceUnavailable", "message": "Injected HTTP 503"}
    assert session.get("v1/jobs").status_code == 200


def test_429_fault(vbr, sim):
    session = vbr()
    sim.inject("status", api="vbr", path="v1/jobs", status=429, retry_after=2)
    answer = session.get("v1/jobs")
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "2" and answer.json()["message"] == "Too many requests"


def test_status_fault_with_and_without_apply(vbr, sim):
    session = vbr()
    job_id = session.job_id("VMware Production VMs")
    sim.inject("status", api="vbr", method="POST", path="/disable$", status=500)
    assert session.post("v1/jobs/%s/disable" % job_id).status_code == 500
    assert sim.vbr_job("VMware Production VMs")["enabled"] is True
    sim.inject("status", api="vbr", method="POST", path="/disable$", status=502, apply=True)
    assert session.post("v1/jobs/%s/disable" % job_id).status_code == 502
    assert sim.vbr_job("VMware Production VMs")["enabled"] is False


def test_reset_fault_with_apply_starts_the_job(vbr, sim):
    session = vbr()
    sim.inject("reset", api="vbr", method="POST", path="/start$", apply=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        session.post("v1/jobs/%s/start" % session.job_id("VMware Production VMs"), json={"performActiveFull": False})
    assert sim.vbr_job("VMware Production VMs")["running"] is True
    assert [r["status"] for r in sim.requests()["requests"] if r["template"] == "/api/v1/jobs/{id}/start"] == [None]


def test_delay_fault(vbr, sim):
    session = vbr()
    sim.inject("delay", api="vbr", path="v1/jobs", seconds=0.5)
    started = time.monotonic()
    assert session.get("v1/jobs").status_code == 200
    assert time.monotonic() - started >= 0.5


def test_expire_fault_invalidates_the_bearer_token(vbr, sim):
    session = vbr()
    sim.inject("expire", api="vbr", method="POST", path="/enable$")
    answer = session.post("v1/jobs/%s/enable" % session.job_id("Test Lab VMs"))
    assert answer.status_code == 401 and answer.json()["errorCode"] == "ExpiredToken" and answer.headers["WWW-Authenticate"] == "Bearer"
    assert session.get("v1/jobs").json()["errorCode"] == "ExpiredToken"
    assert sim.vbr_job("Test Lab VMs")["enabled"] is False
    refresh = {"grant_type": "refresh_token", "refresh_token": session.token["refresh_token"]}
    fresh = session.http.post(session.url("oauth2/token"), data=refresh)
    assert fresh.status_code == 200
    session.http.headers["Authorization"] = "Bearer " + fresh.json()["access_token"]
    assert session.post("v1/jobs/%s/enable" % session.job_id("Test Lab VMs")).status_code == 204


def test_html_and_truncated_faults(vbr, sim):
    session = vbr()
    sim.inject("html", api="vbr", path="states", status=502)
    answer = session.get("v1/jobs/states")
    assert answer.status_code == 502 and answer.headers["Content-Type"].startswith("text/html")
    sim.inject("truncated", api="vbr", path="states")
    cut = session.get("v1/jobs/states")
    assert cut.status_code == 200
    with pytest.raises(ValueError):
        cut.json()


def test_task_fail_and_task_stuck_on_started_sessions(vbr, sim):
    sim.configure(vbr_run_seconds=0.2, vbr_stop_seconds=0.1)
    session = vbr()
    sim.inject("task_fail", api="vbr", path="/start$", message="Unable to allocate processing resources.")
    assert session.get("v1/jobs").status_code == 200 and len(sim.faults()) == 1  # reads do not use it up
    started = session.post("v1/jobs/%s/start" % session.job_id("VMware Production VMs")).json()
    wait_until(lambda: idle(sim.vbr_job("VMware Production VMs")))
    ended = session.get("v1/sessions/" + started["id"]).json()
    assert ended["result"] == {"result": "Failed", "message": "Unable to allocate processing resources.", "isCanceled": False}
    assert session.state("VMware Production VMs")["lastResult"] == "Failed"
    sim.inject("task_stuck", api="vbr", path="/start$")
    stuck = session.post("v1/jobs/%s/start" % session.job_id("Hyper-V Hosts")).json()
    session.post("v1/jobs/%s/stop" % session.job_id("Hyper-V Hosts"))
    time.sleep(0.5)
    assert sim.vbr_job("Hyper-V Hosts")["running"] is True
    assert session.get("v1/sessions/" + stuck["id"]).json()["state"] == "Stopping"


@pytest.mark.parametrize("by", ["name", "id"])
def test_flip_behind(vbr, sim, by):
    session = vbr()
    job = sim.vbr_job("VMware Production VMs")
    sim.inject("flip_behind", api="vbr", method="GET", path="/api/v1/jobs/states$", job=job[by])
    states = {s["name"]: s for s in session.get("v1/jobs/states").json()["data"]}
    assert states["VMware Production VMs"]["status"] == "Inactive"  # the answer shows the state before the flip
    assert sim.vbr_job("VMware Production VMs")["enabled"] is False
    assert session.state("VMware Production VMs")["status"] == "Disabled"


def test_delete_behind(vbr, sim):
    session = vbr()
    job_id = session.job_id("VMware Production VMs")
    sim.inject("delete_behind", api="vbr", method="GET", path="/api/v1/jobs$", job="VMware Production VMs")
    assert len(session.get("v1/jobs").json()["data"]) == 7
    assert session.post("v1/jobs/%s/disable" % job_id).status_code == 404
    assert session.get("v1/jobs").json()["pagination"]["total"] == 6


def test_faults_match_the_vbr_api_only(vbr, vb, sim):
    session = vbr()
    sim.inject("status", api="vb365", status=500)
    sim.inject("status", api="em", status=500)
    assert session.get("v1/jobs").status_code == 200
    sim.clear_faults()
    sim.inject("status", api="vbr", status=500)
    assert vb("v8").get("Jobs").status_code == 200
    assert session.get("v1/jobs").status_code == 500


def test_rate_limit_counts_per_api(vbr, vb, sim):
    session = vbr()
    other = vb("v8")
    sim.configure(rate_limit_per_second=2)
    statuses = [session.get("v1/jobs").status_code for _request in range(3)]
    assert statuses == [200, 200, 429]
    assert other.get("Jobs").status_code == 200
    limited = session.get("v1/jobs")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1" and limited.json()["errorCode"] == "ServiceUnavailable"


def test_request_log_counts_and_writes(vbr, sim):
    session = vbr("1.2-rev1")
    job_id = session.job_id("VMware Production VMs")
    sim.clear_requests()
    session.get("v1/jobs", params={"limit": 10})
    session.post("v1/jobs/%s/disable" % job_id)
    session.post("oauth2/logout")
    vbr("1.2-rev1")
    assert sim.requests()["counts"] == {"GET /api/v1/jobs": 1, "POST /api/v1/jobs/{id}/disable": 1, "POST /api/oauth2/logout": 1,
                                        "POST /api/oauth2/token": 1}
    assert sim.count("POST", "/api/v1/jobs/{id}/disable") == 1
    entry = sim.requests()["requests"][0]
    assert entry["api"] == "vbr" and entry["query"] == "limit=10" and entry["headers"]["x-api-version"] == "1.2-rev1"
    assert [(w["method"], w["template"]) for w in sim.writes()] == [("POST", "/api/v1/jobs/{id}/disable")]


def test_control_api_on_the_vbr_port(sim):
    root = sim.vbr_url.replace("/api/", "/")
    state = sim.session.get(root + "_sim/state").json()
    assert {"vb365", "em", "vbr"} <= set(state) and len(state["vbr"]["jobs"]) == 7
    assert sim.session.post(root + "_sim/faults", json={"kind": "status", "api": "vbr"}).status_code == 200
