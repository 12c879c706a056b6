# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives any ObjectKind (_api.py) towards a declared state: the runner of every infrastructure module, beside JobRunner.

The life of a run, one verb each:
  read    -> select -> settle (an object the server is changing is awaited before it is judged) -> plan each declared field
  act     one write per (field, value) group, in as few requests as the kind allows; a refusal stops further writes
  await   what the writes started (sessions), with the run's deadline
  verify  re-read until every object shows the declaration
A write answered unclearly (5xx, 409, a dropped connection) is never sent again: the objects are re-read until they show it,
and the run fails, saying that nothing was resent, when they do not. A check never changes anything and never waits.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import time

from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._job_runner import refused_outright
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._objects import ObjectProgress
from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout, wait_until


class ObjectRunner(object):
    """Read, settle, plan, act, await, verify: the life of one infrastructure module run."""

    def __init__(self, client, kind, params, check_mode=False, warn=lambda message: None, with_diff=True):
        self.client = client
        self.kind = kind
        self.params = params
        self.check_mode = check_mode
        self.warn = warn
        self.with_diff = with_diff
        self.progress = []
        self.deadline = None

    def run(self):
        """The result of a run that reached the declared state; raises JobModuleError, VeeamApiError or WaitTimeout."""
        self.deadline = time.monotonic() + self.params["wait_timeout"]
        declared = self.kind.declared(self.params)
        selected = self.kind.select(self.kind.read(self.client, self.params), self.params)
        self.progress = [ObjectProgress(obj, declared) for obj in selected]
        self._settle()
        changes = [(entry.obj, field, value) for entry in self.progress for field, value in entry.changes()]
        for warning in self.kind.warnings(self.client, changes):
            self.warn(warning)
        if self.check_mode:
            for entry in self.progress:
                entry.after.update(entry.changes())
        elif changes:
            self._check_requirements()
            self._act()
        self._warn_unknown()
        return self._result(dict(msg=self.summary()))

    def _check_requirements(self):
        """What the options lack to change anything fails the run before the first write."""
        lacking = self.kind.requirements(self.params)
        if lacking:
            raise JobModuleError("Nothing was changed: %s: %s." % (self._label([entry for entry in self.progress if entry.changes()]), "; ".join(lacking)))

    def _warn_unknown(self):
        """Declared fields the server cannot show are said, never passed over as if they held."""
        for entry in self.progress:
            if entry.unknown():
                why = entry.obj.details.get("unknown_why")
                self.warn("%s: the server cannot show %s now%s; it was neither judged nor checked." % (
                    self._label([entry]), " or ".join(entry.unknown()), " (%s)" % why if why else ""))

    def partial_result(self):
        """After a failure: what was sent so far, each object's `after` as the server has it (re-read, best effort)."""
        if any(entry.actions for entry in self.progress):
            try:
                self._observe()
            except VeeamApiError:
                pass
        return self._result({})

    def _result(self, extra):
        result = dict(self.client.result_fields(), changed=self.changed(), **extra)
        result[self.kind.name] = [entry.result(self.kind, self.client, self.check_mode) for entry in self.progress]
        if self.with_diff:
            result["diff"] = self.diff()
        return result

    def _settle(self):
        """Objects the server is still changing (settling) are awaited before they are judged; a check only says so."""
        settling = [entry for entry in self.progress if entry.settling()]
        if not settling:
            return
        if self.check_mode:
            self.warn("%s: the server is changing them; the check judges them as they were read." % self._label(settling))
            return
        self._await(settling, lambda entry, obj: obj is not None and all(obj.state.get(f) is not None for f in entry.declared),
                    "%s to settle" % self._label(settling))
        for entry in settling:
            entry.before = dict(entry.after)

    def _act(self):
        self._write_groups(lambda entry: entry.changes())
        # A field the server could not show before (UNKNOWN) may show now that the other changes are made: judged once more.
        if self.params["wait"] and any(entry.changes(entry.after) for entry in self.progress if entry.planned):
            self._write_groups(lambda entry: entry.changes(entry.after))

    def _write_groups(self, changes_of):
        """One write per (field, value) group, in the kind's order of fields (a run's writes come in the same order every time);
        then what they started is awaited and the objects are re-read until they show the changes (with wait)."""
        planned = dict((entry.obj.id, changes_of(entry)) for entry in self.progress)
        for entry in self.progress:
            entry.planned.extend(planned[entry.obj.id])
        self._send_groups(planned)
        unclear = [entry for entry in self.progress if entry.unclear]
        if unclear:
            self._verify_unclear(unclear)
        if self.params["wait"]:
            self._await(self.progress, lambda entry, obj: entry.shows(obj, entry.planned), "%s to show the declared state" % self._label(self.progress))

    def _send_groups(self, planned):
        """{object id: [(field, value)]} sent as one write per group, in the kind's order of fields."""
        for field, value in ((field, value) for field in self.kind.fields for value in (True, False)):
            entries = [entry for entry in self.progress if (field, value) in planned[entry.obj.id]]
            if entries:
                self._write(entries, field, value)

    def _write(self, entries, field, value):
        """One write group: sent once, noted on each object it covers, its sessions awaited (with wait)."""
        action = self.kind.action(field, value)
        try:
            written = self.kind.write(self.client, [entry.obj for entry in entries], field, value, self.params)
        except VeeamApiError as exc:
            self._unclear_or_refused(entries, action, exc)
            return
        handles = _note_written(entries, written, action)
        if handles and self.params["wait"]:
            failures = self.kind.await_writes(self.client, handles, self.remaining(), self.params["wait_sleep"])
            if failures:
                raise JobModuleError("; ".join(message for _handle, message in failures) + ".")

    def _unclear_or_refused(self, entries, action, exc):
        """A refusal fails the run; any other error leaves the write unclear: noted, to be settled by re-reading."""
        if refused_outright(exc):
            exc.message = "%s: %s was refused: %s" % (self._label(entries), action, exc.message)
            raise exc
        for entry in entries:
            entry.actions.append(action)
            entry.unclear.append((action, exc))
        self.warn("%s: the answer to %s was unclear (%s); the state is re-read instead of resending." % (self._label(entries), action, exc))

    def _verify_unclear(self, unclear):
        """Writes answered unclearly count only once the objects show them; they are never resent. The failure names each
        unclear answer (server, method, status) and what the objects showed instead."""
        missed = self._missed(unclear, lambda entry, obj: entry.shows(obj, entry.planned), "%s to show the writes answered unclearly" % self._label(unclear))
        if missed:
            answers = "; ".join(sorted(set("%s: %s" % (action, exc) for entry in unclear for action, exc in entry.unclear)))
            raise JobModuleError("%s. The answer was unclear (%s). Nothing was sent again (a write is never replayed): run the module again "
                                 "to re-read and decide." % (str(missed).rstrip("."), answers.rstrip(".")))
        for entry in unclear:
            entry.unclear = []

    def _await(self, entries, done, what):
        missed = self._missed(entries, done, what)
        if missed:
            raise missed

    def _missed(self, entries, done, what):
        """Re-read until `done(entry, object)` holds for every entry: None, or the WaitTimeout as a value."""
        def describe(current):
            return "; ".join("%s %s" % (entry.obj.name, _state_words(current.get(entry.obj.id), entry.declared))
                             for entry in entries if not done(entry, current.get(entry.obj.id)))
        try:
            wait_until(self._observe, lambda current: all(done(entry, current.get(entry.obj.id)) for entry in entries), what,
                       self.remaining(), self.params["wait_sleep"], describe=describe)
        except WaitTimeout as exc:
            return WaitTimeout(exc.what, self.params["wait_timeout"], exc.last_state)
        return None

    def _observe(self):
        """Read the objects and note each as it is now: the one place a read changes the run's state."""
        current = dict((obj.id, obj) for obj in self.kind.read(self.client, self.params))
        for entry in self.progress:
            if entry.obj.id in current:
                entry.note(current[entry.obj.id])
        return current

    def remaining(self):
        return max(self.deadline - time.monotonic(), 0)

    def _label(self, entries):
        if len(entries) == 1 and entries[0].obj.name == self.kind.title:
            return self.kind.title
        return "%s %s" % (self.kind.counted(len(entries)).split(" ", 1)[1], ", ".join(repr(entry.obj.name) for entry in entries))

    def outcome(self):
        """What the run did, as values (ObjectOutcome per selected object)."""
        return [entry.outcome(self.kind, self.check_mode) for entry in self.progress]

    def changed(self):
        return any(outcome.actions for outcome in self.outcome())

    def summary(self):
        counts = collections.Counter(action for outcome in self.outcome() for action in outcome.actions)
        declared = ", ".join("%s=%s" % (field, str(value).lower()) for field, value in sorted(self.kind.declared(self.params).items()))
        if not counts:
            return "All %s selected already %s." % (self.kind.counted(len(self.progress)), declared)
        done = ", ".join("%s to %d" % (action, counts[action]) for action in sorted(counts))
        verb = "Would have sent" if self.check_mode else "Sent"
        return "%s %s of %s selected (declared %s)." % (verb, done, self.kind.counted(len(self.progress)), declared)

    def diff(self):
        def label(entry):
            return "%s (%s)" % (entry.obj.name, entry.obj.id)
        return dict(before=dict((label(entry), dict(entry.before)) for entry in self.progress),
                    after=dict((label(entry), dict(entry.after)) for entry in self.progress))


def _note_written(entries, written, action):
    """Note each write on the objects it covers; the handles to await."""
    by_id = dict((entry.obj.id, entry) for entry in entries)
    for handle, objects in written:
        for obj in objects:
            by_id[obj.id].actions.append(action)
            if handle is not None:
                by_id[obj.id].handles.append(handle)
    return [handle for handle, _objects in written if handle is not None]


def _state_words(obj, declared):
    """The declared fields of an object as read ("maintenance=settling, sealed=false")."""
    if obj is None:
        return "(no longer listed)"
    return ", ".join("%s=%s" % (field, "settling" if obj.state.get(field) is None else str(obj.state[field]).lower()) for field in sorted(declared))
