"""EM agent jobs: references, entities, backup sessions and the query service with filters and paging."""

import pytest

from sim_helpers import NS, xml

ACTION_RELS = {"ToggleScheduleEnabled", "Start", "Stop", "Retry"}


def test_job_references_xml(em, sim):
    answer = em().get("agents/jobs")
    root = xml(answer)
    assert root.tag == NS + "EntityReferences"
    refs = root.findall(NS + "Ref")
    assert [r.get("Name") for r in refs] == [j["name"] for j in sim.state()["em"]["jobs"]]
    first = refs[0]
    assert first.get("Type") == "AgentBackupJobReference" and first.get("UID") == "urn:veeam:AgentBackupJob:" + sim.em_job(first.get("Name"))["id"]
    assert first.get("Href").endswith("/api/agents/jobs/" + sim.em_job(first.get("Name"))["id"])


def test_job_references_json(em):
    body = em(as_json=True).get("agents/jobs").json()
    assert list(body) == ["Refs"]
    assert body["Refs"][0]["Type"] == "AgentBackupJobReference" and isinstance(body["Refs"][0]["Links"], list)


def test_job_entity_xml(em, sim):
    session = em()
    job = sim.em_job("Fileserver Backup")
    root = xml(session.get("agents/jobs/%s?format=Entity" % job["id"]))
    assert root.tag == NS + "AgentBackupJob"
    assert root.get("Name") == "Fileserver Backup" and root.get("UID") == "urn:veeam:AgentBackupJob:" + job["id"] and root.get("Type") == "AgentBackupJob"
    assert root.get("Href").endswith("/api/agents/jobs/%s?format=Entity" % job["id"])
    rels = {link.get("Rel"): link.get("Href") for link in root.find(NS + "Links")}
    assert ACTION_RELS <= set(rels) and rels["Down"].endswith("/backupSessions")
    assert rels["ToggleScheduleEnabled"].endswith("?action=toggleScheduleEnabled")
    assert root.find(NS + "JobType").text == "AgentBackup" and root.find(NS + "Platform").text == "AgentForWindows"
    assert root.find(NS + "ScheduleEnabled").text == "true" and root.find(NS + "ScheduleConfigured").text == "true"
    assert root.find(NS + "NextRun").text.endswith("Z")
    assert root.find(NS + "JobScheduleOptions") is not None and root.find(NS + "JobInfo") is not None


def test_job_entity_json_and_disabled_job(em, sim):
    session = em(as_json=True)
    body = session.get("agents/jobs/%s" % sim.em_job("Finance Laptops")["id"], params={"format": "Entity"}).json()
    assert body["ScheduleEnabled"] is False and body["NextRun"] is None and body["ScheduleConfigured"] is True
    assert body["Platform"] == "AgentForWindows" and body["Name"] == "Finance Laptops"
    assert {link["Rel"] for link in body["Links"]} >= ACTION_RELS


def test_job_without_format_is_a_reference(em, sim):
    root = xml(em().get("agents/jobs/" + sim.em_job("Fileserver Backup")["id"]))
    assert root.tag == NS + "Ref" and root.get("Type") == "AgentBackupJobReference"


def test_all_entities_at_once(em):
    body = em(as_json=True).get("agents/jobs?format=Entity").json()
    assert len(body["AgentBackupJobs"]) == 6 and body["AgentBackupJobs"][0]["Type"] == "AgentBackupJob"


def test_unknown_job_is_404_error(em):
    session = em()
    answer = session.get("agents/jobs/00000000-0000-0000-0000-000000000000?format=Entity")
    assert answer.status_code == 404
    error = xml(answer)
    assert error.tag == NS + "Error" and error.get("StatusCode") == "404" and "not found" in error.get("Message")
    as_json = em(as_json=True).get("agents/jobs/nope").json()
    assert as_json["StatusCode"] == 404 and set(as_json) == {"Message", "StatusCode"}


def test_backup_sessions_of_a_job(em, sim):
    job = sim.em_job("Linux DB Servers")
    refs = xml(em().get("agents/jobs/%s/backupSessions" % job["id"]))
    assert refs.tag == NS + "EntityReferences" and len(refs.findall(NS + "Ref")) == 2
    entities = em(as_json=True).get("agents/jobs/%s/backupSessions?format=Entity" % job["id"]).json()["BackupJobSessions"]
    assert [s["State"] for s in entities] == ["Stopped", "Working"] and [s["Result"] for s in entities] == ["Success", "None"]
    newest = entities[-1]
    # The vendor pages print a session's JobUid with the generic job URN.
    assert newest["JobUid"] == "urn:veeam:Job:" + job["id"] and newest["JobName"] == "Linux DB Servers" and newest["JobType"] == "AgentBackup"
    assert newest["EndTime"] is None and newest["CreationTime"].endswith("Z")
    one = em(as_json=True).get("backupSessions/%s?format=Entity" % newest["UID"].rsplit(":", 1)[-1]).json()
    assert one["UID"] == newest["UID"]


def query(session, **params):
    answer = session.get("query", params=params)
    assert answer.status_code == 200, answer.text
    return answer


def test_query_entities_xml(em):
    root = xml(query(em(), type="AgentBackupJob", format="Entities"))
    assert root.tag == NS + "QueryResult"
    jobs = root.find(NS + "Entities").find(NS + "AgentBackupJobs").findall(NS + "AgentBackupJob")
    assert len(jobs) == 6
    paging = root.find(NS + "PagingInfo")
    # Without pageSize every result is on one page.
    assert (paging.get("PageNum"), paging.get("PageSize"), paging.get("PagesCount")) == ("1", "6", "1")


def test_query_entities_json_with_filter(em):
    body = query(em(as_json=True), type="AgentBackupJob", format="Entities", filter='Name=="Fileserver Backup"').json()
    assert [j["Name"] for j in body["Entities"]["AgentBackupJobs"]] == ["Fileserver Backup"]
    assert body["PagingInfo"]["PageNum"] == 1 and body["PagingInfo"]["PagesCount"] == 1


@pytest.mark.parametrize("expression, expected", [
    ("Name==Fileserver Backup", ["Fileserver Backup"]),
    ('name=="fileserver backup"', ["Fileserver Backup"]),
    ("Name!=Fileserver Backup;ScheduleEnabled==false", ["Finance Laptops", "Build Agents"]),
    ("Name==Fileserver Backup,Name==Build Agents", ["Fileserver Backup", "Build Agents"]),
    ("Platform==AgentForLinux;ScheduleEnabled==true,Name==Finance Laptops", ["Linux DB Servers", "Web Frontends", "Finance Laptops"]),
    ('Name=="A, B; C"', []),
])
def test_query_filter_language(em, expression, expected):
    body = query(em(as_json=True), type="AgentBackupJob", format="Entities", filter=expression).json()
    assert [j["Name"] for j in body["Entities"]["AgentBackupJobs"]] == expected


@pytest.mark.parametrize("expression", ["Colour==red", "Name~=x", 'Name=="open'])
def test_bad_filters_are_400(em, expression):
    answer = em().get("query", params={"type": "AgentBackupJob", "format": "Entities", "filter": expression})
    assert answer.status_code == 400 and xml(answer).tag == NS + "Error"


def test_query_sessions_by_job_uid_and_state(em, sim):
    job = sim.em_job("Linux DB Servers")
    session = em(as_json=True)
    body = query(session, type="BackupJobSession", format="Entities", filter='JobUid=="urn:veeam:Job:%s"' % job["id"]).json()
    sessions = body["Entities"]["BackupJobSessions"]
    assert len(sessions) == 2 and {s["JobName"] for s in sessions} == {"Linux DB Servers"}
    other_urn = query(session, type="BackupJobSession", format="Entities", filter='JobUid=="%s"' % job["uid"]).json()
    assert other_urn["Entities"]["BackupJobSessions"] == []
    bare = query(session, type="BackupJobSession", format="Entities", filter="JobUid==%s" % job["id"]).json()
    assert len(bare["Entities"]["BackupJobSessions"]) == 2
    running = query(session, type="BackupJobSession", format="Entities", filter="State!=Stopped").json()["Entities"]["BackupJobSessions"]
    assert [s["JobName"] for s in running] == ["Linux DB Servers"]
    root = xml(query(em(), type="BackupJobSession", format="Entities", filter="State!=Stopped"))
    assert len(root.find(NS + "Entities").find(NS + "BackupJobSessions").findall(NS + "BackupJobSession")) == 1


def test_query_paging_and_references(em, sim):
    sim.reset({"generate": {"em_jobs": 250}})
    session = em(as_json=True)
    seen = []
    page = 1
    while True:
        body = query(session, type="AgentBackupJob", format="Entities", pageSize=100, page=page).json()
        seen += [j["Name"] for j in body["Entities"]["AgentBackupJobs"]]
        assert body["PagingInfo"]["PagesCount"] == 3
        if page >= body["PagingInfo"]["PagesCount"]:
            break
        page += 1
    assert seen == ["Agent Job %04d" % n for n in range(1, 251)]
    refs = query(session, type="AgentBackupJob", pageSize=10).json()
    assert len(refs["Refs"]) == 10 and refs["Refs"][0]["Type"] == "AgentBackupJobReference"
    assert {link["Rel"] for link in refs["PagingInfo"]["Links"]} == {"First", "Last", "Next"}
    assert em().get("query", params={"type": "AgentBackupJob", "pageSize": 0}).status_code == 400
    assert em().get("query", params={"type": "Repository"}).status_code == 400


def test_query_sorts_and_pages_sessions_newest_first(em, sim):
    sim.reset({"generate": {"em_jobs": 30}})
    session = em(as_json=True)
    everything = query(session, type="BackupJobSession", format="Entities").json()
    # Without pageSize every session is on one page (the vendor's pageSize page).
    assert everything["PagingInfo"]["PagesCount"] == 1 and len(everything["Entities"]["BackupJobSessions"]) == 30
    newest = sorted((s["CreationTime"] for s in everything["Entities"]["BackupJobSessions"]), reverse=True)
    seen = []
    for page in (1, 2, 3):
        body = query(session, type="BackupJobSession", format="Entities", filter="JobType==AgentBackup", sortDesc="CreationTime",
                     pageSize=10, page=page).json()
        assert body["PagingInfo"]["PagesCount"] == 3
        seen += [s["CreationTime"] for s in body["Entities"]["BackupJobSessions"]]
    assert seen == newest
    ascending = query(session, type="BackupJobSession", format="Entities", sortAsc="creationtime", pageSize=5).json()
    assert [s["CreationTime"] for s in ascending["Entities"]["BackupJobSessions"]] == sorted(newest)[:5]


@pytest.mark.parametrize("params", [{"sortDesc": "Colour"}, {"sortAsc": "Name", "sortDesc": "Name"}])
def test_bad_sort_is_400(em, params):
    answer = em().get("query", params=dict(type="AgentBackupJob", format="Entities", **params))
    assert answer.status_code == 400 and xml(answer).tag == NS + "Error"
