# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Deadline-bounded polling. Private to the collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

FIRST_POLL_DELAY = 0.1


class WaitTimeout(Exception):
    """A wait ran past its deadline; the message names what was awaited and the last state seen."""

    def __init__(self, what, timeout, last_state):
        super(WaitTimeout, self).__init__(
            "Timed out after %s seconds waiting for %s; last state seen: %s." % (format_seconds(timeout), what, last_state))
        self.what = what
        self.timeout = timeout
        self.last_state = last_state


def wait_until(fetch, done, what, timeout, sleep, describe=str, clock=time.monotonic, pause=time.sleep, progress=None, progress_every=60):
    """Call `fetch()` until `done(state)` holds, then return that state.

    Polling starts at FIRST_POLL_DELAY and doubles up to `sleep`, so a quick
    operation is noticed quickly without hammering the server on a slow one.
    Raises WaitTimeout once `timeout` seconds have passed. `progress(elapsed, description)`, when given, hears about
    the wait every `progress_every` seconds, so a long wait is not minutes of silence.
    """
    start = clock()
    deadline = start + timeout
    next_progress = start + progress_every
    delay = min(FIRST_POLL_DELAY, sleep)
    while True:
        state = fetch()
        if done(state):
            return state
        now = clock()
        remaining = deadline - now
        if remaining <= 0:
            raise WaitTimeout(what, timeout, describe(state))
        pause_for = min(delay, remaining)
        if progress is not None:
            if now >= next_progress:
                progress(now - start, describe(state))
                next_progress = now + progress_every
            # A progress interval shorter than the poll interval is honoured: the next poll comes when it is due.
            pause_for = min(pause_for, max(next_progress - now, FIRST_POLL_DELAY))
        pause(pause_for)
        delay = min(delay * 2, sleep)


def format_seconds(value):
    """Seconds for a message: 600, 2.5 (not 600.0 or 2.4999)."""
    return "%g" % round(value, 1)
