#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_o365_infrastructure_info
short_description: Read the backup infrastructure of Veeam Backup for Microsoft 365 and the jobs on each repository
version_added: 0.9.0
description:
  - Lists the backup proxies (with their maintenance state and proxy pool in version 8), the proxy pools (version 8) and the
    backup repositories of a Veeam Backup for Microsoft 365 server, each repository with the proxy or pool that serves it and
    the jobs that use it.
  - A repository's jobs are its backup jobs (C(repositoryId), role C(target)), the backup copy jobs that write to it (role
    C(target)) and the backup copy jobs whose backup job writes to it (role C(source)).
  - Reads versions 6 to 8 (O(api_version)); what the version spoken cannot show is named in RV(not_shown).
  - Never changes anything.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
extends_documentation_fragment:
  - backupops.veeam.vb365
  - backupops.veeam.tls
  - backupops.veeam.attributes.info
  - backupops.veeam.attributes.vb365_group
seealso:
  - module: backupops.veeam.veeam_o365_proxy
  - module: backupops.veeam.veeam_o365_job_info
"""

EXAMPLES = r"""
- name: Which repositories and jobs does a proxy serve
  backupops.veeam.veeam_o365_infrastructure_info:
    server: vb365.example.com
    username: CORP\svc-vb365
    password: "{{ vb365_password }}"
  register: vb365_infrastructure

- name: Show the jobs on the repositories of vb365proxy01
  vars:
    proxy_id: "{{ (vb365_infrastructure.proxies | selectattr('host_name', 'equalto', 'vb365proxy01.corp.example.com') | first).id }}"
  ansible.builtin.debug:
    msg: "{{ vb365_infrastructure.repositories | selectattr('proxy_id', 'equalto', proxy_id) | map(attribute='jobs') | flatten }}"
"""

RETURN = r"""
proxies:
  description: Every backup proxy.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the proxy.
      type: str
    host_name:
      description: Its host name.
      type: str
    status:
      description: C(Online) or C(Offline).
      type: str
    type:
      description: C(Local), C(Domain) or C(Workgroup).
      type: str
    operating_system:
      description: C(Windows) or C(Linux) (version 8; null before).
      type: str
    proxy_pool_id:
      description: Id of its proxy pool (version 8), or null.
      type: str
    maintenance_state:
      description: C(Disabled), C(Enabling) or C(Enabled) (version 8; null before).
      type: str
  sample: [{id: 0c8a5e43-1b2f-4d6e-8a9c-3e5f7a9b1d20, host_name: vb365proxy01.corp.example.com, status: Online, type: Domain,
            operating_system: Windows, proxy_pool_id: null, maintenance_state: Disabled}]
proxy_pools:
  description: Every proxy pool (C(id), C(name), C(description)); empty before version 8.
  returned: always
  type: list
  elements: dict
  sample: [{id: 6f1c2d3e-4a5b-4c7d-8e9f-0a1b2c3d4e5f, name: Linux Proxy Pool, description: ""}]
repositories:
  description: Every backup repository.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the repository.
      type: str
    name:
      description: Its name.
      type: str
    proxy_id:
      description: The proxy that serves it, or null when a pool does.
      type: str
    proxy_pool_id:
      description: The proxy pool that serves it (version 8), or null.
      type: str
    is_long_term:
      description: Whether it is a long-term (archive) repository.
      type: bool
    jobs:
      description: The jobs that use it, each with C(id), C(name), C(kind) (C(backup) or C(copy)) and C(role) (C(target) or C(source)).
      type: list
      elements: dict
  sample: [{id: 8d7e6f5a-4b3c-4d2e-9f1a-0b9c8d7e6f5a, name: Object Storage Repository, proxy_id: 0c8a5e43-1b2f-4d6e-8a9c-3e5f7a9b1d20,
            proxy_pool_id: null, is_long_term: false,
            jobs: [{id: 2b9e1f3c-5d7a-4e6b-8c9d-1a2b3c4d5e6f, name: Exchange Online Daily, kind: backup, role: target}]}]
not_shown:
  description: What the version spoken cannot show, one sentence each.
  returned: always
  type: list
  elements: str
  sample: ["api_version v7: proxies show no maintenance state or operating system and there are no proxy pools (both arrive with v8)"]
server:
  description: The server's base URL.
  returned: always
  type: str
  sample: https://vb365.example.com:4443/
http:
  description: The failed request (method, URL, HTTP status, server message) when the module failed talking to the server.
  returned: on failure caused by the server
  type: dict
"""

from ansible_collections.backupops.veeam.plugins.module_utils._module import run_infrastructure_info_module
from ansible_collections.backupops.veeam.plugins.module_utils.vb365._client import VB365


def main():
    run_infrastructure_info_module(VB365)


if __name__ == "__main__":
    main()
