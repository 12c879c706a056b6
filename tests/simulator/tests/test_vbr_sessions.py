"""VBR REST API: GET /api/v1/sessions (history, filters, paging) and /api/v1/sessions/{id}."""

from sim_helpers import idle, wait_until

MISSING = "00000000-0000-0000-0000-000000000000"


def test_history_of_one_job_newest_first(vbr, sim):
    sim.configure(vbr_run_seconds=0.2)
    session = vbr()
    job_id = session.job_id("VMware Production VMs")
    for _run in range(2):
        assert session.post("v1/jobs/%s/start" % job_id).status_code == 201
        wait_until(lambda: idle(sim.vbr_job("VMware Production VMs")))
    page = session.get("v1/sessions", params={"jobIdFilter": job_id}).json()
    assert page["pagination"] == {"total": 3, "count": 3, "skip": 0, "limit": 200}
    created = [s["creationTime"] for s in page["data"]]
    assert created == sorted(created, reverse=True)
    assert {s["jobId"] for s in page["data"]} == {job_id} and {s["name"] for s in page["data"]} == {"VMware Production VMs"}
    latest = session.get("v1/sessions", params={"jobIdFilter": job_id, "limit": 1}).json()
    assert latest["data"][0]["id"] == sim.vbr_job("VMware Production VMs")["sessions"][-1]["id"]
    assert latest["pagination"] == {"total": 3, "count": 1, "skip": 0, "limit": 1}


def test_filters(vbr):
    session = vbr()
    working = session.get("v1/sessions", params={"stateFilter": "Working"}).json()["data"]
    assert [s["name"] for s in working] == ["SQL Cluster VMs"]
    failed = session.get("v1/sessions", params={"resultFilter": "Failed"}).json()["data"]
    assert [s["name"] for s in failed] == ["Windows File Servers"]
    both = session.get("v1/sessions", params=[("resultFilter", "Failed"), ("resultFilter", "Warning")]).json()["data"]
    assert sorted(s["name"] for s in both) == ["Hyper-V Hosts", "Test Lab VMs", "Windows File Servers"]
    agents = session.get("v1/sessions", params={"typeFilter": "AgentBackup"}).json()["data"]
    assert [s["name"] for s in agents] == ["Windows File Servers"]
    assert session.get("v1/sessions", params={"jobIdFilter": MISSING}).json()["data"] == []
    assert session.get("v1/sessions", params={"stateFilter": "Sleeping"}).status_code == 400
    ordered = session.get("v1/sessions", params={"orderColumn": "Name", "orderAsc": "true"}).json()["data"]
    assert [s["name"] for s in ordered] == sorted(s["name"] for s in ordered)


def test_paging(vbr, sim):
    sim.reset({"generate": {"vbr_jobs": 30}})
    session = vbr()
    page = session.get("v1/sessions", params={"skip": 25, "limit": 10}).json()
    assert page["pagination"] == {"total": 30, "count": 5, "skip": 25, "limit": 10}
    assert session.get("v1/sessions", params={"limit": -1}).status_code == 400


def test_1_2_shows_only_sessions_of_jobs_it_can_show(vbr, sim):
    old = vbr("1.2-rev1")
    assert {s["name"] for s in old.get("v1/sessions").json()["data"]} == {"VMware Production VMs", "SQL Cluster VMs", "Test Lab VMs"}
    agent_session = sim.vbr_job("Windows File Servers")["sessions"][0]["id"]
    assert old.get("v1/sessions/" + agent_session).status_code == 404
    assert vbr("1.3-rev1").get("v1/sessions/" + agent_session).json()["result"]["result"] == "Failed"


def test_one_session(vbr, sim):
    session = vbr()
    running = sim.vbr_job("SQL Cluster VMs")["sessions"][-1]
    one = session.get("v1/sessions/" + running["id"]).json()
    assert one["id"] == running["id"] and one["state"] == "Working" and "endTime" not in one and one["result"]["result"] == "None"
    missing = session.get("v1/sessions/" + MISSING)
    assert missing.status_code == 404 and missing.json()["errorCode"] == "NotFound" and missing.json()["resourceId"] == MISSING
