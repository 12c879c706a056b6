# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Veeam Backup & Replication client against a scripted local server: login, paged reads, writes, logout."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils.vbr import _client as _vbr
from ansible_collections.backupops.veeam.plugins.module_utils.vbr import _payload as _vbr_payload
from ansible_collections.backupops.veeam.plugins.module_utils.vbr import _revisions as _vbr_revisions
from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._client import VBR
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._payload import job_from_models, session_entry
from ansible_collections.backupops.veeam.tests.unit.utils.scripted_server import Answer

JSON = {"Content-Type": "application/json"}
TOKEN = Answer(200, JSON, json.dumps({"access_token": "ACCESS-1", "refresh_token": "REFRESH-1", "token_type": "bearer", "expires_in": 900}))
A, B, C = ("%08d-0000-0000-0000-000000000000" % n for n in (1, 2, 3))


def page(items, total=None):
    return Answer(200, JSON, json.dumps({"data": items, "pagination": {"total": len(items) if total is None else total,
                                                                       "count": len(items), "skip": 0, "limit": 1000}}))


def client_for(server, **changes):
    settings = dict(server="127.0.0.1", port=0, username="CORP\\op", password="s3cret", validate_certs=True, ca_path=None,
                    timeout=10, use_proxy=False, api_version="1.3-rev1", type=None, active_full=False, graceful_stop=True)
    settings.update(changes)
    warnings, secrets = [], []
    client = VBR.client(server.url, settings, warn=warnings.append, register_secret=secrets.append)
    return client, warnings, secrets


def jobs_script(server, jobs, states):
    server.answer("/api/oauth2/token", TOKEN)
    server.answer("/api/v1/jobs?skip=0&limit=1000", page(jobs))
    server.answer("/api/v1/jobs/states?skip=0&limit=1000", page(states))
    server.answer("/api/oauth2/logout", Answer(200, JSON, "{}"))


def test_login_reads_and_logout_carry_the_revision_and_keep_the_tokens_secret(server):
    jobs_script(server, [{"id": A, "name": "VMs", "type": "VSphereBackup", "isDisabled": False}],
                [{"id": A, "status": "Running", "lastResult": "None", "lastRun": "2026-12-01T10:00:00Z"}])
    client, warnings, secrets = client_for(server)
    listing = client.read_jobs()
    [job] = listing
    client.close()
    assert (job.id, job.enabled, job.running, job.last_result, job.details["type"]) == (A, True, True, None, "VSphereBackup")
    method, path, headers, body = server.seen[0]
    assert (method, path) == ("POST", "/api/oauth2/token")
    assert "grant_type=password" in body.decode() and "username=CORP%5Cop" in body.decode()
    assert all(seen[2].get("x-api-version") == "1.3-rev1" for seen in server.seen)
    assert server.seen[1][2]["Authorization"] == "Bearer ACCESS-1"
    assert [seen[:2] for seen in server.seen[-1:]] == [("POST", "/api/oauth2/logout")]
    assert secrets == ["ACCESS-1", "REFRESH-1"]
    # 1.3-rev1 has no names for 1.3-rev2's newer job types: said once, and in every result.
    assert warnings == ["REST API 1.3-rev1 (Veeam Backup & Replication 13.0.1) lists only the job types it has names for: jobs of the "
                        "kind(s) NutanixAHVBackupJob, ProxmoxBackupJob, IrisBackup, WindowsAgentBackupFailoverCluster are not seen and "
                        "stay as they are."]
    newer = ["NutanixAHVBackupJob", "ProxmoxBackupJob", "IrisBackup", "WindowsAgentBackupFailoverCluster"]
    assert client.result_fields(listing)["unlisted_jobs"]["kinds"] == newer


def test_the_types_a_revision_cannot_list_are_the_newest_revisions_types_it_has_no_name_for():
    assert _vbr_revisions.unlisted_types(_vbr_revisions.REVISIONS[-1]) == []
    on_12_0 = _vbr_revisions.unlisted_types("1.1-rev0")
    assert "HyperVBackup" in on_12_0 and "BackupCopy" in on_12_0 and "VSphereReplica" in on_12_0
    assert "VSphereBackup" not in on_12_0 and "Backup" not in on_12_0 and "Unknown" not in on_12_0, "vSphere backups are Backup there"
    assert "VSphereReplica" not in _vbr_revisions.unlisted_types("1.1-rev1")


def test_every_page_is_read_and_requests_grow_with_pages_not_jobs(server, monkeypatch):
    monkeypatch.setattr(_vbr, "PAGE_SIZE", 2)
    jobs = [{"id": i, "name": i, "type": "BackupCopy", "isDisabled": False} for i in (A, B, C)]
    server.answer("/api/oauth2/token", TOKEN)
    server.answer("/api/v1/jobs?skip=0&limit=2", page(jobs[:2], total=3))
    server.answer("/api/v1/jobs?skip=2&limit=2", page(jobs[2:], total=3))
    server.answer("/api/v1/jobs/states?skip=0&limit=2", page([{"id": A, "status": "Inactive"}], total=1))
    client, _warnings, _secrets = client_for(server)
    assert [job.id for job in client.read_jobs()] == [A, B, C]
    assert [seen[1] for seen in server.seen if seen[0] == "GET"] == [
        "/api/v1/jobs/states?skip=0&limit=2", "/api/v1/jobs?skip=0&limit=2", "/api/v1/jobs?skip=2&limit=2"]


def test_the_type_filter_keeps_only_those_types(server):
    jobs_script(server, [{"id": A, "name": "a", "type": "VSphereBackup"}, {"id": B, "name": "b", "type": "BackupCopy"},
                         {"id": C, "name": "c", "type": "HyperVBackup"}], [])
    client, _warnings, _secrets = client_for(server, type=["BackupCopy", "VSphereBackup"])
    assert [job.name for job in client.read_jobs()] == ["a", "b"]


@pytest.mark.parametrize("action, body", [("start", {"performActiveFull": True}), ("stop", {"gracefulStop": False, "cancelChainedJobs": True})])
def test_start_and_stop_send_the_documented_spec_and_return_the_session(server, action, body):
    server.answer("/api/oauth2/token", TOKEN)
    server.answer("/api/v1/jobs/%s/%s" % (A, action), Answer(201, JSON, json.dumps({"id": B, "jobId": A, "state": "Starting"})))
    client, _warnings, _secrets = client_for(server, active_full=True, graceful_stop=False)
    handle = client.send(job_from_models({"id": A, "name": "a"}, None), action)
    assert handle == {"session": {"id": B, "state": "Starting"}}
    assert json.loads(server.seen[-1][3].decode()) == body


@pytest.mark.parametrize("status", [200, 204])
def test_enable_and_disable_accept_both_revisions_answers(server, status):
    server.answer("/api/oauth2/token", TOKEN)
    server.answer("/api/v1/jobs/%s/disable" % A, Answer(status, JSON, "{}" if status == 200 else ""))
    client, _warnings, _secrets = client_for(server)
    assert client.send(job_from_models({"id": A, "name": "a"}, None), "disable") is None
    assert server.seen[-1][3] == b""


@pytest.mark.parametrize("answer, expected", [
    (Answer(400, JSON, json.dumps({"errorCode": "UnexpectedContent",
                                   "message": "Unsupported RESTAPI version. The following versions are supported: v1.2-rev1."})),
     "does not serve x-api-version 1.3-rev1: Unsupported RESTAPI version. The following versions are supported: v1.2-rev1. Set api_version"),
    (Answer(401, JSON, json.dumps({"errorCode": "AccessDenied", "message": "Access is denied."})), "Login to http://127.0.0.1:"),
    (Answer(404, {}, ""), "has no /api/oauth2/token: check server and port"),
])
def test_login_failures_say_what_to_change(server, answer, expected):
    server.answer("/api/oauth2/token", answer)
    client, _warnings, _secrets = client_for(server)
    with pytest.raises(VeeamApiError) as caught:
        client.read_jobs()
    assert expected in str(caught.value)


@pytest.mark.parametrize("status, running", [
    ("Running", True), ("Starting", True), ("Stopping", True), ("running", True),
    ("Inactive", False), ("inactive", False), ("Disabled", False), ("disabled", False), ("Stopped", False), (None, False),
])
def test_running_is_any_status_of_an_active_session_in_either_spelling(status, running):
    job = job_from_models({"id": A, "name": "a", "isDisabled": status in ("Disabled", "disabled")}, {"id": A, "status": status})
    assert job.running is running


def test_session_entry_has_the_shape_of_the_other_info_modules():
    assert session_entry({"id": B, "state": "Stopped", "creationTime": "t0", "endTime": "t1",
                          "result": {"result": "Failed", "message": "Job has been stopped by user.", "isCanceled": True}}) == dict(
        id=B, state="Stopped", result="Failed", creation_time="t0", end_time="t1", details="Job has been stopped by user.")
    assert session_entry({"id": B, "state": "Working", "creationTime": "t0", "result": {"result": "None"}})["result"] is None


# -- revisions ------------------------------------------------------------------------------------------------------------

def refusal(*served):
    return Answer(400, JSON, json.dumps({"errorCode": "UnexpectedContent", "message": "Unsupported RESTAPI version. The following versions "
                                         "are supported: %s." % ", ".join("v" + name for name in served)}))


def test_revisions_are_ordered_and_types_grow_with_the_one_rename():
    assert [_vbr_revisions.rank(name) for name in _vbr_revisions.REVISIONS] == sorted(_vbr_revisions.rank(name) for name in _vbr_revisions.REVISIONS)
    assert _vbr_revisions.job_types("1.1-rev0") == ["Backup"]
    assert _vbr_revisions.job_types("1.1-rev1") == _vbr_revisions.job_types("1.1-rev2") == ["Backup", "VSphereReplica", "CloudDirectorBackup"]
    assert _vbr_revisions.job_types("1.2-rev0") == _vbr_revisions.job_types("1.2-rev1") == [
        "Backup", "VSphereReplica", "CloudDirectorBackup", "EntraIDTenantBackup", "EntraIDAuditLogBackup", "FileBackupCopy"]
    assert "HyperVBackup" not in _vbr_revisions.job_types("1.2-rev1")
    assert "Backup" not in _vbr_revisions.job_types("1.3-rev0") and "VSphereBackup" in _vbr_revisions.job_types("1.3-rev0")
    assert "CloudBackupAzure" not in _vbr_revisions.job_types("1.3-rev0") and "ProxmoxBackupJob" in _vbr_revisions.job_types("1.3-rev2")
    assert [_vbr_revisions.server_type("VSphereBackup", "1.2-rev1"), _vbr_revisions.server_type("Backup", "1.3-rev1"),
            _vbr_revisions.server_type("HyperVBackup", "1.2-rev1")] == ["Backup", "VSphereBackup", None]


def test_auto_on_the_newest_release_costs_no_extra_request_and_names_the_revision(server):
    jobs_script(server, [], [])
    client, _warnings, _secrets = client_for(server, api_version="auto")
    assert client.facts() == {}
    client.read_jobs()
    assert server.count("POST", "/api/oauth2/token") == 1 and server.seen[0][2]["x-api-version"] == "1.3-rev2"
    assert client.facts() == {"api_version": "1.3-rev2"} and client.result_fields() == {"api_version": "1.3-rev2"}


def test_auto_takes_the_newest_revision_the_refusal_lists_in_one_more_request(server):
    jobs_script(server, [], [])
    server.answer("/api/oauth2/token", refusal("1.0-rev1", "1.0-rev2", "1.1-rev0"), TOKEN)
    client, _warnings, _secrets = client_for(server, api_version="auto")
    client.read_jobs()
    assert [seen[2]["x-api-version"] for seen in server.seen if seen[1] == "/api/oauth2/token"] == ["1.3-rev2", "1.1-rev0"]
    assert all(seen[2]["x-api-version"] == "1.1-rev0" for seen in server.seen[1:])
    assert client.facts() == {"api_version": "1.1-rev0"}


def test_auto_without_a_readable_list_steps_down_one_revision_at_a_time(server):
    unreadable = Answer(400, JSON, json.dumps({"errorCode": "UnexpectedContent", "message": "Unsupported RESTAPI version."}))
    jobs_script(server, [], [])
    server.answer("/api/oauth2/token", unreadable, unreadable, TOKEN)
    client, _warnings, _secrets = client_for(server, api_version="auto")
    client.read_jobs()
    assert [seen[2]["x-api-version"] for seen in server.seen if seen[1] == "/api/oauth2/token"] == ["1.3-rev2", "1.3-rev1", "1.3-rev0"]


def test_auto_against_a_release_older_than_12_says_so(server):
    server.answer("/api/oauth2/token", refusal("1.0-rev1", "1.0-rev2"))
    client, _warnings, _secrets = client_for(server, api_version="auto")
    with pytest.raises(VeeamApiError) as caught:
        client.read_jobs()
    assert "serves none of the REST API revisions this collection speaks (1.1-rev0, Veeam Backup & Replication 12.0, to 1.3-rev2)" in str(caught.value)
    assert server.count("POST", "/api/oauth2/token") == 1


@pytest.mark.parametrize("revision, body", [("1.1-rev0", {"gracefullStop": True}), ("1.1-rev2", {"gracefullStop": True}),
                                            ("1.2-rev0", {"gracefulStop": True}), ("1.2-rev1", {"gracefulStop": True}),
                                            ("1.3-rev0", {"gracefulStop": True, "cancelChainedJobs": True}),
                                            ("1.3-rev2", {"gracefulStop": True, "cancelChainedJobs": True})])
def test_the_stop_spec_is_spelled_as_the_revision_spells_it_and_cancels_chained_jobs_where_it_can(server, revision, body):
    server.answer("/api/oauth2/token", TOKEN)
    server.answer("/api/v1/jobs/%s/stop" % A, Answer(201, JSON, json.dumps({"id": B, "state": "Stopping"})))
    client, _warnings, _secrets = client_for(server, api_version=revision)
    client.send(job_from_models({"id": A, "name": "a"}, None), "stop")
    assert json.loads(server.seen[-1][3].decode()) == body


def test_a_start_that_creates_no_session_is_named_and_fails_its_wait(server):
    server.answer("/api/oauth2/token", TOKEN)
    server.answer("/api/v1/jobs/%s/start" % A, Answer(204, {}, ""))
    client, warnings, _secrets = client_for(server, api_version="1.3-rev2")
    handle = client.send(job_from_models({"id": A, "name": "empty"}, None), "start")
    assert client.describe(handle) == {"session": None, "no_session": handle["no_session"]}
    assert warnings == ["Job 'empty': the server accepted the start but created no session: the job has no objects to process."]
    [(_handle, failure)] = client.await_writes([handle], 10, 0.1)
    assert failure.startswith("Job 'empty': the server accepted the start but created no session") and failure.endswith("nothing runs")


# -- what is listed, what is running -----------------------------------------------------------------------------------------

def test_the_type_option_takes_any_revisions_name_and_refuses_a_type_the_revision_lacks(server):
    jobs_script(server, [{"id": A, "name": "a", "type": "Backup", "isDisabled": False}],
                [{"id": A, "name": "a", "type": "Backup", "status": "inactive"}])
    client, _warnings, _secrets = client_for(server, api_version="1.2-rev1", type=["VSphereBackup"])
    assert [job.name for job in client.read_jobs()] == ["a"]
    client, _warnings, _secrets = client_for(server, api_version="1.2-rev1", type=["VSphereBackup", "HyperVBackup"])
    with pytest.raises(JobModuleError) as caught:
        client.read_jobs()
    assert str(caught.value).startswith("type HyperVBackup: no such job type in REST API revision 1.2-rev1 (Veeam Backup & Replication 12.3.1)")
    assert "its types are Backup, VSphereReplica" in str(caught.value)


def test_a_job_only_in_the_job_states_is_named_as_unmanageable_never_dropped(server):
    jobs_script(server, [{"id": A, "name": "VMs", "type": "VSphereBackup", "isDisabled": False}],
                [{"id": A, "name": "VMs", "type": "VSphereBackup", "status": "Inactive"},
                 {"id": B, "name": "Azure policy", "type": "CloudBackupAzure", "status": "Inactive"}])
    client, _warnings, _secrets = client_for(server)
    listing = client.read_jobs()
    assert [job.name for job in listing] == ["VMs"]
    [entry] = listing.unmanageable
    assert (entry["id"], entry["name"], entry["type"]) == (B, "Azure policy", "CloudBackupAzure")
    assert client.result_fields(listing)["unmanageable_jobs"] == [entry]
    with pytest.raises(JobModuleError) as caught:
        client.select(listing, names=["Azure policy"])
    assert "job 'Azure policy' exists but is listed in the job states as type CloudBackupAzure, which the REST API cannot" in str(caught.value)


@pytest.mark.parametrize("last_result, session_state, running, session_reads", [
    ("None", "Working", True, 1), ("None", "Stopped", False, 1), ("Success", None, False, 0)])
def test_a_disabled_job_runs_when_its_last_session_without_a_result_still_works(server, last_result, session_state, running, session_reads):
    jobs_script(server, [{"id": A, "name": "a", "type": "VSphereBackup", "isDisabled": True}],
                [{"id": A, "name": "a", "type": "VSphereBackup", "status": "Disabled", "lastResult": last_result, "sessionId": B}])
    server.answer("/api/v1/sessions/%s" % B, Answer(200, JSON, json.dumps({"id": B, "state": session_state})))
    client, _warnings, _secrets = client_for(server)
    [job] = client.read_jobs()
    assert (job.enabled, job.running) == (False, running)
    assert server.count("GET", "/api/v1/sessions/%s" % B) == session_reads


# -- permissions and tokens ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("revision, action, roles", [
    ("1.3-rev1", "disable", "the Veeam Backup Administrator role"),
    ("1.2-rev1", "start", "the roles Veeam Backup Administrator or Veeam Backup Operator"),
    ("1.1-rev0", "stop", "the roles Veeam Backup Administrator or Veeam Backup Operator"),
    ("1.3-rev0", "start", "the roles Veeam Backup Administrator, Veeam Backup Operator or Veeam Tape Operator"),
    ("1.3-rev1", "stop", "the roles Veeam Backup Administrator, Veeam Backup Operator or Veeam Tape Operator"),
    ("1.3-rev2", "stop", "the roles Backup Administrator, Backup Operator or a custom role with backup permissions"),
    ("1.3-rev2", "enable", "the Backup Administrator role"),
])
def test_a_refused_write_names_the_operation_the_account_and_the_roles_of_the_revision(server, revision, action, roles):
    server.answer("/api/oauth2/token", TOKEN)
    server.answer("/api/v1/jobs/%s/%s" % (A, action), Answer(403, JSON, json.dumps({"errorCode": "AccessDenied", "message": "Access denied."})))
    client, _warnings, _secrets = client_for(server, api_version=revision)
    with pytest.raises(VeeamApiError) as caught:
        client.send(job_from_models({"id": A, "name": "a"}, None), action)
    assert "the account 'CORP\\\\op' may not %s jobs on" % action in str(caught.value)
    assert "REST API %s allows it only to %s (Access denied.)" % (revision, roles) in str(caught.value)


def test_a_login_refused_with_403_explains_custom_roles(server):
    server.answer("/api/oauth2/token", Answer(403, JSON, json.dumps({"errorCode": "AccessDenied", "message": "Custom roles are not allowed."})))
    client, _warnings, _secrets = client_for(server)
    with pytest.raises(VeeamApiError) as caught:
        client.read_jobs()
    assert "as 'CORP\\\\op' was refused (403): Custom roles are not allowed. Veeam Backup & Replication 13.0 and 13.0.1" in str(caught.value)


@pytest.mark.parametrize("refresh_answer, grants", [(None, ["password", "refresh_token"]),
                                                    (Answer(401, JSON, "{}"), ["password", "refresh_token", "password"])])
def test_an_expired_token_is_renewed_with_the_refresh_token_first(server, refresh_answer, grants):
    renewed = Answer(200, JSON, json.dumps({"access_token": "ACCESS-2", "refresh_token": "REFRESH-2"}))
    answers = [TOKEN] + ([refresh_answer] if refresh_answer else []) + [renewed]
    server.answer("/api/oauth2/token", *answers)
    server.answer("/api/v1/jobs/states?skip=0&limit=1000", Answer(401, JSON, "{}"), page([]))
    server.answer("/api/v1/jobs?skip=0&limit=1000", page([]))
    client, _warnings, secrets = client_for(server)
    client.read_jobs()
    bodies = [seen[3].decode() for seen in server.seen if seen[1] == "/api/oauth2/token"]
    assert [body.split("grant_type=")[1].split("&")[0] for body in bodies] == grants
    assert "refresh_token=REFRESH-1" in bodies[1]
    assert "ACCESS-2" in secrets and "REFRESH-2" in secrets


# -- the schedule flag when JobModel leaves it out (1.3-rev2) --------------------------------------------------------------

@pytest.mark.parametrize("model, status, enabled, unknown", [
    ({"isDisabled": True}, "Inactive", False, False), ({"isDisabled": False}, "Disabled", True, False),  # the flag wins
    ({}, "Disabled", False, False), ({}, "disabled", False, False),
    ({}, "Inactive", True, False), ({}, "Enabled", True, False), ({}, "Stopped", True, False),
    ({}, "Running", False, True), ({}, "Starting", False, True), ({}, "Stopping", False, True), ({}, None, False, True),
])
def test_without_is_disabled_the_status_decides_and_a_session_status_is_never_read_as_enabled(model, status, enabled, unknown):
    job = job_from_models(dict({"id": A, "name": "a", "type": "VSphereBackup"}, **model), {"id": A, "status": status} if status else None)
    assert (job.enabled, job.details["flag_unknown"]) == (enabled, unknown)


def test_a_job_whose_flag_nobody_gives_is_named_once_a_run_and_taken_as_disabled(server):
    server.answer("/api/oauth2/token", TOKEN)
    server.answer("/api/v1/jobs?skip=0&limit=1000", page([{"id": A, "name": "Busy", "type": "VSphereBackup"},
                                                          {"id": B, "name": "Off", "type": "VSphereBackup"}]))
    server.answer("/api/v1/jobs/states?skip=0&limit=1000", page([{"id": A, "status": "Running", "lastResult": "None"},
                                                                 {"id": B, "status": "Disabled", "lastResult": "Success"}]))
    client, warnings, _secrets = client_for(server, api_version="1.3-rev2")
    busy, off = client.read_jobs()
    client.read_jobs()
    assert (busy.enabled, busy.running, off.enabled) == (False, True, False)
    assert warnings == ["Job 'Busy': the server did not say whether its schedule is enabled (its JobModel has no isDisabled, which REST API "
                        "1.3-rev2 does not require, and its status 'Running' is that of a session); it is taken as disabled, so this run "
                        "neither disables it nor records it to be enabled again. Check the job in the Veeam Backup & Replication console."]


# -- session states ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("state, running", [(state, True) for state in _vbr_payload.LIVE_SESSION_STATES] + [
    ("Stopped", False), (None, False), ("SomeFutureState", True)])
def test_every_session_state_but_stopped_counts_as_running(state, running):
    assert _vbr_payload.session_running(state) is running


def test_every_documented_session_state_is_classified():
    assert set(_vbr_payload.LIVE_SESSION_STATES) | {_vbr_payload.ENDED_SESSION_STATE} == {
        "Stopped", "Starting", "Stopping", "Working", "Pausing", "Resuming", "WaitingTape", "Idle", "Postprocessing", "WaitingRepository",
        "WaitingSlot", "ActionRequired"}


@pytest.mark.parametrize("session_state, running", [("WaitingRepository", True), ("ActionRequired", True), ("Postprocessing", True),
                                                    ("Stopped", False)])
def test_the_session_state_read_for_a_disabled_job_is_in_its_details(server, session_state, running):
    jobs_script(server, [{"id": A, "name": "a", "type": "VSphereBackup", "isDisabled": True}],
                [{"id": A, "name": "a", "type": "VSphereBackup", "status": "Disabled", "lastResult": "None", "sessionId": B}])
    server.answer("/api/v1/sessions/%s" % B, Answer(200, JSON, json.dumps({"id": B, "state": session_state})))
    client, _warnings, _secrets = client_for(server)
    [job] = client.read_jobs()
    assert (job.running, job.details["session_state"]) == (running, session_state)


# -- chained jobs ------------------------------------------------------------------------------------------------------------

def chain_job(job_id, name, after=None):
    return job_from_models({"id": job_id, "name": name, "isDisabled": False},
                           dict({"id": job_id, "status": "Inactive"}, **({"runAfterJob": {"jobId": after, "jobName": "x"}} if after else {})))


def test_run_after_is_read_from_the_job_state_and_none_without_a_chain():
    assert chain_job(B, "b", after=A).details["run_after"] == A
    assert chain_job(A, "a").details["run_after"] is None


def test_chained_after_follows_the_chain_transitively_and_skips_selected_jobs(server):
    D = "%08d-0000-0000-0000-000000000000" % 4
    parent, child, grandchild, other = chain_job(A, "parent"), chain_job(B, "child", A.upper()), chain_job(C, "grandchild", B), chain_job(D, "other")
    client, _warnings, _secrets = client_for(server)
    everything = [grandchild, other, child, parent]
    assert [(job.name, after.name) for job, after in client.chained_after(everything, [parent])] == [("child", "parent"), ("grandchild", "child")]
    assert [(job.name, after.name) for job, after in client.chained_after(everything, [parent, child])] == [("grandchild", "child")]
    assert client.chained_after(everything, [other]) == []
    looped = [chain_job(A, "a", C), chain_job(B, "b", A), chain_job(C, "c", B)]
    assert [(job.name, after.name) for job, after in client.chained_after(looped, [looped[0]])] == [("b", "a"), ("c", "b")]


def test_a_wait_names_the_session_state_it_waits_on():
    from ansible_collections.backupops.veeam.plugins.module_utils._job_progress import describe_job
    job = job_from_models({"id": A, "name": "a", "isDisabled": True}, {"id": A, "status": "Disabled", "sessionId": B})
    assert describe_job(job._replace(running=True, details=dict(job.details, session_state="WaitingRepository"))) == (
        "is disabled and running (WaitingRepository)")
    assert describe_job(job._replace(running=True)) == "is disabled and running"
    assert describe_job(job) == "is disabled and idle"
