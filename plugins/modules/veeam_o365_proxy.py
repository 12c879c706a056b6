#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_o365_proxy
short_description: Declare maintenance mode of Veeam Backup for Microsoft 365 backup proxies
version_added: 0.9.0
description:
  - Puts backup proxies of a Veeam Backup for Microsoft 365 server into maintenance mode before their maintenance (a patch
    reboot) and takes them out again, through the REST API of version 8 (C(api_version=v8)).
  - Reads the proxies first (C(GET /v8/Proxies), C(maintenanceModeState)) and acts only where a proxy differs, so a second run
    changes nothing and sends no write. Each change is one C(POST /v8/Proxies/{id}/maintenance/enable) or C(/disable) (204).
  - After an enable the proxy is C(Enabling) until the server has moved its work elsewhere; with O(wait) the module waits until it
    is C(Enabled) (or fails at O(wait_timeout) naming the state last seen). A proxy found C(Enabling) is awaited before it is judged.
  - The request carries the proxy's own credentials, which the server uses to reach it - a Windows account for a Windows proxy,
    SSH settings for a Linux one (chosen by the proxy's C(operatingSystem)). They are only needed when a change is sent.
  - Versions 6 and 7 have no proxy maintenance mode; with O(api_version) V(v6) or V(v7) the module fails before any request.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
extends_documentation_fragment:
  - backupops.veeam.vb365
  - backupops.veeam.tls
  - backupops.veeam.wait
  - backupops.veeam.attributes.objects
  - backupops.veeam.attributes.vb365_group
options:
  name:
    description:
      - Host names of the proxies (C(hostName)), or their ids. An unknown one fails the run before any change, listing the
        server's proxies. Mutually exclusive with O(id); one of the two is required.
    type: list
    elements: str
  id:
    description:
      - Ids of the proxies. Mutually exclusive with O(name).
    type: list
    elements: str
  maintenance:
    description:
      - V(true) puts the proxies into maintenance mode, V(false) takes them out.
    type: bool
    required: true
  proxy_username:
    description:
      - The account the server uses on the proxy - a Windows account (C(username)) for a Windows proxy, the SSH account
        (C(sshSettings.account)) for a Linux proxy.
      - If not set, the value of the E(VEEAM_VB365_PROXY_USERNAME) environment variable is used (the AWX credential type's
        proxy field).
    type: str
  proxy_password:
    description:
      - Its password (C(password), or C(sshSettings.accountPassword)). Never logged or returned.
      - If not set, the value of the E(VEEAM_VB365_PROXY_PASSWORD) environment variable is used.
    type: str
  proxy_ssh_port:
    description:
      - SSH port of a Linux proxy (C(sshSettings.port)).
    type: int
    default: 22
  proxy_ssh_private_key:
    description:
      - The content of a private key file for a Linux proxy; the module sends it Base64-encoded (C(sshSettings.privateKeyBase64)).
        Never logged or returned.
      - If not set, the value of the E(VEEAM_VB365_PROXY_SSH_PRIVATE_KEY) environment variable is used.
    type: str
  proxy_ssh_private_key_passphrase:
    description:
      - The passphrase of O(proxy_ssh_private_key). Never logged or returned.
      - If not set, the value of the E(VEEAM_VB365_PROXY_SSH_PRIVATE_KEY_PASSPHRASE) environment variable is used.
    type: str
  proxy_ssh_elevate_to_root:
    description:
      - Elevate the SSH account's privileges where they do not suffice (C(sshSettings.elevateAccountToRoot)).
    type: bool
    default: false
notes:
  - A proxy the server cannot reach (C(Offline)) or credentials it cannot use are refused by the server; the run fails naming
    the proxy and nothing further is sent.
  - A write answered with a 5xx, a 409 or a dropped connection is never sent again; the proxies are re-read until they show it,
    and the run fails saying so when they do not within O(wait_timeout).
seealso:
  - module: backupops.veeam.veeam_o365_infrastructure_info
  - module: backupops.veeam.veeam_o365_job
"""

EXAMPLES = r"""
- name: Drain a Windows proxy before its patch reboot
  backupops.veeam.veeam_o365_proxy:
    server: vb365.example.com
    username: CORP\svc-vb365
    password: "{{ vb365_password }}"
    name: vb365proxy01.corp.example.com
    maintenance: true
    proxy_username: CORP\svc-vb365proxy
    proxy_password: "{{ vb365_proxy_password }}"
    wait_timeout: 1800

- name: Back into service (a Linux proxy with an SSH key; connection and proxy credentials from the AWX credential)
  backupops.veeam.veeam_o365_proxy:
    name: vb365lnx01.corp.example.com
    maintenance: false
    proxy_ssh_private_key: "{{ lookup('ansible.builtin.file', '/runner/env/vb365_proxy_key') }}"
"""

RETURN = r"""
msg:
  description: What the run did, in one sentence.
  returned: always
  type: str
  sample: Sent enable_maintenance to 1 of 1 backup proxy selected (declared maintenance=true).
proxies:
  description: One entry per selected proxy, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the proxy.
      type: str
      sample: 0c8a5e43-1b2f-4d6e-8a9c-3e5f7a9b1d20
    name:
      description: Host name of the proxy.
      type: str
      sample: vb365proxy01.corp.example.com
    operating_system:
      description: C(Windows) or C(Linux); it decides which credentials are sent.
      type: str
      sample: Windows
    status:
      description: C(Online) or C(Offline).
      type: str
      sample: Online
    proxy_pool_id:
      description: Id of its proxy pool, or null.
      type: str
      sample: null
    maintenance_state:
      description: C(maintenanceModeState) as read before the run (C(Disabled), C(Enabling), C(Enabled)).
      type: str
      sample: Disabled
    before:
      description: C(maintenance) as read before the run (null while C(Enabling)).
      type: dict
      sample: {maintenance: false}
    after:
      description: C(maintenance) as read after the run (with O(wait)), as planned in check mode.
      type: dict
      sample: {maintenance: true}
    actions:
      description: Writes sent (check mode, the writes a real run would send).
      type: list
      elements: str
      sample: [enable_maintenance]
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
from ansible_collections.backupops.veeam.plugins.module_utils.vb365._client import VB365


def main():
    run_object_module(VB365, "proxies")


if __name__ == "__main__":
    main()
