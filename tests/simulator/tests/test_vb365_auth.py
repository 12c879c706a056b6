"""VB365 login, token lifetime, refresh, logout and the antiforgery assumption."""

import time

import pytest

from sim_helpers import http_session


def form(sim, **extra):
    return dict({"grant_type": "password", "username": sim.username, "password": sim.password}, **extra)


@pytest.mark.parametrize("version", ["v2", "v5", "v6", "v7", "v8"])
def test_password_grant_issues_a_bearer_token(sim, version):
    answer = http_session(sim).post(sim.vb365_url + version + "/token", data=form(sim, disable_antiforgery_token="true"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600 and body["userName"] == sim.username
    assert body["access_token"].count(".") == 2 and body["refresh_token"]
    assert body[".issued"].endswith("Z") and body[".expires"] > body[".issued"]


def test_wrong_password_is_invalid_grant(sim):
    answer = http_session(sim).post(sim.vb365_url + "v8/token", data=form(sim, password="wrong"))
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_grant", "error_description": "The user name or password is incorrect."}


def test_unknown_grant_type_and_json_body_are_refused(sim):
    http = http_session(sim)
    assert http.post(sim.vb365_url + "v8/token", data={"grant_type": "magic"}).json()["error"] == "unsupported_grant_type"
    assert http.post(sim.vb365_url + "v8/token", json=form(sim)).status_code == 400


def test_refresh_grant_rotates_tokens(sim, vb):
    session = vb("v8")
    http = http_session(sim)
    answer = http.post(sim.vb365_url + "v8/token", data={"grant_type": "refresh_token", "refresh_token": session.token["refresh_token"]})
    assert answer.status_code == 200
    fresh = answer.json()
    assert fresh["access_token"] != session.token["access_token"]
    assert session.get("Jobs").status_code == 401
    http.headers["Authorization"] = "Bearer " + fresh["access_token"]
    assert http.get(sim.vb365_url + "v8/Jobs").status_code == 200
    again = http.post(sim.vb365_url + "v8/token", data={"grant_type": "refresh_token", "refresh_token": session.token["refresh_token"]})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic Zm9vOmJhcg=="])
def test_missing_or_invalid_token_is_401(sim, header):
    http = http_session(sim)
    if header:
        http.headers["Authorization"] = header
    answer = http.get(sim.vb365_url + "v8/Jobs")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    body = answer.json()
    assert body["message"] == "Authorization has been denied for this request."
    assert body["errorCode"] is None and isinstance(body["stackTrace"], str)


def test_token_expires(sim, vb):
    sim.configure(vb365_token_seconds=1.5)
    session = vb("v8")
    assert session.token["expires_in"] == 1
    assert session.get("Jobs").status_code == 200
    time.sleep(1.6)
    assert session.get("Jobs").status_code == 401


def test_logout_from_v7_ends_the_token(vb):
    session = vb("v7")
    answer = session.post("token/logout")
    assert answer.status_code == 204 and answer.content == b""
    assert session.get("Jobs").status_code == 401


def test_there_is_no_logout_before_v7(vb):
    assert vb("v6").post("token/logout").status_code == 404


def test_v7_token_without_disable_antiforgery_token_cannot_write(sim, vb):
    session = vb("v7", antiforgery=True)
    job_id = session.job_id("Exchange Online Daily")
    assert session.get("Jobs").status_code == 200
    answer = session.post("Jobs/%s/disable" % job_id)
    assert answer.status_code == 400
    assert answer.json() == {"message": "The required antiforgery header is not present.", "errorCode": None}
    assert sim.vb365_job("Exchange Online Daily")["isEnabled"] is True
    assert vb("v7").post("Jobs/%s/disable" % job_id).status_code == 204


def test_v6_ignores_the_antiforgery_parameter(vb):
    session = vb("v6", antiforgery=True)
    assert session.post("Jobs/%s/disable" % session.job_id("Exchange Online Daily")).status_code == 204


def test_unknown_version_and_route_are_404(vb, sim):
    session = vb("v8")
    assert session.http.get(sim.vb365_url + "v9/Jobs").status_code == 404
    assert session.http.get(sim.vb365_url + "v1/Jobs").status_code == 404
    answer = session.get("Nothing")
    assert answer.status_code == 404 and answer.json()["errorCode"] == "ResourceNotFound"
    assert session.http.delete(session.url("Jobs")).status_code == 405
