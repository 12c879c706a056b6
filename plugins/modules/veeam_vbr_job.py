#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_vbr_job
short_description: Declare the state of Veeam Backup & Replication jobs
version_added: 0.2.0
description:
  - Enables, disables, starts or stops jobs of Veeam Backup & Replication (VM backups, backup copies, replicas, file and
    agent jobs managed by the backup server) through its own REST API.
  - Reads every selected job first and acts only where the job differs from the declaration, so a second run changes nothing
    and sends no write.
  - Selects one job, a list of jobs (by id or by name), every job on the server, or every job of some types (O(type)), and reads
    all of them with two paged requests (job list and job states, 1,000 jobs a page).
  - Fails before changing anything when a selected job does not exist, a name matches two jobs, or the declaration cannot be
    reached (a disabled job asked to run).
  - A write that gets an unclear answer (a 5xx status, a conflict or a dropped connection) is never sent again blindly;
    the job is re-read and the decision made again.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
extends_documentation_fragment:
  - backupops.veeam.vbr
  - backupops.veeam.vbr.job_types
  - backupops.veeam.tls
  - backupops.veeam.wait
  - backupops.veeam.attributes.actions
  - backupops.veeam.attributes.vbr_group
  - backupops.veeam.job.selection
  - backupops.veeam.job.state
options:
  id:
    description:
      - Id (GUID) of the job, or a list of ids.
      - Mutually exclusive with O(name) and O(all_jobs).
    type: list
    elements: str
  active_full:
    description:
      - With O(state=running), start an active full backup (C(JobStartSpec.performActiveFull)).
    type: bool
    default: false
  graceful_stop:
    description:
      - When a running job is stopped, stop it gracefully (C(JobStopSpec.gracefulStop)), so that a restore point is produced for
        the machines already processed and being processed. V(false) stops at once.
    type: bool
    default: true
notes:
  - The job list is the job states (C(GET /api/v1/jobs/states), every job the server lists) joined with the job list
    (C(GET /api/v1/jobs), the schedule flag C(isDisabled) and the jobs the REST API can change). A job only in the states is
    not dropped. It is named in RV(unmanageable_jobs), in a warning when O(all_jobs) is set, and selecting it by name or id
    fails saying why.
  - A job counts as running while its status is not C(Inactive), C(Stopped), C(Disabled) or C(Enabled). The last two describe
    the schedule, not the session. A disabled job may still run, so when its last session (C(sessionId)) has no result yet,
    that session is read (C(GET /api/v1/sessions/{id})) and the job runs while the session's state is not C(Stopped).
  - 'Writes: C(POST /api/v1/jobs/{id}/enable) and C(/disable) (200 up to 1.3-rev0, 204 from 1.3-rev1), C(/start) and C(/stop)
    (201 with the session they started; 1.3-rev2 answers a start of a job with no objects to process with 204 and starts
    nothing, which fails the wait naming the job). The stop body is C(gracefullStop) (sic) up to 1.1-rev2 and C(gracefulStop)
    from 1.2-rev0. Runs are followed through the job states, one request for all jobs per poll.'
  - An expired token is renewed with the refresh token (the OAuth2 C(refresh_token) grant), else with a new password login;
    the token is always logged out at the end.
  - A write answered with a 5xx, a 409 or a dropped connection is never resent blindly; the job is re-read (for up to
    2 seconds, until the change shows) and decided again once. A write answered 429 was not processed and is sent again after
    its C(Retry-After). A write refused with 403 (a role without the permission) stops every further write of the run.
seealso:
  - module: backupops.veeam.veeam_vbr_job_info
  - module: backupops.veeam.veeam_o365_job
  - module: backupops.veeam.veeam_agent_job
"""

EXAMPLES = r"""
- name: Disable the vSphere backups and backup copies before a storage upgrade, stopping what runs
  backupops.veeam.veeam_vbr_job:
    server: vbr.example.com
    username: CORP\svc-veeam
    password: "{{ vbr_password }}"
    ca_path: /etc/pki/corp-root-ca.pem
    all_jobs: true
    type:
      - VSphereBackup
      - BackupCopy
    state: disabled
    if_running: stop

- name: Enable every job again (connection options set once for the group)
  module_defaults:
    group/backupops.veeam.vbr:
      server: vbr.example.com
      username: CORP\svc-veeam
      password: "{{ vbr_password }}"
  block:
    - name: Enable all jobs
      backupops.veeam.veeam_vbr_job:
        all_jobs: true
        state: enabled

- name: Run an active full now and fail if the run fails (credentials from VEEAM_VBR_* environment variables)
  backupops.veeam.veeam_vbr_job:
    name: SQL Cluster VMs
    state: running
    active_full: true
    wait_for_completion: true
    wait_timeout: 14400

- name: Pin a Veeam Backup & Replication 12.3.1 server to its REST API revision (auto would find it with one more request)
  backupops.veeam.veeam_vbr_job:
    server: https://vbr-legacy.example.com:9419
    username: CORP\svc-veeam
    password: "{{ vbr_password }}"
    api_version: 1.2-rev1
    name: VMware Production VMs
    state: stopped
    graceful_stop: false
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
      description: Id of the job.
      type: str
      sample: 3396ba22-21b1-4666-a631-0edfc12a59cd
    name:
      description: Name of the job.
      type: str
      sample: VMware Production VMs
    before:
      description: State read before acting.
      type: dict
      sample: {enabled: true, running: false}
    after:
      description: State read after acting (with O(wait)), or the state expected (in check mode or without O(wait)).
      type: dict
      sample: {enabled: false, running: false}
    actions:
      description: Actions sent, in order; in check mode the actions a real run would send (none is sent).
      type: list
      elements: str
      sample: [stop, disable]
    session:
      description: The session a start or stop created (C(SessionModel) id and state); null when a start created none.
      type: dict
      returned: when a start or stop was sent
      sample: {id: 5a8c1d3e-77a0-4a43-9c58-2b1a0e6f4c11, state: Starting}
    no_session:
      description: Why a start the server accepted created no session (1.3-rev2, a job with no objects to process).
      type: str
      returned: when a start created no session
      sample: the server accepted the start but created no session; the job has no objects to process
api_version:
  description: The REST API revision the run spoke (with O(api_version=auto), the newest the server serves).
  returned: once the server accepted a login
  type: str
  sample: 1.3-rev2
unmanageable_jobs:
  description:
    - Jobs the server lists in its job states that the REST API cannot enable, disable, start or stop (cloud policies, legacy
      backup copies, type C(Unknown)); they are left as they are. Filtered by O(type) like the others.
  returned: when the server lists such jobs
  type: list
  elements: dict
  sample: [{id: 8c2e6a52-1f0b-4d7e-9a55-3b9d1f2e7c10, name: Azure VMs policy, type: CloudBackupAzure, why: is listed in the job states ...}]
waited:
  description:
    - How long the run waited for running sessions to end (C(seconds)) and for how many jobs (C(jobs)), after stopping them
      (O(if_running=stop), O(state=stopped)) or while they finished (O(if_running=wait)).
  returned: when the run waited for sessions to end
  type: dict
  sample: {"seconds": 7.2, "jobs": 2}
unlisted_jobs:
  description:
    - The kinds of job the REST API revision spoken cannot list at all (C(kinds), the C(EJobType) names of newer revisions,
      and C(why)). Jobs of these kinds are not seen and stay as they are; a window on that server says so too.
  returned: when the revision spoken lists only some kinds of job (12.0 to 12.3)
  type: dict
  sample: {"kinds": ["HyperVBackup", "BackupCopy", "LinuxAgentBackup"], "why": "REST API 1.1-rev0 (Veeam Backup & Replication 12.0) lists ..."}
diff:
  description: C(before) and C(after) state of every selected job, keyed by C(name (id)).
  returned: in diff mode (C(--diff) or the task keyword C(diff))
  type: dict
http:
  description: The failed request (method, URL, HTTP status, server message) when the module failed talking to the server.
  returned: on failure caused by the server
  type: dict
"""

from ansible_collections.backupops.veeam.plugins.module_utils.vbr._client import VBR
from ansible_collections.backupops.veeam.plugins.module_utils._module import run_job_module


def main():
    run_job_module(VBR)


if __name__ == "__main__":
    main()
