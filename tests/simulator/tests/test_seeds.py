"""The two documentation pages in ../shared/seeds: every example request gets the same status and shape."""

import xml.etree.ElementTree as ET

import pytest

from sim_helpers import NS, http_session

SEED_TASK_RUNNING = """<Task xmlns="http://www.veeam.com/ent/v1.0" Type="Task" Href="https://localhost:9398/api/tasks/task-1">
 <Links>
   <Link Rel="Delete" Type="Task" Href="https://localhost:9398/api/tasks/task-1" />
 </Links>
 <TaskId>task-1</TaskId>
 <State>Running</State>
 <Operation>UpdateJob</Operation>
</Task>"""

SEED_TASK_FINISHED = """<Task xmlns="http://www.veeam.com/ent/v1.0" Type="Task" Href="https://localhost:9398/api/tasks/task-1">
 <Links>
   <Link Rel="Delete" Type="Task" Href="https://localhost:9398/api/tasks/task-1" />
 </Links>
 <TaskId>task-1</TaskId>
 <State>Finished</State>
 <Operation>UpdateJob</Operation>
 <Result Success="true">
   <Message>Ok</Message>
 </Result>
</Task>"""

SEED_JOB_ID = "78c3919c-54d7-43fe-b047-485d3566f11f"
SEED_VB365_JOB = "3396ba22-21b1-4666-a631-0edfc12a59cd"


def shape(element, base):
    """Tag, attributes (hosts replaced by the base URL) and children, ignoring whitespace."""
    attrs = {key: value.replace("https://localhost:9398", base) for key, value in element.attrib.items()}
    text = (element.text or "").strip()
    return (element.tag, attrs, text, [shape(child, base) for child in element])


def test_toggle_schedule_enabled_example(sim):
    sim.reset({"em": {"jobs": [{"name": "Seed Agent Job", "id": SEED_JOB_ID, "enabled": True}]}})
    sim.configure(em_task_polls=0)
    http = http_session(sim)
    logon = http.post(sim.em_url + "sessionMngr/?v=latest", auth=(sim.username, sim.password))
    http.headers["X-RestSvcSessionId"] = logon.headers["X-RestSvcSessionId"]
    base = sim.em_url[:-len("/api/")]

    accepted = http.post(sim.em_url + "agents/jobs/%s?action=toggleScheduleEnabled" % SEED_JOB_ID)
    assert accepted.status_code == 202
    assert accepted.headers["Content-Type"].startswith("application/xml")
    assert int(accepted.headers["Content-Length"]) == len(accepted.content)
    assert shape(ET.fromstring(accepted.content), base) == shape(ET.fromstring(SEED_TASK_RUNNING), base)
    # Attribute order as printed on the page.
    assert accepted.text.split("\n")[1].startswith('<Task xmlns="http://www.veeam.com/ent/v1.0" Type="Task" Href=')

    finished = http.get(sim.em_url + "tasks/task-1")
    assert finished.status_code == 200
    assert shape(ET.fromstring(finished.content), base) == shape(ET.fromstring(SEED_TASK_FINISHED), base)
    assert sim.em_job("Seed Agent Job")["enabled"] is False


def test_toggle_example_in_json(sim):
    sim.reset({"em": {"jobs": [{"name": "Seed Agent Job", "id": SEED_JOB_ID, "enabled": False}]}})
    sim.configure(em_task_polls=0)
    http = http_session(sim)
    http.headers["Accept"] = "application/json"
    logon = http.post(sim.em_url + "sessionMngr/?v=latest", auth=(sim.username, sim.password))
    http.headers["X-RestSvcSessionId"] = logon.headers["X-RestSvcSessionId"]
    accepted = http.post(sim.em_url + "agents/jobs/%s?action=toggleScheduleEnabled" % SEED_JOB_ID)
    href = sim.em_url + "tasks/task-1"
    assert accepted.status_code == 202
    assert accepted.json() == {"Type": "Task", "Href": href, "Links": [{"Rel": "Delete", "Type": "Task", "Href": href}],
                               "TaskId": "task-1", "State": "Running", "Operation": "UpdateJob"}
    finished = http.get(href).json()
    assert finished["State"] == "Finished" and finished["Result"] == {"Success": True, "Message": "Ok"}
    assert sim.em_job("Seed Agent Job")["enabled"] is True
    assert ET.fromstring(http.get(href, headers={"Accept": "application/xml"}).content).find(NS + "Result").get("Success") == "true"


@pytest.mark.parametrize("example, body, check", [
    ("Example 1", '{ "enable": null }', lambda job: job["isEnabled"] is True),
    ("Example 2", '{ "start": null }', lambda job: job["running"] is True),
    ("Example 3", '{ "stop": null }', lambda job: job["sessions"][-1]["status"] in ("Running", "Stopped")),
    ("Example 4", '{ "disable": null }', lambda job: job["isEnabled"] is False),
])
def test_vb365_v2_action_examples(sim, example, body, check):
    enabled = example != "Example 1"
    sim.reset({"vb365": {"jobs": [{"name": "Seed Job", "id": SEED_VB365_JOB, "enabled": enabled, "running": example == "Example 3"}]}})
    http = http_session(sim)
    token = http.post(sim.vb365_url + "v2/token", data={"grant_type": "password", "username": sim.username, "password": sim.password})
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token.json()["access_token"]}
    answer = http.post(sim.vb365_url + "v2/Jobs/%s/Action" % SEED_VB365_JOB, data=body, headers=headers)
    assert (example, answer.status_code, answer.content) == (example, 200, b"")
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8" and answer.headers["Content-Length"] == "0"
    assert check(sim.vb365_job("Seed Job"))
