"""VB365 backup copy jobs (/vN/CopyJobs, v6-v8): the lists (plain up to v7, pages in v8) and their filters, one copy job,
the links between a copy job and its backup job, error bodies; no copy job routes before v6."""

import pytest

COPY_FIELDS = {"backupJobId", "schedulePolicy", "id", "repositoryId", "name", "lastRun", "nextRun", "isEnabled", "lastStatus", "_links"}
# RESTCopyJob: v7 adds lastBackup, v8 organizationId and eTag.
FIELDS = {"v6": COPY_FIELDS, "v7": COPY_FIELDS | {"lastBackup"}, "v8": COPY_FIELDS | {"lastBackup", "organizationId", "eTag"}}
COPIES = ["Exchange Online Daily Copy", "SharePoint Sites Copy"]
MISSING = "00000000-0000-0000-0000-000000000000"
ARCHIVE = "22222222-2222-2222-2222-222222222222"
OTHER_ORGANIZATION = "33333333-3333-3333-3333-333333333333"
# Three backup jobs (one in another organization), each with a copy job; two copy to another repository.
FILTERED = {"vb365": {"jobs": [{"name": "A"}, {"name": "B", "organizationId": OTHER_ORGANIZATION}, {"name": "C"}],
                      "copy_jobs": [{"name": "A Copy", "backupJob": "A"}, {"name": "B Copy", "backupJob": "B", "repositoryId": ARCHIVE},
                                    {"name": "C Copy", "backupJob": "C", "repositoryId": ARCHIVE}]}}


@pytest.mark.parametrize("version", ["v6", "v7"])
def test_plain_list_in_v6_and_v7(vb, sim, version):
    answer = vb(version).get("CopyJobs")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    jobs = answer.json()
    assert isinstance(jobs, list) and [job["name"] for job in jobs] == COPIES
    assert all(set(job) == FIELDS[version] for job in jobs)
    first, second = jobs
    assert first["id"] == sim.vb365_copy_job(COPIES[0])["id"] and first["backupJobId"] == sim.vb365_job("Exchange Online Daily")["id"]
    assert first["_links"]["self"]["href"] == "/%s/CopyJobs/%s" % (version, first["id"])
    assert first["schedulePolicy"] == {"type": "Immediate", "backupCopyWindowEnabled": False}
    assert first["isEnabled"] is True and first["lastStatus"] == "Success" and first["lastRun"].endswith("Z") and first["nextRun"] is None
    assert second["isEnabled"] is False and second["lastStatus"] == "Warning"
    assert first["repositoryId"] != vb(version).get("Jobs").json()[0]["repositoryId"]  # copies go to another repository


def test_v8_page_shape_and_fields(vb, sim):
    session = vb("v8")
    page = session.get("CopyJobs").json()
    assert set(page) == {"offset", "limit", "setId", "results", "_links"}
    assert page["offset"] == 0 and page["limit"] == 30 and "next" not in page["_links"]
    assert [job["name"] for job in page["results"]] == COPIES
    job = page["results"][0]
    assert set(job) == FIELDS["v8"]
    backup = session.get("Jobs/" + job["backupJobId"]).json()
    assert job["eTag"] == 1 and job["organizationId"] == backup["organizationId"] and job["lastBackup"].endswith("Z")


def test_v8_paging_over_generated_copy_jobs(vb, sim):
    sim.reset({"generate": {"vb365_jobs": 45, "vb365_copy_jobs": 45}})
    session = vb("v8")
    first = session.get("CopyJobs").json()
    assert len(first["results"]) == 30 and first["_links"]["next"]["href"] == "/v8/CopyJobs?offset=30&limit=30"
    rest = session.get("CopyJobs", params={"offset": 30, "limit": 30}).json()
    assert "next" not in rest["_links"]
    assert [job["name"] for job in first["results"] + rest["results"]] == ["VB365 Job %04d Copy" % n for n in range(1, 46)]
    assert len(session.get("CopyJobs", params={"limit": 10000}).json()["results"]) == 45
    for params in ({"limit": 10001}, {"limit": 0}, {"offset": -1}, {"offset": "x"}):
        answer = session.get("CopyJobs", params=params)
        assert answer.status_code == 400 and answer.json()["errorCode"] == "ParameterValidationFailure", params


def test_v8_filters_by_organization_and_repository(vb, sim):
    sim.reset(FILTERED)
    session = vb("v8")

    def names(**params):
        return [job["name"] for job in session.get("CopyJobs", params=params).json()["results"]]

    assert names() == ["A Copy", "B Copy", "C Copy"]
    assert names(organizationId=OTHER_ORGANIZATION) == ["B Copy"]
    assert names(repositoryId=ARCHIVE) == ["B Copy", "C Copy"]
    assert names(repositoryId=ARCHIVE.upper(), organizationId=OTHER_ORGANIZATION) == ["B Copy"]
    assert names(repositoryId=MISSING) == []
    assert names(repositoryId=ARCHIVE, limit=1) == ["B Copy"]


@pytest.mark.parametrize("version", ["v6", "v7"])
def test_v6_and_v7_filter_by_repository_only(vb, sim, version):
    sim.reset(FILTERED)
    session = vb(version)
    assert [job["name"] for job in session.get("CopyJobs", params={"repositoryId": ARCHIVE}).json()] == ["B Copy", "C Copy"]
    # organizationId is not a parameter of their GET CopyJobs: ignored.
    assert len(session.get("CopyJobs", params={"organizationId": OTHER_ORGANIZATION}).json()) == 3


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
def test_copy_job_by_id_and_the_links_both_ways(vb, version):
    session = vb(version)
    copy_id, backup_id = session.copy_job_id(COPIES[0]), session.job_id("Exchange Online Daily")
    copy = session.get("CopyJobs/" + copy_id).json()
    assert copy["id"] == copy_id and copy["name"] == COPIES[0] and copy["backupJobId"] == backup_id
    assert copy["_links"]["backupJob"]["href"] == "/%s/CopyJobs/%s/BackupJob" % (version, copy_id)
    backup = session.get("CopyJobs/%s/BackupJob" % copy_id)
    assert backup.status_code == 200 and backup.json() == session.get("Jobs/" + backup_id).json()
    assert backup.json()["_links"]["copyJob"]["href"] == "/%s/Jobs/%s/CopyJob" % (version, backup_id)
    linked = session.get("Jobs/%s/CopyJob" % backup_id)
    assert linked.status_code == 200 and linked.json() == copy
    lower = session.http.get(session.sim.vb365_url + version.upper() + "/copyjobs/" + copy_id.upper())
    assert lower.status_code == 200 and lower.json()["id"] == copy_id


@pytest.mark.parametrize("version", ["v6", "v7", "v8"])
def test_a_backup_job_without_copy_job_and_unknown_ids_are_404(vb, version):
    session = vb(version)
    alone = session.job_id("OneDrive for Business")
    answer = session.get("Jobs/%s/CopyJob" % alone)
    assert answer.status_code == 404 and answer.json()["message"] == "Job with ID '%s' has no backup copy job." % alone
    assert "copyJob" not in session.get("Jobs/" + alone).json()["_links"]
    missing = session.get("CopyJobs/" + MISSING)
    assert missing.status_code == 404 and missing.json()["message"] == "Backup copy job with ID '%s' was not found." % MISSING
    assert session.get("CopyJobs/%s/BackupJob" % MISSING).status_code == 404
    assert session.get("Jobs/%s/CopyJob" % MISSING).status_code == 404
    assert session.get("CopyJobs/not-a-guid").status_code == 400
    # One kind's id is unknown to the other's routes.
    assert session.get("CopyJobs/" + session.job_id("Exchange Online Daily")).status_code == 404
    assert session.get("Jobs/" + session.copy_job_id(COPIES[0])).status_code == 404


def test_error_bodies_follow_the_version(vb):
    assert vb("v6").get("CopyJobs/" + MISSING).json() == {"message": "Backup copy job with ID '%s' was not found." % MISSING}
    assert vb("v7").get("CopyJobs/" + MISSING).json()["errorCode"] is None
    v8 = vb("v8").get("CopyJobs/" + MISSING).json()
    assert v8["errorCode"] == "ResourceNotFound" and v8["stackTrace"]


@pytest.mark.parametrize("version", ["v2", "v3", "v4", "v5"])
def test_no_copy_job_routes_before_v6(vb, sim, version):
    session = vb(version)
    copy_id, backup_id = session.copy_job_id(COPIES[0]), session.job_id("Exchange Online Daily")
    for method, path in (("GET", "CopyJobs"), ("GET", "CopyJobs/" + copy_id), ("GET", "CopyJobs/%s/BackupJob" % copy_id),
                         ("GET", "Jobs/%s/CopyJob" % backup_id), ("POST", "CopyJobs/%s/disable" % copy_id),
                         ("POST", "CopyJobs/%s/start" % copy_id), ("POST", "CopyJobs/%s/Action" % copy_id)):
        answer = session.http.request(method, session.url(path), json={"disable": None} if path.endswith("Action") else None, timeout=10)
        assert answer.status_code == 404, path
        assert answer.json() == {"message": "No HTTP resource was found that matches the request URI '/%s/%s'." % (version, path)}
    assert session.post("Jobs/%s/Action" % copy_id, json={"disable": None}).status_code == 404  # not a backup job either
    assert sim.vb365_copy_job(COPIES[0])["isEnabled"] is True
    assert len(session.get("Jobs").json()) == 6


def test_copy_jobs_cannot_be_created_changed_or_deleted(vb, sim):
    session = vb("v8")
    copy_id = session.copy_job_id(COPIES[0])
    assert session.post("CopyJobs", json={"backupJobId": session.job_id("OneDrive for Business")}).status_code == 405
    assert session.http.put(session.url("CopyJobs/" + copy_id), json={}, timeout=10).status_code == 405
    assert session.http.delete(session.url("CopyJobs/" + copy_id), timeout=10).status_code == 405
    assert len(sim.state()["vb365"]["copy_jobs"]) == 2
