"""VB365 backup infrastructure: backup proxies (with v8's maintenance mode), v8's proxy pools and the backup repositories, as the
scenario's `vb365` section declares them and as each version's document (vb365_rest_v6.json, v7, v8) shows them.

One world answers every version, as a VB365 8 server answers /v6/ and /v7/ too: a Linux proxy, a pooled proxy or a repository
of a pool is listed by the older versions in their own shapes (without operatingSystem, proxyPoolId, maintenanceModeState).
The routes are answered by InfraRoutes, which Vb365Api inherits (the route table is vb365.ROUTES). Where the documents are
silent the choice is listed in README.md (VB365 assumptions 20-29).
"""

import json
from dataclasses import dataclass, field
from typing import Optional

from .messages import ApiError, Response
from .util import is_guid, monotonic, stable_id

JSON_TYPE = "application/json; charset=utf-8"
# RESTProxyOperatingSystem, RESTProxy.type and RESTProxy.status (vb365_rest_v8.json#/components/schemas/RESTProxy/properties).
OPERATING_SYSTEMS = ("Windows", "Linux")
PROXY_TYPES = ("Local", "Domain", "Workgroup")
PROXY_STATUSES = ("Online", "Offline")
# RESTObjectStorageType (vb365_rest_v8.json#/components/schemas/RESTObjectStorageType); the archive tiers are the long-term ones
# (RESTBackupRepository.isLongTerm: "Azure Blob Storage Archive access tier, Amazon S3 Glacier ...").
OBJECT_STORAGE_TYPES = ("AzureBlob", "AmazonS3", "AmazonS3Compatible", "AzureBlobArchive", "AmazonS3Glacier", "WasabiCloud", "IBMCloud")
LONG_TERM_TYPES = ("AzureBlobArchive", "AmazonS3Glacier")
# What the scenario's credentials of a proxy hold, by its operating system (see RESTProxyCredentialsFromClient below).
CREDENTIAL_KEYS = {"Windows": ("username", "password"), "Linux": ("account", "password")}
DEFAULT_CREDENTIALS = {"Windows": {"username": "BACKUPOPS\\vb365svc", "password": "Proxy-Passw0rd-2026!"},
                       "Linux": {"account": "veeam", "password": "Proxy-Passw0rd-2026!"}}
PROXY_KEYS = {"name", "id", "os", "type", "pool", "status", "maintenance", "credentials", "description"}
POOL_KEYS = {"name", "id", "description"}
REPOSITORY_KEYS = {"name", "id", "proxy", "pool", "longTerm", "objectStorage", "path", "description"}
INFRA_KEYS = ("proxies", "proxy_pools", "repositories")
# The stable-id kind of repositories: "repository" is the one state.REPOSITORY_ID and COPY_REPOSITORY_ID are made with, so the
# default repositories below have the ids the default jobs already carry.
REPOSITORY_KIND = "repository"
# What a scenario without infrastructure keys gets: the two repositories the jobs name by default (the backup jobs' Object Storage
# Repository and the copy jobs' archive tier, both on the Windows proxy: a copy job copies between repositories of one proxy),
# one pool of two Linux proxies (v8) with a repository of its own that no default job uses.
DEFAULT_INFRASTRUCTURE = {
    "proxy_pools": [{"name": "Linux Proxy Pool", "description": "Linux backup proxies"}],
    "proxies": [{"name": "vb365proxy01.backupops.local", "os": "Windows"},
                {"name": "vb365lnx01.backupops.local", "os": "Linux", "pool": "Linux Proxy Pool"},
                {"name": "vb365lnx02.backupops.local", "os": "Linux", "pool": "Linux Proxy Pool"}],
    "repositories": [{"name": "Object Storage Repository", "proxy": "vb365proxy01.backupops.local", "objectStorage": "AzureBlob"},
                     {"name": "Azure Archive Repository", "proxy": "vb365proxy01.backupops.local", "longTerm": True},
                     {"name": "Linux Pool Repository", "pool": "Linux Proxy Pool", "objectStorage": "AmazonS3"}],
}


class InfraScenarioError(ValueError):
    """An invalid infrastructure key of the `vb365` scenario section (state.py turns it into a ScenarioError)."""


@dataclass
class Proxy:
    id: str
    host_name: str
    os: str = "Windows"
    type: str = "Domain"
    pool_id: Optional[str] = None
    status: str = "Online"
    description: str = ""
    credentials: dict = field(default_factory=dict)
    # RESTProxy.maintenanceModeState (Disabled | Enabling | Enabled); while Enabling, `settles_at` (monotonic) is when it ends.
    maintenance: str = "Disabled"
    settles_at: Optional[float] = None
    # The task_fail fault: the Enabling ends Disabled with this message (shown in /_sim/state); task_stuck: it never ends.
    fail_message: Optional[str] = None
    stuck: bool = False
    last_error: Optional[str] = None


@dataclass
class ProxyPool:
    id: str
    name: str
    description: str = ""


@dataclass
class Repository:
    id: str
    name: str
    description: str = ""
    path: str = ""
    proxy_id: Optional[str] = None
    pool_id: Optional[str] = None
    # A RESTObjectStorageType, or None for a JET-based (local disk) repository.
    object_storage: Optional[str] = "AzureBlob"

    @property
    def long_term(self):
        return self.object_storage in LONG_TERM_TYPES

    @property
    def object_storage_id(self):
        return stable_id("vb365-object-storage", self.name) if self.object_storage else None


class Infrastructure:
    """The proxies, proxy pools and repositories of one VB365 server, by id."""

    def __init__(self):
        self.proxies = {}
        self.pools = {}
        self.repositories = {}

    @staticmethod
    def by_name(table, name):
        return next((item for item in table.values() if getattr(item, "name", None) == name or getattr(item, "host_name", None) == name), None)

    def snapshot(self):
        return {"proxies": [{"id": p.id, "hostName": p.host_name, "operatingSystem": p.os, "proxyPoolId": p.pool_id, "status": p.status,
                             "maintenanceModeState": p.maintenance, "lastMaintenanceError": p.last_error} for p in self.proxies.values()],
                "proxyPools": [{"id": p.id, "name": p.name} for p in self.pools.values()],
                "repositories": [{"id": r.id, "name": r.name, "proxyId": r.proxy_id, "proxyPoolId": r.pool_id, "isLongTerm": r.long_term,
                                  "objectStorage": r.object_storage} for r in self.repositories.values()]}


# -- scenario ---------------------------------------------------------------------------------------------


def _object(item, keys, what):
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise InfraScenarioError("every %s must be an object with a non-empty name: %r" % (what, item))
    unknown = set(item) - keys
    if unknown:
        raise InfraScenarioError("%s %r has unknown keys %s (allowed: %s)" % (what, item["name"], sorted(unknown), ", ".join(sorted(keys))))
    return item


def _unique_id(table, item, kind, what):
    if Infrastructure.by_name(table, item["name"]) is not None:
        raise InfraScenarioError("%s %r is listed twice" % (what, item["name"]))
    if item.get("id") and not is_guid(str(item["id"])):
        raise InfraScenarioError("%s %r: id must be a GUID, got %r" % (what, item["name"], item["id"]))
    value = str(item["id"]).lower() if item.get("id") else stable_id(kind, item["name"])
    if value in table:
        raise InfraScenarioError("%s %r: id %s is already %r's" % (what, item["name"], value, getattr(table[value], "name", None) or table[value].host_name))
    return value


def _choice(item, key, allowed, default, what):
    value = item.get(key, default)
    if value not in allowed:
        raise InfraScenarioError("%s %r: %s must be one of %s, got %r" % (what, item["name"], key, ", ".join(allowed), value))
    return value


def _credentials(item, os_name):
    """The proxy's credentials: {username, password} for Windows, {account, password} for Linux (non-empty strings)."""
    value = item.get("credentials", DEFAULT_CREDENTIALS[os_name])
    keys = CREDENTIAL_KEYS[os_name]
    if not isinstance(value, dict) or set(value) != set(keys) or not all(isinstance(value[key], str) and value[key] for key in keys):
        raise InfraScenarioError("vb365 proxy %r: credentials of a %s proxy must be {%s} (non-empty strings), got %r"
                                 % (item["name"], os_name, ", ".join(keys), value))
    return dict(value)


def _pool_id(item, infra, what):
    pool = infra.by_name(infra.pools, item["pool"])
    if pool is None:
        raise InfraScenarioError("%s %r: pool %r names no vb365.proxy_pools entry" % (what, item["name"], item["pool"]))
    return pool.id


def _proxy(item, infra):
    _object(item, PROXY_KEYS, "vb365 proxy")
    os_name = _choice(item, "os", OPERATING_SYSTEMS, "Windows", "vb365 proxy")
    if not isinstance(item.get("maintenance", False), bool):
        raise InfraScenarioError("vb365 proxy %r: maintenance must be true or false" % item["name"])
    return Proxy(id=_unique_id(infra.proxies, item, "vb365-proxy", "vb365 proxy"), host_name=item["name"], os=os_name,
                 type=_choice(item, "type", PROXY_TYPES, "Domain" if os_name == "Windows" else "Workgroup", "vb365 proxy"),
                 pool_id=_pool_id(item, infra, "vb365 proxy") if item.get("pool") is not None else None,
                 status=_choice(item, "status", PROXY_STATUSES, "Online", "vb365 proxy"),
                 description=item.get("description", "Backup proxy server %s" % item["name"]), credentials=_credentials(item, os_name),
                 maintenance="Enabled" if item.get("maintenance") else "Disabled")


def _pool(item, infra):
    _object(item, POOL_KEYS, "vb365 proxy pool")
    return ProxyPool(id=_unique_id(infra.pools, item, "vb365-proxy-pool", "vb365 proxy pool"), name=item["name"],
                     description=item.get("description", ""))


def _object_storage(item):
    """The repository's RESTObjectStorageType (null: a JET-based repository); `longTerm` must agree with it."""
    long_term = item.get("longTerm", False)
    if not isinstance(long_term, bool):
        raise InfraScenarioError("vb365 repository %r: longTerm must be true or false" % item["name"])
    kind = item.get("objectStorage", "AzureBlobArchive" if long_term else "AzureBlob")
    if kind is not None and kind not in OBJECT_STORAGE_TYPES:
        raise InfraScenarioError("vb365 repository %r: objectStorage must be null (a JET-based repository) or one of %s, got %r"
                                 % (item["name"], ", ".join(OBJECT_STORAGE_TYPES), kind))
    if long_term != (kind in LONG_TERM_TYPES):
        raise InfraScenarioError("vb365 repository %r: longTerm is %s but objectStorage %r is %sa long-term type (%s)"
                                 % (item["name"], str(long_term).lower(), kind, "" if kind in LONG_TERM_TYPES else "not ", ", ".join(LONG_TERM_TYPES)))
    return kind


def _repository(item, infra):
    """A repository served by exactly one proxy or one proxy pool (bp.veeam.com/vb365/guide/buildconfig/proxy)."""
    _object(item, REPOSITORY_KEYS, "vb365 repository")
    if (item.get("proxy") is None) == (item.get("pool") is None):
        raise InfraScenarioError("vb365 repository %r needs exactly one of proxy (a proxy's name) or pool (a proxy pool's name)" % item["name"])
    proxy_id = None
    if item.get("proxy") is not None:
        proxy = infra.by_name(infra.proxies, item["proxy"])
        if proxy is None:
            raise InfraScenarioError("vb365 repository %r: proxy %r names no vb365.proxies entry" % (item["name"], item["proxy"]))
        proxy_id = proxy.id
    kind = _object_storage(item)
    return Repository(id=_unique_id(infra.repositories, item, REPOSITORY_KIND, "vb365 repository"), name=item["name"],
                      description=item.get("description", "Created by BACKUPOPS\\backupops."),
                      path=item.get("path", "C:\\VeeamRepository\\%s" % item["name"] if kind is None else "C:\\VeeamCache\\%s" % item["name"]),
                      proxy_id=proxy_id, pool_id=_pool_id(item, infra, "vb365 repository") if item.get("pool") is not None else None,
                      object_storage=kind)


def build(section):
    """The Infrastructure of the scenario's `vb365` section; DEFAULT_INFRASTRUCTURE when it has none of the INFRA_KEYS."""
    if not any(key in section for key in INFRA_KEYS):
        section = DEFAULT_INFRASTRUCTURE
    infra = Infrastructure()
    for key in INFRA_KEYS:
        if not isinstance(section.get(key) or [], list):
            raise InfraScenarioError("vb365.%s must be a list" % key)
    for key, table, make in (("proxy_pools", infra.pools, _pool), ("proxies", infra.proxies, _proxy),
                             ("repositories", infra.repositories, _repository)):
        for item in section.get(key) or []:
            made = make(item, infra)
            table[made.id] = made
    return infra


def declares_repositories(section):
    """Whether the scenario's own repositories (not the default ones) are what jobs must name."""
    return "repositories" in (section or {})


# -- documents --------------------------------------------------------------------------------------------


def proxy_model(proxy, version, extended):
    """RESTProxy. v6/v7: threadsNumber, throttlingValue and throttlingUnit only in the extended view of an online proxy
    (vb365_rest_v7.json#/paths/~1v7~1Proxies/get/parameters/0/description); v7 adds fqdn; v8 drops threadsNumber and extendedView
    and adds operatingSystem, proxyPoolId, maintenanceModeState, cpu/memory usage, version, serviceAccount and role."""
    prefix = "/v%d" % version
    body = {"id": proxy.id, "hostName": proxy.host_name}
    if version >= 7:
        body["fqdn"] = proxy.host_name
    body.update({"type": proxy.type, "description": proxy.description, "port": 9193, "useInternetProxy": False,
                 "enableNetworkThrottling": False, "status": proxy.status})
    online = proxy.status == "Online"
    if version < 8 and extended and online:
        body["threadsNumber"] = 64
    if version >= 8 or (extended and online):
        body.update(throttlingValue=100, throttlingUnit="Mbps")
    links = {"self": {"href": "%s/Proxies/%s" % (prefix, proxy.id)}}
    if version >= 8:
        body.update(operatingSystem=proxy.os, proxyPoolId=proxy.pool_id, maintenanceModeState=proxy.maintenance,
                    cpuUsagePercent=12.5 if online else None, memoryUsagePercent=41.0 if online else None,
                    version="8.1.2.180" if online else None, role=["Processor"],
                    serviceAccount="LocalSystem" if proxy.os == "Windows" else proxy.credentials["account"])
        if proxy.pool_id:
            links["proxyPool"] = {"href": "%s/ProxyPools/%s" % (prefix, proxy.pool_id)}
    body["_links"] = links
    return body


def pool_model(pool, version):
    """RESTProxyPool (v8)."""
    prefix = "/v%d" % version
    return {"id": pool.id, "name": pool.name, "description": pool.description,
            "_links": {"self": {"href": "%s/ProxyPools/%s" % (prefix, pool.id)}, "proxies": {"href": "%s/ProxyPools/%s/proxies" % (prefix, pool.id)}}}


def _object_storage_model(repository):
    """RESTObjectStorageComposed (v8's RESTBackupRepository.objectStorage): the fields every object storage type has."""
    body = {"id": repository.object_storage_id, "type": repository.object_storage, "sizeLimitEnabled": False, "usedSpaceBytes": 53687091200,
            "enableImmutability": False}
    body["azureFolder" if repository.object_storage.startswith("Azure") else "s3Folder"] = "vb365/%s" % repository.name
    return body


def repository_model(repository, version, organization_id):
    """RESTBackupRepository. v6/v7: objectStorageId, objectStorageCachePath; v8: objectStorage (RESTObjectStorageComposed, left
    out for a JET-based repository: the schema is a non-nullable $ref), proxyPoolId, organizationId and the state flags.
    A repository of a pool has proxyId null in every version (pools exist from v8 only)."""
    prefix = "/v%d" % version
    jet = repository.object_storage is None
    body = {"id": repository.id, "name": repository.name, "description": repository.description, "path": repository.path,
            "retentionType": "SnapshotBased", "retentionPeriodType": "Yearly", "yearlyRetentionPeriod": "Years3",
            "retentionFrequencyType": "Daily", "dailyTime": "18:00:00", "dailyType": "Everyday", "proxyId": repository.proxy_id,
            "isLongTerm": repository.long_term, "isOutOfSync": False, "objectStorageEncryptionEnabled": False,
            "capacityBytes": 1099511627776 if jet else None, "freeSpaceBytes": 824633720832 if jet else None}
    links = {"self": {"href": "%s/BackupRepositories/%s" % (prefix, repository.id)}}
    if repository.proxy_id:
        links["proxy"] = {"href": "%s/Proxies/%s" % (prefix, repository.proxy_id)}
    if version < 8:
        body["objectStorageId"] = repository.object_storage_id
        if not jet:
            body["objectStorageCachePath"] = repository.path
    else:
        body.update(proxyPoolId=repository.pool_id, organizationId=organization_id, isOutdated=False, isIndexed=True,
                    isMigrationLocked=False, isOutOfOrder=False, outOfOrderReason=None)
        if not jet:
            body["objectStorage"] = _object_storage_model(repository)
        if repository.pool_id:
            links["proxyPool"] = {"href": "%s/ProxyPools/%s" % (prefix, repository.pool_id)}
    body["_links"] = links
    return body


# -- the API ----------------------------------------------------------------------------------------------


def _json(status, value):
    return Response(status, json.dumps(value).encode("utf-8"), JSON_TYPE, {})


def _boolean(request, name):
    """A boolean query parameter (None when absent); anything but true/false is 400."""
    raw = request.params.get(name.lower(), "")
    if raw == "":
        return None
    if raw.lower() not in ("true", "false"):
        raise ApiError(400, "The value '%s' is not valid for %s." % (raw, name))
    return raw.lower() == "true"


def _guid_param(request, name):
    raw = request.params.get(name.lower(), "")
    if raw and not is_guid(raw):
        raise ApiError(400, "The value '%s' is not valid for %s." % (raw, name))
    return raw.lower() or None


class InfraRoutes:
    """The infrastructure routes of Vb365Api (which provides authenticate, _page, _require_json, world and config)."""

    @property
    def infra(self):
        return self.world.vb365_infra

    @staticmethod
    def _found(table, object_id, what):
        if not is_guid(object_id):
            raise ApiError(400, "The value '%s' is not a valid %s ID." % (object_id, what))
        found = table.get(object_id.lower())
        if found is None:
            raise ApiError(404, "%s with ID '%s' was not found." % (what[0].upper() + what[1:], object_id))
        return found

    # proxies

    def list_proxies(self, version, request):
        """GET /vN/Proxies: a list in v6/v7 (extendedView, default true in v6, false in v7), a PageOfRESTProxy in v8."""
        self.authenticate(request)
        return self._proxies_answer(version, request, list(self.infra.proxies.values()), "Proxies")

    def _proxies_answer(self, version, request, proxies, resource):
        if version >= 8:
            return _json(200, self._page(request, version, resource, proxies, lambda proxy, v: proxy_model(proxy, v, True)))
        extended = _boolean(request, "extendedView")
        extended = (version == 6) if extended is None else extended
        return _json(200, [proxy_model(proxy, version, extended) for proxy in proxies])

    def get_proxy(self, version, request, proxy_id):
        self.authenticate(request)
        extended = _boolean(request, "extendedView") if version < 8 else True
        extended = (version == 6) if extended is None else extended
        return _json(200, proxy_model(self._found(self.infra.proxies, proxy_id, "backup proxy server"), version, extended))

    def proxy_maintenance(self, _version, request, proxy_id, action):
        """POST /v8/Proxies/{id}/maintenance/enable|disable with a RESTProxyCredentialsFromClient (required) -> 204. Enable: Enabling,
        then Enabled after vb365_maintenance_seconds; disable: Disabled at once (the enum has no Disabling)."""
        self.authenticate(request, write=True)
        proxy = self._found(self.infra.proxies, proxy_id, "backup proxy server")
        given = self._credentials_body(request, proxy)
        if proxy.status != "Online":
            raise ApiError(400, "Backup proxy server '%s' is offline." % proxy.host_name, code="ProxyOffline")
        self._check_credentials(proxy, given)
        fault = request.task_fault
        if action == "enable":
            if proxy.maintenance != "Disabled":
                raise ApiError(409, "Maintenance mode of backup proxy server '%s' is already %s." % (proxy.host_name, proxy.maintenance.lower()))
            proxy.maintenance, proxy.last_error = "Enabling", None
            proxy.settles_at = monotonic() + float(self.config["vb365_maintenance_seconds"])
            proxy.stuck = bool(fault and fault["kind"] == "task_stuck")
            proxy.fail_message = (fault.get("message") or "Injected failure.") if fault and fault["kind"] == "task_fail" else None
        else:
            if proxy.maintenance == "Disabled":
                raise ApiError(409, "Maintenance mode of backup proxy server '%s' is not enabled." % proxy.host_name)
            if fault:
                # task_fail / task_stuck: the answer is 204, yet the proxy stays in maintenance mode.
                proxy.last_error = fault.get("message") or "Injected failure."
            else:
                proxy.maintenance, proxy.settles_at, proxy.stuck, proxy.fail_message = "Disabled", None, False, None
        return Response(204)

    def _credentials_body(self, request, proxy):
        """The RESTProxyCredentialsFromClient of the proxy's operating system: {username, password} (Windows) or
        {sshSettings: {account, accountPassword, ...}} (Linux); another shape is 400."""
        self._require_json(request)
        try:
            body = json.loads(request.text or "null")
        except ValueError as exc:
            raise ApiError(400, "The request body is not valid JSON.") from exc
        name = proxy.host_name
        if proxy.os == "Windows":
            if not isinstance(body, dict) or body.get("sshSettings") is not None or not all(
                    isinstance(body.get(key), str) and body[key] for key in ("username", "password")):
                raise ApiError(400, "Backup proxy server '%s' runs Windows: the request body must be a RESTProxyCredentialsFromClient "
                                    '{"username": ..., "password": ...} (no sshSettings).' % name)
            return {"username": body["username"], "password": body["password"]}
        ssh = body.get("sshSettings") if isinstance(body, dict) else None
        if not isinstance(ssh, dict) or body.get("username") is not None or not all(
                isinstance(ssh.get(key), str) and ssh[key] for key in ("account", "accountPassword")):
            raise ApiError(400, "Backup proxy server '%s' runs Linux: the request body must be a RESTProxyCredentialsFromClient "
                                '{"sshSettings": {"account": ..., "accountPassword": ...}} (no username/password; key-based SSH '
                                "logons are not simulated)." % name)
        return {"account": ssh["account"], "password": ssh["accountPassword"]}

    @staticmethod
    def _check_credentials(proxy, given):
        """403 ResourceAccessDenied when they are not the scenario's (Windows user names compare case-insensitively)."""
        expected = proxy.credentials
        user_key = "username" if proxy.os == "Windows" else "account"
        same_user = (given[user_key].lower() == expected[user_key].lower()) if proxy.os == "Windows" else given[user_key] == expected[user_key]
        if not same_user or given["password"] != expected["password"]:
            raise ApiError(403, "Cannot connect to backup proxy server '%s': the %s or password is incorrect."
                           % (proxy.host_name, "user name" if proxy.os == "Windows" else "SSH account"))

    def tick_infra(self, now):
        """An Enabling proxy becomes Enabled (Disabled with task_fail) once its time is up; task_stuck keeps it Enabling."""
        for proxy in self.infra.proxies.values():
            if proxy.maintenance != "Enabling" or proxy.stuck or proxy.settles_at is None or now < proxy.settles_at:
                continue
            proxy.settles_at = None
            if proxy.fail_message is not None:
                proxy.maintenance, proxy.last_error, proxy.fail_message = "Disabled", proxy.fail_message, None
            else:
                proxy.maintenance = "Enabled"

    # proxy pools (v8)

    def list_proxy_pools(self, version, request):
        self.authenticate(request)
        return _json(200, self._page(request, version, "ProxyPools", list(self.infra.pools.values()), pool_model))

    def get_proxy_pool(self, version, request, pool_id):
        self.authenticate(request)
        return _json(200, pool_model(self._found(self.infra.pools, pool_id, "backup proxy pool"), version))

    def pool_proxies(self, version, request, pool_id):
        """GET /v8/ProxyPools/{poolId}/proxies: a PageOfRESTProxy of the pool's proxies."""
        self.authenticate(request)
        pool = self._found(self.infra.pools, pool_id, "backup proxy pool")
        proxies = [proxy for proxy in self.infra.proxies.values() if proxy.pool_id == pool.id]
        return self._proxies_answer(version, request, proxies, "ProxyPools/%s/proxies" % pool.id)

    # repositories

    def _organizations(self, repository_id):
        """The organizations whose jobs (backup or copy) write to the repository."""
        jobs = list(self.world.vb365_jobs.values()) + list(self.world.vb365_copy_jobs.values())
        return {job.organization_id for job in jobs if job.repository_id == repository_id}

    def _organization_of(self, repository):
        """RESTBackupRepository.organizationId ("Backed-up organization ID"): the one organization backed up there, else null."""
        organizations = self._organizations(repository.id)
        return next(iter(organizations)) if len(organizations) == 1 else None

    def _render_repository(self, repository, version):
        return repository_model(repository, version, self._organization_of(repository))

    def list_repositories(self, version, request):
        """GET /vN/BackupRepositories: proxyId and longTerm (a list) in v6/v7; v8 adds proxyPoolId, organizationId and paging."""
        self.authenticate(request)
        repositories = list(self.infra.repositories.values())
        wanted = {"proxyId": _guid_param(request, "proxyId")}
        if version >= 8:
            wanted.update(proxyPoolId=_guid_param(request, "proxyPoolId"), organizationId=_guid_param(request, "organizationId"))
        checks = {"proxyId": lambda r, value: r.proxy_id == value, "proxyPoolId": lambda r, value: r.pool_id == value,
                  "organizationId": lambda r, value: value in self._organizations(r.id)}
        for name, value in wanted.items():
            if value:
                repositories = [r for r in repositories if checks[name](r, value)]
        # longTerm=true: the archive tiers only; false: "all object storage repositories and JET-based backup repositories".
        if _boolean(request, "longTerm"):
            repositories = [r for r in repositories if r.long_term]
        if version < 8:
            return _json(200, [self._render_repository(r, version) for r in repositories])
        return _json(200, self._page(request, version, "BackupRepositories", repositories, self._render_repository))

    def get_repository(self, version, request, repository_id):
        self.authenticate(request)
        return _json(200, self._render_repository(self._found(self.infra.repositories, repository_id, "backup repository"), version))
