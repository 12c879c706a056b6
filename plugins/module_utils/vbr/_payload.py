# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Veeam Backup & Replication answers -> the collection's values: a Job from a JobModel and its JobStateModel (the
schedule flag, whether a session runs, the chain), a session entry, the jobs only the states list. Pure. Private.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.backupops.veeam.plugins.module_utils._model import Job

# EJobStatus of a job without a session (spelled in lower case up to 1.3-rev0, capitalised from 1.3-rev1).
IDLE_STATUSES = ("inactive", "stopped")
# Statuses that describe the schedule, not the session: a disabled job may still run. When the last session has no result
# yet, that session is read to decide.
SCHEDULE_STATUSES = ("disabled", "enabled")
# EJobStatus values during a session: they do not say whether the schedule is enabled (a job disabled while it runs).
SESSION_STATUSES = ("running", "starting", "stopping")
# ESessionState, every revision's enum (1.1-rev0 to 1.3-rev1: Stopped, Starting, Stopping, Working, Pausing, Resuming,
# WaitingTape, Idle, Postprocessing, WaitingRepository, WaitingSlot; 1.3-rev2 adds ActionRequired). Only `Stopped` ends a
# session: every other state counts as running, because the session still holds the job and may still write (Idle: a
# continuous job between cycles; Waiting*: queued for a tape, repository or task slot, it writes once it has one;
# Postprocessing: still merging or transforming backup files; ActionRequired: paused until an operator answers). A state
# this list does not know (a newer revision's) counts as running too: a wait then names it rather than ending too soon.
ENDED_SESSION_STATE = "Stopped"
LIVE_SESSION_STATES = ("Starting", "Working", "Stopping", "Pausing", "Resuming", "WaitingTape", "Idle", "Postprocessing",
                       "WaitingRepository", "WaitingSlot", "ActionRequired")


def schedule_enabled(job, state):
    """Whether the job's schedule is enabled: JobModel.isDisabled, or where a revision leaves it out (1.3-rev2 no longer requires
    it) the job state's EJobStatus. None when neither says: the flag is missing and the status is that of a session (a job
    disabled while it runs may show Running), or there is no state."""
    if isinstance(job.get("isDisabled"), bool):
        return not job["isDisabled"]
    status = str((state or {}).get("status") or "").lower()
    if not status or status in SESSION_STATUSES:
        return None
    # `disabled` says so; an idle status (inactive, enabled, stopped) is never shown for a disabled job, which is `disabled`.
    return status != "disabled"


def session_running(session_state):
    """Whether a session in this ESessionState still runs (see LIVE_SESSION_STATES); None (no state read) is not running."""
    return session_state is not None and session_state != ENDED_SESSION_STATE


def job_from_models(job, state):
    """A Job from a JobModel and its JobStateModel (the state may be missing for a job created between the two reads).

    A schedule flag that neither model gives is read as disabled (details flag_unknown): read as enabled, a window's end would
    enable a job its operator had disabled. The client warns, naming the job."""
    state = state or {}
    status = str(state.get("status") or "").lower()
    result = state.get("lastResult")
    enabled = schedule_enabled(job, state)
    chain = state.get("runAfterJob") if isinstance(state.get("runAfterJob"), dict) else {}
    return Job(
        id=job["id"], name=job.get("name") or "", enabled=bool(enabled),
        running=bool(status) and status not in IDLE_STATUSES + SCHEDULE_STATUSES, last_run=state.get("lastRun"),
        last_result=None if result in (None, "None") else result, next_run=state.get("nextRun"),
        details=dict(type=job.get("type"), description=job.get("description"), status=state.get("status"),
                     session_id=state.get("sessionId"), workload=state.get("workload"), run_after=chain.get("jobId"),
                     session_state=None, flag_unknown=enabled is None))


def chained_jobs(jobs, selected):
    """The jobs of `jobs` not in `selected` that run after a selected job, directly or through other chained jobs:
    [(job, the selected or chained job it runs after)], nearest first (details run_after: JobStateModel.runAfterJob.jobId)."""
    children = collections.defaultdict(list)
    for job in jobs:
        if job.details.get("run_after"):
            children[str(job.details["run_after"]).lower()].append(job)
    reached = set(job.id.lower() for job in selected)
    queue, found = list(selected), []
    while queue:
        parent = queue.pop(0)
        for child in children.get(parent.id.lower(), []):
            if child.id.lower() not in reached:
                reached.add(child.id.lower())
                found.append((child, parent))
                queue.append(child)
    return found


def session_may_run(job):
    """Whether the status alone cannot say if the job runs: a schedule status, and a last session without a result yet."""
    return str(job.details["status"] or "").lower() in SCHEDULE_STATUSES and bool(job.details["session_id"]) and job.last_result is None


def session_entry(raw):
    """A VBR session in the info modules' one shape (result null while it runs)."""
    result = raw.get("result") if isinstance(raw.get("result"), dict) else {}
    outcome = result.get("result")
    return dict(id=raw.get("id"), state=raw.get("state"), result=None if outcome in (None, "None") else outcome,
                creation_time=raw.get("creationTime"), end_time=raw.get("endTime"), details=result.get("message") or None)


def joined(models, states):
    """(jobs, states of jobs the job list does not have): each JobModel with its JobStateModel, in the job list's order."""
    by_id = dict((state.get("id"), state) for state in states)
    listed = set(model.get("id") for model in models)
    return [job_from_models(model, by_id.get(model.get("id"))) for model in models], [s for s in states if s.get("id") not in listed]


def selects(wanted, job_type):
    """Whether the type filter (the server's names; empty: every type) keeps a job of this type."""
    return not wanted or job_type in wanted


def unmanageable_entry(state):
    """A job the job states list but /api/v1/jobs does not: it cannot be enabled, disabled, started or stopped."""
    return dict(id=state.get("id"), name=state.get("name") or "", type=state.get("type"),
                why="is listed in the job states as type %s, which the REST API cannot enable, disable, start or stop "
                    "(/api/v1/jobs does not list it)" % state.get("type"))
