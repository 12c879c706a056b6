# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The values the maintenance window's unit tests build: jobs as read, record entries, records, what a phase did."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import JobState
from ansible_collections.backupops.veeam.plugins.module_utils._job_progress import JobOutcome
from ansible_collections.backupops.veeam.plugins.module_utils._model import Job

NOW = "2026-12-02T15:00:00Z"
EARLIER = "2026-12-01T09:00:00Z"


def job(ident, enabled=True, running=False, name=None):
    return Job(ident, name or "Job %s" % ident, enabled, running, None, None, None, {})


def entry(ident):
    return dict(id=ident, name="Job %s" % ident)


def record(state="active", api="vb365", jobs=("1",), created=EARLIER, **extra):
    return dict(dict(format=1, state=state, host="h", api=api, server="https://h:4443/", created=created,
                     jobs=[entry(i) for i in jobs]), **extra)


def did(disabled=(), stopped=(), held=(), left=(), **more):
    """What a begin did, as begin_summary takes it."""
    return dict(dict(disabled=list(disabled), stopped=list(stopped), held=list(held), left=list(left), chained=[], waited=None), **more)


def runner_job(ident, actions, enabled, running, was_enabled=True):
    """What the job runner did to a job (a JobOutcome), as it re-read it."""
    return JobOutcome(ident, "Job %s" % ident, JobState(was_enabled, running), JobState(enabled, running), tuple(actions))
