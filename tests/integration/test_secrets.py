"""No secret in verbose output (issue 9, part 3): every module at -vvvv with failures injected, and the TLS default.

The secrets are collected from what the simulator saw: the password (and the wrong one we pass), the Basic credentials of
EM logons, every bearer access token and refresh token, and every X-RestSvcSessionId value. None of them may appear in
ansible-playbook's stdout or stderr, nor in the task results recorded by the callback.
"""

import base64
import json

from urllib.parse import parse_qs

import pytest

WRONG_PASSWORD = "Wr0ng-S3cret-9f4e!"
# From the environment, not the playbook: ansible-core 2.19 quotes the failing task's source lines (literal values included).
WRONG = "{{ lookup('env', 'WRONG_VEEAM_PASSWORD') }}"
WRONG_ENV = {"WRONG_VEEAM_PASSWORD": WRONG_PASSWORD}
CLEAR_CA_ENV = {"REQUESTS_CA_BUNDLE": "", "SSL_CERT_FILE": "", "CURL_CA_BUNDLE": ""}


def issued_secrets(sim):
    """Every credential value that travelled to the simulator (headers and token request bodies)."""
    secrets = {sim.password, WRONG_PASSWORD}
    for request in sim.requests()["requests"]:
        for key, value in (request.get("headers") or {}).items():
            if key.lower() == "authorization":
                scheme, _sep, credential = value.partition(" ")
                secrets.add(credential)
                if scheme.lower() == "basic":
                    secrets.add(base64.b64decode(credential).decode("utf-8", "replace").partition(":")[2])
            elif key.lower() == "x-restsvcsessionid":
                secrets.add(value)
        if request["method"] == "POST" and request["path"].lower().endswith("/token") and request.get("body"):
            form = parse_qs(request["body"])
            for field in ("password", "refresh_token"):
                secrets.update(form.get(field, []))
    return sorted(secret for secret in secrets if secret and len(secret) >= 8)


def assert_nothing_leaked(run, sim, minimum_tokens):
    secrets = issued_secrets(sim)
    assert len(secrets) >= 2 + minimum_tokens, secrets
    outputs = {"stdout": run.stdout, "stderr": run.stderr, "results": json.dumps(run.results)}
    for where, text in outputs.items():
        for secret in secrets:
            if secret in text:
                at = text.index(secret)
                context = text[max(0, at - 300):at + len(secret) + 100].replace(secret, "<SECRET>")
                raise AssertionError("a secret (%s..., %d chars) appears in %s: %r" % (secret[:4], len(secret), where, context))


def task(module, **args):
    return {"name": module, "backupops.veeam." + module: args, "ignore_errors": True}


# The OAuth2 APIs: (job module, info module, the simulator's flag key, the GET an expiry is injected into).
OAUTH2_APIS = {
    "vb365": ("veeam_o365_job", "veeam_o365_job_info", "isEnabled", r"/JobSessions"),
    "vbr": ("veeam_vbr_job", "veeam_vbr_job_info", "enabled", r"/api/v1/sessions"),
}


@pytest.mark.parametrize("api", sorted(OAUTH2_APIS))
def test_oauth2_modules_leak_nothing_at_vvvv(ansible, sim, api):
    module, info, flag, sessions_path = OAUTH2_APIS[api]
    jobs = sim.state()[api]["jobs"]
    enabled = next(job for job in jobs if job[flag] and not job["running"])
    disabled = next(job for job in jobs if not job[flag] and not job["running"])
    sim.inject("expire", api=api, method="POST", path=r"/disable$", count=1)
    sim.inject("status", api=api, method="POST", path=r"/enable$", status=500, count=1)
    sim.inject("expire", api=api, method="GET", path=sessions_path, count=1)
    run = ansible.run([
        task(module, name=enabled["name"], state="disabled"),
        task(module, name=disabled["name"], state="enabled"),
        task(info, name=enabled["name"], sessions=2),
        task(module, name=enabled["name"], state="enabled", password=WRONG),
        task(info, password=WRONG),
    ], verbosity=4, env=WRONG_ENV)
    assert len(run.results) == 5, run
    assert not run.results[0].get("failed") and not run.results[2].get("failed"), run.results
    assert run.results[3]["failed"] is True and run.results[4]["failed"] is True
    assert "Traceback" not in run.stdout + run.stderr
    # Two re-logins after the expiries, a login for each of the first three tasks: at least 5 bearer tokens issued.
    assert_nothing_leaked(run, sim, minimum_tokens=5)


def test_vbr_infrastructure_modules_leak_nothing_at_vvvv(ansible, sim):
    """The three infrastructure modules and the info module (issue 31), each with an expiry on one of its requests (a refresh
    renews the session), an unclear answer on a write (a failure with the answer in a warning) and a wrong password."""
    sim.configure(vbr_maintenance_seconds=0.3)
    sim.inject("expire", api="vbr", method="POST", path=r"(?i)/enableMaintenanceMode$", count=1)
    sim.inject("expire", api="vbr", method="GET", path=r"/api/v1/sessions/", count=1)
    sim.inject("expire", api="vbr", method="GET", path=r"(?i)/proxies/states", count=1)
    sim.inject("status", api="vbr", method="PUT", path=r"(?i)/api/v1/configBackup$", status=500, count=1)
    sim.inject("expire", api="vbr", method="GET", path=r"(?i)/backupInfrastructure/repositories\?", count=1)
    extent = dict(scale_out_repository="SOBR Production", extents=["SOBR Extent 01"], maintenance=True)
    leave = dict(scale_out_repository="SOBR Production", extents=["SOBR Extent 01"], maintenance=False)
    run = ansible.run([
        task("veeam_vbr_extent", **extent),
        task("veeam_vbr_proxy", name=["proxy02.backupops.local"], state="disabled"),
        task("veeam_vbr_config_backup", state="disabled", wait_timeout=2, wait_sleep=0.5),
        task("veeam_vbr_infrastructure_info"),
        task("veeam_vbr_extent", password=WRONG, **leave),
        task("veeam_vbr_proxy", name=["proxy02.backupops.local"], state="enabled", password=WRONG),
        task("veeam_vbr_config_backup", state="enabled", password=WRONG),
        task("veeam_vbr_infrastructure_info", password=WRONG),
    ], verbosity=4, env=WRONG_ENV)
    assert len(run.results) == 8, run
    assert [bool(result.get("failed")) for result in run.results] == [False, False, True, False, True, True, True, True], run.results
    assert run.results[0]["changed"] is True and run.results[1]["changed"] is True, run.results[:2]
    assert "unclear" in " ".join(run.results[2].get("warnings", [])), run.results[2]
    assert sim.faults() == [], "every injected fault met a request"
    assert "Traceback" not in run.stdout + run.stderr
    # A login for each of the first four tasks and a renewal after each of the four expiries: at least 8 bearer tokens.
    assert_nothing_leaked(run, sim, minimum_tokens=8)


def test_em_modules_leak_nothing_at_vvvv_in_both_formats(ansible, sim):
    jobs = sim.state()["em"]["jobs"]
    enabled = next(job for job in jobs if job["enabled"] and not job["running"])
    disabled = next(job for job in jobs if not job["enabled"] and not job["running"])
    sim.inject("expire", api="em", method="GET", path=r"type=BackupJobSession", count=1)
    sim.inject("status", api="em", method="POST", path=disabled["id"] + r"\?action=toggleScheduleEnabled", status=500, count=1)
    run = ansible.run([
        task("veeam_agent_job", format="xml", name=enabled["name"], state="disabled"),
        task("veeam_agent_job", format="json", name=disabled["name"], state="enabled"),
        task("veeam_agent_job_info", format="xml"),
        task("veeam_agent_job_info", format="json", name=enabled["name"]),
        task("veeam_agent_job", format="xml", name=enabled["name"], state="enabled", password=WRONG),
        task("veeam_agent_job_info", format="json", password=WRONG),
    ], verbosity=4, env=WRONG_ENV)
    assert len(run.results) == 6, run
    assert not run.results[0].get("failed"), run.results[0]
    assert run.results[4]["failed"] is True and run.results[5]["failed"] is True
    assert "Traceback" not in run.stdout + run.stderr
    assert_nothing_leaked(run, sim, minimum_tokens=4)


def test_self_signed_server_without_ca_path_suggests_ca_path_not_validate_certs_false(ansible, sim):
    run = ansible.run([
        task("veeam_o365_job", all_jobs=True, state="enabled", ca_path=None),
        task("veeam_o365_job_info", ca_path=None),
        task("veeam_agent_job", format="xml", all_jobs=True, state="enabled", ca_path=None),
        task("veeam_agent_job_info", format="json", ca_path=None),
    ], env=CLEAR_CA_ENV)
    assert len(run.results) == 4, run
    for result in run.results:
        assert result["failed"] is True, result
        message = result["msg"]
        assert "certificate" in message and "ca_path" in message, message
        assert "validate_certs" not in message, message
        assert "\n" not in message and "Traceback" not in str(result), message
    assert sim.writes() == []
    assert sim.state()["em"]["logon_sessions"] == 0


def test_the_maintenance_window_role_leaks_nothing_at_vvvv_into_runner_artifacts_or_records(window, sim):
    """The role as AWX runs it (ansible-runner, credentials injected as environment variables), with faults on every API."""
    sim.inject("expire", api="vb365", method="GET", path=r"/v8/Jobs\?", count=1)
    sim.inject("expire", api="vbr", method="POST", path=r"/disable$", count=1)
    sim.inject("status", api="em", method="POST", path=r"action=toggleScheduleEnabled", status=503, apply=True, count=1)
    begin = window.run("maintenance_begin.yml", verbosity=4)
    sim.inject("expire", api="em", method="GET", path=r"type=AgentBackupJob", count=1)
    end = window.run("maintenance_end.yml", verbosity=4)
    assert begin.status == "successful" and end.status == "successful", (begin, end)
    assert "task path:" in begin.stdout and "PLAYBOOK: maintenance_begin.yml" in begin.stdout, "the run was not verbose"
    assert any("unclear" in str(event) for event in begin.events), "the injected EM fault was not met"

    secrets = issued_secrets(sim)
    # The password, one bearer token per VB365 login (two of them renewals) and the EM session ids.
    assert len(secrets) >= 6, secrets
    # ansible-runner's own `command` file records the environment it was handed (AWX's injected credentials), not our output.
    kept = [path for run in (begin, end) for path in run.artifact_dir.rglob("*") if path.is_file() and path.name != "command"]
    kept += list(window.record_dir.glob("*.json"))
    assert len([path for path in kept if path.suffix == ".json"]) >= 10, kept
    for path in kept:
        text = path.read_text(errors="replace")
        leaked = [secret[:4] + "..." for secret in secrets if secret in text]
        assert not leaked, "secrets %s appear in %s" % (leaked, path)
    for run in (begin, end):
        assert not [secret for secret in secrets if secret in run.stdout]
