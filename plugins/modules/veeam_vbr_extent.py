#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_vbr_extent
short_description: Declare maintenance and sealed mode of Veeam Backup & Replication scale-out extents
version_added: 0.9.0
description:
  - Puts performance extents of a scale-out backup repository into maintenance mode or sealed mode, or takes them out,
    through the Veeam Backup & Replication REST API, on every revision in the field (1.1-rev0, VBR 12.0, to 1.3-rev2, 13.1).
  - Reads the scale-out repository first and acts only where an extent differs from the declaration, so a second run changes
    nothing and sends no write. O(maintenance) and O(sealed) are declared independently; an extent can be in both.
  - All extents that need the same change get one request
    (C(POST /api/v1/backupInfrastructure/scaleOutRepositories/{id}/enableMaintenanceMode), C(disableMaintenanceMode),
    C(enableSealedMode) or C(disableSealedMode) with the extents' ids in C(repositoryIds)). Each answers with a C(RepositoryMaintenance)
    session, which the module waits on until it is C(Stopped); a C(Failed) result fails the run with the session's message.
  - An extent the server shows as C(Pending) (a mode change waits for a task that uses the extent) is awaited before it is
    judged.
  - Vendor guidance (user guide, scale-out backup repository maintenance mode) says that an extent holding part of an active
    backup chain makes the jobs targeting the scale-out repository fail while it is in maintenance. When such jobs are
    enabled, the module warns naming them; quiesce them first (M(backupops.veeam.veeam_vbr_job) with O(backupops.veeam.veeam_vbr_job#module:state=disabled),
    or the maintenance window). Sealed mode is the non-failing way to drain an extent.
  - Only performance extents have these modes in the REST API; capacity and archive extents and standard repositories have none.
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
  scale_out_repository:
    description:
      - Name or id of the scale-out backup repository. An unknown one fails the run listing the server's scale-out repositories.
    type: str
    required: true
  extents:
    description:
      - Names or ids of its performance extents. An unknown one fails the run before any change, listing the extents of the
        scale-out repository.
    type: list
    elements: str
    required: true
  maintenance:
    description:
      - V(true) puts the extents into maintenance mode, V(false) takes them out. Unset leaves maintenance mode as it is.
    type: bool
  sealed:
    description:
      - V(true) seals the extents (no new restore points; the next run of each job writes an active full to another extent),
        V(false) unseals them. Unset leaves sealed mode as it is.
    type: bool
notes:
  - At least one of O(maintenance) and O(sealed) must be set.
  - The extent status is one value up to REST API 1.2-rev1 (12.3.1) and a list from 1.3-rev0 (13.0). The single value cannot
    say that an extent is in maintenance and sealed at once; on those releases the module reads the one the server names.
  - A write answered with a 5xx, a 409 or a dropped connection is never sent again; the extents are re-read until they show it,
    and the run fails saying so when they do not within O(wait_timeout).
  - The writes need the Backup Administrator role; a 403 fails the run naming the account and the role.
seealso:
  - module: backupops.veeam.veeam_vbr_infrastructure_info
  - module: backupops.veeam.veeam_vbr_job
"""

EXAMPLES = r"""
- name: Storage array 2 gets new firmware - put its extent into maintenance
  backupops.veeam.veeam_vbr_extent:
    server: vbr.example.com
    username: CORP\svc-veeam
    password: "{{ vbr_password }}"
    scale_out_repository: SOBR Production
    extents:
      - Array02 Extent
    maintenance: true
    wait_timeout: 3600

- name: Seal two extents before they are retired (credentials from VEEAM_VBR_* environment variables)
  backupops.veeam.veeam_vbr_extent:
    scale_out_repository: SOBR Production
    extents: [Array01 Extent, Array02 Extent]
    sealed: true

- name: Back to normal after the maintenance
  backupops.veeam.veeam_vbr_extent:
    scale_out_repository: SOBR Production
    extents: [Array02 Extent]
    maintenance: false
    sealed: false
"""

RETURN = r"""
msg:
  description: What the run did, in one sentence.
  returned: always
  type: str
  sample: Sent enable_maintenance to 1 of 1 scale-out extent selected (declared maintenance=true).
extents:
  description: One entry per selected extent, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the extent (a repository id).
      type: str
      sample: 7e0a4f3c-9b4e-4a55-8a21-0c5d2b1f6e93
    name:
      description: Name of the extent.
      type: str
      sample: Array02 Extent
    status:
      description: The extent's statuses as read before the run (C(ERepositoryExtentStatusType); one item up to 1.2-rev1).
      type: list
      elements: str
      sample: [Normal]
    scale_out_repository:
      description: Id and name of the scale-out repository.
      type: dict
      sample: {id: 3c9e1a52-6f1d-4b8e-9d77-2a4b5c6d7e80, name: SOBR Production}
    before:
      description: The declared fields as read before the run.
      type: dict
      sample: {maintenance: false}
    after:
      description: The declared fields as read after the run (with O(wait)), as planned in check mode, else as last read.
      type: dict
      sample: {maintenance: true}
    actions:
      description: Writes sent (check mode, the writes a real run would send).
      type: list
      elements: str
      sample: [enable_maintenance]
    sessions:
      description: The C(RepositoryMaintenance) sessions of the writes (id, state, result once awaited, scale-out repository name).
      type: list
      elements: dict
      returned: when a write was sent
      sample: [{id: 5a8c1d3e-77a0-4a43-9c58-2b1a0e6f4c11, state: Stopped, result: Success, sobr: SOBR Production}]
api_version:
  description: The REST API revision the run spoke.
  returned: once the server accepted a login
  type: str
  sample: 1.3-rev2
diff:
  description: C(before) and C(after) of every selected extent, keyed by C(name (id)).
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
    run_object_module(VBR, "extents")


if __name__ == "__main__":
    main()
