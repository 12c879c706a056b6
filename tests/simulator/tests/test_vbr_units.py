"""Pure parts of the VBR simulation, without a server: command-line port choice, revision spelling, name patterns, scenarios."""

import pytest

from veeam_sim.__main__ import parse_args, scenario_from, vbr_settings
from veeam_sim.state import ScenarioError, build_world, validate_config
from veeam_sim.util import template
from veeam_sim.vbr import VbrApi
from veeam_sim.vbrdoc import KINDS, job_state, type_name
from veeam_sim.vbrrev import REVISIONS, has, in_order, is_custom, may, role_name, served_by, spell, step
from veeam_sim.vbrstate import VBR_STATES_ONLY, VBR_TYPES, VbrJob


@pytest.mark.parametrize("argv, port", [
    ([], 9419),
    (["--vb365-port", "0", "--em-port", "0"], 0),
    (["--vb365-port", "0"], 9419),
    (["--vb365-port", "0", "--em-port", "0", "--vbr-port", "9500"], 9500),
    (["--vbr-port", "0"], 0),
])
def test_vbr_port_is_free_when_the_other_two_are(argv, port):
    assert vbr_settings(parse_args(argv))[0] == port


def test_vbr_api_versions_option():
    assert vbr_settings(parse_args([]))[1:] == (list(REVISIONS), "13.1")
    assert vbr_settings(parse_args(["--vbr-api-versions", "1.3-rev1"]))[1:] == (["1.3-rev1"], None)
    with pytest.raises(ScenarioError, match="1.4-rev0"):
        vbr_settings(parse_args(["--vbr-api-versions", "1.3-rev1,1.4-rev0"]))


def test_generated_vbr_jobs_from_the_command_line():
    scenario = scenario_from(parse_args(["--vbr-jobs", "3", "--generated-disabled"]))
    world = build_world(scenario, 0.0)
    assert [job.name for job in world.vbr.jobs.values()] == ["VBR Job 0001", "VBR Job 0002", "VBR Job 0003"]
    assert not any(job.enabled for job in world.vbr.jobs.values()) and not world.vb365_jobs


def test_default_scenario_has_vbr_jobs_with_stable_ids():
    first, second = build_world(None, 0.0), build_world(None, 0.0)
    assert list(first.vbr.jobs) == list(second.vbr.jobs) and len(first.vbr.jobs) == 7
    names = {job.name for job in first.vbr.jobs.values()}
    assert not names & {job.name for job in first.vb365_jobs.values()} and not names & {job.name for job in first.em_jobs.values()}


@pytest.mark.parametrize("pattern, expected", [
    ("SQL*", True), ("*VMs", True), ("*cluster*", True), ("SQL Cluster VMs", True), ("Cluster", False), ("*Copy", False),
])
def test_name_patterns(pattern, expected):
    assert VbrApi._name_matches(pattern, "SQL Cluster VMs") is expected  # pylint: disable=protected-access


def test_revision_spelling():
    job = VbrJob(id="6a1f7a43-2f4b-4f55-9d0a-6f0f1c1d2e3f", name="Agent", type="WindowsAgentBackup", enabled=False)
    assert type_name(job, "1.2-rev1") is None and type_name(job, "1.3-rev1") == "WindowsAgentBackup"
    vm = VbrJob(id="6a1f7a43-2f4b-4f55-9d0a-6f0f1c1d2e3f", name="VMs")
    assert type_name(vm, "1.2-rev1") == "Backup"
    assert (job_state(vm, "1.2-rev1")["status"], job_state(vm, "1.2-rev1")["workload"]) == ("inactive", "vm")
    assert (job_state(vm, "1.3-rev1")["status"], job_state(vm, "1.3-rev1")["workload"]) == ("Inactive", "Vm")


def test_config_and_templates():
    changes = validate_config({"vbr_api_versions": ["1.2-rev1"], "vbr_run_seconds": 0.5})
    assert changes == {"vbr_api_versions": ["1.2-rev1"], "vbr_run_seconds": 0.5, "vbr_release": None}
    assert validate_config({"vbr_release": "12.1"}) == {"vbr_release": "12.1", "vbr_api_versions": ["1.1-rev0", "1.1-rev1"]}
    for bad in ({"vbr_api_versions": "1.3-rev1"}, {"vbr_api_versions": ["1.3-rev1", None]}, {"vbr_token_seconds": -1}):
        with pytest.raises(ScenarioError):
            validate_config(bad)
    assert template("/api/v1/jobs/6a1f7a43-2f4b-4f55-9d0a-6f0f1c1d2e3f/start") == "/api/v1/jobs/{id}/start"


def test_the_revision_table():
    assert served_by("12.0") == ["1.1-rev0"] and served_by("12.3.0")[-1] == "1.2-rev0" and served_by("13.1") == list(REVISIONS)
    assert in_order(["1.3-rev1", "1.1-rev0", "1.3-rev1"]) == ["1.1-rev0", "1.3-rev1"]
    assert not has("1.1-rev2", "gracefulStop") and has("1.2-rev0", "gracefulStop")
    assert [has(revision, "customLoginRefused") for revision in REVISIONS] == [False] * 5 + [True, True, False]
    assert step((("1.1-rev0", "Job"), ("1.2-rev0", "BackupJob")), "1.1-rev2") == "Job" and step((("1.3-rev0", "x"),), "1.2-rev1") is None
    assert (spell("CloudVm", "1.3-rev0"), spell("CloudVm", "1.3-rev1")) == ("cloudVm", "CloudVm")


def test_roles():
    assert role_name("Backup Operator") == role_name("Veeam Backup Operator") == "Veeam Backup Operator"
    assert role_name("Helpdesk") == "Helpdesk" and is_custom("Helpdesk") and not is_custom("Veeam Backup Viewer")
    assert may("Veeam Backup Operator", "start", "1.1-rev0") and not may("Veeam Backup Operator", "enable", "1.3-rev2")
    assert not may("Helpdesk", "stop", "1.3-rev1") and may("Helpdesk", "stop", "1.3-rev2") and not may("Helpdesk", "disable", "1.3-rev2")
    assert not any(may("Veeam Backup Viewer", action, "1.3-rev2") for action in ("start", "stop", "enable", "disable"))


def test_states_only_types():
    for job_type, names in (("LegacyBackupCopy", [None] * 5 + ["LegacyBackupCopy"] * 3),
                            ("CloudBackupAzure", [None] * 5 + ["Unknown", "CloudBackupAzure", "CloudBackupAzure"]),
                            ("Unknown", [None] * 5 + ["Unknown"] * 3),
                            ("HyperVBackup", [None] * 5 + ["HyperVBackup"] * 3)):
        job = VbrJob(id="6a1f7a43-2f4b-4f55-9d0a-6f0f1c1d2e3f", name="x", type=job_type)
        assert [type_name(job, revision, in_states=True) for revision in REVISIONS] == names, job_type
        assert (type_name(job, "1.3-rev2") is None) == (job_type != "HyperVBackup")
    assert set(KINDS) == set(VBR_TYPES) and {t for t, kind in KINDS.items() if kind.details is None} == set(VBR_STATES_ONLY)
