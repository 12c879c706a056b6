"""VBR backup infrastructure over real HTTPS: repositories and their states, scale-out repositories with their extents' status
(one string up to 1.2-rev1, an array from 1.3-rev0), the four extent mode operations and their RepositoryMaintenance sessions,
proxies (states and enable/disable from 1.3-rev0 only), the configuration backup, the roles and the faults."""

import pytest

from sim_helpers import wait_until
from veeam_sim.state import default_scenario

BASE = "v1/backupInfrastructure/"
OLD, NEW = ("1.1-rev0", "1.2-rev1"), ("1.3-rev0", "1.3-rev2")
USERS = [{"name": "operator", "password": "Operator-1", "role": "Veeam Backup Operator"}]


def scenario(**infrastructure):
    """The default jobs, an operator account, and the given infrastructure keys."""
    value = default_scenario()
    value["vbr"]["users"] = USERS
    value["vbr"].update(infrastructure)
    return value


SOBR = dict(
    repositories=[{"name": "Main Repo", "type": "WinLocal"}, {"name": "Ext A", "type": "WinLocal", "hostName": "repo01.backupops.local"},
                  {"name": "Ext B", "type": "LinuxLocal", "path": "/mnt/b"}],
    scale_out_repositories=[{"name": "SOBR Production", "extents": ["Ext A", {"name": "Ext B", "maintenance": True, "sealed": True}]}],
    proxies=[{"name": "VMware Backup Proxy", "type": "ViProxy"}, {"name": "hv01", "type": "HvProxy", "disabled": True}],
    config_backup={"isEnabled": True, "repository": "Main Repo"},
)


def sobr(session, name="SOBR Production"):
    return next(item for item in session.get(BASE + "scaleOutRepositories").json()["data"] if item["name"] == name)


def extents(session):
    return {extent["name"]: extent for extent in sobr(session)["performanceTier"]["performanceExtents"]}


def wait_session(session, session_id):
    wait_until(lambda: session.get("v1/sessions/" + session_id).json()["state"] == "Stopped")
    return session.get("v1/sessions/" + session_id).json()


@pytest.mark.parametrize("revision", OLD + NEW)
def test_the_default_infrastructure_is_listed_and_the_jobs_name_its_repository(sim, vbr, revision):
    sim.reset()
    session = vbr(revision)
    repositories = session.get(BASE + "repositories").json()
    names = [item["name"] for item in repositories["data"]]
    assert "Default Backup Repository" in names and "SOBR Extent 01" in names
    assert repositories["pagination"]["total"] == len(names)
    default_id = next(item["id"] for item in repositories["data"] if item["name"] == "Default Backup Repository")
    assert session.state("VMware Production VMs")["repositoryId"] == default_id
    assert session.get(BASE + "repositories/" + default_id).json()["name"] == "Default Backup Repository"
    assert session.get(BASE + "repositories/00000000-0000-0000-0000-000000000000").status_code == 404
    assert session.get("v1/configBackup").json()["backupRepositoryId"] == default_id


@pytest.mark.parametrize("revision,status", [("1.1-rev0", "Maintenance"), ("1.2-rev1", "Maintenance"),
                                             ("1.3-rev0", ["Maintenance", "Sealed"]), ("1.3-rev2", ["Maintenance", "Sealed"])])
def test_extent_status_is_one_string_until_1_3_and_an_array_from_it(sim, vbr, revision, status):
    sim.reset(scenario(**SOBR))
    session = vbr(revision)
    found = extents(session)
    assert found["Ext B"]["status"] == status
    assert found["Ext A"]["status"] == ("Normal" if revision in OLD else ["Normal"])
    assert session.get(BASE + "scaleOutRepositories/" + sobr(session)["id"]).json() == sobr(session)


@pytest.mark.parametrize("revision", OLD + NEW)
def test_repository_states_grow_with_the_revisions(sim, vbr, revision):
    sim.reset(scenario(**SOBR))
    states = {item["name"]: item for item in vbr(revision).get(BASE + "repositories/states").json()["data"]}
    assert ("isOnline" in states["Main Repo"]) == (revision != "1.1-rev0")
    assert ("isOutOfDate" in states["Main Repo"]) == (revision in NEW)
    details = states["Ext A"].get("scaleOutRepositoryDetails")
    assert (details["membership"] if details else None) == ("SOBR Production" if revision in NEW else None)
    assert "scaleOutRepositoryDetails" not in states["Main Repo"]


@pytest.mark.parametrize("revision", ("1.1-rev0", "1.2-rev1", "1.3-rev2"))
def test_maintenance_session_is_created_then_stops_and_applies_the_mode(sim, vbr, revision):
    sim.reset(scenario(**SOBR))
    session = vbr(revision)
    target = sobr(session)
    ext_a = extents(session)["Ext A"]["id"]
    answer = session.post(BASE + "scaleOutRepositories/%s/enableMaintenanceMode" % target["id"], json={"repositoryIds": [ext_a]})
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert created["sessionType"] == "RepositoryMaintenance" and created["state"] == "Working"
    assert created.get("activityId" if revision == "1.1-rev0" else "jobId") == target["id"]
    assert ("jobId" in created) == (revision != "1.1-rev0")
    assert extents(session)["Ext A"]["status"] in ("Normal", ["Normal"])
    ended = wait_session(session, created["id"])
    assert ended["result"]["result"] == "Success"
    assert extents(session)["Ext A"]["status"] in ("Maintenance", ["Maintenance"])
    sealed = session.post(BASE + "scaleOutRepositories/%s/enableSealedMode" % target["id"], json={"repositoryIds": [ext_a]}).json()
    wait_session(session, sealed["id"])
    assert extents(session)["Ext A"]["status"] in ("Maintenance", ["Maintenance", "Sealed"])


def test_mode_refusals_name_the_extent_the_mode_and_the_role(sim, vbr):
    sim.reset(scenario(**SOBR))
    session = vbr("1.3-rev1")
    target = sobr(session)["id"]
    found = extents(session)
    url = BASE + "scaleOutRepositories/%s/" % target
    already = session.post(url + "enableMaintenanceMode", json={"repositoryIds": [found["Ext B"]["id"]]})
    assert already.status_code == 400 and "Ext B" in already.json()["message"] and "already in Maintenance" in already.json()["message"]
    not_sealed = session.post(url + "disableSealedMode", json={"repositoryIds": [found["Ext A"]["id"]]})
    assert not_sealed.status_code == 400 and "not in Sealed" in not_sealed.json()["message"]
    unknown = session.post(url + "enableSealedMode", json={"repositoryIds": ["00000000-0000-0000-0000-000000000001"]})
    assert unknown.status_code == 400 and "Ext A" in unknown.json()["message"] and "Ext B" in unknown.json()["message"]
    assert session.post(url + "enableSealedMode", json={}).status_code == 400
    operator = vbr("1.3-rev1", username="operator", password="Operator-1")
    refused = operator.post(url + "enableSealedMode", json={"repositoryIds": [found["Ext A"]["id"]]})
    assert refused.status_code == 403 and "Administrator" in refused.json()["message"]
    anonymous = session.http.post(session.url(url + "enableSealedMode"), json={"repositoryIds": [found["Ext A"]["id"]]},
                                  headers={"Authorization": ""}, timeout=10)
    assert anonymous.status_code == 401
    assert extents(session)["Ext A"]["status"] == ["Normal"]


def test_extent_is_pending_while_a_job_of_its_sobr_runs(sim, vbr):
    infrastructure = dict(SOBR)
    value = scenario(**infrastructure)
    value["vbr"]["jobs"].append({"name": "SOBR Nightly", "repository": "SOBR Production", "running": True, "proxies": ["VMware Backup Proxy"]})
    sim.reset(value)
    session = vbr("1.3-rev2")
    target = sobr(session)
    assert session.state("SOBR Nightly")["repositoryId"] == target["id"]
    job = session.get("v1/jobs/" + session.job_id("SOBR Nightly")).json()
    assert job["storage"]["backupProxies"] == {"autoSelectEnabled": False, "proxyIds": [sim.state()["vbr"]["infrastructure"]["proxies"][0]["id"]]}
    ext_a = extents(session)["Ext A"]["id"]
    created = session.post(BASE + "scaleOutRepositories/%s/enableMaintenanceMode" % target["id"], json={"repositoryIds": [ext_a]}).json()
    assert extents(session)["Ext A"]["status"] == ["Pending"]
    session.post("v1/jobs/%s/stop" % session.job_id("SOBR Nightly"), json={"gracefulStop": True})
    assert wait_session(session, created["id"])["result"]["result"] == "Success"
    assert extents(session)["Ext A"]["status"] == ["Maintenance"]


def test_injected_faults_fail_a_maintenance_session_and_keep_a_proxy_as_it_was(sim, vbr):
    sim.reset(scenario(**SOBR))
    session = vbr("1.3-rev2")
    target = sobr(session)["id"]
    ext_a = extents(session)["Ext A"]["id"]
    sim.inject("task_fail", api="vbr", path="enableMaintenanceMode", message="Extent is unavailable.")
    created = session.post(BASE + "scaleOutRepositories/%s/enableMaintenanceMode" % target, json={"repositoryIds": [ext_a]}).json()
    ended = wait_session(session, created["id"])
    assert ended["result"] == {"result": "Failed", "message": "Extent is unavailable.", "isCanceled": False}
    assert extents(session)["Ext A"]["status"] == ["Normal"]
    proxy = session.get(BASE + "proxies", params={"nameFilter": "VMware*"}).json()["data"][0]
    sim.inject("task_stuck", api="vbr", path="/proxies/.*/disable$")
    assert session.post(BASE + "proxies/%s/disable" % proxy["id"]).status_code == 204
    states = session.get(BASE + "proxies/states", params={"nameFilter": "VMware*"}).json()["data"]
    assert states[0]["isDisabled"] is False


@pytest.mark.parametrize("revision", OLD + NEW)
def test_proxies_and_their_states_per_revision(sim, vbr, revision):
    sim.reset(scenario(**SOBR))
    session = vbr(revision)
    proxies = {item["name"]: item for item in session.get(BASE + "proxies").json()["data"]}
    # EProxyType has only ViProxy before 1.3-rev0.
    assert sorted(proxies) == (["VMware Backup Proxy"] if revision in OLD else ["VMware Backup Proxy", "hv01"])
    vmware = proxies["VMware Backup Proxy"]
    assert session.get(BASE + "proxies/" + vmware["id"]).json() == vmware
    states = session.get(BASE + "proxies/states")
    toggle = session.post(BASE + "proxies/%s/disable" % vmware["id"])
    if revision in OLD:
        assert states.status_code == 404 and states.json()["errorCode"] == "InvalidURI"
        assert toggle.status_code == 404 and toggle.json()["errorCode"] == "InvalidURI"
        return
    assert {item["name"]: item["isDisabled"] for item in states.json()["data"]} == {"VMware Backup Proxy": False, "hv01": True}
    assert toggle.status_code == 204
    assert session.get(BASE + "proxies/states", params={"isDisabledFilter": "true"}).json()["pagination"]["total"] == 2
    assert session.post(BASE + "proxies/%s/disable" % vmware["id"]).status_code == 204
    assert session.post(BASE + "proxies/%s/enable" % vmware["id"]).status_code == 204
    assert session.get(BASE + "proxies/states", params={"isDisabledFilter": "false"}).json()["data"][0]["name"] == "VMware Backup Proxy"
    operator = vbr(revision, username="operator", password="Operator-1")
    assert operator.post(BASE + "proxies/%s/disable" % vmware["id"]).status_code == 403


@pytest.mark.parametrize("revision", ("1.1-rev0", "1.3-rev2"))
def test_config_backup_put_replaces_the_whole_model_and_names_a_missing_field(sim, vbr, revision):
    sim.reset(scenario(**SOBR))
    session = vbr(revision)
    model = session.get("v1/configBackup").json()
    assert model["isEnabled"] is True
    changed = dict(model, isEnabled=False)
    answer = session.http.put(session.url("v1/configBackup"), json=changed, timeout=10)
    assert answer.status_code == 200 and answer.json() == changed
    assert session.get("v1/configBackup").json() == changed
    partial = {key: value for key, value in changed.items() if key != "schedule"}
    refused = session.http.put(session.url("v1/configBackup"), json=partial, timeout=10)
    assert refused.status_code == 400 and "'schedule'" in refused.json()["message"]
    nested = dict(changed, encryption={"isEnabled": False})
    refused = session.http.put(session.url("v1/configBackup"), json=nested, timeout=10)
    assert refused.status_code == 400 and "encryption.passwordId" in refused.json()["message"]
    operator = vbr(revision, username="operator", password="Operator-1")
    assert operator.get("v1/configBackup").status_code == 403
    assert session.get("v1/configBackup").json() == changed


def test_scenario_keys_are_checked(sim):
    bad = scenario(repositories=[{"name": "R", "type": "Tape"}])
    with pytest.raises(Exception, match="type must be one of"):
        sim.reset(bad)
    bad = scenario(repositories=[{"name": "R"}], scale_out_repositories=[{"name": "S", "extents": ["Nope"]}])
    with pytest.raises(Exception, match="names no repository"):
        sim.reset(bad)
    bad = scenario(**SOBR)
    bad["vbr"]["jobs"].append({"name": "J", "repository": "Nowhere"})
    with pytest.raises(Exception, match="Nowhere"):
        sim.reset(bad)
