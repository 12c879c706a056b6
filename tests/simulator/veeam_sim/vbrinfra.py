"""VBR backup infrastructure: repositories, scale-out repositories (SOBRs) with their performance extents, backup proxies and the
configuration backup, as the scenario's `vbr` section declares them and as each revision's document shows them.

What differs between revisions is a vbrrev feature row (extentStatusArray, repositoryOnline, repositoryOutOfDate, proxyStates,
repositoryKind, mountServers); the routes are answered by InfraRoutes, which VbrApi inherits. Where the documents are silent the
choice is listed in README.md (VBR backup infrastructure, assumptions).
"""

import copy
import json
from dataclasses import dataclass, field
from typing import Optional

from . import vbrrev
from .messages import ApiError, Response
from .util import iso, is_guid, monotonic, new_id, stable_id, utcnow

REPOSITORY_TYPES = ("WinLocal", "LinuxLocal")
PROXY_TYPES = ("ViProxy", "HvProxy")
REPOSITORY_KEYS = {"name", "id", "type", "hostName", "path", "description"}
SOBR_KEYS = {"name", "id", "description", "extents"}
EXTENT_KEYS = {"name", "maintenance", "sealed"}
PROXY_KEYS = {"name", "id", "type", "disabled", "hostName", "description"}
CONFIG_BACKUP_KEYS = {"isEnabled", "repository", "restorePointsToKeep", "localTime"}
INFRA_KEYS = ("repositories", "scale_out_repositories", "proxies", "config_backup")
# The four SOBR operations: (mode, value it sets).
MODE_ACTIONS = {"enablemaintenancemode": ("Maintenance", True), "disablemaintenancemode": ("Maintenance", False),
                "enablesealedmode": ("Sealed", True), "disablesealedmode": ("Sealed", False)}
# What a scenario without infrastructure keys gets: the repositories the jobs already name (Default Backup Repository, and
# Offsite Repository as the backup copy job's target), one SOBR with two extents no job writes to, two proxies, and an
# enabled configuration backup.
DEFAULT_INFRASTRUCTURE = {
    "repositories": [
        {"name": "Default Backup Repository", "type": "WinLocal", "hostName": "vbr01.backupops.local", "path": "D:\\Backups"},
        {"name": "Offsite Repository", "type": "LinuxLocal", "hostName": "lnxrepo01.backupops.local", "path": "/mnt/backups"},
        {"name": "SOBR Extent 01", "type": "WinLocal", "hostName": "repo01.backupops.local", "path": "E:\\Backups"},
        {"name": "SOBR Extent 02", "type": "WinLocal", "hostName": "repo02.backupops.local", "path": "E:\\Backups"},
    ],
    "scale_out_repositories": [{"name": "SOBR Production", "extents": ["SOBR Extent 01", "SOBR Extent 02"]}],
    "proxies": [{"name": "VMware Backup Proxy", "type": "ViProxy", "hostName": "vbr01.backupops.local"},
                {"name": "proxy02.backupops.local", "type": "ViProxy"},
                {"name": "hv01.backupops.local", "type": "HvProxy"}],
    "config_backup": {"isEnabled": True, "repository": "Default Backup Repository", "restorePointsToKeep": 10, "localTime": "10:00"},
}


class InfraScenarioError(ValueError):
    """An invalid infrastructure key of the `vbr` scenario section (vbrstate turns it into a VbrScenarioError)."""


@dataclass
class Repository:
    id: str
    name: str
    type: str = "WinLocal"
    host_name: str = "vbr01.backupops.local"
    path: str = "D:\\Backups"
    description: str = ""
    # Set for a performance extent: its SOBR's id, and the modes it is in ("Maintenance", "Sealed").
    sobr_id: Optional[str] = None
    modes: set = field(default_factory=set)

    @property
    def host_id(self):
        return stable_id("vbr-host", self.host_name)


@dataclass
class ScaleOutRepository:
    id: str
    name: str
    description: str = ""
    extent_ids: list = field(default_factory=list)


@dataclass
class Proxy:
    id: str
    name: str
    type: str = "ViProxy"
    disabled: bool = False
    host_name: str = ""
    description: str = ""


@dataclass
class InfraSession:
    """A RepositoryMaintenance session: changes `mode` to `value` on the extents when it ends with Success."""
    id: str
    sobr_id: str
    name: str
    mode: str
    value: bool
    extent_ids: list
    created: object
    end_at: float
    state: str = "Working"
    result: str = "None"
    message: str = ""
    progress: int = 0
    usn: int = 0
    end_time: object = None
    fail_message: Optional[str] = None
    stuck: bool = False


class Infrastructure:
    """Repositories, SOBRs, proxies, the configuration backup model and the maintenance sessions of one VBR server."""

    def __init__(self):
        self.repositories = {}
        self.sobrs = {}
        self.proxies = {}
        self.config_backup = None
        self.sessions = {}

    def by_name(self, table, name):
        return next((item for item in table.values() if item.name == name), None)

    def target(self, name):
        """(id, name) of the repository or SOBR a job's `repository` names."""
        found = self.by_name(self.repositories, name) or self.by_name(self.sobrs, name)
        if found is None:
            raise InfraScenarioError("vbr job repository %r names no repository or scale-out repository of the scenario" % name)
        return found.id, found.name

    def proxy_ids(self, names):
        ids = []
        for name in names:
            proxy = self.by_name(self.proxies, name)
            if proxy is None:
                raise InfraScenarioError("vbr job proxies: %r names no proxy of the scenario" % name)
            ids.append(proxy.id)
        return ids

    def snapshot(self):
        return {"repositories": [{"id": r.id, "name": r.name, "sobrId": r.sobr_id, "modes": sorted(r.modes)} for r in self.repositories.values()],
                "scaleOutRepositories": [{"id": s.id, "name": s.name, "extentIds": list(s.extent_ids)} for s in self.sobrs.values()],
                "proxies": [{"id": p.id, "name": p.name, "type": p.type, "disabled": p.disabled} for p in self.proxies.values()],
                "configBackup": copy.deepcopy(self.config_backup)}


# -- scenario ---------------------------------------------------------------------------------------------


def _object(item, keys, what):
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise InfraScenarioError("every %s must be an object with a non-empty name: %r" % (what, item))
    unknown = set(item) - keys
    if unknown:
        raise InfraScenarioError("%s %r has unknown keys %s (allowed: %s)" % (what, item["name"], sorted(unknown), ", ".join(sorted(keys))))
    return item


def _unique(table, item, kind, what):
    if any(other.name == item["name"] for other in table.values()):
        raise InfraScenarioError("%s %r is listed twice" % (what, item["name"]))
    return str(item["id"]).lower() if item.get("id") else stable_id(kind, item["name"])


def _repository(item, infra):
    _object(item, REPOSITORY_KEYS, "vbr repository")
    if item.get("type", "WinLocal") not in REPOSITORY_TYPES:
        raise InfraScenarioError("vbr repository %r: type must be one of %s" % (item["name"], ", ".join(REPOSITORY_TYPES)))
    linux = item.get("type") == "LinuxLocal"
    return Repository(id=_unique(infra.repositories, item, "vbr-repository", "vbr repository"), name=item["name"],
                      type=item.get("type", "WinLocal"), host_name=item.get("hostName", "vbr01.backupops.local"),
                      path=item.get("path", "/mnt/backups" if linux else "D:\\Backups"),
                      description=item.get("description", "Created by BACKUPOPS\\backupops."))


def _extent(entry, sobr, infra):
    entry = {"name": entry} if isinstance(entry, str) else _object(entry, EXTENT_KEYS, "vbr scale-out extent")
    repository = infra.by_name(infra.repositories, entry["name"])
    if repository is None:
        raise InfraScenarioError("vbr scale-out repository %r: extent %r names no repository of the scenario" % (sobr.name, entry["name"]))
    if repository.sobr_id is not None:
        raise InfraScenarioError("vbr repository %r is an extent of more than one scale-out repository" % entry["name"])
    repository.sobr_id = sobr.id
    repository.modes = {mode for mode, key in (("Maintenance", "maintenance"), ("Sealed", "sealed")) if entry.get(key)}
    sobr.extent_ids.append(repository.id)


def _sobr(item, infra):
    _object(item, SOBR_KEYS, "vbr scale-out repository")
    if not isinstance(item.get("extents"), list) or not item["extents"]:
        raise InfraScenarioError("vbr scale-out repository %r needs a non-empty list of extents (repository names)" % item["name"])
    sobr = ScaleOutRepository(id=_unique(infra.sobrs, item, "vbr-sobr", "vbr scale-out repository"), name=item["name"],
                              description=item.get("description", "Created by BACKUPOPS\\backupops."))
    for entry in item["extents"]:
        _extent(entry, sobr, infra)
    return sobr


def _proxy(item, infra):
    _object(item, PROXY_KEYS, "vbr proxy")
    if item.get("type", "ViProxy") not in PROXY_TYPES:
        raise InfraScenarioError("vbr proxy %r: type must be one of %s" % (item["name"], ", ".join(PROXY_TYPES)))
    if not isinstance(item.get("disabled", False), bool):
        raise InfraScenarioError("vbr proxy %r: disabled must be true or false" % item["name"])
    return Proxy(id=_unique(infra.proxies, item, "vbr-proxy", "vbr proxy"), name=item["name"], type=item.get("type", "ViProxy"),
                 disabled=item.get("disabled", False), host_name=item.get("hostName", item["name"]),
                 description=item.get("description", "Created by BACKUPOPS\\backupops."))


def _config_backup(item, infra):
    """ConfigBackupModel (every revision has the same required fields) from the scenario's short form."""
    if not isinstance(item, dict) or set(item) - CONFIG_BACKUP_KEYS:
        raise InfraScenarioError("vbr.config_backup must be an object with the keys %s" % ", ".join(sorted(CONFIG_BACKUP_KEYS)))
    repository = infra.by_name(infra.repositories, item.get("repository", "Default Backup Repository"))
    if repository is None:
        raise InfraScenarioError("vbr.config_backup.repository %r names no repository of the scenario" % item.get("repository"))
    if not isinstance(item.get("isEnabled", True), bool):
        raise InfraScenarioError("vbr.config_backup.isEnabled must be true or false")
    return {"isEnabled": item.get("isEnabled", True), "backupRepositoryId": repository.id,
            "restorePointsToKeep": int(item.get("restorePointsToKeep", 10)),
            "notifications": {"SNMPEnabled": False},
            "schedule": {"isEnabled": True, "daily": {"isEnabled": True, "localTime": item.get("localTime", "10:00"), "dailyKind": "Everyday"}},
            "lastSuccessfulBackup": {"lastSuccessfulTime": iso(utcnow().replace(hour=10, minute=0, second=0, microsecond=0))},
            "encryption": {"isEnabled": False, "passwordId": "00000000-0000-0000-0000-000000000000"}}


def build(section):
    """The Infrastructure of the scenario's `vbr` section; DEFAULT_INFRASTRUCTURE when it has none of the INFRA_KEYS."""
    if not any(key in section for key in INFRA_KEYS):
        section = DEFAULT_INFRASTRUCTURE
    infra = Infrastructure()
    for key in ("repositories", "scale_out_repositories", "proxies"):
        if not isinstance(section.get(key, []), list):
            raise InfraScenarioError("vbr.%s must be a list" % key)
    for item in section.get("repositories") or []:
        repository = _repository(item, infra)
        infra.repositories[repository.id] = repository
    for item in section.get("scale_out_repositories") or []:
        sobr = _sobr(item, infra)
        infra.sobrs[sobr.id] = sobr
    for item in section.get("proxies") or []:
        proxy = _proxy(item, infra)
        infra.proxies[proxy.id] = proxy
    if section.get("config_backup") is not None:
        infra.config_backup = _config_backup(section["config_backup"], infra)
    return infra


# -- documents --------------------------------------------------------------------------------------------


def extent_status(extent, revision, pending):
    """PerformanceExtentModel.status: one ERepositoryExtentStatusType up to 1.2-rev1
    (vbr_rest_1.2-rev1.json#/components/schemas/PerformanceExtentModel/properties/status, a $ref to the enum), an array of them
    from 1.3-rev0 (vbr_rest_1.3-rev0.json#/components/schemas/PerformanceExtentModel/properties/status, type array).
    The single string says Pending, else Maintenance, else Sealed (assumed: the one string cannot say both)."""
    modes = (["Pending"] if pending else []) + [mode for mode in ("Maintenance", "Sealed") if mode in extent.modes]
    if vbrrev.has(revision, "extentStatusArray"):
        return modes or ["Normal"]
    return modes[0] if modes else "Normal"


def _mount_server(repository, revision):
    """MountServerSettingsModel up to 1.2-rev1; MountServersSettingsModel {mountServerSettingsType, windows|linux} from 1.3-rev0."""
    settings = {"mountServerId": repository.host_id, "vPowerNFSEnabled": True,
                "writeCacheFolder": "/var/veeam/cache" if repository.type == "LinuxLocal" else "C:\\ProgramData\\Veeam\\Backup\\IRCache"}
    if not vbrrev.has(revision, "mountServers"):
        return settings
    kind = "Linux" if repository.type == "LinuxLocal" else "Windows"
    return {"mountServerSettingsType": vbrrev.spell(kind, revision), kind.lower(): settings}


def repository_model(repository, revision):
    """RepositoryModel mapped by `type` (WindowsLocalStorageModel / LinuxLocalStorageModel); 1.1-rev0 requires `kind`
    (vbr_rest_1.1-rev0.json#/components/schemas/RepositoryModel/required) without defining it: its examples say "Das"."""
    body = {"id": repository.id, "name": repository.name, "description": repository.description, "type": repository.type,
            "hostId": repository.host_id, "repository": {"path": repository.path, "maxTaskCount": 4},
            "mountServer": _mount_server(repository, revision)}
    if vbrrev.has(revision, "repositoryKind"):
        body["kind"] = "Das"
    return body


def repository_state(infra, repository, revision):
    """RepositoryStateModel: isOnline from 1.2 (required from 1.2-rev0's breaking change), isOutOfDate and
    scaleOutRepositoryDetails (extents only) from 1.3-rev0."""
    body = {"id": repository.id, "name": repository.name, "type": repository.type, "description": repository.description,
            "hostId": repository.host_id, "hostName": repository.host_name, "path": repository.path,
            "capacityGB": 2048.0, "freeGB": 1024.5, "usedSpaceGB": 1023.5}
    if vbrrev.has(revision, "repositoryOnline"):
        body["isOnline"] = True
    if vbrrev.has(revision, "repositoryOutOfDate"):
        body["isOutOfDate"] = False
        if repository.sobr_id:
            sobr = infra.sobrs[repository.sobr_id]
            body["scaleOutRepositoryDetails"] = {"membership": sobr.name, "scaleOutRepositoryId": sobr.id, "extentType": "Performance"}
    return body


def sobr_model(infra, sobr, revision, busy):
    """ScaleOutRepositoryModel with performanceTier.performanceExtents[] {id, name, status}; `busy` = ids of extents Pending."""
    extents = [infra.repositories[extent_id] for extent_id in sobr.extent_ids]
    return {"id": sobr.id, "name": sobr.name, "description": sobr.description,
            "performanceTier": {"performanceExtents": [{"id": e.id, "name": e.name, "status": extent_status(e, revision, e.id in busy)}
                                                       for e in extents]}}


def proxy_model(proxy, revision):
    """ViProxyModel / HvProxyModel (server.hostName only from 1.3-rev0's ProxyServerSettingsModel)."""
    server = {"hostId": stable_id("vbr-host", proxy.host_name), "maxTaskCount": 4}
    if proxy.type == "ViProxy":
        # EBackupProxyTransportMode is lower camel case (`auto`) before 1.3-rev1, as the other enums vbrrev.spell handles.
        server.update(transportMode=vbrrev.spell("Auto", revision), failoverToNetwork=True, hostToProxyEncryption=False)
    if vbrrev.has(revision, "proxyStates"):
        server["hostName"] = proxy.host_name
    return {"id": proxy.id, "name": proxy.name, "description": proxy.description, "type": proxy.type, "server": server}


def proxy_state(proxy):
    """ProxyStateModel (1.3-rev0+): every field is required."""
    return {"id": proxy.id, "name": proxy.name, "description": proxy.description, "type": proxy.type,
            "hostId": stable_id("vbr-host", proxy.host_name), "hostName": proxy.host_name, "isDisabled": proxy.disabled,
            "isOnline": True, "isOutOfDate": False}


def session_model(session, revision):
    """SessionModel of a RepositoryMaintenance session: `jobId` (the SOBR's id, assumed) from 1.2, `activityId` in 1.1
    (vbr_rest_1.1-rev0.json#/components/schemas/SessionModel/required)."""
    body = {"id": session.id, "name": session.name, "sessionType": "RepositoryMaintenance", "creationTime": iso(session.created),
            "state": session.state, "progressPercent": session.progress, "usn": session.usn,
            "result": {"result": session.result, "message": session.message, "isCanceled": False}}
    body["jobId" if vbrrev.has(revision, "sessionJobId") else "activityId"] = session.sobr_id
    if session.end_time is not None:
        body["endTime"] = iso(session.end_time)
    return body


# -- the API ----------------------------------------------------------------------------------------------

INFRA_ROUTES = [
    (r"^/api/v1/backupinfrastructure/repositories$", {"GET": "list_repositories"}),
    (r"^/api/v1/backupinfrastructure/repositories/states$", {"GET": "list_repository_states"}),
    (r"^/api/v1/backupinfrastructure/repositories/([^/]+)$", {"GET": "get_repository"}),
    (r"^/api/v1/backupinfrastructure/scaleoutrepositories$", {"GET": "list_sobrs"}),
    (r"^/api/v1/backupinfrastructure/scaleoutrepositories/([^/]+)$", {"GET": "get_sobr"}),
    (r"^/api/v1/backupinfrastructure/scaleoutrepositories/([^/]+)/(enablemaintenancemode|disablemaintenancemode|enablesealedmode|"
     r"disablesealedmode)$", {"POST": "sobr_mode"}),
    (r"^/api/v1/backupinfrastructure/proxies$", {"GET": "list_proxies"}),
    (r"^/api/v1/backupinfrastructure/proxies/states$", {"GET": "list_proxy_states"}),
    (r"^/api/v1/backupinfrastructure/proxies/([^/]+)$", {"GET": "get_proxy"}),
    (r"^/api/v1/backupinfrastructure/proxies/([^/]+)/(enable|disable)$", {"POST": "proxy_toggle"}),
    (r"^/api/v1/configbackup$", {"GET": "get_config_backup", "PUT": "put_config_backup"}),
]


def _json(status, value):
    return Response(status, json.dumps(value).encode("utf-8"), "application/json; charset=utf-8", {})


class InfraRoutes:
    """The infrastructure routes of VbrApi (which provides authenticate, authorize, _select, _name_check, world, config)."""

    @property
    def infra(self):
        return self.world.vbr.infra

    def _unknown_route(self, request):
        raise ApiError(404, "The requested URI %s does not exist." % request.path, code="InvalidURI")

    def _found(self, table, object_id, what):
        found = table.get(object_id.lower()) if is_guid(object_id) else None
        if found is None:
            raise ApiError(404, "%s %s was not found." % (what, object_id), code="NotFound")
        return found

    # repositories

    def list_repositories(self, revision, request):
        """GET …/repositories: RepositoriesResult (performance extents are repositories too); nameFilter, skip, limit."""
        self.authenticate(request)
        return _json(200, self._select(request, list(self.infra.repositories.values()), [self._name_check(request, lambda r: r.name)],
                                       lambda r: repository_model(r, revision), {}))

    def get_repository(self, revision, request, repository_id):
        self.authenticate(request)
        return _json(200, repository_model(self._found(self.infra.repositories, repository_id, "Repository"), revision))

    def list_repository_states(self, revision, request):
        self.authenticate(request)
        return _json(200, self._select(request, list(self.infra.repositories.values()), [self._name_check(request, lambda r: r.name)],
                                       lambda r: repository_state(self.infra, r, revision), {}))

    # scale-out repositories

    def _busy_extents(self):
        """Extents shown Pending: those of a running maintenance session whose SOBR has a running job (the user guide's
        "Maintenance pending" while the extent is busy)."""
        busy = set()
        for session in self.infra.sessions.values():
            if session.state != "Stopped" and self._sobr_busy(session.sobr_id):
                busy.update(session.extent_ids)
        return busy

    def _sobr_busy(self, sobr_id):
        return any(job.current is not None and job.repository and job.repository[0] == sobr_id for job in self.world.vbr.jobs.values())

    def list_sobrs(self, revision, request):
        self.authenticate(request)
        busy = self._busy_extents()
        return _json(200, self._select(request, list(self.infra.sobrs.values()), [self._name_check(request, lambda s: s.name)],
                                       lambda s: sobr_model(self.infra, s, revision, busy), {}))

    def get_sobr(self, revision, request, sobr_id):
        self.authenticate(request)
        sobr = self._found(self.infra.sobrs, sobr_id, "Scale-out backup repository")
        return _json(200, sobr_model(self.infra, sobr, revision, self._busy_extents()))

    def _extent_ids(self, request):
        """ScaleOutExtentMaintenanceSpec.repositoryIds (required, a list of ids)."""
        try:
            spec = json.loads(request.text or "null")
        except ValueError as exc:
            raise ApiError(400, "The request body is not valid JSON.") from exc
        ids = spec.get("repositoryIds") if isinstance(spec, dict) else None
        if not isinstance(ids, list) or not ids or not all(isinstance(value, str) for value in ids):
            raise ApiError(400, "The request body must be an object with a non-empty list 'repositoryIds' (ScaleOutExtentMaintenanceSpec).")
        return [value.lower() for value in ids]

    def _check_extents(self, sobr, ids, mode, value):
        """400 for an id that is not a performance extent of this SOBR (naming its extents) or an extent already in that state."""
        names = ", ".join("%s (%s)" % (self.infra.repositories[i].name, i) for i in sobr.extent_ids)
        for extent_id in ids:
            if extent_id not in sobr.extent_ids:
                raise ApiError(400, "Repository %s is not a performance extent of scale-out backup repository '%s'. Its extents: %s."
                               % (extent_id, sobr.name, names))
            extent = self.infra.repositories[extent_id]
            if (mode in extent.modes) == value:
                raise ApiError(400, "Extent '%s' of scale-out backup repository '%s' is %s in %s mode."
                               % (extent.name, sobr.name, "already" if value else "not", mode))

    def sobr_mode(self, revision, request, sobr_id, action):
        """POST …/scaleOutRepositories/{id}/enable|disable Maintenance|Sealed Mode -> 201 RepositoryMaintenance session.
        The documents list no 404: an unknown SOBR is a 400 (assumed)."""
        self.authorize(self.authenticate(request), "infrastructure", revision)
        ids = self._extent_ids(request)
        sobr = self.infra.sobrs.get(sobr_id.lower()) if is_guid(sobr_id) else None
        if sobr is None:
            raise ApiError(400, "Scale-out backup repository %s was not found." % sobr_id, code="NotFound")
        mode, value = MODE_ACTIONS[action]
        self._check_extents(sobr, ids, mode, value)
        now = monotonic()
        session = InfraSession(id=new_id(), sobr_id=sobr.id, name="%s %s mode: %s" % ("Enable" if value else "Disable", mode, sobr.name),
                               mode=mode, value=value, extent_ids=ids, created=utcnow(),
                               end_at=now + float(self.config["vbr_maintenance_seconds"]), usn=self.world.vbr.next_usn())
        fault = request.task_fault
        if fault and fault["kind"] == "task_fail":
            session.fail_message = fault.get("message") or "Injected failure."
        elif fault and fault["kind"] == "task_stuck":
            session.stuck = True
        self.infra.sessions[session.id] = session
        return _json(201, session_model(session, revision))

    def tick_infra(self, now):
        """Maintenance sessions end (Success applies the mode) once their time is up and no job of their SOBR runs."""
        for session in self.infra.sessions.values():
            if session.state == "Stopped" or session.stuck or now < session.end_at or self._sobr_busy(session.sobr_id):
                continue
            session.state, session.end_time, session.usn = "Stopped", utcnow(), self.world.vbr.next_usn()
            if session.fail_message is not None:
                session.result, session.message = "Failed", session.fail_message
                continue
            session.result, session.progress = "Success", 100
            for extent_id in session.extent_ids:
                modes = self.infra.repositories[extent_id].modes
                if session.value:
                    modes.add(session.mode)
                else:
                    modes.discard(session.mode)

    def infra_session(self, revision, session_id):
        """The RepositoryMaintenance session with this id rendered, or None."""
        session = self.infra.sessions.get(session_id.lower()) if is_guid(session_id) else None
        return session_model(session, revision) if session else None

    # proxies

    def _visible_proxies(self, revision):
        """Proxies of a type the revision's EProxyType has (ViProxy only before 1.3-rev0)."""
        return [p for p in self.infra.proxies.values() if p.type == "ViProxy" or vbrrev.has(revision, "proxyStates")]

    def _proxy(self, revision, proxy_id):
        proxy = self._found(self.infra.proxies, proxy_id, "Proxy")
        if proxy not in self._visible_proxies(revision):
            raise ApiError(404, "Proxy %s was not found." % proxy_id, code="NotFound")
        return proxy

    def list_proxies(self, revision, request):
        self.authenticate(request)
        return _json(200, self._select(request, self._visible_proxies(revision), [self._name_check(request, lambda p: p.name)],
                                       lambda p: proxy_model(p, revision), {}))

    def get_proxy(self, revision, request, proxy_id):
        if proxy_id.lower() == "states":
            return self.list_proxy_states(revision, request)
        self.authenticate(request)
        return _json(200, proxy_model(self._proxy(revision, proxy_id), revision))

    def list_proxy_states(self, revision, request):
        """GET …/proxies/states (1.3-rev0+; before, an unknown route); isDisabledFilter."""
        if not vbrrev.has(revision, "proxyStates"):
            self._unknown_route(request)
        self.authenticate(request)
        wanted = (request.params.get("isdisabledfilter") or "").lower()
        checks = [self._name_check(request, lambda p: p.name),
                  (lambda p: str(p.disabled).lower() == wanted) if wanted in ("true", "false") else None]
        return _json(200, self._select(request, self._visible_proxies(revision), checks, proxy_state, {}))

    def proxy_toggle(self, revision, request, proxy_id, action):
        """POST …/proxies/{id}/enable|disable (1.3-rev0+) -> 204; a proxy already in that state also answers 204 (assumed: the
        documents are silent). The `task_stuck` fault answers 204 and changes nothing (a proxy that never changes)."""
        if not vbrrev.has(revision, "proxyStates"):
            self._unknown_route(request)
        self.authorize(self.authenticate(request), "infrastructure", revision)
        proxy = self._proxy(revision, proxy_id)
        fault = request.task_fault
        if not (fault and fault["kind"] == "task_stuck"):
            proxy.disabled = action == "disable"
        return Response(204)

    # configuration backup

    def get_config_backup(self, revision, request):
        """GET /api/v1/configBackup (Backup Administrator); 404 when the scenario has none (documented)."""
        self.authorize(self.authenticate(request), "infrastructure", revision)
        if self.infra.config_backup is None:
            raise ApiError(404, "Configuration backup settings were not found.", code="NotFound")
        return _json(200, self.infra.config_backup)

    def put_config_backup(self, revision, request):
        """PUT /api/v1/configBackup: the whole ConfigBackupModel replaces the settings; 400 names a missing required field."""
        self.authorize(self.authenticate(request), "infrastructure", revision)
        try:
            model = json.loads(request.text or "null")
        except ValueError as exc:
            raise ApiError(400, "The request body is not valid JSON.") from exc
        _check_config_backup(model, self.infra)
        self.infra.config_backup = model
        return _json(200, model)


# ConfigBackupModel's required fields, and those of its required parts (the same in every revision's document).
CONFIG_BACKUP_REQUIRED = {"": ("isEnabled", "backupRepositoryId", "restorePointsToKeep", "notifications", "schedule", "lastSuccessfulBackup",
                               "encryption"),
                          "notifications": ("SNMPEnabled",), "schedule": ("isEnabled",), "encryption": ("isEnabled", "passwordId")}


def _check_config_backup(model, infra):
    if not isinstance(model, dict):
        raise ApiError(400, "The request body must be a ConfigBackupModel object.")
    for part, names in CONFIG_BACKUP_REQUIRED.items():
        holder = model if not part else model.get(part)
        if not isinstance(holder, dict):
            raise ApiError(400, "The field '%s' must be an object." % part)
        for name in names:
            if name not in holder:
                raise ApiError(400, "The required field '%s' is missing." % (part + "." + name if part else name))
    if not isinstance(model["isEnabled"], bool):
        raise ApiError(400, "The field 'isEnabled' must be a boolean.")
    if str(model["backupRepositoryId"]).lower() not in infra.repositories:
        raise ApiError(400, "Repository %s was not found (backupRepositoryId)." % model["backupRepositoryId"])
