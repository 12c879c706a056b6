# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Job selection and declared state, the same for every job module (each module documents its own id format)."""

    SELECTION = r"""
options:
  name:
    description:
      - Name of the job, or a list of names. Names are compared exactly, including case.
      - A name that matches more than one job fails the task; select such jobs by O(id).
      - Mutually exclusive with O(id) and O(all_jobs).
    type: list
    elements: str
  all_jobs:
    description:
      - Select every job on the server.
      - Mutually exclusive with O(id) and O(name).
    type: bool
    default: false
"""

    STATE = r"""
options:
  state:
    description:
      - V(enabled) and V(disabled) set the job's schedule flag.
      - V(running) starts each selected job that is not running. A disabled job fails the task unless O(enable_if_disabled=true).
      - V(stopped) stops each selected job that is running and waits until its session has ended.
    type: str
    required: true
    choices: [enabled, disabled, running, stopped]
  if_running:
    description:
      - What V(disabled) does with a job whose session is running.
      - V(leave) disables the schedule and lets the session finish.
      - V(stop) disables the job, then stops the session and waits until it has ended.
      - V(wait) disables the job, then lets the session finish, waiting up to O(wait_timeout). When the wait times out the
        schedule stays disabled and the failure names the sessions still running.
      - Every selected job's schedule is disabled before any session is stopped or awaited, so no job starts on schedule
        meanwhile.
    type: str
    choices: [leave, stop, wait]
    default: leave
  enable_if_disabled:
    description:
      - With O(state=running), enable a disabled job before starting it instead of failing.
    type: bool
    default: false
  wait_for_completion:
    description:
      - With O(state=running), wait until the started runs have finished (up to O(wait_timeout)). A run that ends
        C(Failed) fails the task.
    type: bool
    default: false
  write_concurrency:
    description:
      - How many writes (enable, disable, start, stop) may be in flight at once on this server, from V(1) to V(8).
      - The default sends them one after the other. A higher value shortens bulk changes on a server with a slow
        round trip; each job still gets at most one write per decision, so the requests sent are the same.
      - After a write is refused, no further write starts; writes already in flight are completed and reported.
    type: int
    default: 1
"""
