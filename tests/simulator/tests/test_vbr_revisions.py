"""VBR REST API per release and revision: which revisions a server serves, the refusal, the Swagger stub, each revision's
enums and shapes, jobs listed only in job states, a disabled job whose session still runs, the stop body, start without objects."""

import pytest

from sim_helpers import http_session, idle, wait_until
from veeam_sim.testing import SimProcess
from veeam_sim.vbrrev import RELEASES, REVISIONS

MISSING = "00000000-0000-0000-0000-000000000000"
STATES_ONLY = [{"name": "Legacy Copy", "type": "LegacyBackupCopy", "lastResult": "Success"},
               {"name": "Azure VMs Policy", "type": "CloudBackupAzure", "lastResult": "Warning", "running": True},
               {"name": "Tape Weekly", "type": "Unknown", "enabled": False}]


def refusal(served):
    return "Unsupported RESTAPI version. The following versions are supported: %s." % ", ".join("v" + name for name in served)


def token(sim, revision, **form):
    http = http_session(sim)
    if revision is not None:
        http.headers["x-api-version"] = revision
    return http.post(sim.vbr_url + "oauth2/token", data=dict({"grant_type": "password", "username": sim.username,
                                                              "password": sim.password}, **form))


@pytest.mark.parametrize("release, newest", RELEASES)
def test_a_release_serves_its_revision_and_the_older_ones(sim, release, newest):
    config = sim.configure(vbr_release=release)
    served = list(REVISIONS[:REVISIONS.index(newest) + 1])
    assert config["vbr_release"] == release and config["vbr_api_versions"] == served
    for revision in REVISIONS:
        answer = token(sim, revision)
        if revision in served:
            assert answer.status_code == 200, (revision, answer.text)
        else:
            code = "NotImplemented" if release == "13.1" else "UnexpectedContent"
            assert (answer.status_code, answer.json()) == (400, {"errorCode": code, "message": refusal(served)})


@pytest.mark.parametrize("header", [None, "", "1.0-rev2", "1.3-rev3", "v1.1-rev0", "1.1"])
def test_a_missing_or_unknown_revision_is_refused_on_every_request(vbr, sim, header):
    sim.configure(vbr_release="12.3.1")
    session = vbr("1.2-rev1")
    if header is None:
        del session.http.headers["x-api-version"]
    else:
        session.http.headers["x-api-version"] = header
    for answer in (token(sim, header), session.get("v1/jobs"), session.post("v1/jobs/%s/start" % MISSING), session.post("oauth2/logout")):
        assert answer.status_code == 400
        assert answer.json() == {"errorCode": "UnexpectedContent", "message": refusal(REVISIONS[:5])}


def test_an_explicit_list_overrides_the_release_and_reset_restores_the_start_up_choice(sim):
    assert sim.configure(vbr_api_versions=["1.3-rev1", "1.1-rev0"])["vbr_release"] is None
    assert sim.config()["vbr_api_versions"] == ["1.1-rev0", "1.3-rev1"]
    assert token(sim, "1.2-rev1").json()["message"] == refusal(["1.1-rev0", "1.3-rev1"])
    assert sim.configure(vbr_release="12.0")["vbr_api_versions"] == ["1.1-rev0"]
    sim.reset()
    assert sim.config()["vbr_release"] == "13.1" and sim.config()["vbr_api_versions"] == list(REVISIONS)
    control = sim.vbr_url.replace("/api/", "/_sim/config")
    for bad in ({"vbr_release": "12.4"}, {"vbr_release": None}, {"vbr_release": 13}, {"vbr_release": "12.0", "vbr_api_versions": ["1.1-rev0"]},
                {"vbr_api_versions": ["1.4-rev0"]}):
        assert sim.session.post(control, json=bad).status_code == 400, bad


def test_the_command_line_picks_a_release(tmp_path):
    with SimProcess(["--vbr-release", "12.2"], state_dir=str(tmp_path / "release")) as client:
        assert client.info["vbr_release"] == "12.2" and client.info["vbr_api_versions"] == ["1.1-rev0", "1.1-rev1", "1.1-rev2"]
        assert token(client, "1.1-rev2").status_code == 200
        assert token(client, "1.2-rev0").json()["message"] == refusal(["1.1-rev0", "1.1-rev1", "1.1-rev2"])
        client.configure(vbr_release="13.1")
        client.reset()
        assert client.config()["vbr_release"] == "12.2"
    with SimProcess(["--vbr-release", "12.0", "--vbr-api-versions", "1.3-rev2,1.2-rev1"], state_dir=str(tmp_path / "list")) as client:
        assert client.config()["vbr_release"] is None and client.config()["vbr_api_versions"] == ["1.2-rev1", "1.3-rev2"]


def test_swagger_stub_for_each_served_revision(sim):
    sim.configure(vbr_release="13.0")
    http = http_session(sim)
    root = sim.vbr_url.replace("/api/", "/")
    sim.clear_requests()
    for revision in REVISIONS:
        answer = http.get(root + "swagger/v%s/swagger.json" % revision)
        if revision in REVISIONS[:6]:
            assert answer.status_code == 200
            assert answer.json() == {"openapi": "3.0.1", "info": {"title": "Veeam Backup & Replication REST API", "version": revision}, "paths": {}}
        else:
            assert answer.status_code == 404
    assert http.post(root + "swagger/v1.3-rev0/swagger.json").status_code == 405
    assert sim.count("GET", "/swagger/v1.3-rev0/swagger.json") == 1 and sim.count("GET", "/swagger/v1.3-rev2/swagger.json") == 1


@pytest.mark.parametrize("revision, vsphere, statuses, workload, session_type, job_id_field", [
    ("1.1-rev0", "Backup", ("running", "inactive", "disabled"), "vm", "Job", "activityId"),
    ("1.1-rev2", "Backup", ("running", "inactive", "disabled"), "vm", "Job", "activityId"),
    ("1.2-rev0", "Backup", ("running", "inactive", "disabled"), "vm", "BackupJob", "jobId"),
    ("1.2-rev1", "Backup", ("running", "inactive", "disabled"), "vm", "BackupJob", "jobId"),
    ("1.3-rev0", "VSphereBackup", ("running", "inactive", "disabled"), "vm", "BackupJob", "jobId"),
    ("1.3-rev1", "VSphereBackup", ("Running", "Inactive", "Disabled"), "Vm", "BackupJob", "jobId"),
    ("1.3-rev2", "VSphereBackup", ("Running", "Inactive", "Disabled"), "Vm", "BackupJob", "jobId"),
])
def test_each_revision_in_its_own_spelling(vbr, sim, revision, vsphere, statuses, workload, session_type, job_id_field):
    session = vbr(revision)
    states = {state["name"]: state for state in session.get("v1/jobs/states").json()["data"]}
    assert len(states) == (7 if vsphere == "VSphereBackup" else 3)
    assert states["VMware Production VMs"]["type"] == vsphere and states["VMware Production VMs"]["workload"] == workload
    assert (states["SQL Cluster VMs"]["status"], states["VMware Production VMs"]["status"], states["Test Lab VMs"]["status"]) == statuses
    assert ("highPriority" in states["SQL Cluster VMs"]) == (vsphere == "VSphereBackup")
    for status in statuses:
        assert session.get("v1/jobs/states", params={"statusFilter": status}).status_code == 200
    other = statuses[0].swapcase()[0] + statuses[0][1:]
    assert session.get("v1/jobs/states", params={"statusFilter": "Sleeping"}).status_code == 400
    assert session.get("v1/jobs/states", params={"statusFilter": other}).status_code == 200  # enum values match case-insensitively
    assert [job["type"] for job in session.get("v1/jobs", params={"typeFilter": vsphere}).json()["data"]] == [vsphere] * 3
    running = session.get("v1/sessions/" + sim.vbr_job("SQL Cluster VMs")["sessions"][-1]["id"]).json()
    assert running["sessionType"] == session_type and running[job_id_field] == sim.vbr_job("SQL Cluster VMs")["id"]
    assert ("platformName" in running) == (job_id_field == "jobId") and ("jobId" in running) != ("activityId" in running)
    by_type = session.get("v1/sessions", params={"typeFilter": session_type, "jobIdFilter": sim.vbr_job("SQL Cluster VMs")["id"]})
    assert [s["id"] for s in by_type.json()["data"]] == [running["id"], sim.vbr_job("SQL Cluster VMs")["sessions"][0]["id"]]
    assert session.get("v1/sessions", params={"typeFilter": "BackupJob" if session_type == "Job" else "Job"}).status_code == 400


def test_job_types_grow_and_starting_stopping_appear_with_1_3(vbr, sim):
    sim.configure(vbr_stop_seconds=0.5)
    old, zero, new = vbr("1.2-rev1"), vbr("1.3-rev0"), vbr("1.3-rev2")
    assert old.get("v1/jobs", params={"typeFilter": "VSphereBackup"}).status_code == 400
    assert old.get("v1/jobs", params={"typeFilter": "FileBackupCopy"}).json()["data"] == []
    assert vbr("1.1-rev0").get("v1/jobs", params={"typeFilter": "FileBackupCopy"}).status_code == 400
    assert vbr("1.1-rev1").get("v1/jobs", params={"typeFilter": "VSphereReplica"}).status_code == 200  # its changelog added it
    assert zero.get("v1/jobs", params={"typeFilter": "CloudBackupAzure"}).status_code == 400
    assert new.get("v1/jobs", params={"typeFilter": "ProxmoxBackupJob"}).status_code == 200
    assert zero.get("v1/jobs/states", params={"statusFilter": "stopping"}).status_code == 200
    assert old.get("v1/jobs/states", params={"statusFilter": "stopping"}).status_code == 400
    assert new.get("v1/sessions", params={"stateFilter": "ActionRequired"}).status_code == 200
    assert zero.get("v1/sessions", params={"stateFilter": "ActionRequired"}).status_code == 400
    assert new.post("v1/jobs/%s/stop" % new.job_id("SQL Cluster VMs"), json={"gracefulStop": True}).status_code == 201
    assert (old.state("SQL Cluster VMs")["status"], zero.state("SQL Cluster VMs")["status"], new.state("SQL Cluster VMs")["status"]) == (
        "running", "stopping", "Stopping")
    copy = vbr("1.3-rev0").post("v1/jobs/%s/start" % new.job_id("Offsite Backup Copy"))
    assert copy.json()["sessionType"] == "BackupJob"  # 1.3-rev0's ESessionType has no BackupCopyJob yet
    assert new.get("v1/sessions/" + copy.json()["id"]).json()["sessionType"] == "BackupCopyJob"


def test_job_model_details_per_revision(vbr):
    first = vbr("1.1-rev2").get("v1/jobs").json()["data"][0]
    assert first["virtualMachines"]["includes"][0]["inventoryObject"]["type"] == "VirtualMachine"
    assert first["storage"]["backupProxies"] == {"autoSelection": True, "proxyIds": []} and first["description"]
    later = vbr("1.2-rev0").get("v1/jobs").json()["data"][0]
    assert later["virtualMachines"]["includes"][0]["platform"] == "VMware" and "autoSelectEnabled" in later["storage"]["backupProxies"]
    hyperv = {job["type"]: job for job in vbr("1.3-rev0").get("v1/jobs").json()["data"]}["HyperVBackup"]
    assert hyperv["storage"]["backupProxies"] == {"proxyType": "onHost"}
    assert {job["type"]: job for job in vbr("1.3-rev1").get("v1/jobs").json()["data"]}["HyperVBackup"]["storage"]["backupProxies"] == {
        "proxyType": "OnHost"}


def test_states_only_jobs(vbr, sim):
    sim.reset({"vbr": {"jobs": [{"name": "VMs", "type": "VSphereBackup"}] + STATES_ONLY}})
    expected = {"1.2-rev1": {"VMs": "Backup"},
                "1.3-rev0": {"VMs": "VSphereBackup", "Legacy Copy": "LegacyBackupCopy", "Azure VMs Policy": "Unknown", "Tape Weekly": "Unknown"},
                "1.3-rev1": {"VMs": "VSphereBackup", "Legacy Copy": "LegacyBackupCopy", "Azure VMs Policy": "CloudBackupAzure",
                             "Tape Weekly": "Unknown"}}
    for revision, types in expected.items():
        session = vbr(revision)
        states = {state["name"]: state for state in session.get("v1/jobs/states").json()["data"]}
        assert {name: state["type"] for name, state in states.items()} == types, revision
        assert [job["name"] for job in session.get("v1/jobs").json()["data"]] == ["VMs"]
        assert session.get("v1/sessions").json()["pagination"]["total"] == 1  # only the vSphere job's session is shown
    session = vbr("1.3-rev1")
    states = {state["name"]: state for state in session.get("v1/jobs/states").json()["data"]}
    azure, legacy = states["Azure VMs Policy"], states["Legacy Copy"]
    assert azure["workload"] == "CloudVm" and azure["status"] == "Running" and azure["lastResult"] == "None"
    assert legacy["backupCopyMode"] == "Periodic" and states["Tape Weekly"]["status"] == "Disabled"
    assert vbr("1.3-rev0").state("Azure VMs Policy")["workload"] == "cloudVm"
    assert [s["name"] for s in session.get("v1/jobs/states", params={"typeFilter": "CloudBackupAzure"}).json()["data"]] == ["Azure VMs Policy"]
    for name in ("Legacy Copy", "Azure VMs Policy", "Tape Weekly"):
        job_id = sim.vbr_job(name)["id"]
        assert session.get("v1/jobs/" + job_id).status_code == 404
        for action in ("start", "stop", "enable", "disable"):
            answer = session.post("v1/jobs/%s/%s" % (job_id, action))
            assert answer.status_code == 404 and answer.json()["resourceId"] == job_id
        assert session.get("v1/sessions/" + states[name].get("sessionId", MISSING)).status_code == 404


@pytest.mark.parametrize("revision", ["1.2-rev1", "1.3-rev0", "1.3-rev2"])
def test_a_disabled_job_whose_session_runs_is_disabled(vbr, sim, revision):
    sim.reset({"vbr": {"jobs": [{"name": "Paused Nightly", "enabled": False, "running": True, "lastResult": "Success"}]}})
    session = vbr(revision)
    state = session.state("Paused Nightly")
    live = sim.vbr_job("Paused Nightly")["sessions"][-1]
    assert live["state"] == "Working" and state["sessionId"] == live["id"] and state["lastResult"] == "None"
    assert state["status"] == ("Disabled" if revision == "1.3-rev2" else "disabled") and "nextRun" not in state
    assert session.post("v1/jobs/%s/stop" % session.job_id("Paused Nightly")).status_code == 201  # it can still be stopped
    wait_until(lambda: idle(sim.vbr_job("Paused Nightly")))
    assert session.state("Paused Nightly")["lastResult"] == "Failed" and session.state("Paused Nightly")["status"].lower() == "disabled"


@pytest.mark.parametrize("revision, field, other", [("1.1-rev0", "gracefullStop", "gracefulStop"), ("1.1-rev1", "gracefullStop", "gracefulStop"),
                                                    ("1.1-rev2", "gracefullStop", "gracefulStop"), ("1.2-rev0", "gracefulStop", "gracefullStop"),
                                                    ("1.3-rev2", "gracefulStop", "gracefullStop")])
def test_the_stop_body_field_per_revision(vbr, sim, revision, field, other):
    session = vbr(revision)
    job_id = session.job_id("SQL Cluster VMs")
    wrong = session.post("v1/jobs/%s/stop" % job_id, json={other: True})
    assert wrong.status_code == 400 and wrong.json()["errorCode"] == "UnexpectedContent"
    assert "'%s'" % field in wrong.json()["message"] and sim.vbr_job("SQL Cluster VMs")["running"] is True
    assert session.post("v1/jobs/%s/stop" % job_id, json={field: False}).status_code == 201


def test_start_spec_fields_per_revision(vbr):
    old, new = vbr("1.2-rev1"), vbr("1.3-rev0")
    assert new.post("v1/jobs/%s/start" % new.job_id("Offsite Backup Copy"), json={"performActiveFull": False, "syncRestorePoints": "Latest"}).status_code == 201
    assert new.post("v1/jobs/%s/start" % new.job_id("Hyper-V Hosts"), json={"performActiveFull": False, "syncRestorePoints": "Some"}).status_code == 400
    assert old.post("v1/jobs/%s/start" % old.job_id("VMware Production VMs"),
                    json={"performActiveFull": False, "syncRestorePoints": "Some"}).status_code == 201  # not a field of 1.2's JobStartSpec


@pytest.mark.parametrize("revision, status", [("1.1-rev0", 201), ("1.3-rev1", 201), ("1.3-rev2", 204)])
def test_starting_a_job_without_objects(vbr, sim, revision, status):
    sim.reset({"vbr": {"jobs": [{"name": "Empty", "objects": 0, "lastResult": "None"}, {"name": "Full", "objects": 12}]}})
    session = vbr(revision)
    assert session.state("Empty")["objectsCount"] == 0 and session.state("Full")["objectsCount"] == 12
    answer = session.post("v1/jobs/%s/start" % session.job_id("Empty"), json={"performActiveFull": False})
    assert answer.status_code == status
    assert len(sim.vbr_job("Empty")["sessions"]) == (0 if status == 204 else 1)
    if status == 204:
        assert answer.content == b"" and "sessionId" not in session.state("Empty")
    assert session.post("v1/jobs/%s/start" % session.job_id("Full")).status_code == 201


def test_scenario_keys_objects_and_users_are_validated(sim):
    control = sim.vbr_url.replace("/api/", "/_sim/reset")
    for bad, message in (({"vbr": {"jobs": [{"name": "x", "objects": -1}]}}, "objects"),
                         ({"vbr": {"jobs": [{"name": "x", "objects": True}]}}, "objects"),
                         ({"vbr": {"users": [{"name": "a", "password": "b"}]}}, "exactly the keys"),
                         ({"vbr": {"users": [{"name": "a", "password": "", "role": "x"}]}}, "non-empty"),
                         ({"vbr": {"users": [{"name": "a", "password": "b", "role": "x"}, {"name": "A", "password": "c", "role": "y"}]}}, "twice"),
                         ({"vbr": {"users": {}}}, "list"),
                         ({"vbr": {"jobs": [], "roles": []}}, "unknown keys")):
        answer = sim.session.post(control, json=bad)
        assert answer.status_code == 400 and message in answer.json()["error"], (bad, answer.text)
    sim.reset({"vbr": {"jobs": [{"name": "Legacy", "type": "LegacyBackupCopy", "objects": 3}]}})
    assert sim.vbr_job("Legacy")["type"] == "LegacyBackupCopy" and sim.vbr_job("Legacy")["objects"] == 3
