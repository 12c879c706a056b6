"""VBR REST API: the x-api-version header, OAuth2 password and refresh grants, bearer token expiry, logout."""

import time

import pytest

from sim_helpers import http_session
from veeam_sim.testing import SimProcess

REVISIONS = ("1.2-rev1", "1.3-rev1")
ALL = ("1.1-rev0", "1.1-rev1", "1.1-rev2", "1.2-rev0", "1.2-rev1", "1.3-rev0", "1.3-rev1", "1.3-rev2")


def form(sim, **extra):
    return dict({"grant_type": "password", "username": sim.username, "password": sim.password}, **extra)


def bare(sim, revision="1.3-rev1"):
    http = http_session(sim)
    if revision:
        http.headers["x-api-version"] = revision
    return http


@pytest.mark.parametrize("revision", REVISIONS)
@pytest.mark.parametrize("grant", ["password", "Password"])
def test_password_grant_issues_a_bearer_token(sim, revision, grant):
    answer = bare(sim, revision).post(sim.vbr_url + "oauth2/token", data=form(sim, grant_type=grant))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "refresh_token", "expires_in", ".issued", ".expires"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 900 and body["access_token"].count(".") == 2
    assert body[".issued"].endswith("Z") and body[".expires"] > body[".issued"]


@pytest.mark.parametrize("header", [None, "", "1.0-rev2", "1.3-rev3", "1.4-rev0", "1.3", "v1.3-rev1"])
def test_missing_or_unknown_api_version_is_400(sim, header):
    http = bare(sim, None)
    if header is not None:
        http.headers["x-api-version"] = header
    for answer in (http.post(sim.vbr_url + "oauth2/token", data=form(sim)), http.get(sim.vbr_url + "v1/jobs")):
        assert answer.status_code == 400
        # A 13.1 server (the default) answers errorCode NotImplemented (1.3-rev2's BadRequest example; older ones UnexpectedContent).
        assert answer.json() == {"errorCode": "NotImplemented",
                                 "message": "Unsupported RESTAPI version. The following versions are supported: v1.1-rev0, v1.1-rev1, "
                                            "v1.1-rev2, v1.2-rev0, v1.2-rev1, v1.3-rev0, v1.3-rev1, v1.3-rev2."}


def test_every_request_needs_the_version_header(vbr):
    session = vbr()
    assert session.get("v1/jobs").status_code == 200
    del session.http.headers["x-api-version"]
    assert session.get("v1/jobs").status_code == 400
    assert session.post("oauth2/logout").status_code == 400


def test_served_revisions_are_configurable(sim, vbr):
    sim.configure(vbr_api_versions=["1.3-rev1"])
    assert vbr("1.3-rev1").get("v1/jobs").status_code == 200
    answer = bare(sim, "1.2-rev1").post(sim.vbr_url + "oauth2/token", data=form(sim))
    assert answer.status_code == 400 and answer.json()["message"].endswith("supported: v1.3-rev1.")
    sim.reset()
    assert sim.config()["vbr_api_versions"] == list(ALL) and sim.config()["vbr_release"] == "13.1"
    assert sim.session.post(sim.vbr_url.replace("/api/", "/") + "_sim/config", json={"vbr_api_versions": ["2.0-rev0"]}).status_code == 400
    assert sim.session.post(sim.vbr_url.replace("/api/", "/") + "_sim/config", json={"vbr_api_versions": []}).status_code == 400


def test_a_server_that_only_knows_one_revision(tmp_path):
    with SimProcess(["--vbr-api-versions", "1.2-rev1"], state_dir=str(tmp_path)) as client:
        assert client.vbr_url.startswith("https://127.0.0.1:") and client.vbr_url.endswith("/api/") and client.vbr_port
        assert bare(client, "1.3-rev1").post(client.vbr_url + "oauth2/token", data=form(client)).status_code == 400
        assert bare(client, "1.2-rev1").post(client.vbr_url + "oauth2/token", data=form(client)).status_code == 200
        client.reset()
        assert client.config()["vbr_api_versions"] == ["1.2-rev1"]


def test_wrong_password_is_401_access_denied(sim):
    answer = bare(sim).post(sim.vbr_url + "oauth2/token", data=form(sim, password="wrong"))
    assert answer.status_code == 401
    assert answer.json() == {"errorCode": "AccessDenied", "message": "Failed to log in: the user name or password is incorrect."}


@pytest.mark.parametrize("data, json_body", [
    ({"grant_type": "authorization_code", "code": "x"}, None),
    ({"grant_type": "password", "username": "backupops"}, None),
    ({}, None),
    (None, {"grant_type": "password"}),
])
def test_malformed_token_requests_are_400(sim, data, json_body):
    answer = bare(sim).post(sim.vbr_url + "oauth2/token", data=data, json=json_body)
    assert answer.status_code == 400 and answer.json()["errorCode"] == "UnexpectedContent"


@pytest.mark.parametrize("grant", ["refresh_token", "Refresh_token"])
def test_refresh_grant_rotates_the_pair(sim, vbr, grant):
    session = vbr()
    http = bare(sim)
    answer = http.post(sim.vbr_url + "oauth2/token", data={"grant_type": grant, "refresh_token": session.token["refresh_token"]})
    assert answer.status_code == 200
    assert session.get("v1/jobs").status_code == 401
    http.headers["Authorization"] = "Bearer " + answer.json()["access_token"]
    assert http.get(sim.vbr_url + "v1/jobs").status_code == 200
    again = http.post(sim.vbr_url + "oauth2/token", data={"grant_type": grant, "refresh_token": session.token["refresh_token"]})
    assert again.status_code == 401 and again.json()["errorCode"] == "InvalidToken"


@pytest.mark.parametrize("header, code", [(None, "AccessDenied"), ("Bearer nonsense", "InvalidToken"), ("Basic Zm9vOmJhcg==", "AccessDenied")])
def test_missing_or_invalid_token_is_401(sim, header, code):
    http = bare(sim)
    if header:
        http.headers["Authorization"] = header
    answer = http.get(sim.vbr_url + "v1/jobs")
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"
    assert answer.json()["errorCode"] == code


def test_token_expires(sim, vbr):
    sim.configure(vbr_token_seconds=1.5)
    session = vbr()
    assert session.token["expires_in"] == 1
    assert session.get("v1/jobs").status_code == 200
    time.sleep(1.6)
    for _request in range(2):
        answer = session.get("v1/jobs")
        assert answer.status_code == 401 and answer.json() == {"errorCode": "ExpiredToken", "message": "The access token has expired."}
    assert sim.state()["vbr"]["tokens"] == 0
    # The refresh token outlives the access token: that is what it is for.
    refresh = {"grant_type": "refresh_token", "refresh_token": session.token["refresh_token"]}
    fresh = bare(sim).post(sim.vbr_url + "oauth2/token", data=refresh)
    assert fresh.status_code == 200 and sim.state()["vbr"]["tokens"] == 1
    assert session.get("v1/jobs").json()["errorCode"] == "InvalidToken"  # the old pair is gone once refreshed


@pytest.mark.parametrize("revision", REVISIONS)
def test_logout_ends_access_and_refresh_token(sim, vbr, revision):
    session = vbr(revision)
    answer = session.post("oauth2/logout")
    assert answer.status_code == 200 and answer.json() == {}
    assert session.get("v1/jobs").status_code == 401
    refresh = {"grant_type": "refresh_token", "refresh_token": session.token["refresh_token"]}
    again = bare(sim, revision).post(sim.vbr_url + "oauth2/token", data=refresh)
    assert again.status_code == 401
    assert session.post("oauth2/logout").status_code == 401


def test_unknown_route_and_wrong_method(vbr):
    session = vbr()
    answer = session.get("v1/nothing")
    assert answer.status_code == 404 and answer.json()["errorCode"] == "InvalidURI"
    answer = session.http.delete(session.url("v1/jobs"))
    assert answer.status_code == 405 and answer.json()["errorCode"] == "MethodNotAllowed"
    assert session.get("V1/Jobs/").status_code == 200  # case-insensitive, trailing slash ignored
