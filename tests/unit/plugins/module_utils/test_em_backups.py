# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An agent job's repositories in Enterprise Manager: Backup entities (XML and JSON) parsed to {id, name}, and the info
module's read of them (EmClient.info_details) with the reason when there is none.

The payloads follow the shape of the vendor's query example (docs/em_rest/get_query_backup.md: an agent job's
ParentBackup and ChildBackup, each linking Rel="Up" Type="RepositoryReference"; no JobUid in the body).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._info import job_entry
from ansible_collections.backupops.veeam.plugins.module_utils._model import Job
from ansible_collections.backupops.veeam.plugins.module_utils.em import _client as _em
from ansible_collections.backupops.veeam.plugins.module_utils.em._client import EmClient
from ansible_collections.backupops.veeam.plugins.module_utils.em._payload import entities, parse, repositories_of, repository_of
from ansible_collections.backupops.veeam.tests.unit.utils.em_payloads import GUID, GUID2, query_json, query_xml

REPO_A = "425b6739-5082-4f7a-99fb-1ae13ef87d9f"
REPO_B = "b8832f03-2c9e-4222-8d0b-e43e0c912f93"
BASE = "https://em01.corp.local:9398/api/"


def links_xml(repository_id, repository_name, extra=""):
    repository = ('<Link Rel="Up" Type="RepositoryReference" Href="%srepositories/%s" Name="%s" />' % (BASE, repository_id, repository_name)
                  if repository_id else "")
    return ('<Links>%s<Link Rel="Up" Type="BackupServerReference" Href="%sbackupServers/7445e6ce-86f5-4171-b909-dac209c66563" '
            'Name="vbr01.corp.local" />%s</Links>' % (repository, BASE, extra))


def backup_xml(backup_id, name, repository_id, repository_name, backup_type="ParentBackup"):
    return ('<Backup Type="Backup" Href="%sbackups/%s?format=Entity" Name="%s" UID="urn:veeam:Backup:%s">%s'
            '<Platform>AgentForWindows</Platform><BackupType>%s</BackupType></Backup>'
            % (BASE, backup_id, name, backup_id, links_xml(repository_id, repository_name), backup_type))


def backup_json(backup_id, name, repository_id, repository_name, backup_type="ParentBackup"):
    links = [{"Rel": "Up", "Type": "BackupServerReference", "Href": BASE + "backupServers/7445e6ce", "Name": "vbr01.corp.local"}]
    if repository_id:
        links.insert(0, {"Rel": "Up", "Type": "RepositoryReference", "Href": BASE + "repositories/" + repository_id, "Name": repository_name})
    return {"Type": "Backup", "Href": BASE + "backups/%s?format=Entity" % backup_id, "Name": name, "UID": "urn:veeam:Backup:" + backup_id,
            "Links": links, "Platform": "AgentForWindows", "BackupType": backup_type}


# One job writing to Repo A and, after a retarget, to Repo B: a parent and a child backup on each.
RETARGETED = [("b1", "Fileserver Backup", REPO_A, "Repo A", "ParentBackup"), ("b2", "Fileserver Backup - fs01", REPO_A, "Repo A", "ChildBackup"),
              ("b3", "Fileserver Backup", REPO_B, "Repo B", "ParentBackup"), ("b4", "Fileserver Backup - fs01", REPO_B, "Repo B", "ChildBackup")]


def answer(fmt, rows, page=1, pages=1):
    if fmt == "xml":
        return query_xml("Backup", "".join(backup_xml(*row) for row in rows), page, pages)
    return query_json("Backup", [backup_json(*row) for row in rows], page, pages)


# -- parsing ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_retargeted_jobs_backups_name_both_repositories_once_each(fmt):
    found = entities(parse(answer(fmt, RETARGETED)), "Backup")
    assert len(found) == 4
    assert repository_of(found[0]) == {"id": REPO_A, "name": "Repo A"}
    assert repositories_of(found) == [{"id": REPO_A, "name": "Repo A"}, {"id": REPO_B, "name": "Repo B"}]


def test_both_formats_give_the_same_repositories():
    assert repositories_of(entities(parse(answer("xml", RETARGETED)), "Backup")) == \
        repositories_of(entities(parse(answer("json", RETARGETED)), "Backup"))


def test_repositories_are_ordered_by_name_whatever_the_server_order():
    rows = [RETARGETED[2], RETARGETED[0]]
    assert [r["name"] for r in repositories_of(entities(parse(answer("json", rows)), "Backup"))] == ["Repo A", "Repo B"]


@pytest.mark.parametrize("link, expected", [
    # The GUID the Href ends with, in lower case, whatever the query string or case.
    ({"Rel": "Up", "Type": "RepositoryReference", "Href": BASE + "repositories/%s?format=Entity" % REPO_A.upper(), "Name": "A"},
     {"id": REPO_A, "name": "A"}),
    ({"Rel": "up", "Type": "repositoryreference", "Href": BASE + "repositories/%s/" % REPO_A}, {"id": REPO_A, "name": None}),
    # Not the backup's repository: another relation, another type, no Href.
    ({"Rel": "Down", "Type": "RepositoryReference", "Href": BASE + "repositories/" + REPO_A}, None),
    ({"Rel": "Up", "Type": "BackupServerReference", "Href": BASE + "backupServers/" + REPO_A}, None),
    ({"Rel": "Up", "Type": "RepositoryReference"}, None),
])
def test_repository_of_reads_only_the_up_repository_link(link, expected):
    assert repository_of({"Links": [link]}) == expected


def test_a_backup_without_a_repository_link_names_none():
    found = entities(parse(answer("xml", [("b9", "Old Backup", None, None, "Standard")])), "Backup")
    assert len(found) == 1 and repository_of(found[0]) is None and repositories_of(found) == []


# -- the info module's read -------------------------------------------------------------


def job(guid, name):
    return Job(id=guid, name=name, enabled=True, running=False, last_run=None, last_result=None, next_run=None,
               details=dict(uid="urn:veeam:AgentBackupJob:" + guid, platform="AgentForWindows", description=None, schedule_configured=True))


def client_answering(fmt, answers, warnings):
    """An EmClient whose GETs are answered per job GUID from `answers` (a list of pages, or an exception to raise)."""
    settings = dict(server="em.example.com", port=9398, username="op", password="pw", validate_certs=True, ca_path=None, timeout=30,
                    use_proxy=True, format=fmt)
    client = EmClient("https://em.example.com:9398/", settings, warn=warnings.append, register_secret=lambda value: None)
    client.sent = []

    def get(path, what):
        client.sent.append(path)
        guid = next(key for key in answers if key in path)
        pages = answers[guid]
        if isinstance(pages, Exception):
            raise pages
        page = int(path.rsplit("page=", 1)[-1])
        return parse(pages[page - 1])
    client._get = get
    return client


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_each_job_gets_its_repositories_or_the_reason_from_one_query(fmt):
    warnings = []
    client = client_answering(fmt, {GUID: [answer(fmt, RETARGETED)], GUID2: [answer(fmt, [])]}, warnings)
    retargeted, new = client.info_details([job(GUID, "Fileserver Backup"), job(GUID2, "New Laptops")])
    assert retargeted.details["repositories"] == [{"id": REPO_A, "name": "Repo A"}, {"id": REPO_B, "name": "Repo B"}]
    assert retargeted.details["repository_unknown"] is None
    assert new.details["repositories"] == [] and new.details["repository_unknown"] == _em.NO_BACKUP_YET
    assert "no backup yet" in new.details["repository_unknown"]
    # One query per job, on the job's GUID in both documented URN forms (a backup's body never names its job).
    assert len(client.sent) == 2 and all(path.startswith("api/query?type=Backup&format=Entities&filter=") for path in client.sent)
    assert 'JobUid=="urn:veeam:Job:%s",JobUid=="urn:veeam:AgentBackupJob:%s"' % (GUID, GUID) in client.sent[0]
    assert warnings == []


def test_the_entry_carries_the_fields_at_its_top_and_not_in_its_details():
    client = client_answering("json", {GUID: [answer("json", RETARGETED[:2])]}, [])
    (detailed,) = client.info_details([job(GUID, "Fileserver Backup")])
    entry = job_entry(detailed, client)
    assert entry["repositories"] == [{"id": REPO_A, "name": "Repo A"}] and entry["repository_unknown"] is None
    assert "repositories" not in entry["details"] and "repository_unknown" not in entry["details"]
    assert entry["details"]["platform"] == "AgentForWindows"
    # The job module's entries (jobs read without info_details) carry no repository fields.
    assert client.job_fields(job(GUID, "Fileserver Backup")) == {}


def test_backups_without_a_repository_link_say_so():
    client = client_answering("xml", {GUID: [answer("xml", [("b9", "Fileserver Backup", None, None)])]}, [])
    (detailed,) = client.info_details([job(GUID, "Fileserver Backup")])
    assert detailed.details["repositories"] == [] and detailed.details["repository_unknown"] == _em.NO_REPOSITORY_LINK


def test_the_backups_of_a_job_are_read_page_by_page():
    client = client_answering("json", {GUID: [answer("json", RETARGETED[:2], 1, 2), answer("json", RETARGETED[2:], 2, 2)]}, [])
    (detailed,) = client.info_details([job(GUID, "Fileserver Backup")])
    assert [r["name"] for r in detailed.details["repositories"]] == ["Repo A", "Repo B"]
    assert [path.rsplit("&page=", 1)[-1] for path in client.sent] == ["1", "2"]


def test_a_failed_read_is_reported_once_and_stops_further_queries():
    warnings = []
    third = "0f3e0c6a-9d8b-4c59-a3a1-6f8f2f0a8b11"
    failure = VeeamApiError("Server answered HTTP 500.", "GET", "https://em.example.com:9398/api/query", 500)
    client = client_answering("json", {GUID: [answer("json", RETARGETED)], GUID2: failure, third: [answer("json", [])]}, warnings)
    first, second, last = client.info_details([job(GUID, "A"), job(GUID2, "B"), job(third, "C")])
    assert first.details["repository_unknown"] is None and len(first.details["repositories"]) == 2
    for entry in (second, last):
        assert entry.details["repositories"] == []
        assert entry.details["repository_unknown"].startswith("reading the job's backups failed: ") and "HTTP 500" in entry.details["repository_unknown"]
    assert len(client.sent) == 2
    assert len(warnings) == 1 and "2 agent job(s)" in warnings[0] and "HTTP 500" in warnings[0]


def test_no_jobs_no_request():
    client = client_answering("xml", {}, [])
    assert client.info_details([]) == [] and client.sent == []
