# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one module wrapper: every job and info module is `run_job_module(API)` or `run_info_module(API)`.

It owns what no module repeats: the argument spec (composed from _arguments), the dependency checks, option validation,
building the client with its callbacks, "always close, then exit or fail", and the one path from an error to a result.
Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.backupops.veeam.plugins.module_utils._arguments import (
    JOB_OPTIONS, SELECTION_OPTIONS, INFO_OPTIONS, base_url, connection_options, ignored_options, insecure_connection_warnings,
    option_problems,
)
from ansible_collections.backupops.veeam.plugins.module_utils._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._info import InfoReader
from ansible_collections.backupops.veeam.plugins.module_utils._job_runner import JobModuleError, JobRunner
from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout

SELECTORS = ("id", "name", "all_jobs")
# What a run may fail with and still produce a result: everything else is a bug and keeps its traceback.
EXPECTED_FAILURES = (JobModuleError, VeeamApiError, WaitTimeout)


def run_job_module(api):
    """A job module: declare the state of the selected jobs."""
    module = AnsibleModule(argument_spec=_spec(connection_options(api), SELECTION_OPTIONS, JOB_OPTIONS, api.job_options),
                           supports_check_mode=True, mutually_exclusive=[SELECTORS], required_one_of=[SELECTORS])
    _prepare(module, api, selection_required=True)
    for warning in ignored_options(module.params):
        module.warn(warning)
    client = _client(module, api)
    conclude(module, client, JobRunner(client, module.params, module.check_mode, module.warn))


def run_info_module(api):
    """An info module: read the jobs (all, or a selection) and optionally their newest sessions."""
    module = AnsibleModule(argument_spec=_spec(connection_options(api), SELECTION_OPTIONS, INFO_OPTIONS),
                           supports_check_mode=True, mutually_exclusive=[SELECTORS])
    _prepare(module, api, selection_required=False)
    client = _client(module, api)
    conclude(module, client, InfoReader(client, module.params))


def _spec(*pieces):
    """One argument spec from the shared pieces (each piece adds its own options)."""
    spec = {}
    for piece in pieces:
        spec.update(piece)
    return spec


def _prepare(module, api, selection_required):
    """Fail before any request when a library is missing or the options make no sense; warn about an unprotected connection."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    for library, reason, import_error in api.missing_libraries(module.params):
        module.fail_json(msg=missing_required_lib(library, reason=reason), exception=import_error)
    problems = option_problems(module.params, api, selection_required)
    if problems:
        module.fail_json(msg="Invalid options: %s." % "; ".join(problems))
    for warning in insecure_connection_warnings(module.params, base_url(module.params)):
        module.warn(warning)


def _client(module, api):
    return api.client(base_url(module.params), module.params, warn=module.warn, register_secret=module.no_log_values.add)


def conclude(module, client, work):
    """Run the work, always close the client (before exiting, so a failed logout still reaches the result), exit or fail."""
    try:
        result, failed = work.run(), False
    except EXPECTED_FAILURES as exc:
        result, failed = failure_result(exc, work.partial_result()), True
    finally:
        client.close()
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)


def failure_result(exc, partial):
    """One shape for every failure: the one-line message, the failed request when a server was involved, what was done so far."""
    result = dict(partial, msg=str(exc))
    if isinstance(exc, VeeamApiError):
        result["http"] = exc.to_dict()
    return result
