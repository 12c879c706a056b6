"""Every fault kind of the control API, on both APIs."""

import threading
import time

import pytest
import requests

from sim_helpers import NS, idle, wait_until, xml
from test_em_tasks import act


def test_status_fault_answers_n_times_then_recovers(vb, sim):
    session = vb("v8")
    sim.inject("status", api="vb365", method="GET", path="/Jobs$", status=503, count=2, retry_after=1)
    first, second, third = session.get("Jobs"), session.get("Jobs"), session.get("Jobs")
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.headers["Retry-After"] == "1" and first.json()["message"] == "Injected HTTP 503"
    assert sim.faults() == []


def test_status_fault_without_apply_does_not_perform_the_write(vb, sim):
    session = vb("v8")
    sim.inject("status", api="vb365", method="POST", path="/disable", status=500)
    assert session.post("Jobs/%s/disable" % session.job_id("Exchange Online Daily")).status_code == 500
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is True


def test_status_fault_with_apply_performs_the_write_first(vb, sim):
    session = vb("v8")
    sim.inject("status", api="vb365", method="POST", path="/disable", status=502, apply=True)
    assert session.post("Jobs/%s/disable" % session.job_id("Exchange Online Daily")).status_code == 502
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is False


def test_status_fault_on_em_is_an_error_document(em, sim):
    session = em()
    sim.inject("status", api="em", path="agents/jobs", status=500)
    answer = session.get("agents/jobs")
    assert answer.status_code == 500 and xml(answer).get("StatusCode") == "500"


def test_429_fault_with_retry_after(vb, sim):
    session = vb("v8")
    sim.inject("status", api="vb365", path="Jobs", status=429, retry_after=2)
    answer = session.get("Jobs")
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "2"


def test_reset_fault_closes_the_connection(vb, sim):
    session = vb("v8")
    sim.inject("reset", api="vb365", path="Jobs")
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get("Jobs")
    assert session.get("Jobs").status_code == 200
    assert [r["status"] for r in sim.requests()["requests"] if r["path"].endswith("Jobs")] == [None, 200]


def test_reset_fault_with_apply_performs_the_write(vb, sim):
    session = vb("v8")
    sim.inject("reset", api="vb365", method="POST", path="/disable", apply=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        session.post("Jobs/%s/disable" % session.job_id("Exchange Online Daily"))
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is False


def test_delay_fault(vb, sim):
    session = vb("v8")
    sim.inject("delay", api="vb365", path="Jobs", seconds=0.5)
    started = time.monotonic()
    assert session.get("Jobs").status_code == 200
    assert time.monotonic() - started >= 0.5
    with pytest.raises(requests.exceptions.Timeout):
        sim.inject("delay", api="vb365", path="Jobs", seconds=1)
        session.http.get(session.url("Jobs"), timeout=0.3)


def test_expire_fault_on_vb365_invalidates_the_token(vb, sim):
    session = vb("v8")
    sim.inject("expire", api="vb365", method="POST", path="/disable")
    answer = session.post("Jobs/%s/disable" % session.job_id("Exchange Online Daily"))
    assert answer.status_code == 401
    assert session.get("Jobs").status_code == 401
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is True
    assert vb("v8").post("Jobs/%s/disable" % session.job_id("Exchange Online Daily")).status_code == 204


def test_expire_fault_on_em_ends_the_logon_session(em, sim):
    session = em()
    sim.inject("expire", api="em", path="agents/jobs")
    answer = session.get("agents/jobs")
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Basic Realm=RestSvc"
    assert session.get("query?type=AgentBackupJob").status_code == 401
    assert sim.state()["em"]["logon_sessions"] == 0


@pytest.mark.parametrize("status", [200, 502])
def test_html_fault(vb, sim, status):
    session = vb("v8")
    sim.inject("html", api="vb365", path="Jobs", status=status)
    answer = session.get("Jobs")
    assert answer.status_code == status and answer.headers["Content-Type"].startswith("text/html")
    assert answer.text.startswith("<!DOCTYPE html>")


def test_truncated_fault(vb, em, sim):
    session = vb("v8")
    sim.inject("truncated", api="vb365", path="Jobs")
    answer = session.get("Jobs")
    assert answer.status_code == 200
    with pytest.raises(ValueError):
        answer.json()
    sim.inject("truncated", api="em", path="agents")
    cut = em().get("agents/jobs")
    assert cut.status_code == 200 and not cut.text.rstrip().endswith("</EntityReferences>")


def test_task_fail_fault(em, sim):
    session = em()
    sim.inject("task_fail", api="em", path="action=toggleScheduleEnabled", message="Access denied for this job.")
    task_id, _accepted = act(session, sim.em_job("Fileserver Backup")["id"], "toggleScheduleEnabled")
    result = xml(session.wait_task(task_id)).find(NS + "Result")
    assert result.get("Success") == "false" and result.find(NS + "Message").text == "Access denied for this job."
    assert sim.em_job("Fileserver Backup")["enabled"] is True


def test_task_faults_skip_requests_that_create_no_task(em, sim):
    session = em()
    sim.inject("task_stuck", api="em")
    assert session.get("agents/jobs").status_code == 200
    assert len(sim.faults()) == 1
    task_id, _accepted = act(session, sim.em_job("Fileserver Backup")["id"], "toggleScheduleEnabled")
    time.sleep(0.4)
    assert [xml(session.get("tasks/" + task_id)).find(NS + "State").text for _poll in range(3)] == ["Running"] * 3
    assert sim.em_job("Fileserver Backup")["enabled"] is True


def test_task_faults_on_vb365_sessions(vb, sim):
    sim.configure(vb365_run_seconds=0.2)
    session = vb("v8")
    sim.inject("task_fail", api="vb365", path="/start", message="Proxy is offline.")
    session.post("Jobs/%s/start" % session.job_id("Exchange Online Daily"), json={"full": False})
    failed = wait_until(lambda: idle(sim.vb365_job("Exchange Online Daily")))
    assert failed["lastStatus"] == "Failed" and failed["sessions"][-1]["details"] == "Proxy is offline."
    sim.inject("task_stuck", api="vb365", path="/start")
    session.post("Jobs/%s/start" % session.job_id("SharePoint Sites"), json={"full": False})
    session.post("Jobs/%s/stop" % session.job_id("SharePoint Sites"))
    time.sleep(0.5)
    assert sim.vb365_job("SharePoint Sites")["running"] is True


@pytest.mark.parametrize("by", ["name", "id"])
def test_flip_behind_on_vb365(vb, sim, by):
    session = vb("v8")
    job = sim.vb365_job("Exchange Online Daily")
    sim.inject("flip_behind", api="vb365", method="GET", path="/Jobs$", job=job[by])
    listed = {j["name"]: j for j in session.get("Jobs").json()["results"]}
    assert listed["Exchange Online Daily"]["isEnabled"] is True  # the answer shows the state before the flip
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is False
    assert session.post("Jobs/%s/disable" % job["id"]).status_code == 409


def test_flip_behind_on_em(em, sim):
    session = em(as_json=True)
    job = sim.em_job("Fileserver Backup")
    sim.inject("flip_behind", api="em", method="GET", path="format=Entity", job="Fileserver Backup")
    assert session.get("agents/jobs/%s?format=Entity" % job["id"]).json()["ScheduleEnabled"] is True
    assert sim.em_job("Fileserver Backup")["enabled"] is False


def test_delete_behind(vb, em, sim):
    session = vb("v8")
    job_id = session.job_id("Exchange Online Daily")
    sim.inject("delete_behind", api="vb365", method="GET", path="/Jobs$", job="Exchange Online Daily")
    assert len(session.get("Jobs").json()["results"]) == 6
    assert session.post("Jobs/%s/disable" % job_id).status_code == 404
    em_job = sim.em_job("Fileserver Backup")
    sim.inject("delete_behind", api="em", method="GET", job=em_job["id"])
    assert em().get("agents/jobs").status_code == 200
    assert "Fileserver Backup" not in [j["name"] for j in sim.state()["em"]["jobs"]]


def test_faults_match_api_method_and_path(vb, sim):
    session = vb("v8")
    sim.inject("status", api="em", status=500)
    sim.inject("status", api="vb365", method="POST", status=500)
    sim.inject("status", api="vb365", path="JobSessions", status=500)
    assert session.get("Jobs").status_code == 200
    assert session.get("JobSessions").status_code == 500
    assert len(sim.faults()) == 2
    sim.clear_faults()
    assert sim.faults() == []


def test_rate_limit(vb, sim):
    session = vb("v8")
    sim.configure(rate_limit_per_second=3)
    statuses = [session.get("Jobs").status_code for _request in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    limited = session.get("Jobs")
    assert limited.headers["Retry-After"] == "1"
    time.sleep(1.05)
    assert session.get("Jobs").status_code == 200


def test_latency_delays_every_answer_without_serialising_clients(sim):
    sim.configure(latency_seconds=0.4)
    timings = []

    def timed_get():
        started = time.monotonic()
        answer = requests.get(sim.vb365_url + "v8/Jobs", verify=sim.ca_path, timeout=5)
        timings.append((answer.status_code, time.monotonic() - started))

    started = time.monotonic()
    threads = [threading.Thread(target=timed_get) for _thread in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    overall = time.monotonic() - started
    assert [status for status, _seconds in timings] == [401, 401, 401]
    assert all(seconds >= 0.4 for _status, seconds in timings), timings
    # Three answers, one latency: the simulator serves connections side by side.
    assert overall < 0.4 * 2, overall


@pytest.mark.parametrize("spec, message", [
    ({"kind": "explode"}, "fault kind"),
    ({"kind": "status", "api": "vbr365"}, "api"),
    ({"kind": "status", "path": "("}, "regular expression"),
    ({"kind": "status", "count": 0}, "count"),
    ({"kind": "flip_behind"}, "needs `job`"),
    ({"kind": "status", "colour": "red"}, "unknown fault keys"),
])
def test_invalid_faults_are_refused(sim, spec, message):
    answer = sim.session.post(sim.vb365_url + "_sim/faults", json=spec)
    assert answer.status_code == 400 and message in answer.json()["error"]
