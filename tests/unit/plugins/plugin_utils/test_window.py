# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The maintenance window's decisions as truth tables: every rule of the window, without a server or a file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import Job
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


@pytest.mark.parametrize("chosen, reason", [
    (record(), None),
    (dict(record(), api=None), "for another API (None)"),
    ({k: v for k, v in record().items() if k != "api"}, None),  # a record without api (format 1 from early versions) is this API's
    (record(state="restored", restored=NOW), "already restored (%s); nothing to restore." % NOW),
    (record(api="em"), "for another API (em); nothing to restore."),
    ({}, "No record of a begin for this host (/r/h.json or maintenance_window_records); nothing to restore."),
])
def test_end_restores_only_an_active_record_of_its_api(chosen, reason):
    found = window.nothing_to_restore(chosen, "vb365", "/r/h.json")
    assert found == reason if reason is None else reason in found


def test_end_re_enables_the_recorded_jobs_that_still_exist_and_reports_the_deleted_ones():
    to_enable, missing = window.split_recorded(record(jobs=["1", "2", "3"]), [job("1"), job("3", enabled=False), job("4")])
    assert [e["id"] for e in to_enable] == ["1", "3"], "job 4 was never recorded: end does not touch it"
    assert [e["id"] for e in missing] == ["2"]


def test_a_restored_record_keeps_the_begin_and_names_what_was_missing():
    restored = window.restored_record(record(jobs=["1", "2"]), [entry("2")], NOW)
    assert restored["state"] == "restored" and restored["restored"] == NOW and restored["missing"] == [entry("2")]
    assert restored["created"] == EARLIER and [e["id"] for e in restored["jobs"]] == ["1", "2"]
    # A second end sees it restored and changes nothing.
    assert window.nothing_to_restore(restored, "vb365", "/r/h.json").startswith("The record of this host is already restored")


# -- start_after ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs, names, started, not_started", [
    ([job("1", name="A"), job("2", name="B")], ["A"], ["A"], []),
    ([job("1", name="A", enabled=False)], ["A"], [], ["A"]),  # disabled (not recorded, stayed disabled): not started
    ([job("1", name="A")], ["A", "Z"], ["A"], ["Z"]),         # absent on this server: reported, not an error
    ([job("1", name="A")], [], [], []),
])
def test_start_after_starts_only_enabled_jobs_of_that_name(jobs, names, started, not_started):
    to_start, skipped = window.jobs_to_start(jobs, names)
    assert [j.name for j in to_start] == started and skipped == not_started


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


# -- what the operator reads ------------------------------------------------------------------------------------------

def test_summaries_name_what_was_done_and_what_would_be():
    begin = window.begin_summary(["A", "B"], ["B"], ["C"], 3, "/r/h.json", check_mode=False)
    assert begin == ("Disabled 2 job(s): A, B; stopped the running session of 1 job(s): B; 1 already disabled job(s) left as they are; "
                     "3 job(s) recorded for the end in /r/h.json.")
    checked = window.begin_summary([], [], [], 0, "/r/h.json", check_mode=True)
    assert checked.startswith("Would disable 0 job(s); no running session stopped;") and checked.endswith("(not written in check mode).")
    end = window.end_summary(["A"], [entry("1"), entry("2")], record(jobs=["1", "2", "3"]), [entry("3")], check_mode=False)
    assert end.startswith("Re-enabled 1 of 3 recorded job(s): A (1 already enabled, 1 no longer exist);")
    assert end.endswith("1 recorded job(s) no longer exist on this server and were not restored: Job 3.")
    assert window.start_summary(["A"], ["Z"], False) == "Started 1 job(s) after the window: A; not started (absent on this server or disabled): Z."


def test_report_table_aligns_every_job():
    jobs = [dict(name="Exchange Online Daily", enabled=True, running=True, last_status="Success", next_run="2026-12-03T01:00:00Z"),
            dict(name="X", enabled=False, running=False, last_status=None, next_run=None)]
    lines = window.report_table("vbr", "vbr-01", jobs)
    assert lines[0] == "Veeam Backup & Replication vbr-01: 2 job(s), 1 enabled, 1 running"
    assert lines[1].split() == ["JOB", "ENABLED", "RUNNING", "LAST", "STATUS", "NEXT", "RUN"]
    assert lines[3].split() == ["X", "no", "no", "-", "-"]
    assert len(set(line.index("ENABLED" if i == 1 else ("yes" if i == 2 else "no")) for i, line in enumerate(lines) if i)) == 1
    assert window.report_table("em", "em-01", [])[0] == "Enterprise Manager em-01: 0 job(s), 0 enabled, 0 running"


def test_record_path_is_one_file_per_host_under_the_expanded_directory(monkeypatch):
    monkeypatch.setenv("HOME", "/home/awx")
    assert window.record_path("~/.ansible/mw", "vb365-01") == "/home/awx/.ansible/mw/vb365-01.json"
