"""EM backups and repositories: GET /api/query?type=Backup (filters, paging, XML and JSON), /api/backups/{id},
/api/repositories[/{id}], and the agent job scenario keys that place a job's backups (issue 31).

The vendor's shapes: docs/em_rest/get_query_backup.md (its example lists an agent job's ParentBackup and ChildBackup),
backups_id.md (a backup's body names its repository through Link Rel="Up" Type="RepositoryReference", never its job),
repositories.md and repositories_id.md.
"""

import pytest

from veeam_sim.testing import SimError

from sim_helpers import NS, xml, wait_until

RETARGETED = {"em": {"jobs": [
    {"name": "Fileserver Backup", "platform": "AgentForWindows", "repositories": ["Repo A"]},
    {"name": "Linux DB Servers", "platform": "AgentForLinux", "repositories": ["Repo A", "Repo B"]},
    {"name": "New Laptops", "platform": "AgentForWindows", "repositories": []},
    {"name": "Never Ran", "platform": "AgentForLinux", "lastResult": "None"},
]}}


def query(session, **params):
    answer = session.get("query", params=params)
    assert answer.status_code == 200, answer.text
    return answer


def backups_json(session, **params):
    return query(session, type="Backup", format="Entities", **params).json()["Entities"]["Backups"]


def repository_link(entity):
    (link,) = [link for link in entity["Links"] if link["Type"] == "RepositoryReference"]
    return link


def test_agent_backups_name_their_repository_but_not_their_job_json(em, sim):
    sim.reset(RETARGETED)
    job = sim.em_job("Fileserver Backup")
    found = backups_json(em(as_json=True), filter='JobUid=="urn:veeam:Job:%s"' % job["id"])
    assert sorted(b["BackupType"] for b in found) == ["ChildBackup", "ParentBackup"]
    parent = next(b for b in found if b["BackupType"] == "ParentBackup")
    assert parent["Name"] == "Fileserver Backup" and parent["Platform"] == "AgentForWindows" and parent["Type"] == "Backup"
    link = repository_link(parent)
    assert link["Rel"] == "Up" and link["Name"] == "Repo A"
    repo_id = next(r["id"] for r in sim.state()["em"]["repositories"] if r["name"] == "Repo A")
    assert link["Href"].endswith("/api/repositories/" + repo_id)
    # The body never names the job: only the filter ties the backup to it.
    assert not any(key.lower().startswith("job") for key in parent)
    child = next(b for b in found if b["BackupType"] == "ChildBackup")
    assert child["Name"].startswith("Fileserver Backup - ")
    assert any(link["Rel"] == "Up" and link["Type"] == "Backup" and link["Href"].startswith(parent["Href"].split("?")[0]) for link in child["Links"])


def test_agent_backups_xml(em, sim):
    sim.reset(RETARGETED)
    job = sim.em_job("Linux DB Servers")
    root = xml(query(em(), type="Backup", format="Entities", filter='JobUid=="urn:veeam:Job:%s";BackupType==ParentBackup' % job["id"]))
    assert root.tag == NS + "QueryResult"
    found = root.find(NS + "Entities").find(NS + "Backups").findall(NS + "Backup")
    names = []
    for backup in found:
        (link,) = [link for link in backup.find(NS + "Links") if link.get("Type") == "RepositoryReference"]
        names.append(link.get("Name"))
        assert backup.find(NS + "Platform").text == "AgentForLinux" and backup.find(NS + "BackupType").text == "ParentBackup"
    # A retargeted job shows a backup on each repository it wrote to.
    assert sorted(names) == ["Repo A", "Repo B"]


def test_jobs_without_a_backup_have_none(em, sim):
    sim.reset(RETARGETED)
    session = em(as_json=True)
    for name in ("New Laptops", "Never Ran"):
        job = sim.em_job(name)
        assert job["repositories"] == [] and job["backups"] == []
        assert backups_json(session, filter='JobUid=="urn:veeam:Job:%s"' % job["id"]) == []


@pytest.mark.parametrize("expression, expected", [
    ("Platform==AgentForWindows", {"Fileserver Backup"}),
    ("Platform==AgentForLinux", {"Linux DB Servers"}),
    ("Platform==VMware", {"VM Backup Job"}),
    ("Platform!=VMware;BackupType==ParentBackup", {"Fileserver Backup", "Linux DB Servers"}),
    ('RepositoryName=="Repo B"', {"Linux DB Servers"}),
    ('JobName=="Linux DB Servers";RepositoryName=="Repo A"', {"Linux DB Servers"}),
])
def test_backup_filters(em, sim, expression, expected):
    sim.reset(RETARGETED)
    found = backups_json(em(as_json=True), filter=expression)
    assert {b["Name"].split(" - ")[0] for b in found} == expected


def test_filter_on_repository_uid_full_or_bare(em, sim):
    sim.reset(RETARGETED)
    repo_id = next(r["id"] for r in sim.state()["em"]["repositories"] if r["name"] == "Repo B")
    session = em(as_json=True)
    full = backups_json(session, filter='RepositoryUid=="urn:veeam:Repository:%s"' % repo_id)
    bare = backups_json(session, filter="RepositoryUid==%s" % repo_id)
    assert full == bare and len(full) == 2 and {repository_link(b)["Name"] for b in full} == {"Repo B"}


def test_the_agent_job_urn_does_not_match_a_backup(em, sim):
    """Backups carry the generic job URN (urn:veeam:Job:<guid>), as the vendor's pages print it."""
    sim.reset(RETARGETED)
    job = sim.em_job("Fileserver Backup")
    session = em(as_json=True)
    assert backups_json(session, filter='JobUid=="%s"' % job["uid"]) == []
    assert len(backups_json(session, filter="JobUid==%s" % job["id"])) == 2


def test_backup_query_pages_and_references(em, sim):
    sim.reset({"generate": {"em_jobs": 30}})
    session = em(as_json=True)
    seen, page = [], 1
    while True:
        body = query(session, type="Backup", format="Entities", filter="Platform!=VMware", sortAsc="Name", pageSize=25, page=page).json()
        assert body["PagingInfo"]["PagesCount"] == 3
        seen += [b["UID"] for b in body["Entities"]["Backups"]]
        if page >= body["PagingInfo"]["PagesCount"]:
            break
        page += 1
    # 30 generated jobs that ran: a parent and a child backup each, every one listed once.
    assert len(seen) == len(set(seen)) == 60
    refs = query(session, type="Backup", format="References", pageSize=5).json()
    assert len(refs["Refs"]) == 5 and refs["Refs"][0]["Type"] == "BackupReference"
    assert any(link["Type"] == "RepositoryReference" for link in refs["Refs"][0]["Links"])
    root = xml(query(em(), type="Backup", pageSize=2))
    assert [ref.get("Type") for ref in root.find(NS + "Refs")] == ["BackupReference", "BackupReference"]


def test_one_backup_and_repositories(em, sim):
    sim.reset(RETARGETED)
    session = em(as_json=True)
    backup = backups_json(session, filter="BackupType==ParentBackup;Platform==AgentForWindows")[0]
    backup_id = backup["UID"].rsplit(":", 1)[-1]
    assert session.get("backups/%s?format=Entity" % backup_id).json() == backup
    assert session.get("backups/" + backup_id).json()["Type"] == "BackupReference"
    assert session.get("backups/00000000-0000-0000-0000-000000000000").status_code == 404
    refs = session.get("repositories").json()["Refs"]
    assert {r["Name"] for r in refs} == {"Default Backup Repository", "Repo A", "Repo B"}
    assert all(r["Type"] == "RepositoryReference" and r["UID"] == "urn:veeam:Repository:" + r["Href"].rsplit("/", 1)[-1] for r in refs)
    repo_b = next(r for r in refs if r["Name"] == "Repo B")
    entity = session.get(repo_b["Href"].split("/api/", 1)[1] + "?format=Entity").json()
    assert entity["Type"] == "Repository" and entity["Name"] == "Repo B" and {"Capacity", "FreeSpace", "Kind"} <= set(entity)
    root = xml(em().get("repositories"))
    assert root.tag == NS + "EntityReferences" and len(root.findall(NS + "Ref")) == 3
    assert em().get("repositories/not-there").status_code == 404


def test_the_job_entity_names_no_repository(em, sim):
    """The vendor's JobInfo has no repository (docs/em_rest/agents_jobs_id.md): the simulator's non-vendor
    BackupRepositoryUid is gone."""
    job = sim.em_job("Fileserver Backup")
    root = xml(em().get("agents/jobs/%s?format=Entity" % job["id"]))
    assert root.find(NS + "JobInfo") is not None
    assert not [element for element in root.iter() if "Repository" in element.tag]


def test_a_first_successful_run_leaves_a_backup(em, sim):
    sim.reset(RETARGETED)
    sim.configure(em_run_seconds=0.2)
    session = em(as_json=True)
    job = sim.em_job("New Laptops")
    task = session.post("agents/jobs/%s?action=start" % job["id"]).json()
    assert session.wait_task(task["TaskId"]).status_code == 200
    wait_until(lambda: sim.em_job("New Laptops")["backups"])
    found = backups_json(session, filter='JobUid=="urn:veeam:Job:%s"' % job["id"])
    assert {repository_link(b)["Name"] for b in found} == {"Default Backup Repository"}


@pytest.mark.parametrize("value", ["Repo A", [""], ["Repo A", "Repo A"], [3]])
def test_invalid_repositories_are_refused(sim, value):
    with pytest.raises(SimError) as raised:
        sim.reset({"em": {"jobs": [{"name": "Bad", "repositories": value}]}})
    assert "repositories" in str(raised.value)
