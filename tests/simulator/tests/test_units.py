"""Pure parts of the simulator, without a server: the filter language, EM documents, path templates, scenarios."""

import json

import pytest

from veeam_sim.emdoc import Node, leaf, links, render
from veeam_sim.emquery import FilterError, matches, parse_filter
from veeam_sim.state import ScenarioError, build_world, validate_config
from veeam_sim.util import template

FIELDS = {"name": "Fileserver Backup", "uid": "urn:veeam:AgentBackupJob:78c3919c-54d7-43fe-b047-485d3566f11f",
          "scheduleenabled": True, "platform": "AgentForWindows"}


@pytest.mark.parametrize("expression, expected", [
    ('Name=="Fileserver Backup"', True),
    ("Name==Other", False),
    ("Name!=Other", True),
    ("UID==78c3919c-54d7-43fe-b047-485d3566f11f", True),
    ("uid==urn:veeam:AgentBackupJob:78C3919C-54D7-43FE-B047-485D3566F11F", True),
    ("ScheduleEnabled==true;Platform==AgentForLinux", False),
    ("ScheduleEnabled==true;Platform==AgentForLinux,Name==Fileserver Backup", True),
    ("Name>=F;Name<G", True),
])
def test_filter_language(expression, expected):
    assert matches(parse_filter(expression), FIELDS, "AgentBackupJob") is expected


def test_quoted_values_keep_separators():
    assert parse_filter('Name=="a,b;c";Platform!=x') == [[("name", "==", "a,b;c"), ("platform", "!=", "x")]]


@pytest.mark.parametrize("expression", ["Name", "Name=x", '"Name"==x', 'Name=="x', ";"])
def test_unparsable_filters(expression):
    with pytest.raises(FilterError):
        parse_filter(expression)


def test_unknown_filter_field():
    with pytest.raises(FilterError, match="unknown field"):
        matches(parse_filter("Colour==red"), FIELDS, "AgentBackupJob")


def test_document_in_both_formats():
    children = [links([("Delete", "h", "Task", None)]), leaf("TaskId", "task-1"),
                Node("Result", {"Success": False}, [leaf("Message", "a < b & c")]), leaf("EndTime", None)]
    root = Node("Task", {"Type": "Task", "Href": "h"}, children)
    body, content_type = render(root, as_json=False)
    assert content_type == "application/xml; charset=utf-8"
    text = body.decode()
    assert '<Task xmlns="http://www.veeam.com/ent/v1.0" Type="Task" Href="h">' in text
    assert '<Link Rel="Delete" Type="Task" Href="h" />' in text and "<Message>a &lt; b &amp; c</Message>" in text
    assert '<Result Success="false">' in text and "<EndTime />" in text
    body, content_type = render(root, as_json=True)
    assert json.loads(body) == {"Type": "Task", "Href": "h", "Links": [{"Rel": "Delete", "Type": "Task", "Href": "h"}], "TaskId": "task-1",
                                "Result": {"Success": False, "Message": "a < b & c"}, "EndTime": None}


def test_entity_references_become_refs():
    root = Node("EntityReferences", json_items="Refs", children=[Node("Ref", {"Name": "a"}), Node("Ref", {"Name": "b"})])
    assert json.loads(render(root, True)[0]) == {"Refs": [{"Name": "a"}, {"Name": "b"}]}


@pytest.mark.parametrize("path, expected", [
    ("/v8/Jobs/3396ba22-21b1-4666-a631-0edfc12a59cd/disable", "/v8/Jobs/{id}/disable"),
    ("/api/tasks/task-12", "/api/tasks/{id}"),
    ("/api/logonSessions/d92e3dce-b02a-4059-afd4-ce9648c14b14", "/api/logonSessions/{id}"),
    ("/v8/Jobs", "/v8/Jobs"),
])
def test_templates(path, expected):
    assert template(path) == expected


def test_generated_world_is_keyed_by_id():
    world = build_world({"generate": {"vb365_jobs": 3, "em_jobs": 2, "enabled": False}}, 0.0)
    assert [job.name for job in world.vb365_jobs.values()] == ["VB365 Job 0001", "VB365 Job 0002", "VB365 Job 0003"]
    assert not any(job.enabled for job in world.em_jobs.values())
    assert all(world.vb365_jobs[job_id].id == job_id for job_id in world.vb365_jobs)


@pytest.mark.parametrize("scenario", [[], {"vb365": {"jobs": {}}}, {"vb365": {"jobs": [{"name": "x", "lastStatus": "Great"}]}},
                                      {"em": {"jobs": [{"name": "x", "lastResult": "Great"}]}}, {"generate": {"vb365": 1}}])
def test_invalid_scenarios(scenario):
    with pytest.raises(ScenarioError):
        build_world(scenario, 0.0)


def test_config_validation():
    assert validate_config({"em_task_polls": None, "em_operation_finished": True}) == {"em_task_polls": None, "em_operation_finished": True}
    with pytest.raises(ScenarioError):
        validate_config({"vb365_run_seconds": True})
