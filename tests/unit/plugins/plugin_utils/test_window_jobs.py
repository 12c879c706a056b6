# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which jobs a window phase acts on and what its declarations did, as truth tables, without a server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_jobs as window_jobs
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_record as window_record
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_text as window_text
from ansible_collections.backupops.veeam.tests.unit.utils.window_entries import NOW, entry, job, record, runner_job


def test_end_re_enables_the_recorded_jobs_that_still_exist_and_reports_the_deleted_ones():
    to_enable, missing = window_jobs.split_recorded(record(jobs=["1", "2", "3"]), [job("1"), job("3", enabled=False), job("4")])
    assert [e["id"] for e in to_enable] == ["1", "3"], "job 4 was never recorded: end does not touch it"
    assert [e["id"] for e in missing] == ["2"]


# -- start_after ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs, names, reenabled, started, not_started", [
    ([job("1", name="A"), job("2", name="B")], ["A"], [], ["A"], []),
    ([job("1", name="A", enabled=False)], ["A"], [], [], ["A"]),     # disabled (not recorded, stayed disabled): not started
    ([job("1", name="A", enabled=False)], ["A"], ["1"], ["A"], []),  # disabled when read, re-enabled by this end (check mode too)
    ([job("1", name="A")], [], [], [], []),
])
def test_start_after_starts_the_jobs_enabled_once_restored(jobs, names, reenabled, started, not_started):
    to_start, skipped = window_jobs.jobs_to_start(jobs, names, reenabled)
    assert [j.name for j in to_start] == started and skipped == not_started


def test_a_start_after_name_the_server_does_not_know_fails_naming_the_candidates():
    with pytest.raises(JobModuleError, match="no job is named 'Z' .*'A'"):
        window_jobs.jobs_to_start([job("1", name="A")], ["A", "Z"])


# -- what a failed quiesce did -----------------------------------------------------------------------------------------

def test_a_failed_begin_says_exactly_what_it_changed_and_what_it_did_not():
    timed_out = "Timed out after 5 seconds waiting for the running sessions of job 'Job 2' to end; last state seen: x."
    jobs = [runner_job("1", ["disable"], False, False), runner_job("2", ["disable", "stop"], False, True)]
    outcome = window_jobs.what_a_failed_disable_did(jobs, [entry("1"), entry("2")], "stop")
    assert outcome == dict(disabled=["Job 1", "Job 2"], still_enabled=[], stopped=[], running_off=["Job 2"], running_on=[])
    message = window_text.begin_failure(timed_out, outcome, [entry("1"), entry("2")], 4, "/r/h.json")
    assert message == ("Begin failed after disabling 2 of 2 job(s): Job 1, Job 2: Timed out after 5 seconds waiting for the running "
                       "sessions of job 'Job 2' to end; last state seen: x. Their schedules are off, but the session(s) of Job 2 are "
                       "still running. The record /r/h.json names 4 job(s); run end to re-enable them.")
    failed = window_record.failed_begin_record(record(jobs=["1", "2"]), outcome, "boom", NOW)
    assert failed["state"] == "active" and failed["begin_failed"] == dict(at=NOW, msg="boom", disabled=["Job 1", "Job 2"], still_enabled=[],
                                                                          still_running=["Job 2"])


def test_a_refused_disable_is_never_described_as_done():
    # A Backup Operator: the first disable is refused (403), nothing else is sent; every job is still enabled, one runs.
    jobs = [runner_job("1", [], True, False), runner_job("2", [], True, True), runner_job("3", [], True, False)]
    to_disable = [entry("1"), entry("2"), entry("3")]
    outcome = window_jobs.what_a_failed_disable_did(jobs, to_disable, "stop")
    assert outcome["disabled"] == [] and outcome["still_enabled"] == ["Job 1", "Job 2", "Job 3"]
    assert outcome["running_off"] == [] and outcome["running_on"] == ["Job 2"]
    message = window_text.begin_failure("Job 'Job 1': disable was refused: forbidden.", outcome, to_disable, 3, "/r/h.json")
    assert message.startswith("Begin failed after disabling 0 of 3 job(s): Job 'Job 1': disable was refused: forbidden. Not disabled, "
                              "still enabled: Job 1, Job 2, Job 3. Still running with the schedule on: Job 2. The record")
    assert "schedules are off" not in message
    # A job the runner never reached (it failed before planning it) is not disabled either.
    assert window_jobs.what_a_failed_disable_did([], to_disable[:1], "stop")["still_enabled"] == ["Job 1"]
    # if_running=leave: sessions left running were meant to run on, so they are not named as a failure.
    assert window_jobs.what_a_failed_disable_did(jobs, to_disable, "leave")["running_on"] == []
