"""The maintenance_window role and the playbooks in playbooks/, run the way AWX runs them (ansible-runner) against the simulator.

Inventory: one VB365 host, one Enterprise Manager host and one Veeam Backup & Replication host pointing at the simulator;
credentials and the CA come from VEEAM_* environment variables, as the AWX credential types inject them.
"""

import json
import os
import signal
import subprocess
import time

import jinja2
import pytest
import yaml

from helpers import BIN, HOSTS, PLAYBOOKS, REPO, enabled, names, snapshot, writes_mentioning

HELD_SECONDS = 3  # how long the simulator holds the request during which begin is killed


def test_round_trip_check_mode_and_idempotence(window, sim):
    before = snapshot(sim)
    assert names(before, "vb365", True) and names(before, "vb365", False) and names(before, "em", False) and names(before, "vbr", False)
    assert all(any(v[2] for k, v in before.items() if k[0] == api) for api in ("vb365", "em", "vbr"))
    disabled_before = [key[1] for key, value in before.items() if not value[1]]

    # Check mode: nothing written, on the servers or on the controller; the plan is reported.
    sim.clear_requests()
    check = window.run("maintenance_begin.yml", check=True)
    assert check.status == "successful", check
    assert sim.writes() == []
    assert not window.record_dir.exists()
    assert check.custom_stats == {}
    vb365_enabled, vb365_disabled = names(before, "vb365", True), names(before, "vb365", False)
    assert len(vb365_enabled) == 5, "four backup jobs and one backup copy job, all quiesced by default"
    assert check.msgs("Record and disable the enabled jobs")["vb365-sim"].startswith("Would disable 5 job(s)")
    running = {api: [v[0] for k, v in before.items() if k[0] == api and v[1] and v[2]] for api in ("vb365", "em", "vbr")}
    assert "would stop the running session of %d job(s): %s;" % (len(running["vb365"]), ", ".join(running["vb365"])) \
        in check.msgs("Record and disable the enabled jobs")["vb365-sim"]

    begin = window.run("maintenance_begin.yml")
    assert begin.status == "successful", begin
    for host, api in (("vb365-sim", "vb365"), ("em-sim", "em"), ("vbr-sim", "vbr")):
        summary = begin.msgs("Record and disable the enabled jobs")[host]
        assert "stopped the running session of %d job(s): %s;" % (len(running[api]), ", ".join(running[api])) in summary, summary
    during = snapshot(sim)
    assert not any(v[1] for v in during.values()), "every job is disabled during the window"
    assert not any(v[2] for v in during.values()), "if_running=stop stopped the running sessions"
    assert writes_mentioning(sim, disabled_before) == [], "jobs disabled before begin are not touched"
    for host, api in (("vb365-sim", "vb365"), ("em-sim", "em"), ("vbr-sim", "vbr")):
        record = window.record(host)
        assert record["state"] == "active" and record["api"] == api
        assert sorted(j["name"] for j in record["jobs"]) == names(before, api, True)
        assert begin.custom_stats["maintenance_window_records"][host] == record

    sim.clear_requests()
    again = window.run("maintenance_begin.yml")
    assert again.status == "successful" and again.changed() == {"vb365-sim": 0, "em-sim": 0, "vbr-sim": 0}, again
    assert sim.writes() == []
    assert sorted(j["name"] for j in window.record("vb365-sim")["jobs"]) == names(before, "vb365", True), "a second begin keeps the record"
    second = again.msgs("Record and disable the enabled jobs")["vb365-sim"]
    assert "5 job(s) still held disabled by this window since %s: " % window.record("vb365-sim")["created"] in second, second
    assert "; %d already disabled job(s) left as they are;" % len(vb365_disabled) in second, "the jobs disabled before the window, told apart"

    sim.clear_requests()
    check_end = window.run("maintenance_end.yml", check=True)
    assert check_end.status == "successful", check_end
    assert sim.writes() == [] and window.record("vb365-sim")["state"] == "active"
    assert check_end.msgs("Re-enable the recorded jobs")["em-sim"].startswith("Would re-enable 4 of 4")
    assert check_end.msgs("Re-enable the recorded jobs")["vbr-sim"].startswith("Would re-enable 6 of 6")

    end = window.run("maintenance_end.yml")
    assert end.status == "successful", end
    after = snapshot(sim)
    assert enabled(after) == enabled(before), "every job is back to its enabled state of before the window"
    assert writes_mentioning(sim, disabled_before) == []
    assert window.record("em-sim")["state"] == "restored" and window.record("vbr-sim")["state"] == "restored"
    assert end.custom_stats["maintenance_window_records"]["vb365-sim"]["state"] == "restored"

    sim.clear_requests()
    end_again = window.run("maintenance_end.yml")
    assert end_again.status == "successful" and end_again.changed() == {"vb365-sim": 0, "em-sim": 0, "vbr-sim": 0}, end_again
    assert sim.writes() == []
    message = end_again.msgs("Re-enable the recorded jobs")["vb365-sim"]
    assert message.startswith("The record of this host is already restored (20") and message.endswith("); nothing to restore.")
    assert "\n" not in message, "one line, no folded newline"


def test_begin_failing_halfway_then_end_restores_what_was_recorded_and_reports_a_deleted_job(window, sim):
    before = snapshot(sim)
    third = [key[1] for key, value in before.items() if key[0] == "vb365" and value[1]][2]
    sim.inject("status", api="vb365", method="POST", path=third + "/disable", status=500, count=50)
    begin = window.run("maintenance_begin.yml")
    assert begin.status == "failed" and begin.failed_hosts() == ["vb365-sim"], begin
    failure = begin.results("Record and disable the enabled jobs")["vb365-sim"]["msg"]
    assert failure.startswith("Begin failed after disabling 4 of 5 job(s): Exchange") and "Could not disable job " in failure, failure
    assert "sent 2 times, without a clear answer (last: Server answered HTTP 500: Injected HTTP 500." in failure, failure
    assert "something else" not in failure
    assert failure.endswith("The record %s names 5 job(s); run end to re-enable them." % (window.record_dir / "vb365-sim.json"))
    assert snapshot(sim)[("vb365", third)][1] is True, "the job whose disable failed is still enabled"
    record = window.record("vb365-sim")
    assert sorted(j["name"] for j in record["jobs"]) == names(before, "vb365", True), "the record was written before any change"
    assert begin.custom_stats["maintenance_window_records"]["vb365-sim"] == record, "published on failure too"
    assert window.record("em-sim")["state"] == "active"

    # During the window an administrator deletes a recorded job; it goes away right after end logs in, before its first read.
    sim.clear_faults()
    deleted = before[[key for key in before if key[0] == "em" and before[key][1]][0]][0]
    sim.inject("delete_behind", api="em", method="POST", path="sessionMngr", job=deleted, count=1)
    end = window.run("maintenance_end.yml")
    assert end.status == "successful", end
    report = end.msgs("Re-enable the recorded jobs")
    assert [host for host in sorted(report) if "no longer exist on this server" in report[host]] == ["em-sim"]
    assert "1 recorded job(s) no longer exist on this server and were not restored: %s." % deleted in report["em-sim"]
    expected = {key: flag for key, flag in enabled(before).items() if before[key][0] != deleted}
    assert enabled(snapshot(sim)) == expected
    em_record = window.record("em-sim")
    assert em_record["state"] == "restored" and [j["name"] for j in em_record["missing"]] == [deleted]
    assert window.record("vb365-sim")["state"] == "restored" and window.record("vb365-sim")["missing"] == []
    assert window.record("vbr-sim")["state"] == "restored" and window.record("vbr-sim")["missing"] == []


def test_begin_killed_halfway_then_end_restores(window, sim, tmp_path):
    before = snapshot(sim)
    second = [key[1] for key, value in before.items() if key[0] == "vb365" and value[1]][1]
    # The disable of the second job is held for a few seconds on the server; begin is killed while it waits for the answer.
    sim.inject("delay", api="vb365", method="POST", path=second + "/disable", seconds=HELD_SECONDS, count=1)
    with open(tmp_path / "begin.log", "wb") as log:
        process = window.popen("maintenance_begin.yml", log)
        try:
            deadline = time.monotonic() + 90
            while not any(r["method"] == "POST" and second in r["path"] for r in sim.requests()["requests"]):
                assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "begin.log").read_text()
                time.sleep(0.1)
            seen = time.monotonic()
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert window.record("vb365-sim")["state"] == "active"
    assert any(v[1] is False for k, v in snapshot(sim).items() if k[0] == "vb365" and before[k][1]), "begin had started disabling"
    # The held request still completes on the server (as a real server would finish it): wait for it, so that it
    # cannot land after end (or in the next test).
    time.sleep(max(0.0, seen + HELD_SECONDS + 1.0 - time.monotonic()))
    sim.clear_faults()
    end = window.run("maintenance_end.yml")
    assert end.status == "successful", end
    assert enabled(snapshot(sim)) == enabled(before)


def test_awx_style_run_passes_the_record_through_set_stats_without_secrets(window, sim, tmp_path):
    """Begin and end as two AWX jobs: env-injected credentials, the record handed over as an extra var, fresh controller."""
    before = snapshot(sim)
    begin = window.run("maintenance_begin.yml", verbosity=3)
    assert begin.status == "successful" and begin.rc == 0, begin
    records = begin.custom_stats["maintenance_window_records"]
    assert sorted(records) == sorted(HOSTS)
    assert sorted(j["name"] for j in records["em-sim"]["jobs"]) == names(before, "em", True)
    saved = [json.loads(path.read_text()) for path in (begin.artifact_dir / "job_events").glob("*.json")]
    assert [e["event_data"]["artifact_data"] for e in saved if e["event"] == "playbook_on_stats"] == [begin.custom_stats]

    # No secret in what AWX keeps: events, stdout, stderr (ansible-runner's own `command` file holds the environment it was given).
    kept = [p for p in begin.artifact_dir.rglob("*") if p.is_file() and p.name != "command"]
    assert kept and not [p for p in kept if window.sim.password in p.read_text(errors="replace")]
    assert window.sim.password not in begin.stdout

    # The end job runs in a fresh execution environment: no record file, only the handed-over extra var. The jobs to start
    # afterwards are per host (inventory host variables): each server's own job names.
    inventory = yaml.safe_load(window.inventory.read_text())
    start_after = {"vb365-sim": ["Exchange Online Daily"], "em-sim": ["Finance Laptops"], "vbr-sim": ["VMware Production VMs"]}
    for group in inventory["all"]["children"].values():
        for host, variables in group["hosts"].items():
            variables["maintenance_window_start_after"] = start_after[host]
    window.inventory.write_text(yaml.safe_dump(inventory))
    fresh = tmp_path / "fresh-ee-records"
    end = window.run("maintenance_end.yml", record_dir=fresh, extravars={"maintenance_window_records": records})
    assert end.status == "successful", end
    after = snapshot(sim)
    assert enabled(after) == enabled(before)
    started = dict((host, msg[msg.index("Started"):]) for host, msg in end.msgs("Re-enable the recorded jobs").items())
    assert started["vb365-sim"].startswith("Started 1 job(s) after the window: Exchange Online Daily")
    assert started["em-sim"] == "Started 0 job(s) after the window; not started (disabled): Finance Laptops."
    assert sim.vb365_job("Exchange Online Daily")["running"] is False  # the run was awaited
    assert sim.count("POST", "/v8/Jobs/{id}/start") == 1
    assert started["vbr-sim"].startswith("Started 1 job(s) after the window: VMware Production VMs")
    assert sim.vbr_job("VMware Production VMs")["running"] is False and sim.count("POST", "/api/v1/jobs/{id}/start") == 1


def test_job_report_prints_one_table_per_server(window, sim):
    report = window.run("job_report.yml")
    assert report.status == "successful" and report.changed() == {"vb365-sim": 0, "em-sim": 0, "vbr-sim": 0}, report
    tables = report.msgs("Show the jobs as a table")
    assert tables["vb365-sim"][0] == "VB365 vb365-sim: 8 job(s) (2 backup copy job(s)), 5 enabled, 1 running"
    assert [line for line in tables["vb365-sim"] if line.startswith("Exchange Online Daily Copy (backup copy of Exchange Online Daily)")]
    assert tables["em-sim"][0] == "Enterprise Manager em-sim: 6 job(s), 4 enabled, 1 running"
    assert tables["vbr-sim"][0] == "Veeam Backup & Replication vbr-sim (REST API 1.3-rev2): 7 job(s), 6 enabled, 1 running"
    assert tables["vb365-sim"][1].startswith("No open maintenance window: no record file ")
    assert tables["vb365-sim"][2].split() == ["JOB", "ENABLED", "RUNNING", "LAST", "STATUS", "NEXT", "RUN", "HELD", "SINCE"]
    assert len(tables["em-sim"]) == 3 + 6
    assert [line for line in tables["vb365-sim"] if line.startswith("Teams and Groups")][0].split()[3:5] == ["yes", "yes"]


def test_vbr_types_select_what_begin_pauses_and_end_restores_every_recorded_job(window, sim):
    """maintenance_window_vbr_types narrows begin and report on VBR servers; the record, not the types, drives end."""
    before = snapshot(sim)
    types = ["VSphereBackup", "BackupCopy"]
    vbr_jobs = sim.state()["vbr"]["jobs"]
    chosen = sorted(j["name"] for j in vbr_jobs if j["type"] in types and j["enabled"])
    others = sorted(j["name"] for j in vbr_jobs if j["type"] not in types and j["enabled"])
    assert chosen and others

    report = window.run("job_report.yml", extravars={"maintenance_window_vbr_types": types})
    assert report.status == "successful", report
    shown = [j for j in vbr_jobs if j["type"] in types]
    title = "Veeam Backup & Replication vbr-sim (REST API 1.3-rev2): %d job(s), %d enabled, %d running"
    assert report.msgs("Show the jobs as a table")["vbr-sim"][0] == title % (
        len(shown), len([j for j in shown if j["enabled"]]), len([j for j in shown if j["running"]]))

    begin = window.run("maintenance_begin.yml", extravars={"maintenance_window_vbr_types": types})
    assert begin.status == "successful", begin
    assert sorted(j["name"] for j in window.record("vbr-sim")["jobs"]) == chosen
    assert sorted(n for n in chosen + others if sim.vbr_job(n)["enabled"]) == others, "jobs of other types are not touched"

    # Other types at the end: every recorded job is still restored, none is reported missing.
    end = window.run("maintenance_end.yml", extravars={"maintenance_window_vbr_types": ["HyperVBackup"]})
    assert end.status == "successful", end
    assert enabled(snapshot(sim)) == enabled(before)
    assert window.record("vbr-sim")["state"] == "restored" and window.record("vbr-sim")["missing"] == []


def test_ansible_builder_create_makes_a_build_context(tmp_path):
    builder = BIN / "ansible-builder"
    if not builder.exists():
        pytest.skip("ansible-builder is not installed in this virtualenv (requirements-dev.txt)")
    context = tmp_path / "context"
    completed = subprocess.run([str(builder), "create", "-f", str(REPO / "execution-environment.yml"), "-c", str(context),
                                "--output-filename", "Containerfile"],
                               capture_output=True, text=True, cwd=str(tmp_path), timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-core>=2.16" in containerfile and "ansible-runner" in containerfile
    assert (context / "_build" / "requirements.txt").read_text() == (REPO / "requirements.txt").read_text()
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert [c["name"] for c in galaxy["collections"]] == ["backupops.veeam"]
    meta = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text())
    assert meta["version"] == 1 and (REPO / meta["dependencies"]["python"]).is_file()


@pytest.mark.parametrize("name, prefix", [("vb365", "VEEAM_VB365_"), ("em", "VEEAM_EM_"), ("vbr", "VEEAM_VBR_")])
def test_awx_credential_types_inject_what_the_modules_read(name, prefix):
    definition = yaml.safe_load((REPO / "awx" / "credential_types" / ("%s.yml" % name)).read_text())
    fields = {f["id"]: f for f in definition["inputs"]["fields"]}
    assert fields["password"].get("secret") is True
    assert set(definition["inputs"]["required"]) == {"username", "password"}
    values = {"server": "veeam.example.com", "username": "CORP\\backup", "password": "pw"}
    env = {key: jinja2.Template(value).render(**values) for key, value in definition["injectors"]["env"].items()}
    expected = {prefix + "SERVER": "veeam.example.com", prefix + "USERNAME": "CORP\\backup", prefix + "PASSWORD": "pw"}
    if name == "vb365":
        # The optional proxy account of veeam_o365_proxy: left empty it injects empty values, which the module reads as unset.
        suffixes = ("PROXY_USERNAME", "PROXY_PASSWORD", "PROXY_SSH_PRIVATE_KEY", "PROXY_SSH_PRIVATE_KEY_PASSPHRASE")
        expected.update((prefix + suffix, "") for suffix in suffixes)
        assert all(fields[field].get("secret") is True for field in ("proxy_password", "proxy_ssh_private_key", "proxy_ssh_private_key_passphrase"))
        assert jinja2.Template(definition["injectors"]["env"][prefix + "PROXY_USERNAME"]).render(proxy_username="root") == "root"
    if name == "vbr":
        # The optional revision field: left empty it injects auto (test_vbr_releases runs the module with it set).
        expected[prefix + "API_VERSION"] = "auto"
        assert jinja2.Template(definition["injectors"]["env"][prefix + "API_VERSION"]).render(api_version="1.2-rev1") == "1.2-rev1"
    assert env == expected
    module = (REPO / "plugins" / "module_utils" / "_arguments.py").read_text()
    assert 'prefix = "VEEAM_%s_" % api.name.upper()' in module


def test_awx_tls_credential_type_injects_the_ca_file():
    definition = yaml.safe_load((REPO / "awx" / "credential_types" / "tls.yml").read_text())
    assert {"VEEAM_CA_PATH", "VEEAM_VALIDATE_CERTS"} == set(definition["injectors"]["env"])
    assert "{{ tower.filename" in definition["injectors"]["env"]["VEEAM_CA_PATH"]
    assert definition["inputs"]["required"] == ["ca_cert"]
    fields = {field["id"]: field for field in definition["inputs"]["fields"]}
    assert fields["skip_verify"]["type"] == "boolean" and "validate_certs" not in fields

    def rendered(**inputs):
        return {key: jinja2.Template(value).render(ca_cert="PEM", tower={"filename": "/runner/env/tmpXYZ"}, **inputs)
                for key, value in definition["injectors"]["env"].items()}

    verified = {"VEEAM_CA_PATH": "/runner/env/tmpXYZ", "VEEAM_VALIDATE_CERTS": "true"}
    # A credential created with only the CA (the API, awx.awx): AWX stores the unset boolean as false.
    assert rendered(skip_verify=False) == verified
    assert rendered() == verified
    assert rendered(skip_verify=True) == dict(verified, VEEAM_VALIDATE_CERTS="false")


def test_main_entry_point_dispatches_and_end_without_a_record_changes_nothing(window, sim, tmp_path):
    playbook = tmp_path / "main_entry.yml"
    playbook.write_text(yaml.safe_dump([{"name": "Main entry point", "hosts": "vb365_servers:enterprise_managers:vbr_servers", "gather_facts": False,
                                         "roles": [{"role": "backupops.veeam.maintenance_window", "vars": {"maintenance_window_action": "end"}}]}]))
    sim.clear_requests()
    run = window.run(str(playbook))
    assert run.status == "successful" and run.changed() == {"vb365-sim": 0, "em-sim": 0, "vbr-sim": 0}, run
    assert "No record of a begin for this host" in run.msgs("Re-enable the recorded jobs")["em-sim"]
    assert sim.writes() == [] and sim.requests()["requests"] == []
    bad = window.run(str(playbook), extravars={"maintenance_window_action": "pause"})
    assert bad.status == "failed"
    assert "maintenance_window_action must be one of: begin, end" in json.dumps(bad.results("Validating arguments"))


def test_example_inventory_and_playbooks_parse(collections_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_path), ANSIBLE_PYTHON_INTERPRETER=str(BIN / "python"))
    inventory = str(PLAYBOOKS / "inventory" / "example.yml")
    graph = subprocess.run([str(BIN / "ansible-inventory"), "-i", inventory, "--graph"], env=env, capture_output=True, text=True,
                           timeout=120, check=True).stdout
    assert "@vb365_servers:" in graph and "@enterprise_managers:" in graph and "em-01.corp.example.com" in graph
    assert "@vbr_servers:" in graph and "vbr-01.corp.example.com" in graph
    for playbook in ("job_report.yml", "maintenance_begin.yml", "maintenance_end.yml"):
        subprocess.run([str(BIN / "ansible-playbook"), "-i", inventory, "--syntax-check", str(PLAYBOOKS / playbook)], env=env,
                       capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.parametrize("playbook", ["job_report.yml", "maintenance_begin.yml", "maintenance_end.yml"])
def test_every_playbook_honours_the_per_host_connection_settings(window, sim, playbook):
    """One mapping of inventory variables to module options: an API-v6 VB365 server, a JSON Enterprise Manager, a 1.2-rev1 VBR server."""
    window.inventory.write_text(yaml.safe_dump({"all": {"children": {
        "vb365_servers": {"hosts": {"vb365-sim": {"veeam_server": sim.host, "veeam_port": sim.vb365_port, "veeam_vb365_api_version": "v6"}}},
        "enterprise_managers": {"hosts": {"em-sim": {"veeam_server": sim.host, "veeam_port": sim.em_port, "veeam_em_format": "json"}}},
        "vbr_servers": {"hosts": {"vbr-sim": {"veeam_server": sim.host, "veeam_port": sim.vbr_port, "veeam_vbr_api_version": "1.2-rev1"}}},
    }}}))
    if playbook == "maintenance_end.yml":
        assert window.run("maintenance_begin.yml").status == "successful"
    sim.clear_requests()
    run = window.run(playbook)
    assert run.status == "successful", run
    logged = sim.requests()["requests"]
    vb365 = [r["path"] for r in logged if r["api"] == "vb365"]
    em = [r for r in logged if r["api"] == "em"]
    vbr = [r for r in logged if r["api"] == "vbr"]
    assert vb365 and all(path.startswith("/v6/") for path in vb365), vb365
    assert em and all(dict((k.lower(), v) for k, v in r["headers"].items()).get("accept") == "application/json" for r in em)
    assert vbr and all(dict((k.lower(), v) for k, v in r["headers"].items()).get("x-api-version") == "1.2-rev1" for r in vbr)


def test_a_record_written_from_environment_credentials_names_the_server_used(window, sim):
    """AWX: the server comes from the credential's environment variable, not from the inventory."""
    window.inventory.write_text(yaml.safe_dump({"all": {"children": {
        "vb365_servers": {"hosts": {"vb365-sim": {}}}, "enterprise_managers": {"hosts": {"em-sim": {}}}, "vbr_servers": {"hosts": {"vbr-sim": {}}}}}}))
    servers = {"vb365-sim": "https://%s:%d" % (sim.host, sim.vb365_port), "em-sim": "https://%s:%d" % (sim.host, sim.em_port),
               "vbr-sim": "https://%s:%d" % (sim.host, sim.vbr_port)}
    run = window.run("maintenance_begin.yml", env={"VEEAM_VB365_SERVER": servers["vb365-sim"], "VEEAM_EM_SERVER": servers["em-sim"],
                                                   "VEEAM_VBR_SERVER": servers["vbr-sim"]})
    assert run.status == "successful", run
    for host, server in servers.items():
        assert window.record(host)["server"] == server + "/"
        assert run.custom_stats["maintenance_window_records"][host]["server"] == server + "/"


def test_the_window_action_takes_its_connection_from_the_plays_module_defaults(ansible, sim):
    """Settings left unset fall back, as for the job modules, to module_defaults for the API's group (here the vbr group)."""
    run = ansible.run([{"name": "report", "backupops.veeam.maintenance_window": {"phase": "report", "api": "vbr"}}])
    assert run.result["msg"][0].startswith("Veeam Backup & Replication localhost (REST API 1.3-rev2): 7 job(s)"), run.result
    assert ansible.sim.password not in json.dumps(run.results)
    without = ansible.run([{"name": "report", "backupops.veeam.maintenance_window": {"phase": "report", "api": "vbr"}, "ignore_errors": True}],
                          defaults=False)
    assert without.result["failed"] and "server is missing" in without.result["msg"], without.result


def test_awx_job_slices_each_publish_their_records_and_the_end_job_restores_every_host(window, sim, tmp_path):
    """AWX job slicing, as AWX runs it: each slice is a job of its own (its own awx_job_id, a fresh execution environment, so
    its own record directory) over hosts[n-1::count] of the sorted inventory; the next workflow node receives the slices'
    artifacts combined key by key, the last finished slice overwriting the others' keys (WorkflowJob.get_effective_artifacts)."""
    before = snapshot(sim)
    hosts = sorted(HOSTS)
    artifacts = {}
    for number, job_id in ((1, 101), (2, 102)):
        part = hosts[number - 1::2]
        begin = window.run("maintenance_begin.yml", extravars={"awx_job_id": job_id}, limit=",".join(part),
                           record_dir=tmp_path / ("slice-%d" % number))
        assert begin.status == "successful", begin
        assert sorted(begin.custom_stats) == ["maintenance_window_records_%d" % job_id]
        assert sorted(begin.custom_stats["maintenance_window_records_%d" % job_id]) == part
        artifacts.update(begin.custom_stats)  # what AWX hands to the next node: a plain dict.update over the slices
    assert not any(flag for flag in enabled(snapshot(sim)).values())
    # The end job runs sliced too, in fresh environments with no record file: every host's record comes from the artifacts.
    for number, job_id in ((1, 201), (2, 202)):
        end = window.run("maintenance_end.yml", extravars=dict(artifacts, awx_job_id=job_id), limit=",".join(hosts[number - 1::2]),
                         record_dir=tmp_path / ("end-slice-%d" % number))
        assert end.status == "successful", end
        assert all(result["msg"].startswith("Re-enabled") for result in end.results("Re-enable the recorded jobs").values()), end
    assert enabled(snapshot(sim)) == enabled(before)


def test_diff_mode_shows_the_record_and_the_job_flags_before_and_after(window, sim):
    before = snapshot(sim)
    begin = window.run("maintenance_begin.yml", check=True, diff=True)
    assert begin.status == "successful" and sim.writes() == [], begin
    diff = begin.results("Record and disable the enabled jobs")["vbr-sim"]["diff"]
    record_diff, jobs_diff = diff
    assert record_diff["before"] == "" and record_diff["after_header"].endswith("vbr-sim.json")
    assert sorted(j["name"] for j in json.loads(record_diff["after"])["jobs"]) == names(before, "vbr", True)
    flipped = [label for label, flags in jobs_diff["after"].items() if flags["enabled"] != jobs_diff["before"][label]["enabled"]]
    assert sorted(label.split(" (")[0] for label in flipped) == names(before, "vbr", True)
    assert "--- before" in begin.stdout or "before:" in begin.stdout, "the diff is shown"


def test_the_api_comes_from_the_group_and_api_options_from_the_host_and_a_host_of_no_api_fails_clearly(window, sim):
    """The registry decides: no veeam_api, the group tells the API; maintenance_window_api_options per host; an ungrouped
    host without veeam_api is named, not guessed."""
    window.inventory.write_text(yaml.safe_dump({"all": {
        "hosts": {"stray": {"veeam_server": sim.host}},
        "children": {
            "vb365_servers": {"hosts": {"vb365-sim": {"veeam_server": sim.host, "veeam_port": sim.vb365_port,
                                                      "maintenance_window_api_options": {"api_version": "v6"}}}},
            "enterprise_managers": {"hosts": {"em-sim": {"veeam_server": sim.host, "veeam_port": sim.em_port,
                                                         "maintenance_window_api_options": {"format": "json"}}}},
            "vbr_servers": {"hosts": {"vbr-sim": {"veeam_server": sim.host, "veeam_port": sim.vbr_port}}}}}}))
    playbook = window.tmp_path / "report_all.yml"
    playbook.write_text(yaml.safe_dump([{"name": "Report", "hosts": "all", "gather_facts": False, "tasks": [
        {"name": "Show the jobs", "ansible.builtin.import_role": {"name": "backupops.veeam.maintenance_window", "tasks_from": "report"}}]}]))
    sim.clear_requests()
    run = window.run(str(playbook))
    assert run.failed_hosts() == ["stray"], run
    assert run.results("Show the jobs as a table")["stray"]["msg"] == (
        "Host stray: which API is it? Set veeam_api (em, vb365, vbr), or put the host in exactly one of the groups "
        "enterprise_managers, vb365_servers, vbr_servers.")
    tables = run.msgs("Show the jobs as a table")
    assert tables["vbr-sim"][0].startswith("Veeam Backup & Replication vbr-sim (REST API 1.3-rev2): 7 job(s)")
    logged = sim.requests()["requests"]
    assert all(r["path"].startswith("/v6/") for r in logged if r["api"] == "vb365")
    assert all(dict((k.lower(), v) for k, v in r["headers"].items()).get("accept") == "application/json" for r in logged if r["api"] == "em")
