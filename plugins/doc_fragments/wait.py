# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Options that bound how long a module waits for the server."""

    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Return only once the server shows the declared state (re-read after acting), waiting on the tasks and sessions the module started.
      - With V(false) the module returns right after the server accepted each request.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait, over the whole run, before failing with a message naming what was awaited and the last state seen.
    type: int
    default: 600
  wait_sleep:
    description:
      - Longest pause in seconds between two polls. Polling starts at 0.1 seconds and doubles up to this value,
        so short operations return quickly.
    type: float
    default: 3
"""
