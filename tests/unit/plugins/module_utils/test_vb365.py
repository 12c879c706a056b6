# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VB365 client's reading of job and session lists in every shape, against a fake HTTP layer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._model import Job
from ansible_collections.backupops.veeam.plugins.module_utils._vb365 import PAGE_SIZE, Vb365Client, session_entry

GUID = "3396ba22-21b1-4666-a631-0edfc12a59cd"


def settings(version):
    return dict(server="vb365.example.com", port=4443, username="op", password="s3cret", validate_certs=True, ca_path=None,
                timeout=30, use_proxy=True, api_version=version)


class FakeResponse(object):
    def __init__(self, body):
        self.body = body


class FakeHttp(object):
    """Answers GET <path> with the next body scripted for that path; records (path, params)."""

    def __init__(self, script):
        self.script = dict((path, list(bodies)) for path, bodies in script.items())
        self.sent = []

    def request(self, method, path, expect=(200,), **kwargs):
        self.sent.append((path, kwargs.get("params")))
        return FakeResponse(self.script[path].pop(0))

    @staticmethod
    def json(response):
        return response.body

    @staticmethod
    def url(path):
        return "https://vb365.example.com:4443/" + path


def client_with(version, script):
    client = Vb365Client("https://vb365.example.com:4443/", settings(version), warn=lambda message: None, register_secret=lambda value: None)
    client.http = FakeHttp(script)
    client.token = "TOKEN"  # logged in: the tests are about reading
    return client


def raw_job(number):
    return dict(id="%08d-0000-0000-0000-000000000000" % number, name="Job %d" % number, isEnabled=True, lastStatus="Success")


@pytest.mark.parametrize("version", ["v2", "v5", "v7"])
def test_old_versions_read_a_plain_list_or_a_page(version):
    plain = client_with(version, {version + "/Jobs": [[raw_job(1), raw_job(2)]]})
    assert [job.name for job in plain.read_jobs()] == ["Job 1", "Job 2"]
    assert len(plain.http.sent) == 1
    # A page of the server's default size (30) is full: the rest is read with offset/limit.
    first = dict(offset=0, limit=30, results=[raw_job(n) for n in range(30)])
    rest = dict(offset=30, limit=PAGE_SIZE, results=[raw_job(30)])
    paged = client_with(version, {version + "/Jobs": [first, rest]})
    assert len(paged.read_jobs()) == 31
    assert paged.http.sent[1] == (version + "/Jobs", dict(offset=30, limit=PAGE_SIZE))


def test_a_short_page_from_an_old_version_is_all_there_is():
    client = client_with("v4", {"v4/Jobs": [dict(offset=0, limit=30, results=[raw_job(1)])]})
    assert [job.name for job in client.read_jobs()] == ["Job 1"] and len(client.http.sent) == 1


def test_sessions_are_read_page_by_page_then_the_newest_taken():
    older = [dict(id="s%04d" % n, status="Success", creationTime="2026-11-%02dT10:00:00.000Z" % (1 + n % 28)) for n in range(PAGE_SIZE)]
    newest = dict(id="new", status="Running", creationTime="2026-11-30T10:00:00.000Z", endTime=None, details="")
    client = client_with("v8", {"v8/JobSessions": [dict(limit=PAGE_SIZE, results=older), dict(limit=PAGE_SIZE, results=[newest])]})
    sessions = client.read_sessions(Job(id=GUID, name="x", enabled=True, running=True, last_run=None, last_result=None, next_run=None,
                                        details={}), 2)
    assert [s["id"] for s in sessions] == ["new", "s0027"]
    assert [params for _path, params in client.http.sent] == [dict(jobId=GUID, offset=0, limit=PAGE_SIZE),
                                                              dict(jobId=GUID, offset=PAGE_SIZE, limit=PAGE_SIZE)]


@pytest.mark.parametrize("status, state, result", [
    ("Running", "Running", None), ("Queued", "Queued", None), ("Success", "Stopped", "Success"), ("Stopped", "Stopped", "Stopped"),
    ("Failed", "Stopped", "Failed"),
])
def test_the_session_shape_shared_with_enterprise_manager(status, state, result):
    entry = session_entry(dict(id="s", status=status, creationTime="c", endTime="e", details="d"))
    assert entry == dict(id="s", state=state, result=result, creation_time="c", end_time="e", details="d")


def test_old_versions_read_sessions_as_a_plain_list_or_a_page():
    plain = [dict(id="a", status="Success", creationTime="2026-11-01T10:00:00.000Z"),
             dict(id="b", status="Failed", creationTime="2026-11-02T10:00:00.000Z")]
    job = Job(id=GUID, name="x", enabled=True, running=False, last_run=None, last_result=None, next_run=None, details={})
    for answer in (plain, dict(offset=0, limit=30, results=plain)):
        client = client_with("v5", {"v5/Jobs/%s/JobSessions" % GUID: [answer]})
        assert [(s["id"], s["result"]) for s in client.read_sessions(job, 5)] == [("b", "Failed"), ("a", "Success")]
        assert len(client.http.sent) == 1
