"""Enterprise Manager entry point, logon, idle expiry, logoff; XML and JSON."""

import base64
import time

import pytest

from sim_helpers import NS, http_session, xml


def test_api_root_lists_versions_without_auth(sim):
    answer = http_session(sim).get(sim.em_url)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/xml")
    root = xml(answer)
    assert root.tag == NS + "EnterpriseManager"
    names = [v.get("Name") for v in root.iter(NS + "SupportedVersion")]
    assert names == ["v1_5", "v1_6", "v1_7", "latest"]
    as_json = http_session(sim).get(sim.em_url, headers={"Accept": "application/json"}).json()
    assert [v["Name"] for v in as_json["SupportedVersions"]] == names
    assert as_json["Links"][0]["Href"].endswith("/api/sessionMngr/?v=latest")


def test_logon_answers_201_with_session_header_and_body(sim):
    answer = http_session(sim).post(sim.em_url + "sessionMngr/?v=latest", auth=(sim.username, sim.password))
    assert answer.status_code == 201
    root = xml(answer)
    assert root.tag == NS + "LogonSession"
    session_id = root.find(NS + "SessionId").text
    assert root.get("Href") == "%slogonSessions/%s" % (sim.em_url, session_id)
    # The header is not the id itself (the base64 of it, as on real servers).
    assert answer.headers["X-RestSvcSessionId"] == base64.b64encode(session_id.encode()).decode()
    assert sim.state()["em"]["logon_sessions"] == 1


def test_logon_in_json(sim):
    answer = http_session(sim).post(sim.em_url + "sessionMngr/?v=v1_5", auth=(sim.username, sim.password), headers={"Accept": "application/json"})
    body = answer.json()
    assert answer.status_code == 201 and body["Type"] == "LogonSession" and body["SessionId"] in body["Href"]
    assert {"Rel": "Delete", "Type": "LogonSession", "Href": body["Href"]} in body["Links"]


@pytest.mark.parametrize("auth", [None, ("backupops", "wrong"), ("someone", "Sim-Passw0rd-2026!")])
def test_bad_credentials_are_401_with_www_authenticate(sim, auth):
    answer = http_session(sim).post(sim.em_url + "sessionMngr/?v=latest", auth=auth)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Basic Realm=RestSvc"
    error = xml(answer)
    assert error.tag == NS + "Error" and error.get("StatusCode") == "401" and error.get("Message")


def test_unknown_api_version_is_400(sim):
    assert http_session(sim).post(sim.em_url + "sessionMngr/?v=v9_9", auth=(sim.username, sim.password)).status_code == 400


def test_requests_without_or_with_a_bad_session_are_401(sim, em):
    http = http_session(sim)
    assert http.get(sim.em_url + "agents/jobs").status_code == 401
    http.headers["X-RestSvcSessionId"] = "bm9wZQ=="
    answer = http.get(sim.em_url + "agents/jobs", headers={"Accept": "application/json"})
    assert answer.status_code == 401 and answer.json()["StatusCode"] == 401
    assert em().get("agents/jobs").status_code == 200


def test_idle_sessions_expire(sim, em):
    sim.configure(em_idle_seconds=0.8)
    session = em()
    assert session.get("agents/jobs").status_code == 200
    time.sleep(0.4)
    assert session.get("agents/jobs").status_code == 200  # use keeps it alive
    time.sleep(1.0)
    assert session.get("agents/jobs").status_code == 401
    assert sim.state()["em"]["logon_sessions"] == 0


def test_logoff_with_the_id_from_the_body(sim, em):
    session = em()
    session_id = xml(session.logon).find(NS + "SessionId").text
    assert session.get("logonSessions/" + session_id).status_code == 200
    answer = session.delete("logonSessions/" + session_id)
    assert answer.status_code == 204 and answer.content == b""
    assert session.get("agents/jobs").status_code == 401
    assert sim.state()["em"]["logon_sessions"] == 0


def test_logoff_with_the_header_token_is_404(em):
    session = em()
    assert session.delete("logonSessions/" + session.http.headers["X-RestSvcSessionId"]).status_code == 404


def test_unknown_resource_and_method(em):
    session = em()
    assert session.get("nothing/here").status_code == 404
    assert session.delete("agents/jobs").status_code == 405


def logon(http, sim):
    answer = http.post(sim.em_url + "sessionMngr/?v=latest", auth=(sim.username, sim.password))
    assert answer.status_code == 201, answer.text
    return answer


def test_logon_sets_the_session_cookie_too(sim):
    http = http_session(sim)
    answer = logon(http, sim)
    assert http.cookies.get("X-RestSvcSessionId") == answer.headers["X-RestSvcSessionId"]
    # The cookie alone authenticates.
    assert http.get(sim.em_url + "agents/jobs").status_code == 200


def test_the_cookie_wins_over_the_header(sim):
    stale_http = http_session(sim)
    stale_logon = logon(stale_http, sim)
    stale = stale_logon.headers["X-RestSvcSessionId"]
    fresh_http = http_session(sim)
    fresh = logon(fresh_http, sim).headers["X-RestSvcSessionId"]
    assert stale_http.delete(xml(stale_logon).get("Href")).status_code == 204
    # A live cookie with a wrong header passes; an ended session's cookie fails even beside a live header.
    assert fresh_http.get(sim.em_url + "agents/jobs", headers={"X-RestSvcSessionId": "bm9wZQ=="}).status_code == 200
    mixed = http_session(sim)
    mixed.cookies.set("X-RestSvcSessionId", stale)
    assert mixed.get(sim.em_url + "agents/jobs", headers={"X-RestSvcSessionId": fresh}).status_code == 401


def test_a_logon_carrying_an_ended_sessions_cookie_is_refused(sim):
    http = http_session(sim)
    session_id = xml(logon(http, sim)).find(NS + "SessionId").text
    assert http.delete(sim.em_url + "logonSessions/" + session_id).status_code == 204
    again = http.post(sim.em_url + "sessionMngr/?v=latest", auth=(sim.username, sim.password))
    assert again.status_code == 401 and again.headers["WWW-Authenticate"] == "Basic Realm=RestSvc"
    http.cookies.clear()
    assert logon(http, sim).status_code == 201
