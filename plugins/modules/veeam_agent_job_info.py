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
    next run, the repositories their backups are on, optionally with their newest backup sessions.
  - Never changes anything.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
  - xmltodict (only with O(format=xml), the default)
extends_documentation_fragment:
  - backupops.veeam.em
  - backupops.veeam.tls
  - backupops.veeam.attributes.info
  - backupops.veeam.attributes.em_group
  - backupops.veeam.job.selection
options:
  id:
    description:
      - Only the jobs with these ids (the GUID, or a UID V(urn:veeam:AgentBackupJob:<guid>) or V(urn:veeam:Job:<guid>)).
        Mutually exclusive with O(name) and O(all_jobs).
      - Without O(id) or O(name), every job is returned.
    type: list
    elements: str
  sessions:
    description:
      - How many of each selected job's newest backup sessions to return (one request per job, sorted and cut by the query service).
        V(0) returns none; a negative number is refused before any request.
    type: int
    default: 0
notes:
  - 'Reading the state of the jobs costs three requests however many jobs there are (up to 1,000 jobs; one more per further 1,000; the
    repositories cost one per reported job, see below): the query service for
    the jobs (C(type=AgentBackupJob&format=Entities)), for the sessions that are not C(Stopped), and for the finished agent sessions
    newest first (C(type=BackupJobSession&filter=JobType==AgentBackup;State==Stopped&sortDesc=CreationTime), 1,000 a page).
    A job is running when its newest session is not C(Stopped).'
  - 'The finished sessions give each idle job its C(last_run) and C(last_status). Their pages are shared by all jobs, so their
    number does not grow with the jobs: reading stops once every idle job has its newest session, when the sessions run out, or
    after 3 pages (the newest 3,000 finished agent sessions), whichever comes first. A job whose newest session is older than
    those keeps C(null) and the module warns naming it; a job that never ran (or whose sessions are gone) is C(null) without a
    warning, but costs reading all pages up to that bound.'
  - 'Each reported job costs one more request, for its repositories: an agent job in Enterprise Manager names no repository, only
    the backups of the job do (each through its C(RepositoryReference) link), and the body of a backup does not name its job, so the
    backups are read per job with C(type=Backup&format=Entities&filter=JobUid=="urn:veeam:Job:<guid>",JobUid=="urn:veeam:AgentBackupJob:<guid>").
    Select jobs with O(name) or O(id) to keep the read of a large installation short.'
  - A job that has no backup yet (it never completed a run) has no repository Enterprise Manager can name; C(repository_unknown)
    then says so. A job whose target was changed keeps its older backups, so it shows every repository it has backups on, and
    Enterprise Manager cannot tell which one is the current target.
  - If reading the backups fails, the jobs are still reported, the jobs not yet read get the failure as C(repository_unknown),
    no further backup query is sent, and the module warns.
  - The module logs on once and always logs off.
seealso:
  - module: backupops.veeam.veeam_agent_job
"""

EXAMPLES = r"""
- name: Read every agent job
  backupops.veeam.veeam_agent_job_info:
    server: em.example.com
    username: CORP\svc-veeam
    password: "{{ em_password }}"
  register: agents

- name: Show the disabled ones
  ansible.builtin.debug:
    msg: "{{ agents.jobs | rejectattr('enabled') | map(attribute='name') | list }}"

- name: The last three sessions of one job, in JSON
  backupops.veeam.veeam_agent_job_info:
    server: em.example.com
    username: CORP\svc-veeam
    password: "{{ em_password }}"
    format: json
    name: Fileserver Backup
    sessions: 3
"""

RETURN = r"""
server:
  description: The base URL the module read from (from O(server) and O(port), or the environment variables).
  returned: success
  type: str
  sample: https://em.example.com:9398/
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
      description:
        - For a running job the result of its active session, which is C(null) while it runs.
        - For an idle job the result of its newest finished session (C(Success), C(Warning) or C(Failed); a stopped run is
          C(Failed)), C(null) if it never ran or that session is beyond the bound in the notes.
      type: str
    last_run:
      description: Creation time of the session that C(last_status) comes from, C(null) when there is none.
      type: str
    next_run:
      description: When the job runs next, if scheduled.
      type: str
    repositories:
      description:
        - The backup repositories the job's backups are on, ordered by name; empty when Enterprise Manager cannot name one
          (C(repository_unknown) says why).
        - Usually one. A job whose target was changed shows each repository it still has backups on, and Enterprise Manager
          cannot tell which one it writes to now.
      type: list
      elements: dict
      returned: always
      contains:
        id:
          description: Id (GUID) of the repository, as in C(urn:veeam:Repository:<id>) and C(/api/repositories/<id>).
          type: str
          sample: 425b6739-5082-4f7a-99fb-1ae13ef87d9f
        name:
          description: Name of the repository.
          type: str
          sample: Default Backup Repository
    repository_unknown:
      description:
        - Why C(repositories) is empty, C(null) when it is not.
        - The job has no backup yet; its backups link to no repository; or reading its backups failed (the message says how).
      type: str
      returned: always
      sample: "the job has no backup yet: Enterprise Manager names an agent job's repository only through its backups"
    details:
      description: UID, platform (C(AgentForWindows) or C(AgentForLinux)), description and whether a schedule is configured.
      type: dict
      sample: {uid: "urn:veeam:AgentBackupJob:78c3919c-54d7-43fe-b047-485d3566f11f", platform: AgentForWindows,
               description: Nightly, schedule_configured: true}
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
          description:
            - The session's C(State), which is C(Starting), C(Working), C(Stopping), C(Pausing) or C(Resuming) while it is active
              and C(Stopped) once it ended.
          type: str
        result:
          description:
            - C(Success), C(Warning) or C(Failed) once ended (a stopped run is C(Failed)), C(null) while it runs.
          type: str
        creation_time:
          description: When the session started (ISO 8601).
          type: str
        end_time:
          description: When it ended (ISO 8601), C(null) while it runs.
          type: str
        details:
          description: Always C(null) (Enterprise Manager sessions carry no details); there for the shape shared with VB365.
          type: str
"""

from ansible_collections.backupops.veeam.plugins.module_utils.em._client import EM
from ansible_collections.backupops.veeam.plugins.module_utils._module import run_info_module


def main():
    run_info_module(EM)


if __name__ == "__main__":
    main()
