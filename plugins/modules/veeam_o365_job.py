#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_o365_job
short_description: Declare the state of Veeam Backup for Microsoft 365 backup jobs and backup copy jobs
version_added: 0.1.0
description:
  - Enables, disables, starts or stops backup jobs of Veeam Backup for Microsoft 365 through its REST API, and with
    O(job_kind) its backup copy jobs.
  - Reads every selected job first and acts only where the job differs from the declaration, so a second run changes nothing
    and sends no write.
  - Selects one job, a list of jobs (by id or by name) or every job on the server, and reads all of them with one request
    (one per 1,000 jobs on API V(v8)).
  - Fails before changing anything when a selected job does not exist, a name matches two jobs, or the declaration cannot be
    reached (a disabled job asked to run).
  - A write that gets an unclear answer (a 5xx status, a conflict or a dropped connection) is never sent again blindly;
    the job is re-read and the decision made again.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
extends_documentation_fragment:
  - backupops.veeam.vb365
  - backupops.veeam.vb365.job_kind
  - backupops.veeam.tls
  - backupops.veeam.wait
  - backupops.veeam.attributes.actions
  - backupops.veeam.attributes.vb365_group
  - backupops.veeam.job.selection
  - backupops.veeam.job.state
options:
  id:
    description:
      - Id (GUID) of the job, or a list of ids.
      - Mutually exclusive with O(name) and O(all_jobs).
    type: list
    elements: str
notes:
  - The schedule flag is the job's C(isEnabled).
  - The job list carries no running flag; a job counts as running while its C(lastStatus) is C(Running) or C(Queued).
  - 'Both action dialects are supported. API V(v2) to V(v5) get C(POST /vN/Jobs/{id}/Action) with C({"enable": null}),
    C({"disable": null}), C({"start": null}) or C({"stop": null}); V(v6) and later get C(POST /vN/Jobs/{id}/enable),
    C(/disable), C(/stop) and C(/start) with C({"full": false}).'
  - 'Backup copy jobs (O(job_kind=copy) or O(job_kind=all), API V(v6) and later) get C(POST /vN/CopyJobs/{id}/enable), C(/disable),
    C(/stop) and C(/start) (with C({"full": false}) in V(v6), without a body from V(v7)); a copy job runs while its C(lastStatus)
    is C(Running) or C(Queued), like a backup job.'
  - A token that expires during the run is renewed once with a new login.
  - A write answered with a 5xx, a 409 or a dropped connection is never resent blindly; the job is re-read (for up to
    2 seconds, until the change shows) and decided again once. A write answered 429 was not processed and is sent again after
    its C(Retry-After).
seealso:
  - module: backupops.veeam.veeam_o365_job_info
  - module: backupops.veeam.veeam_agent_job
"""

EXAMPLES = r"""
- name: Disable two jobs before storage maintenance, stopping what runs
  backupops.veeam.veeam_o365_job:
    server: vb365.example.com
    username: CORP\svc-veeam
    password: "{{ vb365_password }}"
    ca_path: /etc/pki/corp-root-ca.pem
    name:
      - Exchange Online Daily
      - SharePoint Sites
    state: disabled
    if_running: stop

- name: Enable every job again (connection options set once for the group)
  module_defaults:
    group/backupops.veeam.vb365:
      server: vb365.example.com
      username: CORP\svc-veeam
      password: "{{ vb365_password }}"
  block:
    - name: Enable all jobs
      backupops.veeam.veeam_o365_job:
        all_jobs: true
        state: enabled

- name: Run a job now and fail if the run fails (credentials from VEEAM_VB365_* environment variables)
  backupops.veeam.veeam_o365_job:
    id: 3396ba22-21b1-4666-a631-0edfc12a59cd
    state: running
    wait_for_completion: true
    wait_timeout: 3600

- name: Pause the backup copy to object storage while the bucket is migrated
  backupops.veeam.veeam_o365_job:
    server: vb365.example.com
    username: CORP\svc-veeam
    password: "{{ vb365_password }}"
    job_kind: copy
    name: Exchange Online Daily Copy
    state: disabled
    if_running: stop

- name: Talk to an older server that only knows API v5
  backupops.veeam.veeam_o365_job:
    server: https://vb365-legacy.example.com:4443
    username: CORP\svc-veeam
    password: "{{ vb365_password }}"
    api_version: v5
    name: OneDrive Weekly
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
      description: Id of the job.
      type: str
      sample: 3396ba22-21b1-4666-a631-0edfc12a59cd
    name:
      description: Name of the job.
      type: str
      sample: Exchange Online Daily
    kind:
      description: V(backup) for a backup job, V(copy) for a backup copy job.
      type: str
      sample: backup
    backup_job:
      description: The backup job a backup copy job copies (C(id), and C(name) when the server lists that job).
      type: dict
      returned: for backup copy jobs
      sample: {id: 3396ba22-21b1-4666-a631-0edfc12a59cd, name: Exchange Online Daily}
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
      description: The session a start created, where the server returns it (API V(v8)).
      type: dict
      returned: when a start returned a session
      sample: {id: 5a8c1d3e-77a0-4a43-9c58-2b1a0e6f4c11, status: Running}
waited:
  description:
    - How long the run waited for running sessions to end (C(seconds)) and for how many jobs (C(jobs)), after stopping them
      (O(if_running=stop), O(state=stopped)) or while they finished (O(if_running=wait)).
  returned: when the run waited for sessions to end
  type: dict
  sample: {"seconds": 7.2, "jobs": 2}
unlisted_jobs:
  description:
    - The kinds of job the API version spoken cannot list (C(kinds), C(why)), with O(job_kind=all) and O(api_version) V(v2) to
      V(v5), backup copy jobs. They are not seen and stay as they are.
  returned: when O(job_kind=all) meets an API version without backup copy jobs
  type: dict
  sample: {"kinds": ["backup copy"], "why": "api_version v5 has no backup copy jobs"}
diff:
  description: C(before) and C(after) state of every selected job, keyed by C(name (id)).
  returned: in diff mode (C(--diff) or the task keyword C(diff))
  type: dict
http:
  description: The failed request (method, URL, HTTP status, server message) when the module failed talking to the server.
  returned: on failure caused by the server
  type: dict
"""

from ansible_collections.backupops.veeam.plugins.module_utils.vb365._client import VB365
from ansible_collections.backupops.veeam.plugins.module_utils._module import run_job_module


def main():
    run_job_module(VB365)


if __name__ == "__main__":
    main()
