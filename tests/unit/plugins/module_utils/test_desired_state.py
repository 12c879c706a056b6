# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The planner's truth table: current x declaration x policy -> steps and expected state."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import (
    AWAIT_IDLE, DISABLE, ENABLE, IF_RUNNING, PHASES, START, STATES, STOP, JobState, PlanError, plan,
)

IDLE_ON, IDLE_OFF, BUSY_ON, BUSY_OFF = JobState(True, False), JobState(False, False), JobState(True, True), JobState(False, True)

TRUTH_TABLE = [
    # current, state, if_running, enable_if_disabled -> steps, after
    (IDLE_ON, "enabled", "leave", False, (), IDLE_ON),
    (IDLE_OFF, "enabled", "leave", False, (ENABLE,), IDLE_ON),
    (BUSY_OFF, "enabled", "stop", False, (ENABLE,), BUSY_ON),
    (IDLE_ON, "disabled", "leave", False, (DISABLE,), IDLE_OFF),
    (IDLE_OFF, "disabled", "stop", False, (), IDLE_OFF),
    (BUSY_ON, "disabled", "leave", False, (DISABLE,), BUSY_OFF),
    (BUSY_ON, "disabled", "stop", False, (DISABLE, STOP, AWAIT_IDLE), IDLE_OFF),
    (BUSY_ON, "disabled", "wait", False, (DISABLE, AWAIT_IDLE), IDLE_OFF),
    (BUSY_OFF, "disabled", "leave", False, (), BUSY_OFF),
    (BUSY_OFF, "disabled", "stop", False, (STOP, AWAIT_IDLE), IDLE_OFF),
    (BUSY_OFF, "disabled", "wait", False, (AWAIT_IDLE,), IDLE_OFF),
    (IDLE_ON, "running", "leave", False, (START,), BUSY_ON),
    (BUSY_ON, "running", "leave", False, (), BUSY_ON),
    (BUSY_OFF, "running", "leave", False, (), BUSY_OFF),
    (IDLE_OFF, "running", "leave", True, (ENABLE, START), BUSY_ON),
    (IDLE_ON, "stopped", "leave", False, (), IDLE_ON),
    (IDLE_OFF, "stopped", "leave", False, (), IDLE_OFF),
    (BUSY_ON, "stopped", "leave", False, (STOP, AWAIT_IDLE), IDLE_ON),
    (BUSY_OFF, "stopped", "wait", False, (STOP, AWAIT_IDLE), IDLE_OFF),
]


@pytest.mark.parametrize("current, state, if_running, enable_if_disabled, steps, after", TRUTH_TABLE)
def test_truth_table(current, state, if_running, enable_if_disabled, steps, after):
    planned = plan(current, state, if_running, enable_if_disabled)
    assert planned.steps == steps
    assert planned.after == after


def test_a_disabled_job_is_not_started_silently():
    with pytest.raises(PlanError) as caught:
        plan(IDLE_OFF, "running")
    assert "enable_if_disabled" in str(caught.value)


def test_unknown_state_is_rejected():
    with pytest.raises(ValueError):
        plan(IDLE_ON, "paused")


ALL_CASES = list(itertools.product([IDLE_ON, IDLE_OFF, BUSY_ON, BUSY_OFF], STATES, IF_RUNNING, [False, True]))


def _planned(current, state, if_running, enable_if_disabled):
    try:
        return plan(current, state, if_running, enable_if_disabled)
    except PlanError:
        return None


@pytest.mark.parametrize("current, state, if_running, enable_if_disabled", ALL_CASES)
def test_every_plan_follows_the_phase_order_and_is_idempotent(current, state, if_running, enable_if_disabled):
    planned = _planned(current, state, if_running, enable_if_disabled)
    if planned is None:
        assert state == "running" and not current.enabled and not current.running and not enable_if_disabled
        return
    positions = [PHASES.index(step) for step in planned.steps]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    # Applying the plan must reach a state for which the same declaration plans nothing.
    assert _planned(planned.after, state, if_running, True).steps == ()


@pytest.mark.parametrize("current, state, if_running, enable_if_disabled", ALL_CASES)
def test_flag_steps_are_sent_only_when_the_flag_differs(current, state, if_running, enable_if_disabled):
    planned = _planned(current, state, if_running, enable_if_disabled)
    if planned is None:
        return
    assert (ENABLE in planned.steps) == (not current.enabled and planned.after.enabled)
    assert (DISABLE in planned.steps) == (current.enabled and not planned.after.enabled)
    assert (STOP in planned.steps) <= current.running
    assert (START in planned.steps) <= (not current.running)
