# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Attributes of the modules (check mode, diff mode, action groups)."""

    ACTIONS = r"""
attributes:
  check_mode:
    support: full
    description: Reads the server, computes the plan and reports C(changed) as a real run would, without sending any change and without waiting.
  diff_mode:
    support: full
    description: Shows C(before) and C(after) of every selected job.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller (or the execution environment); the Veeam server only needs its REST API reachable.
"""

    OBJECTS = r"""
attributes:
  check_mode:
    support: full
    description: Reads the server, computes the changes and reports C(changed) as a real run would, without sending any change and without waiting.
  diff_mode:
    support: full
    description: Shows the declared fields of every selected object before and after.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller (or the execution environment); the Veeam server only needs its REST API reachable.
"""

    INFO = r"""
attributes:
  check_mode:
    support: full
    description: Can run in check mode; the module only reads, so it returns the same in both.
    details: This module never changes anything.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller (or the execution environment); the Veeam server only needs its REST API reachable.
"""

    VB365_GROUP = r"""
attributes:
  action_group:
    support: full
    membership: [backupops.veeam.vb365, backupops.veeam.all]
    description: Use C(group/backupops.veeam.vb365) in C(module_defaults) to set the connection options once.
"""

    EM_GROUP = r"""
attributes:
  action_group:
    support: full
    membership: [backupops.veeam.em, backupops.veeam.all]
    description: Use C(group/backupops.veeam.em) in C(module_defaults) to set the connection options once.
"""

    VBR_GROUP = r"""
attributes:
  action_group:
    support: full
    membership: [backupops.veeam.vbr, backupops.veeam.all]
    description: Use C(group/backupops.veeam.vbr) in C(module_defaults) to set the connection options once.
"""
