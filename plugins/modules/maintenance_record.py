#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: maintenance_record
short_description: The maintenance_window role's record writer, run on the controller
version_added: 0.1.0
deprecated:
  removed_in: 1.0.0
  why: The maintenance_window role no longer uses it; its action writes the record itself.
  alternative: Use the P(backupops.veeam.maintenance_window#role) role (or the P(backupops.veeam.maintenance_window#module) action).
description:
  - Deprecated, unused since the P(backupops.veeam.maintenance_window#role) role writes its records from its own action.
  - Was internal to the role, which keeps one record per host of what its begin disabled; playbooks use the role, not this module.
  - Writes O(content) as JSON to O(path) on the Ansible controller.
  - Runs in the controller's process whatever host the task is for, so no module is sent anywhere. That keeps the role's
    write-ahead step cheap when one run covers many servers.
  - The file is replaced atomically (a run killed while writing leaves the previous record) and is readable by its owner only
    (mode C(0600)); a missing directory is created with mode C(0700).
author:
  - backupops.veeam contributors (@backupops)
options:
  path:
    description:
      - The record file on the controller.
    type: path
    required: true
  content:
    description:
      - The record. Written as indented JSON with sorted keys, the same text as the C(to_nice_json) filter gives.
    type: dict
    required: true
attributes:
  action:
    support: full
    description: Implemented as an action plugin that runs on the controller.
  check_mode:
    support: full
    description: Reports whether the file would change, without writing it.
  diff_mode:
    support: full
    description: Shows the record before and after.
  platform:
    support: full
    platforms: posix
    description: Writes on the controller (or in the execution environment).
seealso:
  - module: backupops.veeam.veeam_o365_job
  - module: backupops.veeam.veeam_agent_job
"""

EXAMPLES = r"""
- name: Record the jobs a maintenance window disables, before disabling them
  backupops.veeam.maintenance_record:
    path: "~/.ansible/backupops.veeam/maintenance-window/{{ inventory_hostname }}.json"
    content:
      format: 1
      state: active
      host: "{{ inventory_hostname }}"
      jobs:
        - id: 1a2b3c4d-0000-4000-8000-000000000001
          name: Exchange Online Daily
"""

RETURN = r"""
path:
  description: The record file written (or, in check mode, that would be written).
  returned: always
  type: str
  sample: /home/awx/.ansible/backupops.veeam/maintenance-window/vb365-01.json
"""
