# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A scoped maintenance window's part of the record and of the words: the scope as given, why each job is in it, the notes,
and each infrastructure switch with the objects the window changed (only those are undone at the end). Pure. Private.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json


def switch_key(switch):
    """What makes two switches the same (a begin and its rerun): the kind, what it selects, what it sets."""
    return json.dumps([switch["kind"], switch["select"], switch["set"]], sort_keys=True)


def scope_record(scope, maintenance_mode, resolution, earlier):
    """The record's `scope`: the entries as given, maintenance_mode, why each job is in scope, the notes, and the switches,
    each with `changed` (the ids of the objects the window changed: none yet, or what an unrestored earlier begin changed,
    which stays to be undone even when this resolution no longer plans it)."""
    before = {}
    for record in earlier:
        for switch in (record.get("scope") or {}).get("switches", []):
            if switch.get("changed"):
                known = before.setdefault(switch_key(switch), dict(switch, changed=[]))
                known["changed"] = _union(known["changed"], switch["changed"])
    switches = [dict(switch, changed=list(before.pop(switch_key(switch), {}).get("changed", []))) for switch in resolution.switches]
    return dict(entries=scope, maintenance_mode=maintenance_mode, why=resolution.why(), notes=list(resolution.notes),
                by_entry=resolution.by_entry(), switches=list(before.values()) + switches)


def _union(first, second):
    return first + [value for value in second if value not in first]


def with_scope(record, scope, maintenance_mode, resolution, earlier):
    """The begin's record with its scope part: this begin's resolution, or, without a scope, an unrestored earlier begin's
    (what it switched must still be undone); unchanged when neither has one."""
    if resolution is not None:
        return dict(record, scope=scope_record(scope, maintenance_mode, resolution, earlier))
    earlier_scope = next((found["scope"] for found in earlier if found.get("scope")), None)
    return dict(record, scope=earlier_scope) if earlier_scope else record


def switches(record):
    return (record.get("scope") or {}).get("switches", [])


def entries_text(scope):
    return "; ".join("%s %s" % (key, ", ".join(repr(value) for value in values)) for key, values in sorted(scope.items()))


def with_changed(record, index, ids):
    """The record once the window changed these objects of its switch number `index`."""
    scope = dict(record["scope"])
    switches = [dict(switch) for switch in scope["switches"]]
    switches[index]["changed"] = _union(switches[index].get("changed", []), ids)
    scope["switches"] = switches
    return dict(record, scope=scope)


def without_changed(record, index):
    """The record once the window undid what its switch number `index` changed."""
    scope = dict(record["scope"])
    switches = [dict(switch) for switch in scope["switches"]]
    switches[index]["restored"] = switches[index].get("changed", [])
    switches[index]["changed"] = []
    scope["switches"] = switches
    return dict(record, scope=scope)


def changed_switches(record):
    """[(index, switch)] of the record's switches with objects the window changed, last set first (undone in reverse)."""
    switches = (record.get("scope") or {}).get("switches", [])
    return [(index, switch) for index, switch in reversed(list(enumerate(switches))) if switch.get("changed")]


def set_options(switch):
    return dict(switch["select"], **switch["set"])


def restore_options(switch):
    """The options that undo a switch, narrowed to the objects the window changed (an extent that was in maintenance before
    the window stays in maintenance)."""
    select = dict(switch["select"])
    if switch.get("select_option"):
        select[switch["select_option"]] = list(switch["changed"])
    return dict(select, **switch["restore"])


def scope_part(scope_of_record):
    """What a begin's host line says of its scope: each entry with the jobs it brought in, and the notes."""
    named = entries_text(scope_of_record.get("entries") or {})
    grouped = ", ".join("%s: %d job(s)" % (entry, len(jobs)) for entry, jobs in scope_of_record.get("by_entry", {}).items())
    parts = ["Scope %s%s" % (named, " (%s)" % grouped if grouped else " (no job in scope)")]
    parts.extend(scope_of_record.get("notes") or [])
    return parts


def switch_part(done, check_mode, restoring=False):
    """What a phase did to the switches: [(what, names of the objects changed)]."""
    if not done:
        return []
    verb = ("Would undo" if check_mode else "Undid") if restoring else ("Would set" if check_mode else "Set")
    return ["%s %s." % (verb, "; ".join(what if names else "%s (already so, left as it was)" % what for what, names in done))]


def begin_parts(record, switched, check_mode, named=False):
    """What a scoped begin adds to its host line: the scope (and that the jobs named by name or id were added to it) and its
    notes, then the switches it set (after the jobs)."""
    if not record.get("scope"):
        return []
    union = ["plus the jobs selected by maintenance_window_names / _ids (the union)"] if named else []
    return ["%s." % "; ".join(scope_part(record["scope"]) + union)] + switch_part(switched, check_mode)


def end_parts(undone, check_mode):
    """What an end says first: the switches it undid (before re-enabling any job)."""
    return switch_part(undone, check_mode, restoring=True)


def switch_failure(switch, reason, did, path):
    return ("Begin disabled %d job(s) but could not set %s: %s. The record %s names the jobs and what was switched so far; run end "
            "to undo it and re-enable them." % (len(did["disabled"]), switch["what"], reason.rstrip("."), path))


def undo_failure(switch, reason, path):
    return ("End could not undo %s: %s. No job was re-enabled (none may write there while it is still switched); the record %s stays "
            "open: run end again." % (switch["what"], reason.rstrip("."), path))


def report_lines(scope_of_record, states):
    """The report's scope section: the entries, the jobs each brought in, the infrastructure states read, the notes."""
    lines = ["; ".join(scope_part(scope_of_record))]
    for entry, jobs in scope_of_record.get("by_entry", {}).items():
        lines.append("  %s: %s" % (entry, ", ".join(jobs)))
    for state in states:
        lines.append("  %s %r: %s" % (state["kind"], state["name"], ", ".join("%s=%s" % item for item in sorted(state["state"].items()))))
    for switch in scope_of_record.get("switches", []):
        if switch.get("changed"):
            lines.append("  set by the open window: %s (%d object(s))" % (switch["what"], len(switch["changed"])))
    return lines
