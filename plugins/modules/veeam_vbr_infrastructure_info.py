#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_vbr_infrastructure_info
short_description: Read the backup infrastructure of Veeam Backup & Replication and the jobs that use it
version_added: 0.9.0
description:
  - Lists the repositories, the scale-out repositories with their performance extents and their statuses, the backup proxies
    and the configuration backup of a Veeam Backup & Replication server, on every revision in the field (VBR 12.0 to 13.1).
  - Each repository and scale-out repository names the jobs that use it and how (C(role)), from the job states
    (C(repositoryId)) and the job models (a backup copy's target and source repositories, a replica's metadata and source
    repositories, a file backup's archive repository).
  - What the revision spoken cannot show is named in RV(not_shown) (whether a proxy is disabled, before 13.0), never left out silently.
  - Never changes anything. Reads with one request per collection (1,000 items a page).
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
extends_documentation_fragment:
  - backupops.veeam.vbr
  - backupops.veeam.tls
  - backupops.veeam.attributes.info
  - backupops.veeam.attributes.vbr_group
notes:
  - Reading the configuration backup needs the Backup Administrator role; for another account RV(config_backup) is null and
    RV(not_shown) says why.
  - Jobs the revision spoken cannot list (see the O(api_version) option) are not named under any repository.
seealso:
  - module: backupops.veeam.veeam_vbr_extent
  - module: backupops.veeam.veeam_vbr_proxy
  - module: backupops.veeam.veeam_vbr_config_backup
  - module: backupops.veeam.veeam_vbr_job_info
"""

EXAMPLES = r"""
- name: Which jobs write to the scale-out repository before its extent goes into maintenance
  backupops.veeam.veeam_vbr_infrastructure_info:
    server: vbr.example.com
    username: CORP\svc-veeam
    password: "{{ vbr_password }}"
  register: infrastructure

- name: Show them
  ansible.builtin.debug:
    msg: "{{ infrastructure.scale_out_repositories | selectattr('name', 'equalto', 'SOBR Production') | map(attribute='jobs') | first }}"
"""

RETURN = r"""
repositories:
  description: Every repository, performance extents included.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the repository.
      type: str
    name:
      description: Name of the repository.
      type: str
    type:
      description: Type of the repository (C(WinLocal), C(LinuxLocal), C(Smb), ...).
      type: str
    description:
      description: Its description.
      type: str
    scale_out_repository:
      description: Id and name of the scale-out repository it is a performance extent of, or null.
      type: dict
    jobs:
      description:
        - The jobs that use it, each with C(id), C(name), C(type) and C(role) (C(target), C(source), C(archive), C(secondary),
          C(metadata) or C(seed)). A job appears once per role.
      type: list
      elements: dict
  sample: [{id: 88788f9e-d8f5-4eb4-bc4f-9b3f5403bcec, name: Default Backup Repository, type: WinLocal, description: Created by Veeam,
            scale_out_repository: null, jobs: [{id: 3396ba22-21b1-4666-a631-0edfc12a59cd, name: Backup Job 1, type: VSphereBackup, role: target}]}]
scale_out_repositories:
  description: Every scale-out repository.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the scale-out repository.
      type: str
    name:
      description: Its name.
      type: str
    description:
      description: Its description.
      type: str
    extents:
      description:
        - Its performance extents, each with C(id), C(name), C(status) (a list on every revision; one item up to 1.2-rev1),
          C(maintenance), C(sealed) (null while C(pending)) and C(pending).
      type: list
      elements: dict
    jobs:
      description: The jobs that target it (as for RV(repositories)).
      type: list
      elements: dict
  sample: [{id: 3c9e1a52-6f1d-4b8e-9d77-2a4b5c6d7e80, name: SOBR Production, description: "", jobs: [],
            extents: [{id: 7e0a4f3c-9b4e-4a55-8a21-0c5d2b1f6e93, name: Array02 Extent, status: [Normal], maintenance: false, sealed: false, pending: false}]}]
proxies:
  description: Every backup proxy.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the proxy.
      type: str
    name:
      description: Its name.
      type: str
    type:
      description: C(ViProxy), C(HvProxy), C(GeneralPurposeProxy), ...
      type: str
    description:
      description: Its description.
      type: str
    host_name:
      description: The server it runs on (1.3-rev0 and later; null before).
      type: str
    disabled:
      description: Whether it is disabled (1.3-rev0 and later); null where the revision cannot tell.
      type: bool
  sample: [{id: 5b2f9a4e-3c1d-4e8f-9a0b-7c6d5e4f3a21, name: proxy02.corp.example.com, type: ViProxy, description: "",
            host_name: proxy02.corp.example.com, disabled: false}]
config_backup:
  description: The configuration backup (C(enabled), C(repository_id), C(restore_points_to_keep), C(last_successful_backup)), or null.
  returned: always
  type: dict
  sample: {enabled: true, repository_id: 88788f9e-d8f5-4eb4-bc4f-9b3f5403bcec, restore_points_to_keep: 10,
           last_successful_backup: "2026-12-07T10:00:00Z"}
not_shown:
  description: What the server or the revision spoken could not show, one sentence each.
  returned: always
  type: list
  elements: str
  sample: ["proxies: disabled is null: REST API 1.2-rev1 (Veeam Backup & Replication 12.3.1) cannot say whether a proxy is disabled ..."]
server:
  description: The server's base URL.
  returned: always
  type: str
  sample: https://vbr.example.com:9419/
api_version:
  description: The REST API revision the run spoke.
  returned: once the server accepted a login
  type: str
  sample: 1.3-rev2
http:
  description: The failed request (method, URL, HTTP status, server message) when the module failed talking to the server.
  returned: on failure caused by the server
  type: dict
"""

from ansible_collections.backupops.veeam.plugins.module_utils._module import run_infrastructure_info_module
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._client import VBR


def main():
    run_infrastructure_info_module(VBR)


if __name__ == "__main__":
    main()
