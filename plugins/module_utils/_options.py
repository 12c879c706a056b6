# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Option groups shared by the modules (they mirror plugins/doc_fragments) and their validation. Private to the collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import IF_RUNNING, STATES
from ansible_collections.backupops.veeam.plugins.module_utils._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, HttpClient

VB365 = "vb365"
EM = "em"
DEFAULT_PORTS = {VB365: 4443, EM: 9398}
VB365_VERSIONS = ["v2", "v3", "v4", "v5", "v6", "v7", "v8"]


def _env(name):
    return dict(fallback=(env_fallback, [name]))


def connection_spec(api):
    prefix = "VEEAM_%s_" % api.upper()
    # Required, but checked by _check: an empty value (an AWX credential field left blank) needs the same advice as a missing one.
    spec = dict(
        server=dict(type="str", **_env(prefix + "SERVER")),
        port=dict(type="int", default=DEFAULT_PORTS[api]),
        username=dict(type="str", **_env(prefix + "USERNAME")),
        password=dict(type="str", no_log=True, **_env(prefix + "PASSWORD")),
        validate_certs=dict(type="bool", default=True, **_env("VEEAM_VALIDATE_CERTS")),
        ca_path=dict(type="path", **_env("VEEAM_CA_PATH")),
        timeout=dict(type="int", default=30),
        use_proxy=dict(type="bool", default=True),
    )
    if api == VB365:
        spec["api_version"] = dict(type="str", default="v8", choices=VB365_VERSIONS)
    else:
        spec["format"] = dict(type="str", default="xml", choices=["xml", "json"])
    return spec


SELECTION_SPEC = dict(
    id=dict(type="list", elements="str"),
    name=dict(type="list", elements="str"),
    all_jobs=dict(type="bool", default=False),
)

STATE_SPEC = dict(
    state=dict(type="str", required=True, choices=list(STATES)),
    if_running=dict(type="str", default="leave", choices=list(IF_RUNNING)),
    enable_if_disabled=dict(type="bool", default=False),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
    wait_sleep=dict(type="float", default=3),
    wait_for_completion=dict(type="bool", default=False),
    write_concurrency=dict(type="int", default=1),
)
# More would exceed the HTTP connection pool (10) and what a Veeam server should be asked to take from one client.
MAX_WRITE_CONCURRENCY = 8


def job_module(api):
    """The AnsibleModule of a job module: connection, selection, declared state."""
    spec = connection_spec(api)
    spec.update(SELECTION_SPEC)
    spec.update(STATE_SPEC)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           mutually_exclusive=[("id", "name", "all_jobs")], required_one_of=[("id", "name", "all_jobs")])
    _check(module, api, selection_required=True)
    for warning in ignored_options(module.params):
        module.warn(warning)
    return module


def info_module(api, **own):
    """The AnsibleModule of an info module: connection and an optional selection."""
    spec = connection_spec(api)
    spec.update(SELECTION_SPEC)
    spec.update(own)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, mutually_exclusive=[("id", "name", "all_jobs")])
    _check(module, api, selection_required=False)
    if (module.params.get("sessions") or 0) < 0:
        module.fail_json(msg="Invalid options: sessions must be 0 or more, got %s." % module.params["sessions"])
    return module


# Where each connection setting can come from, for the message that says it is missing.
INVENTORY_VARIABLES = dict(server="veeam_server", username="veeam_username", password="veeam_password")
API_NAMES = {VB365: "Veeam Backup for Microsoft 365", EM: "Veeam Backup Enterprise Manager"}


def missing_connection_settings(params, api):
    """A message per connection setting that is missing or blank, naming every place it can be set."""
    problems = []
    for option, variable in INVENTORY_VARIABLES.items():
        value = params.get(option)
        if value is None or not str(value).strip():
            problems.append(
                "%s is %s: set the option %s (or module_defaults for group/backupops.veeam.%s), the environment variable "
                "VEEAM_%s_%s (what the AWX credential type '%s' injects; fill in its field), or, for the maintenance_window role "
                "and the playbooks, the inventory variable %s" % (
                    option, "missing" if value is None else "empty", option, api, api.upper(), option.upper(), API_NAMES[api], variable))
    return problems


def ignored_options(params):
    """A warning for each option set to something the declared state does not use."""
    state = params["state"]
    warnings = []
    if params["if_running"] != "leave" and state != "disabled":
        warnings.append("if_running=%s is ignored with state=%s: it applies only to state=disabled%s" % (
            params["if_running"], state, " (state=stopped always stops the running session)" if state == "stopped" else ""))
    if params["enable_if_disabled"] and state != "running":
        warnings.append("enable_if_disabled is ignored with state=%s: it applies only to state=running" % state)
    if params["wait_for_completion"] and state != "running":
        warnings.append("wait_for_completion is ignored with state=%s: it applies only to state=running" % state)
    elif params["wait_for_completion"] and not params["wait"]:
        warnings.append("wait_for_completion is ignored with wait=false: nothing is waited for")
    return warnings


def insecure_connection_warnings(params, url):
    """Warnings for a connection that does not protect the password: plain HTTP, or TLS without certificate verification."""
    if url and url.startswith("http://"):
        return ["server %s uses http://: the password and the session tokens travel in clear text; use https://" % url]
    if not params["validate_certs"]:
        return ["validate_certs is false (the option or VEEAM_VALIDATE_CERTS): the server's certificate is not verified, so anyone "
                "on the network path can pose as the server and receive the password; set ca_path to the CA's PEM file instead"]
    return []


def _check(module, api, selection_required):
    """Reject what makes no sense before any request, saying what to change; warn about an unprotected connection."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    problems = option_problems(module.params, api, selection_required)
    if problems:
        module.fail_json(msg="Invalid options: %s." % "; ".join(problems))
    for warning in insecure_connection_warnings(module.params, base_url(module.params)):
        module.warn(warning)


def option_problems(params, api, selection_required):
    """Every problem with the options, each saying what to change (empty when they make sense)."""
    problems = missing_connection_settings(params, api)
    if not problems:
        base_url(params, problems)
    for option in ("id", "name"):
        if any(not value or not value.strip() for value in params[option] or []):
            problems.append("%s must not contain empty values" % option)
    if selection_required and not (params["id"] or params["name"] or params["all_jobs"]):
        problems.append("select jobs with id, name or all_jobs: true")
    if params["ca_path"] and not os.path.isfile(params["ca_path"]):
        problems.append("ca_path %s is not a readable file" % params["ca_path"])
    return problems + _number_problems(params)


def _number_problems(params):
    problems = ["%s must be a positive number of seconds, got %s" % (option, params[option])
                for option in ("timeout", "wait_timeout", "wait_sleep") if option in params and params[option] <= 0]
    if "wait_timeout" in params and params["wait_sleep"] > params["wait_timeout"] > 0:
        problems.append("wait_sleep (%s) must not exceed wait_timeout (%s)" % (params["wait_sleep"], params["wait_timeout"]))
    if "write_concurrency" in params and not 1 <= params["write_concurrency"] <= MAX_WRITE_CONCURRENCY:
        problems.append("write_concurrency must be between 1 and %d, got %s" % (MAX_WRITE_CONCURRENCY, params["write_concurrency"]))
    return problems


def base_url(params, problems=None):
    """https://host:port/ from `server` (a host name or a URL without a path) and `port`."""
    server = params["server"].strip()
    if "://" not in server:
        server = "https://" + server
    try:
        parts = urlsplit(server)
        port = parts.port or params["port"]
    except ValueError as exc:
        parts, port = None, None
        if problems is not None:
            problems.append("server %r is not a host name or URL: %s" % (params["server"], exc))
    if parts is not None and problems is not None:
        if parts.scheme not in ("https", "http"):
            problems.append("server %r must use https:// (or http://)" % params["server"])
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            problems.append("server %r must not contain a path; give the host name (the module adds /api or /vN itself)" % params["server"])
        if not parts.hostname or not re.match(r"^[A-Za-z0-9.:\-\[\]_]+$", parts.netloc.rsplit("@", 1)[-1]):
            problems.append("server %r has no valid host name" % params["server"])
        if "@" in parts.netloc:
            problems.append("server must not contain credentials; use username and password")
        if not 0 < port < 65536:
            problems.append("port %s is out of range" % port)
    if parts is None or not parts.hostname:
        return None
    host = "[%s]" % parts.hostname if ":" in parts.hostname else parts.hostname
    return "%s://%s:%d/" % (parts.scheme, host, port)


def http_client(params, replayable_posts=(), headers=None):
    return HttpClient(base_url(params), validate_certs=params["validate_certs"], ca_path=params["ca_path"],
                      timeout=params["timeout"], use_proxy=params["use_proxy"], replayable_posts=replayable_posts, headers=headers)
