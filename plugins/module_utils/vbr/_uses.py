# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which repositories a Veeam Backup & Replication job uses, and how: from its JobStateModel (repositoryId, every revision)
and the fields of its JobModel that name a repository elsewhere (a backup copy's target and sources, a replica's metadata
and source repositories, a file backup's archive). The fields by job type are in the documents (JobModel's discriminator
mapping); docs/infrastructure.md lists them. Pure. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

# (role, path) of each JobModel field that names a repository; a path step over a list covers each of its items. Fields a
# type does not have are simply absent, so one table serves every type and revision.
REPOSITORY_FIELDS = (
    ("target", ("storage", "backupRepositoryId")),                              # backups, Cloud Director, Entra ID logs, agents
    ("target", ("target", "backupRepositoryId")),                               # BackupCopy (1.3-rev0+)
    ("target", ("backupRepositoryId",)),                                        # FileBackupCopy, EntraIDTenantBackupCopy
    ("target", ("backupRepository", "backupRepositoryId")),                     # FileBackup, ObjectStorageBackup (1.3-rev1+)
    ("target", ("storage", "destination", "backupRepositoryId")),              # agent policies (1.3-rev1+)
    ("archive", ("archiveRepository", "archiveRepositoryId")),                  # FileBackup, ObjectStorageBackup
    ("secondary", ("secondaryTargets", "backupRepositoryId")),                  # FileBackup (1.3-rev2)
    ("source", ("sourceObjects", "includes", "repositories", "id")),           # BackupCopy from repositories
    ("metadata", ("jobSettings", "metadataRepositoryId")),                      # VSphereReplica
    ("source", ("virtualMachines", "sourceRepositories", "repositoryIds")),     # VSphereReplica from backups
    ("seed", ("seeding", "initialSeeding", "repositoryId")),                    # VSphereReplica seeding
)


def values_at(model, path):
    """Every value at `path` in `model`, stepping into each item of a list on the way (and of a list at the end)."""
    found = [model]
    for step in path:
        items = []
        for holder in found:
            for item in holder if isinstance(holder, list) else [holder]:
                if isinstance(item, dict) and item.get(step) is not None:
                    items.append(item[step])
        found = items
    return [value for value in _flat(found) if isinstance(value, str) and value]


def _flat(values):
    for value in values:
        if isinstance(value, list):
            yield from value
        else:
            yield value


def repositories_of(model, state):
    """[(lower-case repository id, role)] a job uses, each once, the job state's repositoryId (the target) first."""
    uses = collections.OrderedDict()
    if (state or {}).get("repositoryId"):
        uses[(str(state["repositoryId"]).lower(), "target")] = True
    for role, path in REPOSITORY_FIELDS:
        for value in values_at(model or {}, path):
            uses[(value.lower(), role)] = True
    return list(uses)


def jobs_by_repository(models, states):
    """{lower-case repository id: [{id, name, type, role}]} of every job the states or the job list show."""
    by_id = collections.OrderedDict((str(state.get("id")).lower(), [None, state]) for state in states)
    for model in models:
        by_id.setdefault(str(model.get("id")).lower(), [None, None])[0] = model
    found = collections.defaultdict(list)
    for model, state in by_id.values():
        job = model or state
        for repository, role in repositories_of(model, state):
            found[repository].append(dict(id=job.get("id"), name=job.get("name"), type=job.get("type"), role=role))
    return found


# Where a JobModel says which backup proxies it uses: {autoSelectEnabled (autoSelection in 1.1-rev0), proxyIds}. A Hyper-V job
# on-host has no proxy setting (its host does the work); guest interaction proxies are not backup proxies.
PROXY_SETTINGS = (
    ("storage", "backupProxies"),                                             # vSphere, Cloud Director backups
    ("storage", "backupProxies", "offHostSettings"),                          # Hyper-V off-host (1.3-rev0+)
    ("dataTransfer", "sourceProxies"),                                        # VSphereReplica
    ("dataTransfer", "targetProxies"),                                        # VSphereReplica
    ("storage", "advancedSettings", "storageIntegration", "offHostBackupProxies"),  # agent jobs with storage integration
)
AUTO_SELECT = ("autoSelectEnabled", "autoSelection")


def _setting(model, path):
    for step in path:
        model = model.get(step) if isinstance(model, dict) else None
    return model if isinstance(model, dict) else None


def _names_proxies(setting):
    return bool(setting) and (any(key in setting for key in AUTO_SELECT) or "proxyIds" in setting)


def proxy_use(model):
    """(selects automatically, {lower-case ids it names}) of a JobModel's backup proxy settings, or None when it has none."""
    settings = [setting for setting in (_setting(model or {}, path) for path in PROXY_SETTINGS) if _names_proxies(setting)]
    if not settings:
        return None
    return any(_selects_automatically(setting) for setting in settings), set(_named_ids(settings))


def _selects_automatically(setting):
    return any(setting.get(key) is True for key in AUTO_SELECT)


def _named_ids(settings):
    return [str(value).lower() for setting in settings for value in setting.get("proxyIds") or []]
