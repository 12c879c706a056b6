# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A maintenance window's scope: the repositories and proxies the operator names, and what they resolve to on one server -
the jobs they touch (each with why), the infrastructure switches to set (scale-out extent maintenance, proxy disable or
maintenance, the configuration backup) and what the release cannot do. Each API's folder resolves a scope
(JobClient.resolve_scope); this module holds the values they return. Pure. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError

SCOPE_KEYS = ("repositories", "proxies")
PLURALS = dict(repository="repositories", proxy="proxies")


def normalized_scope(scope):
    """{repositories: [...], proxies: [...]} of the scope as given (None or empty: {}), or JobModuleError naming what is wrong."""
    if scope in (None, "", {}):
        return {}
    if not isinstance(scope, dict):
        raise JobModuleError("maintenance_window_scope must be a mapping with %s (lists of names or ids), got %r" % (" and/or ".join(SCOPE_KEYS), scope))
    unknown = sorted(set(scope) - set(SCOPE_KEYS))
    if unknown:
        raise JobModuleError("maintenance_window_scope has unknown keys %s; it takes %s" % (", ".join(unknown), " and ".join(SCOPE_KEYS)))
    found = dict((key, _entries(key, scope.get(key))) for key in SCOPE_KEYS)
    return dict((key, values) for key, values in found.items() if values)


def _entries(key, values):
    """The names or ids of one scope key (a single string is a list of one)."""
    values = [values] if isinstance(values, str) else (values or [])
    if not isinstance(values, list) or any(not isinstance(value, str) or not value.strip() for value in values):
        raise JobModuleError("maintenance_window_scope.%s must be a list of names or ids (non-empty strings), got %r" % (key, values))
    return [value.strip() for value in values]


def match_entry(value, candidates):
    """The candidates ({id, name} dicts) a scope entry names: by id (any case), else by name (case-sensitive)."""
    by_id = [item for item in candidates if str(item["id"]).lower() == value.lower()]
    return by_id or [item for item in candidates if item["name"] == value]


def unknown_entry(kind, value, server, candidates):
    """The sentence for a scope entry the server does not know, listing what it has."""
    listed = ", ".join("%r (%s)" % (item["name"], item["id"]) for item in candidates) or "none"
    return "%s %r is not on %s; its %s are %s" % (kind, value, server, PLURALS.get(kind, kind + "s"), listed)


class Resolution(object):
    """What a scope resolves to on one server.

    jobs      {job id: {job, why: [why each scope entry brought it in], entries: [the scope entries that did]}}, in the order found
    switches  [switch]: each {kind (an ObjectKind name), what (a phrase), entry, select (the kind's selecting options, e.g.
              {"extents": [ids], "scale_out_repository": id}), select_option (the option a restore narrows to the objects the
              window changed), set (the options that set it), restore (the options that undo it)}
    notes     sentences: what the release cannot do and what was done instead, jobs in scope that cannot be managed
    states    the scope's objects as read ([{entry, kind, name, state}]), for the report
    """

    def __init__(self):
        self.jobs = collections.OrderedDict()
        self.switches = []
        self.notes = []
        self.states = []
        self.unknown = []

    def add_job(self, job, why, entry):
        found = self.jobs.setdefault(job.id, dict(job=job, why=[], entries=[]))
        for key, value in (("why", why), ("entries", entry)):
            if value not in found[key]:
                found[key].append(value)

    def by_entry(self):
        """{scope entry: [names of the jobs it brought in]}, in the order found."""
        grouped = collections.OrderedDict()
        for found in self.jobs.values():
            for entry in found["entries"]:
                grouped.setdefault(entry, []).append(found["job"].name)
        return grouped

    def empty(self):
        return not self.jobs and not self.switches

    def note(self, sentence):
        if sentence not in self.notes:
            self.notes.append(sentence)

    def match(self, kind, value, server, candidates):
        """The one candidate ({id, name} dicts) a scope entry names, or None, noting an unknown or ambiguous entry."""
        matches = match_entry(value, candidates)
        if len(matches) == 1:
            return matches[0]
        ids = ", ".join(str(match["id"]) for match in matches)
        self.unknown.append(unknown_entry(kind, value, server, candidates) if not matches else
                            "%s %r names %d %s (ids %s); name it by id" % (kind, value, len(matches), PLURALS.get(kind, kind + "s"), ids))
        return None

    def check_known(self):
        """JobModuleError naming every scope entry the server does not know (before any change)."""
        if self.unknown:
            raise JobModuleError("The scope names what the server does not have: %s. Nothing was changed." % "; ".join(self.unknown))

    def selected(self):
        return [entry["job"] for entry in self.jobs.values()]

    def why(self):
        """{job id: [why]} for the record."""
        return dict((job_id, list(entry["why"])) for job_id, entry in self.jobs.items())
