"""The maintenance window scoped by what the maintenance touches (issue 32), through the playbooks and ansible-runner:
VBR repositories, scale-out extents and proxies on the oldest and newest revision that can act on each. The jobs quiesced
are exactly those in scope, switches are set after the jobs and undone before them, end restores exactly, a second end
changes nothing."""

import pytest

BEGIN, REPORT = "Record and disable the enabled jobs", "Show the jobs as a table"
SOBR, EXTENT_1, EXTENT_2 = "SOBR Production", "SOBR Extent 01", "SOBR Extent 02"
OLDEST, NEWEST = "1.1-rev0", "1.3-rev2"


def vbr_scenario(config_repository="Default Backup Repository"):
    """Jobs on a standard repository, on the scale-out repository, and on a proxy named explicitly or chosen automatically."""
    return {"vbr": {
        "jobs": [{"name": "Default Repo VMs", "type": "VSphereBackup", "enabled": True, "lastResult": "Success"},
                 {"name": "SOBR VMs", "type": "VSphereBackup", "enabled": True, "lastResult": "Success", "repository": SOBR},
                 {"name": "SOBR Disabled VMs", "type": "VSphereBackup", "enabled": False, "lastResult": "Success", "repository": SOBR},
                 {"name": "Proxy02 VMs", "type": "VSphereBackup", "enabled": True, "lastResult": "Success", "repository": "Offsite Repository",
                  "proxies": ["proxy02.backupops.local"]}],
        "repositories": [{"name": "Default Backup Repository"}, {"name": "Offsite Repository"}, {"name": EXTENT_1}, {"name": EXTENT_2}],
        "scale_out_repositories": [{"name": SOBR, "extents": [EXTENT_1, {"name": EXTENT_2, "sealed": True}]}],
        "proxies": [{"name": "proxy01.backupops.local"}, {"name": "proxy02.backupops.local"}],
        "config_backup": {"repository": config_repository}}}


def vbr_jobs(sim):
    return dict((job["name"], job["enabled"]) for job in sim.state()["vbr"]["jobs"])


def infra(sim):
    return sim.state()["vbr"]["infrastructure"]


def modes(sim, name):
    return next(r for r in infra(sim)["repositories"] if r["name"] == name)["modes"]


def writes(sim):
    return ["%s %s" % (r["method"], r["path"].rsplit("/", 1)[-1]) for r in sim.requests()["requests"]
            if r["method"] in ("POST", "PUT") and "oauth2" not in r["path"]]


def run(window, playbook, **extravars):
    return window.run(playbook, limit="vbr-sim", extravars=extravars)


@pytest.fixture(autouse=True)
def scenario(sim):
    sim.reset(scenario=vbr_scenario())
    sim.configure(vbr_maintenance_seconds=0.2)


@pytest.mark.parametrize("revision", [OLDEST, NEWEST])
def test_an_extent_with_maintenance_mode_quiesces_the_sobr_jobs_then_sets_the_extent_and_end_undoes_it_first(window, sim, revision):
    settings = dict(maintenance_window_scope={"repositories": [EXTENT_1]}, maintenance_window_maintenance_mode=True,
                    maintenance_window_api_options={"api_version": revision})
    sim.clear_requests()
    begin = run(window, "maintenance_begin.yml", **settings)
    assert begin.status == "successful", begin
    assert vbr_jobs(sim) == {"Default Repo VMs": True, "SOBR VMs": False, "SOBR Disabled VMs": False, "Proxy02 VMs": True}
    assert "Maintenance" in modes(sim, EXTENT_1) and "Maintenance" not in modes(sim, EXTENT_2)
    assert writes(sim) == ["POST disable", "POST enableMaintenanceMode"]
    record = window.record("vbr-sim")
    assert [job["name"] for job in record["jobs"]] == ["SOBR VMs"]
    assert record["scope"]["switches"][0]["changed"] and "SOBR Production" in record["scope"]["why"][record["jobs"][0]["id"]][0]
    message = begin.msgs(BEGIN)["vbr-sim"]
    assert "Scope repositories 'SOBR Extent 01'" in message and "Set maintenance mode of scale-out extent(s) 'SOBR Extent 01'" in message
    sim.clear_requests()
    end = run(window, "maintenance_end.yml")
    assert end.status == "successful", end
    assert writes(sim) == ["POST disableMaintenanceMode", "POST enable"]
    assert "(from %s)" % (window.record_dir / "vbr-sim.json") in end.msgs("Re-enable the recorded jobs")["vbr-sim"]
    assert vbr_jobs(sim)["SOBR VMs"] is True and vbr_jobs(sim)["SOBR Disabled VMs"] is False and modes(sim, EXTENT_1) == []
    sim.clear_requests()
    again = run(window, "maintenance_end.yml")
    assert again.status == "successful" and writes(sim) == []


def test_a_switch_already_set_before_the_window_stays_set(window, sim):
    begin = run(window, "maintenance_begin.yml", maintenance_window_scope={"repositories": [EXTENT_2]}, maintenance_window_maintenance_mode=True)
    assert begin.status == "successful", begin
    end = run(window, "maintenance_end.yml")
    assert end.status == "successful"
    assert modes(sim, EXTENT_2) == ["Sealed"]


@pytest.mark.parametrize("revision", [OLDEST, NEWEST])
def test_without_maintenance_mode_only_the_jobs_are_quiesced_and_the_report_says_why(window, sim, revision):
    begin = run(window, "maintenance_begin.yml", maintenance_window_scope={"repositories": ["Default Backup Repository"]},
                maintenance_window_api_options={"api_version": revision})
    assert begin.status == "successful", begin
    assert vbr_jobs(sim) == {"Default Repo VMs": False, "SOBR VMs": True, "SOBR Disabled VMs": False, "Proxy02 VMs": True}
    assert "configuration backup writes to a repository in scope and stays enabled" in begin.msgs(BEGIN)["vbr-sim"]
    assert infra(sim)["configBackup"]["isEnabled"] is True
    report = window.run("job_report.yml", limit="vbr-sim", extravars={"maintenance_window_scope": {"repositories": ["Default Backup Repository"]}})
    text = "\n".join(report.msgs(REPORT)["vbr-sim"] or [])
    assert "repository 'Default Backup Repository': Default Repo VMs" in text, text
    end = run(window, "maintenance_end.yml")
    assert end.status == "successful" and vbr_jobs(sim)["Default Repo VMs"] is True


def test_the_configuration_backup_on_a_repository_in_scope_is_switched_off_and_back(window, sim):
    begin = run(window, "maintenance_begin.yml", maintenance_window_scope={"repositories": ["Default Backup Repository"]},
                maintenance_window_maintenance_mode=True)
    assert begin.status == "successful", begin
    assert infra(sim)["configBackup"]["isEnabled"] is False
    end = run(window, "maintenance_end.yml")
    assert end.status == "successful" and infra(sim)["configBackup"]["isEnabled"] is True


@pytest.mark.parametrize("revision, disabled", [(OLDEST, False), ("1.2-rev1", False), ("1.3-rev0", True), (NEWEST, True)])
def test_a_proxy_scope_quiesces_jobs_naming_it_and_auto_jobs_only_where_it_cannot_be_disabled(window, sim, revision, disabled):
    begin = run(window, "maintenance_begin.yml", maintenance_window_scope={"proxies": ["proxy02.backupops.local"]},
                maintenance_window_maintenance_mode=True, maintenance_window_api_options={"api_version": revision})
    assert begin.status == "successful", begin
    jobs = vbr_jobs(sim)
    assert jobs["Proxy02 VMs"] is False
    # The other backup jobs select proxies automatically: they keep running where the proxy is disabled.
    assert jobs["Default Repo VMs"] is disabled and jobs["SOBR VMs"] is disabled
    proxy = next(p for p in infra(sim)["proxies"] if p["name"] == "proxy02.backupops.local")
    assert proxy["disabled"] is disabled
    message = begin.msgs(BEGIN)["vbr-sim"]
    assert ("keep running" in message) if disabled else ("cannot be disabled" in message), message
    end = run(window, "maintenance_end.yml")
    assert end.status == "successful"
    assert next(p for p in infra(sim)["proxies"] if p["name"] == "proxy02.backupops.local")["disabled"] is False
    assert vbr_jobs(sim) == {"Default Repo VMs": True, "SOBR VMs": True, "SOBR Disabled VMs": False, "Proxy02 VMs": True}


def test_an_unknown_scope_entry_fails_before_any_change_listing_what_the_server_has(window, sim):
    sim.clear_requests()
    begin = run(window, "maintenance_begin.yml", maintenance_window_scope={"repositories": ["Array 9"]})
    assert begin.status == "failed"
    message = begin.msgs(BEGIN)["vbr-sim"]
    assert "'Array 9'" in message and EXTENT_1 in message and SOBR in message, message
    assert writes(sim) == []


def test_an_empty_scope_fails_unless_allowed(window, sim):
    scope = {"repositories": ["Offsite Repository"], "proxies": []}
    sim.reset(scenario=dict(vbr_scenario(), vbr=dict(vbr_scenario()["vbr"], jobs=[j for j in vbr_scenario()["vbr"]["jobs"] if j["name"] != "Proxy02 VMs"])))
    refused = run(window, "maintenance_begin.yml", maintenance_window_scope=scope)
    assert refused.status == "failed" and "resolves to no job" in refused.msgs(BEGIN)["vbr-sim"]
    allowed = run(window, "maintenance_begin.yml", maintenance_window_scope=scope, maintenance_window_scope_may_be_empty=True)
    assert allowed.status == "successful", allowed


EXTENT_SCOPE = dict(maintenance_window_scope={"repositories": [EXTENT_1]}, maintenance_window_maintenance_mode=True)


def test_check_mode_sends_nothing_and_says_what_it_would_set(window, sim):
    sim.clear_requests()
    check = window.run("maintenance_begin.yml", check=True, limit="vbr-sim", extravars=EXTENT_SCOPE)
    assert check.status == "successful", check
    assert writes(sim) == [] and window.record("vbr-sim") is None
    message = check.msgs(BEGIN)["vbr-sim"]
    assert "Would disable 1 job(s): SOBR VMs" in message and "Would set maintenance mode of scale-out extent(s) 'SOBR Extent 01'" in message


def test_a_switch_that_fails_fails_the_begin_and_a_rerun_recovers_it(window, sim):
    sim.inject("task_fail", api="vbr", path="enableMaintenanceMode", message="Extent is unavailable.")
    failed = run(window, "maintenance_begin.yml", **EXTENT_SCOPE)
    assert failed.status == "failed"
    message = failed.msgs(BEGIN)["vbr-sim"]
    assert "could not set maintenance mode of scale-out extent(s) 'SOBR Extent 01'" in message and "Extent is unavailable." in message, message
    record = window.record("vbr-sim")
    assert record["begin_failed"] and [job["name"] for job in record["jobs"]] == ["SOBR VMs"]
    # The write was sent (its session then failed): recorded, so that end checks the extent and undoes whatever took effect.
    assert len(record["scope"]["switches"][0]["changed"]) == 1 and vbr_jobs(sim)["SOBR VMs"] is False
    assert "Maintenance" not in modes(sim, EXTENT_1)
    rerun = run(window, "maintenance_begin.yml", **EXTENT_SCOPE)
    assert rerun.status == "successful", rerun
    record = window.record("vbr-sim")
    assert "begin_failed" not in record and record["scope"]["switches"][0]["changed"] and "Maintenance" in modes(sim, EXTENT_1)
    end = run(window, "maintenance_end.yml")
    assert end.status == "successful" and modes(sim, EXTENT_1) == [] and vbr_jobs(sim)["SOBR VMs"] is True


def test_an_undo_that_fails_leaves_every_job_disabled_and_a_second_end_finishes(window, sim):
    assert run(window, "maintenance_begin.yml", **EXTENT_SCOPE).status == "successful"
    sim.inject("task_fail", api="vbr", path="disableMaintenanceMode", message="Extent is busy.")
    failed = run(window, "maintenance_end.yml")
    assert failed.status == "failed"
    message = failed.msgs("Re-enable the recorded jobs")["vbr-sim"]
    assert "End could not undo maintenance mode" in message and "Extent is busy." in message and "No job was re-enabled" in message, message
    assert vbr_jobs(sim)["SOBR VMs"] is False and "Maintenance" in modes(sim, EXTENT_1)
    assert window.record("vbr-sim")["state"] == "active"
    again = run(window, "maintenance_end.yml")
    assert again.status == "successful", again
    assert vbr_jobs(sim)["SOBR VMs"] is True and modes(sim, EXTENT_1) == []


def test_a_survey_passes_the_scope_as_json_text_and_names_are_added_to_it(window, sim):
    """An AWX survey answer is text: the scope arrives as JSON; names given too are added to the scope (the union); the fleet
    summary names the hosts with scope notes."""
    begin = run(window, "maintenance_begin.yml", maintenance_window_scope='{"repositories": ["Default Backup Repository"]}',
                maintenance_window_names=["Proxy02 VMs"])
    assert begin.status == "successful", begin
    assert vbr_jobs(sim) == {"Default Repo VMs": False, "SOBR VMs": True, "SOBR Disabled VMs": False, "Proxy02 VMs": False}
    message = begin.msgs(BEGIN)["vbr-sim"]
    assert "plus the jobs selected by maintenance_window_names" in message and "configuration backup writes to a repository in scope" in message
    summary = " ".join(str(text) for text in begin.msgs("Summarize").values())
    assert "Scope notes" in summary and "vbr-sim (1)" in summary, summary
    assert run(window, "maintenance_end.yml").status == "successful"
    assert vbr_jobs(sim)["Proxy02 VMs"] is True and vbr_jobs(sim)["Default Repo VMs"] is True


@pytest.mark.parametrize("revision", [OLDEST, NEWEST])
def test_a_whole_scale_out_repository_quiesces_its_jobs_and_puts_every_extent_into_maintenance(window, sim, revision):
    sim.clear_requests()
    begin = run(window, "maintenance_begin.yml", maintenance_window_scope={"repositories": [SOBR]}, maintenance_window_maintenance_mode=True,
                maintenance_window_api_options={"api_version": revision})
    assert begin.status == "successful", begin
    assert vbr_jobs(sim) == {"Default Repo VMs": True, "SOBR VMs": False, "SOBR Disabled VMs": False, "Proxy02 VMs": True}
    assert "Maintenance" in modes(sim, EXTENT_1) and "Maintenance" in modes(sim, EXTENT_2) and "Sealed" in modes(sim, EXTENT_2)
    assert writes(sim) == ["POST disable", "POST enableMaintenanceMode"], "one write for both extents, after the job"
    sim.clear_requests()
    end = run(window, "maintenance_end.yml")
    assert end.status == "successful", end
    assert writes(sim) == ["POST disableMaintenanceMode", "POST enable"]
    assert modes(sim, EXTENT_1) == [] and modes(sim, EXTENT_2) == ["Sealed"] and vbr_jobs(sim)["SOBR VMs"] is True


def test_awx_jobs_hand_a_scoped_record_over_as_a_template(window, sim, tmp_path):
    """Begin and end as AWX runs them: separate ansible-runner jobs, each with a fresh private data dir, HOME and record
    directory; the end gets the begin's published record only as extra vars, through a template (`{{ handover }}`)."""
    def awx_job(playbook, job_id, **extravars):
        home = tmp_path / ("home-%d" % job_id)
        home.mkdir()
        return window.run(playbook, limit="vbr-sim", env={"HOME": str(home)}, record_dir=tmp_path / ("ee-%d" % job_id),
                          extravars=dict(extravars, awx_job_id=job_id))

    begin = awx_job("maintenance_begin.yml", 601, **EXTENT_SCOPE)
    assert begin.status == "successful", begin
    published = begin.custom_stats["maintenance_window_records_601"]
    assert published["vbr-sim"]["scope"]["switches"][0]["changed"] and "Maintenance" in modes(sim, EXTENT_1)
    sim.clear_requests()
    end = awx_job("maintenance_end.yml", 602, handover=published, maintenance_window_records="{{ handover }}",
                  maintenance_window_require_record=True)
    assert end.status == "successful", end
    assert writes(sim) == ["POST disableMaintenanceMode", "POST enable"]
    assert modes(sim, EXTENT_1) == [] and vbr_jobs(sim)["SOBR VMs"] is True
    assert "(handed over in maintenance_window_records)" in end.msgs("Re-enable the recorded jobs")["vbr-sim"]
    assert end.custom_stats["maintenance_window_records_602"]["vbr-sim"]["state"] == "restored"
