#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_vbr_config_backup
short_description: Enable or disable the Veeam Backup & Replication configuration backup
version_added: 0.9.0
description:
  - Turns the scheduled configuration backup of a Veeam Backup & Replication server off (for example while the repository it
    writes to is in maintenance) and on again, through the REST API, on every revision in the field (VBR 12.0 to 13.1).
  - Reads the settings first (C(GET /api/v1/configBackup)) and acts only when C(isEnabled) differs, so a second run changes
    nothing and sends no write.
  - A change reads the whole model again just before and sends it back with only C(isEnabled) changed
    (C(PUT /api/v1/configBackup)), so the schedule, retention, encryption and notifications stay as the server has them.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
extends_documentation_fragment:
  - backupops.veeam.vbr
  - backupops.veeam.tls
  - backupops.veeam.wait
  - backupops.veeam.attributes.objects
  - backupops.veeam.attributes.vbr_group
options:
  state:
    description:
      - V(disabled) turns the configuration backup off; V(enabled) turns it on.
    type: str
    required: true
    choices: [enabled, disabled]
notes:
  - Reading and changing the settings needs the Backup Administrator role; a 403 fails the run naming the account and the role.
  - A write answered with a 5xx, a 409 or a dropped connection is never sent again; the settings are re-read until they show it,
    and the run fails saying so when they do not within O(wait_timeout).
seealso:
  - module: backupops.veeam.veeam_vbr_infrastructure_info
"""

EXAMPLES = r"""
- name: No configuration backup while its repository is in maintenance
  backupops.veeam.veeam_vbr_config_backup:
    server: vbr.example.com
    username: CORP\svc-veeam
    password: "{{ vbr_password }}"
    state: disabled

- name: And back on afterwards (credentials from VEEAM_VBR_* environment variables)
  backupops.veeam.veeam_vbr_config_backup:
    state: enabled
"""

RETURN = r"""
msg:
  description: What the run did, in one sentence.
  returned: always
  type: str
  sample: Sent disable to 1 of 1 configuration backup selected (declared enabled=false).
config_backup:
  description: The configuration backup (one entry).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Always C(config_backup).
      type: str
      sample: config_backup
    name:
      description: Always C(configuration backup).
      type: str
      sample: configuration backup
    repository_id:
      description: Id of the repository the configuration backup writes to (C(backupRepositoryId)).
      type: str
      sample: 88788f9e-d8f5-4eb4-bc4f-9b3f5403bcec
    restore_points_to_keep:
      description: How many restore points it keeps.
      type: int
      sample: 10
    before:
      description: C(enabled) as read before the run.
      type: dict
      sample: {enabled: true}
    after:
      description: C(enabled) as read after the run (with O(wait)), as planned in check mode.
      type: dict
      sample: {enabled: false}
    actions:
      description: Writes sent (check mode, the writes a real run would send).
      type: list
      elements: str
      sample: [disable]
api_version:
  description: The REST API revision the run spoke.
  returned: once the server accepted a login
  type: str
  sample: 1.3-rev2
diff:
  description: C(before) and C(after), keyed by C(configuration backup (config_backup)).
  returned: in diff mode
  type: dict
http:
  description: The failed request (method, URL, HTTP status, server message) when the module failed talking to the server.
  returned: on failure caused by the server
  type: dict
"""

from ansible_collections.backupops.veeam.plugins.module_utils._module import run_object_module
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._client import VBR


def main():
    run_object_module(VBR, "config_backup")


if __name__ == "__main__":
    main()
