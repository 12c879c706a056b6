# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The job modules' work run in the controller's process, for a plugin that needs several reads and writes on one server.

The same argument specs, checks, clients and runner as the modules (module_utils/_module.py), without a module process
per step, and with one client (one login) for the whole conversation. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.backupops.veeam.plugins.module_utils._arguments import connection_options
from ansible_collections.backupops.veeam.plugins.module_utils._info import job_entry
from ansible_collections.backupops.veeam.plugins.module_utils._job_runner import JobRunner
from ansible_collections.backupops.veeam.plugins.module_utils._object_runner import ObjectRunner
from ansible_collections.backupops.veeam.plugins.module_utils._service import JOB, attempt, module_spec, new_client, object_spec, preflight


# What a begin reads: the selected jobs, [(job, the job it runs after)] chained after them, the server fields of the read,
# and what the window's scope resolved to (a Resolution, or None without a scope).
Selection = collections.namedtuple("Selection", "jobs chained server_fields resolution")


class SessionError(Exception):
    """Settings that cannot make a session (the message says which and why)."""


class ControllerSession(object):
    """One server, one client: read its jobs and declare their state, as the job and info modules would."""

    def __init__(self, api, options, check_mode=False, with_diff=False, notify=None, notify_every=60):
        """`options`: the job modules' connection options (plus `type` for VBR); unset ones fall back as in the modules.
        `with_diff`: declarations return the jobs' before/after diff (diff mode).
        `notify`: told every `notify_every` seconds what a long wait still waits for."""
        self.api = api
        self.options = options
        self.check_mode = check_mode
        self.with_diff = with_diff
        self.notify = notify
        self.notify_every = notify_every
        self.warnings = []
        self.secrets = set()
        self.params = self._validated(_session_spec(api), options)
        failure, warnings = preflight(api, self.params, selection_required=False)
        if failure:
            raise SessionError(failure["msg"])
        self.warnings.extend(warnings)
        self.client = new_client(api, self.params, self.warnings.append, self.secrets.add)

    @property
    def server(self):
        return self.client.server

    def read_jobs(self, last_runs=False):
        """The jobs of the server, as the clients read them (a JobList)."""
        return self.client.read_jobs(last_runs=last_runs)

    def read_selection(self, names=None, ids=None, scope=None, maintenance_mode=False):
        """What a begin quiesces: the jobs named, and those the scope ({repositories, proxies}) touches (every job when none
        of the three is given), the jobs the server would start after a selected one ([(job, the job it runs after)]), what
        the read says of the server (server_fields) and what the scope resolved to."""
        jobs = self.client.read_jobs()
        resolution = self.client.resolve_scope(jobs, scope, maintenance_mode) if scope else None
        selected = self.client.select(jobs, ids, names) if names or ids else ([] if resolution else list(jobs))
        if resolution is not None:
            selected += [job for job in resolution.selected() if job.id not in set(chosen.id for chosen in selected)]
        return Selection(selected, self.client.chained_after(jobs, selected), self.server_fields(jobs), resolution)

    def server_fields(self, jobs):
        """What the results say of the server after the read `jobs`: the revision spoken, the jobs it lists but cannot manage,
        the kinds of job it cannot list."""
        return self.client.result_fields(jobs)

    def read_entries(self):
        """(every job as the info modules return it, last runs included; the server fields of that read)."""
        jobs = self.read_jobs(last_runs=True)
        return [job_entry(job, self.client) for job in jobs], self.server_fields(jobs)

    def declare(self, ids, state, **options):
        """(outcome, result, failed): what the job module with these options did to the jobs with these ids, as values (a
        RunOutcome, which the window decides from) and as the module's result dict (which a failure or diff shows)."""
        runner = JobRunner(self.client, self._validated(module_spec(self.api, JOB), dict(self.options, id=ids, state=state, **options)),
                           self.check_mode, self.warnings.append, self.with_diff, self.notify, self.notify_every)
        result, failed = attempt(runner)
        return runner.outcome(), result, failed

    def switch_requirements(self, kind_name, options):
        """What the options of an infrastructure switch lack to change anything (a window checks before any change)."""
        return self.api.kind(kind_name).requirements(self._switch_params(kind_name, options, 1))

    def declare_switch(self, kind_name, options, wait_timeout):
        """(object outcomes, result, failed): what the infrastructure module of this kind, with these options (the selection and
        the declared field), did; the connection settings are the session's, the kind's own options come from their fallbacks
        (a VB365 proxy's credentials from VEEAM_VB365_PROXY_*)."""
        params = self._switch_params(kind_name, options, wait_timeout)
        runner = ObjectRunner(self.client, self.api.kind(kind_name), params, self.check_mode, self.warnings.append, self.with_diff)
        result, failed = attempt(runner)
        return runner.outcome(), result, failed

    def _switch_params(self, kind_name, options, wait_timeout):
        spec = object_spec(self.api, self.api.kind(kind_name))
        given = dict((name, value) for name, value in self.options.items() if name in spec["argument_spec"])
        return self._validated(spec, dict(given, wait_timeout=wait_timeout, **options))

    def close(self):
        self.client.close()

    def scrub(self, result):
        """The result without any password, token or session id this session saw."""
        return remove_values(result, self.secrets)

    def _validated(self, spec, options):
        validation = ArgumentSpecValidator(**spec).validate(options)
        params = validation.validated_parameters
        self.secrets.update(params[name] for name, option in spec["argument_spec"].items() if option.get("no_log") and params.get(name))
        if validation.error_messages:
            raise SessionError("Invalid %s settings: %s." % (self.api.title, "; ".join(validation.error_messages)))
        return params


def _session_spec(api):
    """The job module's options with nothing required: what the client of a session is built from."""
    spec = module_spec(api, JOB)
    state = dict(spec["argument_spec"]["state"], required=False)
    return dict(argument_spec=dict(spec["argument_spec"], state=state), mutually_exclusive=spec["mutually_exclusive"])


def connection_option_names(api):
    return set(connection_options(api))


def module_defaults_for(module, module_defaults, action_groups, allowed):
    """What a task's module_defaults (a list of mappings, outer first) give `module`: its groups' defaults in the order the
    play lists them, then its own name's; only the `allowed` options. Values are still to be templated."""
    groups = set("group/" + name for name in (action_groups or {}).get(module, []))
    merged = _merged(module_defaults or [])
    options = {}
    for key in [key for key in merged if key in groups] + [module]:
        options.update(merged.get(key) or {})
    return dict((name, value) for name, value in options.items() if name in allowed)


def _merged(mappings):
    merged = {}
    for mapping in mappings:
        merged.update(mapping)
    return merged
