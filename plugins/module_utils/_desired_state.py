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

STOP = "stop"
AWAIT_IDLE = "await_idle"
ENABLE = "enable"
DISABLE = "disable"
START = "start"

# Every plan is a subsequence of this order, so many jobs can be driven phase by phase
# (all stops, one shared wait for idleness, all flag changes, all starts).
PHASES = (STOP, AWAIT_IDLE, ENABLE, DISABLE, START)
WRITES = (STOP, ENABLE, DISABLE, START)

STATES = ("enabled", "disabled", "running", "stopped")
IF_RUNNING = ("leave", "stop", "wait")

JobState = collections.namedtuple("JobState", "enabled running")
Plan = collections.namedtuple("Plan", "steps after")


class PlanError(Exception):
    """The declaration cannot be reached without something the user has not allowed."""


def plan(current, state, if_running="leave", enable_if_disabled=False):
    """Steps that take a job from `current` (a JobState) to the declared `state`, and the state expected after them.

    Nothing is planned for what already holds, so a second run plans nothing.
    """
    if state == "enabled":
        return Plan(() if current.enabled else (ENABLE,), JobState(True, current.running))
    if state == "disabled":
        steps = ()
        running = current.running
        if current.running and if_running == "stop":
            steps, running = (STOP, AWAIT_IDLE), False
        elif current.running and if_running == "wait":
            steps, running = (AWAIT_IDLE,), False
        if current.enabled:
            steps += (DISABLE,)
        return Plan(steps, JobState(False, running))
    if state == "running":
        if current.running:
            return Plan((), current)
        if not current.enabled and not enable_if_disabled:
            raise PlanError("is disabled; a disabled job is not started unless enable_if_disabled is true")
        return Plan((() if current.enabled else (ENABLE,)) + (START,), JobState(True, True))
    if state == "stopped":
        return Plan((STOP, AWAIT_IDLE) if current.running else (), JobState(current.enabled, False))
    raise ValueError("unknown state %r; expected one of %s" % (state, ", ".join(STATES)))
