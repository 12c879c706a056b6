#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_vbr_proxy
short_description: Enable or disable Veeam Backup & Replication backup proxies
version_added: 0.9.0
description:
  - Disables backup proxies before their maintenance (a patch reboot) and enables them again, through the Veeam Backup &
    Replication REST API 1.3-rev0 (VBR 13.0) and later.
  - Reads the proxies' states first (C(GET /api/v1/backupInfrastructure/proxies/states), C(isDisabled)) and acts only where a
    proxy differs, so a second run changes nothing and sends no write. Each change is one
    C(POST /api/v1/backupInfrastructure/proxies/{id}/enable) or C(/disable) (204, no session).
  - A disabled proxy is not used by any job; jobs that select proxies automatically use the others, jobs that name only this
    proxy fail until it is enabled again (vendor user guide, backup proxies). Never disable every proxy of a job.
  - Earlier revisions (VBR 12.0 to 12.3.1) can neither disable a proxy nor read whether it is disabled. On those the run fails
    before any write, naming the release that can and what to do instead (quiesce the jobs that use the proxy).
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
  name:
    description:
      - Names of the proxies (or their ids). An unknown one fails the run before any change, listing the server's proxies.
      - Mutually exclusive with O(id); one of the two is required.
    type: list
    elements: str
  id:
    description:
      - Ids of the proxies. Mutually exclusive with O(name).
    type: list
    elements: str
  state:
    description:
      - V(disabled) disables the proxies; V(enabled) enables them.
    type: str
    required: true
    choices: [enabled, disabled]
notes:
  - The writes need the Backup Administrator role; a 403 fails the run naming the account and the role.
  - A write answered with a 5xx, a 409 or a dropped connection is never sent again; the proxies are re-read until they show it,
    and the run fails saying so when they do not within O(wait_timeout).
seealso:
  - module: backupops.veeam.veeam_vbr_infrastructure_info
  - module: backupops.veeam.veeam_vbr_job
"""

EXAMPLES = r"""
- name: Take proxy02 out of service before its patch reboot
  backupops.veeam.veeam_vbr_proxy:
    server: vbr.example.com
    username: CORP\svc-veeam
    password: "{{ vbr_password }}"
    name: proxy02.corp.example.com
    state: disabled

- name: Back into service (credentials from VEEAM_VBR_* environment variables)
  backupops.veeam.veeam_vbr_proxy:
    name:
      - proxy02.corp.example.com
      - proxy03.corp.example.com
    state: enabled
"""

RETURN = r"""
msg:
  description: What the run did, in one sentence.
  returned: always
  type: str
  sample: Sent disable to 1 of 1 backup proxy selected (declared enabled=false).
proxies:
  description: One entry per selected proxy, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the proxy.
      type: str
      sample: 5b2f9a4e-3c1d-4e8f-9a0b-7c6d5e4f3a21
    name:
      description: Name of the proxy.
      type: str
      sample: proxy02.corp.example.com
    type:
      description: Type of the proxy (C(ViProxy), C(HvProxy), C(GeneralPurposeProxy), ...).
      type: str
      sample: ViProxy
    host_name:
      description: The server the proxy runs on.
      type: str
      sample: proxy02.corp.example.com
    online:
      description: Whether the server sees the proxy online.
      type: bool
      sample: true
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
  description: C(before) and C(after) of every selected proxy, keyed by C(name (id)).
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
    run_object_module(VBR, "proxies")


if __name__ == "__main__":
    main()
