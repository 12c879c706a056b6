# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the collection knows about one API: the Api each API's folder defines next to its client (vb365/, em/, vbr/), with
defaults for what most APIs do not have and hooks for what differs by API or by kind of job. The registry of every Api is
_apis.py; the modules, the maintenance window and the role learn everything API-specific from here. Private.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ObjectKind(object):
    """A kind of object besides jobs whose state an API declares (scale-out extents, proxies, the configuration backup):
    its name (in results and records), its title (in messages), the states it declares, and the name of the client method
    that reads every object of the kind. The slot the infrastructure modules and the scoped window register into."""

    def __init__(self, name, title, states, read):
        self.name = name
        self.title = title
        self.states = tuple(states)
        self.read = read

    def __repr__(self):
        return "ObjectKind(%r)" % self.name


class Api(object):
    """One API the collection speaks.

    name               the action group, the VEEAM_<NAME>_* variables and the maintenance window's `api`
    title, short_title for messages; the short one for the window's summaries and report (default: the title)
    client             the JobClient class (called with the base URL, the settings, warn= and register_secret=)
    default_port       the port the API listens on by default
    job_module         the FQCN of its job module (whose module_defaults the window's session takes); the info module
                       is the same name with _info (test_registry_copies.py holds both to the action groups)
    inventory_group    the inventory group whose hosts are this API's servers (when veeam_api is not set)
    options            its own options (argument spec) for every module; job_options for the job module only
    window_options     {option: (variables the window takes it from, first defined wins)}: the API's own settings in the
                       role (inventory variables such as veeam_vb365_api_version)
    selection_options  {option: the value that selects every job (None: unset)} of the options that only select jobs: a
                       window's begin and report take that value unless the user narrows them; its end always does (the
                       record is the selection)
    state_options      {option: the states it applies to}: set with another state, the job module warns that it is ignored
    infrastructure     the ObjectKinds besides jobs it declares the state of (none yet)
    """

    def __init__(self, name, title, client, default_port, job_module, inventory_group, short_title=None, options=None,
                 job_options=None, window_options=None, selection_options=None, state_options=None, infrastructure=()):
        self.name = name
        self.title = title
        self.short_title = short_title or title
        self.client = client
        self.default_port = default_port
        self.job_module = job_module
        self.inventory_group = inventory_group
        self.options = dict(options or {})
        self.job_options = dict(job_options or {})
        self.window_options = dict(window_options or {})
        self.selection_options = dict(selection_options or {})
        self.state_options = dict(state_options or {})
        self.infrastructure = tuple(infrastructure)

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, self.name)

    # -- hooks: what an API overrides where it differs ----------------------------------

    def missing_libraries(self, settings):
        """[(library, reason, import traceback)] these settings need and the controller lacks (requests is checked for all)."""
        return []

    def job_label(self, job):
        """A job's name in the window's report (a job entry as the info modules return it)."""
        return job["name"]

    def kinds_note(self, jobs):
        """What the report's title adds about the kinds of these jobs (job entries), or ''."""
        return ""

    def ignored_options(self, params):
        """A warning for each of the API's own options set with a state it does not apply to."""
        state = params["state"]
        return ["%s is ignored with state=%s: it applies only to state=%s" % (option, state, "/".join(states))
                for option, states in sorted(self.state_options.items()) if params.get(option) and state not in states]
