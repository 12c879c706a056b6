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
      - Veeam Backup & Replication 13.1 also serves the REST API on port 443; 9419 stays open for compatibility, so the
        default works on every release.
    type: int
    default: 9419
  username:
    description:
      - User name of an account allowed to use the REST API, for example V(CORP\\svc-veeam).
      - Enabling and disabling jobs needs the Veeam Backup Administrator role; a Veeam Backup Operator may only start and
        stop jobs, and so may the Veeam Tape Operator on 13.0 and 13.0.1 and, on 13.1, custom roles with backup permissions.
        A refused write fails the run naming the operation, the account and the roles the server's REST API revision allows
        it to, and no further write is sent. Veeam Backup & Replication 13.0 and 13.0.1 refuse accounts with a custom role at login.
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
      - V(auto) (the default) uses the newest revision the server serves. It costs nothing on Veeam Backup & Replication 13.1
        and one more login request on an older release (the server refuses a newer revision with a list of those it serves).
        Nothing is cached between runs. The result names the revision used (RV(api_version)).
      - 'A revision pins it: V(1.1-rev0) (12.0), V(1.1-rev1) (12.1), V(1.1-rev2) (12.2), V(1.2-rev0) (12.3.0), V(1.2-rev1) (12.3.1),
        V(1.3-rev0) (13.0), V(1.3-rev1) (13.0.1), V(1.3-rev2) (13.1). A server accepts its own revision and older ones.'
      - If not set, the value of the E(VEEAM_VBR_API_VERSION) environment variable is used (the AWX credential type sets it).
      - V(1.1-rev0) (12.0) shows only vSphere backup jobs (type C(Backup)); V(1.1-rev1) (12.1) adds vSphere replicas and Cloud
        Director backups, V(1.2-rev0) (12.3.0) Entra ID backups and file backup copies; backup copy, Hyper-V and agent jobs
        appear from V(1.3-rev0) (13.0). Jobs the server lists only in its job states (cloud policies, legacy backup copies,
        type C(Unknown), and on 13.1 Nutanix AHV and Proxmox jobs) cannot be changed through the REST API and are named in
        C(unmanageable_jobs) in the job modules' results.
      - From V(1.3-rev0) (13.0) a stop also cancels the jobs chained after the stopped one (C(cancelChainedJobs)), and each
        job's details name the job it runs after (C(run_after)).
      - Where 13.1 leaves a job's C(isDisabled) out, its status decides; a job whose status is that of a session (C(Running))
        is taken as disabled, never as enabled, and a warning names it.
    type: str
    choices: [auto, 1.1-rev0, 1.1-rev1, 1.1-rev2, 1.2-rev0, 1.2-rev1, 1.3-rev0, 1.3-rev1, 1.3-rev2]
    default: auto
"""

    # The option of the job and job info modules only (the infrastructure modules select no jobs).
    JOB_TYPES = r"""
options:
  type:
    description:
      - Only jobs of these types (the documents' C(EJobType)); combines with O(all_jobs), O(name) and O(id). Jobs of other
        types are neither read into the selection nor changed.
      - Any revision's name is accepted and mapped to the server's (vSphere backups are V(Backup) up to 1.2-rev1 and
        V(VSphereBackup) from 1.3-rev0; either name works on every release). A type the server's revision does not know fails
        the run with the types it knows, instead of selecting nothing.
    type: list
    elements: str
    choices: [Backup, VSphereReplica, CloudDirectorBackup, EntraIDTenantBackup, EntraIDAuditLogBackup, FileBackupCopy, Unknown,
              VSphereBackup, HyperVBackup, LegacyBackupCopy, BackupCopy, WindowsAgentBackup, LinuxAgentBackup, EntraIDTenantBackupCopy,
              FileBackup, ObjectStorageBackup, SureBackupContentScan, CloudBackupAzure, CloudBackupAWS, CloudBackupGoogle,
              WindowsAgentBackupWorkstationPolicy, LinuxAgentBackupWorkstationPolicy, WindowsAgentBackupServerPolicy,
              LinuxAgentBackupServerPolicy, NutanixAHVBackupJob, ProxmoxBackupJob, IrisBackup, WindowsAgentBackupFailoverCluster]
"""
