"""VBR answers (and the requests these tests send) validated against the five vendor OpenAPI documents, for all eight revisions.

Each revision is checked against its own document; 1.1-rev1 and 1.1-rev2 against 1.1-rev0's and 1.2-rev0 against 1.2-rev1's
(vbrrev.document), while the requests carry the revision itself in x-api-version. The documents are read where they are
(../shared/specs next to the repository) and never copied; without them these tests are skipped. OpenAPI 3.0 is turned into
JSON Schema as in test_contract.py (`nullable`, `$ref`s into components/schemas); in addition a `discriminator` with `oneOf`
(JobModel by `type`, InventoryObjectModel by `platform`) becomes "the discriminator value must be a mapping key, and the mapped
schema must hold", with the mapped schemas' `allOf` pointing at the base schema without its `oneOf` (otherwise JobModel ->
BackupJobModel -> JobModel would never end, and `oneOf` would fail on schemas that overlap).
"""

import copy
import functools
import json
import re

import pytest
from jsonschema import Draft7Validator

from sim_helpers import idle, wait_until
from test_contract import FORMATS, SPECS, nullable_to_json_schema
from veeam_sim.state import default_scenario
from veeam_sim.vbrdoc import KINDS
from veeam_sim.vbrrev import FEATURES, JOB_STATUSES, JOB_TYPES, REVISIONS, SESSION_STATES, SESSION_TYPES, document, has, members, spell

DOCUMENTED = ("1.1-rev0", "1.2-rev1", "1.3-rev0", "1.3-rev1", "1.3-rev2")
REF = "#/components/schemas/"
MISSING = "00000000-0000-0000-0000-000000000000"

DOCUMENTS = [SPECS / ("vbr_rest_%s.json" % revision) for revision in DOCUMENTED]

pytestmark = pytest.mark.skipif(not all(path.is_file() for path in DOCUMENTS),
                                reason="vendor OpenAPI documents %s not found (they live outside the repository)"
                                % ", ".join(str(path) for path in DOCUMENTS))


@functools.lru_cache(maxsize=None)
def _load(name):
    with open(SPECS / ("vbr_rest_%s.json" % name), encoding="utf-8") as handle:
        return json.load(handle)


def spec(revision):
    """The vendor document that describes this revision."""
    return _load(document(revision))


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
def _components(name):
    return _discriminated(nullable_to_json_schema(copy.deepcopy(_load(name)["components"]["schemas"])))


def check(revision, schema, value):
    """Validate value against a schema object or a component name of this revision's document."""
    root = {"$ref": REF + schema} if isinstance(schema, str) else nullable_to_json_schema(copy.deepcopy(schema))
    root["components"] = {"schemas": _components(document(revision))}
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
    assert documented(revision, path, method, answer.status_code), (revision, path, method, answer.status_code, answer.text[:300])
    if answer.content:
        check(revision, response_schema(revision, path, method, answer.status_code), answer.json())


def stop_spec(revision, graceful=True):
    return {"gracefulStop" if has(revision, "gracefulStop") else "gracefullStop": graceful}


# The default scenario plus the jobs only job states list, a disabled job whose session still runs, a job without objects
# and accounts of every kind of role.
EXTRA_JOBS = [
    {"name": "Legacy Copy", "type": "LegacyBackupCopy", "lastResult": "Success"},
    {"name": "Azure VMs Policy", "type": "CloudBackupAzure", "lastResult": "Warning"},
    {"name": "Tape Weekly", "type": "Unknown", "enabled": False, "lastResult": "Failed"},
    {"name": "Paused Nightly", "type": "VSphereBackup", "enabled": False, "running": True},
    {"name": "Empty Job", "type": "VSphereBackup", "objects": 0, "lastResult": "None"},
]
USERS = [{"name": "operator", "password": "Operator-1", "role": "Veeam Backup Operator"},
         {"name": "viewer", "password": "Viewer-1", "role": "Veeam Backup Viewer"},
         {"name": "custom", "password": "Custom-1", "role": "Job Starters"}]


@pytest.fixture
def world(sim):
    scenario = default_scenario()
    scenario["vbr"]["jobs"] += EXTRA_JOBS
    scenario["vbr"]["users"] = USERS
    sim.reset(scenario)
    return sim


def login(vbr, revision, user):
    """A VBR session as one of USERS."""
    return vbr(revision, username=user, password=next(account["password"] for account in USERS if account["name"] == user))


@pytest.mark.parametrize("revision", REVISIONS)
def test_token_and_logout(vbr, revision):
    session = vbr(revision)
    check(revision, response_schema(revision, "/api/oauth2/token", "post", 200), session.token)
    check_answer(revision, "/api/oauth2/logout", "post", session.post("oauth2/logout"))


def test_token_request_forms_and_the_grant_type_casing():
    """The form we send fits TokenLoginSpec; 1.3-rev1's ELoginGrantType enum is capitalised (the simulator takes both)."""
    form = {"grant_type": "password", "username": "backupops", "password": "x"}
    for revision in ("1.1-rev0", "1.2-rev1", "1.3-rev0"):
        check(revision, "TokenLoginSpec", form)
    for revision in ("1.3-rev1", "1.3-rev2"):
        check(revision, "TokenLoginSpec", dict(form, grant_type="Password"))
        check(revision, "TokenLoginSpec", {"grant_type": "Refresh_token", "refresh_token": "x"})
        with pytest.raises(AssertionError, match="grant_type"):
            check(revision, "TokenLoginSpec", form)
    for revision in DOCUMENTED:
        assert spec(revision)["components"]["parameters"]["apiVersionParam"]["required"] is True
        assert spec(revision)["components"]["parameters"]["apiVersionParam"]["schema"]["default"] == revision
        assert spec(revision)["info"]["version"] == revision


@pytest.mark.parametrize("revision", REVISIONS)
def test_jobs_job_and_states(vbr, world, revision):
    session = vbr(revision)
    listed = session.get("v1/jobs")
    check_answer(revision, "/api/v1/jobs", "get", listed)
    new = has(revision, "stateProgress")
    assert len(listed.json()["data"]) == (9 if new else 5)  # never the states-only jobs
    for job in listed.json()["data"]:
        check_answer(revision, "/api/v1/jobs/{id}", "get", session.get("v1/jobs/" + job["id"]))
    states = session.get("v1/jobs/states", params={"orderColumn": "Name", "orderAsc": "true"})
    check_answer(revision, "/api/v1/jobs/states", "get", states)
    by_name = {state["name"]: state for state in states.json()["data"]}
    assert {s["status"] for s in by_name.values()} >= {spell(status, revision) for status in ("Running", "Inactive", "Disabled")}
    paused = by_name["Paused Nightly"]
    assert paused["status"] == spell("Disabled", revision) and paused["lastResult"] == "None"
    assert paused["sessionId"] == world.vbr_job("Paused Nightly")["sessions"][-1]["id"]
    assert by_name["Empty Job"]["objectsCount"] == 0
    states_only = {name: by_name[name]["type"] for name in ("Legacy Copy", "Azure VMs Policy", "Tape Weekly") if name in by_name}
    if not new:
        assert not states_only
    else:
        assert states_only == {"Legacy Copy": "LegacyBackupCopy", "Tape Weekly": "Unknown",
                               "Azure VMs Policy": "CloudBackupAzure" if has(revision, "pascalCase") else "Unknown"}
        assert by_name["Azure VMs Policy"]["workload"] == spell("CloudVm", revision)
        for name in states_only:
            assert session.get("v1/jobs/" + by_name[name]["id"]).status_code == 404


def test_every_generated_type_fits_its_mapped_schema(vbr):
    """The discriminator really selects: a VSphereBackup job is refused by the HyperV schema and the other way round."""
    session = vbr("1.3-rev1")
    jobs = {job["type"]: job for job in session.get("v1/jobs").json()["data"]}
    check("1.3-rev1", "HyperVBackupJobModel", jobs["HyperVBackup"])
    check("1.3-rev1", "WindowsAgentManagementBackupJobModel", jobs["WindowsAgentBackup"])
    check("1.3-rev1", "BackupCopyJobModel", jobs["BackupCopy"])
    with pytest.raises(AssertionError):
        check("1.3-rev1", "JobModel", dict(jobs["VSphereBackup"], type="HyperVBackup"))
    with pytest.raises(AssertionError):
        check("1.2-rev1", "JobModel", jobs["VSphereBackup"])  # 1.2-rev1 has no type VSphereBackup and no platform VSphere
    old = vbr("1.1-rev0").get("v1/jobs").json()["data"][0]
    with pytest.raises(AssertionError):
        check("1.2-rev1", "JobModel", old)  # 1.1-rev0's VM wrapper (inventoryObject) and autoSelection are not 1.2's
    with pytest.raises(AssertionError):
        check("1.1-rev0", "JobModel", dict(old, description=None))  # 1.1-rev0 requires description on every job
    with pytest.raises(AssertionError, match="uuid"):
        check("1.3-rev1", "JobModel", dict(jobs["VSphereBackup"], id="job-1"))
    with pytest.raises(AssertionError, match="date-time"):
        check("1.3-rev1", "SessionModel", {"id": jobs["BackupCopy"]["id"], "name": "x", "jobId": jobs["BackupCopy"]["id"], "usn": 0,
                                           "sessionType": "BackupJob", "state": "Working", "creationTime": "yesterday"})


@pytest.mark.parametrize("revision", REVISIONS)
def test_actions_and_sessions(vbr, world, revision):
    world.configure(vbr_run_seconds=0.3, vbr_stop_seconds=0.1)
    session = vbr(revision)
    job_id = session.job_id("VMware Production VMs")
    for action in ("disable", "enable"):
        check_answer(revision, "/api/v1/jobs/{id}/" + action, "post", session.post("v1/jobs/%s/%s" % (job_id, action)))
    start_spec = {"performActiveFull": False, "startChainedJobs": False}
    check(revision, "JobStartSpec", start_spec)
    check(revision, "JobStopSpec", stop_spec(revision))
    check_answer(revision, "/api/v1/jobs/{id}/start", "post", session.post("v1/jobs/%s/start" % job_id, json=start_spec))
    empty = session.post("v1/jobs/%s/start" % session.job_id("Empty Job"), json=start_spec)
    check_answer(revision, "/api/v1/jobs/{id}/start", "post", empty)
    assert empty.status_code == (204 if has(revision, "startNoObjects") else 201)
    running = session.job_id("SQL Cluster VMs")
    check_answer(revision, "/api/v1/jobs/{id}/stop", "post", session.post("v1/jobs/%s/stop" % running, json=stop_spec(revision)))
    check_answer(revision, "/api/v1/sessions", "get", session.get("v1/sessions", params={"jobIdFilter": job_id}))
    wait_until(lambda: idle(world.vbr_job("VMware Production VMs")) and idle(world.vbr_job("SQL Cluster VMs")))
    history = session.get("v1/sessions", params={"skip": 0, "limit": 50, "stateFilter": "Stopped"})
    check_answer(revision, "/api/v1/sessions", "get", history)
    assert {s["result"]["result"] for s in history.json()["data"]} >= {"Success", "Failed", "Warning"}
    for one in history.json()["data"]:
        check_answer(revision, "/api/v1/sessions/{id}", "get", session.get("v1/sessions/" + one["id"]))


@pytest.mark.parametrize("revision", REVISIONS)
def test_roles(vbr, world, revision):
    """403 where the documents' "Available to" lines leave a role out; the Error body fits."""
    job_id = world.vbr_job("VMware Production VMs")["id"]
    operator = login(vbr, revision, "operator")
    check_answer(revision, "/api/v1/jobs/{id}/disable", "post", operator.post("v1/jobs/%s/disable" % job_id))
    check_answer(revision, "/api/v1/jobs/{id}/start", "post", operator.post("v1/jobs/%s/start" % job_id))
    viewer = login(vbr, revision, "viewer")
    check_answer(revision, "/api/v1/jobs/states", "get", viewer.get("v1/jobs/states"))
    refused = viewer.post("v1/jobs/%s/stop" % job_id, json=stop_spec(revision))
    assert refused.status_code == 403
    check_answer(revision, "/api/v1/jobs/{id}/stop", "post", refused)
    form = {"grant_type": "password", "username": "custom", "password": "Custom-1"}
    custom = viewer.http.post(viewer.url("oauth2/token"), data=form)
    check_answer(revision, "/api/oauth2/token", "post", custom)
    assert custom.status_code == (403 if has(revision, "customLoginRefused") else 200)


@pytest.mark.parametrize("revision", REVISIONS)
def test_errors_fit_the_error_model(vbr, sim, revision):
    session = vbr(revision)
    check_answer(revision, "/api/v1/jobs/{id}", "get", session.get("v1/jobs/" + MISSING))
    check_answer(revision, "/api/v1/sessions/{id}", "get", session.get("v1/sessions/" + MISSING))
    check_answer(revision, "/api/v1/jobs/{id}/start", "post", session.post("v1/jobs/%s/start" % session.job_id("SQL Cluster VMs")))
    check_answer(revision, "/api/v1/jobs/{id}/stop", "post", session.post("v1/jobs/%s/stop" % session.job_id("Test Lab VMs")))
    check_answer(revision, "/api/v1/jobs/{id}/start", "post", session.post("v1/jobs/%s/start" % MISSING, json={}))
    other = {"gracefulStop": True} if not has(revision, "gracefulStop") else {"gracefullStop": True}
    misspelt = session.post("v1/jobs/%s/stop" % session.job_id("SQL Cluster VMs"), json=other)
    assert misspelt.status_code == 400
    check_answer(revision, "/api/v1/jobs/{id}/stop", "post", misspelt)
    bad = session.http.post(session.url("oauth2/token"), data={"grant_type": "password", "username": sim.username, "password": "wrong"})
    check_answer(revision, "/api/oauth2/token", "post", bad)
    check_answer(revision, "/api/oauth2/token", "post", session.http.post(session.url("oauth2/token"), data={"grant_type": "magic"}))
    refused = session.http.post(session.url("oauth2/token"), data={"grant_type": "password"}, headers={"x-api-version": "1.4-rev0"})
    assert refused.status_code == 400
    check_answer(revision, "/api/oauth2/token", "post", refused)
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
    session.get("v1/jobs/states", params={"idFilter": session.job_id("Test Lab VMs"), "statusFilter": spell("Disabled", revision),
                                          "lastResultFilter": "Warning"})
    job_sessions = "BackupJob" if has(revision, "sessionJobId") else "Job"
    session.get("v1/sessions", params={"jobIdFilter": session.job_id("Test Lab VMs"), "stateFilter": "Stopped", "resultFilter": "Warning",
                                       "typeFilter": job_sessions, "orderColumn": "CreationTime", "orderAsc": "false"})
    session.post("v1/jobs/%s/enable" % session.job_id("Test Lab VMs"))
    for entry in sim.requests()["requests"]:
        path = spec_path(entry["template"])
        op = operation(revision, path, entry["method"].lower())
        declared = {p["name"] for p in op.get("parameters", []) if "name" in p}
        used = {pair.split("=")[0] for pair in entry["query"].split("&") if pair}
        assert used <= declared, (path, used - declared)
        assert entry["headers"]["x-api-version"] == revision and entry["status"] in (200, 204)


# Where vbrrev.FEATURES says a change happens, and what in each document shows it.
FEATURE_EVIDENCE = {
    "extentStatusArray": lambda doc: doc["components"]["schemas"]["PerformanceExtentModel"]["properties"]["status"].get("type") == "array",
    "repositoryOnline": lambda doc: "isOnline" in doc["components"]["schemas"]["RepositoryStateModel"]["required"],
    "repositoryOutOfDate": lambda doc: "scaleOutRepositoryDetails" in doc["components"]["schemas"]["RepositoryStateModel"]["properties"],
    "proxyStates": lambda doc: "/api/v1/backupInfrastructure/proxies/states" in doc["paths"],
    "repositoryKind": lambda doc: "kind" in doc["components"]["schemas"]["RepositoryModel"]["required"],
    "mountServers": lambda doc: "MountServersSettingsModel" in doc["components"]["schemas"],
    "gracefulStop": lambda doc: doc["components"]["schemas"]["JobStopSpec"]["required"] == ["gracefulStop"],
    "sessionJobId": lambda doc: "jobId" in doc["components"]["schemas"]["SessionModel"]["required"],
    "inventoryPlatform": lambda doc: "InventoryObjectModel" in doc["components"]["schemas"],
    "vSpherePlatform": lambda doc: "VSphere" in doc["components"]["schemas"].get("InventoryObjectModel", {}).get("discriminator", {}).get("mapping", {}),
    "stateProgress": lambda doc: "progressPercent" in doc["components"]["schemas"]["JobStateModel"]["required"],
    "syncRestorePoints": lambda doc: "syncRestorePoints" in doc["components"]["schemas"]["JobStartSpec"]["properties"],
    "cancelChainedJobs": lambda doc: "cancelChainedJobs" in doc["components"]["schemas"]["JobStopSpec"]["properties"],
    "pascalCase": lambda doc: "Running" in doc["components"]["schemas"]["EJobStatus"]["enum"],
    "toggleNoContent": lambda doc: "204" in doc["paths"]["/api/v1/jobs/{id}/enable"]["post"]["responses"],
    "startNoObjects": lambda doc: "204" in doc["paths"]["/api/v1/jobs/{id}/start"]["post"]["responses"],
    "customLoginRefused": lambda doc: "custom roles is not allowed" in doc["paths"]["/api/oauth2/token"]["post"]["description"],
    "customActions": lambda doc: "custom roles" in doc["paths"]["/api/v1/jobs/{id}/start"]["post"]["description"],
    "refusalNotImplemented": lambda doc: "ErrorNotImplementedExample" in json.dumps(doc["components"]["responses"]["BadRequest"]),
    "runAfterJob": lambda doc: "runAfterJob" in doc["components"]["schemas"]["JobStateModel"]["properties"],
    "isDisabledOptional": lambda doc: "isDisabled" not in doc["components"]["schemas"]["JobModel"]["required"],
    "tapeOperatorActions": lambda doc: all("Veeam Tape Operator" in doc["paths"]["/api/v1/jobs/{id}/%s" % action]["post"]["description"]
                                           for action in ("start", "stop")),
}


@pytest.mark.parametrize("revision", DOCUMENTED)
def test_the_revision_table_matches_the_documents(revision):
    """vbrrev's rows are what each document says (the enum tables' extra values for 1.1-rev1... come from changelog pages)."""
    doc, schemas = spec(revision), spec(revision)["components"]["schemas"]
    assert set(FEATURE_EVIDENCE) == set(FEATURES)
    for feature, shows in FEATURE_EVIDENCE.items():
        assert has(revision, feature) == shows(doc), feature
    assert set(members(JOB_TYPES, revision)) == set(schemas["EJobType"]["enum"])
    assert [spell(status, revision) for status in members(JOB_STATUSES, revision)] == schemas["EJobStatus"]["enum"]
    assert members(SESSION_STATES, revision) == schemas["ESessionState"]["enum"]
    assert set(members(SESSION_TYPES, revision)) <= set(schemas["ESessionType"]["enum"])
    assert {spell(kind.workload, revision) for kind in KINDS.values()} <= set(schemas["EJobWorkload"]["enum"])
    assert {kind.platform for kind in KINDS.values() if kind.platform} <= set(schemas["EPlatformType"]["enum"])


def test_revisions_without_a_document_follow_the_one_they_are_modelled_on():
    for revision in set(REVISIONS) - set(DOCUMENTED):
        for feature in FEATURES:
            assert has(revision, feature) == has(document(revision), feature), (revision, feature)


@pytest.mark.parametrize("revision", ["1.3-rev0", "1.3-rev2"])
def test_chains_the_omitted_flag_and_every_session_state_fit_the_documents(vbr, sim, revision):
    """runAfterJob (RunAfterJob), a JobModel without isDisabled (1.3-rev2 only) and sessions in the other ESessionStates."""
    sim.reset({"vbr": {"omit_is_disabled": True, "jobs": [
        {"name": "Parent", "running": True, "sessionState": "WaitingRepository"},
        {"name": "Child", "runAfter": "Parent", "running": True, "sessionState": "ActionRequired"},
        {"name": "Nutanix", "type": "NutanixAHVBackupJob"}]}})
    session = vbr(revision)
    states = session.get("v1/jobs/states")
    check_answer(revision, "/api/v1/jobs/states", "get", states)
    assert {state["name"]: state.get("runAfterJob", {}).get("jobName") for state in states.json()["data"]} == {
        "Parent": None, "Child": "Parent", "Nutanix": None}
    jobs = session.get("v1/jobs")
    check_answer(revision, "/api/v1/jobs", "get", jobs)
    assert all(("isDisabled" in job) == (revision != "1.3-rev2") for job in jobs.json()["data"])
    if revision == "1.3-rev2":
        with pytest.raises(AssertionError, match="isDisabled"):
            check("1.3-rev1", "JobModel", jobs.json()["data"][0])  # 1.3-rev1 still requires it
    listed = session.get("v1/sessions", params={"stateFilter": "WaitingRepository"})
    check_answer(revision, "/api/v1/sessions", "get", listed)
    for one in session.get("v1/sessions").json()["data"]:
        check_answer(revision, "/api/v1/sessions/{id}", "get", session.get("v1/sessions/" + one["id"]))
    check(revision, "JobStopSpec", {"gracefulStop": True, "cancelChainedJobs": True})


INFRA = "/api/v1/backupInfrastructure/"
INFRA_SCENARIO = {
    "repositories": [{"name": "Main Repo", "type": "WinLocal"}, {"name": "Ext A", "type": "WinLocal"}, {"name": "Ext B", "type": "LinuxLocal"}],
    "scale_out_repositories": [{"name": "SOBR Production", "extents": ["Ext A", {"name": "Ext B", "maintenance": True, "sealed": True}]}],
    "proxies": [{"name": "VMware Backup Proxy", "type": "ViProxy"}, {"name": "hv01", "type": "HvProxy", "disabled": True}],
    "config_backup": {"isEnabled": True, "repository": "Main Repo"},
}


@pytest.fixture
def infrastructure(sim):
    scenario = default_scenario()
    scenario["vbr"].update(INFRA_SCENARIO, users=USERS)
    scenario["vbr"]["jobs"].append({"name": "SOBR Nightly", "repository": "SOBR Production", "proxies": ["VMware Backup Proxy"]})
    sim.reset(scenario)
    sim.configure(vbr_maintenance_seconds=0.1)
    return sim


def _get(session, revision, template, path, **params):
    answer = session.get(path.replace("/api/", "", 1), params=params)
    check_answer(revision, template, "get", answer)
    return answer.json()


@pytest.mark.parametrize("revision", REVISIONS)
def test_infrastructure_reads_fit_the_documents(vbr, infrastructure, revision):
    """Repositories, their states, SOBRs with the extent status of the revision, proxies, proxy states (1.3-rev0+), configBackup."""
    session = vbr(revision)
    repositories = _get(session, revision, INFRA + "repositories", INFRA + "repositories", limit=2)
    assert repositories["pagination"] == {"total": 3, "count": 2, "skip": 0, "limit": 2}
    _get(session, revision, INFRA + "repositories/{id}", INFRA + "repositories/" + repositories["data"][0]["id"])
    _get(session, revision, INFRA + "repositories/states", INFRA + "repositories/states")
    sobrs = _get(session, revision, INFRA + "scaleOutRepositories", INFRA + "scaleOutRepositories")
    _get(session, revision, INFRA + "scaleOutRepositories/{id}", INFRA + "scaleOutRepositories/" + sobrs["data"][0]["id"])
    proxies = _get(session, revision, INFRA + "proxies", INFRA + "proxies")
    _get(session, revision, INFRA + "proxies/{id}", INFRA + "proxies/" + proxies["data"][0]["id"])
    if has(revision, "proxyStates"):
        _get(session, revision, INFRA + "proxies/states", INFRA + "proxies/states")
    model = _get(session, revision, "/api/v1/configBackup", "/api/v1/configBackup")
    check(revision, "ConfigBackupModel", model)
    job = session.get("v1/jobs/" + session.job_id("SOBR Nightly")).json()
    check(revision, "JobModel", job)
    assert job["storage"]["backupRepositoryId"] == sobrs["data"][0]["id"]


@pytest.mark.parametrize("revision", REVISIONS)
def test_infrastructure_writes_and_their_refusals_fit_the_documents(vbr, infrastructure, revision):
    session = vbr(revision)
    sobr = session.get("v1/backupInfrastructure/scaleOutRepositories").json()["data"][0]
    extents = {extent["name"]: extent["id"] for extent in sobr["performanceTier"]["performanceExtents"]}
    spec_body = {"repositoryIds": [extents["Ext A"]]}
    check(revision, "ScaleOutExtentMaintenanceSpec", spec_body)
    for action in ("enableMaintenanceMode", "enableSealedMode", "disableMaintenanceMode", "disableSealedMode"):
        template = INFRA + "scaleOutRepositories/{id}/" + action
        answer = session.post("v1/backupInfrastructure/scaleOutRepositories/%s/%s" % (sobr["id"], action), json=spec_body)
        check_answer(revision, template, "post", answer)
        assert answer.status_code == 201
        wait_until(lambda: session.get("v1/sessions/" + answer.json()["id"]).json()["state"] == "Stopped")
        check_answer(revision, "/api/v1/sessions/{id}", "get", session.get("v1/sessions/" + answer.json()["id"]))
    again = session.post("v1/backupInfrastructure/scaleOutRepositories/%s/disableSealedMode" % sobr["id"], json=spec_body)
    check_answer(revision, INFRA + "scaleOutRepositories/{id}/disableSealedMode", "post", again)
    assert again.status_code == 400
    operator = login(vbr, revision, "operator")
    refused = operator.post("v1/backupInfrastructure/scaleOutRepositories/%s/enableSealedMode" % sobr["id"], json=spec_body)
    check_answer(revision, INFRA + "scaleOutRepositories/{id}/enableSealedMode", "post", refused)
    assert refused.status_code == 403
    model = session.get("v1/configBackup").json()
    put = session.http.put(session.url("v1/configBackup"), json=dict(model, isEnabled=False), timeout=10)
    check(revision, "ConfigBackupModel", dict(model, isEnabled=False))
    check_answer(revision, "/api/v1/configBackup", "put", put)
    missing = session.http.put(session.url("v1/configBackup"), json={"isEnabled": True}, timeout=10)
    check_answer(revision, "/api/v1/configBackup", "put", missing)
    if not has(revision, "proxyStates"):
        return
    proxy = session.get("v1/backupInfrastructure/proxies").json()["data"][0]["id"]
    for action in ("disable", "enable"):
        check_answer(revision, INFRA + "proxies/{id}/" + action, "post", session.post("v1/backupInfrastructure/proxies/%s/%s" % (proxy, action)))
    check_answer(revision, INFRA + "proxies/{id}/disable", "post", operator.post("v1/backupInfrastructure/proxies/%s/disable" % proxy))
    check_answer(revision, INFRA + "proxies/{id}/disable", "post", session.post("v1/backupInfrastructure/proxies/%s/disable" % MISSING))
