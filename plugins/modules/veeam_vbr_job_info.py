#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_vbr_job_info
short_description: Read Veeam Backup & Replication jobs and their state
version_added: 0.2.0
description:
  - Lists the jobs of a Veeam Backup & Replication server (VM backups, backup copies, replicas, file and agent jobs) with
    their type, schedule flag, status, last result and last and next run, optionally with their newest sessions.
  - Never changes anything.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
extends_documentation_fragment:
  - backupops.veeam.vbr
  - backupops.veeam.vbr.job_types
  - backupops.veeam.tls
  - backupops.veeam.attributes.info
  - backupops.veeam.attributes.vbr_group
  - backupops.veeam.job.selection
options:
  id:
    description:
      - Only the jobs with these ids. Mutually exclusive with O(name) and O(all_jobs).
      - Without O(id) or O(name), every job (of the O(type)s asked for) is returned.
    type: list
    elements: str
  sessions:
    description:
      - How many of each selected job's newest sessions to return (one request per job, C(GET /api/v1/sessions) filtered by
        the job and ordered by creation time by the server). V(0) returns none; a negative number is refused before any request.
    type: int
    default: 0
notes:
  - 'Reading costs a login, one request per 1,000 jobs for the job list (C(GET /api/v1/jobs): the schedule flag
    C(isDisabled) and the type) and one per 1,000 jobs for the job states (C(GET /api/v1/jobs/states): status, last result,
    last and next run), and a logout, however many jobs there are. With O(api_version=auto), one more login request on a
    release older than 13.1. A disabled job whose last session has no result yet costs one session read (is it still running?).'
  - Jobs the server lists only in its job states (cloud policies, legacy backup copies, type C(Unknown)) cannot be changed
    through the REST API; they are returned in RV(unmanageable_jobs), not in RV(jobs).
seealso:
  - module: backupops.veeam.veeam_vbr_job
"""

EXAMPLES = r"""
- name: Read every job
  backupops.veeam.veeam_vbr_job_info:
    server: vbr.example.com
    username: CORP\svc-veeam
    password: "{{ vbr_password }}"
  register: vbr

- name: Show the jobs whose last run failed
  ansible.builtin.debug:
    msg: "{{ vbr.jobs | selectattr('last_status', 'equalto', 'Failed') | map(attribute='name') | list }}"

- name: The last three sessions of the backup copy jobs
  backupops.veeam.veeam_vbr_job_info:
    server: vbr.example.com
    username: CORP\svc-veeam
    password: "{{ vbr_password }}"
    type: BackupCopy
    sessions: 3
"""

RETURN = r"""
api_version:
  description: The REST API revision the run spoke (with O(api_version=auto), the newest the server serves).
  returned: once the server accepted a login
  type: str
  sample: 1.3-rev2
unmanageable_jobs:
  description: Jobs the server lists in its job states that the REST API cannot change (id, name, type, why).
  returned: when the server lists such jobs
  type: list
  elements: dict
  sample: [{id: 8c2e6a52-1f0b-4d7e-9a55-3b9d1f2e7c10, name: Azure VMs policy, type: CloudBackupAzure, why: is listed in the job states ...}]
unlisted_jobs:
  description:
    - The kinds of job the REST API revision spoken cannot list at all (C(kinds), the C(EJobType) names of newer revisions,
      and C(why)). Jobs of these kinds are not seen and stay as they are; a window on that server says so too.
  returned: when the revision spoken lists only some kinds of job (12.0 to 12.3)
  type: dict
  sample: {"kinds": ["HyperVBackup", "BackupCopy", "LinuxAgentBackup"], "why": "REST API 1.1-rev0 (Veeam Backup & Replication 12.0) lists ..."}
server:
  description: The base URL the module read from (from O(server) and O(port), or the environment variables).
  returned: success
  type: str
  sample: https://vbr.example.com:9419/
jobs:
  description: The selected jobs, in the server's order (or the order selected).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the job.
      type: str
    name:
      description: Name of the job.
      type: str
    enabled:
      description: Whether the job's schedule is enabled (C(isDisabled) is false).
      type: bool
    running:
      description: Whether a session of the job is active (its status is C(Running), C(Starting) or C(Stopping)).
      type: bool
    last_status:
      description: Result of the job's last session (C(Success), C(Warning), C(Failed)), C(null) while it runs or if it never ran.
      type: str
    last_run:
      description: When the job last ran (ISO 8601), if ever.
      type: str
    next_run:
      description: When the job runs next (ISO 8601), if scheduled.
      type: str
    details:
      description: Type (C(EJobType)), description, status as the server spells it, id of the latest session, workload.
      type: dict
      sample: {type: BackupCopy, description: Nightly copy offsite, status: Inactive, session_id: null, workload: Vm}
    sessions:
      description:
        - The newest sessions, newest first, in the same shape as in M(backupops.veeam.veeam_o365_job_info).
      type: list
      elements: dict
      returned: when O(sessions) > 0
      contains:
        id:
          description: Id of the session.
          type: str
        state:
          description: The session's state (C(Starting), C(Working), C(Stopping), C(Stopped), ...).
          type: str
        result:
          description: The result of an ended session (C(Success), C(Warning), C(Failed)), C(null) while it runs.
          type: str
        creation_time:
          description: When the session started (ISO 8601).
          type: str
        end_time:
          description: When it ended (ISO 8601), C(null) while it runs.
          type: str
        details:
          description: The message of the session's result, if any.
          type: str
"""

from ansible_collections.backupops.veeam.plugins.module_utils.vbr._client import VBR
from ansible_collections.backupops.veeam.plugins.module_utils._module import run_info_module


def main():
    run_info_module(VBR)


if __name__ == "__main__":
    main()
