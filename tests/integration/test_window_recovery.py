"""The window's recovery paths as AWX runs them (issue 29): the recovery rerun of a begin whose wait timed out applies
if_running to the sessions of the jobs it already holds, a begin that changed nothing is recorded as such, the summary
counts the work of failed hosts, and an end names the record it applies (an AWX relaunch applies it again).

Every job goes through ansible-runner with a fresh private data dir, HOME and record directory (a fresh execution
environment); the record reaches the next job only through the artifacts, given as extra variables (dict.update in order).
"""

import re

import yaml

from helpers import HOSTS, enabled, snapshot

# The running session of each API's host in the default scenario.
RUNNING = {"vb365-sim": "Teams and Groups", "em-sim": "Linux DB Servers", "vbr-sim": "SQL Cluster VMs"}
BEGIN_TASK, END_TASK = "Record and disable the enabled jobs", "Re-enable the recorded jobs"


def awx_job(window, tmp_path, playbook, job_id, artifacts, env=None, **extravars):
    home = tmp_path / ("home-%d" % job_id)
    home.mkdir()
    return window.run(playbook, record_dir=tmp_path / ("ee-%d" % job_id), env=dict(env or {}, HOME=str(home)),
                      extravars=dict(artifacts, awx_job_id=job_id, **extravars))


def running_now(sim):
    return sorted(name for (_api, _id), (name, _flag, running) in snapshot(sim).items() if running)


def records_of(run, job_id):
    return run.custom_stats["maintenance_window_records_%d" % job_id]


def test_the_recovery_rerun_stops_what_still_runs_and_the_record_keeps_begin_failed_until_it_has(window, sim, tmp_path):
    before = snapshot(sim)
    assert running_now(sim) == sorted(RUNNING.values())

    # Job 311: the begin's wait times out on every host; their schedules are off, their sessions run on.
    first = awx_job(window, tmp_path, "maintenance_begin.yml", 311, {}, maintenance_window_if_running="wait",
                    maintenance_window_wait_timeout=2)
    assert first.status == "failed" and first.failed_hosts() == sorted(HOSTS), first
    lines = first.msgs(BEGIN_TASK)
    disabled = dict((host, int(re.match(r"Begin failed after disabling (\d+) of", line).group(1))) for host, line in lines.items())
    assert all(count > 0 for count in disabled.values()), lines
    [summary] = first.msgs("Summarize the begin").values()
    # The fleet line sums the host lines, although every host failed.
    assert summary.startswith("begin on 3 host(s): 0 ok, 3 failed (em-sim, vb365-sim, vbr-sim); jobs disabled %d, sessions stopped 0,"
                              % sum(disabled.values())), summary
    artifacts = dict(first.custom_stats)
    assert all(record["begin_failed"]["still_running"] == [RUNNING[host]] for host, record in records_of(first, 311).items())

    # Job 312, the same template on the failure edge with if_running=wait again: the sessions still run, so it fails
    # again, and the record it publishes still says the begin failed.
    again = awx_job(window, tmp_path, "maintenance_begin.yml", 312, artifacts, maintenance_window_if_running="wait",
                    maintenance_window_wait_timeout=2)
    assert again.status == "failed" and again.failed_hosts() == sorted(HOSTS), again
    assert running_now(sim) == sorted(RUNNING.values())
    assert all("begin_failed" in record for record in records_of(again, 312).values())
    artifacts.update(again.custom_stats)

    # Job 313, the documented recovery: if_running=stop stops the sessions of the jobs the window already holds.
    rerun = awx_job(window, tmp_path, "maintenance_begin.yml", 313, artifacts, maintenance_window_if_running="stop")
    assert rerun.status == "successful", rerun
    assert running_now(sim) == [], "green only once nothing writes"
    for host, line in rerun.msgs(BEGIN_TASK).items():
        assert line.startswith("Disabled 0 job(s); stopped the running session of 1 job(s): %s;" % RUNNING[host]), line
    assert all("begin_failed" not in record for record in records_of(rerun, 313).values()), "the rerun finished what 311 set out to do"
    [summary] = rerun.msgs("Summarize the begin").values()
    assert summary.startswith("begin on 3 host(s): 3 ok, 0 failed; jobs disabled 0, sessions stopped 3,"), summary
    artifacts.update(rerun.custom_stats)

    end = awx_job(window, tmp_path, "maintenance_end.yml", 314, artifacts, maintenance_window_require_record=True)
    assert end.status == "successful", end
    assert enabled(snapshot(sim)) == enabled(before)


def test_a_rerun_with_if_running_leave_leaves_the_held_sessions_and_says_so(window, sim, tmp_path):
    first = awx_job(window, tmp_path, "maintenance_begin.yml", 21, {}, limit="vb365-sim", maintenance_window_if_running="wait",
                    maintenance_window_wait_timeout=2)
    assert first.status == "failed", first
    rerun = awx_job(window, tmp_path, "maintenance_begin.yml", 22, dict(first.custom_stats), maintenance_window_if_running="leave")
    assert rerun.status == "successful", rerun
    line = rerun.msgs(BEGIN_TASK)["vb365-sim"]
    assert "the session(s) of Teams and Groups run on (if_running=leave)" in line, line
    assert sim.vb365_job("Teams and Groups")["running"] is True


def test_a_begin_refused_at_login_records_that_it_changed_nothing_and_end_is_green(window, sim, tmp_path):
    sim.clear_requests()
    wrong = dict(VEEAM_VB365_PASSWORD="wrong", VEEAM_EM_PASSWORD="wrong", VEEAM_VBR_PASSWORD="wrong")
    begin = awx_job(window, tmp_path, "maintenance_begin.yml", 41, {}, env=wrong)
    assert begin.status == "failed" and begin.failed_hosts() == sorted(HOSTS), begin
    assert sim.writes() == []
    published = records_of(begin, 41)
    assert sorted(published) == sorted(HOSTS), "published although the begin changed nothing"
    for record in published.values():
        assert record["state"] == "active" and record["jobs"] == [] and record["begin_failed"]["before_any_change"] is True

    end = awx_job(window, tmp_path, "maintenance_end.yml", 42, dict(begin.custom_stats), maintenance_window_require_record=True)
    assert end.status == "successful", end
    for host, line in end.msgs(END_TASK).items():
        assert line.startswith("Nothing to restore: the begin of %s failed before any change (" % published[host]["created"]), line
    [summary] = end.msgs("Summarize the end").values()
    assert summary.endswith("Nothing recorded, nothing to restore: em-sim, vb365-sim, vbr-sim."), summary
    assert sim.writes() == [], "an end of nothing asks the server nothing"
    assert all(record["state"] == "restored" for record in records_of(end, 42).values())


def test_an_end_names_the_record_it_applies_and_a_relaunch_applies_it_again(window, sim, tmp_path, ansible):
    """docs/awx.md: relaunching a finished end re-enables every recorded job that is disabled again, an administrator's
    later change included; the end's line names the begin whose record it applied, so the output shows it."""
    begin = awx_job(window, tmp_path, "maintenance_begin.yml", 101, {}, limit="vbr-sim")
    assert begin.status == "successful", begin
    artifacts = dict(begin.custom_stats)
    created = records_of(begin, 101)["vbr-sim"]["created"]
    end = awx_job(window, tmp_path, "maintenance_end.yml", 102, artifacts, limit="vbr-sim")
    assert end.status == "successful", end
    applied = "Applied the record of the begin of %s (handed over in maintenance_window_records)." % created
    assert applied in end.msgs(END_TASK)["vbr-sim"]

    # After the window an administrator disables a recorded job; relaunching end 102 (the same extra vars) re-enables it.
    assert ansible.task("veeam_vbr_job", name="VMware Production VMs", state="disabled")["changed"] is True
    relaunch = awx_job(window, tmp_path, "maintenance_end.yml", 103, artifacts, limit="vbr-sim")
    assert relaunch.status == "successful", relaunch
    line = relaunch.msgs(END_TASK)["vbr-sim"]
    assert line.startswith("Re-enabled 1 of ") and "VMware Production VMs" in line and applied in line, line


def test_a_window_on_vb365_spoken_to_as_v5_names_the_backup_copy_jobs_it_cannot_see(window, sim):
    inventory = yaml.safe_load(window.inventory.read_text())
    inventory["all"]["children"]["vb365_servers"]["hosts"]["vb365-sim"]["veeam_vb365_api_version"] = "v5"
    window.inventory.write_text(yaml.safe_dump(inventory))
    copies = dict((job["name"], job["isEnabled"]) for job in sim.state()["vb365"]["copy_jobs"])
    assert copies and any(copies.values())
    unseen = "api_version v5 has no backup copy jobs: jobs of the kind(s) backup copy are not seen and stay as they are"

    begin = window.run("maintenance_begin.yml", limit="vb365-sim")
    assert begin.status == "successful", begin
    assert unseen in begin.msgs(BEGIN_TASK)["vb365-sim"]
    [summary] = begin.msgs("Summarize the begin").values()
    assert summary.endswith(" Jobs of kinds the API cannot list, not seen and left as they are: vb365-sim (backup copy)."), summary
    assert dict((job["name"], job["isEnabled"]) for job in sim.state()["vb365"]["copy_jobs"]) == copies, "left as they are"

    report = window.run("job_report.yml", limit="vb365-sim").msgs("Show the jobs as a table")["vb365-sim"]
    assert report[-1] == unseen + ".", report
    assert window.run("maintenance_end.yml", limit="vb365-sim").status == "successful"


def test_the_report_aligns_its_columns_and_says_running_in_every_api(window, sim):
    tables = window.run("job_report.yml").msgs("Show the jobs as a table")
    for host, running in RUNNING.items():
        lines = tables[host]
        header = lines[2]
        columns = [header.index(title) for title in ("ENABLED", "RUNNING", "LAST STATUS", "NEXT RUN", "HELD SINCE")]
        for line in lines[3:]:
            if line.startswith(running):
                assert line[columns[2]:].split()[0] == "Running", (host, line)
            if not line.endswith("."):  # a job row, not a closing sentence
                assert all(line[column - 2:column] == "  " and line[column] != " " for column in columns), (host, line)


def test_a_begin_selects_the_job_a_vbr_chain_would_start_and_end_restores_it(window, sim):
    sim.reset({"vbr": {"jobs": [{"name": "Nightly", "running": True, "lastResult": "Success"},
                                {"name": "Nightly copy", "runAfter": "Nightly", "lastResult": "Success"},
                                {"name": "Weekly", "lastResult": "Success"}]}})
    sim.configure(vbr_release="13.1")
    inventory = yaml.safe_load(window.inventory.read_text())
    inventory["all"]["children"]["vbr_servers"]["hosts"]["vbr-sim"]["maintenance_window_names"] = ["Nightly"]
    window.inventory.write_text(yaml.safe_dump(inventory))

    begin = window.run("maintenance_begin.yml", limit="vbr-sim")
    assert begin.status == "successful", begin
    line = begin.msgs(BEGIN_TASK)["vbr-sim"]
    assert line.startswith("Disabled 2 job(s): Nightly, Nightly copy; stopped the running session of 1 job(s): Nightly;"), line
    assert "1 job(s) chained after a selected job, selected too so that the chain cannot start them: Nightly copy (runs after Nightly)" in line
    assert [entry["name"] for entry in window.record("vbr-sim")["jobs"]] == ["Nightly", "Nightly copy"]
    assert sim.vbr_job("Weekly")["enabled"] is True and len(sim.vbr_job("Nightly copy")["sessions"]) == 1, "the chain started nothing"
    [summary] = begin.msgs("Summarize the begin").values()
    assert "chained after a selected job 1" in summary, summary

    end = window.run("maintenance_end.yml", limit="vbr-sim")
    assert end.status == "successful", end
    assert all(sim.vbr_job(name)["enabled"] for name in ("Nightly", "Nightly copy", "Weekly"))


def test_a_window_on_vbr_12_0_names_the_kinds_of_job_its_rest_api_cannot_list(window, sim, ansible):
    sim.configure(vbr_release="12.0")
    module = ansible.task("veeam_vbr_job_info")
    kinds = module["unlisted_jobs"]["kinds"]
    assert "HyperVBackup" in kinds and "BackupCopy" in kinds and "VSphereBackup" not in kinds, module
    assert [w for w in module["warnings"] if "lists only the job types it has names for" in w], module["warnings"]

    begin = window.run("maintenance_begin.yml", limit="vbr-sim")
    assert begin.status == "successful", begin
    said = "REST API 1.1-rev0 (Veeam Backup & Replication 12.0) lists only the job types it has names for: jobs of the kind(s) %s " \
           "are not seen and stay as they are" % ", ".join(kinds)
    assert said in begin.msgs(BEGIN_TASK)["vbr-sim"]
    [summary] = begin.msgs("Summarize the begin").values()
    assert summary.endswith(" Jobs of kinds the API cannot list, not seen and left as they are: vbr-sim (%s)." % ", ".join(kinds)), summary
    report = window.run("job_report.yml", limit="vbr-sim").msgs("Show the jobs as a table")["vbr-sim"]
    assert report[-1] == said + ".", report
    assert window.run("maintenance_end.yml", limit="vbr-sim").status == "successful"
