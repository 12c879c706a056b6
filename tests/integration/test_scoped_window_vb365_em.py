"""The maintenance window scoped by what the maintenance touches (issue 32) on Veeam Backup for Microsoft 365 and Enterprise
Manager, through the playbooks and ansible-runner: VB365 repositories (v6, v8), VB365 proxies with maintenance mode (v8: the
proxy is put into maintenance after its jobs are quiesced and taken out before them; v7: a note, jobs only), EM repositories
(with an agent job that has no backup yet). The jobs quiesced are exactly those in scope, end restores exactly, a second end
changes nothing, an unknown entry fails before any change, and the proxy credentials come from the environment only."""

import json

import pytest

BEGIN, END, REPORT = "Record and disable the enabled jobs", "Re-enable the recorded jobs", "Show the jobs as a table"
WIN01, WIN02 = "vb365proxy01.backupops.local", "vb365proxy02.backupops.local"
LNX01, LNX02, POOL = "vb365lnx01.backupops.local", "vb365lnx02.backupops.local", "Linux Proxy Pool"
# The account the VB365 server uses on its proxies: what the AWX credential type injects, never a play variable.
PROXY_USER, PROXY_PASSWORD = "vb365svc", "Proxy-Scope-Secret-4711"
PROXY_ENV = dict(VEEAM_VB365_PROXY_USERNAME=PROXY_USER, VEEAM_VB365_PROXY_PASSWORD=PROXY_PASSWORD)
NO_BACKUP_WHY = "has no backup yet, so Enterprise Manager cannot tell its repository: quiesced to be safe"


def vb365_scenario():
    """Repo 01 and the archive on proxy 01, Repo 02 on proxy 02, a repository of the Linux pool; backup jobs on each, copy jobs
    from Repo 01 and Repo 02 to the archive."""
    windows, linux = dict(username=PROXY_USER, password=PROXY_PASSWORD), dict(account=PROXY_USER, password=PROXY_PASSWORD)
    return {"vb365": {
        "proxy_pools": [{"name": POOL}],
        "proxies": [{"name": WIN01, "credentials": windows}, {"name": WIN02, "credentials": windows},
                    {"name": LNX01, "os": "Linux", "pool": POOL, "credentials": linux},
                    {"name": LNX02, "os": "Linux", "pool": POOL, "credentials": linux}],
        "repositories": [{"name": "Repo 01", "proxy": WIN01}, {"name": "Archive 01", "proxy": WIN01, "longTerm": True},
                         {"name": "Repo 02", "proxy": WIN02}, {"name": "Pool Repo", "pool": POOL}],
        "jobs": [{"name": "Mail 01", "enabled": True, "lastStatus": "Success", "repository": "Repo 01"},
                 {"name": "Sites 02", "enabled": True, "lastStatus": "Success", "repository": "Repo 02"},
                 {"name": "Files 02", "enabled": False, "lastStatus": "Success", "repository": "Repo 02"},
                 {"name": "Pool Mail", "enabled": True, "lastStatus": "Success", "repository": "Pool Repo"}],
        "copy_jobs": [{"name": "Mail 01 Copy", "backupJob": "Mail 01", "enabled": True, "lastStatus": "Success", "repository": "Archive 01"},
                      {"name": "Sites 02 Copy", "backupJob": "Sites 02", "enabled": True, "lastStatus": "Success", "repository": "Archive 01"}]}}


EVERY_VB365_JOB = {"Mail 01": True, "Sites 02": True, "Files 02": False, "Pool Mail": True, "Mail 01 Copy": True, "Sites 02 Copy": True}


def em_scenario():
    """Agent jobs on Repo A, on Repo B, on both, and one that never ran (no backup yet, so no repository EM can name)."""
    return {"em": {"jobs": [
        {"name": "Fileserver Backup", "enabled": True, "platform": "AgentForWindows", "repositories": ["Repo A"]},
        {"name": "DB Servers", "enabled": True, "platform": "AgentForLinux", "repositories": ["Repo B"]},
        {"name": "Both Sites", "enabled": True, "platform": "AgentForWindows", "repositories": ["Repo B", "Repo A"]},
        {"name": "Old Laptops", "enabled": False, "platform": "AgentForWindows", "repositories": ["Repo A"]},
        {"name": "New Laptops", "enabled": True, "platform": "AgentForWindows", "lastResult": "None", "repositories": []}]}}


EVERY_EM_JOB = {"Fileserver Backup": True, "DB Servers": True, "Both Sites": True, "Old Laptops": False, "New Laptops": True}


def vb365_jobs(sim):
    state = sim.state()["vb365"]
    return dict((job["name"], job["isEnabled"]) for job in state["jobs"] + state["copy_jobs"])


def em_jobs(sim):
    return dict((job["name"], job["enabled"]) for job in sim.state()["em"]["jobs"])


def disabled_now(jobs):
    return sorted(name for name, enabled in jobs.items() if not enabled)


def maintenance(sim):
    return dict((proxy["hostName"], proxy["maintenanceModeState"]) for proxy in sim.state()["vb365"]["infrastructure"]["proxies"])


def proxy_names(sim):
    return dict((proxy["id"].lower(), proxy["hostName"]) for proxy in sim.state()["vb365"]["infrastructure"]["proxies"])


def vb365_writes(sim):
    """The VB365 POSTs that change something, in order: 'disable Sites 02', 'maintenance/enable vb365proxy02...'."""
    state = sim.state()["vb365"]
    names = dict((job["id"].lower(), job["name"]) for job in state["jobs"] + state["copy_jobs"])
    names.update(proxy_names(sim))
    found = []
    for request in sim.requests()["requests"]:
        parts = request["path"].strip("/").split("/")
        if request["api"] != "vb365" or request["method"] != "POST" or len(parts) < 4 or parts[1] not in ("Jobs", "CopyJobs", "Proxies"):
            continue
        found.append("%s %s" % ("/".join(parts[3:]), names.get(parts[2].lower(), parts[2])))
    return found


def em_toggles(sim):
    return [r for r in sim.requests()["requests"] if r["api"] == "em" and r["method"] == "POST" and "toggleScheduleEnabled" in (r.get("query") or r["path"])]


def vb365_run(window, playbook, version="v8", env=None, record_dir=None, **extravars):
    return window.run(playbook, limit="vb365-sim", env=env, record_dir=record_dir, extravars=dict(extravars, maintenance_window_vb365_api_version=version))


def em_run(window, playbook, **extravars):
    return window.run(playbook, limit="em-sim", extravars=extravars)


def why_of(record, name):
    return next(record["scope"]["why"][job["id"]] for job in record["jobs"] if job["name"] == name)


def assert_second_end_changes_nothing(window, sim, run_end):
    sim.clear_requests()
    again = run_end()
    assert again.status == "successful", again
    assert sim.writes() == [], "a second end asks the server to change nothing"


# -- VB365 ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def vb365(sim):
    sim.reset(scenario=vb365_scenario())
    sim.configure(vb365_maintenance_seconds=0.2)
    return sim


def archive_id(sim):
    return next(repo["id"] for repo in sim.state()["vb365"]["infrastructure"]["repositories"] if repo["name"] == "Archive 01")


@pytest.mark.parametrize("version", ["v6", "v8"])
def test_a_vb365_repository_scope_quiesces_its_backup_jobs_the_copy_jobs_writing_there_and_those_copying_from_there(window, vb365, version):
    # Repo 02 by name: its backup job and the copy job of that backup job; Archive 01 by id: the copy jobs writing there.
    scope = {"repositories": ["Repo 02", archive_id(vb365)]}
    vb365.clear_requests()
    begin = vb365_run(window, "maintenance_begin.yml", version, maintenance_window_scope=scope)
    assert begin.status == "successful", begin
    assert disabled_now(vb365_jobs(vb365)) == ["Files 02", "Mail 01 Copy", "Sites 02", "Sites 02 Copy"], "exactly the jobs in scope"
    assert sorted(vb365_writes(vb365)) == ["disable Mail 01 Copy", "disable Sites 02", "disable Sites 02 Copy"]
    record = window.record("vb365-sim")
    assert sorted(job["name"] for job in record["jobs"]) == ["Mail 01 Copy", "Sites 02", "Sites 02 Copy"]
    assert why_of(record, "Sites 02") == ["writes to repository 'Repo 02'"]
    assert why_of(record, "Sites 02 Copy") == ["copies backup job 'Sites 02', which writes to repository 'Repo 02'",
                                               "copies to repository 'Archive 01'"]
    assert why_of(record, "Mail 01 Copy") == ["copies to repository 'Archive 01'"]
    assert record["scope"]["switches"] == []
    message = begin.msgs(BEGIN)["vb365-sim"]
    assert "repository 'Repo 02': 3 job(s), repository 'Archive 01': 2 job(s)" in message, message

    vb365.clear_requests()
    end = vb365_run(window, "maintenance_end.yml", version)
    assert end.status == "successful", end
    assert vb365_jobs(vb365) == EVERY_VB365_JOB, "end restores exactly (Files 02 was disabled before and stays so)"
    assert sorted(vb365_writes(vb365)) == ["enable Mail 01 Copy", "enable Sites 02", "enable Sites 02 Copy"]
    assert_second_end_changes_nothing(window, vb365, lambda: vb365_run(window, "maintenance_end.yml", version))


def test_a_vb365_proxy_with_maintenance_mode_on_v8_is_put_into_maintenance_after_its_jobs_and_taken_out_before_them(window, vb365):
    """Proxy 02 serves Repo 02; Linux proxy 01 serves no repository itself, but its pool serves Pool Repo (v8)."""
    scope = {"proxies": [WIN02, LNX01]}
    vb365.clear_requests()
    begin = vb365_run(window, "maintenance_begin.yml", env=PROXY_ENV, maintenance_window_scope=scope, maintenance_window_maintenance_mode=True)
    assert begin.status == "successful", begin
    assert disabled_now(vb365_jobs(vb365)) == ["Files 02", "Pool Mail", "Sites 02", "Sites 02 Copy"]
    assert maintenance(vb365) == {WIN01: "Disabled", WIN02: "Enabled", LNX01: "Enabled", LNX02: "Disabled"}
    writes = vb365_writes(vb365)
    assert sorted(writes[:3]) == ["disable Pool Mail", "disable Sites 02", "disable Sites 02 Copy"], writes
    assert writes[3:] == ["maintenance/enable %s" % WIN02, "maintenance/enable %s" % LNX01], "the proxies only after the jobs"
    record = window.record("vb365-sim")
    assert why_of(record, "Pool Mail") == ["writes to repository 'Pool Repo' (served by the proxy pool %r of proxy %r)" % (POOL, LNX01)]
    assert why_of(record, "Sites 02 Copy") == ["copies backup job 'Sites 02', which writes to repository 'Repo 02' (served by proxy %r)" % WIN02]
    assert [switch["what"] for switch in record["scope"]["switches"]] == ["maintenance mode of proxy %r" % WIN02, "maintenance mode of proxy %r" % LNX01]
    assert all(len(switch["changed"]) == 1 for switch in record["scope"]["switches"])
    message = begin.msgs(BEGIN)["vb365-sim"]
    assert "Set maintenance mode of proxy %r; maintenance mode of proxy %r." % (WIN02, LNX01) in message, message
    assert_no_proxy_secret(window, begin)

    # The report of the scope reads the proxies' states; without a scope it shows what the open window set.
    report = vb365_run(window, "job_report.yml", maintenance_window_scope=scope)
    text = "\n".join(report.msgs(REPORT)["vb365-sim"] or [])
    assert "proxies %r: maintenance=Enabled, status=Online" % WIN02 in text and "proxy %r: Pool Mail" % LNX01 in text, text
    report = vb365_run(window, "job_report.yml")
    text = "\n".join(report.msgs(REPORT)["vb365-sim"] or [])
    assert "set by the open window: maintenance mode of proxy %r (1 object(s))" % LNX01 in text, text

    vb365.clear_requests()
    end = vb365_run(window, "maintenance_end.yml", env=PROXY_ENV)
    assert end.status == "successful", end
    writes = vb365_writes(vb365)
    assert writes[:2] == ["maintenance/disable %s" % LNX01, "maintenance/disable %s" % WIN02], "the proxies first, last set first"
    assert sorted(writes[2:]) == ["enable Pool Mail", "enable Sites 02", "enable Sites 02 Copy"], writes
    assert maintenance(vb365) == dict.fromkeys([WIN01, WIN02, LNX01, LNX02], "Disabled")
    assert vb365_jobs(vb365) == EVERY_VB365_JOB
    assert_no_proxy_secret(window, end)
    assert_second_end_changes_nothing(window, vb365, lambda: vb365_run(window, "maintenance_end.yml", env=PROXY_ENV))


def assert_no_proxy_secret(window, run, record_dir=None):
    """Neither the output (events, set_stats included) nor the record holds the proxy password."""
    assert PROXY_PASSWORD not in run.stdout and PROXY_PASSWORD not in json.dumps(run.events), "the proxy password leaked into the output"
    record = window.record("vb365-sim", record_dir)
    assert record is not None and PROXY_PASSWORD not in json.dumps(record)


def test_a_proxy_already_in_maintenance_before_the_window_stays_in_maintenance(window, vb365):
    scenario = vb365_scenario()
    scenario["vb365"]["proxies"][1]["maintenance"] = True
    vb365.reset(scenario=scenario)
    begin = vb365_run(window, "maintenance_begin.yml", env=PROXY_ENV, maintenance_window_scope={"proxies": [WIN02]},
                      maintenance_window_maintenance_mode=True)
    assert begin.status == "successful", begin
    assert "(already so, left as it was)" in begin.msgs(BEGIN)["vb365-sim"]
    vb365.clear_requests()
    end = vb365_run(window, "maintenance_end.yml", env=PROXY_ENV)
    assert end.status == "successful", end
    assert maintenance(vb365)[WIN02] == "Enabled" and not any(write.startswith("maintenance/") for write in vb365_writes(vb365))
    assert vb365_jobs(vb365) == EVERY_VB365_JOB


def test_without_proxy_credentials_the_begin_fails_before_any_change(window, vb365):
    """The proxy credentials a switch needs are checked with the resolution: without them the begin changes nothing, says
    what to set, and its end has nothing to restore."""
    vb365.clear_requests()
    begin = vb365_run(window, "maintenance_begin.yml", maintenance_window_scope={"proxies": [WIN02]}, maintenance_window_maintenance_mode=True)
    assert begin.status == "failed", begin
    message = begin.msgs(BEGIN)["vb365-sim"]
    assert message.startswith("Nothing was changed: maintenance mode of proxy %r" % WIN02), message
    assert "VEEAM_VB365_PROXY_USERNAME and VEEAM_VB365_PROXY_PASSWORD" in message, message
    assert vb365_writes(vb365) == [] and vb365_jobs(vb365) == EVERY_VB365_JOB
    assert window.record("vb365-sim")["begin_failed"]["before_any_change"] is True
    end = vb365_run(window, "maintenance_end.yml")
    assert end.status == "successful" and "Nothing to restore" in end.msgs("Re-enable the recorded jobs")["vb365-sim"], end


def test_a_vb365_proxy_with_maintenance_mode_on_v7_quiesces_its_jobs_and_says_the_proxy_stays(window, vb365):
    vb365.clear_requests()
    begin = vb365_run(window, "maintenance_begin.yml", "v7", env=PROXY_ENV, maintenance_window_scope={"proxies": [WIN02]},
                      maintenance_window_maintenance_mode=True)
    assert begin.status == "successful", begin
    assert disabled_now(vb365_jobs(vb365)) == ["Files 02", "Sites 02", "Sites 02 Copy"]
    assert sorted(vb365_writes(vb365)) == ["disable Sites 02", "disable Sites 02 Copy"], "no maintenance request on v7"
    message = begin.msgs(BEGIN)["vb365-sim"]
    assert ("Proxy %r cannot be put into maintenance mode through api_version v7 (proxy maintenance mode arrives with v8, Veeam Backup "
            "for Microsoft 365 8): the jobs of its repositories are quiesced instead, the proxy stays as it is" % WIN02) in message, message
    assert window.record("vb365-sim")["scope"]["switches"] == []
    end = vb365_run(window, "maintenance_end.yml", "v7")
    assert end.status == "successful", end
    assert vb365_jobs(vb365) == EVERY_VB365_JOB and maintenance(vb365)[WIN02] == "Disabled"
    assert_second_end_changes_nothing(window, vb365, lambda: vb365_run(window, "maintenance_end.yml", "v7"))


def test_a_copy_job_left_out_by_job_kind_is_named_not_dropped(window, vb365):
    begin = vb365_run(window, "maintenance_begin.yml", maintenance_window_scope={"repositories": ["Repo 02"]},
                      maintenance_window_vb365_job_kind="backup")
    assert begin.status == "successful", begin
    assert disabled_now(vb365_jobs(vb365)) == ["Files 02", "Sites 02"]
    message = begin.msgs(BEGIN)["vb365-sim"]
    assert ("Job 'Sites 02 Copy' copies backup job 'Sites 02', which writes to repository 'Repo 02', but job_kind backup leaves copy "
            "jobs out of this window: it is not quiesced") in message, message
    assert vb365_run(window, "maintenance_end.yml").status == "successful"
    assert vb365_jobs(vb365) == EVERY_VB365_JOB


def test_an_unknown_vb365_entry_fails_before_any_change_listing_what_the_server_has(window, vb365):
    vb365.clear_requests()
    begin = vb365_run(window, "maintenance_begin.yml", maintenance_window_scope={"repositories": ["Repo 9", "Repo 02"], "proxies": ["proxy9"]})
    assert begin.status == "failed", begin
    message = begin.msgs(BEGIN)["vb365-sim"]
    assert "repository 'Repo 9' is not on" in message and "proxy 'proxy9' is not on" in message, message
    assert all(name in message for name in ("'Repo 01'", "'Archive 01'", "'Pool Repo'", repr(WIN02), repr(LNX02))), message
    assert "Nothing was changed" in message
    assert vb365.writes() == [] and vb365_jobs(vb365) == EVERY_VB365_JOB


def test_a_vb365_proxy_scope_with_maintenance_mode_through_awx_jobs_hands_the_record_over_only_through_the_artifacts(window, vb365, tmp_path):
    """Begin and end are separate AWX jobs (fresh private data dir, HOME and record directory each); the proxy credentials
    come from the credential's environment in both."""
    def awx_job(playbook, job_id, artifacts, **extravars):
        home = tmp_path / ("home-%d" % job_id)
        home.mkdir()
        # At -vvvv, as the secrets tests run, so that a password anywhere in a task's arguments or result would show.
        return window.run(playbook, limit="vb365-sim", env=dict(PROXY_ENV, HOME=str(home)), record_dir=tmp_path / ("ee-%d" % job_id), verbosity=4,
                          extravars=dict(artifacts, awx_job_id=job_id, **extravars))

    begin = awx_job("maintenance_begin.yml", 501, {}, maintenance_window_scope={"proxies": [WIN02]}, maintenance_window_maintenance_mode=True)
    assert begin.status == "successful", begin
    assert maintenance(vb365)[WIN02] == "Enabled" and disabled_now(vb365_jobs(vb365)) == ["Files 02", "Sites 02", "Sites 02 Copy"]
    published = begin.custom_stats["maintenance_window_records_501"]["vb365-sim"]
    assert published["scope"]["switches"][0]["changed"], published["scope"]
    assert_no_proxy_secret(window, begin, tmp_path / "ee-501")

    vb365.clear_requests()
    end = awx_job("maintenance_end.yml", 502, dict(begin.custom_stats), maintenance_window_require_record=True)
    assert end.status == "successful", end
    writes = vb365_writes(vb365)
    assert writes[0] == "maintenance/disable %s" % WIN02 and sorted(writes[1:]) == ["enable Sites 02", "enable Sites 02 Copy"], writes
    assert maintenance(vb365)[WIN02] == "Disabled" and vb365_jobs(vb365) == EVERY_VB365_JOB
    assert "(handed over in maintenance_window_records)" in end.msgs(END)["vb365-sim"]
    assert_no_proxy_secret(window, end, tmp_path / "ee-502")
    restored = end.custom_stats["maintenance_window_records_502"]["vb365-sim"]
    assert restored["state"] == "restored" and restored["scope"]["switches"][0]["changed"] == []


# -- Enterprise Manager ------------------------------------------------------------------------------------------------


@pytest.fixture
def em(sim):
    sim.reset(scenario=em_scenario())
    return sim


@pytest.mark.parametrize("em_format", ["xml", "json"])
def test_an_em_repository_scope_quiesces_the_agent_jobs_on_it_and_those_without_a_backup_yet(window, em, em_format):
    em.clear_requests()
    begin = em_run(window, "maintenance_begin.yml", maintenance_window_scope={"repositories": ["Repo A"]},
                   maintenance_window_maintenance_mode=True, maintenance_window_em_format=em_format)
    assert begin.status == "successful", begin
    assert disabled_now(em_jobs(em)) == ["Both Sites", "Fileserver Backup", "New Laptops", "Old Laptops"], "exactly the jobs in scope"
    assert len(em_toggles(em)) == 3
    record = window.record("em-sim")
    assert why_of(record, "Fileserver Backup") == ["has backups on repository 'Repo A'"]
    assert why_of(record, "Both Sites") == ["has backups on repository 'Repo A'"]
    assert why_of(record, "New Laptops") == [NO_BACKUP_WHY]
    message = begin.msgs(BEGIN)["em-sim"]
    assert ("1 agent job(s) cannot be attributed to a repository ('New Laptops'): Enterprise Manager names an agent job's repository "
            "only through its backups, so they are quiesced to be safe") in message, message
    assert "Enterprise Manager has no infrastructure switches" in message and record["scope"]["switches"] == []

    em.clear_requests()
    end = em_run(window, "maintenance_end.yml", maintenance_window_em_format=em_format)
    assert end.status == "successful", end
    assert em_jobs(em) == EVERY_EM_JOB and len(em_toggles(em)) == 3
    assert_second_end_changes_nothing(window, em, lambda: em_run(window, "maintenance_end.yml", maintenance_window_em_format=em_format))


def test_an_em_scope_by_repository_uid_selects_the_same_jobs(window, em):
    repository_id = next(repo["id"] for repo in em.state()["em"]["repositories"] if repo["name"] == "Repo B")
    begin = em_run(window, "maintenance_begin.yml", maintenance_window_scope={"repositories": ["urn:veeam:Repository:%s" % repository_id.upper()]})
    assert begin.status == "successful", begin
    assert disabled_now(em_jobs(em)) == ["Both Sites", "DB Servers", "New Laptops", "Old Laptops"]
    assert em_run(window, "maintenance_end.yml").status == "successful" and em_jobs(em) == EVERY_EM_JOB


@pytest.mark.parametrize("scope, expected", [
    ({"repositories": ["Repo C"]}, ["repository 'Repo C' is not on", "'Repo A'", "'Repo B'", "'Default Backup Repository'"]),
    ({"repositories": ["Repo A"], "proxies": ["proxy01"]},
     ["proxy 'proxy01': Enterprise Manager has no backup proxies", "scope proxies on the Veeam Backup & Replication server instead"]),
])
def test_an_em_scope_it_cannot_resolve_fails_before_any_change(window, em, scope, expected):
    em.clear_requests()
    begin = em_run(window, "maintenance_begin.yml", maintenance_window_scope=scope)
    assert begin.status == "failed", begin
    message = begin.msgs(BEGIN)["em-sim"]
    assert all(text in message for text in expected) and "Nothing was changed" in message, message
    assert em.writes() == [] and em_jobs(em) == EVERY_EM_JOB
