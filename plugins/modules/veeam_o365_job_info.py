#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_o365_job_info
short_description: Read Veeam Backup for Microsoft 365 backup jobs and backup copy jobs and their state
version_added: 0.1.0
description:
  - Lists the backup jobs of a Veeam Backup for Microsoft 365 server (with O(job_kind), its backup copy jobs too) with their
    schedule flag, running state, last status and last and next run, optionally with their newest sessions.
  - Never changes anything.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
extends_documentation_fragment:
  - backupops.veeam.vb365
  - backupops.veeam.vb365.job_kind
  - backupops.veeam.tls
  - backupops.veeam.attributes.info
  - backupops.veeam.attributes.vb365_group
  - backupops.veeam.job.selection
options:
  api_version:
    description:
      - REST API version to speak. The module only reads the job list (C(GET /vN/Jobs), with O(job_kind) also C(GET /vN/CopyJobs);
        from V(v8) in pages of 1,000 jobs) and, with O(sessions), the newest sessions of each selected job.
      - It sends no enable, disable, start or stop on any version.
      - From V(v7) the module asks for a token without antiforgery protection and logs the token out at the end.
      - V(v8) is Veeam Backup for Microsoft 365 version 8; use the newest version your server offers.
    type: str
    choices: [v2, v3, v4, v5, v6, v7, v8]
    default: v8
  id:
    description:
      - Only the jobs with these ids. Mutually exclusive with O(name) and O(all_jobs).
      - Without O(id) or O(name), every job is returned.
    type: list
    elements: str
  sessions:
    description:
      - How many of each selected job's newest sessions to return. V(0) returns none; a negative number is refused before any request.
      - The API defines no order and pages the sessions (from v6), so every page of the job's sessions is read (1,000 a request) and
        the newest are picked by creation time; the cost is one request per job and per 1,000 of its sessions.
      - The sessions of a backup copy job are read from V(v7) (C(GET /vN/JobSessions?jobId=<its backup job id>&jobType=Copy)). A V(v6) session names
        no job, so with V(v6) a copy job's C(sessions) is empty and a warning says why.
    type: int
    default: 0
seealso:
  - module: backupops.veeam.veeam_o365_job
"""

EXAMPLES = r"""
- name: Read every job
  backupops.veeam.veeam_o365_job_info:
    server: vb365.example.com
    username: CORP\svc-veeam
    password: "{{ vb365_password }}"
  register: vb365

- name: Show the disabled ones
  ansible.builtin.debug:
    msg: "{{ vb365.jobs | rejectattr('enabled') | map(attribute='name') | list }}"

- name: The last three sessions of one job
  backupops.veeam.veeam_o365_job_info:
    server: vb365.example.com
    username: CORP\svc-veeam
    password: "{{ vb365_password }}"
    name: Exchange Online Daily
    sessions: 3

- name: Every backup job and backup copy job, each copy job with the backup job it copies
  backupops.veeam.veeam_o365_job_info:
    server: vb365.example.com
    username: CORP\svc-veeam
    password: "{{ vb365_password }}"
    job_kind: all
  register: vb365_all

- name: Show which copy jobs are paused
  ansible.builtin.debug:
    msg: "{{ vb365_all.jobs | selectattr('kind', 'eq', 'copy') | rejectattr('enabled') | map(attribute='name') | list }}"
"""

RETURN = r"""
unlisted_jobs:
  description:
    - The kinds of job the API version spoken cannot list (C(kinds), C(why)), with O(job_kind=all) and O(api_version) V(v2) to
      V(v5), backup copy jobs. They are not seen and stay as they are.
  returned: when O(job_kind=all) meets an API version without backup copy jobs
  type: dict
  sample: {"kinds": ["backup copy"], "why": "api_version v5 has no backup copy jobs"}
server:
  description: The base URL the module read from (from O(server) and O(port), or the environment variables).
  returned: success
  type: str
  sample: https://vb365.example.com:4443/
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
    kind:
      description: V(backup) for a backup job, V(copy) for a backup copy job.
      type: str
    backup_job:
      description: The backup job a backup copy job copies (C(id), and C(name) when the server lists that job).
      type: dict
      returned: for backup copy jobs
    enabled:
      description: Whether the job's schedule is enabled.
      type: bool
    running:
      description: Whether a session of the job is running (C(last_status) is C(Running) or C(Queued)).
      type: bool
    last_status:
      description: Status of the job's last session (C(Success), C(Warning), C(Failed), C(Running), C(Stopped), ...).
      type: str
    last_run:
      description: When the job last ran (ISO 8601), if ever.
      type: str
    next_run:
      description: When the job runs next (ISO 8601), if scheduled.
      type: str
    details:
      description: Schedule type, repository and organization ids; for backup jobs also the description and backup type.
      type: dict
    sessions:
      description:
        - The newest sessions, newest first, in the same shape as in M(backupops.veeam.veeam_agent_job_info).
      type: list
      elements: dict
      returned: when O(sessions) > 0
      contains:
        id:
          description: Id of the session.
          type: str
        state:
          description:
            - C(Running) or C(Queued) while the session is active (its VB365 C(status)), C(Stopped) once it ended.
          type: str
        result:
          description:
            - The VB365 C(status) of an ended session (C(Success), C(Warning), C(Failed), C(Stopped), ...), C(null) while it runs.
          type: str
        creation_time:
          description: When the session started (ISO 8601).
          type: str
        end_time:
          description: When it ended (ISO 8601), C(null) while it runs.
          type: str
        details:
          description: The session's C(details) text.
          type: str
"""

from ansible_collections.backupops.veeam.plugins.module_utils.vb365._client import VB365
from ansible_collections.backupops.veeam.plugins.module_utils._module import run_info_module


def main():
    run_info_module(VB365)


if __name__ == "__main__":
    main()
