# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A maintenance window's scope on Veeam Backup Enterprise Manager: repositories only, resolved to the agent jobs whose backups
are on them (EM names an agent job's repository only through its backups; a job with none yet cannot be attributed and is
quiesced to be safe). EM has no proxies and no infrastructure switches. docs/scoped-windows.md says how and why. Private.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._scope import Resolution
from ansible_collections.backupops.veeam.plugins.module_utils.em._payload import guid_of, items

# Why a job's repository is unknown, by the kind of reason EmClient.info_details gives (the client maps its sentences to
# these kinds): such a job may write to any repository in scope, so it is quiesced (a window errs on the side of stopping).
UNATTRIBUTED = dict(
    no_backup="has no backup yet, so Enterprise Manager cannot tell its repository: quiesced to be safe",
    no_link="has backups that link to no repository, so Enterprise Manager cannot tell its repository: quiesced to be safe")
NO_PROXIES = ("proxy %r: Enterprise Manager has no backup proxies to scope a window by (its REST API manages agent jobs); scope "
              "proxies on the Veeam Backup & Replication server instead (a host of vbr_servers)")
NO_SWITCHES = ("Enterprise Manager has no infrastructure switches: with maintenance_mode only the jobs in scope are quiesced (scope "
               "the Veeam Backup & Replication server for extent maintenance or proxy disable)")


def repository_candidates(body):
    """[{id, name}] of GET /api/repositories (EntityReferences: Ref in XML, Refs in JSON), id the lower-case GUID of the
    UID urn:veeam:Repository:<guid> (else the last part of its Href)."""
    found = []
    for ref in items(body, "Ref", "Refs"):
        uid = ref.get("UID") or ref.get("Uid") or str(ref.get("Href") or "").split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        found.append(dict(id=guid_of(uid).lower(), name=ref.get("Name") or ""))
    return found


def repositories_in_scope(values, candidates, server, resolution):
    """[(scope entry label, repository id)] of the repositories the scope names; the others go to resolution.unknown."""
    found = []
    for value in values:
        repository = resolution.match("repository", guid_of(value), server, candidates)
        if repository is not None:
            found.append(("repository %r" % repository["name"], repository["id"]))
    return found


def attribute(jobs, detailed, in_scope, reasons, resolution):
    """Each agent job whose backups are on a repository in scope, and each job whose repository cannot be told (in scope of
    every entry, said once in a note). `detailed`: the jobs as info_details returns them (repositories, repository_unknown);
    `reasons`: {info_details' sentence: a key of UNATTRIBUTED}; any other sentence is a failed read of the backups."""
    unattributed = [job.name for job, found in zip(jobs, detailed) if _attribute_job(job, found, in_scope, reasons, resolution)]
    if unattributed:
        resolution.note("%d agent job(s) cannot be attributed to a repository (%s): Enterprise Manager names an agent job's repository "
                        "only through its backups, so they are quiesced to be safe" % (len(unattributed), ", ".join(map(repr, unattributed))))


def _attribute_job(job, found, in_scope, reasons, resolution):
    """Adds the job to each scope entry it is in; whether it could not be attributed (then it is in every entry)."""
    reason = found.details.get("repository_unknown")
    if reason and reason not in reasons:
        raise JobModuleError("Job %r: %s, so the scope cannot be resolved. Nothing was changed; run begin again once Enterprise "
                             "Manager answers the backup query." % (job.name, reason))
    on = set(repository["id"] for repository in found.details.get("repositories") or [])
    for label, repository_id in in_scope:
        if repository_id in on:
            resolution.add_job(job, "has backups on %s" % label, label)
        elif reason:
            resolution.add_job(job, UNATTRIBUTED[reasons[reason]], label)
    return bool(reason)


def resolve_scope(client, jobs, scope, maintenance_mode, reasons):
    """The Resolution of a scope on an Enterprise Manager: the agent jobs of `jobs` on the repositories in scope (one backup
    query per job, EmClient.info_details); JobModuleError naming every entry it does not know, proxies included, before that."""
    resolution = Resolution()
    resolution.unknown.extend(NO_PROXIES % value for value in scope.get("proxies") or [])
    in_scope = []
    if scope.get("repositories"):
        in_scope = repositories_in_scope(scope["repositories"], client.read_repositories(), client.server, resolution)
    resolution.check_known()
    if maintenance_mode:
        resolution.note(NO_SWITCHES)
    if in_scope:
        attribute(list(jobs), client.info_details(list(jobs)), in_scope, reasons, resolution)
    return resolution
