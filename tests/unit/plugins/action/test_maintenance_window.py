# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The order of a phase's steps (write-ahead, what a failure still returns), with a fake session in place of a server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.backupops.veeam.plugins.plugin_utils._controller import Selection
from ansible_collections.backupops.veeam.plugins.action.maintenance_window import ARGUMENT_SPEC, Phase, PhaseFailed
from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import JobState
from ansible_collections.backupops.veeam.plugins.module_utils._job_progress import JobOutcome, RunOutcome
from ansible_collections.backupops.veeam.plugins.module_utils._model import Job, JobModuleError


def read_json(path):
    with open(path) as text:
        return json.load(text)


class FakeSession(object):
    """The jobs of one server, and every declaration made, with the record file as it was at that moment."""

    server = "https://vb365.example.com:4443/"

    def __init__(self, jobs, record_path, fail=False):
        self.jobs = jobs
        self.record_path = record_path
        self.fail = fail
        self.declared = []
        self.warnings = []

    def read_jobs(self, last_runs=False):
        return list(self.jobs)

    def read_selection(self, names=None, ids=None, scope=None, maintenance_mode=False):
        return Selection([job for job in self.jobs if not names or job.name in names], [], {}, None)

    def server_fields(self, jobs):
        return {}

    def declare(self, ids, state, **options):
        on_disk = read_json(self.record_path) if os.path.exists(self.record_path) else None
        self.declared.append(dict(ids=ids, state=state, options=options, record_on_disk=on_disk))
        jobs = [JobOutcome(i, i, JobState(state != "enabled", False), JobState(state == "enabled", False), (state[:-1],)) for i in ids]
        if self.fail:
            # The first job was disabled; the second one's disable failed and its session still runs.
            jobs[-1] = jobs[-1]._replace(after=JobState(True, True), actions=())
            return RunOutcome(True, jobs, None), dict(changed=True, msg="job 'b' still differs"), True
        return RunOutcome(True, jobs, None), dict(changed=True, msg="done", diff=dict(before={}, after={})), False


def job(name, enabled=True):
    return Job(name, name, enabled, False, None, None, None, {})


def phase(session, tmp_path, name, check_mode=False, diff=False, handed_over=None, **args):
    values = dict((option, spec.get("default")) for option, spec in ARGUMENT_SPEC.items())
    values.update(phase=name, api="vb365", record_dir=str(tmp_path), **args)
    return Phase(session, values, "vb365-01", handed_over, check_mode, diff)


def test_begin_writes_the_record_before_the_first_write_to_a_job(tmp_path):
    session = FakeSession([job("a"), job("b"), job("c", enabled=False)], str(tmp_path / "vb365-01.json"))
    result = phase(session, tmp_path, "begin").run()
    [declared] = session.declared
    assert declared["ids"] == ["a", "b"] and declared["state"] == "disabled" and declared["options"]["if_running"] == "stop"
    assert [e["id"] for e in declared["record_on_disk"]["jobs"]] == ["a", "b"], "on disk before the disable was sent"
    assert result["changed"] and result["msg"].startswith("Disabled 2 job(s): a, b; no running session stopped; 1 already disabled")
    assert result["publish_as"] == "maintenance_window_records"
    assert oct(os.stat(result["record_path"]).st_mode & 0o777) == "0o600"


def test_a_failed_disable_still_returns_what_the_role_publishes_and_says_what_it_did(tmp_path):
    session = FakeSession([job("a"), job("b")], str(tmp_path / "vb365-01.json"), fail=True)
    running = phase(session, tmp_path, "begin", awx_job_id="12", if_running="wait")
    with pytest.raises(PhaseFailed) as failed:
        running.run()
    assert failed.value.result["msg"] == (
        "Begin failed after disabling 1 of 2 job(s): a: job 'b' still differs. Not disabled, still enabled: b. Still running with the "
        "schedule on: b. The record %s names 2 job(s); run end to re-enable them." % running.path)
    assert running.done["counts"]["disabled"] == 1, "the fleet summary counts what the failed host did"
    assert running.done["publish_as"] == "maintenance_window_records_12" and running.done["changed"] is True
    written = read_json(running.done["record_path"])
    assert written["state"] == "active" and [e["id"] for e in written["jobs"]] == ["a", "b"]
    assert written["begin_failed"]["disabled"] == ["a"] and written["begin_failed"]["still_running"] == ["b"]
    assert written["begin_failed"]["still_enabled"] == ["b"]


class RefusingSession(FakeSession):
    """A server that refuses the login: nothing can be read, nothing is changed."""

    def read_selection(self, names=None, ids=None, scope=None, maintenance_mode=False):
        raise JobModuleError("Login to https://vb365.example.com:4443/ as 'x' failed: wrong user name or password")


def test_a_begin_that_failed_before_any_change_records_and_publishes_that_and_end_has_nothing_to_restore(tmp_path):
    refused = phase(RefusingSession([], str(tmp_path / "vb365-01.json")), tmp_path, "begin", awx_job_id="7")
    with pytest.raises(JobModuleError):
        refused.run()
    written = read_json(refused.path)
    assert written["state"] == "active" and written["jobs"] == [] and written["begin_failed"]["before_any_change"] is True
    assert "wrong user name or password" in written["begin_failed"]["msg"] and refused.done["publish_as"] == "maintenance_window_records_7"

    # The end job of another execution environment gets the record handed over; it asks the server nothing.
    session = FakeSession([], str(tmp_path / "end" / "vb365-01.json"))
    ended = phase(session, tmp_path / "end", "end", handed_over=written, require_record=True).run()
    assert ended["msg"].startswith("Nothing to restore: the begin of %s failed before any change (Login to " % written["created"])
    assert ended["blocker"] == "nothing_recorded" and session.declared == [] and read_json(session.record_path)["state"] == "restored"


def test_a_begin_without_a_session_records_that_it_changed_nothing_and_keeps_an_earlier_record(tmp_path):
    earlier = dict(format=1, state="active", host="vb365-01", api="vb365", created="2026-12-01T09:00:00Z", jobs=[dict(id="a", name="a")])
    failing = phase(None, tmp_path, "begin", handed_over=earlier)
    with pytest.raises(PhaseFailed, match="Invalid settings"):
        failing.fail_without_session("Invalid settings: server is required.")
    written = read_json(failing.path)
    assert written["jobs"] == earlier["jobs"] and written["created"] == earlier["created"], "the earlier begin's jobs are kept"
    assert written["begin_failed"]["before_any_change"] is True


def test_a_rerun_applies_if_running_to_the_sessions_of_the_jobs_it_already_holds(tmp_path):
    earlier = dict(format=1, state="active", host="vb365-01", api="vb365", created="2026-12-01T09:00:00Z",
                   jobs=[dict(id="a", name="a"), dict(id="b", name="b")], begin_failed=dict(at="2026-12-01T09:10:00Z", msg="timed out"))
    held = [Job("a", "a", False, True, None, None, None, {}), job("b", enabled=False)]
    session = FakeSession(held, str(tmp_path / "vb365-01.json"))
    result = phase(session, tmp_path, "begin", handed_over=earlier, if_running="stop").run()
    [declared] = session.declared
    assert declared["ids"] == ["a"] and declared["options"]["if_running"] == "stop", "the held job's session is stopped"
    assert declared["record_on_disk"]["begin_failed"]["msg"] == "timed out", "begin_failed kept until the rerun has done its work"
    assert "begin_failed" not in read_json(result["record_path"]), "then the record no longer says the begin failed"

    left = FakeSession(held, str(tmp_path / "left" / "vb365-01.json"))
    message = phase(left, tmp_path / "left", "begin", handed_over=earlier, if_running="leave").run()["msg"]
    assert left.declared == [] and "the session(s) of a run on (if_running=leave)" in message


def test_begin_refuses_to_replace_an_open_window_of_another_api(tmp_path):
    path = tmp_path / "vb365-01.json"
    path.write_text(json.dumps(dict(format=1, state="active", api="em", host="vb365-01", created="2026-12-01T09:00:00Z", jobs=[])))
    session = FakeSession([job("a")], str(path))
    with pytest.raises(PhaseFailed, match="open maintenance window on Enterprise Manager"):
        phase(session, tmp_path, "begin").run()
    assert session.declared == [] and read_json(str(path))["api"] == "em", "nothing disabled, the record untouched"


@pytest.mark.parametrize("required", [False, True])
def test_an_end_without_a_record_warns_or_fails_when_a_record_is_required(tmp_path, required):
    session = FakeSession([job("a", enabled=False)], str(tmp_path / "vb365-01.json"))
    running = phase(session, tmp_path, "end", require_record=required)
    if required:
        with pytest.raises(PhaseFailed, match="No record of a begin for this host .*maintenance_window_require_record is true"):
            running.run()
    else:
        result = running.run()
        assert result["msg"].startswith("No record of a begin for this host") and result["blocker"] == "no_record"
        assert session.warnings == [result["msg"]]
    assert session.declared == []


def test_an_unknown_start_after_name_fails_after_the_restore_which_it_reports(tmp_path):
    handed = dict(format=1, state="active", host="vb365-01", api="vb365", created="2026-12-01T09:00:00Z", jobs=[dict(id="a", name="a")])
    session = FakeSession([job("a", enabled=False)], str(tmp_path / "vb365-01.json"))
    with pytest.raises(PhaseFailed) as failed:
        phase(session, tmp_path, "end", handed_over=handed, start_after=["a", "nope"]).run()
    assert [d["state"] for d in session.declared] == ["enabled"], "restored, nothing started"
    assert failed.value.result["msg"].startswith("Re-enabled 1 of 1 recorded job(s): a")
    assert "maintenance_window_start_after: no job is named 'nope'" in failed.value.result["msg"]


def test_check_mode_start_after_reports_the_jobs_the_restore_would_enable(tmp_path):
    handed = dict(format=1, state="active", host="vb365-01", api="vb365", created="2026-12-01T09:00:00Z", jobs=[dict(id="a", name="a")])
    session = FakeSession([job("a", enabled=False)], str(tmp_path / "vb365-01.json"))
    result = phase(session, tmp_path, "end", check_mode=True, handed_over=handed, start_after=["a"]).run()
    assert result["msg"].endswith("Would start 1 job(s) after the window: a; not started (disabled): none.")


def test_check_mode_writes_nothing_and_publishes_nothing(tmp_path):
    session = FakeSession([job("a")], str(tmp_path / "vb365-01.json"))
    result = phase(session, tmp_path, "begin", check_mode=True, diff=True).run()
    assert not os.path.exists(result["record_path"]) and "publish_as" not in result
    assert result["changed"] and result["msg"].startswith("Would disable 1 job(s): a")
    assert result["diff"][0]["before"] == "" and json.loads(result["diff"][0]["after"])["jobs"] == [dict(id="a", name="a")]


def test_end_restores_the_handed_over_record_then_a_second_end_changes_nothing(tmp_path):
    handed = dict(format=1, state="active", host="vb365-01", api="vb365", server=FakeSession.server, created="2026-12-01T09:00:00Z",
                  jobs=[dict(id="a", name="a"), dict(id="gone", name="gone")])
    session = FakeSession([job("a", enabled=False), job("b", enabled=False)], str(tmp_path / "vb365-01.json"))
    result = phase(session, tmp_path, "end", handed_over=handed).run()
    assert [d["ids"] for d in session.declared] == [["a"]] and result["changed"]
    assert "1 recorded job(s) no longer exist on this server and were not restored: gone. Applied the record of the begin of " \
        "2026-12-01T09:00:00Z (handed over in maintenance_window_records)." in result["msg"]
    assert read_json(result["record_path"])["state"] == "restored"
    again = phase(FakeSession([job("a")], session.record_path), tmp_path, "end", handed_over=handed).run()
    assert again["changed"] is False and "publish_as" not in again and again["msg"].endswith("nothing to restore.")
