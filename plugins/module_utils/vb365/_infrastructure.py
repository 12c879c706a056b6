# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Veeam Backup for Microsoft 365 backup infrastructure: proxy maintenance mode (v8) as an ObjectKind the generic runner
drives, and the read of the infrastructure info module (proxies, proxy pools, repositories and the jobs on each). Private.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import collections

from ansible.module_utils.basic import env_fallback

from ansible_collections.backupops.veeam.plugins.module_utils._api import ObjectKind
from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._objects import SETTLING, InfraObject, select_objects

# maintenanceModeState (v8): Enabling is a change under way.
MAINTENANCE_STATES = {"Enabled": True, "Disabled": False, "Enabling": SETTLING}
# The first version whose document has proxy maintenance mode, and the oldest whose infrastructure the collection reads.
MAINTENANCE_SINCE, INFRASTRUCTURE_SINCE = "v8", "v6"


def _env(name):
    return dict(fallback=(env_fallback, [name]))


def proxy_object(raw):
    """An InfraObject of a RESTProxy (v8: maintenanceModeState and operatingSystem)."""
    state = raw.get("maintenanceModeState")
    return InfraObject(str(raw.get("id")).lower(), raw.get("hostName") or "", dict(maintenance=MAINTENANCE_STATES.get(state, SETTLING)),
                       dict(operating_system=raw.get("operatingSystem"), status=raw.get("status"), proxy_pool_id=raw.get("proxyPoolId"),
                            maintenance_state=state))


def proxy_credentials(params, operating_system):
    """RESTProxyCredentialsFromClient for a proxy: the Windows account, or SSH settings for a Linux proxy."""
    if operating_system != "Linux":
        return dict(username=params["proxy_username"], password=params["proxy_password"])
    ssh = dict(account=params["proxy_username"], accountPassword=params["proxy_password"], port=params["proxy_ssh_port"],
               elevateAccountToRoot=params["proxy_ssh_elevate_to_root"])
    if params["proxy_ssh_private_key"]:
        ssh["privateKeyBase64"] = base64.b64encode(params["proxy_ssh_private_key"].encode("utf-8")).decode("ascii")
        ssh["privateKeyPassphrase"] = params["proxy_ssh_private_key_passphrase"]
    return dict(sshSettings=dict((key, value) for key, value in ssh.items() if value is not None))


class Proxies(ObjectKind):
    """Backup proxies of a VB365 v8 server: maintenance mode on or off (the request carries the proxy's own credentials)."""

    name, title, plural, module = "proxies", "backup proxy", "backup proxies", "backupops.veeam.veeam_o365_proxy"
    fields = ("maintenance",)
    options = dict(
        name=dict(type="list", elements="str"), id=dict(type="list", elements="str"), maintenance=dict(type="bool", required=True),
        proxy_username=dict(type="str", **_env("VEEAM_VB365_PROXY_USERNAME")),
        proxy_password=dict(type="str", no_log=True, **_env("VEEAM_VB365_PROXY_PASSWORD")),
        proxy_ssh_port=dict(type="int", default=22),
        proxy_ssh_private_key=dict(type="str", no_log=True, **_env("VEEAM_VB365_PROXY_SSH_PRIVATE_KEY")),
        proxy_ssh_private_key_passphrase=dict(type="str", no_log=True, **_env("VEEAM_VB365_PROXY_SSH_PRIVATE_KEY_PASSPHRASE")),
        proxy_ssh_elevate_to_root=dict(type="bool", default=False),
    )
    required_one_of = (("name", "id"),)
    mutually_exclusive = (("name", "id"),)

    def problems(self, params):
        problems = ["%s must not contain empty values" % option for option in ("name", "id")
                    if any(not (value or "").strip() for value in params.get(option) or [])]
        if params["api_version"] != MAINTENANCE_SINCE:
            problems.append("api_version %s has no proxy maintenance mode: POST /v8/Proxies/{id}/maintenance/enable|disable arrives with "
                            "v8 (Veeam Backup for Microsoft 365 8); set api_version to v8, or on an older server quiesce the jobs of the "
                            "proxy's repositories instead (veeam_o365_job state=disabled, or the maintenance window)" % params["api_version"])
        return problems

    def read(self, client, params):
        return [proxy_object(raw) for raw in client.collection("Proxies", "proxies")]

    def select(self, objects, params):
        return select_objects(objects, params["name"] or params["id"], self.title, "on the server")

    def requirements(self, params):
        if params["proxy_username"] and (params["proxy_password"] or params["proxy_ssh_private_key"]):
            return []
        return ["changing maintenance mode needs the proxy's own credentials, which the server uses to reach it: set proxy_username "
                "and proxy_password (or proxy_ssh_private_key for a Linux proxy), or the environment variables VEEAM_VB365_PROXY_USERNAME "
                "and VEEAM_VB365_PROXY_PASSWORD (the AWX credential type's proxy fields)"]

    def write(self, client, objects, field, value, params):
        """One request per proxy, with its credentials: 204, no session (the state then moves Enabling -> Enabled)."""
        return [(_switch_maintenance(client, obj, value, params), [obj]) for obj in objects]


def _switch_maintenance(client, obj, value, params):
    """POST /v8/Proxies/{id}/maintenance/enable|disable with the proxy's credentials (a 403: the server could not use them)."""
    body = proxy_credentials(params, obj.details["operating_system"])
    if "privateKeyBase64" in body.get("sshSettings", {}):
        client.register_secret(body["sshSettings"]["privateKeyBase64"])
    try:
        client.call("POST", "%s/Proxies/%s/maintenance/%s" % (MAINTENANCE_SINCE, obj.id, "enable" if value else "disable"),
                    expect=(200, 204), json=body)
    except VeeamApiError as exc:
        if exc.status == 403:
            exc.message = "the server could not use the credentials of proxy_username %r on the proxy %r (403): %s" % (
                params["proxy_username"], obj.name, exc.server_message or "access denied")
        raise
    return None


def _jobs_by_repository(backups, copies):
    """{lower-case repository id: [{id, name, kind, role}]}: backup jobs on it (target), copy jobs writing to it (target) and
    copy jobs whose backup job is on it (source)."""
    found = collections.defaultdict(list)
    repository_of = dict((str(job.get("id")).lower(), str(job.get("repositoryId")).lower()) for job in backups)
    for job in backups:
        found[str(job.get("repositoryId")).lower()].append(dict(id=job.get("id"), name=job.get("name"), kind="backup", role="target"))
    for job in copies:
        entry = dict(id=job.get("id"), name=job.get("name"), kind="copy")
        found[str(job.get("repositoryId")).lower()].append(dict(entry, role="target"))
        source = repository_of.get(str(job.get("backupJobId")).lower())
        if source:
            found[source].append(dict(entry, role="source"))
    return found


def read_infrastructure(client):
    """Proxies (with maintenance state and pool in v8), proxy pools (v8), repositories with their proxy or pool and the jobs
    on each, and what the version spoken cannot show."""
    if not client.can.copy_jobs:
        raise JobModuleError("api_version %s: the backup infrastructure is read from v6 (Veeam Backup for Microsoft 365 6) on, the oldest "
                             "version whose document the collection follows; set api_version to the newest your server offers." % client.version)
    v8 = client.version == MAINTENANCE_SINCE
    uses = _jobs_by_repository(client.collection("Jobs", "backup jobs"), client.collection("CopyJobs", "copy jobs"))
    proxies = [dict(id=raw.get("id"), host_name=raw.get("hostName"), status=raw.get("status"), type=raw.get("type"),
                    operating_system=raw.get("operatingSystem"), proxy_pool_id=raw.get("proxyPoolId"),
                    maintenance_state=raw.get("maintenanceModeState")) for raw in client.collection("Proxies", "proxies")]
    pools = [dict(id=raw.get("id"), name=raw.get("name"), description=raw.get("description"))
             for raw in client.collection("ProxyPools", "proxy pools")] if v8 else []
    repositories = [dict(id=raw.get("id"), name=raw.get("name"), proxy_id=raw.get("proxyId"), proxy_pool_id=raw.get("proxyPoolId"),
                         is_long_term=raw.get("isLongTerm"), jobs=uses.get(str(raw.get("id")).lower(), []))
                    for raw in client.collection("BackupRepositories", "backup repositories")]
    not_shown = [] if v8 else ["api_version %s: proxies show no maintenance state or operating system and there are no proxy pools "
                               "(both arrive with v8)" % client.version]
    return dict(proxies=proxies, proxy_pools=pools, repositories=repositories, not_shown=not_shown)


KINDS = (Proxies(),)
