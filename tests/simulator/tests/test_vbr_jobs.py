"""VBR REST API: GET /api/v1/jobs, /api/v1/jobs/{id} and /api/v1/jobs/states per revision; paging, filters, order."""

import time

import pytest

MISSING = "00000000-0000-0000-0000-000000000000"


def names(answer):
    assert answer.status_code == 200, answer.text
    return [item["name"] for item in answer.json()["data"]]


def test_1_3_lists_every_type_and_1_2_only_vsphere_backups(vbr, sim):
    jobs = vbr("1.3-rev1").get("v1/jobs").json()
    assert {job["type"] for job in jobs["data"]} == {"VSphereBackup", "HyperVBackup", "BackupCopy", "WindowsAgentBackup", "LinuxAgentBackup"}
    assert jobs["pagination"] == {"total": 7, "count": 7, "skip": 0, "limit": 200}
    old = vbr("1.2-rev1")
    listed = old.get("v1/jobs").json()["data"]
    assert [(job["name"], job["type"]) for job in listed] == [("VMware Production VMs", "Backup"), ("SQL Cluster VMs", "Backup"),
                                                              ("Test Lab VMs", "Backup")]
    assert listed[0]["virtualMachines"]["includes"][0]["platform"] == "VMware"
    assert old.get("v1/jobs/" + old.job_id("Hyper-V Hosts")).status_code == 404
    assert old.post("v1/jobs/%s/disable" % old.job_id("Hyper-V Hosts")).status_code == 404
    assert sim.vbr_job("Hyper-V Hosts")["enabled"] is True


def test_job_by_id(vbr):
    session = vbr()
    job = session.get("v1/jobs/" + session.job_id("Test Lab VMs")).json()
    assert job["isDisabled"] is True and job["type"] == "VSphereBackup" and job["virtualMachines"]["includes"][0]["platform"] == "VSphere"
    agent = session.get("v1/jobs/" + session.job_id("Windows File Servers")).json()
    assert agent["computers"][0]["type"] == "WindowsComputer" and agent["backupMode"] == "EntireComputer"
    missing = session.get("v1/jobs/" + MISSING)
    assert missing.status_code == 404
    assert missing.json() == {"errorCode": "NotFound", "message": "Job %s was not found." % MISSING, "resourceId": MISSING}
    assert session.get("v1/jobs/not-a-guid").status_code == 404


def test_paging_with_generated_jobs(vbr, sim):
    assert sim.reset({"generate": {"vbr_jobs": 450}})["vbr_jobs"] == 450
    session = vbr("1.2-rev1")
    first = session.get("v1/jobs").json()
    assert first["pagination"] == {"total": 450, "count": 200, "skip": 0, "limit": 200}
    assert first["data"][0]["name"] == "VBR Job 0001" and first["data"][-1]["name"] == "VBR Job 0200"
    last = session.get("v1/jobs", params={"skip": 400, "limit": 100}).json()
    assert last["pagination"] == {"total": 450, "count": 50, "skip": 400, "limit": 100}
    assert session.get("v1/jobs", params={"skip": 1000}).json()["pagination"]["count"] == 0
    states = session.get("v1/jobs/states", params={"skip": 10, "limit": 5}).json()
    assert [s["name"] for s in states["data"]] == ["VBR Job %04d" % n for n in range(11, 16)]
    assert states["pagination"]["total"] == 450
    for bad in ({"skip": -1}, {"limit": 0}, {"limit": "many"}, {"skip": 2 ** 31}):
        answer = session.get("v1/jobs", params=bad)
        assert answer.status_code == 400 and answer.json()["errorCode"] == "UnexpectedContent", bad


def test_name_type_filters_and_order(vbr):
    session = vbr()
    assert names(session.get("v1/jobs", params={"nameFilter": "*VMs"})) == ["VMware Production VMs", "SQL Cluster VMs", "Test Lab VMs"]
    assert names(session.get("v1/jobs", params={"nameFilter": "vmware*"})) == ["VMware Production VMs"]
    assert names(session.get("v1/jobs", params={"nameFilter": "*backup*"})) == ["Offsite Backup Copy"]
    assert names(session.get("v1/jobs", params={"nameFilter": "Hyper-V Hosts"})) == ["Hyper-V Hosts"]
    assert names(session.get("v1/jobs", params={"typeFilter": "HyperVBackup"})) == ["Hyper-V Hosts"]
    assert names(session.get("v1/jobs", params={"typeFilter": "FileBackup"})) == []
    assert session.get("v1/jobs", params={"typeFilter": "Tape"}).status_code == 400
    assert vbr("1.2-rev1").get("v1/jobs", params={"typeFilter": "VSphereBackup"}).status_code == 400
    ordered = names(session.get("v1/jobs", params={"orderColumn": "Name", "orderAsc": "false", "limit": 2}))
    assert ordered == ["Windows File Servers", "VMware Production VMs"]
    assert session.get("v1/jobs", params={"orderColumn": "Colour"}).status_code == 400


@pytest.mark.parametrize("revision, running, idle, disabled, workload", [
    ("1.2-rev1", "running", "inactive", "disabled", "vm"),
    ("1.3-rev1", "Running", "Inactive", "Disabled", "Vm"),
])
def test_states_per_revision(vbr, sim, revision, running, idle, disabled, workload):
    session = vbr(revision)
    states = {s["name"]: s for s in session.get("v1/jobs/states").json()["data"]}
    busy = states["SQL Cluster VMs"]
    assert busy["status"] == running and busy["lastResult"] == "None" and busy["workload"] == workload
    assert busy["sessionId"] == sim.vbr_job("SQL Cluster VMs")["sessions"][-1]["id"]
    assert states["VMware Production VMs"]["status"] == idle and states["VMware Production VMs"]["lastResult"] == "Success"
    assert "nextRun" in states["VMware Production VMs"] and "lastRun" in states["VMware Production VMs"]
    assert states["Test Lab VMs"]["status"] == disabled and "nextRun" not in states["Test Lab VMs"]
    assert states["Test Lab VMs"]["lastResult"] == "Warning"
    assert ("highPriority" in busy) == (revision == "1.3-rev1")


def test_state_filters(vbr):
    session = vbr()
    assert names(session.get("v1/jobs/states", params={"statusFilter": "Running"})) == ["SQL Cluster VMs"]
    assert names(session.get("v1/jobs/states", params={"statusFilter": "Disabled"})) == ["Test Lab VMs"]
    assert names(session.get("v1/jobs/states", params={"lastResultFilter": "Failed"})) == ["Windows File Servers"]
    assert names(session.get("v1/jobs/states", params={"idFilter": session.job_id("Hyper-V Hosts")})) == ["Hyper-V Hosts"]
    assert names(session.get("v1/jobs/states", params={"nameFilter": "linux*", "typeFilter": "LinuxAgentBackup"})) == ["Linux App Servers"]
    linux = session.state("Linux App Servers")
    assert linux["lastResult"] == "None" and "lastRun" not in linux and "sessionId" not in linux and linux["workload"] == "Server"
    assert session.get("v1/jobs/states", params={"statusFilter": "Sleeping"}).status_code == 400
    assert vbr("1.2-rev1").get("v1/jobs/states", params={"statusFilter": "Starting"}).status_code == 400
    ordered = names(session.get("v1/jobs/states", params={"orderColumn": "LastRun", "orderAsc": "true"}))
    assert ordered[-1] == "Linux App Servers" and ordered[-2] == "SQL Cluster VMs"


def test_scenario_vbr_section_is_validated(sim):
    for bad, message in (({"vbr": {"jobs": [{"name": "x", "type": "Tape"}]}}, "type"),
                         ({"vbr": {"jobs": [{"name": "x", "colour": "red"}]}}, "unknown keys"),
                         ({"vbr": {"jobs": [{"name": "x", "lastResult": "Great"}]}}, "lastResult"),
                         ({"vbr": {"jobs": [{}]}}, "non-empty name"), ({"vbr": []}, "vbr must be")):
        answer = sim.session.post(sim.vbr_url.replace("/api/", "/") + "_sim/reset", json=bad)
        assert answer.status_code == 400 and message in answer.json()["error"], bad
    assert sim.reset({"vbr": {"jobs": [{"name": "Only", "type": "BackupCopy", "enabled": False}]}})["vbr_jobs"] == 1
    assert sim.vbr_job("Only")["enabled"] is False and sim.vbr_job("Only")["type"] == "BackupCopy"


def test_five_thousand_jobs_stay_fast(vbr, sim):
    sim.reset({"generate": {"vbr_jobs": 5000}})
    session = vbr()
    started = time.monotonic()
    seen = []
    for skip in range(0, 5000, 1000):
        page = session.get("v1/jobs/states", params={"skip": skip, "limit": 1000}).json()
        seen += [state["name"] for state in page["data"]]
    assert len(seen) == 5000 and seen[-1] == "VBR Job 5000"
    assert names(session.get("v1/jobs", params={"nameFilter": "VBR Job 4999"})) == ["VBR Job 4999"]
    assert time.monotonic() - started < 10
