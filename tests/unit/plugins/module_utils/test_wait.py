# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The waiter, on a fake clock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout, wait_until


class FakeClock(object):
    def __init__(self):
        self.now = 100.0
        self.pauses = []

    def clock(self):
        return self.now

    def pause(self, seconds):
        self.pauses.append(round(seconds, 3))
        self.now += seconds


def test_returns_the_first_state_that_satisfies_the_predicate():
    clock = FakeClock()
    states = iter(["Running", "Running", "Finished"])
    result = wait_until(lambda: next(states), lambda s: s == "Finished", "task-1", 10, 3, clock=clock.clock, pause=clock.pause)
    assert result == "Finished"
    assert clock.pauses == [0.1, 0.2]


def test_polling_starts_fast_and_backs_off_to_wait_sleep():
    clock = FakeClock()
    with pytest.raises(WaitTimeout):
        wait_until(lambda: "Running", lambda s: False, "x", 10, 1, clock=clock.clock, pause=clock.pause)
    assert clock.pauses[:6] == [0.1, 0.2, 0.4, 0.8, 1, 1]


def test_deadline_fails_naming_what_and_the_last_state():
    clock = FakeClock()
    with pytest.raises(WaitTimeout) as caught:
        wait_until(lambda: {"State": "Running"}, lambda s: False, "task task-7 of job 'Fileserver Backup'", 5, 2,
                   describe=lambda s: s["State"], clock=clock.clock, pause=clock.pause)
    assert str(caught.value) == "Timed out after 5 seconds waiting for task task-7 of job 'Fileserver Backup'; last state seen: Running."
    assert clock.now == pytest.approx(105.0)
    assert caught.value.last_state == "Running"


def test_never_sleeps_past_the_deadline():
    clock = FakeClock()
    with pytest.raises(WaitTimeout):
        wait_until(lambda: 0, lambda s: False, "x", 0.25, 3, clock=clock.clock, pause=clock.pause)
    assert sum(clock.pauses) == pytest.approx(0.25)


def test_a_state_already_reached_needs_no_pause():
    clock = FakeClock()
    assert wait_until(lambda: 1, lambda s: s == 1, "x", 5, 1, clock=clock.clock, pause=clock.pause) == 1
    assert not clock.pauses


def test_a_progress_interval_shorter_than_the_poll_interval_is_honoured():
    clock = FakeClock()
    heard = []
    with pytest.raises(WaitTimeout):
        wait_until(lambda: "Running", lambda s: False, "x", 4, 3, clock=clock.clock, pause=clock.pause,
                   progress=lambda elapsed, seen: heard.append(round(elapsed, 1)), progress_every=1)
    assert heard == [1.0, 2.0, 3.0], "every second although a poll may be 3 seconds apart"
    assert max(clock.pauses) <= 1
