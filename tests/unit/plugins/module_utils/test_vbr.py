# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Veeam Backup & Replication client against a scripted local server: login, paged reads, writes, logout."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils import _vbr
from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._vbr import VBR, job_from_models, session_entry
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
    [job] = client.read_jobs()
    client.close()
    assert (job.id, job.enabled, job.running, job.last_result, job.details["type"]) == (A, True, True, None, "VSphereBackup")
    method, path, headers, body = server.seen[0]
    assert (method, path) == ("POST", "/api/oauth2/token")
    assert "grant_type=password" in body.decode() and "username=CORP%5Cop" in body.decode()
    assert all(seen[2].get("x-api-version") == "1.3-rev1" for seen in server.seen)
    assert server.seen[1][2]["Authorization"] == "Bearer ACCESS-1"
    assert [seen[:2] for seen in server.seen[-1:]] == [("POST", "/api/oauth2/logout")]
    assert secrets == ["ACCESS-1", "REFRESH-1"] and warnings == []


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


@pytest.mark.parametrize("action, body", [("start", {"performActiveFull": True}), ("stop", {"gracefulStop": False})])
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
