# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The service layer the module wrapper and the maintenance window share: the argument spec of an API's job or info module,
the checks before any request, building the client with its callbacks, and the one path from an error to a result.

No AnsibleModule here: the module wrapper (_module.py) and the window's controller session (plugin_utils/_controller.py)
both call it. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.backupops.veeam.plugins.module_utils._arguments import (
    JOB_OPTIONS, SELECTION_OPTIONS, INFO_OPTIONS, base_url, connection_options, insecure_connection_warnings, option_problems,
)
from ansible_collections.backupops.veeam.plugins.module_utils._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout

SELECTORS = ("id", "name", "all_jobs")
# What a run may fail with and still produce a result: everything else is a bug and keeps its traceback.
EXPECTED_FAILURES = (JobModuleError, VeeamApiError, WaitTimeout)


JOB, INFO = "job", "info"
WAIT_OPTIONS = dict((name, JOB_OPTIONS[name]) for name in ("wait", "wait_timeout", "wait_sleep"))


def module_spec(api, kind):
    """The AnsibleModule (or ArgumentSpecValidator) keywords of this API's job or info module."""
    if kind == JOB:
        return dict(argument_spec=_spec(connection_options(api), SELECTION_OPTIONS, JOB_OPTIONS, api.job_options),
                    mutually_exclusive=[SELECTORS], required_one_of=[SELECTORS])
    return dict(argument_spec=_spec(connection_options(api), SELECTION_OPTIONS, INFO_OPTIONS), mutually_exclusive=[SELECTORS])


def object_spec(api, kind):
    """The AnsibleModule keywords of the module that declares an infrastructure kind of this API (the API's options that only
    select jobs are not among them)."""
    return dict(argument_spec=_spec(_connection_only(api), WAIT_OPTIONS, kind.options),
                required_one_of=[list(choice) for choice in kind.required_one_of],
                mutually_exclusive=[list(choice) for choice in kind.mutually_exclusive])


def infrastructure_spec(api):
    """The AnsibleModule keywords of this API's infrastructure info module."""
    return dict(argument_spec=_connection_only(api))


def _connection_only(api):
    return dict((name, spec) for name, spec in connection_options(api).items() if name not in api.selection_options)


def _spec(*pieces):
    """One argument spec from the shared pieces (each piece adds its own options)."""
    spec = {}
    for piece in pieces:
        spec.update(piece)
    return spec


def preflight(api, params, selection_required, kind=None):
    """(failure, warnings) before any request: a missing library or options that make no sense (the API's, and the
    infrastructure kind's when a module declares one) are a failure result; an unprotected connection is a warning."""
    if not HAS_REQUESTS:
        return dict(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR), []
    for library, reason, import_error in api.missing_libraries(params):
        return dict(msg=missing_required_lib(library, reason=reason), exception=import_error), []
    problems = option_problems(params, api, selection_required) + (kind.problems(params) if kind else [])
    if problems:
        return dict(msg="Invalid options: %s." % "; ".join(problems)), []
    return None, insecure_connection_warnings(params, base_url(params))


def new_client(api, params, warn, register_secret):
    return api.client(base_url(params), params, warn=warn, register_secret=register_secret)


def attempt(work):
    """(result, failed): the work's result, or the failure result of an expected failure (anything else is a bug and
    keeps its traceback)."""
    try:
        return work.run(), False
    except EXPECTED_FAILURES as exc:
        return failure_result(exc, work.partial_result()), True


def failure_result(exc, partial):
    """One shape for every failure: the one-line message, the failed request when a server was involved, what was done so far."""
    result = dict(partial, msg=str(exc))
    if isinstance(exc, VeeamApiError):
        result["http"] = exc.to_dict()
    return result
