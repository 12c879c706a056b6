# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection and authentication options of Veeam Backup & Replication (REST API, port 9419)."""

    DOCUMENTATION = r"""
options:
  server:
    description:
      - Host name or IP address of the Veeam Backup & Replication server, optionally as a URL
        (V(https://vbr.example.com) or V(https://vbr.example.com:9419)); a URL must not carry a path.
      - If not set, the value of the E(VEEAM_VBR_SERVER) environment variable is used. One of the two is required; the
        module fails naming both (and the role's inventory variable) when neither is set or the value is blank.
    type: str
  port:
    description:
      - TCP port of the REST API. Ignored when O(server) is a URL with a port.
    type: int
    default: 9419
  username:
    description:
      - User name of an account allowed to use the REST API, for example V(CORP\\backup-operator).
      - If not set, the value of the E(VEEAM_VBR_USERNAME) environment variable is used. One of the two is required; the
        module fails naming both (and the role's inventory variable) when neither is set or the value is blank.
    type: str
  password:
    description:
      - Password of O(username). Never logged or returned.
      - If not set, the value of the E(VEEAM_VBR_PASSWORD) environment variable is used. One of the two is required; the
        module fails naming both (and the role's inventory variable) when neither is set or the value is blank.
    type: str
  api_version:
    description:
      - The C(x-api-version) header every request carries, C(<version>-<revision>).
      - V(1.3-rev1) (Veeam Backup & Replication 12.1 and later) is the lowest revision whose job types include backup copy,
        Hyper-V and agent jobs; V(1.2-rev1) (12.0) only shows vSphere backup jobs (type C(Backup)).
      - Verified against the vendor's OpenAPI documents of both revisions.
    type: str
    choices: [1.2-rev1, 1.3-rev1]
    default: 1.3-rev1
  type:
    description:
      - Only jobs of these types (the documents' C(EJobType), for example V(VSphereBackup) and V(BackupCopy)); combines
        with O(all_jobs), O(name) and O(id). Jobs of other types are neither read into the selection nor changed.
    type: list
    elements: str
    choices: [VSphereBackup, HyperVBackup, VSphereReplica, CloudDirectorBackup, EntraIDTenantBackup, EntraIDAuditLogBackup,
              FileBackupCopy, LegacyBackupCopy, BackupCopy, WindowsAgentBackup, LinuxAgentBackup, FileBackup, ObjectStorageBackup,
              EntraIDTenantBackupCopy, SureBackupContentScan, CloudBackupAzure, CloudBackupAWS, CloudBackupGoogle,
              WindowsAgentBackupWorkstationPolicy, LinuxAgentBackupWorkstationPolicy, WindowsAgentBackupServerPolicy,
              LinuxAgentBackupServerPolicy, Backup]
"""
