# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Backup infrastructure as values: an object besides jobs as every client reads it (InfraObject), selecting objects by
name or id, the plan of one object and what a run did to it. Pure: no server, no Ansible. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError, did_you_mean

# An object as read: `state` holds each declared field as a bool, or SETTLING while the server changes it (an extent
# `Pending`, a VB365 proxy `Enabling`); `details` holds what the result shows besides.
InfraObject = collections.namedtuple("InfraObject", "id name state details")
SETTLING = None
# A field the server cannot show in this state (VBR up to 1.2-rev1 shows one extent status: in maintenance, not whether it is
# also sealed). It is neither written nor awaited while unknown, the result says so, and it is judged again once it shows.
UNKNOWN = "unknown"
# What a run did to one object: its declared fields before and as last read, and the writes sent (check mode: planned).
ObjectOutcome = collections.namedtuple("ObjectOutcome", "id name before after actions")


def select_objects(objects, values, title, where):
    """The objects named by `values` (each an id, any case, or a name, case-sensitive), each once, in order; JobModuleError
    naming every value that matches none (with the candidates) or a name two objects share. `where` ends the sentence that
    lists the candidates ("of 'SOBR 1'", "on vbr01")."""
    by_id = dict((obj.id.lower(), obj) for obj in objects)
    by_name = collections.defaultdict(list)
    for obj in objects:
        by_name[obj.name].append(obj)
    chosen, problems = collections.OrderedDict(), []
    for value in values:
        value = value.strip()
        matches = [by_id[value.lower()]] if value.lower() in by_id else by_name.get(value, [])
        if len(matches) == 1:
            chosen[matches[0].id] = matches[0]
        elif matches:
            problems.append("%d %ss %s are named %r (ids %s); name them by id" % (
                len(matches), title, where, value, ", ".join(obj.id for obj in matches)))
        else:
            problems.append("no %s %s is named or has the id %r%s" % (title, where, value, _candidates(value, objects, title, where)))
    if problems:
        raise JobModuleError("; ".join(problems) + ".")
    return list(chosen.values())


def _candidates(value, objects, title, where):
    close = did_you_mean(value, [obj.name for obj in objects])
    if close:
        return close
    if not objects:
        return "; there is no %s %s" % (title, where)
    return "; the %ss %s are %s" % (title, where, ", ".join("%r (%s)" % (obj.name, obj.id) for obj in objects))


class ObjectProgress(object):
    """What a run knows and did about one selected object: the fields to change, the writes sent, what they started, the
    latest read."""

    def __init__(self, obj, declared):
        self.obj = obj
        # In the kind's order of fields (ObjectKind.declared keeps it).
        self.declared = collections.OrderedDict(declared)
        self.before = dict((field, obj.state.get(field)) for field in declared)
        self.after = dict(self.before)
        self.actions = []
        self.handles = []
        # The writes answered unclearly: (action, the error).
        self.unclear = []
        # The changes this run set out to make ([(field, value)]), which the verification awaits.
        self.planned = []

    def changes(self, state=None):
        """[(field, value)] the object still needs, judged from `state` (default: as read before the run); a field the state
        cannot show (UNKNOWN) is not judged."""
        state = self.before if state is None else state
        return [(field, value) for field, value in self.declared.items() if state.get(field) not in (value, UNKNOWN)]

    def shows(self, obj, changes):
        """Whether the object as read shows these changes (a field it cannot show counts as shown: nothing more can be known)."""
        return obj is not None and all(obj.state.get(field) in (value, UNKNOWN) for field, value in changes)

    def settling(self):
        return [field for field in self.declared if self.before.get(field) is SETTLING]

    def unknown(self):
        """The declared fields the server could not show, as last read."""
        return [field for field in self.declared if self.after.get(field) == UNKNOWN]

    def note(self, obj):
        """The object as read now."""
        self.after = dict((field, obj.state.get(field)) for field in self.declared)

    def outcome(self, kind, check_mode):
        actions = [kind.action(field, value) for field, value in self.changes()] if check_mode else list(self.actions)
        return ObjectOutcome(self.obj.id, self.obj.name, dict(self.before), dict(self.after), actions)

    def result(self, kind, client, check_mode):
        """The object's entry in the module's result."""
        outcome = self.outcome(kind, check_mode)
        entry = dict(self.obj.details, id=outcome.id, name=outcome.name, before=outcome.before, after=outcome.after, actions=outcome.actions)
        if self.handles:
            entry["sessions"] = [client.describe(handle) for handle in self.handles]
        return entry
