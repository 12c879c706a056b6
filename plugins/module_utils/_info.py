# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The work of every _info module: read, select, report (the module wrapper runs it). Private to the collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def job_entry(job, client):
    """An info entry: the client's job fields (not repeated in details), the state, the last and next run, the details."""
    fields = client.job_fields(job)
    details = dict((key, value) for key, value in job.details.items() if key not in fields)
    return dict(fields, id=job.id, name=job.name, enabled=job.enabled, running=job.running, last_status=job.last_result,
                last_run=job.last_run, next_run=job.next_run, details=details)


class InfoReader(object):
    """Reads every job (last runs included), keeps the selected ones and, on request, their newest sessions."""

    def __init__(self, client, params):
        self.client = client
        self.params = params
        self.entries = []
        self.listing = None

    def run(self):
        params = self.params
        jobs = self.listing = self.client.read_jobs(last_runs=True)
        if params["id"] or params["name"]:
            jobs = self.client.select(jobs, params["id"], params["name"])
        for job in self.client.info_details(jobs):
            entry = job_entry(job, self.client)
            if params["sessions"]:
                entry["sessions"] = self.client.read_sessions(job, params["sessions"])
            self.entries.append(entry)
        return dict(self.client.result_fields(self.listing), changed=False, server=self.client.server, jobs=self.entries)

    def partial_result(self):
        """After a failure: the jobs reported so far."""
        return dict(self.client.result_fields(self.listing), changed=False, jobs=self.entries)
