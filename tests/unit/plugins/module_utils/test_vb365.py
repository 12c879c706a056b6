# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VB365 client's reading of job and session lists in every shape, against a fake HTTP layer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._model import Job, JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils.vb365._client import ALL, BACKUP, COPY, PAGE_SIZE, Vb365Client, session_entry

GUID = "3396ba22-21b1-4666-a631-0edfc12a59cd"


def settings(version):
    return dict(server="vb365.example.com", port=4443, username="op", password="s3cret", validate_certs=True, ca_path=None,
                timeout=30, use_proxy=True, api_version=version)


class FakeResponse(object):
    def __init__(self, body, status_code=200):
        self.body = body
        self.status_code = status_code
        self.content = b"" if body is None else b"{}"


class FakeHttp(object):
    """Answers GET <path> with the next body scripted for that path and a POST with 204 (or its scripted body, 200);
    records (path, params) of the GETs and (path, json) of the POSTs."""

    def __init__(self, script):
        self.script = dict((path, list(bodies)) for path, bodies in script.items())
        self.sent = []
        self.posted = []

    def request(self, method, path, expect=(200,), **kwargs):
        if method == "POST":
            self.posted.append((path, kwargs.get("json")))
            return FakeResponse(self.script[path].pop(0)) if path in self.script else FakeResponse(None, 204)
        self.sent.append((path, kwargs.get("params")))
        return FakeResponse(self.script[path].pop(0))

    @staticmethod
    def json(response):
        return response.body

    @staticmethod
    def url(path):
        return "https://vb365.example.com:4443/" + path


def client_with(version, script, job_kind=BACKUP, warnings=None):
    client = Vb365Client("https://vb365.example.com:4443/", dict(settings(version), job_kind=job_kind),
                         warn=(warnings if warnings is not None else []).append, register_secret=lambda value: None)
    client.http = FakeHttp(script)
    client.token = "TOKEN"  # logged in: the tests are about reading
    return client


def a_job(kind, running=False):
    return Job(id=GUID, name="x", enabled=True, running=running, last_run=None, last_result=None, next_run=None, details=dict(kind=kind))


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
    sessions = client.read_sessions(a_job(BACKUP, running=True), 2)
    assert [s["id"] for s in sessions] == ["new", "s0027"]
    assert [params for _path, params in client.http.sent] == [dict(jobId=GUID, jobType="Backup", offset=0, limit=PAGE_SIZE),
                                                              dict(jobId=GUID, jobType="Backup", offset=PAGE_SIZE, limit=PAGE_SIZE)]


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
    job = a_job(BACKUP)
    for answer in (plain, dict(offset=0, limit=30, results=plain)):
        client = client_with("v5", {"v5/Jobs/%s/JobSessions" % GUID: [answer]})
        assert [(s["id"], s["result"]) for s in client.read_sessions(job, 5)] == [("b", "Failed"), ("a", "Success")]
        assert len(client.http.sent) == 1


# -- backup copy jobs ------------------------------------------------------------------------------------------------

COPY_ID = "c0000001-0000-0000-0000-000000000000"


def raw_copy(number, of=1):
    return dict(id="c%07d-0000-0000-0000-000000000000" % number, name="Job %d Copy" % of, backupJobId=raw_job(of)["id"].upper(),
                isEnabled=True, lastStatus="Running", repositoryId="r", schedulePolicy=dict(type="Immediate"))


def listing(version, backups, copies):
    """The script of one read of both collections: v6/v7 plain lists, v8 pages."""
    if version == "v8":
        return {"v8/Jobs": [dict(offset=0, limit=PAGE_SIZE, results=backups)], "v8/CopyJobs": [dict(offset=0, limit=PAGE_SIZE, results=copies)]}
    return {version + "/Jobs": [backups], version + "/CopyJobs": [copies]}


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
def test_job_kind_all_reads_both_collections_once_and_names_each_copy_jobs_backup_job(version):
    client = client_with(version, listing(version, [raw_job(1), raw_job(2)], [raw_copy(1)]), job_kind=ALL)
    jobs = client.read_jobs()
    assert [(job.name, job.details["kind"]) for job in jobs] == [("Job 1", BACKUP), ("Job 2", BACKUP), ("Job 1 Copy", COPY)]
    assert [path for path, _params in client.http.sent] == [version + "/Jobs", version + "/CopyJobs"]
    copy = jobs[2]
    assert copy.running and copy.enabled and copy.details["schedule"] == "Immediate"
    assert client.job_fields(copy) == dict(kind=COPY, backup_job=dict(id=raw_job(1)["id"].upper(), name="Job 1"))
    assert client.job_fields(jobs[0]) == dict(kind=BACKUP)


def test_job_kind_backup_reads_no_copy_jobs_and_a_copy_jobs_name_says_how_to_select_it():
    client = client_with("v8", {"v8/Jobs": [dict(offset=0, limit=PAGE_SIZE, results=[raw_job(1)])]})
    jobs = client.read_jobs()
    assert [path for path, _params in client.http.sent] == ["v8/Jobs"]
    with pytest.raises(JobModuleError, match="no job is named 'Job 1 Copy'.*backup copy jobs are selected with job_kind copy or all"):
        client.select(jobs, names=["Job 1 Copy"])


def test_job_kind_copy_leaves_backup_jobs_out_and_says_so_when_one_is_selected():
    client = client_with("v7", listing("v7", [raw_job(1)], [raw_copy(1)]), job_kind=COPY)
    jobs = client.read_jobs()
    assert [job.name for job in jobs] == ["Job 1 Copy"]
    with pytest.raises(JobModuleError, match="job 'Job 1' exists but is a backup job, which job_kind=copy leaves out"):
        client.select(jobs, names=["Job 1"])


def test_a_copy_job_whose_backup_job_is_not_listed_is_named_by_id():
    client = client_with("v8", listing("v8", [], [raw_copy(1, of=9)]), job_kind=ALL)
    assert client.job_fields(client.read_jobs()[0])["backup_job"] == dict(id=raw_job(9)["id"].upper(), name=None)


@pytest.mark.parametrize("version", ["v2", "v5"])
def test_job_kind_copy_fails_before_any_request_where_the_api_has_no_copy_jobs(version):
    client = client_with(version, {}, job_kind=COPY)
    with pytest.raises(JobModuleError, match="job_kind copy: api_version %s has no backup copy jobs.*Set api_version to v6 or newer" % version):
        client.read_jobs()
    assert client.http.sent == []


def test_job_kind_all_on_an_old_version_reads_backup_jobs_and_warns_once():
    warnings = []
    client = client_with("v5", {"v5/Jobs": [[raw_job(1)], [raw_job(1)]]}, job_kind=ALL, warnings=warnings)
    assert [job.name for job in client.read_jobs()] == ["Job 1"]
    client.read_jobs()
    assert len(warnings) == 1 and "api_version v5 has no backup copy jobs" in warnings[0] and "not seen" in warnings[0]


@pytest.mark.parametrize("version, start_body", [("v6", dict(full=False)), ("v7", None), ("v8", None)])
def test_copy_job_writes_go_to_copy_jobs_and_the_start_body_follows_the_version(version, start_body):
    client = client_with(version, {})
    copy = a_job(COPY)
    for action in ("enable", "disable", "start", "stop"):
        client.send(copy, action)
    client.send(a_job(BACKUP), "start")
    assert client.http.posted == [("%s/CopyJobs/%s/%s" % (version, GUID, action), start_body if action == "start" else None)
                                  for action in ("enable", "disable", "start", "stop")] + [("%s/Jobs/%s/start" % (version, GUID), dict(full=False))]


def test_a_v8_copy_start_answers_the_session_it_started():
    client = client_with("v8", {"v8/CopyJobs/%s/start" % GUID: [dict(id="s1", status="Running")]})
    assert client.send(a_job(COPY), "start") == dict(session=dict(id="s1", status="Running"))


BACKUP_GUID = "7a3c0f6e-5b1d-4c2e-9f8a-1d2e3f4a5b6c"


def a_copy_job(backup_id=BACKUP_GUID):
    return Job(id=GUID, name="x Copy", enabled=True, running=False, last_run=None, last_result=None, next_run=None,
               details=dict(kind=COPY, backup_job=dict(id=backup_id, name="x")))


@pytest.mark.parametrize("version", ["v7", "v8"])
def test_copy_job_sessions_are_asked_for_with_the_backup_jobs_id_and_type_copy(version):
    """The v7/v8 documents define the JobSessions jobId filter as the backup job's id: a copy job's id there matches nothing."""
    page = dict(limit=PAGE_SIZE, results=[dict(id="s", status="Success", creationTime="c", jobType="Copy")])
    client = client_with(version, {version + "/JobSessions": [page]})
    assert [s["id"] for s in client.read_sessions(a_copy_job(), 3)] == ["s"]
    assert client.http.sent == [(version + "/JobSessions", dict(jobId=BACKUP_GUID, jobType="Copy", offset=0, limit=PAGE_SIZE))]


def test_backup_job_sessions_are_asked_for_with_its_own_id_and_type_backup():
    client = client_with("v8", {"v8/JobSessions": [dict(limit=PAGE_SIZE, results=[])]})
    assert client.read_sessions(a_job(BACKUP), 3) == []
    assert client.http.sent == [("v8/JobSessions", dict(jobId=GUID, jobType="Backup", offset=0, limit=PAGE_SIZE))]


def test_a_server_that_ignores_job_type_does_not_mix_the_two_kinds():
    """The backup job's id matches its copy job's sessions too: jobType (sent, and checked on each session) keeps them apart."""
    mixed = [dict(id="backup", status="Success", creationTime="2", jobId=BACKUP_GUID, jobType="Backup"),
             dict(id="copy", status="Success", creationTime="1", jobId=GUID, jobType="Copy")]
    copy_client = client_with("v8", {"v8/JobSessions": [dict(limit=PAGE_SIZE, results=mixed)]})
    assert [s["id"] for s in copy_client.read_sessions(a_copy_job(), 5)] == ["copy"]
    backup = Job(id=BACKUP_GUID, name="x", enabled=True, running=False, last_run=None, last_result=None, next_run=None,
                 details=dict(kind=BACKUP))
    backup_client = client_with("v8", {"v8/JobSessions": [dict(limit=PAGE_SIZE, results=mixed)]})
    assert [s["id"] for s in backup_client.read_sessions(backup, 5)] == ["backup"]


def test_a_copy_session_may_name_the_copy_job_or_its_backup_job_but_no_other():
    other = "00000000-0000-0000-0000-0000000000ff"
    sessions = [dict(id="names copy", status="Success", creationTime="3", jobId=GUID.upper(), jobType="Copy"),
                dict(id="names backup", status="Success", creationTime="2", jobId=BACKUP_GUID, jobType="copy"),
                dict(id="names another", status="Success", creationTime="1", jobId=other, jobType="Copy")]
    client = client_with("v8", {"v8/JobSessions": [dict(limit=PAGE_SIZE, results=sessions)]})
    assert [s["id"] for s in client.read_sessions(a_copy_job(), 5)] == ["names copy", "names backup"]


def test_a_copy_job_without_a_backup_job_id_has_no_sessions_and_says_why():
    warnings = []
    client = client_with("v8", {}, warnings=warnings)
    assert client.read_sessions(a_copy_job(backup_id=None), 3) == [] and client.http.sent == []
    assert "names no backup job (backupJobId)" in warnings[0]


def test_v6_cannot_attribute_copy_sessions_and_says_so_instead_of_guessing():
    warnings = []
    client = client_with("v6", {}, warnings=warnings)
    assert client.read_sessions(a_job(COPY), 3) == [] and client.http.sent == []
    assert "api_version v6 cannot tell which backup copy job a session belongs to" in warnings[0]


@pytest.mark.parametrize("server_message, excerpt, answering", [
    ("Unsupported RESTAPI version. The following versions are supported: v1.3-rev2.", '{"errorCode": "NotImplemented"}',
     "Veeam Backup & Replication REST API"),
    ("The resource /v8/token was not found.", '<Error xmlns="http://www.veeam.com/ent/v1.0" StatusCode="404" />',
     "Veeam Backup Enterprise Manager REST API"),
])
def test_a_login_answered_by_another_api_names_the_port_and_that_api(server_message, excerpt, answering):
    client = Vb365Client("https://vb365.example.com:9419/", dict(settings("v8"), port=9419), warn=[].append, register_secret=lambda value: None)
    refusal = VeeamApiError("Server answered HTTP 400.", "POST", "https://vb365.example.com:9419/v8/token", 400, server_message, excerpt)
    client.explain_login_failure(refusal)
    assert refusal.message.startswith("https://vb365.example.com:9419/: port 9419 answers like the %s (it answered %r" % (
        answering, server_message)), refusal.message
    assert "not the Veeam Backup for Microsoft 365 REST API" in refusal.message and "listens on 4443 by default" in refusal.message


def test_a_refused_password_on_the_vb365_port_is_still_a_refused_login():
    client = Vb365Client("https://vb365.example.com:4443/", settings("v8"), warn=[].append, register_secret=lambda value: None)
    refusal = VeeamApiError("Server answered HTTP 400.", "POST", "https://vb365.example.com:4443/v8/token", 400,
                            "The user name or password is incorrect.", '{"error": "invalid_grant"}')
    client.explain_login_failure(refusal)
    assert refusal.message == "Login to https://vb365.example.com:4443/ as 'op' failed: The user name or password is incorrect."


def test_a_404_from_vb365_itself_still_names_api_version():
    """VB365's own 404 on the token path (a version it does not serve) is not a crossing: the api_version advice stays."""
    client = Vb365Client("https://vb365.example.com:4443/", settings("v8"), warn=[].append, register_secret=lambda value: None)
    refusal = VeeamApiError("Server answered HTTP 404.", "POST", "https://vb365.example.com:4443/v8/token", 404,
                            "No HTTP resource was found that matches the request URI '/v8/token'.", '{"message": "No HTTP resource"}')
    client.explain_login_failure(refusal)
    assert refusal.message.startswith("https://vb365.example.com:4443/ has no /v8/token: the server may not support api_version v8")
