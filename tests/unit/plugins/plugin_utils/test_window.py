# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The maintenance window's decisions as truth tables: every rule of the window, without a server or a file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._model import Job
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window as window

NOW = "2026-12-02T15:00:00Z"
EARLIER = "2026-12-01T09:00:00Z"


def job(ident, enabled=True, running=False, name=None):
    return Job(ident, name or "Job %s" % ident, enabled, running, None, None, None, {})


def entry(ident):
    return dict(id=ident, name="Job %s" % ident)


def record(state="active", api="vb365", jobs=("1",), created=EARLIER, **extra):
    return dict(dict(format=1, state=state, host="h", api=api, server="https://h:4443/", created=created,
                     jobs=[entry(i) for i in jobs]), **extra)


# -- what begin records and disables ----------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs, earlier, disabled, recorded, created", [
    # enabled now: disabled and recorded; disabled now: neither
    ([job("1"), job("2", enabled=False)], [], ["1"], ["1"], NOW),
    # nothing enabled: nothing disabled, an empty record (end then has nothing to restore but marks it restored)
    ([job("1", enabled=False)], [], [], [], NOW),
    # a second begin before any end: the earlier record's jobs stay recorded (disabled by the first begin), its time kept
    ([job("1", enabled=False), job("2")], [record(jobs=["1"])], ["2"], ["1", "2"], EARLIER),
    # a job both in the earlier record and enabled again now: recorded once, disabled again
    ([job("1")], [record(jobs=["1"])], ["1"], ["1"], EARLIER),
    # two unrestored records (the file's and a handed-over one): both merged, each job once, the first one's time
    ([job("3")], [record(jobs=["1"]), record(jobs=["1", "2"], created="2026-12-01T10:00:00Z")], ["3"], ["1", "2", "3"], EARLIER),
    # a recorded job deleted since the earlier begin stays recorded: end reports it as missing
    ([], [record(jobs=["9"])], [], ["9"], EARLIER),
])
def test_begin_records_the_enabled_jobs_and_those_of_an_unrestored_begin(jobs, earlier, disabled, recorded, created):
    made, to_disable = window.begin_record("h", "vb365", "https://h:4443/", jobs, earlier, NOW)
    assert [e["id"] for e in to_disable] == disabled
    assert [e["id"] for e in made["jobs"]] == recorded
    assert made["created"] == created
    assert made["state"] == "active" and made["format"] == 1 and made["api"] == "vb365" and made["host"] == "h"
    assert made["server"] == "https://h:4443/"


@pytest.mark.parametrize("records, api, kept", [
    ([record()], "vb365", 1),
    ([record(state="restored")], "vb365", 0),  # restored: nothing to merge
    ([record(api="em")], "vb365", 0),          # another API's record is not this begin's
    ([{}, None], "vb365", 0),                  # no file, nothing handed over
    ([record(), record(created=NOW)], "vb365", 2),
])
def test_only_unrestored_records_of_the_same_api_are_merged(records, api, kept):
    assert len(window.unrestored(api, records)) == kept


# -- which record end uses ------------------------------------------------------------------------------------------

HANDED = record(jobs=["1", "2"])


@pytest.mark.parametrize("file_record, handed_over, expected", [
    ({}, None, {}),                                                    # no begin at all
    (record(jobs=["1"]), None, record(jobs=["1"])),                    # the file
    ({}, HANDED, HANDED),                                              # AWX: a fresh environment, only the handed-over record
    (record(jobs=["7"], created="2026-11-01T00:00:00Z"), HANDED, HANDED),  # the handed-over one wins over an unrelated file
    (record(state="restored", created=EARLIER, restored=NOW), HANDED,    # this controller already restored that same begin
     record(state="restored", created=EARLIER, restored=NOW)),
    (record(state="restored", created="2026-11-01T00:00:00Z"), HANDED, HANDED),  # restored, but an older begin
])
def test_end_takes_the_handed_over_record_unless_the_file_restored_that_same_begin(file_record, handed_over, expected):
    assert window.record_for_end(file_record, handed_over) == expected


@pytest.mark.parametrize("chosen, kind, reason", [
    (record(), None, None),
    (dict(record(), api=None), window.OTHER_API, "is an open window on None, not VB365: nothing was restored."),
    ({k: v for k, v in record().items() if k != "api"}, None, None),  # a record without api (format 1 from early versions) is this API's
    (record(state="restored", restored=NOW), window.ALREADY_RESTORED, "already restored (%s); nothing to restore." % NOW),
    (record(api="em"), window.OTHER_API, "is an open window on Enterprise Manager, not VB365: nothing was restored. "
                                         "Run end with veeam_api=em for this host."),
    ({}, window.NO_RECORD, "No record of a begin for this host (/r/h.json or the handed-over maintenance_window_records): nothing "
                           "restored. Right for a host that never began a window; if it did, its record did not reach this run"),
])
def test_end_restores_only_an_active_record_of_its_api(chosen, kind, reason):
    found = window.end_blocker(chosen, "vb365", "/r/h.json")
    assert found is None if kind is None else (found[0] == kind and reason in found[1]), found


@pytest.mark.parametrize("records, refused", [
    ([{}, None], False),
    ([record(), None], False),                                   # this API's open window: merged, not refused
    ([record(api="em", state="restored"), None], False),         # another API's window, but over
    ([record(api="em"), None], True),                            # the file holds another API's open window
    ([{}, record(api="vbr")], True),                             # so does the handed-over record
])
def test_begin_refuses_to_replace_an_open_window_of_another_api(records, refused):
    message = window.other_api_refusal(records, "vb365", "/r/h.json")
    assert (message is not None) == refused
    if refused:
        assert "/r/h.json" in message and "End that window first" in message and "would replace that record" in message


def test_end_re_enables_the_recorded_jobs_that_still_exist_and_reports_the_deleted_ones():
    to_enable, missing = window.split_recorded(record(jobs=["1", "2", "3"]), [job("1"), job("3", enabled=False), job("4")])
    assert [e["id"] for e in to_enable] == ["1", "3"], "job 4 was never recorded: end does not touch it"
    assert [e["id"] for e in missing] == ["2"]


def test_a_restored_record_keeps_the_begin_and_names_what_was_missing():
    restored = window.restored_record(record(jobs=["1", "2"]), [entry("2")], NOW)
    assert restored["state"] == "restored" and restored["restored"] == NOW and restored["missing"] == [entry("2")]
    assert restored["created"] == EARLIER and [e["id"] for e in restored["jobs"]] == ["1", "2"]
    # A second end sees it restored and changes nothing.
    assert window.end_blocker(restored, "vb365", "/r/h.json")[1].startswith("The record of this host is already restored")


# -- start_after ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs, names, reenabled, started, not_started", [
    ([job("1", name="A"), job("2", name="B")], ["A"], [], ["A"], []),
    ([job("1", name="A", enabled=False)], ["A"], [], [], ["A"]),     # disabled (not recorded, stayed disabled): not started
    ([job("1", name="A", enabled=False)], ["A"], ["1"], ["A"], []),  # disabled when read, re-enabled by this end (check mode too)
    ([job("1", name="A")], [], [], [], []),
])
def test_start_after_starts_the_jobs_enabled_once_restored(jobs, names, reenabled, started, not_started):
    to_start, skipped = window.jobs_to_start(jobs, names, reenabled)
    assert [j.name for j in to_start] == started and skipped == not_started


def test_a_start_after_name_the_server_does_not_know_fails_naming_the_candidates():
    with pytest.raises(JobModuleError, match="no job is named 'Z' .*'A'"):
        window.jobs_to_start([job("1", name="A")], ["A", "Z"])


# -- publication for AWX workflows ------------------------------------------------------------------------------------

@pytest.mark.parametrize("job_id, key", [(None, "maintenance_window_records"), ("", "maintenance_window_records"),
                                         (4711, "maintenance_window_records_4711"), ("12", "maintenance_window_records_12")])
def test_each_awx_job_publishes_under_its_own_key(job_id, key):
    assert window.publication_key(job_id) == key


def test_records_of_every_slice_are_collected_and_a_later_begin_or_a_restore_wins():
    older, newer = record(created=EARLIER), record(created=NOW)
    restored = record(state="restored", created=EARLIER, restored=NOW)
    variables = {
        "maintenance_window_records": {"a": older},
        "maintenance_window_records_7": {"b": older, "c": restored},
        "maintenance_window_records_12": {"a": newer, "c": older},  # c: the same begin, the restored record is the news
        "maintenance_window_records_x": "not a mapping",
        "maintenance_window_recordsXY": {"d": older},               # not our key
        "other": {"e": older},
    }
    handed = window.handed_over_records(variables)
    assert handed == {"a": newer, "b": older, "c": restored}
    # Whatever order AWX applies the slices' artifacts in, the outcome is the same.
    assert window.handed_over_records(dict(reversed(list(variables.items())))) == handed


def test_a_begin_and_its_rerun_handed_over_under_two_keys_are_merged_whatever_their_order():
    """AWX: a failed begin (job 9) and its rerun (job 10) publish the same begin; neither key may hide the other's jobs."""
    failed = record(jobs=["1", "2", "3"])
    rerun = record(jobs=["1", "4"])
    for variables in ({"maintenance_window_records_9": {"h": failed}, "maintenance_window_records_10": {"h": rerun}},
                      {"maintenance_window_records_10": {"h": failed}, "maintenance_window_records_9": {"h": rerun}}):
        merged = window.handed_over_records(variables)["h"]
        assert sorted(e["id"] for e in merged["jobs"]) == ["1", "2", "3", "4"] and merged["state"] == "active"


# -- what the operator reads ------------------------------------------------------------------------------------------

def did(disabled=(), stopped=(), held=(), left=(), **more):
    return dict(dict(disabled=list(disabled), stopped=list(stopped), held=list(held), left=list(left), chained=[], waited=None), **more)


def test_summaries_name_what_was_done_and_what_would_be():
    begin = window.begin_summary(did(["A", "B"], ["B"], [], ["C"]), 3, "/r/h.json", NOW, check_mode=False)
    assert begin == ("Disabled 2 job(s): A, B; stopped the running session of 1 job(s): B; 1 already disabled job(s) left as they are; "
                     "3 job(s) recorded for the end in /r/h.json.")
    # A second begin tells the jobs this window holds disabled from those disabled before it.
    again = window.begin_summary(did([], [], ["A", "B"], ["C"]), 2, "/r/h.json", EARLIER, check_mode=False)
    assert again == ("Disabled 0 job(s); no running session stopped; 2 job(s) still held disabled by this window since %s: A, B; "
                     "1 already disabled job(s) left as they are; 2 job(s) recorded for the end in /r/h.json." % EARLIER)
    checked = window.begin_summary(did(), 0, "/r/h.json", NOW, check_mode=True)
    assert checked.startswith("Would disable 0 job(s); no running session stopped;") and checked.endswith("(not written in check mode).")
    end = window.end_summary(["A"], [entry("1"), entry("2")], record(jobs=["1", "2", "3"]), [entry("3")], check_mode=False)
    assert end.startswith("Re-enabled 1 of 3 recorded job(s): A (1 already enabled, 1 no longer exist);")
    assert end.endswith("1 recorded job(s) no longer exist on this server and were not restored: Job 3.")
    assert window.start_summary(["A"], ["Z"], False) == "Started 1 job(s) after the window: A; not started (disabled): Z."
    assert window.start_summary(["A"], [], True) == "Would start 1 job(s) after the window: A; not started (disabled): none."


def runner_job(ident, actions, enabled, running, was_enabled=True):
    """A job entry of the job runner's (failure) result, as re-read."""
    return dict(id=ident, name="Job %s" % ident, actions=actions, before=dict(enabled=was_enabled, running=running),
                after=dict(enabled=enabled, running=running))


def test_a_failed_begin_says_exactly_what_it_changed_and_what_it_did_not():
    timed_out = "Timed out after 5 seconds waiting for the running sessions of job 'Job 2' to end; last state seen: x."
    jobs = [runner_job("1", ["disable"], False, False), runner_job("2", ["disable", "stop"], False, True)]
    outcome = window.what_a_failed_disable_did(jobs, [entry("1"), entry("2")], "stop")
    assert outcome == dict(disabled=["Job 1", "Job 2"], still_enabled=[], stopped=[], running_off=["Job 2"], running_on=[])
    message = window.begin_failure(timed_out, outcome, [entry("1"), entry("2")], 4, "/r/h.json")
    assert message == ("Begin failed after disabling 2 of 2 job(s): Job 1, Job 2: Timed out after 5 seconds waiting for the running "
                       "sessions of job 'Job 2' to end; last state seen: x. Their schedules are off, but the session(s) of Job 2 are "
                       "still running. The record /r/h.json names 4 job(s); run end to re-enable them.")
    failed = window.failed_begin_record(record(jobs=["1", "2"]), outcome, "boom", NOW)
    assert failed["state"] == "active" and failed["begin_failed"] == dict(at=NOW, msg="boom", disabled=["Job 1", "Job 2"], still_enabled=[],
                                                                          still_running=["Job 2"])


def test_a_refused_disable_is_never_described_as_done():
    # A Backup Operator: the first disable is refused (403), nothing else is sent; every job is still enabled, one runs.
    jobs = [runner_job("1", [], True, False), runner_job("2", [], True, True), runner_job("3", [], True, False)]
    to_disable = [entry("1"), entry("2"), entry("3")]
    outcome = window.what_a_failed_disable_did(jobs, to_disable, "stop")
    assert outcome["disabled"] == [] and outcome["still_enabled"] == ["Job 1", "Job 2", "Job 3"]
    assert outcome["running_off"] == [] and outcome["running_on"] == ["Job 2"]
    message = window.begin_failure("Job 'Job 1': disable was refused: forbidden.", outcome, to_disable, 3, "/r/h.json")
    assert message.startswith("Begin failed after disabling 0 of 3 job(s): Job 'Job 1': disable was refused: forbidden. Not disabled, "
                              "still enabled: Job 1, Job 2, Job 3. Still running with the schedule on: Job 2. The record")
    assert "schedules are off" not in message
    # A job the runner never reached (it failed before planning it) is not disabled either.
    assert window.what_a_failed_disable_did([], to_disable[:1], "stop")["still_enabled"] == ["Job 1"]
    # if_running=leave: sessions left running were meant to run on, so they are not named as a failure.
    assert window.what_a_failed_disable_did(jobs, to_disable, "leave")["running_on"] == []


def test_a_rerun_keeps_the_failure_of_the_begin_it_recovers_until_it_has_done_everything():
    earlier = record(jobs=["1", "2"], begin_failed=dict(at=NOW, msg="timed out", disabled=["Job 1"], still_running=["Job 2"]))
    made, to_disable = window.begin_record("h", "vb365", "https://h:4443/", [job("1", False), job("2", False, True)], [earlier], NOW)
    assert to_disable == [] and made["begin_failed"] == earlier["begin_failed"], "the rewritten record keeps begin_failed"
    assert [j.name for j in window.held_running([job("1", False), job("2", False, True), job("3", False, True)], [earlier])] == ["Job 2"]
    assert "begin_failed" not in window.recovered(made) and window.recovered(made)["jobs"] == made["jobs"]


def test_an_end_of_a_begin_that_changed_nothing_has_nothing_to_restore_and_says_why():
    failed = record(jobs=[], begin_failed=dict(at=NOW, msg="Login failed: wrong password.", before_any_change=True))
    assert window.end_blocker(failed, "vb365", "/r/h.json") == (
        window.NOTHING_RECORDED, "Nothing to restore: the begin of %s failed before any change (Login failed: wrong password)." % EARLIER)
    empty = record(jobs=[])
    assert window.end_blocker(empty, "vb365", "/r/h.json")[1].endswith("recorded no job (every selected job was disabled already).")
    assert window.end_blocker(record(jobs=["1"], begin_failed=failed["begin_failed"]), "vb365", "/r/h.json") is None


def test_an_end_names_the_record_it_applies_and_when_its_begin_wrote_it():
    assert window.record_origin(record(), True, "/r/h.json") == (
        "Applied the record of the begin of %s (handed over in maintenance_window_records)." % EARLIER)
    rerun = record(begin_failed=dict(at=NOW, msg="x"))
    assert window.record_origin(rerun, False, "/r/h.json") == "Applied the record of the begin of %s, last written %s (from /r/h.json)." % (
        EARLIER, NOW)


def test_a_begin_names_waits_chained_jobs_sessions_left_running_and_kinds_it_cannot_see():
    unlisted = dict(kinds=["HyperVBackup", "BackupCopy"], why="REST API 1.1-rev0 (Veeam Backup & Replication 12.0) lists only its own types")
    text = window.begin_summary(did(["A"], ["A"], ["H"], [], waited=(7.0, 2), held_running=["H"], chained=[("B", "A")]), 3, "/r/h.json",
                                EARLIER, False, dict(unlisted_jobs=unlisted))
    assert "; waited 7 s for the sessions of 2 job(s) to end;" in text
    assert "; the session(s) of H run on (if_running=leave);" in text
    assert "; 1 job(s) chained after a selected job, selected too so that the chain cannot start them: B (runs after A);" in text
    assert ("; REST API 1.1-rev0 (Veeam Backup & Replication 12.0) lists only its own types: jobs of the kind(s) HyperVBackup, BackupCopy "
            "are not seen and stay as they are;") in text
    results = {"vbr-12": dict(counts=dict(disabled=2), unlisted_jobs=unlisted), "vbr-12b": dict(counts=dict(disabled=2), unlisted_jobs=unlisted),
               "vb365-5": dict(counts=dict(disabled=1), unlisted_jobs=dict(kinds=["backup copy"], why="v5"))}
    assert window.fleet_summary("begin", results).endswith(
        " Jobs of kinds the API cannot list, not seen and left as they are: vb365-5 (backup copy); vbr-12, vbr-12b (HyperVBackup, BackupCopy).")
    lines = window.report_table("vbr", "vbr-12", [], {}, "/r/vbr-12.json", dict(unlisted_jobs=unlisted))
    assert lines[-1] == window.unlisted_sentence(unlisted) + "."


def test_the_fleet_summary_counts_every_host_and_names_the_failed_and_the_unrecorded():
    # A failed host counts what it did before it failed: the sums are the sums of the host lines.
    results = {"a": dict(counts=dict(disabled=2, stopped=1, held=0, left=1)), "b": dict(failed=True, msg="x", counts=dict(disabled=4)),
               "c": dict(counts=dict(disabled=3, stopped=0, held=2, left=0, awaited=2)), "d": None}
    assert window.fleet_summary("begin", results) == (
        "begin on 4 host(s): 2 ok, 2 failed (b, d); jobs disabled 9, sessions stopped 1, sessions awaited 2, held from an earlier begin 2, "
        "disabled before the window 1.")
    ended = {"a": dict(counts=dict(restored=2, already_enabled=1, missing=1, started=1)),
             "b": dict(blocker="no_record", counts=dict(restored=0, already_enabled=0, missing=0, started=0)),
             "c": dict(blocker="nothing_recorded", counts=dict(restored=0, already_enabled=0, missing=0, started=0))}
    assert window.fleet_summary("end", ended, check_mode=True) == (
        "Check mode: end on 3 host(s): 3 ok, 0 failed; jobs would re-enable 2, already enabled 1, recorded but deleted 1, "
        "would start after the window 1. No record, nothing restored: b. Nothing recorded, nothing to restore: c.")
    assert window.fleet_summary("begin", {"a": dict(counts=dict(disabled=5, stopped=1))}, check_mode=True).startswith(
        "Check mode: begin on 1 host(s): 1 ok, 0 failed; jobs would disable 5, sessions would stop 1,")


def test_jobs_the_api_cannot_manage_are_named_in_the_summary_the_fleet_line_the_record_and_the_report():
    unmanageable = [dict(id="9", name="Azure policy", type="CloudBackupAzure", why="...")]
    begin = window.begin_summary(did(["A"]), 1, "/r/h.json", NOW, False, dict(unmanageable_jobs=unmanageable))
    assert "; 1 job(s) listed by the server cannot be disabled through its API and keep running on their schedule: Azure policy " \
           "(CloudBackupAzure); 1 job(s) recorded" in begin
    results = {"a": dict(counts=dict(disabled=1, stopped=0, held=0, left=0, unmanageable=1)), "b": dict(counts=dict(disabled=1))}
    assert window.fleet_summary("begin", results).endswith("disabled before the window 0, listed but not manageable through the API 1.")
    fields = dict(api_version="1.1-rev0", unmanageable_jobs=unmanageable)
    made, _to_disable = window.begin_record("h", "vbr", "https://vbr:9419/", [], [], NOW, fields)
    assert made["api_version"] == "1.1-rev0" and made["unmanageable_jobs"] == unmanageable and made["state"] == "active"
    lines = window.report_table("vbr", "vbr-01", [], {}, "/r/vbr-01.json", fields)
    assert lines[0] == "Veeam Backup & Replication vbr-01 (REST API 1.1-rev0): 0 job(s), 0 enabled, 0 running"
    assert lines[-1].startswith("1 job(s) listed by the server cannot be disabled") and lines[-1].endswith("Azure policy (CloudBackupAzure).")


def test_report_table_aligns_every_job_and_marks_what_an_open_window_holds():
    jobs = [dict(id="1", name="Exchange Online Daily", enabled=True, running=True, last_status="Success", next_run="2026-12-03T01:00:00Z"),
            dict(id="2", name="X", enabled=False, running=False, last_status=None, next_run=None)]
    lines = window.report_table("vbr", "vbr-01", jobs, record(api="vbr", jobs=["2"]), "/r/vbr-01.json")
    assert lines[0] == "Veeam Backup & Replication vbr-01: 2 job(s), 1 enabled, 1 running"
    assert lines[1] == ("Open maintenance window on Veeam Backup & Replication since %s (record /r/vbr-01.json): end re-enables "
                        "the 1 job(s) marked HELD." % EARLIER)
    assert lines[2].split() == ["JOB", "ENABLED", "RUNNING", "LAST", "STATUS", "NEXT", "RUN", "HELD", "SINCE"]
    assert lines[3].split()[-1] == "-" and lines[4].split() == ["X", "no", "no", "-", "-", EARLIER]
    assert len(set(line.index("ENABLED" if i == 2 else ("yes" if i == 3 else "no")) for i, line in enumerate(lines) if i > 1)) == 1
    assert window.report_table("em", "em-01", [], {}, "/r/em-01.json")[:2] == [
        "Enterprise Manager em-01: 0 job(s), 0 enabled, 0 running", "No open maintenance window: no record file /r/em-01.json and none handed over."]
    restored = window.report_table("em", "em-01", [], record(api="em", state="restored", restored=NOW), "/r/em-01.json")[1]
    assert restored == "No open maintenance window: the last one (begun %s) was restored %s (record /r/em-01.json)." % (EARLIER, NOW)


def test_report_table_marks_backup_copy_jobs_with_the_backup_job_they_copy():
    jobs = [dict(id="1", kind="backup", name="Exchange", enabled=True, running=False, last_status="Success", next_run=None),
            dict(id="2", kind="copy", backup_job=dict(id="1", name="Exchange"), name="Exchange Copy", enabled=True, running=True,
                 last_status="Running", next_run=None),
            dict(id="3", kind="copy", backup_job=dict(id="9", name=None), name="Orphan Copy", enabled=False, running=False,
                 last_status=None, next_run=None)]
    lines = window.report_table("vb365", "vb365-01", jobs, record(api="vb365", jobs=["2"]), "/r/vb365-01.json")
    assert lines[0] == "VB365 vb365-01: 3 job(s) (2 backup copy job(s)), 2 enabled, 1 running"
    assert lines[3].split()[0] == "Exchange" and lines[3].split()[1] == "yes"
    assert lines[4].startswith("Exchange Copy (backup copy of Exchange)  yes") and lines[4].endswith(EARLIER)
    assert lines[5].startswith("Orphan Copy (backup copy of job 9)")
    assert len(set(line.index("ENABLED" if i == 2 else ("yes" if i < 5 else "no")) for i, line in enumerate(lines) if i > 1)) == 1


def test_record_path_is_one_file_per_host_under_the_expanded_directory(monkeypatch):
    monkeypatch.setenv("HOME", "/home/awx")
    assert window.record_path("~/.ansible/mw", "vb365-01") == "/home/awx/.ansible/mw/vb365-01.json"


def test_a_settings_error_names_the_role_and_inventory_variables_of_the_options_this_task_set():
    message = "Invalid options: ca_path /etc/nope.pem is not a readable file."
    assert window.name_the_variables(message, ["ca_path", "server"]) == (
        message + " (ca_path comes from maintenance_window_ca_path, else the inventory variable veeam_ca_path.)")
    assert window.name_the_variables(message, ["server"]) == message, "an option the task did not set is not explained"
