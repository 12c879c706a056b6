# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A maintenance window's scope on Veeam Backup for Microsoft 365: backup repositories and backup proxies resolved to the
backup and backup copy jobs they touch and, in v8 with maintenance_mode, the proxies' maintenance mode (docs/scoped-windows.md
says how and why). Private.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._scope import Resolution
from ansible_collections.backupops.veeam.plugins.module_utils.vb365._infrastructure import INFRASTRUCTURE_SINCE, MAINTENANCE_SINCE

# Job.details["kind"] and job_kind as vb365/_client.py spells them (that module imports this one, so they are not imported).
BACKUP, COPY = "backup", "copy"
# Where each kind is listed below /vN/ (read here only for the kind job_kind leaves out, to name its jobs in scope).
COLLECTIONS = {BACKUP: ("Jobs", "backup jobs"), COPY: ("CopyJobs", "copy jobs")}


def _key(value):
    """An id as compared (any case), None for none."""
    return str(value).lower() if value else None


def _number(version):
    return int(version[1:])


def plain_job(job):
    """{id, name, kind, repository_id, backup_job_id} of a Job the client read."""
    return dict(id=job.id, name=job.name, kind=job.details.get("kind"), repository_id=job.details.get("repository_id"),
                backup_job_id=(job.details.get("backup_job") or {}).get("id"))


def raw_job(raw, kind):
    """{id, name, kind, repository_id, backup_job_id} of a RESTJob or RESTCopyJob as the server lists it."""
    return dict(id=raw.get("id"), name=raw.get("name") or "", kind=kind, repository_id=raw.get("repositoryId"), backup_job_id=raw.get("backupJobId"))


def jobs_by_repository(jobs):
    """{lower-case repository id: [(job, role, the name of the backup job a copy job copies)]}: backup jobs on it (role
    backup), copy jobs writing to it (role copy) and copy jobs whose backup job is on it (role source). `jobs`: plain jobs."""
    found = collections.defaultdict(list)
    backups = dict((_key(job["id"]), job) for job in jobs if job["kind"] != COPY)
    for job in jobs:
        if job["kind"] != COPY:
            found[_key(job["repository_id"])].append((job, BACKUP, None))
            continue
        found[_key(job["repository_id"])].append((job, COPY, None))
        source = backups.get(_key(job["backup_job_id"]))
        if source is not None:
            found[_key(source["repository_id"])].append((job, "source", source["name"]))
    return found


def why_in_scope(role, label, backup_name):
    """Why a job is in scope of a repository (its label names it, and the proxy that brought it in, if one did)."""
    if role == BACKUP:
        return "writes to %s" % label
    if role == COPY:
        return "copies to %s" % label
    return "copies backup job %r, which writes to %s" % (backup_name, label)


def proxy_state(raw, v8):
    """What the report shows of a proxy: its status and, in v8, its maintenance mode state."""
    state = dict(status=raw.get("status"))
    if v8:
        state["maintenance"] = raw.get("maintenanceModeState")
    return state


class Vb365Scope(object):
    """One resolution: the server's jobs (a JobList, both kinds unless job_kind narrows it) and repositories, read once, and
    the Resolution being built."""

    def __init__(self, client, jobs, maintenance_mode):
        self.client = client
        self.maintenance_mode = maintenance_mode
        self.v8 = client.version == MAINTENANCE_SINCE
        self.by_id = dict((job.id.lower(), job) for job in jobs)
        self.uses = jobs_by_repository([plain_job(job) for job in jobs] + self._left_out())
        self.repositories = client.collection("BackupRepositories", "backup repositories")
        self.resolution = Resolution()
        # The scope entry being resolved ("proxy 'vb365proxy01'"), which each job found is grouped under.
        self.entry = None

    def _left_out(self):
        """The jobs of the kind job_kind leaves out of the window (read to name those in scope, never to select them)."""
        if self.client.kind not in COLLECTIONS:
            return []
        other = COPY if self.client.kind == BACKUP else BACKUP
        return [raw_job(raw, other) for raw in self.client.collection(*COLLECTIONS[other])]

    def add_job(self, job, why):
        """A job in scope; one the window does not select from (job_kind narrows it) is named in the notes instead."""
        found = self.by_id.get(_key(job["id"]))
        if found is not None:
            self.resolution.add_job(found, why, self.entry)
            return
        self.resolution.note("Job %r %s, but job_kind %s leaves %s jobs out of this window: it is not quiesced (set "
                             "maintenance_window_vb365_job_kind to all to include it)" % (job["name"], why, self.client.kind, job["kind"]))

    def add_uses(self, repository_id, label):
        for job, role, backup_name in self.uses.get(_key(repository_id), []):
            self.add_job(job, why_in_scope(role, label, backup_name))

    # -- repositories ------------------------------------------------------------------------------------------

    def repositories_in_scope(self, values):
        candidates = [dict(id=str(raw.get("id")), name=raw.get("name") or "") for raw in self.repositories]
        for value in values:
            item = self.resolution.match("repository", value, self.client.server, candidates)
            if item is None:
                continue
            self.entry = "repository %r" % item["name"]
            self.add_uses(item["id"], self.entry)
            if self.maintenance_mode:
                self.resolution.note("Repository %r has no maintenance mode in the REST API (only proxies have one, in v8): its jobs are "
                                     "quiesced, the repository itself stays as it is" % item["name"])

    # -- proxies ---------------------------------------------------------------------------------------------------

    def proxies_in_scope(self, values):
        proxies = self.client.collection("Proxies", "proxies")
        candidates = [dict(id=str(raw.get("id")), name=raw.get("hostName") or "", raw=raw) for raw in proxies]
        pools = dict((_key(raw.get("id")), raw.get("name")) for raw in self.client.collection("ProxyPools", "proxy pools")) if self.v8 else {}
        for value in values:
            item = self.resolution.match("proxy", value, self.client.server, candidates)
            if item is None:
                continue
            self.entry = "proxy %r" % item["name"]
            self.resolution.states.append(dict(entry=self.entry, kind="proxies", name=item["name"], state=proxy_state(item["raw"], self.v8)))
            self._served_by(item, pools)
            self._proxy_switch(item)

    def _served_by(self, proxy, pools):
        """The jobs of the repositories the proxy serves: its own and, in v8, those of its proxy pool."""
        pool_id = _key(proxy["raw"].get("proxyPoolId")) if self.v8 else None
        served = 0
        for raw in self.repositories:
            if _key(raw.get("proxyId")) == _key(proxy["id"]):
                label = "repository %r (served by %s)" % (raw.get("name"), self.entry)
            elif pool_id and _key(raw.get("proxyPoolId")) == pool_id:
                label = "repository %r (served by the proxy pool %r of %s)" % (raw.get("name"), pools.get(pool_id) or pool_id, self.entry)
            else:
                continue
            served += 1
            self.add_uses(raw.get("id"), label)
        if not served:
            self.resolution.note("Proxy %r serves no backup repository%s: no job is in scope through it" % (
                proxy["name"], " (neither itself nor its proxy pool)" if pool_id else ""))

    def _proxy_switch(self, proxy):
        """Maintenance mode of the proxy (v8, with maintenance_mode), set after its jobs are quiesced, undone before; else said."""
        if not self.maintenance_mode:
            self.resolution.note("Proxy %r stays as it is: maintenance_mode is false (the jobs of its repositories are quiesced)" % proxy["name"])
        elif not self.v8:
            self.resolution.note("Proxy %r cannot be put into maintenance mode through api_version %s (proxy maintenance mode arrives with "
                                 "%s, Veeam Backup for Microsoft 365 8): the jobs of its repositories are quiesced instead, the proxy stays "
                                 "as it is" % (proxy["name"], self.client.version, MAINTENANCE_SINCE))
        else:
            self.resolution.switches.append(dict(
                kind="proxies", entry=self.entry, what="maintenance mode of proxy %r" % proxy["name"], select_option="id",
                select=dict(id=[_key(proxy["id"])]), set=dict(maintenance=True), restore=dict(maintenance=False)))


def resolve_scope(client, jobs, scope, maintenance_mode):
    """The Resolution of a scope ({repositories, proxies}) on this server; JobModuleError naming every entry it does not know,
    or the version spoken when it has no backup infrastructure to read."""
    if _number(client.version) < _number(INFRASTRUCTURE_SINCE):
        raise JobModuleError("api_version %s: a scoped window reads the backup repositories and proxies, which the collection reads from "
                             "%s (Veeam Backup for Microsoft 365 6) on; set api_version to the newest your server offers, or select the "
                             "jobs by name or id. Nothing was changed." % (client.version, INFRASTRUCTURE_SINCE))
    resolving = Vb365Scope(client, jobs, maintenance_mode)
    if scope.get("repositories"):
        resolving.repositories_in_scope(scope["repositories"])
    if scope.get("proxies"):
        resolving.proxies_in_scope(scope["proxies"])
    resolving.resolution.check_known()
    return resolving.resolution
