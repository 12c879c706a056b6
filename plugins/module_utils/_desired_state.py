# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The desired-state planner shared by every job module: (current state, declaration) -> steps.

Pure: it never talks to a server. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.backupops.veeam.plugins.module_utils._model import AWAIT_IDLE, DISABLE, ENABLE, START, STOP

# Every plan is a subsequence of this order, so many jobs can be driven phase by phase (all flag changes, all stops, one
# shared wait for idleness, all starts). Schedules are switched off before any wait: a job whose session has not ended
# yet must not hold the others' schedules on, and a wait that times out leaves every schedule off.
PHASES = (ENABLE, DISABLE, STOP, AWAIT_IDLE, START)
WRITES = (STOP, ENABLE, DISABLE, START)

STATES = ("enabled", "disabled", "running", "stopped")
IF_RUNNING = ("leave", "stop", "wait")

JobState = collections.namedtuple("JobState", "enabled running")
Plan = collections.namedtuple("Plan", "steps after")


class PlanError(Exception):
    """The declaration cannot be reached without something the user has not allowed."""


def state_of(job):
    return JobState(job.enabled, job.running)


def plan(current, state, if_running="leave", enable_if_disabled=False):
    """Steps that take a job from `current` (a JobState) to the declared `state`, and the state expected after them.

    Nothing is planned for what already holds, so a second run plans nothing.
    """
    if state not in _PLANNERS:
        raise ValueError("unknown state %r; expected one of %s" % (state, ", ".join(STATES)))
    return _PLANNERS[state](current, if_running, enable_if_disabled)


def _plan_enabled(current, _if_running, _enable_if_disabled):
    return Plan(() if current.enabled else (ENABLE,), JobState(True, current.running))


def _plan_disabled(current, if_running, _enable_if_disabled):
    quiet = {"stop": (STOP, AWAIT_IDLE), "wait": (AWAIT_IDLE,)}.get(if_running, ()) if current.running else ()
    running = current.running and not quiet
    return Plan(((DISABLE,) if current.enabled else ()) + quiet, JobState(False, running))


def _plan_running(current, _if_running, enable_if_disabled):
    if current.running:
        return Plan((), current)
    if not current.enabled and not enable_if_disabled:
        raise PlanError("is disabled; a disabled job is not started unless enable_if_disabled is true")
    return Plan((() if current.enabled else (ENABLE,)) + (START,), JobState(True, True))


def _plan_stopped(current, _if_running, _enable_if_disabled):
    return Plan((STOP, AWAIT_IDLE) if current.running else (), JobState(current.enabled, False))


_PLANNERS = dict(enabled=_plan_enabled, disabled=_plan_disabled, running=_plan_running, stopped=_plan_stopped)
