#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_agent_job_info
short_description: Read Veeam Agent backup jobs and their state through Veeam Backup Enterprise Manager
version_added: 0.1.0
description:
  - Lists the Veeam Agent backup jobs known to Veeam Backup Enterprise Manager with their schedule flag, running state and
    next run, optionally with their newest backup sessions.
  - Never changes anything.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
  - xmltodict (with O(format=xml))
extends_documentation_fragment:
  - backupops.veeam.em
  - backupops.veeam.tls
  - backupops.veeam.attributes.info
  - backupops.veeam.attributes.em_group
  - backupops.veeam.job.selection
options:
  id:
    description:
      - Only the jobs with these ids (the GUID, or the full UID V(urn:veeam:AgentBackupJob:<guid>)).
        Mutually exclusive with O(name) and O(all_jobs).
      - Without O(id) or O(name), every job is returned.
    type: list
    elements: str
  sessions:
    description:
      - How many of each selected job's newest backup sessions to return (one request per job). V(0) returns none.
    type: int
    default: 0
notes:
  - 'Reading costs two requests however many jobs there are: the query service for the jobs
    (C(type=AgentBackupJob&format=Entities)) and for the sessions that are not C(Stopped) (C(type=BackupJobSession)).
    A job is running when its newest session is not C(Stopped).'
  - Because only active sessions are read, C(last_run) and C(last_status) are set only for running jobs; use O(sessions)
    for the history of the others.
  - The module logs on once and always logs off.
seealso:
  - module: backupops.veeam.veeam_agent_job
"""

EXAMPLES = r"""
- name: Read every agent job
  backupops.veeam.veeam_agent_job_info:
    server: em.example.com
    username: CORP\backup-operator
    password: "{{ em_password }}"
  register: agents

- name: Show the disabled ones
  ansible.builtin.debug:
    msg: "{{ agents.jobs | rejectattr('enabled') | map(attribute='name') | list }}"

- name: The last three sessions of one job, in JSON
  backupops.veeam.veeam_agent_job_info:
    server: em.example.com
    username: CORP\backup-operator
    password: "{{ em_password }}"
    format: json
    name: Fileserver Backup
    sessions: 3
"""

RETURN = r"""
jobs:
  description: The selected jobs, in the server's order (or the order selected).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id (GUID) of the job.
      type: str
      sample: 78c3919c-54d7-43fe-b047-485d3566f11f
    name:
      description: Name of the job.
      type: str
    enabled:
      description: Whether the job's schedule is enabled (C(ScheduleEnabled)).
      type: bool
    running:
      description: Whether the job's newest backup session is active (its state is not C(Stopped)).
      type: bool
    last_status:
      description: Result of the active session (C(null) while it runs), C(null) for a job that is not running.
      type: str
    last_run:
      description: Creation time of the active session, C(null) for a job that is not running.
      type: str
    next_run:
      description: When the job runs next, if scheduled.
      type: str
    details:
      description: UID, platform (C(AgentForWindows) or C(AgentForLinux)), description and whether a schedule is configured.
      type: dict
      sample: {uid: "urn:veeam:AgentBackupJob:78c3919c-54d7-43fe-b047-485d3566f11f", platform: AgentForWindows,
               description: Nightly, schedule_configured: true}
    sessions:
      description: The newest backup sessions, newest first (id, state, result, creation_time, end_time).
      type: list
      elements: dict
      returned: when O(sessions) > 0
"""

from ansible_collections.backupops.veeam.plugins.module_utils._em import EmClient
from ansible_collections.backupops.veeam.plugins.module_utils._info import run_info
from ansible_collections.backupops.veeam.plugins.module_utils._options import EM, info_module


def main():
    module = info_module(EM, sessions=dict(type="int", default=0))
    run_info(module, EmClient(module))


if __name__ == "__main__":
    main()
