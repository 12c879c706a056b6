# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A maintenance window's scope on Veeam Backup & Replication: repositories (standard, scale-out, or a scale-out extent) and
backup proxies resolved to the jobs they touch and the switches to set (docs/scoped-windows.md says how and why). Private.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.module_utils._scope import Resolution
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._infrastructure import (
    INFRASTRUCTURE, ONLY_VMWARE_PROXIES, PROXIES, PROXY_SWITCH_SINCE, SOBRS, extents_of, read_config_backup, tiers_not_shown,
)
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._revisions import RELEASES, rank
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._uses import jobs_by_repository, proxy_use

ROLE_WORDS = dict(target="writes to", source="reads its source from", metadata="keeps replica metadata on", seed="seeds from",
                  archive="archives to", secondary="copies to")


class VbrScope(object):
    """One resolution: the server's jobs (a JobList) and infrastructure, read once, and the Resolution being built."""

    def __init__(self, client, jobs, maintenance_mode):
        self.client = client
        self.maintenance_mode = maintenance_mode
        self.by_id = dict((job.id.lower(), job) for job in jobs)
        self.unmanageable = dict((str(entry["id"]).lower(), entry) for entry in jobs.unmanageable)
        self.models = client.pages("api/v1/jobs")
        self.uses = jobs_by_repository(self.models, client.pages("api/v1/jobs/states"))
        self.resolution = Resolution()
        # The scope entry being resolved ("repository 'Array02 Extent'"), which each job found is grouped under.
        self.entry = None

    def add_job(self, entry, why):
        """A job in scope; one the window cannot select (unmanageable, or left out by `type`) is named in the notes instead."""
        job = self.by_id.get(str(entry["id"]).lower())
        if job is not None:
            self.resolution.add_job(job, why, self.entry)
            return
        reason = self.unmanageable.get(str(entry["id"]).lower(), {}).get("why") or "is not among the jobs this window selects from (type)"
        self.resolution.note("Job %r %s, but it %s: it is not quiesced" % (entry["name"], why, reason))

    def add_uses(self, repository_id, label):
        for entry in self.uses.get(str(repository_id).lower(), []):
            self.add_job(entry, "%s %s" % (ROLE_WORDS.get(entry["role"], "uses"), label))

    # -- repositories --------------------------------------------------------------------------------------------

    def repositories(self, values):
        sobrs = self.client.pages(SOBRS)
        extent_of = dict((obj.id, (sobr, obj)) for sobr in sobrs for obj in extents_of(sobr))
        candidates = [dict(id=str(repo.get("id")), name=repo.get("name")) for repo in self.client.pages(INFRASTRUCTURE + "/repositories")]
        candidates += [dict(id=str(sobr.get("id")), name=sobr.get("name"), sobr=sobr) for sobr in sobrs]
        in_scope = []
        for value in values:
            item = self.resolution.match("repository", value, self.client.server, candidates)
            if item is None:
                continue
            self.entry = "repository %r" % item["name"]
            in_scope.append(item["id"].lower())
            if "sobr" in item:
                self._sobr(item["sobr"])
            elif item["id"].lower() in extent_of:
                self._extent(*extent_of[item["id"].lower()])
            else:
                self._standard(item)
        self._config_backup(in_scope)

    def _sobr(self, sobr):
        label = "scale-out repository %r" % sobr.get("name")
        if tiers_not_shown(sobr):
            self.resolution.note(tiers_not_shown(sobr) + ": its jobs are quiesced, those tiers stay as they are")
        self.add_uses(sobr.get("id"), label)
        extents = extents_of(sobr)
        for extent in extents:
            self.add_uses(extent.id, "extent %r of %s" % (extent.name, label))
        self._extents_switch(sobr, extents)

    def _extent(self, sobr, extent):
        label = "scale-out repository %r, whose extent %r is in scope (the REST API cannot say which extent holds a backup chain)" % (
            sobr.get("name"), extent.name)
        self.add_uses(sobr.get("id"), label)
        self.add_uses(extent.id, "extent %r" % extent.name)
        self._extents_switch(sobr, [extent])

    def _extents_switch(self, sobr, extents):
        """Maintenance mode of the extents (with maintenance_mode), set after their jobs are quiesced, undone before."""
        entry = self.entry
        for extent in extents:
            self.resolution.states.append(dict(entry=entry, kind="extents", name=extent.name, state=dict(status=extent.details["status"])))
        names = ", ".join(repr(extent.name) for extent in extents)
        if not self.maintenance_mode:
            self.resolution.note("Scale-out extent(s) %s stay as they are: maintenance_mode is false" % names)
            return
        self.resolution.switches.append(dict(
            kind="extents", entry=entry, what="maintenance mode of scale-out extent(s) %s" % names, select_option="extents",
            select=dict(scale_out_repository=sobr.get("id"), extents=[extent.id for extent in extents]),
            set=dict(maintenance=True), restore=dict(maintenance=False)))

    def _standard(self, item):
        self.add_uses(item["id"], "repository %r" % item["name"])
        if self.maintenance_mode:
            self.resolution.note("Repository %r has no maintenance mode in the REST API (only scale-out extents do): its jobs are "
                                 "quiesced, the repository itself stays as it is" % item["name"])

    def _config_backup(self, in_scope):
        """The configuration backup writes to a repository in scope: turned off with maintenance_mode, else named."""
        model = read_config_backup(self.client) if in_scope else None
        if not model or str(model.get("backupRepositoryId")).lower() not in in_scope:
            return
        self.entry = "configuration backup"
        self.resolution.states.append(dict(entry=self.entry, kind="config_backup", name="configuration backup",
                                           state=dict(enabled=model.get("isEnabled"))))
        if not self.maintenance_mode:
            self.resolution.note("The configuration backup writes to a repository in scope and stays %s: maintenance_mode is false"
                                 % ("enabled" if model.get("isEnabled") else "disabled"))
            return
        self.resolution.switches.append(dict(kind="config_backup", entry="configuration backup", what="the configuration backup disabled",
                                             select_option=None, select={}, set=dict(state="disabled"), restore=dict(state="enabled")))

    # -- proxies ---------------------------------------------------------------------------------------------------

    def proxies(self, values):
        candidates = [dict(id=str(proxy.get("id")), name=proxy.get("name")) for proxy in self.client.pages(PROXIES)]
        revision = self.client.spoken_revision()
        can_disable = rank(revision) >= rank(PROXY_SWITCH_SINCE)
        for value in values:
            proxy = self.resolution.match("proxy", value, self.client.server, candidates)
            if proxy is None:
                if not can_disable:
                    self.resolution.unknown[-1] += " (%s)" % (ONLY_VMWARE_PROXIES % (revision, RELEASES[revision]))
                continue
            self.entry = "proxy %r" % proxy["name"]
            self._proxy(proxy, can_disable and self.maintenance_mode, revision)
            if self.maintenance_mode and not can_disable:
                self.resolution.note("Proxy %r cannot be disabled through REST API %s (Veeam Backup & Replication %s; from %s on): its jobs "
                                     "are quiesced instead, the proxy stays as it is" % (
                                         proxy["name"], revision, RELEASES[revision], RELEASES[PROXY_SWITCH_SINCE]))

    def _proxy(self, proxy, disable, revision):
        label = self.entry
        automatic = []
        for model in self.models:
            use = proxy_use(model)
            if use is None:
                continue
            entry = dict(id=model.get("id"), name=model.get("name"))
            if proxy["id"].lower() in use[1]:
                self.add_job(entry, "names %s explicitly" % label)
            elif use[0]:
                automatic.append(entry)
        if disable:
            self.resolution.switches.append(dict(kind="proxies", entry=label, what="backup %s disabled" % label, select_option="id",
                                                 select=dict(id=[proxy["id"]]), set=dict(state="disabled"), restore=dict(state="enabled")))
            if automatic:
                self.resolution.note("%d job(s) select proxies automatically (%s): %s is disabled, so they use the other proxies and keep "
                                     "running" % (len(automatic), ", ".join(repr(entry["name"]) for entry in automatic), label))
            return
        why = ("selects proxies automatically and may pick %s, which REST API %s (Veeam Backup & Replication %s) cannot disable" % (
            label, revision, RELEASES[revision]) if rank(revision) < rank(PROXY_SWITCH_SINCE)
            else "selects proxies automatically and may pick %s, which stays enabled (maintenance_mode is false)" % label)
        for entry in automatic:
            self.add_job(entry, why)


def resolve_scope(client, jobs, scope, maintenance_mode):
    """The Resolution of a scope ({repositories, proxies}) on this server; JobModuleError naming every entry it does not know."""
    resolving = VbrScope(client, jobs, maintenance_mode)
    if scope.get("repositories"):
        resolving.repositories(scope["repositories"])
    if scope.get("proxies"):
        resolving.proxies(scope["proxies"])
    resolving.resolution.check_known()
    return resolving.resolution
