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
    """A kind of object besides jobs whose state an API declares (a scale-out extent, a proxy, the configuration backup), and
    the module that declares it: what the generic engine (_objects.py, _object_runner.py) needs to know, with hooks where a kind
    differs. Each API's folder subclasses it next to its client; Api.infrastructure lists the API's kinds.

    name        the key of the objects in the module's result (plural: "extents", "proxies", "config_backup")
    title       what messages call one object ("scale-out extent"); plural: more than one (default: title + "s")
    module      the FQCN of the module that declares it
    fields      the declared fields, each a bool in InfraObject.state (None while the server changes it)
    options     the module's own options (argument spec), besides the connection and wait options
    required_one_of, mutually_exclusive    AnsibleModule keywords for those options
    """

    name = title = module = None
    plural = None
    fields = ()
    options = {}
    required_one_of = ()
    mutually_exclusive = ()

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, self.name)

    def counted(self, count):
        """"1 scale-out extent", "2 backup proxies"."""
        return "%d %s" % (count, self.title if count == 1 else (self.plural or self.title + "s"))

    def declared(self, params):
        """{field: wanted value} of the fields the options declare (a field left unset is not declared)."""
        return dict((field, params[field]) for field in self.fields if params.get(field) is not None)

    def problems(self, params):
        """What is wrong with the kind's own options, each saying what to change."""
        return [] if self.declared(params) else ["declare at least one of %s" % ", ".join(self.fields)]

    def read(self, client, params):
        """Every object the options select from, as InfraObjects (raises JobModuleError when the server cannot say)."""
        raise NotImplementedError

    def select(self, objects, params):
        """The objects the options name (an unknown name fails listing the candidates)."""
        raise NotImplementedError

    def requirements(self, params):
        """What the options lack to change an object of this kind (e.g. a VB365 proxy's own credentials), each a sentence;
        checked before the first write of a run, and by a scoped window before any change (a no-op needs none of it)."""
        return []

    def write(self, client, objects, field, value, params):
        """Set `field` to `value` on `objects`, in as few requests as the API allows: [(handle or None, the objects it covers)].
        `params`: the module's options. Never replayed (the runner re-reads instead)."""
        raise NotImplementedError

    def await_writes(self, client, handles, timeout, sleep):
        """Wait for what the writes started (sessions); [(handle, failure message)]. Synchronous writes: []."""
        return []

    def warnings(self, client, changes):
        """Warnings about the planned changes ([(object, field, value)]) before they are made (e.g. jobs a change may fail)."""
        return []

    def action(self, field, value):
        """A write's name in the result: enable_maintenance, disable_sealed; for the field `enabled`, enable or disable."""
        verb = "enable" if value else "disable"
        return verb if field == "enabled" else "%s_%s" % (verb, field)


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
    infrastructure     the ObjectKinds besides jobs it declares the state of (_object_runner.py drives them); with any, the
                       API also has an infrastructure info module, named like the job module with _infrastructure_info
                       instead of _job (the client then has read_infrastructure())
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

    def kind(self, name):
        """The infrastructure kind of this name."""
        return next(kind for kind in self.infrastructure if kind.name == name)

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
