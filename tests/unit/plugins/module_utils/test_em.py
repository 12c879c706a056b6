# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Enterprise Manager client's protocol against a fake HTTP layer: logon, reads, tasks, logoff."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from requests.cookies import RequestsCookieJar

from ansible_collections.backupops.veeam.plugins.module_utils.em import _client as _em
from ansible_collections.backupops.veeam.plugins.module_utils._model import Job
from ansible_collections.backupops.veeam.plugins.module_utils.em._client import EmClient
from ansible_collections.backupops.veeam.plugins.module_utils.em._payload import parse, task_from_body
from ansible_collections.backupops.veeam.plugins.module_utils._http import HttpClient, VeeamApiError
from ansible_collections.backupops.veeam.tests.unit.utils.em_payloads import (
    ACCEPTED, GUID, GUID2, SEED_TASK_ACCEPTED, SEED_TASK_FINISHED, job_json, job_xml, query_json, query_xml, session_json, session_xml,
)


# -- the client against a fake HTTP layer -------------------------------------------


class FakeResponse(object):
    def __init__(self, method, url, status, text, headers=None):
        self.status_code = status
        self.text = text
        self.headers = headers or {"Content-Type": "application/xml" if text.lstrip().startswith("<") else "application/json"}
        self.url = url
        self.content = text.encode("utf-8")
        self.raw = None  # no urllib3 response: no Retry-After to honour

        class Request(object):
            pass
        self.request = Request()
        self.request.method = method


class FakeHttp(object):
    """Answers (method, path prefix) from a script; each entry is a list of (status, body, headers) used in turn, the last repeating."""

    base_url = "https://em.example.com:9398/"
    # The real layer's re-reading of a GET's unreadable answer, over this fake's request(), without waiting.
    retries, backoff = 3, 0
    parsed = HttpClient.parsed

    def __init__(self, script):
        self.script = dict((key, list(value)) for key, value in script.items())
        self.sent = []
        self.session = type("Session", (), {})()
        self.session.headers, self.session.cookies = {}, RequestsCookieJar()
        self.closed = False

    def url(self, path):
        return path if path.startswith("https://") else self.base_url + path

    def request(self, method, path, expect=(200,), **kwargs):
        path = path[len(self.base_url):] if path.startswith(self.base_url) else path  # a request sent again by its URL
        self.sent.append((method, path, dict(self.session.headers), kwargs))
        for (m, prefix), answers in self.script.items():
            if m == method and path.startswith(prefix):
                status, body, headers = answers.pop(0) if len(answers) > 1 else answers[0]
                break
        else:
            status, body, headers = 404, '<Error Message="Not found" StatusCode="404" />', None
        response = FakeResponse(method, self.url(path), status, body, headers)
        if status not in expect:
            raise VeeamApiError("Server answered HTTP %s." % status, method, self.url(path), status, None)
        return response

    def paths(self, method=None):
        return [p for m, p, _h, _k in self.sent if method in (None, m)]

    def close(self):
        self.closed = True


class FakeModule(object):
    """What the module wrapper hands a client: the settings and the two callbacks."""

    def __init__(self, fmt="xml"):
        self.params = dict(server="em.example.com", port=9398, username="CORP\\op", password="s3cret", validate_certs=True,
                           ca_path=None, timeout=30, use_proxy=True, format=fmt)
        self.no_log_values = set()
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


LOGON = ("POST", "api/sessionMngr/")
LOGON_OK = (201, '<LogonSession xmlns="http://www.veeam.com/ent/v1.0" Href="https://em01.internal:9398/api/logonSessions/ls-1">'
                 '<SessionId>ls-1</SessionId></LogonSession>', {"X-RestSvcSessionId": "TOKEN-1", "Content-Type": "application/xml"})
LOGON_OK_2 = (201, LOGON_OK[1].replace("ls-1", "ls-2"), {"X-RestSvcSessionId": "TOKEN-2", "Content-Type": "application/xml"})
LOGOFF = ("DELETE", "api/logonSessions/")
JOBS = ("GET", "api/query?type=AgentBackupJob")
SESSIONS = ("GET", "api/query?type=BackupJobSession")
NO_SESSIONS = (200, query_xml("BackupJobSession", ""), None)


def client_with(script, fmt="xml"):
    module = FakeModule(fmt)
    client = EmClient("https://em.example.com:9398/", module.params, warn=module.warn, register_secret=module.no_log_values.add)
    client.http = FakeHttp(script)
    return client, module


def test_logon_sends_basic_auth_keeps_the_token_secret_and_logs_off_by_the_body_id():
    client, module = client_with({LOGON: [LOGON_OK], JOBS: [(200, query_xml("AgentBackupJob", job_xml()), None)],
                                  SESSIONS: [NO_SESSIONS], LOGOFF: [(204, "", None)]})
    jobs = client.read_jobs()
    client.close()
    method, path, _headers, kwargs = client.http.sent[0]
    assert (method, path, kwargs["auth"]) == ("POST", "api/sessionMngr/?v=latest", ("CORP\\op", "s3cret"))
    assert {"TOKEN-1", "ls-1"} <= module.no_log_values
    assert client.http.sent[1][2]["X-RestSvcSessionId"] == "TOKEN-1"
    assert client.http.paths("DELETE") == ["api/logonSessions/ls-1"]
    assert client.http.closed
    assert [(j.id, j.enabled, j.running) for j in jobs] == [(GUID, True, False)]


def test_read_jobs_costs_two_requests_and_learns_running_from_sessions():
    inner = job_xml() + job_xml(GUID2, "Laptops", "false")
    sessions = session_xml(GUID2, "Working", created="2026-11-23T10:00:00Z")
    client, _module = client_with({LOGON: [LOGON_OK], JOBS: [(200, query_xml("AgentBackupJob", inner), None)],
                                   SESSIONS: [(200, query_xml("BackupJobSession", sessions), None)]})
    jobs = client.read_jobs()
    assert client.http.paths("GET") == [
        "api/query?type=AgentBackupJob&format=Entities&pageSize=1000&page=1",
        "api/query?type=BackupJobSession&format=Entities&filter=State!=Stopped&pageSize=1000&page=1"]
    assert [(j.name, j.enabled, j.running, j.last_run) for j in jobs] == [
        ("Fileserver Backup", True, False, None), ("Laptops", False, True, "2026-11-23T10:00:00Z")]


def test_only_the_newest_session_decides_when_the_server_ignores_the_filter():
    sessions = session_xml(state="Working", created="2026-11-20T10:00:00Z", session="old") + session_xml(
        state="Stopped", result="Success", created="2026-11-23T10:00:00Z", session="new")
    client, _module = client_with({LOGON: [LOGON_OK], JOBS: [(200, query_xml("AgentBackupJob", job_xml()), None)],
                                   SESSIONS: [(200, query_xml("BackupJobSession", sessions), None)]})
    assert client.read_jobs()[0].running is False


def test_read_jobs_follows_pages():
    page1 = (200, query_xml("AgentBackupJob", job_xml(), page=1, pages=2), None)
    page2 = (200, query_xml("AgentBackupJob", job_xml(GUID2, "Laptops"), page=2, pages=2), None)
    client, _module = client_with({LOGON: [LOGON_OK], JOBS: [page1, page2], SESSIONS: [NO_SESSIONS]})
    assert [j.name for j in client.read_jobs()] == ["Fileserver Backup", "Laptops"]
    assert [p for p in client.http.paths("GET") if "AgentBackupJob" in p][-1].endswith("&page=2")


def test_json_and_xml_clients_read_the_same_jobs():
    xml_client, _m = client_with({LOGON: [LOGON_OK], JOBS: [(200, query_xml("AgentBackupJob", job_xml()), None)],
                                  SESSIONS: [(200, query_xml("BackupJobSession", session_xml()), None)]})
    json_logon = (201, '{"Href": "https://em:9398/api/logonSessions/ls-1", "SessionId": "ls-1"}', {"X-RestSvcSessionId": "TOKEN-1"})
    json_client, _m = client_with({LOGON: [json_logon], JOBS: [(200, query_json("AgentBackupJob", [job_json()]), None)],
                                   SESSIONS: [(200, query_json("BackupJobSession", [session_json()]), None)]}, "json")
    assert xml_client.read_jobs() == json_client.read_jobs()
    assert json_client.logoff_path == "api/logonSessions/ls-1"


def test_a_finished_run_stays_the_last_run_with_its_result():
    running = (200, query_xml("BackupJobSession", session_xml()), None)
    ended = session_xml(state="Stopped", result="Failed").replace("<BackupJobSession ", '<BackupJobSession xmlns="http://www.veeam.com/ent/v1.0" ', 1)
    client, _module = client_with({LOGON: [LOGON_OK], JOBS: [(200, query_xml("AgentBackupJob", job_xml()), None)],
                                   SESSIONS: [running, NO_SESSIONS], ("GET", "api/backupSessions/5d1e"): [(200, ended, None)]})
    first = client.read_jobs()[0]
    second = client.read_jobs()[0]
    third = client.read_jobs()[0]
    assert (first.running, first.last_run, first.last_result) == (True, "2026-11-23T10:00:00Z", None)
    assert (second.running, second.last_run, second.last_result) == (False, "2026-11-23T10:00:00Z", "Failed")
    assert third == second
    assert client.http.paths("GET").count("api/backupSessions/5d1e?format=Entity") == 1


def test_a_401_logs_on_again_once_and_resends():
    client, module = client_with({LOGON: [LOGON_OK, LOGON_OK_2], JOBS: [(401, "", None), (200, query_xml("AgentBackupJob", job_xml()), None)],
                                  SESSIONS: [NO_SESSIONS], LOGOFF: [(204, "", None)]})
    assert len(client.read_jobs()) == 1
    client.close()
    assert client.http.paths("POST") == ["api/sessionMngr/?v=latest"] * 2
    assert client.http.paths("DELETE") == ["api/logonSessions/ls-2"]
    assert {"TOKEN-1", "TOKEN-2"} <= module.no_log_values


def test_a_second_401_is_final():
    client, _module = client_with({LOGON: [LOGON_OK, LOGON_OK_2], JOBS: [(401, "", None)]})
    with pytest.raises(VeeamApiError) as caught:
        client.read_jobs()
    assert "again right after a new logon" in str(caught.value)
    assert client.http.paths("POST") == ["api/sessionMngr/?v=latest"] * 2


def test_wrong_credentials_say_so_in_one_line():
    client, _module = client_with({LOGON: [(401, "", {"WWW-Authenticate": "Basic Realm=RestSvc"})]})
    with pytest.raises(VeeamApiError) as caught:
        client.read_jobs()
    message = str(caught.value)
    assert message.startswith("Logon to https://em.example.com:9398/ as 'CORP\\\\op' failed: wrong user name or password")
    assert "\n" not in message and "s3cret" not in message
    client.close()
    assert client.http.paths("DELETE") == []


def test_a_logon_without_the_session_header_is_not_a_veeam_server():
    client, _module = client_with({LOGON: [(201, "<html><title>Hi</title></html>", {"Content-Type": "text/html"})]})
    with pytest.raises(VeeamApiError) as caught:
        client.read_jobs()
    assert "X-RestSvcSessionId" in str(caught.value)


def test_an_html_answer_is_reported_with_status_and_url():
    client, _module = client_with({LOGON: [LOGON_OK], JOBS: [(200, "<!DOCTYPE html><html><body>proxy</body></html>", {"Content-Type": "text/html"})]})
    with pytest.raises(VeeamApiError) as caught:
        client.read_jobs()
    assert caught.value.status == 200 and "api/query?type=AgentBackupJob" in caught.value.url
    assert "text/html" in str(caught.value)


def test_logoff_failure_is_a_warning():
    client, module = client_with({LOGON: [LOGON_OK], JOBS: [(200, query_xml("AgentBackupJob", ""), None)], SESSIONS: [NO_SESSIONS],
                                  LOGOFF: [(500, "", None)]})
    client.read_jobs()
    client.close()
    assert module.warnings and "Logoff" in module.warnings[0]


def job(name="Fileserver Backup", guid=GUID, enabled=True):
    return Job(guid, name, enabled, False, None, None, None, {})


@pytest.mark.parametrize("action, query", [("enable", "toggleScheduleEnabled"), ("disable", "toggleScheduleEnabled"),
                                           ("start", "start"), ("stop", "stop")])
def test_send_posts_the_seed_request_and_returns_the_task(action, query):
    client, _module = client_with({LOGON: [LOGON_OK], ("POST", "api/agents/jobs/"): [(202, SEED_TASK_ACCEPTED, None)]})
    handle = client.send(job(), action)
    method, path, headers, kwargs = client.http.sent[-1]
    assert (method, path) == ("POST", "api/agents/jobs/%s?action=%s" % (GUID, query))
    assert headers["X-RestSvcSessionId"] == "TOKEN-1"
    assert "data" not in kwargs and "json" not in kwargs
    assert handle == dict(job="Fileserver Backup", job_id=GUID, before=job(), action=action, task=ACCEPTED)


TASK = ("GET", "api/tasks/task-1")


def settle_with(answers, timeout=5, sleep=0.01):
    client, _module = client_with({LOGON: [LOGON_OK], ("POST", "api/agents/jobs/"): [(202, SEED_TASK_ACCEPTED, None)], TASK: answers,
                                   ("DELETE", "api/tasks/"): [(204, "", None)]})
    handle = client.send(job(), "disable")
    return client, handle, client.await_writes([handle], timeout, sleep)


def test_await_writes_polls_the_href_path_until_finished():
    operation_finished = (200, SEED_TASK_ACCEPTED.replace("Running", "OperationFinished"), None)
    client, handle, failures = settle_with([(200, SEED_TASK_ACCEPTED, None), operation_finished, (200, SEED_TASK_FINISHED, None)])
    assert failures == []
    assert client.http.paths("GET") == ["api/tasks/task-1"] * 3
    assert EmClient.describe(handle) == {"task": dict(id="task-1", operation="UpdateJob", state="Finished", success=True, message="Ok")}


def test_await_writes_reports_a_failed_task_with_the_server_message():
    failed = SEED_TASK_FINISHED.replace('Success="true"', 'Success="false"').replace("Ok", "Job is locked by another operation")
    _client, handle, failures = settle_with([(200, failed, None)])
    assert failures == [(handle, "Job 'Fileserver Backup': disable task task-1 (UpdateJob) failed: Job is locked by another operation")]


def test_await_writes_names_a_stuck_task_and_deletes_it():
    client, handle, failures = settle_with([(200, SEED_TASK_ACCEPTED, None)], timeout=0.3, sleep=0.05)
    assert failures == [(handle, "Job 'Fileserver Backup': disable task task-1 (UpdateJob) did not finish within 0.3 seconds; "
                                 "last state: Running. The task was deleted.")]
    assert client.http.paths("DELETE") == ["api/tasks/task-1"]


def test_await_writes_polls_many_tasks_round_by_round():
    client, _module = client_with({LOGON: [LOGON_OK]})
    handles = []
    for n in (1, 2, 3):
        accepted = SEED_TASK_ACCEPTED.replace("task-1", "task-%d" % n)
        client.http.script[("GET", "api/tasks/task-%d" % n)] = [(200, accepted, None)] * n + [(200, SEED_TASK_FINISHED.replace("task-1", "task-%d" % n), None)]
        handles.append(dict(job="Job %d" % n, action="enable", task=task_from_body(parse(accepted))))
    assert client.await_writes(handles, 5, 0.01) == []
    polls = client.http.paths("GET")
    assert [polls.count("api/tasks/task-%d" % n) for n in (1, 2, 3)] == [2, 3, 4]
    # Round by round: every task is polled once before any is polled twice.
    assert polls[:3] == ["api/tasks/task-1", "api/tasks/task-2", "api/tasks/task-3"]


LOST_TASK = [(401, "", None), (404, '<Error Message="Task not found" />', None)]


def test_a_task_lost_with_its_expired_logon_session_is_handed_to_the_runner_not_resent():
    client, _module = client_with({LOGON: [LOGON_OK, LOGON_OK_2], ("POST", "api/agents/jobs/"): [(202, SEED_TASK_ACCEPTED, None)],
                                   TASK: LOST_TASK, SESSIONS: [NO_SESSIONS], JOBS: [(200, query_xml("AgentBackupJob", job_xml()), None)]})
    handle = client.send(job(), "disable")
    assert client.await_writes([handle], 5, 0.01) == [], "not a failure: the job decides (the runner re-reads it)"
    assert client.lost(handle) is True and EmClient.describe(handle)["task"]["state"] == "Unknown"
    assert client.http.paths("POST").count("api/agents/jobs/%s?action=toggleScheduleEnabled" % GUID) == 1


def test_read_sessions_newest_first_and_limited():
    inner = "".join(session_xml(state="Stopped", result=r, created="2026-11-2%dT22:00:00Z" % d, session="s%d" % d)
                    for d, r in ((1, "Success"), (3, "Failed"), (2, "Warning")))
    client, _module = client_with({LOGON: [LOGON_OK], SESSIONS: [(200, query_xml("BackupJobSession", inner), None)]})
    sessions = client.read_sessions(job(), 2)
    # The server was asked for the job's newest sessions by both URN forms, quoted; a server that ignored the order is re-sorted.
    assert sessions == [dict(id="s3", state="Stopped", result="Failed", creation_time="2026-11-23T22:00:00Z", end_time=None, details=None),
                        dict(id="s2", state="Stopped", result="Warning", creation_time="2026-11-22T22:00:00Z", end_time=None, details=None)]
    assert client.http.paths("GET") == ['api/query?type=BackupJobSession&format=Entities&filter=JobUid=="urn:veeam:Job:%s",'
                                        'JobUid=="urn:veeam:AgentBackupJob:%s"&sortDesc=CreationTime&pageSize=2&page=1' % (GUID, GUID)]


def test_an_unreadable_logon_body_still_logs_off_by_the_token():
    client, _module = client_with({LOGON: [(201, "<LogonSession", {"X-RestSvcSessionId": "TOKEN-1"})], LOGOFF: [(204, "", None)]})
    with pytest.raises(VeeamApiError):
        client.read_jobs()
    client.close()
    assert client.http.paths("DELETE") == ["api/logonSessions/TOKEN-1"]


def test_without_xmltodict_the_message_says_json_works(monkeypatch):
    monkeypatch.setattr(_em, "HAS_XMLTODICT", False)
    [(library, reason, _traceback)] = _em.EM.missing_libraries(FakeModule("xml").params)
    assert library == "xmltodict" and "format: json works without it" in reason
    assert _em.EM.missing_libraries(FakeModule("json").params) == []  # JSON needs no XML library


def test_a_new_logon_drops_the_old_session_cookie_and_header():
    client, _module = client_with({LOGON: [LOGON_OK, LOGON_OK_2], LOGOFF: [(204, "", None)]})
    client.login()
    client.http.session.cookies.set("X-RestSvcSessionId", "TOKEN-1", domain="em.example.com", path="/")
    client.http.session.cookies.set("OtherCookie", "kept", domain="em.example.com", path="/")
    client.login()
    # The second logon was sent without the first session's header, and the jar keeps no session cookie afterwards.
    assert "X-RestSvcSessionId" not in client.http.sent[1][2]
    assert client.http.session.headers["X-RestSvcSessionId"] == "TOKEN-2"
    assert [cookie.name for cookie in client.http.session.cookies] == ["OtherCookie"]


def test_a_404_on_the_logon_names_server_and_port():
    client, _module = client_with({LOGON: [(404, '<Error Message="The resource was not found." StatusCode="404" />', None)]})
    with pytest.raises(VeeamApiError) as failed:
        client.read_jobs()
    assert "has no Enterprise Manager logon" in str(failed.value) and "check server and port" in str(failed.value)


def finished_session_xml(job_guid, created, result):
    return session_xml(job_guid, "Stopped", result, created).replace("urn:veeam:AgentBackupJob:", "urn:veeam:Job:")


def test_last_runs_come_from_one_shared_query_of_finished_sessions_newest_first():
    inner = job_xml() + job_xml(GUID2, "Laptops", "false")
    finished = (finished_session_xml(GUID2, "2026-11-23T10:00:00Z", "Failed") + finished_session_xml(GUID, "2026-11-22T10:00:00Z", "Success")
                + finished_session_xml(GUID2, "2026-11-21T10:00:00Z", "Success"))
    client, _module = client_with({LOGON: [LOGON_OK], JOBS: [(200, query_xml("AgentBackupJob", inner), None)],
                                   ("GET", "api/query?type=BackupJobSession&format=Entities&filter=State!=Stopped"): [NO_SESSIONS],
                                   ("GET", "api/query?type=BackupJobSession&format=Entities&filter=JobType"): [
                                       (200, query_xml("BackupJobSession", finished), None)]})
    jobs = dict((job.id, job) for job in client.read_jobs(last_runs=True))
    assert (jobs[GUID].last_result, jobs[GUID].last_run) == ("Success", "2026-11-22T10:00:00Z")
    assert (jobs[GUID2].last_result, jobs[GUID2].last_run) == ("Failed", "2026-11-23T10:00:00Z")
    newest = [p for p in client.http.paths("GET") if "JobType" in p]
    assert newest == ["api/query?type=BackupJobSession&format=Entities&filter=JobType==AgentBackup;State==Stopped&sortDesc=CreationTime"
                      "&pageSize=1000&page=1"]


def test_a_job_id_is_accepted_in_any_documented_form():
    for value in (GUID, "urn:veeam:AgentBackupJob:" + GUID, " urn:veeam:Job:%s " % GUID):
        assert EmClient.normalize_id(value) == GUID


def test_a_logon_refused_by_the_vbr_api_names_the_port_and_that_api():
    """VBR's port refuses any request without x-api-version (400): that is not a refused Enterprise Manager logon."""
    module = FakeModule()
    client = EmClient("https://em.example.com:9419/", dict(module.params, port=9419), warn=module.warn, register_secret=module.no_log_values.add)
    refusal = VeeamApiError("Server answered HTTP 400.", "POST", "https://em.example.com:9419/api/sessionMngr/?v=latest", 400,
                            "Unsupported RESTAPI version. The following versions are supported: v1.3-rev2.", '{"errorCode": "NotImplemented"}')
    client.explain_login_failure(refusal)
    assert refusal.message.startswith("https://em.example.com:9419/: port 9419 answers like the Veeam Backup & Replication REST API (it "
                                      "answered 'Unsupported RESTAPI version."), refusal.message
    assert "not the Veeam Backup Enterprise Manager REST API" in refusal.message and "listens on 9398 by default" in refusal.message
    assert not refusal.message.startswith("Logon")


def test_a_read_cut_short_is_read_again_and_a_cut_short_toggle_is_not():
    """A GET's XML answer cut short is asked for again (a read is safe to repeat); a POST's is never replayed."""
    whole = query_xml("AgentBackupJob", job_xml())
    client, _module = client_with({LOGON: [LOGON_OK], JOBS: [(200, whole[:len(whole) // 2], None), (200, whole, None)],
                                   SESSIONS: [NO_SESSIONS]})
    assert [job.id for job in client.read_jobs()] == [GUID]
    assert len([path for path in client.http.paths("GET") if path.startswith(JOBS[1])]) == 2  # the cut-short read and its repeat
    client.http.script[("POST", "api/agents/jobs/")] = [(202, '<Task xmlns="http://www.veeam.com/ent/v1.0" Href="https://em', None)]
    with pytest.raises(VeeamApiError) as failed:
        client._body(client.http.request("POST", "api/agents/jobs/%s?action=toggleScheduleEnabled" % GUID, expect=(202,)), "Task")
    assert "it may have been cut short on its way" in str(failed.value) and "attempts" not in str(failed.value)
    assert len(client.http.paths("POST")) == 2  # the logon and the one toggle


def test_a_read_cut_short_every_time_says_so_after_every_attempt():
    whole = query_xml("AgentBackupJob", job_xml())
    client, _module = client_with({LOGON: [LOGON_OK], JOBS: [(200, whole[:len(whole) // 2], None)]})
    with pytest.raises(VeeamApiError) as failed:
        client.read_jobs()
    message = str(failed.value)
    assert "Unreadable answer where a QueryResult was expected (application/xml)" in message, message
    assert "it may have been cut short on its way" in message and "(the same in all 4 attempts)" in message
    assert len(client.http.paths("GET")) == 4
