# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The maintenance window's record as truth tables: what a begin records, which record an end uses, how records are handed over."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_jobs as window_jobs
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_record as window_record
from ansible_collections.backupops.veeam.tests.unit.utils.window_entries import EARLIER, NOW, entry, job, record


# -- what begin records and disables -------------------------------------------------------------------------------------

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
    made, to_disable = window_record.begin_record("h", "vb365", "https://h:4443/", jobs, earlier, NOW)
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
    assert len(window_record.unrestored(api, records)) == kept


def test_a_rerun_keeps_the_failure_of_the_begin_it_recovers_until_it_has_done_everything():
    earlier = record(jobs=["1", "2"], begin_failed=dict(at=NOW, msg="timed out", disabled=["Job 1"], still_running=["Job 2"]))
    made, to_disable = window_record.begin_record("h", "vb365", "https://h:4443/", [job("1", False), job("2", False, True)], [earlier], NOW)
    assert to_disable == [] and made["begin_failed"] == earlier["begin_failed"], "the rewritten record keeps begin_failed"
    assert [j.name for j in window_jobs.held_running([job("1", False), job("2", False, True), job("3", False, True)], [earlier])] == ["Job 2"]
    assert "begin_failed" not in window_record.recovered(made) and window_record.recovered(made)["jobs"] == made["jobs"]


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
    assert window_record.record_for_end(file_record, handed_over) == expected


@pytest.mark.parametrize("chosen, kind, reason", [
    (record(), None, None),
    (dict(record(), api=None), window_record.OTHER_API, "is an open window on None, not VB365: nothing was restored."),
    ({k: v for k, v in record().items() if k != "api"}, None, None),  # a record without api (format 1 from early versions) is this API's
    (record(state="restored", restored=NOW), window_record.ALREADY_RESTORED, "already restored (%s); nothing to restore." % NOW),
    (record(api="em"), window_record.OTHER_API, "is an open window on Enterprise Manager, not VB365: nothing was restored. "
                                                "Run end with veeam_api=em for this host."),
    ({}, window_record.NO_RECORD, "No record of a begin for this host (/r/h.json or the handed-over maintenance_window_records): nothing "
                                  "restored. Right for a host that never began a window; if it did, its record did not reach this run"),
])
def test_end_restores_only_an_active_record_of_its_api(chosen, kind, reason):
    found = window_record.end_blocker(chosen, "vb365", "/r/h.json")
    assert found is None if kind is None else (found[0] == kind and reason in found[1]), found


@pytest.mark.parametrize("records, refused", [
    ([{}, None], False),
    ([record(), None], False),                                   # this API's open window: merged, not refused
    ([record(api="em", state="restored"), None], False),         # another API's window, but over
    ([record(api="em"), None], True),                            # the file holds another API's open window
    ([{}, record(api="vbr")], True),                             # so does the handed-over record
])
def test_begin_refuses_to_replace_an_open_window_of_another_api(records, refused):
    message = window_record.other_api_refusal(records, "vb365", "/r/h.json")
    assert (message is not None) == refused
    if refused:
        assert "/r/h.json" in message and "End that window first" in message and "would replace that record" in message


def test_a_restored_record_keeps_the_begin_and_names_what_was_missing():
    restored = window_record.restored_record(record(jobs=["1", "2"]), [entry("2")], NOW)
    assert restored["state"] == "restored" and restored["restored"] == NOW and restored["missing"] == [entry("2")]
    assert restored["created"] == EARLIER and [e["id"] for e in restored["jobs"]] == ["1", "2"]
    # A second end sees it restored and changes nothing.
    assert window_record.end_blocker(restored, "vb365", "/r/h.json")[1].startswith("The record of this host is already restored")


def test_an_end_of_a_begin_that_changed_nothing_has_nothing_to_restore_and_says_why():
    failed = record(jobs=[], begin_failed=dict(at=NOW, msg="Login failed: wrong password.", before_any_change=True))
    assert window_record.end_blocker(failed, "vb365", "/r/h.json") == (
        window_record.NOTHING_RECORDED, "Nothing to restore: the begin of %s failed before any change (Login failed: wrong password)." % EARLIER)
    empty = record(jobs=[])
    assert window_record.end_blocker(empty, "vb365", "/r/h.json")[1].endswith("recorded no job (every selected job was disabled already).")
    assert window_record.end_blocker(record(jobs=["1"], begin_failed=failed["begin_failed"]), "vb365", "/r/h.json") is None


# -- publication for AWX workflows ------------------------------------------------------------------------------------

@pytest.mark.parametrize("job_id, key", [(None, "maintenance_window_records"), ("", "maintenance_window_records"),
                                         (4711, "maintenance_window_records_4711"), ("12", "maintenance_window_records_12")])
def test_each_awx_job_publishes_under_its_own_key(job_id, key):
    assert window_record.publication_key(job_id) == key


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
    handed = window_record.handed_over_records(variables)
    assert handed == {"a": newer, "b": older, "c": restored}
    # Whatever order AWX applies the slices' artifacts in, the outcome is the same.
    assert window_record.handed_over_records(dict(reversed(list(variables.items())))) == handed


def test_a_begin_and_its_rerun_handed_over_under_two_keys_are_merged_whatever_their_order():
    """AWX: a failed begin (job 9) and its rerun (job 10) publish the same begin; neither key may hide the other's jobs."""
    failed = record(jobs=["1", "2", "3"])
    rerun = record(jobs=["1", "4"])
    for variables in ({"maintenance_window_records_9": {"h": failed}, "maintenance_window_records_10": {"h": rerun}},
                      {"maintenance_window_records_10": {"h": failed}, "maintenance_window_records_9": {"h": rerun}}):
        merged = window_record.handed_over_records(variables)["h"]
        assert sorted(e["id"] for e in merged["jobs"]) == ["1", "2", "3", "4"] and merged["state"] == "active"


def test_record_path_is_one_file_per_host_under_the_expanded_directory(monkeypatch):
    monkeypatch.setenv("HOME", "/home/awx")
    assert window_record.record_path("~/.ansible/mw", "vb365-01") == "/home/awx/.ansible/mw/vb365-01.json"
