# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the maintenance window prints: the host lines, the report table, the fleet summary, the settings messages."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.module_utils._client import unlisted_sentence
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_record as window_record
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_text as window_text
from ansible_collections.backupops.veeam.tests.unit.utils.window_entries import EARLIER, NOW, did, entry, record


def test_summaries_name_what_was_done_and_what_would_be():
    begin = window_text.begin_summary(did(["A", "B"], ["B"], [], ["C"]), 3, "/r/h.json", NOW, check_mode=False)
    assert begin == ("Disabled 2 job(s): A, B; stopped the running session of 1 job(s): B; 1 already disabled job(s) left as they are; "
                     "3 job(s) recorded for the end in /r/h.json.")
    # A second begin tells the jobs this window holds disabled from those disabled before it.
    again = window_text.begin_summary(did([], [], ["A", "B"], ["C"]), 2, "/r/h.json", EARLIER, check_mode=False)
    assert again == ("Disabled 0 job(s); no running session stopped; 2 job(s) still held disabled by this window since %s: A, B; "
                     "1 already disabled job(s) left as they are; 2 job(s) recorded for the end in /r/h.json." % EARLIER)
    checked = window_text.begin_summary(did(), 0, "/r/h.json", NOW, check_mode=True)
    assert checked.startswith("Would disable 0 job(s); no running session stopped;") and checked.endswith("(not written in check mode).")
    end = window_text.end_summary(["A"], [entry("1"), entry("2")], record(jobs=["1", "2", "3"]), [entry("3")], check_mode=False)
    assert end.startswith("Re-enabled 1 of 3 recorded job(s): A (1 already enabled, 1 no longer exist);")
    assert end.endswith("1 recorded job(s) no longer exist on this server and were not restored: Job 3.")
    assert window_text.start_summary(["A"], ["Z"], False) == "Started 1 job(s) after the window: A; not started (disabled): Z."
    assert window_text.start_summary(["A"], [], True) == "Would start 1 job(s) after the window: A; not started (disabled): none."


def test_an_end_names_the_record_it_applies_and_when_its_begin_wrote_it():
    assert window_text.record_origin(record(), True, "/r/h.json") == (
        "Applied the record of the begin of %s (handed over in maintenance_window_records)." % EARLIER)
    rerun = record(begin_failed=dict(at=NOW, msg="x"))
    assert window_text.record_origin(rerun, False, "/r/h.json") == "Applied the record of the begin of %s, last written %s (from /r/h.json)." % (
        EARLIER, NOW)


def test_a_begin_names_waits_chained_jobs_sessions_left_running_and_kinds_it_cannot_see():
    unlisted = dict(kinds=["HyperVBackup", "BackupCopy"], why="REST API 1.1-rev0 (Veeam Backup & Replication 12.0) lists only its own types")
    text = window_text.begin_summary(did(["A"], ["A"], ["H"], [], waited=(7.0, 2), held_running=["H"], chained=[("B", "A")]), 3, "/r/h.json",
                                     EARLIER, False, dict(unlisted_jobs=unlisted))
    assert "; waited 7 s for the sessions of 2 job(s) to end;" in text
    assert "; the session(s) of H run on (if_running=leave);" in text
    assert "; 1 job(s) chained after a selected job, selected too so that the chain cannot start them: B (runs after A);" in text
    assert ("; REST API 1.1-rev0 (Veeam Backup & Replication 12.0) lists only its own types: jobs of the kind(s) HyperVBackup, BackupCopy "
            "are not seen and stay as they are;") in text
    results = {"vbr-12": dict(counts=dict(disabled=2), unlisted_jobs=unlisted), "vbr-12b": dict(counts=dict(disabled=2), unlisted_jobs=unlisted),
               "vb365-5": dict(counts=dict(disabled=1), unlisted_jobs=dict(kinds=["backup copy"], why="v5"))}
    assert window_text.fleet_summary("begin", results).endswith(
        " Jobs of kinds the API cannot list, not seen and left as they are: vb365-5 (backup copy); vbr-12, vbr-12b (HyperVBackup, BackupCopy).")
    lines = window_text.report_table("vbr", "vbr-12", [], {}, "/r/vbr-12.json", dict(unlisted_jobs=unlisted))
    assert lines[-1] == unlisted_sentence(unlisted) + "."


def test_the_fleet_summary_counts_every_host_and_names_the_failed_and_the_unrecorded():
    # A failed host counts what it did before it failed: the sums are the sums of the host lines.
    results = {"a": dict(counts=dict(disabled=2, stopped=1, held=0, left=1)), "b": dict(failed=True, msg="x", counts=dict(disabled=4)),
               "c": dict(counts=dict(disabled=3, stopped=0, held=2, left=0, awaited=2)), "d": None}
    assert window_text.fleet_summary("begin", results) == (
        "begin on 4 host(s): 2 ok, 2 failed (b, d); jobs disabled 9, sessions stopped 1, sessions awaited 2, held from an earlier begin 2, "
        "disabled before the window 1.")
    ended = {"a": dict(counts=dict(restored=2, already_enabled=1, missing=1, started=1)),
             "b": dict(blocker="no_record", counts=dict(restored=0, already_enabled=0, missing=0, started=0)),
             "c": dict(blocker="nothing_recorded", counts=dict(restored=0, already_enabled=0, missing=0, started=0))}
    assert window_text.fleet_summary("end", ended, check_mode=True) == (
        "Check mode: end on 3 host(s): 3 ok, 0 failed; jobs would re-enable 2, already enabled 1, recorded but deleted 1, "
        "would start after the window 1. No record, nothing restored: b. Nothing recorded, nothing to restore: c.")
    assert window_text.fleet_summary("begin", {"a": dict(counts=dict(disabled=5, stopped=1))}, check_mode=True).startswith(
        "Check mode: begin on 1 host(s): 1 ok, 0 failed; jobs would disable 5, sessions would stop 1,")


def test_jobs_the_api_cannot_manage_are_named_in_the_summary_the_fleet_line_the_record_and_the_report():
    unmanageable = [dict(id="9", name="Azure policy", type="CloudBackupAzure", why="...")]
    begin = window_text.begin_summary(did(["A"]), 1, "/r/h.json", NOW, False, dict(unmanageable_jobs=unmanageable))
    assert "; 1 job(s) listed by the server cannot be disabled through its API and keep running on their schedule: Azure policy " \
           "(CloudBackupAzure); 1 job(s) recorded" in begin
    results = {"a": dict(counts=dict(disabled=1, stopped=0, held=0, left=0, unmanageable=1)), "b": dict(counts=dict(disabled=1))}
    assert window_text.fleet_summary("begin", results).endswith("disabled before the window 0, listed but not manageable through the API 1.")
    fields = dict(api_version="1.1-rev0", unmanageable_jobs=unmanageable)
    made, _to_disable = window_record.begin_record("h", "vbr", "https://vbr:9419/", [], [], NOW, fields)
    assert made["api_version"] == "1.1-rev0" and made["unmanageable_jobs"] == unmanageable and made["state"] == "active"
    lines = window_text.report_table("vbr", "vbr-01", [], {}, "/r/vbr-01.json", fields)
    assert lines[0] == "Veeam Backup & Replication vbr-01 (REST API 1.1-rev0): 0 job(s), 0 enabled, 0 running"
    assert lines[-1].startswith("1 job(s) listed by the server cannot be disabled") and lines[-1].endswith("Azure policy (CloudBackupAzure).")


def test_report_table_aligns_every_job_and_marks_what_an_open_window_holds():
    jobs = [dict(id="1", name="Exchange Online Daily", enabled=True, running=True, last_status="Success", next_run="2026-12-03T01:00:00Z"),
            dict(id="2", name="X", enabled=False, running=False, last_status=None, next_run=None)]
    lines = window_text.report_table("vbr", "vbr-01", jobs, record(api="vbr", jobs=["2"]), "/r/vbr-01.json")
    assert lines[0] == "Veeam Backup & Replication vbr-01: 2 job(s), 1 enabled, 1 running"
    assert lines[1] == ("Open maintenance window on Veeam Backup & Replication since %s (record /r/vbr-01.json): end re-enables "
                        "the 1 job(s) marked HELD." % EARLIER)
    assert lines[2].split() == ["JOB", "ENABLED", "RUNNING", "LAST", "STATUS", "NEXT", "RUN", "HELD", "SINCE"]
    assert lines[3].split()[-1] == "-" and lines[4].split() == ["X", "no", "no", "-", "-", EARLIER]
    assert len(set(line.index("ENABLED" if i == 2 else ("yes" if i == 3 else "no")) for i, line in enumerate(lines) if i > 1)) == 1
    assert window_text.report_table("em", "em-01", [], {}, "/r/em-01.json")[:2] == [
        "Enterprise Manager em-01: 0 job(s), 0 enabled, 0 running", "No open maintenance window: no record file /r/em-01.json and none handed over."]
    restored = window_text.report_table("em", "em-01", [], record(api="em", state="restored", restored=NOW), "/r/em-01.json")[1]
    assert restored == "No open maintenance window: the last one (begun %s) was restored %s (record /r/em-01.json)." % (EARLIER, NOW)


def test_report_table_marks_backup_copy_jobs_with_the_backup_job_they_copy():
    jobs = [dict(id="1", kind="backup", name="Exchange", enabled=True, running=False, last_status="Success", next_run=None),
            dict(id="2", kind="copy", backup_job=dict(id="1", name="Exchange"), name="Exchange Copy", enabled=True, running=True,
                 last_status="Running", next_run=None),
            dict(id="3", kind="copy", backup_job=dict(id="9", name=None), name="Orphan Copy", enabled=False, running=False,
                 last_status=None, next_run=None)]
    lines = window_text.report_table("vb365", "vb365-01", jobs, record(api="vb365", jobs=["2"]), "/r/vb365-01.json")
    assert lines[0] == "VB365 vb365-01: 3 job(s) (2 backup copy job(s)), 2 enabled, 1 running"
    assert lines[3].split()[0] == "Exchange" and lines[3].split()[1] == "yes"
    assert lines[4].startswith("Exchange Copy (backup copy of Exchange)  yes") and lines[4].endswith(EARLIER)
    assert lines[5].startswith("Orphan Copy (backup copy of job 9)")
    assert len(set(line.index("ENABLED" if i == 2 else ("yes" if i < 5 else "no")) for i, line in enumerate(lines) if i > 1)) == 1


def test_a_settings_error_names_the_role_and_inventory_variables_of_the_options_this_task_set():
    message = "Invalid options: ca_path /etc/nope.pem is not a readable file."
    assert window_text.name_the_variables(message, ["ca_path", "server"]) == (
        message + " (ca_path comes from maintenance_window_ca_path, else the inventory variable veeam_ca_path.)")
    assert window_text.name_the_variables(message, ["server"]) == message, "an option the task did not set is not explained"
