# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The revisions of the Veeam Backup & Replication REST API in the field (1.1-rev0, VBR 12.0, to 1.3-rev2, 13.1) and what
differs between them: the release of each, the job types each has, the stop body's spelling, the roles allowed each
write, job chains. Pure data and functions (the sources are in docs/vbr-releases.md). Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import re

from ansible_collections.backupops.veeam.plugins.module_utils._model import DISABLE, ENABLE, START, STOP

# Every revision in the field, oldest first, and the release that brought it (the vendor's versioning page for 12.x; the
# documents' x-veeam-prev-version chain for 13.x).
RELEASES = collections.OrderedDict([
    ("1.1-rev0", "12.0"), ("1.1-rev1", "12.1"), ("1.1-rev2", "12.2"), ("1.2-rev0", "12.3.0"), ("1.2-rev1", "12.3.1"),
    ("1.3-rev0", "13.0"), ("1.3-rev1", "13.0.1"), ("1.3-rev2", "13.1"),
])
REVISIONS = list(RELEASES)
# The default: the newest revision the server serves, found at login (no extra request on the newest release, one more on
# an older one: the refusal lists what the server serves).
AUTO = "auto"
# EJobType as each revision grows it: (first revision, types it adds). Each date is the first document whose EJobType has the
# type (1.1-rev0, 1.2-rev1, 1.3-rev0, 1.3-rev1, 1.3-rev2), or, for the revisions without a document, the vendor's pages:
# "What's new in 1.1-rev1" adds VSphereReplica and CloudDirectorBackup (VBR 12.1), 1.2-rev0's adds FileBackupCopy (12.3.0).
# The Entra ID types are in 1.2-rev1's EJobType while its changelog (#/tags/3, SectionChangelog) names no new job type and
# sends Entra ID backups to "existing endpoints": they date from 1.2-rev0 (12.3.0, the release that brought Entra ID backup).
# docs/vbr-releases.md lists each source; the simulator keeps its own table, and a test proves the two agree.
TYPES_SINCE = [
    ("1.1-rev0", ["Backup"]),
    ("1.1-rev1", ["VSphereReplica", "CloudDirectorBackup"]),
    ("1.2-rev0", ["EntraIDTenantBackup", "EntraIDAuditLogBackup", "FileBackupCopy"]),
    ("1.3-rev0", ["Unknown", "VSphereBackup", "HyperVBackup", "LegacyBackupCopy", "BackupCopy", "WindowsAgentBackup", "LinuxAgentBackup",
                  "EntraIDTenantBackupCopy"]),
    ("1.3-rev1", ["FileBackup", "ObjectStorageBackup", "SureBackupContentScan", "CloudBackupAzure", "CloudBackupAWS", "CloudBackupGoogle",
                  "WindowsAgentBackupWorkstationPolicy", "LinuxAgentBackupWorkstationPolicy", "WindowsAgentBackupServerPolicy",
                  "LinuxAgentBackupServerPolicy"]),
    ("1.3-rev2", ["NutanixAHVBackupJob", "ProxmoxBackupJob", "IrisBackup", "WindowsAgentBackupFailoverCluster"]),
]
# The one type renamed between revisions: vSphere backups are `Backup` up to 1.2-rev1 and `VSphereBackup` from 1.3-rev0.
SAME_TYPE = {"Backup": "VSphereBackup", "VSphereBackup": "Backup"}
RENAMED_IN = "1.3-rev0"
# What the `type` option accepts: the names of every revision (mapped to the server's own at login).
JOB_TYPES = [name for _since, added in TYPES_SINCE for name in added]
# JobStopSpec's field before 1.2-rev0 (sic).
OLD_STOP_FIELD, STOP_FIELD, STOP_FIELD_SINCE = "gracefullStop", "gracefulStop", "1.2-rev0"

# Who may do what: the "Available to" text of POST /api/v1/jobs/{id}/enable, /disable, /start and /stop in each document, as
# (first revision, {action: roles}). 1.1-rev0's document has no such text: 1.2-rev1's is taken for it (and for the revisions
# without a document). 1.3-rev0 and 1.3-rev1 add the Tape Operator to start and stop; 1.3-rev2 names the roles without
# "Veeam " and replaces the Tape Operator with custom roles that have backup permissions.
ROLES_SINCE = [
    ("1.1-rev0", {ENABLE: ["Veeam Backup Administrator"], DISABLE: ["Veeam Backup Administrator"],
                  START: ["Veeam Backup Administrator", "Veeam Backup Operator"], STOP: ["Veeam Backup Administrator", "Veeam Backup Operator"]}),
    ("1.3-rev0", {ENABLE: ["Veeam Backup Administrator"], DISABLE: ["Veeam Backup Administrator"],
                  START: ["Veeam Backup Administrator", "Veeam Backup Operator", "Veeam Tape Operator"],
                  STOP: ["Veeam Backup Administrator", "Veeam Backup Operator", "Veeam Tape Operator"]}),
    ("1.3-rev2", {ENABLE: ["Backup Administrator"], DISABLE: ["Backup Administrator"],
                  START: ["Backup Administrator", "Backup Operator", "a custom role with backup permissions"],
                  STOP: ["Backup Administrator", "Backup Operator", "a custom role with backup permissions"]}),
]
# JobStopSpec.cancelChainedJobs ("cancel chained jobs"), from 1.3-rev0 (the revision that also shows JobStateModel.runAfterJob).
CANCEL_CHAINED_SINCE = "1.3-rev0"
VERSION_PATTERN = re.compile(r"(\d+)\.(\d+)-rev(\d+)")


def rank(revision):
    """A revision as a comparable tuple ("1.3-rev2" -> (1, 3, 2))."""
    match = VERSION_PATTERN.search(revision)
    return tuple(int(part) for part in match.groups()) if match else (0, 0, 0)


def job_types(revision):
    """EJobType of a revision."""
    known = [name for since, added in TYPES_SINCE if rank(since) <= rank(revision) for name in added]
    return [name for name in known if not (name == "Backup" and rank(revision) >= rank(RENAMED_IN))]


def unlisted_types(revision):
    """The job types of the newest revision that `revision` has no name for, so its REST API cannot list such jobs at all
    (1.1-rev0, VBR 12.0: every type but vSphere backups). `Unknown` is not a kind of job."""
    known = job_types(revision)
    return [name for name in job_types(REVISIONS[-1]) if name != "Unknown" and name not in known and SAME_TYPE.get(name) not in known]


def server_type(name, revision):
    """The revision's name for a job type given in any revision's spelling, or None when the revision has no such type."""
    known = job_types(revision)
    return next((candidate for candidate in (name, SAME_TYPE.get(name)) if candidate in known), None)


def roles_for(action, revision):
    """Who the revision's document allows an action to: "the A role", or "the roles A, B or C"."""
    roles = [table for since, table in ROLES_SINCE if rank(since) <= rank(revision)][-1][action]
    return "the %s role" % roles[0] if len(roles) == 1 else "the roles %s or %s" % (", ".join(roles[:-1]), roles[-1])
