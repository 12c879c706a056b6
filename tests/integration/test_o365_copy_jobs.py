"""Veeam Backup for Microsoft 365 backup copy jobs (/vN/CopyJobs, v6-v8): declared by the job module with job_kind, read by
the info module, quiesced and restored by the maintenance window with its backup jobs, shown by the report; v2-v5 have
none and say so.
"""

import json

import pytest

MODULE, INFO = "veeam_o365_job", "veeam_o365_job_info"
BEGIN, END, TABLE = "Record and disable the enabled jobs", "Re-enable the recorded jobs", "Show the jobs as a table"
# Backup jobs and copy jobs, some enabled, some not; a backup session and a copy session running (they run until stopped).
ESTATE = {"vb365": {
    "jobs": [
        {"name": "Exchange Online Daily", "enabled": True, "lastStatus": "Success"},
        {"name": "SharePoint Sites", "enabled": True, "running": True},
        {"name": "Teams Weekly", "enabled": False, "lastStatus": "Warning"},
    ],
    "copy_jobs": [
        {"name": "Exchange Online Daily Copy", "backupJob": "Exchange Online Daily", "enabled": True, "running": True},
        {"name": "SharePoint Sites Copy", "backupJob": "SharePoint Sites", "enabled": False, "lastStatus": "Success"},
        {"name": "Teams Weekly Copy", "backupJob": "Teams Weekly", "enabled": True, "lastStatus": "Success"},
    ],
}}
ENABLED_BACKUPS = ["Exchange Online Daily", "SharePoint Sites"]
ENABLED_COPIES = ["Exchange Online Daily Copy", "Teams Weekly Copy"]


def flags(sim):
    """name -> (enabled, running) of every backup job and copy job."""
    vb365 = sim.state()["vb365"]
    return {job["name"]: (job["isEnabled"], job["running"]) for job in vb365["jobs"] + vb365["copy_jobs"]}


def posts(sim, version, collection, action):
    return sim.count("POST", "/%s/%s/{id}/%s" % (version, collection, action))


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
def test_a_window_quiesces_backup_and_copy_jobs_and_restores_exactly_those(window, sim, version):
    sim.reset(ESTATE)
    before = flags(sim)
    settings = {"maintenance_window_vb365_api_version": version}
    sim.clear_requests()

    begin = window.run("maintenance_begin.yml", limit="vb365-sim", extravars=settings)
    assert begin.status == "successful", begin
    summary = begin.msgs(BEGIN)["vb365-sim"]
    assert summary.startswith("Disabled 4 job(s): %s;" % ", ".join(ENABLED_BACKUPS + ENABLED_COPIES)), summary
    assert "stopped the running session of 2 job(s): SharePoint Sites, Exchange Online Daily Copy;" in summary
    assert "2 already disabled job(s) left as they are" in summary
    record = window.record("vb365-sim")
    assert sorted(entry["name"] for entry in record["jobs"]) == sorted(ENABLED_BACKUPS + ENABLED_COPIES)
    during = flags(sim)
    assert not any(enabled or running for enabled, running in during.values()), during
    assert (posts(sim, version, "CopyJobs", "disable"), posts(sim, version, "CopyJobs", "stop")) == (2, 1)
    assert (posts(sim, version, "Jobs", "disable"), posts(sim, version, "Jobs", "stop")) == (2, 1)

    report = window.run("job_report.yml", limit="vb365-sim", extravars=settings)
    assert report.status == "successful", report
    table = report.msgs(TABLE)["vb365-sim"]
    assert table[0] == "VB365 vb365-sim: 6 job(s) (3 backup copy job(s)), 0 enabled, 0 running"
    rows = dict((line.split("  ")[0], line) for line in table[3:])
    assert set(rows) == {"Exchange Online Daily", "SharePoint Sites", "Teams Weekly", "Exchange Online Daily Copy (backup copy of "
                         "Exchange Online Daily)", "SharePoint Sites Copy (backup copy of SharePoint Sites)",
                         "Teams Weekly Copy (backup copy of Teams Weekly)"}
    assert rows["Teams Weekly Copy (backup copy of Teams Weekly)"].endswith(record["created"])
    assert rows["SharePoint Sites Copy (backup copy of SharePoint Sites)"].endswith("-")

    sim.clear_requests()
    end = window.run("maintenance_end.yml", limit="vb365-sim", extravars=settings)
    assert end.status == "successful", end
    assert end.msgs(END)["vb365-sim"].startswith("Re-enabled 4 of 4 recorded job(s)"), end.msgs(END)
    assert (posts(sim, version, "CopyJobs", "enable"), posts(sim, version, "Jobs", "enable")) == (2, 2)
    after = flags(sim)
    assert {name: flag[0] for name, flag in after.items()} == {name: flag[0] for name, flag in before.items()}, "exactly the flags of before"


def test_a_window_narrowed_to_backup_jobs_leaves_copy_jobs_running_on_their_schedule(window, sim):
    sim.reset(ESTATE)
    begin = window.run("maintenance_begin.yml", limit="vb365-sim", extravars={"maintenance_window_vb365_job_kind": "backup"})
    assert begin.status == "successful", begin
    assert begin.msgs(BEGIN)["vb365-sim"].startswith("Disabled 2 job(s): Exchange Online Daily, SharePoint Sites;")
    during = flags(sim)
    assert during["Exchange Online Daily Copy"] == (True, True) and during["Teams Weekly Copy"] == (True, False)
    assert sim.count("GET", "/v8/CopyJobs") == 0


def test_a_record_of_backup_jobs_only_written_before_copy_jobs_were_quiesced_still_restores(ansible, window, sim):
    sim.reset(ESTATE)
    # What a begin of the previous release left: one backup job disabled, a record naming only it (no copy jobs).
    assert ansible.task(MODULE, name="Exchange Online Daily", state="disabled")["changed"] is True
    window.record_dir.mkdir(parents=True, exist_ok=True)
    held = sim.vb365_job("Exchange Online Daily")["id"]
    old = dict(format=1, state="active", host="vb365-sim", api="vb365", server=sim.vb365_url, created="2026-12-01T22:00:00Z",
               jobs=[dict(id=held, name="Exchange Online Daily")])
    (window.record_dir / "vb365-sim.json").write_text(json.dumps(old))
    before = flags(sim)
    sim.clear_requests()
    end = window.run("maintenance_end.yml", limit="vb365-sim")
    assert end.status == "successful", end
    assert end.msgs(END)["vb365-sim"].startswith("Re-enabled 1 of 1 recorded job(s): Exchange Online Daily ("), end.msgs(END)
    after = flags(sim)
    assert after == dict(before, **{"Exchange Online Daily": (True, False)}), "the recorded job is back; nothing else changed"
    assert window.record("vb365-sim")["state"] == "restored"
    assert sim.count("POST", "/v8/CopyJobs/{id}/enable") == 0


@pytest.mark.parametrize("version, start_body", [("v6", {"full": False}), ("v7", None), ("v8", None)])
def test_the_job_module_declares_copy_jobs_by_name_and_waits_for_the_run_it_starts(ansible, sim, version, start_body):
    sim.reset(ESTATE)
    sim.clear_requests()
    stopped = ansible.task(MODULE, job_kind="copy", name="Exchange Online Daily Copy", state="stopped", api_version=version)
    assert stopped["changed"] is True and stopped["jobs"][0]["actions"] == ["stop"], stopped
    entry = stopped["jobs"][0]
    assert entry["kind"] == "copy" and entry["backup_job"]["name"] == "Exchange Online Daily"
    assert flags(sim)["Exchange Online Daily Copy"] == (True, False)

    started = ansible.task(MODULE, job_kind="copy", name="Teams Weekly Copy", state="running", wait_for_completion=True, api_version=version)
    assert started["changed"] is True and started["jobs"][0]["actions"] == ["start"], started
    sent = [r for r in sim.requests()["requests"] if r["method"] == "POST" and r["path"].endswith("/start")]
    assert [r["path"].split("/")[2] for r in sent] == ["CopyJobs"]
    assert [json.loads(r["body"]) if r["body"] else None for r in sent] == [start_body]
    assert sim.vb365_copy_job("Teams Weekly Copy")["lastStatus"] == "Success"
    assert ("session" in started["jobs"][0]) is (version == "v8")

    again = ansible.task(MODULE, job_kind="all", name=["Teams Weekly Copy", "Exchange Online Daily"], state="enabled", api_version=version)
    assert again["changed"] is False and [job["kind"] for job in again["jobs"]] == ["copy", "backup"], again


def test_copy_jobs_cost_nothing_when_job_kind_is_backup_and_one_list_read_with_all(ansible, sim):
    sim.reset(ESTATE)
    sim.clear_requests()
    backup = ansible.task(MODULE, name=ENABLED_BACKUPS, state="enabled")
    assert backup["changed"] is False
    assert sim.counts() == {"POST /v8/token": 1, "GET /v8/Jobs": 1, "POST /v8/token/logout": 1}
    sim.clear_requests()
    every = ansible.task(MODULE, job_kind="all", name=ENABLED_BACKUPS + ENABLED_COPIES, state="enabled")
    assert every["changed"] is False
    assert sim.counts() == {"POST /v8/token": 1, "GET /v8/Jobs": 1, "GET /v8/CopyJobs": 1, "POST /v8/token/logout": 1}


def test_selecting_across_kinds_says_which_job_kind_selects_the_job(ansible, sim):
    sim.reset(ESTATE)
    backup = ansible.task(MODULE, name="Teams Weekly Copy", state="disabled")
    assert backup["failed"] is True
    assert "no job is named 'Teams Weekly Copy'" in backup["msg"] and "backup copy jobs are selected with job_kind copy or all" in backup["msg"]
    copy = ansible.task(MODULE, job_kind="copy", name="Teams Weekly", state="disabled")
    assert copy["failed"] is True and "job 'Teams Weekly' exists but is a backup job, which job_kind=copy leaves out" in copy["msg"], copy
    assert sim.writes() == []


@pytest.mark.parametrize("version", ["v2", "v5"])
def test_copy_jobs_on_an_api_without_them_fail_clearly_or_are_named_missing(ansible, window, sim, version):
    sim.reset(ESTATE)
    sim.clear_requests()
    copy = ansible.task(MODULE, job_kind="copy", all_jobs=True, state="disabled", api_version=version)
    assert copy["failed"] is True
    assert copy["msg"] == ("job_kind copy: api_version %s has no backup copy jobs (the /%s/Jobs/{id}/Action dialect knows backup jobs "
                           "only; copy jobs are at /vN/CopyJobs from v6). Set api_version to v6 or newer (Veeam Backup for Microsoft 365 6 "
                           "and later)." % (version, version)), copy
    assert sim.requests()["requests"] == [], "refused before any request"

    info = ansible.task(INFO, job_kind="all", api_version=version)
    assert [job["name"] for job in info["jobs"]] == [job["name"] for job in ESTATE["vb365"]["jobs"]]
    assert any("job_kind all: api_version %s has no backup copy jobs" % version in warning for warning in info["warnings"]), info

    begin = window.run("maintenance_begin.yml", limit="vb365-sim", extravars={"maintenance_window_vb365_api_version": version})
    assert begin.status == "successful", begin
    assert any("backup copy jobs the server may have are not seen" in warning for warning in begin.results(BEGIN)["vb365-sim"]["warnings"])
    assert flags(sim)["Teams Weekly Copy"] == (True, False), "nothing the API cannot see is touched"


@pytest.mark.parametrize("version", ["v7", "v8"])
def test_the_info_module_reads_copy_jobs_with_their_backup_job_and_their_own_sessions(ansible, sim, version):
    """A copy job's sessions are asked for with its backup job's id and jobType Copy (the documents' jobId filter is the backup
    job's id): each job gets exactly its own sessions, a running copy session included, and never its partner's."""
    sim.reset(ESTATE)
    names = ["Exchange Online Daily", "Exchange Online Daily Copy", "SharePoint Sites Copy"]
    info = ansible.task(INFO, job_kind="all", name=names, sessions=5, api_version=version)
    backup, running_copy, copy = info["jobs"]
    assert backup["kind"] == "backup" and "backup_job" not in backup and "kind" not in backup["details"]
    assert copy["kind"] == "copy" and copy["backup_job"]["name"] == "SharePoint Sites" and copy["enabled"] is False
    own = dict((name, [s["id"] for s in reversed(sim.vb365_job(name)["sessions"])][:5]) for name in names[:1])
    own.update((name, [s["id"] for s in reversed(sim.vb365_copy_job(name)["sessions"])][:5]) for name in names[1:])
    assert all(own.values()), own
    assert [[s["id"] for s in job["sessions"]] for job in info["jobs"]] == [own[name] for name in names]
    assert running_copy["sessions"][0]["state"] == "Running" and running_copy["backup_job"]["name"] == "Exchange Online Daily"


def test_v6_names_no_job_in_its_sessions_so_copy_job_sessions_are_left_out_with_a_warning(ansible, sim):
    sim.reset(ESTATE)
    info = ansible.task(INFO, job_kind="copy", name="SharePoint Sites Copy", sessions=5, api_version="v6")
    assert info["jobs"][0]["sessions"] == []
    assert any("api_version v6 cannot tell which backup copy job a session belongs to" in warning for warning in info["warnings"]), info
