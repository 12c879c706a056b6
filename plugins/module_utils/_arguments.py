# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The modules' argument spec, composed from shared pieces (they mirror plugins/doc_fragments), and its validation.

Pure functions of the options: unit-tested without a module. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import IF_RUNNING, STATES


def _env(name):
    return dict(fallback=(env_fallback, [name]))


def connection_options(api):
    """server, port, credentials (from VEEAM_<API>_* when unset), TLS, timeout, proxy, and the API's own options."""
    prefix = "VEEAM_%s_" % api.name.upper()
    # Required, but checked by option_problems: a blank value (an AWX credential field left empty) needs the same advice as a missing one.
    options = dict(
        server=dict(type="str", **_env(prefix + "SERVER")),
        port=dict(type="int", default=api.default_port),
        username=dict(type="str", **_env(prefix + "USERNAME")),
        password=dict(type="str", no_log=True, **_env(prefix + "PASSWORD")),
        validate_certs=dict(type="bool", default=True, **_env("VEEAM_VALIDATE_CERTS")),
        ca_path=dict(type="path", **_env("VEEAM_CA_PATH")),
        timeout=dict(type="int", default=30),
        use_proxy=dict(type="bool", default=True),
    )
    options.update(api.options)
    return options


SELECTION_OPTIONS = dict(
    id=dict(type="list", elements="str"),
    name=dict(type="list", elements="str"),
    all_jobs=dict(type="bool", default=False),
)

JOB_OPTIONS = dict(
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

INFO_OPTIONS = dict(
    sessions=dict(type="int", default=0),
)


# Where each connection setting can come from, for the message that says it is missing.
INVENTORY_VARIABLES = dict(server="veeam_server", username="veeam_username", password="veeam_password")


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
                    option, "missing" if value is None else "empty", option, api.name, api.name.upper(), option.upper(), api.title,
                    variable))
    return problems


def ignored_options(params):
    """A warning for each option set to something the declared state does not use."""
    state = params["state"]
    rules = [
        (params["if_running"] != "leave" and state != "disabled",
         "if_running=%s is ignored with state=%s: it applies only to state=disabled%s" % (
             params["if_running"], state, " (state=stopped always stops the running session)" if state == "stopped" else "")),
        (params["enable_if_disabled"] and state != "running",
         "enable_if_disabled is ignored with state=%s: it applies only to state=running" % state),
        (params["wait_for_completion"] and state != "running",
         "wait_for_completion is ignored with state=%s: it applies only to state=running" % state),
        (params["wait_for_completion"] and state == "running" and not params["wait"],
         "wait_for_completion is ignored with wait=false: nothing is waited for"),
    ]
    return [message for applies, message in rules if applies]


def insecure_connection_warnings(params, url):
    """Warnings for a connection that does not protect the password: plain HTTP, or TLS without certificate verification."""
    if url and url.startswith("http://"):
        return ["server %s uses http://: the password and the session tokens travel in clear text; use https://" % url]
    if not params["validate_certs"]:
        return ["validate_certs is false (the option or VEEAM_VALIDATE_CERTS): the server's certificate is not verified, so anyone "
                "on the network path can pose as the server and receive the password; set ca_path to the CA's PEM file instead"]
    return []


def option_problems(params, api, selection_required):
    """Every problem with the options, each saying what to change (empty when they make sense)."""
    problems = missing_connection_settings(params, api)
    if not problems:
        problems.extend(url_problems(params))
    if params["ca_path"] and not os.path.isfile(params["ca_path"]):
        problems.append("ca_path %s is not a readable file" % params["ca_path"])
    return problems + _selection_problems(params, selection_required) + _number_problems(params)


def _selection_problems(params, selection_required):
    problems = ["%s must not contain empty values" % option for option in ("id", "name")
                if any(not (value or "").strip() for value in params.get(option) or [])]
    if selection_required and not (params["id"] or params["name"] or params["all_jobs"]):
        problems.append("select jobs with id, name or all_jobs: true")
    return problems


def _number_problems(params):
    problems = ["%s must be a positive number of seconds, got %s" % (option, params[option])
                for option in ("timeout", "wait_timeout", "wait_sleep") if option in params and params[option] <= 0]
    if "wait_timeout" in params and params["wait_sleep"] > params["wait_timeout"] > 0:
        problems.append("wait_sleep (%s) must not exceed wait_timeout (%s)" % (params["wait_sleep"], params["wait_timeout"]))
    if "write_concurrency" in params and not 1 <= params["write_concurrency"] <= MAX_WRITE_CONCURRENCY:
        problems.append("write_concurrency must be between 1 and %d, got %s" % (MAX_WRITE_CONCURRENCY, params["write_concurrency"]))
    if params.get("sessions", 0) < 0:
        problems.append("sessions must be 0 or more, got %s" % params["sessions"])
    return problems


def _split(params):
    """(urlsplit parts, port) of `server` (a host name gets https://), or (None, the reason) when it is no URL."""
    server = params["server"].strip()
    try:
        parts = urlsplit(server if "://" in server else "https://" + server)
        return parts, parts.port or params["port"]
    except ValueError as exc:
        return None, str(exc)


def url_problems(params):
    """What is wrong with `server` and `port`, each saying what to change."""
    server = params["server"]
    parts, port = _split(params)
    if parts is None:
        return ["server %r is not a host name or URL: %s" % (server, port)]
    checks = [
        (parts.scheme not in ("https", "http"), "server %r must use https:// (or http://)" % server),
        (parts.path not in ("", "/") or parts.query or parts.fragment,
         "server %r must not contain a path; give the host name (the module adds /api or /vN itself)" % server),
        (not parts.hostname or not re.match(r"^[A-Za-z0-9.:\-\[\]_]+$", parts.netloc.rsplit("@", 1)[-1]), "server %r has no valid host name" % server),
        ("@" in parts.netloc, "server must not contain credentials; use username and password"),
        (not 0 < port < 65536, "port %s is out of range" % port),
    ]
    return [problem for failed, problem in checks if failed]


def base_url(params):
    """scheme://host:port/ from `server` (a host name, https:// assumed, or a URL without a path) and `port`; None if unusable."""
    parts, port = _split(params)
    if parts is None or not parts.hostname:
        return None
    host = "[%s]" % parts.hostname if ":" in parts.hostname else parts.hostname
    return "%s://%s:%d/" % (parts.scheme, host, port)
