"""VB365 job list (plain list up to v7, pages in v8), job by id and the documented fields."""

import pytest

JOB_FIELDS = {"id", "name", "description", "isEnabled", "lastStatus", "lastRun", "nextRun", "lastBackup", "backupType",
              "schedulePolicy", "repositoryId", "_links"}


@pytest.mark.parametrize("version", ["v2", "v3", "v4", "v5", "v6", "v7"])
def test_plain_list_up_to_v7(vb, sim, version):
    answer = vb(version).get("Jobs")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    jobs = answer.json()
    assert isinstance(jobs, list) and len(jobs) == len(sim.state()["vb365"]["jobs"])
    assert set(jobs[0]) == JOB_FIELDS
    assert jobs[0]["_links"]["self"]["href"] == "/%s/Jobs/%s" % (version, jobs[0]["id"])


def test_v8_page_shape_and_fields(vb):
    page = vb("v8").get("Jobs").json()
    assert set(page) == {"offset", "limit", "setId", "results", "_links"}
    assert page["offset"] == 0 and page["limit"] == 30
    assert set(page["results"][0]) == JOB_FIELDS | {"organizationId", "eTag"}


def test_v8_paging_over_generated_jobs(vb, sim):
    sim.reset({"generate": {"vb365_jobs": 75}})
    session = vb("v8")
    first = session.get("Jobs").json()
    assert len(first["results"]) == 30 and "next" in first["_links"]
    names = []
    offset = 0
    while True:
        page = session.get("Jobs", params={"offset": offset, "limit": 20}).json()
        names += [job["name"] for job in page["results"]]
        if len(page["results"]) < 20:
            break
        offset += 20
    assert names == ["VB365 Job %04d" % n for n in range(1, 76)]
    assert session.get("Jobs", params={"limit": 10000}).status_code == 200


@pytest.mark.parametrize("params", [{"limit": 10001}, {"limit": 0}, {"offset": -1}, {"limit": "many"}])
def test_v8_bad_paging_is_400(vb, params):
    answer = vb("v8").get("Jobs", params=params)
    assert answer.status_code == 400
    assert answer.json()["errorCode"] == "ParameterValidationFailure"


def test_job_by_id_and_case_insensitive_paths(vb, sim):
    session = vb("v8")
    expected = sim.vb365_job("SharePoint Sites")
    job = session.get("Jobs/%s" % expected["id"]).json()
    assert job["name"] == "SharePoint Sites" and job["isEnabled"] is True and job["lastStatus"] == "Warning"
    assert job["eTag"] == 1 and job["organizationId"]
    lower = session.http.get(sim.vb365_url + "V8/jobs/" + expected["id"].upper())
    assert lower.status_code == 200 and lower.json()["id"] == expected["id"]


def test_disabled_job_has_no_next_run_and_running_job_says_running(vb, sim):
    session = vb("v5")
    jobs = {job["name"]: job for job in session.get("Jobs").json()}
    assert jobs["Exchange Archive Mailboxes"]["isEnabled"] is False and jobs["Exchange Archive Mailboxes"]["nextRun"] is None
    assert jobs["Exchange Online Daily"]["nextRun"].endswith("Z")
    assert jobs["Teams and Groups"]["lastStatus"] == "Running"
    assert jobs["Legacy Public Folders"]["schedulePolicy"]["type"] == "ManualOnly"


def test_unknown_and_malformed_ids(vb):
    session = vb("v8")
    missing = session.get("Jobs/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    body = missing.json()
    assert body["errorCode"] == "ResourceNotFound" and "was not found" in body["message"] and body["stackTrace"]
    assert session.get("Jobs/not-a-guid").status_code == 400
    assert set(vb("v6").get("Jobs/00000000-0000-0000-0000-000000000000").json()) == {"message"}
    assert vb("v7").get("Jobs/00000000-0000-0000-0000-000000000000").json() == {
        "message": "Job with ID '00000000-0000-0000-0000-000000000000' was not found.", "errorCode": None}


def test_scenario_ids_are_stable_and_can_be_given(sim):
    first = sim.vb365_job("Exchange Online Daily")["id"]
    sim.reset()
    assert sim.vb365_job("Exchange Online Daily")["id"] == first
    sim.reset({"vb365": {"jobs": [{"name": "Twin", "id": "11111111-1111-1111-1111-111111111111"}, {"name": "Twin"}, {"name": "Twin"}]}})
    ids = [job["id"] for job in sim.state()["vb365"]["jobs"]]
    assert ids[0] == "11111111-1111-1111-1111-111111111111" and len(set(ids)) == 3
