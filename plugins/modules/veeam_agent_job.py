#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_agent_job
short_description: Declare the state of Veeam Agent backup jobs through Veeam Backup Enterprise Manager
version_added: 0.1.0
description:
  - Enables, disables, starts or stops Veeam Agent backup jobs (managed by Veeam Backup & Replication) through the
    REST API of Veeam Backup Enterprise Manager.
  - Reads every selected job first and acts only where the job differs from the declaration, so a second run changes nothing
    and sends no write.
  - Selects one job, a list of jobs (by id or by name) or every agent job, and reads all of them with two requests
    through the query service (one for the jobs, one for their active sessions), not one per job.
  - Fails before changing anything when a selected job does not exist, a name matches two jobs, or the declaration cannot be
    reached (a disabled job asked to run).
  - Every change is an Enterprise Manager task; the module follows each task until it is C(Finished) and fails with the
    server's message when the task reports no success.
  - A write that gets an unclear answer (a 5xx status or a dropped connection) is never sent again blindly;
    the job is re-read and the decision made again.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
  - xmltodict (only with O(format=xml), the default)
extends_documentation_fragment:
  - backupops.veeam.em
  - backupops.veeam.tls
  - backupops.veeam.wait
  - backupops.veeam.attributes.actions
  - backupops.veeam.attributes.em_group
  - backupops.veeam.job.selection
  - backupops.veeam.job.state
options:
  id:
    description:
      - Id of the job, or a list of ids. The GUID or a UID (V(urn:veeam:AgentBackupJob:<guid>) or V(urn:veeam:Job:<guid>)).
      - Mutually exclusive with O(name) and O(all_jobs).
    type: list
    elements: str
notes:
  - The schedule flag is the job's C(ScheduleEnabled). V(running) sends C(?action=start) when the job's newest backup
    session is not active; V(stopped) sends C(?action=stop) when it is.
  - 'Enterprise Manager has no enable or disable action, only C(POST /api/agents/jobs/{id}?action=toggleScheduleEnabled),
    which B(flips) the flag. The module reads C(ScheduleEnabled) first and sends the toggle only when it differs from the
    declaration, once per decision: never again on a timeout or an unclear answer (only a toggle refused with HTTP 429, which
    the server did not process, is sent again after its C(Retry-After)). After the task has finished the job is read again; if
    someone flipped the flag meanwhile it is corrected once, and the task fails if it still disagrees. After an unclear answer
    (5xx, 409, a dropped connection) the job is re-read for up to 15 seconds before the toggle is decided again, so a
    O(wait_timeout) shorter than that fails instead of deciding again.'
  - 'Reading costs two requests however many jobs are selected: the query service for the jobs
    (C(type=AgentBackupJob&format=Entities)) and for the sessions that are not C(Stopped) (C(type=BackupJobSession)).
    A job is running when its newest session is not C(Stopped). A run that finishes does not appear there any more:
    its end is read once from the session itself.'
  - Tasks are followed with the same logon session every O(wait_sleep) seconds (starting faster) until their state is
    C(Finished); C(OperationFinished) is not yet done. A task still unfinished at the deadline fails the run and is deleted.
  - The module logs on once per run (C(POST /api/sessionMngr/?v=latest)) and always logs off (C(DELETE /api/logonSessions/{id})),
    also when it fails. A logon session that expires during the run (HTTP 401) is replaced once by a new logon. A task that
    belonged to the expired session cannot be read any more; the module then waits for the job itself to show the change
    (never resending it) and reports the task state as C(Unknown).
seealso:
  - module: backupops.veeam.veeam_agent_job_info
  - module: backupops.veeam.veeam_o365_job
"""

EXAMPLES = r"""
- name: Disable two agent jobs before storage maintenance, stopping what runs
  backupops.veeam.veeam_agent_job:
    server: em.example.com
    username: CORP\svc-veeam
    password: "{{ em_password }}"
    ca_path: /etc/pki/corp-root-ca.pem
    name:
      - Fileserver Backup
      - Laptops Daily
    state: disabled
    if_running: stop

- name: Enable every agent job again (connection options set once for the group)
  module_defaults:
    group/backupops.veeam.em:
      server: em.example.com
      username: CORP\svc-veeam
      password: "{{ em_password }}"
  block:
    - name: Enable all agent jobs
      backupops.veeam.veeam_agent_job:
        all_jobs: true
        state: enabled

- name: Run a job now and fail if the run fails (credentials from VEEAM_EM_* environment variables)
  backupops.veeam.veeam_agent_job:
    id: urn:veeam:AgentBackupJob:78c3919c-54d7-43fe-b047-485d3566f11f
    state: running
    wait_for_completion: true
    wait_timeout: 3600

- name: Stop a running job, talking JSON to Enterprise Manager
  backupops.veeam.veeam_agent_job:
    server: https://em.example.com:9398
    username: CORP\svc-veeam
    password: "{{ em_password }}"
    format: json
    id: 78c3919c-54d7-43fe-b047-485d3566f11f
    state: stopped
"""

RETURN = r"""
msg:
  description: What the run did, in one sentence.
  returned: always
  type: str
  sample: disabled 2 of 2 selected job(s).
jobs:
  description: One entry per selected job, in the order selected.
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
      sample: Fileserver Backup
    before:
      description: State read before acting.
      type: dict
      sample: {enabled: true, running: false}
    after:
      description: State read after acting (with O(wait)), or the state expected (in check mode or without O(wait)).
      type: dict
      sample: {enabled: false, running: false}
    actions:
      description: Actions sent, in order; in check mode the actions a real run would send (none is sent). V(enable) and
        V(disable) are both sent as C(toggleScheduleEnabled).
      type: list
      elements: str
      sample: [stop, disable]
    task:
      description:
        - The Enterprise Manager task of the last action sent for this job, as last read.
        - C(state) is C(Unknown) for a task lost with an expired logon session.
      type: dict
      returned: when an action was sent
      sample: {id: task-3, operation: UpdateJob, state: Finished, success: true, message: Ok}
waited:
  description:
    - How long the run waited for running sessions to end (C(seconds)) and for how many jobs (C(jobs)), after stopping them
      (O(if_running=stop), O(state=stopped)) or while they finished (O(if_running=wait)).
  returned: when the run waited for sessions to end
  type: dict
  sample: {"seconds": 7.2, "jobs": 2}
diff:
  description: C(before) and C(after) state of every selected job, keyed by C(name (id)).
  returned: in diff mode (C(--diff) or the task keyword C(diff))
  type: dict
http:
  description: The failed request (method, URL, HTTP status, server message) when the module failed talking to the server.
  returned: on failure caused by the server
  type: dict
"""

from ansible_collections.backupops.veeam.plugins.module_utils.em._client import EM
from ansible_collections.backupops.veeam.plugins.module_utils._module import run_job_module


def main():
    run_job_module(EM)


if __name__ == "__main__":
    main()
