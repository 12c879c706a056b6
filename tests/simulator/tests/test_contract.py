"""VB365 answers validated against the vendor OpenAPI documents in ../shared/specs (read there, never copied).

OpenAPI 3.0 schemas are turned into JSON Schema: `nullable: true` becomes a null alternative, `$ref`s resolve
into components/schemas; the `uuid` and `date-time` formats are checked (test_vbr_contract uses the same checker).
The folder sits next to the repository; without it these tests are skipped.
"""

import copy
import datetime
import functools
import json
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker

from sim_helpers import copy_start_body, wait_until

SPECS = Path(__file__).resolve().parents[3].parent / "shared" / "specs"
VERSIONS = ("v6", "v7", "v8")

# The formats these documents use for ids and times (jsonschema checks neither without extra packages).
FORMATS = FormatChecker(formats=())


@FORMATS.checks("uuid", raises=ValueError)
def _uuid(value):
    return not isinstance(value, str) or str(uuid.UUID(value)) == value.lower()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value):
    return not isinstance(value, str) or ("T" in value and datetime.datetime.fromisoformat(value).tzinfo is not None)


pytestmark = pytest.mark.skipif(not SPECS.is_dir(), reason="vendor OpenAPI documents not found at %s (they live outside the repository)" % SPECS)


def nullable_to_json_schema(node):
    """OpenAPI 3.0 -> JSON Schema for the parts these schemas use: nullable becomes a null type/enum member."""
    if isinstance(node, list):
        return [nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: nullable_to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        if "type" in result:
            result["type"] = [result["type"], "null"] if isinstance(result["type"], str) else result["type"] + ["null"]
        if "enum" in result:
            result["enum"] = list(result["enum"]) + [None]
        if "$ref" in result:
            result = {"anyOf": [{"$ref": result.pop("$ref")}, {"type": "null"}], **result}
    return result


@functools.lru_cache(maxsize=None)
def spec(version):
    with open(SPECS / ("vb365_rest_%s.json" % version), encoding="utf-8") as handle:
        return json.load(handle)


@functools.lru_cache(maxsize=None)
def components(version):
    return nullable_to_json_schema(spec(version)["components"]["schemas"])


def validator(version, schema):
    """A validator of `schema` (a schema object or a component name) whose $refs resolve into the spec's components."""
    root = {"$ref": "#/components/schemas/" + schema} if isinstance(schema, str) else copy.deepcopy(schema)
    root = nullable_to_json_schema(root)
    root["components"] = {"schemas": components(version)}
    return Draft7Validator(root, format_checker=FORMATS)


def check(version, schema, value):
    errors = sorted(validator(version, schema).iter_errors(value), key=lambda e: list(e.path))
    assert not errors, "\n".join("%s: %s" % ("/".join(map(str, e.path)), e.message) for e in errors[:10])


def operation(version, path, method):
    return spec(version)["paths"]["/%s/%s" % (version, path)][method]


def response_schema(version, path, method, status):
    content = operation(version, path, method)["responses"][str(status)].get("content", {})
    return next(iter(content.values()))["schema"]


def undeclared_fields(version, component, value):
    """Fields we send that the spec's component does not declare."""
    return set(value) - set(spec(version)["components"]["schemas"][component]["properties"])


@pytest.mark.parametrize("version", VERSIONS)
def test_token(sim, vb, version):
    session = vb(version)
    check(version, response_schema(version, "token", "post", 200), session.token)


@pytest.mark.parametrize("version", VERSIONS)
def test_job_list_and_job(vb, version):
    session = vb(version)
    listed = session.get("Jobs").json()
    check(version, response_schema(version, "Jobs", "get", 200), listed)
    jobs = listed["results"] if version == "v8" else listed
    assert jobs
    for job in jobs:
        check(version, response_schema(version, "Jobs/{jobId}", "get", 200), session.get("Jobs/" + job["id"]).json())
    # lastBackup is documented from v7; we send it on every version (extra fields are allowed by the schema).
    assert undeclared_fields(version, "RESTJob", jobs[0]) <= {"lastBackup"}


def test_v8_job_page(vb, sim):
    sim.reset({"generate": {"vb365_jobs": 45}})
    session = vb("v8")
    for params in ({}, {"offset": 30, "limit": 30}, {"offset": 100}):
        page = session.get("Jobs", params=params).json()
        check("v8", "PageOfRESTJob", page)
        assert undeclared_fields("v8", "PageOfRESTJob", page) == set()


@pytest.mark.parametrize("version", VERSIONS)
def test_sessions_running_and_finished(vb, sim, version):
    sim.configure(vb365_run_seconds=0.2)
    session = vb(version)
    job_id = session.job_id("Exchange Online Daily")
    started = session.post("Jobs/%s/start" % job_id, json={"full": False})
    assert str(started.status_code) in operation(version, "Jobs/{jobId}/start", "post")["responses"]
    if version == "v8":
        check(version, response_schema(version, "Jobs/{jobId}/start", "post", 200), started.json())
    wait_until(lambda: not sim.vb365_job("Exchange Online Daily")["running"])
    page = session.get("JobSessions").json()
    schema = response_schema(version, "JobSessions", "get", 200)
    if version == "v6":
        # v6 declares endTime non-nullable, yet a running session has none: we send null, as real servers do
        # (../shared/veeam-api.md). That must be the only difference; the rest of the page is checked without it.
        violations = {"%s: %s" % (e.path[-1], e.message) for e in validator(version, schema).iter_errors(page)}
        assert violations == {"endTime: None is not of type 'string'"}
        check(version, schema, dict(page, results=[s for s in page["results"] if s["status"] != "Running"]))
    else:
        check(version, schema, page)
    finished = [s for s in page["results"] if s["status"] != "Running"]
    assert finished
    for one in finished:
        check(version, "RESTJobSession", session.get("JobSessions/" + one["id"]).json())
        assert undeclared_fields(version, "RESTJobSession", one) == set()
    running = [s for s in page["results"] if s["status"] == "Running"]
    assert running
    if version != "v6":
        check(version, "RESTJobSession", running[0])


@pytest.mark.parametrize("version", VERSIONS)
def test_per_action_statuses_match_the_spec(vb, version):
    session = vb(version)
    job_id = session.job_id("Exchange Online Daily")
    for action in ("disable", "enable"):
        answer = session.post("Jobs/%s/%s" % (job_id, action))
        assert str(answer.status_code) in operation(version, "Jobs/{jobId}/" + action, "post")["responses"]
    running = session.job_id("Teams and Groups")
    answer = session.post("Jobs/%s/stop" % running)
    assert str(answer.status_code) in operation(version, "Jobs/{jobId}/stop", "post")["responses"]


@pytest.mark.parametrize("version", VERSIONS)
def test_errors(vb, sim, version):
    session = vb(version)
    missing = session.get("Jobs/00000000-0000-0000-0000-000000000000")
    check(version, response_schema(version, "Jobs/{jobId}", "get", "default"), missing.json())
    conflict = session.post("Jobs/%s/enable" % session.job_id("Exchange Online Daily"))
    assert conflict.status_code == 409
    check(version, response_schema(version, "Jobs/{jobId}/enable", "post", "default"), conflict.json())
    bad = session.get("Jobs/not-a-guid")
    check(version, "RESTExceptionInfo", bad.json())
    session.http.headers["Authorization"] = "Bearer expired"
    check(version, "RESTExceptionInfo", session.get("Jobs").json())
    for answer in (missing, conflict, bad):
        assert undeclared_fields(version, "RESTExceptionInfo", answer.json()) == set()


# -- backup copy jobs (v6-v8) ------------------------------------------------------------------------------

COPY_NAME = "Exchange Online Daily Copy"


def fits(version, path, method, answer):
    """The answer's status is one the operation documents (an error may be its `default`), and its body is that response's:
    an instance of its schema, or nothing when it has no content."""
    responses = operation(version, path, method)["responses"]
    key = str(answer.status_code) if str(answer.status_code) in responses else "default"
    assert key in responses and (key != "default" or answer.status_code >= 400), (path, answer.status_code, sorted(responses))
    content = responses[key].get("content")
    if content:
        check(version, next(iter(content.values()))["schema"], answer.json())
    else:
        assert answer.content == b""
    return answer


def declared_query(version, path, method):
    return {p["name"] for p in operation(version, path, method).get("parameters", []) if p["in"] == "query"}


@pytest.mark.parametrize("version", VERSIONS)
def test_copy_job_list_job_and_links(vb, version):
    session = vb(version)
    listed = fits(version, "CopyJobs", "get", session.get("CopyJobs")).json()
    jobs = listed["results"] if version == "v8" else listed
    assert len(jobs) == 2 and all(undeclared_fields(version, "RESTCopyJob", job) == set() for job in jobs)
    assert declared_query(version, "CopyJobs", "get") >= ({"organizationId", "repositoryId"} if version == "v8" else {"repositoryId"})
    fits(version, "CopyJobs", "get", session.get("CopyJobs", params={"repositoryId": jobs[0]["repositoryId"]}))
    for job in jobs:
        fits(version, "CopyJobs/{id}", "get", session.get("CopyJobs/" + job["id"]))
        backup = fits(version, "CopyJobs/{id}/BackupJob", "get", session.get("CopyJobs/%s/BackupJob" % job["id"])).json()
        assert undeclared_fields(version, "RESTJob", backup) <= {"lastBackup"}
        fits(version, "Jobs/{jobId}/CopyJob", "get", session.get("Jobs/%s/CopyJob" % job["backupJobId"]))
    schedule = spec(version)["components"]["schemas"]["RESTCopyJobSchedulePolicy"]["properties"]
    assert jobs[0]["schedulePolicy"]["type"] in schedule["type"]["enum"] and set(jobs[0]["schedulePolicy"]) <= set(schedule)


def test_v8_copy_job_page(vb, sim):
    sim.reset({"generate": {"vb365_jobs": 45, "vb365_copy_jobs": 45}})
    session = vb("v8")
    for params in ({}, {"offset": 30, "limit": 30}, {"offset": 100}, {"organizationId": "00000000-0000-0000-0000-000000000000"}):
        page = fits("v8", "CopyJobs", "get", session.get("CopyJobs", params=params)).json()
        check("v8", "PageOfRESTCopyJob", page)
        assert undeclared_fields("v8", "PageOfRESTCopyJob", page) == set()


@pytest.mark.parametrize("version", VERSIONS)
def test_copy_job_actions_and_start_bodies_match_the_spec(vb, sim, version):
    sim.configure(vb365_run_seconds=5, vb365_stop_seconds=0.1)
    session = vb(version)
    copy_id = session.copy_job_id(COPY_NAME)
    for action in ("disable", "enable"):
        fits(version, "CopyJobs/{id}/" + action, "post", session.post("CopyJobs/%s/%s" % (copy_id, action)))
    start = operation(version, "CopyJobs/{id}/start", "post")
    # v6 documents a required RESTStartJobOptions; v7 and v8 no body at all: what the tests send is what the document says.
    body = copy_start_body(version)
    if version == "v6":
        assert start["requestBody"]["required"] is True
        check(version, start["requestBody"]["content"]["application/json"]["schema"], body)
    else:
        assert "requestBody" not in start
    started = fits(version, "CopyJobs/{id}/start", "post", session.post("CopyJobs/%s/start" % copy_id, json=body))
    if version == "v8":
        assert started.json()["jobType"] == "Copy" and undeclared_fields(version, "RESTJobSession", started.json()) == set()
    fits(version, "CopyJobs/{id}/stop", "post", session.post("CopyJobs/%s/stop" % copy_id))


@pytest.mark.parametrize("version", VERSIONS)
def test_copy_sessions(vb, sim, version):
    sim.configure(vb365_run_seconds=0.2)
    session = vb(version)
    copy_id = session.copy_job_id(COPY_NAME)
    session.post("CopyJobs/%s/start" % copy_id, json=copy_start_body(version))
    # v6 has no jobId filter: jobType=Copy lists both copy jobs' sessions there. From v7 the filter takes the backup job's id
    # (#/paths/~1v7~1JobSessions/get/parameters/0, "the identification number of the backup job"), jobType picks the copy's.
    backup_id = session.get("CopyJobs/" + copy_id).json()["backupJobId"]
    params = {"jobType": "Copy", "jobId": backup_id} if version != "v6" else {"jobType": "Copy"}
    assert set(params) <= declared_query(version, "JobSessions", "get")
    page = session.get("JobSessions", params=params).json()
    assert [s["status"] for s in page["results"]].count("Running") == 1 and len(page["results"]) == (3 if version == "v6" else 2)
    if version != "v6":  # v6 declares endTime non-nullable, which a running session cannot fit (test_sessions_running_and_finished)
        fits(version, "JobSessions", "get", session.get("JobSessions", params=params))
    wait_until(lambda: not sim.vb365_copy_job(COPY_NAME)["running"])
    page = fits(version, "JobSessions", "get", session.get("JobSessions", params=params)).json()
    for one in page["results"]:
        answer = fits(version, "JobSessions/{jobSessionsId}", "get", session.get("JobSessions/" + one["id"]))
        assert undeclared_fields(version, "RESTJobSession", answer.json()) == set()
        assert answer.json().get("jobType", "Copy") == "Copy"


@pytest.mark.parametrize("version", VERSIONS)
def test_copy_job_errors(vb, version):
    session = vb(version)
    missing = "00000000-0000-0000-0000-000000000000"
    answers = [
        fits(version, "CopyJobs/{id}", "get", session.get("CopyJobs/" + missing)),
        fits(version, "CopyJobs/{id}/BackupJob", "get", session.get("CopyJobs/%s/BackupJob" % missing)),
        fits(version, "Jobs/{jobId}/CopyJob", "get", session.get("Jobs/%s/CopyJob" % session.job_id("OneDrive for Business"))),
        fits(version, "CopyJobs/{id}/enable", "post", session.post("CopyJobs/%s/enable" % session.copy_job_id(COPY_NAME))),
        fits(version, "CopyJobs/{id}/start", "post",
             session.post("CopyJobs/%s/start" % session.copy_job_id("SharePoint Sites Copy"), json=copy_start_body(version))),
        fits(version, "CopyJobs/{id}/stop", "post", session.post("CopyJobs/%s/stop" % session.copy_job_id(COPY_NAME))),
        fits(version, "JobSessions", "get", session.get("JobSessions", params={"jobType": "Replica"})),
    ]
    assert [answer.status_code for answer in answers] == [404, 404, 404, 409, 409, 409, 400]
    for answer in answers:
        assert undeclared_fields(version, "RESTExceptionInfo", answer.json()) == set()
