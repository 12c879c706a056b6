"""VBR REST API accounts and roles (scenario `vbr.users`), 403 AccessDenied per revision, and the token counters of /_sim/state."""

import time

import pytest

from sim_helpers import http_session

MISSING = "00000000-0000-0000-0000-000000000000"
USERS = [{"name": "operator", "password": "Operator-1", "role": "Veeam Backup Operator"},
         {"name": "viewer", "password": "Viewer-1", "role": "Backup Viewer"},  # 1.3-rev2's spelling of the same role
         {"name": "Starter", "password": "Custom-1", "role": "Job Starters"},
         {"name": "tape", "password": "Tape-1", "role": "Veeam Tape Operator"}]
PASSWORDS = {user["name"].lower(): user["password"] for user in USERS}
ADMIN_ONLY = "Access denied. The operation requires one of the roles: Veeam Backup Administrator."
OPERATORS = "Access denied. The operation requires one of the roles: Veeam Backup Administrator, Veeam Backup Operator."


@pytest.fixture
def accounts(sim):
    scenario = {"vbr": {"jobs": [{"name": "Nightly", "lastResult": "Success"}, {"name": "Busy", "running": True}], "users": USERS}}
    sim.reset(scenario)
    return sim


def as_user(vbr, revision, name):
    return vbr(revision, username=name, password=PASSWORDS[name.lower()])


def form(name, password=None):
    return {"grant_type": "password", "username": name, "password": password or PASSWORDS[name.lower()]}


def bare(sim, revision):
    http = http_session(sim)
    http.headers["x-api-version"] = revision
    return http


@pytest.mark.parametrize("revision", ["1.1-rev0", "1.2-rev1", "1.3-rev0", "1.3-rev1", "1.3-rev2"])
def test_operator_starts_and_stops_but_may_not_toggle(vbr, accounts, revision):
    session = as_user(vbr, revision, "operator")
    nightly = session.job_id("Nightly")
    for action in ("disable", "enable"):
        answer = session.post("v1/jobs/%s/%s" % (nightly, action))
        assert (answer.status_code, answer.json()) == (403, {"errorCode": "AccessDenied", "message": ADMIN_ONLY})
    assert accounts.vbr_job("Nightly")["enabled"] is True
    assert session.post("v1/jobs/%s/start" % nightly).status_code == 201
    assert session.post("v1/jobs/%s/stop" % session.job_id("Busy")).status_code == 201
    assert session.get("v1/jobs").status_code == 200 and session.get("v1/sessions").status_code == 200


@pytest.mark.parametrize("revision", ["1.1-rev0", "1.3-rev1", "1.3-rev2"])
def test_viewer_only_reads(vbr, accounts, revision):
    session = as_user(vbr, revision, "viewer")
    for path in ("v1/jobs", "v1/jobs/states", "v1/sessions", "v1/jobs/" + session.job_id("Nightly")):
        assert session.get(path).status_code == 200, path
    for action, message in (("start", OPERATORS), ("stop", OPERATORS), ("enable", ADMIN_ONLY), ("disable", ADMIN_ONLY)):
        answer = session.post("v1/jobs/%s/%s" % (session.job_id("Busy"), action))
        if action in ("start", "stop") and revision == "1.3-rev2":
            message = message[:-1] + ", a custom role with backup permissions."
        if action in ("start", "stop") and revision == "1.3-rev1":
            message = message[:-1] + ", Veeam Tape Operator."
        assert (answer.status_code, answer.json()) == (403, {"errorCode": "AccessDenied", "message": message})
        # The role is checked before the job is looked up (ASP.NET authorizes before the action runs).
        assert session.post("v1/jobs/%s/%s" % (MISSING, action)).status_code == 403
    assert accounts.vbr_job("Busy")["running"] is True and len(accounts.vbr_job("Nightly")["sessions"]) == 1
    assert session.post("oauth2/logout").status_code == 200


@pytest.mark.parametrize("revision, login", [("1.1-rev0", 200), ("1.2-rev1", 200), ("1.3-rev0", 403), ("1.3-rev1", 403), ("1.3-rev2", 200)])
def test_custom_role_login(accounts, revision, login):
    answer = bare(accounts, revision).post(accounts.vbr_url + "oauth2/token", data=form("starter"))
    assert answer.status_code == login, answer.text
    if login == 403:
        assert answer.json() == {"errorCode": "AccessDenied", "message": "Authentication with custom roles is not allowed."}
        assert accounts.state()["vbr"]["tokens"] == 0


@pytest.mark.parametrize("revision, actions", [("1.2-rev1", 403), ("1.3-rev2", 201)])
def test_custom_role_actions(vbr, accounts, revision, actions):
    session = as_user(vbr, revision, "starter")
    assert session.get("v1/jobs/states").status_code == 200
    assert session.post("v1/jobs/%s/start" % session.job_id("Nightly")).status_code == actions
    assert session.post("v1/jobs/%s/stop" % session.job_id("Busy")).status_code == actions
    assert session.post("v1/jobs/%s/disable" % session.job_id("Nightly")).json()["message"] == ADMIN_ONLY


def test_a_refreshed_token_keeps_its_role_and_the_revision_rules(vbr, accounts):
    session = as_user(vbr, "1.3-rev2", "starter")
    refresh = {"grant_type": "refresh_token", "refresh_token": session.token["refresh_token"]}
    refused = bare(accounts, "1.3-rev1").post(accounts.vbr_url + "oauth2/token", data=refresh)
    assert refused.status_code == 403 and refused.json()["message"] == "Authentication with custom roles is not allowed."
    renewed = bare(accounts, "1.3-rev2").post(accounts.vbr_url + "oauth2/token", data=refresh)  # the refused grant used nothing up
    assert renewed.status_code == 200
    http = bare(accounts, "1.3-rev2")
    http.headers["Authorization"] = "Bearer " + renewed.json()["access_token"]
    assert http.post(accounts.vbr_url + "v1/jobs/%s/enable" % session.job_id("Nightly")).status_code == 403
    assert http.post(accounts.vbr_url + "v1/jobs/%s/start" % session.job_id("Nightly")).status_code == 201
    assert accounts.state()["vbr"]["refreshes"] == 1


def test_accounts_are_checked_like_the_command_line_one(accounts):
    http = bare(accounts, "1.3-rev1")
    assert http.post(accounts.vbr_url + "oauth2/token", data=form("OPERATOR")).status_code == 200  # names are case-insensitive
    wrong = http.post(accounts.vbr_url + "oauth2/token", data=form("operator", "operator-1"))
    assert wrong.status_code == 401 and wrong.json()["errorCode"] == "AccessDenied"
    assert http.post(accounts.vbr_url + "oauth2/token", data=form("nobody", "x")).status_code == 401
    admin = http.post(accounts.vbr_url + "oauth2/token", data={"grant_type": "password", "username": accounts.username, "password": accounts.password})
    assert admin.status_code == 200 and accounts.state()["vbr"]["tokens"] == 2


def test_token_counters_and_logout_with_an_expired_token(vbr, sim):
    sim.configure(vbr_token_seconds=1)
    first, second = vbr("1.2-rev1"), vbr("1.3-rev2")
    assert sim.state()["vbr"]["tokens"] == 2 and sim.state()["vbr"]["refreshes"] == 0
    assert second.post("oauth2/logout").status_code == 200
    assert sim.state()["vbr"]["tokens"] == 1
    time.sleep(1.1)
    expired = first.post("oauth2/logout")
    assert expired.status_code == 401 and expired.json()["errorCode"] == "ExpiredToken"
    assert sim.state()["vbr"]["tokens"] == 0
    refresh = {"grant_type": "Refresh_token", "refresh_token": first.token["refresh_token"]}
    renewed = bare(sim, "1.2-rev1").post(sim.vbr_url + "oauth2/token", data=refresh)
    assert renewed.status_code == 200 and sim.state()["vbr"] == dict(sim.state()["vbr"], tokens=1, refreshes=1)
    first.http.headers["Authorization"] = "Bearer " + renewed.json()["access_token"]
    assert first.post("oauth2/logout").status_code == 200 and sim.state()["vbr"]["tokens"] == 0
    sim.reset()
    assert sim.state()["vbr"]["refreshes"] == 0


@pytest.mark.parametrize("revision, actions", [("1.2-rev1", 403), ("1.3-rev0", 201), ("1.3-rev1", 201), ("1.3-rev2", 403)])
def test_the_tape_operator_starts_and_stops_only_where_the_document_says(vbr, accounts, revision, actions):
    """start/stop "Available to: ..., Veeam Tape Operator" in 1.3-rev0 and 1.3-rev1 only (1.3-rev2 names custom roles instead)."""
    session = as_user(vbr, revision, "tape")
    assert session.post("v1/jobs/%s/start" % session.job_id("Nightly")).status_code == actions
    assert session.post("v1/jobs/%s/stop" % session.job_id("Busy")).status_code == actions
    refused = session.post("v1/jobs/%s/disable" % session.job_id("Nightly"))
    assert (refused.status_code, refused.json()["message"]) == (403, ADMIN_ONLY)
    assert len(accounts.vbr_job("Nightly")["sessions"]) == (2 if actions == 201 else 1)
