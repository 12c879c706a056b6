"""VBR answers (and the requests these tests send) validated against both vendor OpenAPI documents, 1.2-rev1 and 1.3-rev1.

The documents are read where they are (../shared/specs next to the repository) and never copied; without them these
tests are skipped. OpenAPI 3.0 is turned into JSON Schema as in test_contract.py (`nullable`, `$ref`s into
components/schemas); in addition a `discriminator` with `oneOf` (JobModel by `type`, InventoryObjectModel by
`platform`) becomes "the discriminator value must be a mapping key, and the mapped schema must hold", with the
mapped schemas' `allOf` pointing at the base schema without its `oneOf` (otherwise JobModel -> BackupJobModel ->
JobModel would never end, and `oneOf` would fail on schemas that overlap).
"""

import copy
import datetime
import functools
import json
import re
import uuid

import pytest
from jsonschema import Draft7Validator, FormatChecker

from sim_helpers import idle, wait_until
from test_contract import SPECS, nullable_to_json_schema

REVISIONS = ("1.2-rev1", "1.3-rev1")
REF = "#/components/schemas/"

# The formats these documents use for ids and times (jsonschema checks neither without extra packages).
FORMATS = FormatChecker(formats=())


@FORMATS.checks("uuid", raises=ValueError)
def _uuid(value):
    return not isinstance(value, str) or str(uuid.UUID(value)) == value.lower()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value):
    return not isinstance(value, str) or ("T" in value and datetime.datetime.fromisoformat(value).tzinfo is not None)


DOCUMENTS = [SPECS / ("vbr_rest_%s.json" % revision) for revision in REVISIONS]

pytestmark = pytest.mark.skipif(not all(path.is_file() for path in DOCUMENTS),
                                reason="vendor OpenAPI documents %s not found (they live outside the repository)"
                                % ", ".join(str(path) for path in DOCUMENTS))


@functools.lru_cache(maxsize=None)
def spec(revision):
    with open(SPECS / ("vbr_rest_%s.json" % revision), encoding="utf-8") as handle:
        return json.load(handle)


def _discriminated(schemas):
    """Rewrite every schema with a discriminator + oneOf into base + if/then per mapping entry (see the module docstring)."""
    for name in [n for n, s in schemas.items() if "discriminator" in s and "oneOf" in s]:
        base = {k: v for k, v in schemas[name].items() if k not in ("discriminator", "oneOf")}
        schemas[name + "__base"] = base
        prop = schemas[name]["discriminator"]["propertyName"]
        mapping = schemas[name]["discriminator"]["mapping"]
        checks = [{"if": {"properties": {prop: {"const": key}}}, "then": {"$ref": target}} for key, target in mapping.items()]
        schemas[name] = {"allOf": [{"$ref": REF + name + "__base"}, {"properties": {prop: {"enum": sorted(mapping)}}}] + checks}
        for target in mapping.values():
            mapped = schemas[target.split("/")[-1]]
            mapped["allOf"] = [{"$ref": REF + name + "__base"} if part.get("$ref") == REF + name else part for part in mapped.get("allOf", [])]
    return schemas


@functools.lru_cache(maxsize=None)
def components(revision):
    return _discriminated(nullable_to_json_schema(copy.deepcopy(spec(revision)["components"]["schemas"])))


def check(revision, schema, value):
    """Validate value against a schema object or a component name of this revision's document."""
    root = {"$ref": REF + schema} if isinstance(schema, str) else nullable_to_json_schema(copy.deepcopy(schema))
    root["components"] = {"schemas": components(revision)}
    errors = sorted(Draft7Validator(root, format_checker=FORMATS).iter_errors(value), key=lambda e: list(e.path))
    assert not errors, "\n".join("%s: %s" % ("/".join(map(str, e.path)), e.message) for e in errors[:10])


def operation(revision, path, method):
    return spec(revision)["paths"][path][method]


def documented(revision, path, method, status):
    return str(status) in operation(revision, path, method)["responses"]


def response_schema(revision, path, method, status):
    answer = operation(revision, path, method)["responses"][str(status)]
    if "$ref" in answer:
        answer = spec(revision)["components"]["responses"][answer["$ref"].split("/")[-1]]
    return answer["content"]["application/json"]["schema"]


def check_answer(revision, path, method, answer):
    """The status is documented for the operation and the body fits its schema."""
    assert documented(revision, path, method, answer.status_code), (path, method, answer.status_code)
    if answer.content:
        check(revision, response_schema(revision, path, method, answer.status_code), answer.json())


@pytest.mark.parametrize("revision", REVISIONS)
def test_token_and_logout(vbr, revision):
    session = vbr(revision)
    check(revision, response_schema(revision, "/api/oauth2/token", "post", 200), session.token)
    check_answer(revision, "/api/oauth2/logout", "post", session.post("oauth2/logout"))


def test_token_request_forms_and_the_grant_type_casing():
    """The form we send fits TokenLoginSpec; 1.3-rev1's ELoginGrantType enum is capitalised (the simulator takes both)."""
    form = {"grant_type": "password", "username": "backupops", "password": "x"}
    check("1.2-rev1", "TokenLoginSpec", form)
    check("1.3-rev1", "TokenLoginSpec", dict(form, grant_type="Password"))
    check("1.3-rev1", "TokenLoginSpec", {"grant_type": "Refresh_token", "refresh_token": "x"})
    with pytest.raises(AssertionError, match="grant_type"):
        check("1.3-rev1", "TokenLoginSpec", form)
    for revision in REVISIONS:
        assert spec(revision)["components"]["parameters"]["apiVersionParam"]["required"] is True
        assert spec(revision)["components"]["parameters"]["apiVersionParam"]["schema"]["default"] == revision


@pytest.mark.parametrize("revision", REVISIONS)
def test_jobs_job_and_states(vbr, revision):
    session = vbr(revision)
    listed = session.get("v1/jobs")
    check_answer(revision, "/api/v1/jobs", "get", listed)
    assert len(listed.json()["data"]) == (3 if revision == "1.2-rev1" else 7)
    for job in listed.json()["data"]:
        check_answer(revision, "/api/v1/jobs/{id}", "get", session.get("v1/jobs/" + job["id"]))
    states = session.get("v1/jobs/states", params={"orderColumn": "Name", "orderAsc": "true"})
    check_answer(revision, "/api/v1/jobs/states", "get", states)
    assert {s["status"] for s in states.json()["data"]} >= ({"running", "inactive", "disabled"} if revision == "1.2-rev1"
                                                            else {"Running", "Inactive", "Disabled"})


def test_every_generated_type_fits_its_mapped_schema(vbr):
    """The discriminator really selects: a VSphereBackup job is refused by the HyperV schema and the other way round."""
    session = vbr()
    jobs = {job["type"]: job for job in session.get("v1/jobs").json()["data"]}
    check("1.3-rev1", "HyperVBackupJobModel", jobs["HyperVBackup"])
    check("1.3-rev1", "WindowsAgentManagementBackupJobModel", jobs["WindowsAgentBackup"])
    check("1.3-rev1", "BackupCopyJobModel", jobs["BackupCopy"])
    with pytest.raises(AssertionError):
        check("1.3-rev1", "JobModel", dict(jobs["VSphereBackup"], type="HyperVBackup"))
    with pytest.raises(AssertionError):
        check("1.2-rev1", "JobModel", jobs["VSphereBackup"])  # 1.2-rev1 has no type VSphereBackup and no platform VSphere
    with pytest.raises(AssertionError, match="uuid"):
        check("1.3-rev1", "JobModel", dict(jobs["VSphereBackup"], id="job-1"))
    with pytest.raises(AssertionError, match="date-time"):
        check("1.3-rev1", "SessionModel", {"id": jobs["BackupCopy"]["id"], "name": "x", "jobId": jobs["BackupCopy"]["id"], "usn": 0,
                                           "sessionType": "BackupJob", "state": "Working", "creationTime": "yesterday"})


@pytest.mark.parametrize("revision", REVISIONS)
def test_actions_and_sessions(vbr, sim, revision):
    sim.configure(vbr_run_seconds=0.3, vbr_stop_seconds=0.1)
    session = vbr(revision)
    job_id = session.job_id("VMware Production VMs")
    for action in ("disable", "enable"):
        check_answer(revision, "/api/v1/jobs/{id}/" + action, "post", session.post("v1/jobs/%s/%s" % (job_id, action)))
    start_spec, stop_spec = {"performActiveFull": False, "startChainedJobs": False}, {"gracefulStop": True}
    check(revision, "JobStartSpec", start_spec)
    check(revision, "JobStopSpec", stop_spec)
    check_answer(revision, "/api/v1/jobs/{id}/start", "post", session.post("v1/jobs/%s/start" % job_id, json=start_spec))
    running = session.job_id("SQL Cluster VMs")
    check_answer(revision, "/api/v1/jobs/{id}/stop", "post", session.post("v1/jobs/%s/stop" % running, json=stop_spec))
    check_answer(revision, "/api/v1/sessions", "get", session.get("v1/sessions", params={"jobIdFilter": job_id}))
    wait_until(lambda: idle(sim.vbr_job("VMware Production VMs")) and idle(sim.vbr_job("SQL Cluster VMs")))
    history = session.get("v1/sessions", params={"skip": 0, "limit": 50, "stateFilter": "Stopped"})
    check_answer(revision, "/api/v1/sessions", "get", history)
    assert {s["result"]["result"] for s in history.json()["data"]} >= {"Success", "Failed", "Warning"}
    for one in history.json()["data"]:
        check_answer(revision, "/api/v1/sessions/{id}", "get", session.get("v1/sessions/" + one["id"]))


@pytest.mark.parametrize("revision", REVISIONS)
def test_errors_fit_the_error_model(vbr, sim, revision):
    session = vbr(revision)
    missing = "00000000-0000-0000-0000-000000000000"
    check_answer(revision, "/api/v1/jobs/{id}", "get", session.get("v1/jobs/" + missing))
    check_answer(revision, "/api/v1/sessions/{id}", "get", session.get("v1/sessions/" + missing))
    check_answer(revision, "/api/v1/jobs/{id}/start", "post", session.post("v1/jobs/%s/start" % session.job_id("SQL Cluster VMs")))
    check_answer(revision, "/api/v1/jobs/{id}/stop", "post", session.post("v1/jobs/%s/stop" % session.job_id("Test Lab VMs")))
    check_answer(revision, "/api/v1/jobs/{id}/start", "post", session.post("v1/jobs/%s/start" % missing, json={}))
    bad = session.http.post(session.url("oauth2/token"), data={"grant_type": "password", "username": sim.username, "password": "wrong"})
    check_answer(revision, "/api/oauth2/token", "post", bad)
    check_answer(revision, "/api/oauth2/token", "post", session.http.post(session.url("oauth2/token"), data={"grant_type": "magic"}))
    sim.inject("status", api="vbr", status=500)
    check_answer(revision, "/api/v1/jobs", "get", session.get("v1/jobs"))
    # Not documented for these operations (assumptions in the README): 400 for a missing x-api-version on a GET,
    # 404 for an unknown route, 405, 429. Their bodies still use the Error model.
    del session.http.headers["x-api-version"]
    others = [session.get("v1/jobs"), session.http.get(session.url("v1/nothing"), headers={"x-api-version": revision})]
    session.http.headers["Authorization"] = "Bearer expired"
    session.http.headers["x-api-version"] = revision
    others.append(session.get("v1/jobs/states"))
    for answer in others:
        check(revision, "Error", answer.json())


ROUTES = [(re.compile(r"^/api/v1/jobs/\{id\}/(start|stop|enable|disable)$"), "/api/v1/jobs/{id}/%s"),
          (re.compile(r"^/api/v1/(jobs|sessions)/\{id\}$"), "/api/v1/%s/{id}")]


def spec_path(template):
    for pattern, shape in ROUTES:
        match = pattern.match(template)
        if match:
            return shape % match.group(1)
    return template


@pytest.mark.parametrize("revision", REVISIONS)
def test_requests_use_only_documented_parameters(vbr, sim, revision):
    """Every request the client-side helpers send: a documented path and method, documented query parameters, the version header."""
    session = vbr(revision)
    sim.clear_requests()
    session.get("v1/jobs", params={"skip": 0, "limit": 5, "nameFilter": "*VMs", "typeFilter": session.get("v1/jobs").json()["data"][0]["type"],
                                   "orderColumn": "Name", "orderAsc": "true"})
    session.get("v1/jobs/states", params={"idFilter": session.job_id("Test Lab VMs"), "statusFilter": "disabled" if revision == "1.2-rev1" else "Disabled",
                                          "lastResultFilter": "Warning"})
    session.get("v1/sessions", params={"jobIdFilter": session.job_id("Test Lab VMs"), "stateFilter": "Stopped", "resultFilter": "Warning",
                                       "typeFilter": "BackupJob", "orderColumn": "CreationTime", "orderAsc": "false"})
    session.post("v1/jobs/%s/enable" % session.job_id("Test Lab VMs"))
    for entry in sim.requests()["requests"]:
        path = spec_path(entry["template"])
        op = operation(revision, path, entry["method"].lower())
        declared = {p["name"] for p in op.get("parameters", []) if "name" in p}
        used = {pair.split("=")[0] for pair in entry["query"].split("&") if pair}
        assert used <= declared, (path, used - declared)
        assert entry["headers"]["x-api-version"] == revision and entry["status"] in (200, 204)
