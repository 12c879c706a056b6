# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The body of every _info module: read, select, report. Private to the collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._job_runner import JobModuleError, error_fields, select_jobs


def job_entry(job):
    return dict(id=job.id, name=job.name, enabled=job.enabled, running=job.running, last_status=job.last_result,
                last_run=job.last_run, next_run=job.next_run, details=job.details)


def run_info(module, client):
    params = module.params
    try:
        jobs = client.read_jobs(last_runs=True)
        if params["id"] or params["name"]:
            jobs = select_jobs(jobs, params["id"], params["name"], normalize_id=client.normalize_id)
        entries = []
        for job in jobs:
            entry = job_entry(job)
            if params.get("sessions"):
                entry["sessions"] = client.read_sessions(job, params["sessions"])
            entries.append(entry)
        result, failed = dict(changed=False, server=client.server, jobs=entries), False
    except (JobModuleError, VeeamApiError) as exc:
        result, failed = dict(msg=str(exc), **error_fields(exc)), True
    finally:
        # Before exiting, so that a failed logoff still reaches the result as a warning.
        client.close()
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)
