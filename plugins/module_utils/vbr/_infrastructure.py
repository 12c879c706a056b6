# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Veeam Backup & Replication backup infrastructure as declared state: scale-out extents (maintenance and sealed mode),
proxies (enabled or disabled, REST API 1.3-rev0 and later) and the configuration backup, as ObjectKinds the generic
runner drives; and the read of the infrastructure info module. Endpoints per revision: docs/infrastructure.md.
Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.module_utils._api import ObjectKind
from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._objects import SETTLING, UNKNOWN, InfraObject, select_objects
from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout, wait_until
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._payload import ENDED_SESSION_STATE
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._revisions import RELEASES, rank
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._uses import jobs_by_repository

INFRASTRUCTURE = "api/v1/backupInfrastructure"
SOBRS = INFRASTRUCTURE + "/scaleOutRepositories"
PROXIES = INFRASTRUCTURE + "/proxies"
CONFIG_BACKUP = "api/v1/configBackup"
# POST …/proxies/{id}/enable|disable and GET …/proxies/states (isDisabled) arrive with 1.3-rev0 (VBR 13.0).
PROXY_SWITCH_SINCE = "1.3-rev0"
# EProxyType has ViProxy only before 1.3-rev0 (the documents of 1.1-rev0 and 1.2-rev1): other proxies are not listed at all.
ONLY_VMWARE_PROXIES = ("proxies: REST API %s (Veeam Backup & Replication %s) lists VMware backup proxies only; Hyper-V and "
                       "general-purpose proxies are listed from REST API 1.3-rev0 (13.0) on")
# The role every infrastructure write needs (the documents' "Available to" of these operations).
ADMINISTRATOR = "Backup Administrator"
# The extent operations of ScaleOutExtentMaintenanceSpec, by (field, value).
EXTENT_OPERATIONS = {("maintenance", True): "enableMaintenanceMode", ("maintenance", False): "disableMaintenanceMode",
                     ("sealed", True): "enableSealedMode", ("sealed", False): "disableSealedMode"}


def extent_status(status):
    """PerformanceExtentModel.status as a list: one ERepositoryExtentStatusType up to 1.2-rev1, an array from 1.3-rev0."""
    if isinstance(status, list):
        return [str(value) for value in status]
    return [str(status)] if status else []


# Up to 1.2-rev1 an extent has one status: in maintenance it cannot also say whether it is sealed (assumed: Pending, then
# Maintenance, then Sealed is the order in which the one value is chosen; the user guide allows both modes at once).
ONE_STATUS_HIDES_SEALED = ("REST API 1.1-rev0 to 1.2-rev1 show one status per extent, and 'Maintenance' hides whether the extent "
                           "is also sealed; 13.0 and later show both")


def extent_state(statuses, one_status=False):
    """{maintenance, sealed} of an extent's statuses; both SETTLING while it is `Pending` (a mode change awaits a task), sealed
    UNKNOWN when a single status says Maintenance."""
    if "Pending" in statuses:
        return dict(maintenance=SETTLING, sealed=SETTLING)
    maintenance = "Maintenance" in statuses
    return dict(maintenance=maintenance, sealed=UNKNOWN if one_status and maintenance else "Sealed" in statuses)


def extents_of(sobr):
    """The performance extents of a ScaleOutRepositoryModel as InfraObjects (the extent id is a repository id)."""
    extents = ((sobr.get("performanceTier") or {}).get("performanceExtents")) or []
    objects = []
    for extent in extents:
        statuses = extent_status(extent.get("status"))
        one_status = not isinstance(extent.get("status"), list)
        details = dict(status=statuses, scale_out_repository=dict(id=sobr.get("id"), name=sobr.get("name")))
        if one_status and "Maintenance" in statuses:
            details["unknown_why"] = ONE_STATUS_HIDES_SEALED
        objects.append(InfraObject(str(extent.get("id")).lower(), extent.get("name") or "", extent_state(statuses, one_status), details))
    return objects


def forbidden(exc, client, what):
    """A 403 names the role the write needs."""
    if exc.status == 403:
        exc.message = "the account %r may not %s on %s: REST API %s allows it only to the %s role (%s)" % (
            client.settings["username"], what, client.server, client.revision, ADMINISTRATOR, exc.server_message or "access denied")
    return exc


class ScaleOutExtents(ObjectKind):
    """Performance extents of one scale-out repository: maintenance and sealed mode, each declared on its own."""

    name, title, module = "extents", "scale-out extent", "backupops.veeam.veeam_vbr_extent"
    fields = ("maintenance", "sealed")
    options = dict(scale_out_repository=dict(type="str", required=True), extents=dict(type="list", elements="str", required=True),
                   maintenance=dict(type="bool"), sealed=dict(type="bool"))

    def problems(self, params):
        problems = super(ScaleOutExtents, self).problems(params)
        if not (params["scale_out_repository"] or "").strip():
            problems.append("scale_out_repository must name a scale-out backup repository (its name or id)")
        if not params["extents"] or any(not (value or "").strip() for value in params["extents"]):
            problems.append("extents must list extent names or ids, without empty values")
        return problems

    def read(self, client, params):
        sobrs = client.pages(SOBRS)
        wanted = params["scale_out_repository"].strip()
        found = [sobr for sobr in sobrs if str(sobr.get("id")).lower() == wanted.lower()] or [s for s in sobrs if s.get("name") == wanted]
        if len(found) != 1:
            listed = ", ".join("%r (%s)" % (s.get("name"), s.get("id")) for s in sobrs) or "none"
            raise JobModuleError("%s: %s %r; its scale-out backup repositories are %s." % (
                client.server, "no scale-out backup repository is named or has the id" if not found else "two scale-out backup repositories are named",
                wanted, listed))
        return extents_of(found[0])

    def select(self, objects, params):
        sobr = objects[0].details["scale_out_repository"]["name"] if objects else params["scale_out_repository"]
        return select_objects(objects, params["extents"], self.title, "of %r" % sobr)

    def write(self, client, objects, field, value, params):
        """One request for every extent of the SOBR that needs the same change: 201 with a RepositoryMaintenance session."""
        sobr = objects[0].details["scale_out_repository"]
        path = "%s/%s/%s" % (SOBRS, sobr["id"], EXTENT_OPERATIONS[(field, value)])
        try:
            session = client.http.json(client.call("POST", path, expect=(201,), json=dict(repositoryIds=[obj.id for obj in objects])))
        except VeeamApiError as exc:
            raise forbidden(exc, client, "change the mode of scale-out extents")
        handle = dict(id=session.get("id"), state=session.get("state"), sobr=sobr["name"]) if isinstance(session, dict) else None
        return [(handle, objects)]

    def await_writes(self, client, handles, timeout, sleep):
        """Each RepositoryMaintenance session until it is Stopped; a Failed result is the failure, with its message."""
        failures = []
        for handle in handles:
            try:
                session = wait_until(lambda: client.http.json(client.call("GET", "api/v1/sessions/%s" % handle["id"])),
                                     lambda found: found.get("state") == ENDED_SESSION_STATE,
                                     "the RepositoryMaintenance session %s of %r to end" % (handle["id"], handle["sobr"]), timeout, sleep,
                                     describe=lambda found: found.get("state"))
            except WaitTimeout as exc:
                failures.append((handle, str(exc).rstrip(".")))
                continue
            outcome = session.get("result") or {}
            handle.update(state=session.get("state"), result=outcome.get("result"))
            if outcome.get("result") == "Failed":
                failures.append((handle, "the RepositoryMaintenance session %s of %r failed: %s" % (
                    handle["id"], handle["sobr"], outcome.get("message") or "no message")))
        return failures

    def warnings(self, client, changes):
        """Maintenance on an extent that holds an active backup chain makes the SOBR's jobs fail (the vendor's user guide):
        name the SOBR's enabled jobs."""
        entering = [obj for obj, field, value in changes if field == "maintenance" and value]
        if not entering:
            return []
        sobr = entering[0].details["scale_out_repository"]
        enabled = enabled_jobs_on(client, sobr["id"])
        if not enabled:
            return []
        return ["Scale-out extent(s) %s enter maintenance while jobs that target %r are enabled: %s. A job whose active backup chain "
                "is on an extent in maintenance fails (Veeam user guide, scale-out repository maintenance mode); quiesce them first "
                "(state=disabled with veeam_vbr_job, or the maintenance window)." % (
                    ", ".join(repr(obj.name) for obj in entering), sobr["name"], ", ".join(repr(name) for name in enabled))]


def enabled_jobs_on(client, repository_id):
    """Names of the enabled jobs whose state names this repository (GET /api/v1/jobs/states?repositoryIdFilter=)."""
    states = client.pages("api/v1/jobs/states", dict(repositoryIdFilter=repository_id))
    return [state.get("name") for state in states if str(state.get("status") or "").lower() != "disabled"]


class Proxies(ObjectKind):
    """Backup proxies: enabled or disabled (REST API 1.3-rev0, VBR 13.0, and later)."""

    name, title, plural, module = "proxies", "backup proxy", "backup proxies", "backupops.veeam.veeam_vbr_proxy"
    fields = ("enabled",)
    options = dict(name=dict(type="list", elements="str"), id=dict(type="list", elements="str"),
                   state=dict(type="str", required=True, choices=["enabled", "disabled"]))
    required_one_of = (("name", "id"),)
    mutually_exclusive = (("name", "id"),)

    def declared(self, params):
        return dict(enabled=params["state"] == "enabled")

    def problems(self, params):
        return ["%s must not contain empty values" % option for option in ("name", "id")
                if any(not (value or "").strip() for value in params.get(option) or [])]

    def read(self, client, params):
        revision = client.spoken_revision()
        if rank(revision) < rank(PROXY_SWITCH_SINCE):
            raise JobModuleError(
                "%s speaks REST API %s (Veeam Backup & Replication %s), which can neither disable a backup proxy nor say whether one "
                "is: POST %s/{id}/enable|disable and GET %s/states arrive with REST API %s (Veeam Backup & Replication %s). On this "
                "server, quiesce the jobs that use the proxy instead (veeam_vbr_job state=disabled, or the maintenance window), or "
                "disable the proxy in the console." % (client.server, revision, RELEASES[revision], PROXIES, PROXIES,
                                                       PROXY_SWITCH_SINCE, RELEASES[PROXY_SWITCH_SINCE]))
        return [InfraObject(str(state.get("id")).lower(), state.get("name") or "", dict(enabled=not state.get("isDisabled")),
                            dict(type=state.get("type"), host_name=state.get("hostName"), online=state.get("isOnline")))
                for state in client.pages(PROXIES + "/states")]

    def select(self, objects, params):
        return select_objects(objects, params["name"] or params["id"], self.title, "on the server")

    def write(self, client, objects, field, value, params):
        """One request per proxy (the API has no bulk operation): 204, no session."""
        action = "enable" if value else "disable"
        written = []
        for obj in objects:
            try:
                client.call("POST", "%s/%s/%s" % (PROXIES, obj.id, action), expect=(200, 204))
            except VeeamApiError as exc:
                raise forbidden(exc, client, "%s backup proxies" % action)
            written.append((None, [obj]))
        return written


class ConfigBackup(ObjectKind):
    """The configuration backup: enabled or disabled (PUT of the whole model read just before, only isEnabled changed)."""

    name, title, module = "config_backup", "configuration backup", "backupops.veeam.veeam_vbr_config_backup"
    fields = ("enabled",)
    options = dict(state=dict(type="str", required=True, choices=["enabled", "disabled"]))

    def declared(self, params):
        return dict(enabled=params["state"] == "enabled")

    def problems(self, params):
        return []

    def read(self, client, params):
        model = read_config_backup(client)
        if model is None:
            raise JobModuleError("%s has no configuration backup settings (GET %s answered 404)." % (client.server, CONFIG_BACKUP))
        return [InfraObject("config_backup", "configuration backup", dict(enabled=bool(model.get("isEnabled"))),
                            dict(repository_id=model.get("backupRepositoryId"), restore_points_to_keep=model.get("restorePointsToKeep")))]

    def select(self, objects, params):
        return objects

    def write(self, client, objects, field, value, params):
        """The model as the server has it now, with only isEnabled changed: nothing else the operator set is overwritten."""
        model = read_config_backup(client)
        model["isEnabled"] = value
        try:
            client.call("PUT", CONFIG_BACKUP, expect=(200, 204), json=model)
        except VeeamApiError as exc:
            raise forbidden(exc, client, "change the configuration backup")
        return [(None, objects)]


def read_config_backup(client):
    """ConfigBackupModel, or None when the server has none (404)."""
    try:
        return client.http.json(client.call("GET", CONFIG_BACKUP))
    except VeeamApiError as exc:
        if exc.status == 404:
            return None
        raise forbidden(exc, client, "read the configuration backup")


KINDS = (ScaleOutExtents(), Proxies(), ConfigBackup())


def read_infrastructure(client):
    """What the infrastructure info module returns: repositories, scale-out repositories with their extents, proxies, the
    configuration backup, each repository with the jobs that use it, and what the revision spoken cannot show."""
    revision = client.spoken_revision()
    uses = jobs_by_repository(client.pages("api/v1/jobs"), client.pages("api/v1/jobs/states"))
    sobrs = client.pages(SOBRS)
    extent_of = dict((obj.id, obj.details["scale_out_repository"]) for sobr in sobrs for obj in extents_of(sobr))
    repositories = [dict(id=repo.get("id"), name=repo.get("name"), type=repo.get("type"), description=repo.get("description"),
                         scale_out_repository=extent_of.get(str(repo.get("id")).lower()), jobs=uses.get(str(repo.get("id")).lower(), []))
                    for repo in client.pages(INFRASTRUCTURE + "/repositories")]
    not_shown = []
    proxies = _proxies(client, revision, not_shown)
    config = _config_backup(client, not_shown)
    not_shown.extend(tiers_not_shown(sobr) for sobr in sobrs if tiers_not_shown(sobr))
    return dict(repositories=repositories, scale_out_repositories=[_sobr_entry(sobr, uses) for sobr in sobrs], proxies=proxies,
                config_backup=config, not_shown=not_shown)


def tiers_not_shown(sobr):
    """What a scale-out repository's capacity and archive tiers are, which REST gives no status and no maintenance mode."""
    capacity = ((sobr.get("capacityTier") or {}).get("extents")) or []
    archive = (sobr.get("archiveTier") or {}).get("extentId")
    if not capacity and not archive:
        return None
    return ("scale-out repository %r: its %s are not listed among its extents; the REST API gives them no status and no maintenance "
            "mode (PowerShell only)" % (sobr.get("name"), " and ".join(part for part, present in (
                ("%d capacity extent(s)" % len(capacity), capacity), ("archive extent", archive)) if present)))


def _sobr_entry(sobr, uses):
    extents = [dict(id=obj.id, name=obj.name, status=obj.details["status"], maintenance=obj.state["maintenance"],
                    sealed=None if obj.state["sealed"] == UNKNOWN else obj.state["sealed"], pending="Pending" in obj.details["status"])
               for obj in extents_of(sobr)]
    return dict(id=sobr.get("id"), name=sobr.get("name"), description=sobr.get("description"), extents=extents,
                jobs=uses.get(str(sobr.get("id")).lower(), []))


def _proxies(client, revision, not_shown):
    """ProxyModel of every proxy, with `disabled` from the proxy states (1.3-rev0+), null before (said in not_shown)."""
    disabled = {}
    if rank(revision) >= rank(PROXY_SWITCH_SINCE):
        disabled = dict((str(state.get("id")).lower(), state.get("isDisabled")) for state in client.pages(PROXIES + "/states"))
    else:
        not_shown.append("proxies: disabled is null: REST API %s (Veeam Backup & Replication %s) cannot say whether a proxy is disabled "
                         "(GET %s/states arrives with %s, Veeam Backup & Replication %s)" % (
                             revision, RELEASES[revision], PROXIES, PROXY_SWITCH_SINCE, RELEASES[PROXY_SWITCH_SINCE]))
        not_shown.append(ONLY_VMWARE_PROXIES % (revision, RELEASES[revision]))
    return [dict(id=proxy.get("id"), name=proxy.get("name"), type=proxy.get("type"), description=proxy.get("description"),
                 host_name=(proxy.get("server") or {}).get("hostName"), disabled=disabled.get(str(proxy.get("id")).lower()))
            for proxy in client.pages(PROXIES)]


def _config_backup(client, not_shown):
    """The configuration backup's switch and target, or None (with the reason in not_shown)."""
    try:
        model = read_config_backup(client)
    except VeeamApiError as exc:
        if exc.status != 403:
            raise
        not_shown.append("config_backup: the account %r may not read it (403; it needs the %s role)" % (client.settings["username"], ADMINISTRATOR))
        return None
    if model is None:
        not_shown.append("config_backup: the server has no configuration backup settings")
        return None
    return dict(enabled=model.get("isEnabled"), repository_id=model.get("backupRepositoryId"), restore_points_to_keep=model.get("restorePointsToKeep"),
                last_successful_backup=(model.get("lastSuccessfulBackup") or {}).get("lastSuccessfulTime"))
