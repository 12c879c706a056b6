# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one module wrapper: every job and info module is `run_job_module(API)` or `run_info_module(API)`.

It owns what only an AnsibleModule has: parsing the arguments, warnings, "always close, then exit or fail". The argument
spec, the checks, the client and the error results come from the service layer (_service.py). Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.backupops.veeam.plugins.module_utils._arguments import ignored_options
from ansible_collections.backupops.veeam.plugins.module_utils._info import InfoReader
from ansible_collections.backupops.veeam.plugins.module_utils._job_runner import JobRunner
from ansible_collections.backupops.veeam.plugins.module_utils._object_runner import ObjectRunner
from ansible_collections.backupops.veeam.plugins.module_utils._service import (
    INFO, JOB, attempt, infrastructure_spec, module_spec, new_client, object_spec, preflight,
)


def run_job_module(api):
    """A job module: declare the state of the selected jobs."""
    module = AnsibleModule(supports_check_mode=True, **module_spec(api, JOB))
    _prepare(module, api, selection_required=True)
    for warning in ignored_options(module.params) + api.ignored_options(module.params):
        module.warn(warning)
    client = new_client(api, module.params, module.warn, module.no_log_values.add)
    conclude(module, client, JobRunner(client, module.params, module.check_mode, module.warn, with_diff=module._diff))


def run_info_module(api):
    """An info module: read the jobs (all, or a selection) and optionally their newest sessions."""
    module = AnsibleModule(supports_check_mode=True, **module_spec(api, INFO))
    _prepare(module, api, selection_required=False)
    client = new_client(api, module.params, module.warn, module.no_log_values.add)
    conclude(module, client, InfoReader(client, module.params))


def run_object_module(api, kind_name):
    """An infrastructure module: declare the state of the selected objects of one kind (an ObjectKind of the API)."""
    kind = api.kind(kind_name)
    module = AnsibleModule(supports_check_mode=True, **object_spec(api, kind))
    _prepare(module, api, selection_required=False, kind=kind)
    client = new_client(api, module.params, module.warn, module.no_log_values.add)
    conclude(module, client, ObjectRunner(client, kind, module.params, module.check_mode, module.warn, with_diff=module._diff))


def run_infrastructure_info_module(api):
    """An infrastructure info module: read every infrastructure object of the server and what uses it."""
    module = AnsibleModule(supports_check_mode=True, **infrastructure_spec(api))
    _prepare(module, api, selection_required=False)
    client = new_client(api, module.params, module.warn, module.no_log_values.add)
    conclude(module, client, InfrastructureReader(client))


class InfrastructureReader(object):
    """The work of an infrastructure info module: the client's read_infrastructure(), with the client's result fields."""

    def __init__(self, client):
        self.client = client

    def run(self):
        return dict(self.client.result_fields(), changed=False, server=self.client.server, **self.client.read_infrastructure())

    def partial_result(self):
        return dict(self.client.result_fields(), changed=False)


def _prepare(module, api, selection_required, kind=None):
    failure, warnings = preflight(api, module.params, selection_required, kind)
    if failure:
        module.fail_json(**failure)
    for warning in warnings:
        module.warn(warning)


def conclude(module, client, work):
    """Run the work, always close the client (before exiting, so a failed logout still reaches the result), exit or fail."""
    try:
        result, failed = attempt(work)
    finally:
        client.close()
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)
