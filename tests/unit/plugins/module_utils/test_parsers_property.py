# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-style tests of the job and task parsers: a seeded random.Random generates a few hundred payloads per property.

hypothesis is not in the unit test requirements, so the generators are written by hand (deterministic: a failure names
its seed and index and reproduces).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import uuid
from xml.sax.saxutils import escape, quoteattr

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils.em import _payload as _em
from ansible_collections.backupops.veeam.plugins.module_utils.vb365 import _client as _vb365

RUNS = 300
SEED = 20261123
NS = "http://www.veeam.com/ent/v1.0"
# Characters that break naive parsers or renderers: quotes, slashes, markup, ampersands, separators and non-ASCII.
SPECIAL = [u"'", u'"', u"/", u"\\", u"&", u"<", u">", u";", u",", u"=", u"%", u"#", u"?", u"&amp;", u"]]>",
           u"\u00e9", u"\u00fc", u"\u00df", u"\u65e5\u672c", u"\u0416", u"\U0001F4BE", u"\u2013"]
PLAIN = u"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_. "


def random_name(rng):
    """A job name: short or very long, mixing plain characters and special ones, never blank at either end."""
    length = rng.choice([1, 3, 10, 40, 255, 1000])
    chars = [rng.choice(SPECIAL) if rng.random() < 0.3 else rng.choice(PLAIN) for index in range(length)]
    return u"N" + u"".join(chars).strip() + u"z"


def random_guid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def xml_leaf(name, value):
    if value is None:
        return u"<%s />" % name
    return u"<%s>%s</%s>" % (name, escape(value), name)


def render_job(rng, entity):
    """(xml, json) renderings of one AgentBackupJob entity; `entity` holds the values."""
    href = u"https://em.example.com:9398/api/agents/jobs/%s" % entity["guid"]
    links = [(u"Up", u"https://em.example.com:9398/api/backupServers/1"), (u"ToggleScheduleEnabled", href + u"?action=toggleScheduleEnabled")]
    attributes = (quoteattr(href + u"?format=Entity"), quoteattr(entity["name"]), quoteattr(entity["uid"]))
    xml = u"<AgentBackupJob Href=%s Type=\"AgentBackupJob\" Name=%s UID=%s>" % attributes
    xml += u"<Links>" + u"".join(u"<Link Rel=%s Href=%s />" % (quoteattr(rel), quoteattr(url)) for rel, url in links) + u"</Links>"
    xml += xml_leaf(u"JobType", u"AgentBackup") + xml_leaf(u"Platform", entity["platform"]) + xml_leaf(u"Description", entity["description"])
    xml += xml_leaf(u"ScheduleConfigured", u"true" if entity["configured"] else u"false")
    xml += xml_leaf(u"ScheduleEnabled", u"true" if entity["enabled"] else u"false")
    xml += xml_leaf(u"NextRun", entity["next_run"]) + u"</AgentBackupJob>"

    def flag(value):
        # JSON renderings type flags as bool; lenient servers and proxies send strings.
        return value if rng.random() < 0.6 else (u"true" if value else u"false")

    body = {u"Href": href + u"?format=Entity", u"Type": u"AgentBackupJob", u"Name": entity["name"], u"UID": entity["uid"],
            u"Links": [{u"Rel": rel, u"Href": url} for rel, url in links], u"JobType": u"AgentBackup", u"Platform": entity["platform"],
            u"Description": entity["description"], u"ScheduleConfigured": flag(entity["configured"]), u"ScheduleEnabled": flag(entity["enabled"]),
            u"NextRun": entity["next_run"]}
    return xml, body


def random_entity(rng):
    guid = random_guid(rng)
    return dict(
        guid=guid,
        uid=rng.choice([u"urn:veeam:AgentBackupJob:", u""]) + rng.choice([guid, guid.upper()]),
        name=random_name(rng),
        platform=rng.choice([u"AgentForWindows", u"AgentForLinux"]),
        description=rng.choice([None, random_name(rng)]),
        configured=rng.random() < 0.5,
        enabled=rng.random() < 0.5,
        next_run=rng.choice([None, u"2026-11-24T22:00:00Z"]),
    )


def query_result(rng, renderings):
    """The same QueryResult in XML and JSON; one entity may come as a single element/object rather than a list."""
    xml = u"<QueryResult xmlns=\"%s\"><Entities><AgentBackupJobs>%s</AgentBackupJobs></Entities>" % (NS, u"".join(x for x, j in renderings))
    xml += u"<PagingInfo PageNum=\"1\" PageSize=\"1000\" PagesCount=\"1\" /></QueryResult>"
    listed = [j for x, j in renderings]
    wrapped = listed[0] if len(listed) == 1 and rng.random() < 0.5 else listed
    if rng.random() < 0.3:
        wrapped = {u"AgentBackupJob": wrapped}
    body = {u"Entities": {u"AgentBackupJobs": wrapped}, u"PagingInfo": {u"PageNum": 1, u"PageSize": 1000, u"PagesCount": 1}}
    return xml, json.dumps(body, ensure_ascii=rng.random() < 0.5)


def parsed_jobs(text, content_type):
    body = _em.parse(text, content_type)
    return [_em.job_from_entity(entity) for entity in _em.entities(body, "AgentBackupJob")]


def test_em_jobs_parse_the_same_from_xml_and_json():
    rng = random.Random(SEED)
    for index in range(RUNS):
        entities = [random_entity(rng) for count in range(rng.choice([1, 1, 2, 5]))]
        renderings = [render_job(rng, entity) for entity in entities]
        xml, body = query_result(rng, renderings)
        from_xml = parsed_jobs(xml, "application/xml; charset=utf-8")
        from_json = parsed_jobs(body, "application/json; charset=utf-8")
        context = (SEED, index)
        assert from_xml == from_json, context
        assert len(from_xml) == len(entities), context
        for job, entity in zip(from_xml, entities):
            assert job.name == entity["name"], context
            assert job.id.lower() == entity["guid"], context
            assert job.enabled is entity["enabled"], context
            assert job.next_run == entity["next_run"], context
            assert job.details["description"] == entity["description"], context
            assert job.details["schedule_configured"] is entity["configured"], context


def test_em_job_entity_alone_parses_the_same_from_xml_and_json():
    """GET .../jobs/{id}?format=Entity answers the entity itself, as the document's root."""
    rng = random.Random(SEED + 1)
    for index in range(RUNS):
        entity = random_entity(rng)
        xml, body = render_job(rng, entity)
        xml = xml.replace(u"<AgentBackupJob ", u"<AgentBackupJob xmlns=\"%s\" " % NS, 1)
        from_xml = _em.job_from_entity(_em.parse(xml, "application/xml"))
        from_json = _em.job_from_entity(_em.parse(json.dumps(body), "application/json"))
        assert from_xml == from_json, (SEED + 1, index)
        assert from_xml.name == entity["name"] and from_xml.enabled is entity["enabled"], (SEED + 1, index)


def render_task(rng, task):
    href = u"https://em.example.com:9398/api/tasks/%s" % task["id"]
    xml = u"<Task xmlns=\"%s\" Type=\"Task\" Href=%s><Links><Link Href=%s Rel=\"Delete\" /></Links>" % (NS, quoteattr(href), quoteattr(href))
    xml += xml_leaf(u"TaskId", task["id"]) + xml_leaf(u"State", task["state"]) + xml_leaf(u"Operation", task["operation"])
    body = {u"Type": u"Task", u"Href": href, u"TaskId": task["id"], u"State": task["state"], u"Operation": task["operation"]}
    link = {u"Rel": u"Delete", u"Href": href}
    body[u"Links"] = rng.choice([[link], {u"Link": link}, {u"Links": [link]}])
    if task["success"] is not None:
        xml += u"<Result Success=\"%s\">%s</Result>" % (u"true" if task["success"] else u"false", xml_leaf(u"Message", task["message"]))
        body[u"Result"] = {u"Success": task["success"] if rng.random() < 0.6 else (u"true" if task["success"] else u"false"),
                           u"Message": task["message"]}
    return xml + u"</Task>", json.dumps(body)


def test_em_tasks_parse_the_same_from_xml_and_json():
    rng = random.Random(SEED + 2)
    for index in range(RUNS):
        state = rng.choice([u"Running", u"OperationFinished", u"Finished"])
        success = None if state != u"Finished" else rng.random() < 0.5
        task = dict(id=u"task-%d" % rng.randint(1, 10 ** 6), state=state, operation=rng.choice([u"UpdateJob", u"StartJob", u"StopAgentJob"]),
                    success=success, message=None if success is None else (u"Ok" if success else random_name(rng)))
        xml, body = render_task(rng, task)
        from_xml = _em.task_from_body(_em.parse(xml, "application/xml"))
        from_json = _em.task_from_body(_em.parse(body, "application/json"))
        context = (SEED + 2, index)
        assert from_xml == from_json, context
        assert from_xml["id"] == task["id"] and from_xml["state"] == task["state"], context
        assert from_xml["success"] is task["success"], context
        assert from_xml["message"] == task["message"], context
        assert from_xml["delete"].endswith(u"/api/tasks/" + task["id"]), context


def vb365_raw(rng):
    raw = {u"id": random_guid(rng)}
    optional = {
        u"name": lambda: rng.choice([None, random_name(rng)]),
        u"description": lambda: rng.choice([None, u"", random_name(rng)]),
        u"isEnabled": lambda: rng.choice([True, False, u"true", u"false", u"True", u"FALSE", None]),
        u"lastStatus": lambda: rng.choice([None, u"Success", u"Warning", u"Failed", u"Running", u"Stopped", u"NotConfigured"]),
        u"lastRun": lambda: rng.choice([None, u"2026-11-22T22:00:03.120Z"]),
        u"nextRun": lambda: rng.choice([None, u"2026-11-23T22:00:00Z"]),
        u"backupType": lambda: rng.choice([None, u"EntireOrganization", u"SelectedItems"]),
        u"schedulePolicy": lambda: rng.choice([None, {}, {u"type": u"Daily"}, {u"type": None}, u"Daily"]),
        u"repositoryId": lambda: rng.choice([None, random_guid(rng)]),
        u"organizationId": lambda: rng.choice([None, random_guid(rng)]),
    }
    for key, make in optional.items():
        if rng.random() < 0.8:
            raw[key] = make()
    return raw


def test_vb365_job_accepts_lenient_job_dicts():
    rng = random.Random(SEED + 3)
    for index in range(RUNS):
        raw = vb365_raw(rng)
        job = _vb365.Vb365Client._job(dict(raw), _vb365.BACKUP)  # pylint: disable=protected-access
        context = (SEED + 3, index, raw)
        assert job.id == raw[u"id"], context
        assert job.name == (raw.get(u"name") or u""), context
        assert job.enabled is (raw.get(u"isEnabled") is True or str(raw.get(u"isEnabled")).lower() == u"true"), context
        assert job.running is (raw.get(u"lastStatus") in _vb365.RUNNING_STATUSES), context
        assert job.last_result == raw.get(u"lastStatus") and job.next_run == raw.get(u"nextRun"), context
        policy = raw.get(u"schedulePolicy")
        assert job.details[u"schedule"] == (policy.get(u"type") if isinstance(policy, dict) else None), context
        assert job.details[u"description"] == raw.get(u"description"), context


@pytest.mark.parametrize("flag, expected", [(True, True), ("true", True), ("True", True), (False, False), ("false", False), (None, False), ("", False)])
def test_vb365_enabled_flag_spellings(flag, expected):
    job = _vb365.Vb365Client._job({u"id": u"x", u"isEnabled": flag}, _vb365.BACKUP)  # pylint: disable=protected-access
    assert job.enabled is expected
