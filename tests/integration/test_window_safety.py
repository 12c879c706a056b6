"""The maintenance window never ends green with jobs left behind (issue 20): hand-offs as templates, waits that time out,
AWX recovery reruns, ends without a record, records of another API, failed begins, start_after, the fleet summary.

Every run goes through ansible-runner, as AWX runs it; hand-offs are the begin job's artifacts given as extra variables.
"""

import json

import yaml

from helpers import enabled, names, snapshot

APIS = ("vb365", "em", "vbr")
PORT_OF = {"vb365": "vb365_port", "em": "em_port", "vbr": "vbr_port"}
GROUP_OF = {"vb365": "vb365_servers", "em": "enterprise_managers", "vbr": "vbr_servers"}


def nine_hosts(window, sim):
    """Three hosts per API, each the owner of a third of that server's jobs (maintenance_window_names), and the records
    hand-off written the ordinary way: a template in the inventory, `{{ handover }}`."""
    state = sim.state()
    jobs = {"vb365": sorted(j["name"] for j in state["vb365"]["jobs"] + state["vb365"]["copy_jobs"]), "em": sorted(j["name"] for j in state["em"]["jobs"]),
            "vbr": sorted(j["name"] for j in state["vbr"]["jobs"])}
    children, owners = {}, {}
    for api in APIS:
        hosts = {}
        for part in range(3):
            host = "%s-%d" % (api, part + 1)
            owners[host] = jobs[api][part::3]
            hosts[host] = {"veeam_api": api, "veeam_server": sim.host, "veeam_port": getattr(sim, PORT_OF[api]),
                           "maintenance_window_names": owners[host]}
        children[GROUP_OF[api]] = {"hosts": hosts}
    window.inventory.write_text(yaml.safe_dump({"all": {"vars": {"maintenance_window_records": "{{ handover }}"}, "children": children}}))
    return owners


def test_nine_hosts_three_windows_in_a_row_with_the_records_handed_over_through_a_template(window, sim, tmp_path):
    owners = nine_hosts(window, sim)
    before = snapshot(sim)
    enabled_names = set(value[0] for value in before.values() if value[1])
    for number in (1, 2, 3):
        begin = window.run("maintenance_begin.yml", record_dir=tmp_path / ("begin-%d" % number), extravars={"handover": {}})
        assert begin.status == "successful", begin
        assert not any(flag for flag in enabled(snapshot(sim)).values()), "window %d: every job is disabled" % number
        records = begin.custom_stats["maintenance_window_records"]
        assert sorted(records) == sorted(owners)
        for host, record in records.items():
            assert sorted(j["name"] for j in record["jobs"]) == sorted(set(owners[host]) & enabled_names)
        [summary] = begin.msgs("Summarize the begin").values()
        stopped = 3 if number == 1 else 0  # the first window stops the scenario's three running sessions
        assert summary.startswith("begin on 9 host(s): 9 ok, 0 failed; jobs disabled %d, sessions stopped %d," % (len(enabled_names), stopped)), summary

        # The end job: a fresh record directory (a fresh execution environment); only the template brings the records.
        end = window.run("maintenance_end.yml", record_dir=tmp_path / ("end-%d" % number),
                         extravars={"handover": records, "maintenance_window_require_record": True})
        assert end.status == "successful", end
        messages = end.msgs("Re-enable the recorded jobs")
        for host, record in records.items():
            recorded = len(record["jobs"])
            # A begin that recorded no job (all its jobs were disabled already) leaves nothing to ask the server.
            expected = "Re-enabled %d of %d recorded job(s)" % (recorded, recorded) if recorded else "Nothing to restore: the begin of "
            assert messages[host].startswith(expected), messages[host]
        assert enabled(snapshot(sim)) == enabled(before), "window %d: every job as it was" % number
        [summary] = end.msgs("Summarize the end").values()
        assert summary.startswith("end on 9 host(s): 9 ok, 0 failed; jobs re-enabled %d, already enabled 0," % len(enabled_names)), summary


def test_wait_disables_every_schedule_first_and_a_timeout_leaves_them_off_and_says_so(window, sim):
    before = snapshot(sim)
    running = [v[0] for k, v in before.items() if k[0] == "vb365" and v[2]]
    assert running == ["Teams and Groups"]
    begin = window.run("maintenance_begin.yml", limit="vb365-sim", extravars={
        "maintenance_window_if_running": "wait", "maintenance_window_wait_timeout": 4, "maintenance_window_progress_interval": 1})
    assert begin.status == "failed", begin
    during = snapshot(sim)
    assert names(during, "vb365", True) == [], "every schedule is off although the wait timed out"
    assert sim.vb365_job("Teams and Groups")["running"] is True, "wait never stops a session"
    message = begin.results("Record and disable the enabled jobs")["vb365-sim"]["msg"]
    assert message.startswith("Begin failed after disabling 5 of 5 job(s): "), message
    assert "Timed out after 4 seconds waiting for the running sessions of job 'Teams and Groups' to end" in message
    assert "Their schedules are off, but the session(s) of Teams and Groups are still running." in message
    assert message.endswith("The record %s names 5 job(s); run end to re-enable them." % (window.record_dir / "vb365-sim.json"))
    record = window.record("vb365-sim")
    assert record["state"] == "active" and record["begin_failed"]["still_running"] == ["Teams and Groups"]
    assert begin.custom_stats["maintenance_window_records"]["vb365-sim"] == record, "the failure's record is published"
    assert "vb365-sim: still waiting for the running sessions of job 'Teams and Groups' to end (" in begin.stdout, "progress while waiting"
    [summary] = begin.msgs("Summarize the begin").values()
    assert summary.startswith("begin on 1 host(s): 0 ok, 1 failed (vb365-sim);"), summary

    end = window.run("maintenance_end.yml", limit="vb365-sim")
    assert end.status == "successful", end
    assert enabled(snapshot(sim)) == enabled(before)


def test_the_job_module_with_wait_disables_first_and_reports_only_what_the_server_has(ansible, sim):
    before = {j["name"]: j["isEnabled"] for j in sim.state()["vb365"]["jobs"]}
    result = ansible.task("veeam_o365_job", all_jobs=True, state="disabled", if_running="wait", wait_timeout=3, wait_sleep=0.5)
    assert result["failed"] and "waiting for the running sessions of job 'Teams and Groups'" in result["msg"], result
    server = {j["name"]: (j["isEnabled"], j["running"]) for j in sim.state()["vb365"]["jobs"]}
    assert not any(flag for flag, _running in server.values()), "schedules off although the wait timed out"
    for job in result["jobs"]:
        assert (job["after"]["enabled"], job["after"]["running"]) == server[job["name"]], job
        assert ("disable" in job["actions"]) == before[job["name"]], job


def test_awx_recovery_rerun_of_a_failed_begin_keeps_what_it_recorded(window, sim, tmp_path, ansible):
    """AWX workflow: begin (job 9) fails halfway; its failure edge leads to the same begin template (job 10), which receives
    job 9's artifacts; the end (job 11) receives both. Each job: a fresh private data dir, HOME and record directory."""
    before = snapshot(sim)
    stubborn = [key[1] for key, value in before.items() if key[0] == "vb365" and value[1]][1]
    sim.inject("status", api="vb365", method="POST", path=stubborn + "/disable", status=500, count=50)

    def job(playbook, job_id, artifacts, **extravars):
        home = tmp_path / ("home-%d" % job_id)
        home.mkdir()
        return window.run(playbook, record_dir=tmp_path / ("ee-%d" % job_id), env={"HOME": str(home)},
                          extravars=dict(artifacts, awx_job_id=job_id, **extravars))

    first = job("maintenance_begin.yml", 9, {})
    assert first.status == "failed" and first.failed_hosts() == ["vb365-sim"], first
    artifacts = dict(first.custom_stats)
    assert sorted(artifacts) == ["maintenance_window_records_9"]
    assert "Begin failed after disabling 4 of 5 job(s)" in first.results("Record and disable the enabled jobs")["vb365-sim"]["msg"]

    # Between the failure and the rerun an operator enables a job that was disabled before the window.
    sim.clear_faults()
    revived = names(before, "vb365", False)[0]
    assert ansible.task("veeam_o365_job", name=revived, state="enabled")["changed"] is True

    rerun = job("maintenance_begin.yml", 10, artifacts)
    assert rerun.status == "successful", rerun
    summary = rerun.msgs("Record and disable the enabled jobs")["vb365-sim"]
    assert summary.startswith("Disabled 2 job(s): "), summary
    assert "4 job(s) still held disabled by this window since %s" % artifacts["maintenance_window_records_9"]["vb365-sim"]["created"] in summary
    artifacts.update(rerun.custom_stats)  # AWX: the end node receives its ancestors' artifacts, dict.update in order

    end = job("maintenance_end.yml", 11, artifacts, maintenance_window_require_record=True)
    assert end.status == "successful", end
    expected = dict(enabled(before))
    expected[[key for key, value in before.items() if value[0] == revived][0]] = True  # enabled when the rerun began
    assert enabled(snapshot(sim)) == expected


def test_an_end_without_a_record_warns_and_fails_when_a_record_is_required(window, sim, tmp_path):
    sim.clear_requests()
    warned = window.run("maintenance_end.yml", record_dir=tmp_path / "empty")
    assert warned.status == "successful", warned
    result = warned.results("Re-enable the recorded jobs")["em-sim"]
    assert result["msg"].startswith("No record of a begin for this host") and result["msg"] in result["warnings"]
    [summary] = warned.msgs("Summarize the end").values()
    assert summary.endswith("No record, nothing restored: em-sim, vb365-sim, vbr-sim."), summary
    required = window.run("maintenance_end.yml", record_dir=tmp_path / "empty", extravars={"maintenance_window_require_record": True})
    assert required.status == "failed" and required.failed_hosts() == ["em-sim", "vb365-sim", "vbr-sim"], required
    assert "maintenance_window_require_record is true" in required.results("Re-enable the recorded jobs")["vbr-sim"]["msg"]
    assert sim.writes() == []


def test_a_begin_refuses_to_replace_an_open_window_of_another_api(window, sim):
    window.record_dir.mkdir()
    foreign = dict(format=1, state="active", host="em-sim", api="vb365", server="https://elsewhere:4443/", created="2026-12-01T09:00:00Z",
                   jobs=[dict(id="0b5e1f0e-0000-0000-0000-000000000001", name="Some VB365 job")])
    (window.record_dir / "em-sim.json").write_text(json.dumps(foreign))
    sim.clear_requests()
    begin = window.run("maintenance_begin.yml", limit="em-sim")
    assert begin.status == "failed", begin
    message = begin.results("Record and disable the enabled jobs")["em-sim"]["msg"]
    assert "has an open maintenance window on VB365" in message and str(window.record_dir / "em-sim.json") in message
    assert window.record("em-sim") == foreign and sim.writes() == []


def test_start_after_in_check_mode_reports_what_a_real_end_would_start_and_an_unknown_name_fails(window, sim):
    inventory = yaml.safe_load(window.inventory.read_text())
    hosts = {h: v for group in inventory["all"]["children"].values() for h, v in group["hosts"].items()}
    hosts["vb365-sim"]["maintenance_window_start_after"] = ["Exchange Online Daily"]
    hosts["vbr-sim"]["maintenance_window_start_after"] = ["VMware Production VMs", "No Such Job"]
    window.inventory.write_text(yaml.safe_dump(inventory))
    assert window.run("maintenance_begin.yml").status == "successful"

    check = window.run("maintenance_end.yml", check=True)
    messages = check.msgs("Re-enable the recorded jobs")
    assert messages["vb365-sim"].endswith("Would start 1 job(s) after the window: Exchange Online Daily; not started (disabled): none.")
    assert "maintenance_window_start_after: no job is named 'No Such Job'" in messages["vbr-sim"]

    end = window.run("maintenance_end.yml")
    assert end.status == "failed" and end.failed_hosts() == ["vbr-sim"], end
    vbr = end.results("Re-enable the recorded jobs")["vbr-sim"]["msg"]
    assert vbr.startswith("Re-enabled 6 of 6 recorded job(s)") and "nothing was started" in vbr, vbr
    assert all(flag for key, flag in enabled(snapshot(sim)).items() if key[0] == "vbr" and snapshot(sim)[key][0] != "Test Lab VMs")
    assert sim.count("POST", "/api/v1/jobs/{id}/start") == 0
    started = end.msgs("Re-enable the recorded jobs")["vb365-sim"]
    assert started.endswith("Started 1 job(s) after the window: Exchange Online Daily; not started (disabled): none."), started


def test_report_during_an_open_window_marks_the_held_jobs(window, sim):
    quiet = window.run("job_report.yml")
    assert quiet.msgs("Show the jobs as a table")["em-sim"][1].startswith("No open maintenance window: no record file ")
    assert window.run("maintenance_begin.yml").status == "successful"
    created = window.record("em-sim")["created"]
    tables = window.run("job_report.yml").msgs("Show the jobs as a table")
    assert tables["em-sim"][1].startswith("Open maintenance window on Enterprise Manager since %s (record " % created)
    held = sorted(line.split("  ")[0] for line in tables["em-sim"][3:] if line.endswith(created))
    assert held == sorted(j["name"] for j in window.record("em-sim")["jobs"])
