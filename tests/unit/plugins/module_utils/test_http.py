# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP layer against a real local server: retry decisions, Retry-After, errors, TLS."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import socket
import time

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._http import (
    EM_API, RATE_LIMITED_RETRIES, RETRY_AFTER_MAX, VB365_API, VBR_API, BoundedRetry, HttpClient, VeeamApiError, safe_retry, wrong_port_message,
)

from ansible_collections.backupops.veeam.tests.unit.utils.scripted_server import RESET, Answer

OK = Answer(200, {"Content-Type": "application/json"}, '{"ok": true}')
BUSY = Answer(503, {"Content-Type": "application/json"}, '{"message": "Service is busy"}')


def client_for(server, **kwargs):
    kwargs.setdefault("backoff", 0)
    return HttpClient(server.url, **kwargs)


def test_get_is_retried_on_503_until_it_succeeds(server):
    server.answer("/v8/Jobs", BUSY, BUSY, OK)
    response = client_for(server).request("GET", "v8/Jobs")
    assert response.json() == {"ok": True}
    assert server.count("GET", "/v8/Jobs") == 3


@pytest.mark.parametrize("status", [429, 502, 504])
def test_get_is_retried_on_other_transient_statuses(server, status):
    server.answer("/api/query", Answer(status, {}, ""), OK)
    assert client_for(server).request("GET", "api/query").status_code == 200
    assert server.count("GET", "/api/query") == 2


def test_get_gives_up_after_the_retry_budget_with_the_last_status(server):
    server.answer("/v8/Jobs", BUSY)
    with pytest.raises(VeeamApiError) as caught:
        client_for(server, retries=2).request("GET", "v8/Jobs")
    assert server.count("GET", "/v8/Jobs") == 3
    assert caught.value.status == 503
    assert caught.value.server_message == "Service is busy"


def test_post_is_never_replayed_on_a_retryable_status(server):
    server.answer("/v8/Jobs/1/disable", BUSY, Answer(204, {}, ""))
    with pytest.raises(VeeamApiError) as caught:
        client_for(server).request("POST", "v8/Jobs/1/disable", expect=(204,))
    assert server.count("POST", "/v8/Jobs/1/disable") == 1
    assert caught.value.status == 503


@pytest.mark.parametrize("method, path", [("POST", "/v8/Jobs/1/disable"), ("DELETE", "/api/logonSessions/1")])
def test_a_throttled_write_is_resent_because_it_was_not_processed(server, method, path):
    server.answer(path, Answer(429, {"Retry-After": "0"}, ""), Answer(429, {}, ""), Answer(204, {}, ""))
    assert client_for(server).request(method, path.lstrip("/"), expect=(204,)).status_code == 204
    assert server.count(method, path) == 3


@pytest.mark.parametrize("throttled, succeeds", [(RATE_LIMITED_RETRIES, True), (RATE_LIMITED_RETRIES + 1, False)])
def test_throttling_has_its_own_budget_beyond_the_other_retries(server, throttled, succeeds):
    server.answer("/v8/Jobs", *([Answer(429, {}, "")] * throttled + [OK]))
    client = client_for(server, retries=1)
    if succeeds:
        assert client.request("GET", "v8/Jobs").status_code == 200
    else:
        with pytest.raises(VeeamApiError) as caught:
            client.request("GET", "v8/Jobs")
        assert caught.value.status == 429
    assert server.count("GET", "/v8/Jobs") == min(throttled + 1, RATE_LIMITED_RETRIES + 1)


def test_post_is_never_replayed_after_a_connection_reset(server):
    server.answer("/api/agents/jobs/1?action=toggleScheduleEnabled", RESET, Answer(202, {}, "<Task/>"))
    with pytest.raises(VeeamApiError) as caught:
        client_for(server).request("POST", "api/agents/jobs/1?action=toggleScheduleEnabled", expect=(202,))
    assert server.count("POST", "/api/agents/jobs/1?action=toggleScheduleEnabled") == 1
    assert "Cannot connect" in str(caught.value) or "failed" in str(caught.value).lower()


def test_get_is_retried_after_a_connection_reset(server):
    server.answer("/v8/Jobs", RESET, OK)
    assert client_for(server).request("GET", "v8/Jobs").status_code == 200
    assert server.count("GET", "/v8/Jobs") == 2


def test_login_post_is_replayable_because_it_is_listed(server):
    server.answer("/v8/token", BUSY, Answer(200, {"Content-Type": "application/json"}, '{"access_token": "t"}'))
    client = client_for(server, replayable_posts=("v8/token",))
    assert client.request("POST", "v8/token", data={"grant_type": "password"}).status_code == 200
    assert server.count("POST", "/v8/token") == 2
    server.answer("/v8/Jobs/1/stop", BUSY, Answer(204, {}, ""))
    with pytest.raises(VeeamApiError):
        client.request("POST", "v8/Jobs/1/stop", expect=(204,))
    assert server.count("POST", "/v8/Jobs/1/stop") == 1


def test_retry_after_is_honoured(server):
    server.answer("/v8/Jobs", Answer(429, {"Retry-After": "1"}, ""), OK)
    started = time.monotonic()
    client_for(server).request("GET", "v8/Jobs")
    assert time.monotonic() - started >= 0.9
    assert server.count("GET", "/v8/Jobs") == 2


def test_retry_after_parsing_caps_and_tolerates_bad_values():
    retry = safe_retry(3, 0, ("GET",))
    assert isinstance(retry, BoundedRetry)
    assert retry.parse_retry_after("5") == 5
    assert retry.parse_retry_after("86400") == RETRY_AFTER_MAX
    in_ten_seconds = email.utils.formatdate(time.time() + 10, usegmt=True)
    assert 8 <= retry.parse_retry_after(in_ten_seconds) <= 10
    assert retry.parse_retry_after(email.utils.formatdate(time.time() - 60, usegmt=True)) == 0

    class Headers(object):
        headers = {"Retry-After": "soon, probably"}
    assert retry.get_retry_after(Headers()) is None


def test_retry_policy_decisions():
    retry = safe_retry(3, 0, ("GET",))
    assert retry.is_retry("GET", 503)
    assert retry.is_retry("GET", 429)
    assert not retry.is_retry("GET", 500)
    assert not retry.is_retry("POST", 503)
    assert retry.is_retry("POST", 429) and retry.is_retry("DELETE", 429)
    assert not retry.is_retry("GET", 404)


@pytest.mark.parametrize("answer, expected", [
    (Answer(404, {"Content-Type": "application/json"}, '{"message": "Job not found", "errorCode": "ResourceNotFound"}'), "Job not found"),
    (Answer(400, {"Content-Type": "application/json"}, '{"error": "invalid_grant", "error_description": "Bad user name or password."}'),
     "Bad user name or password."),
    (Answer(403, {"Content-Type": "application/xml"}, '<Error xmlns="http://www.veeam.com/ent/v1.0" Message="Access denied" StatusCode="403"/>'),
     "Access denied"),
    (Answer(500, {"Content-Type": "application/xml"}, "<Error><Message>Internal fault</Message></Error>"), "Internal fault"),
    (Answer(502, {"Content-Type": "text/html"}, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"),
     "an HTML page: '502 Bad Gateway' instead of a Veeam API answer"),
])
def test_error_names_method_url_status_and_server_message(server, answer, expected):
    server.answer("/thing", answer)
    with pytest.raises(VeeamApiError) as caught:
        client_for(server, retries=0).request("POST", "thing")
    error = caught.value
    assert error.server_message == expected
    assert error.status == answer.status
    assert error.url == server.url + "thing"
    assert str(error) == "Server answered HTTP %d: %s. (POST %sthing -> HTTP %d)" % (answer.status, expected.rstrip("."), server.url, answer.status)


def test_json_reports_a_non_json_answer_with_its_content_type(server):
    server.answer("/v8/Jobs", Answer(200, {"Content-Type": "text/html"}, "<html><body>Welcome to IIS</body></html>"))
    client = client_for(server)
    with pytest.raises(VeeamApiError) as caught:
        client.json(client.request("GET", "v8/Jobs"))
    assert "Expected JSON but got text/html" in str(caught.value)
    assert "Welcome to IIS" in str(caught.value)
    assert caught.value.url == server.url + "v8/Jobs"


def test_json_reports_a_json_answer_cut_short_as_unreadable_not_as_a_foreign_server(server):
    server.answer("/v8/Jobs", Answer(200, {"Content-Type": "application/json; charset=utf-8"}, '{"offset": 0, "results": [{"id": "4'))
    client = client_for(server)
    with pytest.raises(VeeamApiError) as caught:
        client.json(client.request("GET", "v8/Jobs"))
    message = str(caught.value)
    assert message.startswith("The JSON answer could not be read (") and "it may have been cut short on its way" in message, message
    assert "is this a Veeam server" not in message and '{"offset": 0' in message
    assert caught.value.url == server.url + "v8/Jobs" and caught.value.status == 200


CUT_SHORT = Answer(200, {"Content-Type": "application/json; charset=utf-8"}, '{"offset": 0, "results": [{"id": "4')


def test_a_get_whose_json_answer_was_cut_short_is_read_again(server):
    """A read is safe to repeat: a cut-short answer is asked for again, like a 503 or a reset connection."""
    server.answer("/v8/Jobs?offset=0&limit=1000", CUT_SHORT, OK)
    client = client_for(server)
    assert client.json(client.request("GET", "v8/Jobs", params=dict(offset=0, limit=1000))) == {"ok": True}
    assert server.count("GET", "/v8/Jobs?offset=0&limit=1000") == 2  # the same request again, its query included


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_a_get_cut_short_every_time_fails_after_the_retry_budget_with_the_clear_message(server, retries):
    server.answer("/v8/Jobs", CUT_SHORT)
    client = client_for(server, retries=retries)
    with pytest.raises(VeeamApiError) as caught:
        client.json(client.request("GET", "v8/Jobs"))
    assert server.count("GET", "/v8/Jobs") == retries + 1
    message = str(caught.value)
    assert message.startswith("The JSON answer could not be read (") and "it may have been cut short on its way" in message, message
    assert ("(the same in all %d attempts)" % (retries + 1) in message) is (retries > 0)
    assert caught.value.method == "GET" and caught.value.url == server.url + "v8/Jobs" and caught.value.status == 200


def test_a_cut_short_read_waits_as_the_other_retries_do_honouring_retry_after(server):
    server.answer("/v8/Jobs", Answer(200, dict(CUT_SHORT.headers, **{"Retry-After": "1"}), CUT_SHORT.body), OK)
    client = client_for(server)
    started = time.monotonic()
    assert client.json(client.request("GET", "v8/Jobs")) == {"ok": True}
    assert time.monotonic() - started >= 0.9 and server.count("GET", "/v8/Jobs") == 2


def test_a_posts_cut_short_answer_is_never_replayed(server):
    """The write may have been done: its unclear answer goes back to the caller, which re-reads the server's state."""
    server.answer("/v8/Jobs/1/start", CUT_SHORT, OK)
    client = client_for(server)
    with pytest.raises(VeeamApiError) as caught:
        client.json(client.request("POST", "v8/Jobs/1/start"))
    assert server.count("POST", "/v8/Jobs/1/start") == 1
    assert "it may have been cut short on its way" in str(caught.value) and "attempts" not in str(caught.value)


def test_a_whole_answer_that_is_not_json_is_not_asked_for_again(server):
    server.answer("/v8/Jobs", Answer(200, {"Content-Type": "text/html"}, "<html><body>Sign in to the portal</body></html>"), OK)
    client = client_for(server)
    with pytest.raises(VeeamApiError) as caught:
        client.json(client.request("GET", "v8/Jobs"))
    assert "Expected JSON but got text/html" in str(caught.value) and server.count("GET", "/v8/Jobs") == 1


def test_connection_refused_is_reported_with_the_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HttpClient("https://127.0.0.1:%d/" % port, retries=1, backoff=0)
    with pytest.raises(VeeamApiError) as caught:
        client.request("GET", "v8/Jobs")
    assert str(caught.value).startswith("Cannot connect")
    assert "https://127.0.0.1:%d/v8/Jobs" % port in str(caught.value)
    assert " (2 attempts over " in str(caught.value), "the retries are said"


def test_a_timeout_after_retries_says_how_many_attempts_over_how_long(server):
    server.answer("/slow", OK)
    client = client_for(server, timeout=0.05, retries=2, backoff=0)
    server.httpd.RequestHandlerClass.do_GET = lambda handler: time.sleep(0.3)
    with pytest.raises(VeeamApiError) as caught:
        client.request("GET", "slow")
    assert str(caught.value).startswith("No answer within 0.05 seconds to any of 3 attempts (")
    assert "s in all; the timeout option is per attempt)." in str(caught.value)


def test_a_slow_answer_times_out_clearly(server):
    server.answer("/slow", OK)
    client = client_for(server, timeout=0.01, retries=0)
    server.httpd.RequestHandlerClass.do_GET = lambda handler: time.sleep(0.5)
    with pytest.raises(VeeamApiError) as caught:
        client.request("GET", "slow")
    assert "No answer within 0.01 seconds" in str(caught.value)


def test_tls_is_verified_by_default_and_the_error_suggests_ca_path(tls_server):
    tls_server.answer("/v8/Jobs", OK)
    with pytest.raises(VeeamApiError) as caught:
        HttpClient(tls_server.url, backoff=0).request("GET", "v8/Jobs")
    message = str(caught.value)
    assert "TLS certificate verification failed" in message
    assert "set ca_path" in message
    assert "validate_certs" not in message


def test_tls_with_ca_path_succeeds(tls_server):
    tls_server.answer("/v8/Jobs", OK)
    client = HttpClient(tls_server.url, ca_path=tls_server.ca_file)
    assert client.request("GET", "v8/Jobs").json() == {"ok": True}


def test_keep_alive_reuses_one_connection(server):
    server.answer("/v8/Jobs", OK)
    client = client_for(server)
    for _ignored in range(3):
        client.request("GET", "v8/Jobs")
    ports = {seen[2].get("Host") for seen in server.seen}
    assert len(ports) == 1
    assert client.session.adapters[server.url].poolmanager.pools.keys()
    assert len(client.session.adapters[server.url].poolmanager.pools) == 1


def test_use_proxy_false_ignores_the_environment(server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9/")
    monkeypatch.setenv("NO_PROXY", "")
    server.answer("/v8/Jobs", OK)
    assert client_for(server, use_proxy=False).request("GET", "v8/Jobs").status_code == 200
    with pytest.raises(VeeamApiError):
        client_for(server, use_proxy=True, retries=0).request("GET", "v8/Jobs")


def test_absolute_urls_are_followed_as_given(server):
    server.answer("/api/tasks/task-1", OK)
    client = client_for(server)
    assert client.request("GET", server.url + "api/tasks/task-1").status_code == 200


# -- which API answers on a port ---------------------------------------------------------------------------------------

VBR_REFUSAL = VeeamApiError("Server answered HTTP 400.", status=400, server_message="Unsupported RESTAPI version. The following versions "
                            "are supported: v1.1-rev0, v1.3-rev2.", excerpt='{"errorCode": "NotImplemented", "message": "Unsupported RESTAPI version."}')
EM_NOT_FOUND = VeeamApiError("Server answered HTTP 404.", status=404, server_message="The resource /v8/token was not found.",
                             excerpt='<Error xmlns="http://www.veeam.com/ent/v1.0" Message="The resource /v8/token was not found." StatusCode="404" />')
EM_JSON_NOT_FOUND = VeeamApiError("Server answered HTTP 404.", status=404, server_message="The resource was not found.",
                                  excerpt='{"Message": "The resource was not found.", "StatusCode": 404}')
VB365_NOT_FOUND = VeeamApiError("Server answered HTTP 404.", status=404,
                                server_message="No HTTP resource was found that matches the request URI '/api/oauth2/token'.",
                                excerpt='{"message": "No HTTP resource was found that matches the request URI", "errorCode": "ResourceNotFound"}')
SILENT_REFUSAL = VeeamApiError("Server answered HTTP 401.", status=401, server_message=None, excerpt="")


@pytest.mark.parametrize("refusal, expected, port, answering, default_port, expected_title, expected_port", [
    (VBR_REFUSAL, VB365_API, 40001, "Veeam Backup & Replication REST API", 9419, "Veeam Backup for Microsoft 365 REST API", 4443),
    (VBR_REFUSAL, EM_API, 9419, "Veeam Backup & Replication REST API", 9419, "Veeam Backup Enterprise Manager REST API", 9398),
    (EM_NOT_FOUND, VB365_API, 40002, "Veeam Backup Enterprise Manager REST API", 9398, "Veeam Backup for Microsoft 365 REST API", 4443),
    (EM_JSON_NOT_FOUND, VBR_API, 40003, "Veeam Backup Enterprise Manager REST API", 9398, "Veeam Backup & Replication REST API", 9419),
    (VB365_NOT_FOUND, EM_API, 40004, "Veeam Backup for Microsoft 365 REST API", 4443, "Veeam Backup Enterprise Manager REST API", 9398),
    (VB365_NOT_FOUND, VBR_API, 4443, "Veeam Backup for Microsoft 365 REST API", 4443, "Veeam Backup & Replication REST API", 9419),
])
def test_a_login_answered_by_another_api_names_the_port_and_that_api(
        refusal, expected, port, answering, default_port, expected_title, expected_port):
    message = wrong_port_message(refusal, "https://backup.example.com:%d/" % port, expected)
    assert message.startswith("https://backup.example.com:%d/: port %d answers like the %s (it answered %r" % (
        port, port, answering, refusal.server_message[:100].rstrip())), message
    assert ("not the %s. Check server and port: the %s listens on %d by default, the %s on %d." % (
        expected_title, expected_title, expected_port, answering, default_port)) in message


def test_an_answer_that_names_no_api_is_told_by_another_apis_default_port():
    message = wrong_port_message(SILENT_REFUSAL, "https://backup.example.com:9419/", EM_API)
    assert "port 9419 answers like the Veeam Backup & Replication REST API (9419 is its default port), not the Veeam Backup " \
           "Enterprise Manager REST API" in message


@pytest.mark.parametrize("refusal, expected, port", [
    (VBR_REFUSAL, VBR_API, 40005),        # the expected API itself (a revision it does not serve): its own message says so
    (VB365_NOT_FOUND, VB365_API, 40006),  # VB365 without that api_version
    (EM_NOT_FOUND, EM_API, 9398),
    (SILENT_REFUSAL, VB365_API, 4443),    # a wrong password on the expected API's default port
    (SILENT_REFUSAL, EM_API, 443),        # nothing tells: no guess
])
def test_no_crossing_is_claimed_when_the_expected_api_may_be_answering(refusal, expected, port):
    assert wrong_port_message(refusal, "https://backup.example.com:%d/" % port, expected) is None
