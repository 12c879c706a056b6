# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Enterprise Manager payloads for the unit tests: the vendor examples (tests/unit/fixtures/em/) and builders of entities."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


GUID = "78c3919c-54d7-43fe-b047-485d3566f11f"
GUID2 = "0c8a4b6e-1f0d-4c3e-9a57-5b2f1e3d4c21"

# The vendor's two Task examples (the seed page), stored once in tests/unit/fixtures/em/.
SEED_TASK_ACCEPTED = fixture("em/task-accepted.xml")
SEED_TASK_FINISHED = fixture("em/task-finished.xml")
JSON_TASK_ACCEPTED = fixture("em/task-accepted.json")
JSON_TASK_FINISHED = fixture("em/task-finished.json")

ACCEPTED = dict(id="task-1", state="Running", operation="UpdateJob", success=None, message=None,
                href="https://localhost:9398/api/tasks/task-1", delete="https://localhost:9398/api/tasks/task-1")
FINISHED = dict(ACCEPTED, state="Finished", success=True, message="Ok")


def job_xml(guid=GUID, name="Fileserver Backup", enabled="true", next_run="<NextRun>2026-11-23T22:00:00Z</NextRun>"):
    return """<AgentBackupJob Href="https://em.corp.local:9398/api/agents/jobs/{guid}?format=Entity" Type="AgentBackupJob"
      Name="{name}" UID="urn:veeam:AgentBackupJob:{guid}">
      <Links>
        <Link Href="https://em.corp.local:9398/api/backupServers/1b2c" Name="vbr01" Type="BackupServerReference" Rel="Up" />
        <Link Href="https://em.corp.local:9398/api/agents/jobs/{guid}?action=toggleScheduleEnabled" Rel="ToggleScheduleEnabled" />
        <Link Href="https://em.corp.local:9398/api/agents/jobs/{guid}?action=start" Rel="Start" />
        <Link Href="https://em.corp.local:9398/api/agents/jobs/{guid}/backupSessions" Type="BackupJobSessionReferenceList" Rel="Down" />
      </Links>
      <JobType>AgentBackup</JobType>
      <Platform>AgentForWindows</Platform>
      <Description>Nightly backup of the file server</Description>
      <ScheduleConfigured>true</ScheduleConfigured>
      <ScheduleEnabled>{enabled}</ScheduleEnabled>
      {next_run}
      <JobScheduleOptions><OptionsDaily Enabled="true"><Kind>Everyday</Kind></OptionsDaily></JobScheduleOptions>
    </AgentBackupJob>""".format(guid=guid, name=name, enabled=enabled, next_run=next_run)


def job_json(guid=GUID, name="Fileserver Backup", enabled=True, next_run="2026-11-23T22:00:00Z"):
    return {
        "Href": "https://em.corp.local:9398/api/agents/jobs/%s?format=Entity" % guid, "Type": "AgentBackupJob", "Name": name,
        "UID": "urn:veeam:AgentBackupJob:%s" % guid,
        "Links": [{"Href": "https://em.corp.local:9398/api/agents/jobs/%s?action=toggleScheduleEnabled" % guid, "Rel": "ToggleScheduleEnabled"}],
        "JobType": "AgentBackup", "Platform": "AgentForWindows", "Description": "Nightly backup of the file server",
        "ScheduleConfigured": True, "ScheduleEnabled": enabled, "NextRun": next_run,
    }


def query_xml(kind, inner, page=1, pages=1):
    return """<?xml version="1.0" encoding="utf-8"?>
<QueryResult xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Entities><{kind}s>{inner}</{kind}s></Entities>
  <PagingInfo PageNum="{page}" PageSize="1000" PagesCount="{pages}">
    <Links><Link Href="https://em.corp.local:9398/api/query?type={kind}&amp;page=1" Rel="First" /></Links>
  </PagingInfo>
</QueryResult>""".format(kind=kind, inner=inner, page=page, pages=pages)


def query_json(kind, entity_list, page=1, pages=1, doubled=True):
    listed = {kind + "s": entity_list} if doubled else entity_list
    return json.dumps({"Refs": None, "Entities": {kind + "s": listed},
                       "PagingInfo": {"PageNum": page, "PageSize": 1000, "PagesCount": pages, "Links": []}})


def session_xml(job_guid=GUID, state="Working", result="None", created="2026-11-23T10:00:00Z", session="5d1e"):
    return """<BackupJobSession Href="https://em.corp.local:9398/api/backupSessions/{session}?format=Entity" Type="BackupJobSession"
      Name="Fileserver Backup@2026-11-23 10:00:00" UID="urn:veeam:BackupJobSession:{session}">
      <JobUid>urn:veeam:AgentBackupJob:{job}</JobUid>
      <JobName>Fileserver Backup</JobName>
      <JobType>AgentBackup</JobType>
      <CreationTimeUTC>{created}</CreationTimeUTC>
      <EndTimeUTC xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" />
      <State>{state}</State>
      <Result>{result}</Result>
      <Progress>42</Progress>
    </BackupJobSession>""".format(job=job_guid, state=state, result=result, created=created, session=session)


def session_json(job_guid=GUID, state="Working", result="None", created="2026-11-23T10:00:00Z", session="5d1e"):
    return {"Href": "https://em.corp.local:9398/api/backupSessions/%s?format=Entity" % session, "Type": "BackupJobSession",
            "UID": "urn:veeam:BackupJobSession:%s" % session, "JobUid": "urn:veeam:AgentBackupJob:%s" % job_guid,
            "JobName": "Fileserver Backup", "JobType": "AgentBackup", "CreationTimeUTC": created, "EndTimeUTC": None,
            "State": state, "Result": result, "Progress": 42}
