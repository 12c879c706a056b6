# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which jobs a maintenance window phase acts on, and what its declarations did, from the jobs read and the job runner's
results. Pure: no server. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.module_utils._model import DISABLE, ENABLE, STOP, select_jobs
from ansible_collections.backupops.veeam.plugins.plugin_utils._window_record import recorded_ids


# -- begin: the jobs it finds disabled

def held_running(jobs, earlier):
    """The jobs an unrestored earlier begin disabled whose sessions still run: a rerun (the recovery of a begin whose wait
    timed out) applies if_running to them as to the jobs it disables, so it is not green while they still write."""
    held_ids = recorded_ids(earlier)
    return [job for job in jobs if job.running and not job.enabled and job.id in held_ids]


def disabled_now(jobs, earlier):
    """(held, left): names of the jobs disabled now that an unrestored earlier begin recorded (this window holds them), and
    of those disabled before the window."""
    held_ids = recorded_ids(earlier)
    disabled = [job for job in jobs if not job.enabled]
    return [job.name for job in disabled if job.id in held_ids], [job.name for job in disabled if job.id not in held_ids]


# -- begin: what its quiesce did

# What a begin that failed before any change did.
NOTHING_DONE = dict(disabled=[], still_enabled=[], stopped=[], running_off=[], running_on=[])


def what_a_failed_disable_did(jobs, to_disable, if_running):
    """What a failed quiesce did, from the job runner's outcomes (JobOutcome) as it re-read the jobs: the names of the jobs it
    disabled (a disable sent without effect does not count), stopped, left enabled (a refused or unsent write changed
    nothing), and of the sessions still running with the schedule off (running_off) or on (running_on), unless they were
    meant to run on (if_running=leave)."""
    disabled, still_enabled = _split(to_disable, set(job.id for job in jobs if _shows(DISABLE, job)))
    running = [] if if_running == "leave" else [dict(id=job.id, name=job.name) for job in jobs if job.after.running]
    running_on, running_off = _split(running, set(job.id for job in jobs if job.after.enabled))
    return dict(disabled=disabled, still_enabled=still_enabled, stopped=[job.name for job in jobs if _shows(STOP, job)],
                running_off=running_off, running_on=running_on)


def what_a_quiesce_did(outcome):
    """The sessions a successful quiesce stopped, and its wait for sessions to end (seconds, jobs), from the runner's RunOutcome."""
    waited = outcome.waited
    return dict(stopped=[job.name for job in outcome.jobs if STOP in job.actions], waited=(waited["seconds"], waited["jobs"]) if waited else None)


def _split(entries, ids):
    """(names of the record entries whose id is in `ids`, names of the others)."""
    return [entry["name"] for entry in entries if entry["id"] in ids], [entry["name"] for entry in entries if entry["id"] not in ids]


def _shows(action, job):
    """Whether the runner sent a job `action` and the job, as re-read, shows its effect."""
    return action in job.actions and not (job.after.enabled if action == DISABLE else job.after.running)


# -- end: what it re-enables and starts

def split_recorded(record, jobs):
    """(to_enable, missing): the recorded jobs that still exist, and those deleted since the begin."""
    existing = set(job.id for job in jobs)
    recorded = record.get("jobs", [])
    return [e for e in recorded if e["id"] in existing], [e for e in recorded if e["id"] not in existing]


def reenabled(jobs):
    """The names of the jobs a declaration of `enabled` re-enabled, from its (possibly failed) outcomes as re-read."""
    return [job.name for job in jobs if ENABLE in job.actions and job.after.enabled]


def already_enabled(jobs):
    """How many of the jobs a declaration of `enabled` found enabled already."""
    return sum(1 for job in jobs if job.before.enabled)


def jobs_to_start(jobs, names, reenabled_ids=()):
    """(to_start, not_started): of the jobs named in start_after (every name must be a job of this server, or
    JobModuleError names the unknown ones), those enabled once the end has restored the record, and the disabled ones.
    `reenabled_ids`: the jobs the end re-enables (in check mode still disabled when read)."""
    named = select_jobs(jobs, names=names)
    reenabled = set(reenabled_ids)
    to_start = [job for job in named if job.enabled or job.id in reenabled]
    return to_start, [job.name for job in named if job not in to_start]
