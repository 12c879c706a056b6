# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Enterprise Manager payloads: every documented payload in XML and JSON, parsed by the pure functions of _em_payload."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils.em._payload import (
    entities, guid_of, items, job_from_entity, link, paging, parse, path_of, session_from_entity, task_from_body,
)
from ansible_collections.backupops.veeam.tests.unit.utils.em_payloads import (
    ACCEPTED, FINISHED, GUID, GUID2, JSON_TASK_ACCEPTED, JSON_TASK_FINISHED, SEED_TASK_ACCEPTED, SEED_TASK_FINISHED, job_json, job_xml,
    query_json, query_xml, session_json, session_xml,
)


# -- payload parsing --------------------------------------------------------------


@pytest.mark.parametrize("body, expected", [(SEED_TASK_ACCEPTED, ACCEPTED), (SEED_TASK_FINISHED, FINISHED),
                                            (JSON_TASK_ACCEPTED, ACCEPTED), (JSON_TASK_FINISHED, FINISHED)])
def test_seed_page_tasks_parse_the_same_in_both_formats(body, expected):
    assert task_from_body(parse(body)) == expected


def test_xml_namespace_and_attribute_prefixes_are_gone():
    body = parse(SEED_TASK_FINISHED, "application/xml")
    assert body["Href"] == "https://localhost:9398/api/tasks/task-1"
    assert not any(key.startswith("@") or key == "xmlns" for key in body)
    assert body["Result"] == {"Success": "true", "Message": "Ok"}


@pytest.mark.parametrize("result, success, message", [
    ('<Result Success="false"><Message>Access denied</Message></Result>', False, "Access denied"),
    ('<Result Success="true" />', True, None),
    ('<Result Success="False"><Message>Job is disabled</Message></Result>', False, "Job is disabled"),
])
def test_task_results_in_xml(result, success, message):
    task = task_from_body(parse(SEED_TASK_FINISHED.replace('<Result Success="true">\n   <Message>Ok</Message>\n </Result>', result)))
    assert (task["success"], task["message"]) == (success, message)


@pytest.mark.parametrize("result, success, message", [
    ({"Success": False, "Message": "Access denied"}, False, "Access denied"),
    ({"Success": "true", "Message": "Ok"}, True, "Ok"),
    ({"Success": "false"}, False, None),
    (None, None, None),
])
def test_task_results_in_json(result, success, message):
    body = json.loads(JSON_TASK_FINISHED)
    body["Result"] = result
    task = task_from_body(parse(json.dumps(body), "application/json"))
    assert (task["success"], task["message"]) == (success, message)


def test_operation_finished_is_kept_as_its_own_state():
    task = task_from_body(parse(SEED_TASK_ACCEPTED.replace("Running", "OperationFinished")))
    assert task["state"] == "OperationFinished"


def test_a_job_entity_gives_the_same_job_in_both_formats():
    from_xml = job_from_entity(entities(parse(query_xml("AgentBackupJob", job_xml())), "AgentBackupJob")[0])
    from_json = job_from_entity(entities(parse(query_json("AgentBackupJob", [job_json()])), "AgentBackupJob")[0])
    assert from_xml == from_json
    assert from_xml.id == GUID
    assert from_xml.name == "Fileserver Backup"
    assert from_xml.enabled is True and from_xml.running is False
    assert from_xml.next_run == "2026-11-23T22:00:00Z"
    assert from_xml.details == dict(uid="urn:veeam:AgentBackupJob:" + GUID, platform="AgentForWindows",
                                    description="Nightly backup of the file server", schedule_configured=True)


def test_a_single_job_entity_from_get_format_entity():
    entity = parse('<?xml version="1.0"?>' + job_xml(enabled="false").replace(
        "<AgentBackupJob ", '<AgentBackupJob xmlns="http://www.veeam.com/ent/v1.0" ', 1))
    job = job_from_entity(entity)
    assert (job.id, job.enabled) == (GUID, False)
    assert link(entity, "ToggleScheduleEnabled").endswith("?action=toggleScheduleEnabled")
    assert link(entity, "togglescheduleenabled") == link(entity, "ToggleScheduleEnabled")
    assert link(entity, "Retry") is None


def test_nil_and_missing_fields_are_none():
    nil = '<NextRun xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" />'
    job = job_from_entity(entities(parse(query_xml("AgentBackupJob", job_xml(next_run=nil))), "AgentBackupJob")[0])
    assert job.next_run is None
    bare = job_from_entity({"UID": "urn:veeam:AgentBackupJob:" + GUID})
    assert (bare.id, bare.name, bare.enabled, bare.next_run, bare.details["platform"]) == (GUID, "", False, None, None)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_query_results_with_none_one_and_many_entities(count):
    guids = ["%08d-0000-4000-8000-000000000000" % n for n in range(count)]
    from_xml = entities(parse(query_xml("AgentBackupJob", "".join(job_xml(g, "Job %d" % n) for n, g in enumerate(guids)))), "AgentBackupJob")
    for doubled in (True, False):
        from_json = entities(parse(query_json("AgentBackupJob", [job_json(g, "Job %d" % n) for n, g in enumerate(guids)], doubled=doubled)),
                             "AgentBackupJob")
        assert [job_from_entity(e) for e in from_json] == [job_from_entity(e) for e in from_xml]
    assert [job_from_entity(e).id for e in from_xml] == guids


def test_an_empty_query_result():
    body = parse('<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Entities><AgentBackupJobs /></Entities>'
                 '<PagingInfo PageNum="1" PageSize="1000" PagesCount="0" /></QueryResult>')
    assert entities(body, "AgentBackupJob") == []
    assert entities(parse('{"Entities": {"AgentBackupJobs": {"AgentBackupJobs": []}}}'), "AgentBackupJob") == []
    assert entities(parse('{"Entities": null}'), "AgentBackupJob") == []


@pytest.mark.parametrize("body, expected", [
    (query_xml("AgentBackupJob", "", page=2, pages=3), (2, 3)),
    (query_json("AgentBackupJob", [], page=3, pages=3), (3, 3)),
    ('{"Entities": {}}', (1, 1)),
])
def test_paging_info(body, expected):
    assert paging(parse(body)) == expected


def test_sessions_parse_the_same_in_both_formats():
    from_xml = [session_from_entity(e) for e in entities(parse(query_xml("BackupJobSession", session_xml())), "BackupJobSession")]
    from_json = [session_from_entity(e) for e in entities(parse(query_json("BackupJobSession", [session_json()])), "BackupJobSession")]
    assert from_xml == from_json == [dict(id="5d1e", job_id=GUID, job_name="Fileserver Backup", state="Working", result=None,
                                          creation_time="2026-11-23T10:00:00Z", end_time=None,
                                          href="https://em.corp.local:9398/api/backupSessions/5d1e?format=Entity")]


def test_sessions_with_the_plain_time_field_names_and_a_result():
    session = session_from_entity({"JobUid": "urn:veeam:Job:" + GUID, "State": "Stopped", "Result": "Failed",
                                   "CreationTime": "2026-11-22T22:00:00Z", "EndTime": "2026-11-22T22:30:00Z"})
    assert (session["job_id"], session["result"], session["creation_time"], session["end_time"]) == (
        GUID, "Failed", "2026-11-22T22:00:00Z", "2026-11-22T22:30:00Z")


def test_many_sessions_in_xml_are_a_list():
    inner = session_xml(session="a1") + session_xml(GUID2, "Stopped", "Success", session="b2")
    sessions = [session_from_entity(e) for e in entities(parse(query_xml("BackupJobSession", inner)), "BackupJobSession")]
    assert [(s["id"], s["job_id"], s["state"], s["result"]) for s in sessions] == [("a1", GUID, "Working", None), ("b2", GUID2, "Stopped", "Success")]


@pytest.mark.parametrize("body, expected", [
    ('<LogonSession xmlns="http://www.veeam.com/ent/v1.0" Type="LogonSession" Href="https://em.corp.local:9398/api/logonSessions/ab12">'
     '<Links><Link Href="https://em.corp.local:9398/api/logonSessions/ab12" Type="LogonSession" Rel="Delete" /></Links>'
     '<UserName>CORP\\backup-operator</UserName><SessionId>ab12</SessionId></LogonSession>', ("ab12", "api/logonSessions/ab12")),
    ('{"Href": "https://em.corp.local:9398/api/logonSessions/ab12", "SessionId": "ab12", "UserName": "op"}', ("ab12", "api/logonSessions/ab12")),
])
def test_logon_session_bodies(body, expected):
    parsed = parse(body)
    assert (parsed["SessionId"], path_of(parsed["Href"])) == expected


def test_error_bodies_parse_in_both_shapes():
    assert parse('<Error xmlns="http://www.veeam.com/ent/v1.0" Message="Access denied" StatusCode="403" />') == {
        "Message": "Access denied", "StatusCode": "403"}
    assert parse('{"Message": "Job not found", "StatusCode": 404}')["Message"] == "Job not found"


@pytest.mark.parametrize("body", ["<!DOCTYPE html><html><head><title>IIS</title></head><body><p>hi</body></html>",
                                  "Service Unavailable", '<Task xmlns="http://www.veeam.com/ent/v1.0"><TaskId>task-1'])
def test_non_veeam_answers_are_value_errors(body):
    with pytest.raises(ValueError):
        parse(body, "text/html")


def test_empty_body_is_an_empty_dict():
    assert parse("") == {} and parse("  \n") == {}


def test_items_handles_every_wrapping():
    one = {"Rel": "Delete", "Href": "x"}
    assert items({"Link": one}, "Link") == [one]
    assert items({"Link": [one, one]}, "Link") == [one, one]
    assert items([one], "Link") == [one]
    assert items({"Links": [one]}, "Link", "Links") == [one]
    assert items(None, "Link") == [] and items("", "Link") == []


@pytest.mark.parametrize("value, expected", [
    (GUID, GUID), ("urn:veeam:AgentBackupJob:" + GUID, GUID), ("  URN:VEEAM:AgentBackupJob:%s " % GUID, GUID), ("", ""),
    ("urn:veeam:Job:" + GUID, GUID),
])
def test_ids(value, expected):
    assert guid_of(value) == expected


def test_path_of_ignores_the_host_em_names_itself_by():
    assert path_of("https://em01.corp.internal:9398/api/tasks/task-7") == "api/tasks/task-7"
    assert path_of("https://x/api/query?type=AgentBackupJob&page=2") == "api/query?type=AgentBackupJob&page=2"
