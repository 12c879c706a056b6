"""Veeam Backup & Replication on every release in the field (12.0 -> 13.1) with api_version left at auto: the whole window,
request counts, job types per revision, jobs only in the job states, a disabled job with a live session, roles, tokens.

The simulator is started as each release (sim.configure(vbr_release=...)); it serves that release's revision and every
older one and refuses newer ones, as a real server does (tests/simulator/README.md).
"""

import importlib
import json
import sys
import time

import pytest
import requests

from test_vbr_job import MODULE, run, writes

# release -> the revision auto must settle on
RELEASES = {"12.0": "1.1-rev0", "12.3.0": "1.2-rev0", "12.3.1": "1.2-rev1", "13.0": "1.3-rev0", "13.0.1": "1.3-rev1", "13.1": "1.3-rev2"}
BEGIN, END = "Record and disable the enabled jobs", "Re-enable the recorded jobs"
ESTATE = {"vbr": {"jobs": [
    {"name": "VMware Production VMs", "type": "VSphereBackup", "enabled": True, "running": True},
    {"name": "SQL Cluster VMs", "type": "VSphereBackup", "enabled": True},
    {"name": "Test Lab VMs", "type": "VSphereBackup", "enabled": False},
    {"name": "Hyper-V Hosts", "type": "HyperVBackup", "enabled": True},
    {"name": "Azure VMs policy", "type": "CloudBackupAzure", "enabled": True},
]}}


def flags(sim):
    return {job["name"]: (job["enabled"], job["running"]) for job in sim.state()["vbr"]["jobs"]}


def token_grants(sim):
    """The grant_type of every token request, in order."""
    return [dict(pair.split("=", 1) for pair in r["body"].split("&")).get("grant_type")
            for r in sim.requests()["requests"] if r["path"] == "/api/oauth2/token"]


@pytest.mark.parametrize("release", sorted(RELEASES))
def test_the_whole_window_runs_green_on_every_release_with_api_version_auto(window, sim, release):
    sim.reset(ESTATE)
    sim.configure(vbr_release=release)
    revision = RELEASES[release]
    before = flags(sim)
    # What the release's REST API shows: vSphere backups everywhere, Hyper-V from 13.0; the cloud policy is only in the
    # job states (from 13.0, as Unknown on 13.0), never changeable.
    visible = ["VMware Production VMs", "SQL Cluster VMs", "Test Lab VMs"] + (["Hyper-V Hosts"] if revision >= "1.3-rev0" else [])
    enabled = [name for name in visible if before[name][0]]

    begin = window.run("maintenance_begin.yml", limit="vbr-sim")
    assert begin.status == "successful", begin
    summary = begin.msgs(BEGIN)["vbr-sim"]
    assert summary.startswith("Disabled %d job(s): %s;" % (len(enabled), ", ".join(enabled))), summary
    assert "stopped the running session of 1 job(s): VMware Production VMs;" in summary
    unmanageable = {"1.3-rev0": "Azure VMs policy (Unknown)"}.get(revision, "Azure VMs policy (CloudBackupAzure)")
    if revision >= "1.3-rev0":
        assert "1 job(s) listed by the server cannot be disabled through its API and keep running on their schedule: %s" % unmanageable in summary
    else:
        assert "cannot be disabled" not in summary
    record = window.record("vbr-sim")
    assert record["api_version"] == revision and sorted(j["name"] for j in record["jobs"]) == sorted(enabled)
    during = flags(sim)
    assert all(not during[name][0] and not during[name][1] for name in visible), during
    assert during["Azure VMs policy"] == before["Azure VMs policy"], "a job the API cannot manage is left as it is"
    if revision < "1.3-rev0":
        assert during["Hyper-V Hosts"] == before["Hyper-V Hosts"], "a job the revision cannot show is not touched"
    stops = [r for r in sim.requests()["requests"] if r["path"].endswith("/stop")]
    # The stop cancels the jobs chained after the stopped one where JobStopSpec has cancelChainedJobs (1.3-rev0 and later).
    assert [json.loads(r["body"]) for r in stops][-1] == ({"gracefullStop": True} if revision < "1.2-rev0" else {"gracefulStop": True}
                                                          if revision < "1.3-rev0" else {"gracefulStop": True, "cancelChainedJobs": True})

    report = window.run("job_report.yml", limit="vbr-sim")
    assert report.status == "successful", report
    table = report.msgs("Show the jobs as a table")["vbr-sim"]
    assert table[0].startswith("Veeam Backup & Replication vbr-sim (REST API %s): %d job(s), 0 enabled, 0 running" % (revision, len(visible)))

    end = window.run("maintenance_end.yml", limit="vbr-sim")
    assert end.status == "successful", end
    assert end.msgs(END)["vbr-sim"].startswith("Re-enabled %d of %d recorded job(s)" % (len(enabled), len(enabled)))
    after = flags(sim)
    assert {name: after[name][0] for name in before} == {name: before[name][0] for name in before}, "exactly the state of before"


@pytest.mark.parametrize("release, token_requests", [("13.1", 1), ("12.0", 2)])
def test_auto_costs_nothing_on_the_newest_release_and_one_login_request_on_an_older_one(ansible, sim, release, token_requests):
    sim.configure(vbr_release=release)
    names = [job["name"] for job in sim.state()["vbr"]["jobs"] if job["enabled"] and job["type"] == "VSphereBackup"]
    sim.clear_requests()
    noop = run(ansible, MODULE, name=names, state="enabled")
    assert noop["changed"] is False and noop["api_version"] == RELEASES[release], noop
    assert sim.counts() == {"POST /api/oauth2/token": token_requests, "GET /api/v1/jobs": 1, "GET /api/v1/jobs/states": 1,
                            "POST /api/oauth2/logout": 1}
    info = run(ansible, "veeam_vbr_job_info")
    assert info["api_version"] == RELEASES[release]


def test_the_revision_from_the_awx_credentials_variable_pins_it(ansible, sim):
    env = {"VEEAM_VBR_SERVER": "https://%s:%d" % (sim.host, sim.vbr_port), "VEEAM_VBR_USERNAME": sim.username,
           "VEEAM_VBR_PASSWORD": sim.password, "VEEAM_CA_PATH": sim.ca_path, "VEEAM_VBR_API_VERSION": "1.2-rev1"}
    result = ansible.task("veeam_vbr_job_info", defaults=False, env=env)
    assert result["api_version"] == "1.2-rev1" and {entry["details"]["type"] for entry in result["jobs"]} == {"Backup"}, result


def test_a_pinned_revision_the_server_does_not_serve_names_what_it_serves(ansible, sim):
    sim.configure(vbr_release="12.3.1")
    result = run(ansible, "veeam_vbr_job_info", api_version="1.3-rev0")
    assert result["failed"] is True
    assert "does not serve x-api-version 1.3-rev0" in result["msg"] and "v1.2-rev1" in result["msg"] and "or to auto" in result["msg"], result


def test_the_type_option_maps_names_across_revisions_and_refuses_a_type_the_revision_lacks(ansible, sim):
    sim.configure(vbr_release="12.3.1")
    vsphere = sorted(job["name"] for job in sim.state()["vbr"]["jobs"] if job["type"] == "VSphereBackup")
    for name in ("VSphereBackup", "Backup"):
        info = run(ansible, "veeam_vbr_job_info", type=[name])
        assert sorted(entry["name"] for entry in info["jobs"]) == vsphere and {e["details"]["type"] for e in info["jobs"]} == {"Backup"}, info
    sim.clear_requests()
    refused = run(ansible, MODULE, all_jobs=True, type=["VSphereBackup", "HyperVBackup"], state="disabled")
    assert refused["failed"] is True and writes(sim) == []
    assert refused["msg"].startswith("type HyperVBackup: no such job type in REST API revision 1.2-rev1 (Veeam Backup & Replication 12.3.1)")
    assert "its types are Backup, VSphereReplica, CloudDirectorBackup" in refused["msg"], refused


def test_a_cloud_policy_listed_only_in_the_job_states_is_named_never_dropped(ansible, sim):
    sim.reset(ESTATE)
    info = run(ansible, "veeam_vbr_job_info")
    assert [(e["name"], e["type"]) for e in info["unmanageable_jobs"]] == [("Azure VMs policy", "CloudBackupAzure")], info
    assert "Azure VMs policy" not in [entry["name"] for entry in info["jobs"]]
    everything = run(ansible, MODULE, all_jobs=True, state="disabled", if_running="leave")
    assert everything["unmanageable_jobs"][0]["name"] == "Azure VMs policy"
    assert any("cannot be managed through its API and were left as they are: 'Azure VMs policy' (CloudBackupAzure)" in w
               for w in everything.get("warnings", [])), everything
    by_name = run(ansible, MODULE, name=["Azure VMs policy"], state="disabled")
    assert by_name["failed"] is True
    assert "job 'Azure VMs policy' exists but is listed in the job states as type CloudBackupAzure" in by_name["msg"], by_name
    assert sim.vbr_job("Azure VMs policy")["enabled"] is True


@pytest.mark.parametrize("release", ["12.0", "13.1"])
def test_stopped_stops_a_disabled_job_whose_session_still_runs(ansible, sim, release):
    sim.reset({"vbr": {"jobs": [{"name": "Disabled but running", "type": "VSphereBackup", "enabled": False, "running": True}]}})
    sim.configure(vbr_release=release)
    seen = run(ansible, "veeam_vbr_job_info")
    assert seen["jobs"][0]["enabled"] is False and seen["jobs"][0]["running"] is True, seen
    result = run(ansible, MODULE, name=["Disabled but running"], state="stopped")
    assert result["changed"] is True and result["jobs"][0]["actions"] == ["stop"], result
    assert sim.vbr_job("Disabled but running")["running"] is False
    assert run(ansible, MODULE, name=["Disabled but running"], state="stopped")["changed"] is False


OPERATOR = {"name": "CORP\\veeam-operator", "password": "Operator-Passw0rd!", "role": "Veeam Backup Operator"}


def test_an_operator_account_may_start_but_a_disable_fails_naming_the_account_and_the_role(ansible, sim):
    sim.reset({"vbr": {"users": [OPERATOR], "jobs": [{"name": "A", "enabled": True}, {"name": "B", "enabled": True}]}})
    as_operator = dict(username=OPERATOR["name"], password=OPERATOR["password"])
    sim.clear_requests()
    refused = run(ansible, MODULE, name=["A", "B"], state="disabled", **as_operator)
    assert refused["failed"] is True
    assert "Job 'A': disable was refused: the account " in refused["msg"] and "veeam-operator' may not disable jobs" in refused["msg"], refused
    assert "REST API 1.3-rev2 allows it only to the Backup Administrator role" in refused["msg"], refused
    assert sim.count("POST", "/api/v1/jobs/{id}/disable") == 1, "no further write after the first refusal"
    assert sim.vbr_job("A")["enabled"] is True and sim.vbr_job("B")["enabled"] is True
    started = run(ansible, MODULE, name=["A"], state="running", **as_operator)
    assert started["changed"] is True and started["jobs"][0]["actions"] == ["start"], started
    assert sim.state()["vbr"]["tokens"] == 0


def test_a_custom_role_is_refused_at_login_on_13_0_1_with_a_message_that_says_so(ansible, sim):
    custom = dict(OPERATOR, name="CORP\\veeam-custom", role="Job pausers")
    sim.reset({"vbr": {"users": [custom], "jobs": [{"name": "A"}]}})
    sim.configure(vbr_release="13.0.1")
    result = run(ansible, "veeam_vbr_job_info", username=custom["name"], password=custom["password"])
    assert result["failed"] is True and "was refused (403)" in result["msg"] and "custom role" in result["msg"], result


def test_an_expired_token_is_renewed_with_the_refresh_token_and_no_token_is_left_live(ansible, sim):
    target = [job["name"] for job in sim.state()["vbr"]["jobs"] if job["enabled"] and not job["running"]][0]
    sim.inject("expire", api="vbr", method="POST", path=r"/disable$", count=1)
    sim.clear_requests()
    result = run(ansible, MODULE, name=[target], state="disabled")
    assert result["changed"] is True and sim.vbr_job(target)["enabled"] is False, result
    assert token_grants(sim) == ["password", "refresh_token"]
    assert sim.state()["vbr"]["tokens"] == 0, "every token the run obtained is logged out or expired"


def test_a_start_that_13_1_accepts_without_a_session_fails_naming_the_job(ansible, sim):
    sim.reset({"vbr": {"jobs": [{"name": "Empty job", "objects": 0}]}})
    result = run(ansible, MODULE, name=["Empty job"], state="running")
    assert result["failed"] is True
    assert "Job 'Empty job': the server accepted the start but created no session: the job has no objects to process" in result["msg"]
    assert result["jobs"][0]["session"] is None and result["jobs"][0]["actions"] == ["start"], result


# -- the vendor documents to the letter (issue 29 items 7, 8, 10, 11, 12) ---------------------------------------------------

def vbr_client_module(collections_path):
    """The collection's VBR revision table, imported from the working tree the way Ansible finds it."""
    if str(collections_path) not in sys.path:
        sys.path.insert(0, str(collections_path))
    return importlib.import_module("ansible_collections.backupops.veeam.plugins.module_utils.vbr._revisions")


def test_the_clients_job_types_are_exactly_what_the_simulator_serves_in_every_revision(sim, collections_path):
    """Client and simulator keep separate tables; per revision, the types the client knows are the typeFilter values the
    simulator accepts (and so the EJobType the documents and the vendor pages give it)."""
    vbr = vbr_client_module(collections_path)
    http = requests.Session()
    http.trust_env = False
    http.verify = sim.ca_path
    for revision in vbr.REVISIONS:
        http.headers.update({"x-api-version": revision})
        token = http.post(sim.vbr_url + "oauth2/token", data={"grant_type": "password", "username": sim.username, "password": sim.password})
        http.headers["Authorization"] = "Bearer " + token.json()["access_token"]
        accepted = [name for name in vbr.JOB_TYPES if http.get(sim.vbr_url + "v1/jobs", params={"typeFilter": name}).status_code == 200]
        assert accepted == vbr.job_types(revision), revision
        http.post(sim.vbr_url + "oauth2/logout")
        del http.headers["Authorization"]


@pytest.mark.parametrize("release", ["12.1", "12.2"])
def test_vsphere_replicas_and_cloud_director_backups_are_known_types_on_12_1_and_12_2(ansible, sim, release):
    sim.configure(vbr_release=release)
    replicas = run(ansible, MODULE, all_jobs=True, type=["VSphereReplica", "CloudDirectorBackup"], state="disabled")
    assert not replicas.get("failed") and replicas["changed"] is False and replicas["jobs"] == [], replicas
    copies = run(ansible, "veeam_vbr_job_info", type=["FileBackupCopy"])
    assert copies["failed"] is True and "no such job type in REST API revision 1.1-rev" in copies["msg"], copies
    assert "its types are Backup, VSphereReplica, CloudDirectorBackup." in copies["msg"], copies


OMITTED_FLAG = {"vbr": {"omit_is_disabled": True, "jobs": [
    {"name": "Off by the operator", "enabled": False, "lastResult": "Success"},
    {"name": "Idle", "enabled": True, "lastResult": "Success"},
    {"name": "Busy", "enabled": True, "running": True},
]}}


def test_on_13_1_without_is_disabled_the_status_decides_and_a_job_it_cannot_decide_is_named_and_never_re_enabled(window, ansible, sim):
    sim.reset(OMITTED_FLAG)
    info = run(ansible, "veeam_vbr_job_info")
    flags = {entry["name"]: (entry["enabled"], entry["running"]) for entry in info["jobs"]}
    assert flags == {"Off by the operator": (False, False), "Idle": (True, False), "Busy": (False, True)}, info
    [warning] = [w for w in info.get("warnings", []) if "isDisabled" in w]
    assert warning.startswith("Job 'Busy': the server did not say whether its schedule is enabled") and "taken as disabled" in warning
    begin = window.run("maintenance_begin.yml", limit="vbr-sim")
    assert begin.status == "successful", begin
    assert [job["name"] for job in window.record("vbr-sim")["jobs"]] == ["Idle"], "only a job known to be enabled is recorded"
    end = window.run("maintenance_end.yml", limit="vbr-sim")
    assert end.status == "successful", end
    assert sim.vbr_job("Off by the operator")["enabled"] is False, "an end never enables a job the operator had disabled"
    assert sim.vbr_job("Idle")["enabled"] is True


CHAIN = {"vbr": {"jobs": [
    {"name": "Nightly", "running": True, "lastResult": "Success"},
    {"name": "Nightly copy", "runAfter": "Nightly", "lastResult": "Success"},
    {"name": "Weekly", "lastResult": "Success"},
]}}


@pytest.mark.parametrize("release, chained_starts", [("12.3.1", True), ("13.0", False), ("13.1", False)])
def test_a_stop_cancels_the_chained_jobs_where_the_revision_can_and_the_chain_is_read(ansible, sim, release, chained_starts):
    sim.reset(CHAIN)
    sim.configure(vbr_release=release, vbr_run_seconds=0.3, vbr_stop_seconds=0.1)
    info = run(ansible, "veeam_vbr_job_info")
    after = {entry["name"]: entry["details"]["run_after"] for entry in info["jobs"]}
    nightly = sim.vbr_job("Nightly")["id"]
    assert after == {"Nightly": None, "Nightly copy": nightly if release != "12.3.1" else None, "Weekly": None}, info
    stopped = run(ansible, MODULE, name=["Nightly"], state="stopped")
    assert stopped["changed"] is True and sim.vbr_job("Nightly")["running"] is False, stopped
    time.sleep(0.6)  # a chained run would have started and ended by now
    assert (len(sim.vbr_job("Nightly copy")["sessions"]) == 2) is chained_starts, sim.vbr_job("Nightly copy")


def test_a_wait_names_the_session_state_it_waits_on(ansible, sim):
    sim.reset({"vbr": {"jobs": [{"name": "Queued", "running": True, "sessionState": "WaitingRepository"}]}})
    result = run(ansible, MODULE, name=["Queued"], state="disabled", if_running="wait", wait_timeout=1, wait_sleep=0.2)
    assert result["failed"] is True and "'Queued' is disabled and running (WaitingRepository)" in result["msg"], result
    assert sim.vbr_job("Queued")["enabled"] is False and sim.vbr_job("Queued")["running"] is True


TAPE = {"name": "CORP\\veeam-tape", "password": "Tape-Passw0rd!", "role": "Veeam Tape Operator"}


@pytest.mark.parametrize("release, allowed", [("13.0", True), ("13.0.1", True), ("13.1", False)])
def test_a_tape_operator_may_start_on_13_0_and_13_0_1_and_a_refusal_names_the_revisions_roles(ansible, sim, release, allowed):
    sim.reset({"vbr": {"users": [TAPE], "jobs": [{"name": "A", "lastResult": "Success"}]}})
    sim.configure(vbr_release=release)
    started = run(ansible, MODULE, name=["A"], state="running", wait=False, username=TAPE["name"], password=TAPE["password"])
    if allowed:
        assert started["changed"] is True and started["jobs"][0]["actions"] == ["start"], started
    else:
        assert started["failed"] is True, started
        assert ("REST API 1.3-rev2 allows it only to the roles Backup Administrator, Backup Operator or a custom role with backup "
                "permissions") in started["msg"], started


def test_nutanix_ahv_and_proxmox_jobs_on_13_1_are_named_as_unmanageable(ansible, sim):
    sim.reset({"vbr": {"jobs": [{"name": "VMs"}, {"name": "AHV cluster", "type": "NutanixAHVBackupJob"},
                                {"name": "PVE nodes", "type": "ProxmoxBackupJob"}]}})
    info = run(ansible, "veeam_vbr_job_info")
    assert [(e["name"], e["type"]) for e in info["unmanageable_jobs"]] == [("AHV cluster", "NutanixAHVBackupJob"), ("PVE nodes", "ProxmoxBackupJob")]
    assert [entry["name"] for entry in info["jobs"]] == ["VMs"]
