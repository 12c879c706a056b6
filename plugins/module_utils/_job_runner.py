# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives any JobClient (plugins/module_utils/_client.py) towards a declared state. Shared by every job module; private.

The life of a run, one verb each:
  read -> select -> plan every job
  act     phase by phase (all flag changes, all stops, one shared wait for idleness, all starts); in each phase
          send    the writes (at most write_concurrency in flight; a refusal stops further writes), then
          await   what they started (tasks, sessions), settling writes the client lost by the job's effect
  verify  re-read until every job shows its effect; a flag that does not is decided again once, from a fresh read
A check never changes anything: reads are observed in one place (_observe), writes noted in _send (and a flag decided
again in JobProgress.decide_flag_again).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import PHASES, WRITES, PlanError, plan, state_of
from ansible_collections.backupops.veeam.plugins.module_utils._model import AWAIT_IDLE, DISABLE, ENABLE, START, STOP, JobModuleError, shows_effect
from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._job_progress import (
    PAST, JobProgress, RunOutcome, as_dict, flag_failure, jobs_label, pending, unmanageable_warning,
)
from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout, format_seconds, wait_until


class JobRunner(object):
    """Read, plan, act, wait, verify: the life of one job module run. The module wrapper turns its outcome into the result."""

    def __init__(self, client, params, check_mode=False, warn=lambda message: None, with_diff=True, notify=None, notify_every=60):
        """with_diff: add the before/after diff to the result (only diff mode shows it; for 500 jobs it is half the result,
        which the module serializes and scrubs and the controller parses).
        notify: told every `notify_every` seconds of a long wait what is still awaited (a module has no one to tell; the
        maintenance window's action shows it on the controller)."""
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.warn = warn
        self.with_diff = with_diff
        self.notify = notify
        self.notify_every = notify_every
        self.progress = []
        self.deadline = None
        # The first read of the server's jobs (a JobList): what the run selected from, and what the result names besides.
        self.listing = None
        # {seconds, jobs} of the wait for running sessions to end, once it is over (the result says how long it took).
        self.waited = None

    def run(self):
        """The result of a run that reached the declared state; raises JobModuleError, VeeamApiError or WaitTimeout."""
        params = self.params
        self.listing = self.client.read_jobs()
        selected = self.client.select(self.listing, params["id"], params["name"], params["all_jobs"])
        problems = []
        for job in selected:
            try:
                self.progress.append(JobProgress(job, plan(state_of(job), params["state"], params["if_running"], params["enable_if_disabled"])))
            except PlanError as exc:
                problems.append("job %r %s" % (job.name, exc))
        if problems:
            raise JobModuleError("Nothing was changed: " + "; ".join(problems) + ".")
        if not self.check_mode:
            self.deadline = time.monotonic() + params["wait_timeout"]
            self._act()
        result = dict(self.client.result_fields(self.listing), changed=self.changed(), msg=self.summary(), jobs=self.results())
        if self.waited:
            result["waited"] = dict(self.waited)
        if self.listing.unmanageable and params["all_jobs"]:
            self.warn(unmanageable_warning(self.listing.unmanageable))
        if self.with_diff:
            result["diff"] = self.diff()
        return result

    def partial_result(self):
        """After a failure: what changed so far, and each job's `after` as the server has it, never as planned.

        When anything was sent, every job is re-read (best effort); a job the read does not show keeps its last known
        state: the state before the run when nothing was sent to it.
        """
        current = {}
        if any(entry.actions for entry in self.progress):
            try:
                current = self._read(self.progress)
            except VeeamApiError:
                pass
        for entry in self.progress:
            if entry.job.id in current:
                entry.after = state_of(current[entry.job.id])
            elif not entry.actions and entry.latest is None:
                entry.after = entry.before
        return dict(self.client.result_fields(self.listing), changed=self.changed(), jobs=self.results())

    def _act(self):
        """Each phase of PHASES with the jobs that plan it; then verify (with wait)."""
        for phase in PHASES:
            batch = [entry for entry in self.progress if phase in entry.plan.steps]
            if not batch:
                continue
            if phase == AWAIT_IDLE:
                self._await_idle(batch)
            else:
                self._send(batch, phase)
        if self.params["wait"]:
            self._verify()

    def _await_idle(self, batch):
        self._resend_unperformed_runs([entry for entry in batch if STOP in entry.unclear])
        started = time.monotonic()
        self._await(batch, lambda entry, job: job is not None and not job.running,
                    "the running sessions of %s to end" % jobs_label(batch), self.remaining())
        self.waited = dict(seconds=round(time.monotonic() - started, 1), jobs=len(batch))

    def _send(self, batch, action):
        """Send `action` to every job of the batch and note each outcome: performed, unclear (decided by re-reading, never
        by resending) or refused (the run fails); then await what was started."""
        sent, refusals = [], []
        for entry, handle, exc in self._post_each(batch, action):
            if exc is not None and refused_outright(exc):
                exc.message = "Job %r: %s was refused: %s" % (entry.job.name, action, exc.message)
                refusals.append(exc)
                continue
            entry.actions.append(action)
            if exc is not None:
                # The server may or may not have applied it; re-reading decides, resending never does.
                entry.unclear[action] = exc
                entry.unclear_sends[action] += 1
                self.warn("Job %r: the answer to %s was unclear (%s); its state is re-read instead of resending." % (entry.job.name, action, exc))
            elif handle is not None:
                entry.handles.append(handle)
                sent.append((entry, handle))
        if refusals:
            raise refusals[0]
        if sent and (self.params["wait"] or action == STOP):
            self._await_started(sent, action)

    def _await_started(self, sent, action):
        """Wait for what the writes started; a write the client lost track of is settled by the job showing its effect."""
        failures = [message for _handle, message in self.client.await_writes([handle for _entry, handle in sent], self.remaining(),
                                                                             self.params["wait_sleep"])]
        lost = [entry for entry, handle in sent if self.client.lost(handle)]
        if lost and self._missed(lost, lambda entry, job: shows_effect(action, entry.job, job), "the jobs of the lost %s writes" % action,
                                 self.remaining()):
            failures.extend("Job %r: the %s was lost with the expired session (its task belonged to it) and the job did not show "
                            "its effect within %s seconds; nothing was resent: run the module again to re-read and decide." % (
                                entry.job.name, action, format_seconds(self.params["wait_timeout"])) for entry in lost)
        if failures:
            raise JobModuleError("; ".join(failures))

    def _post_each(self, batch, action):
        """(progress, handle, error) of each write sent, in batch order, with up to write_concurrency in flight.

        Once one is refused outright no further write starts: the run fails, and the fewer changes it leaves, the better.
        """
        refused = threading.Event()

        def attempt(entry):
            if refused.is_set():
                return None
            try:
                return entry, self.client.send(entry.job, action), None
            except VeeamApiError as exc:
                if refused_outright(exc):
                    refused.set()
                return entry, None, exc

        workers = min(self.params["write_concurrency"], len(batch))
        if workers <= 1:
            outcomes = [attempt(entry) for entry in batch]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                outcomes = list(pool.map(attempt, batch))
        return [outcome for outcome in outcomes if outcome is not None]

    def _send_by_action(self, entries, action_of):
        """Send each entry the action `action_of(entry)` names, one batch per action."""
        for action in WRITES:
            batch = [entry for entry in entries if action_of(entry) == action]
            if batch:
                self._send(batch, action)

    def _verify(self):
        flagged = [entry for entry in self.progress if set(entry.plan.steps) & set((ENABLE, DISABLE))]
        if flagged and self._effect_missed(flagged, lambda entry, job: entry.flag_ok(job), "the schedule flags to show"):
            self._correct_flags_once(flagged)
        self._resend_unperformed_runs([entry for entry in self.progress if START in entry.unclear])
        running = [entry for entry in self.progress if set(entry.plan.steps) & set((START, STOP, AWAIT_IDLE))]
        if running:
            self._verify_runs(running, self.params["wait_for_completion"])

    def _verify_runs(self, running, completion):
        what = "the runs of %s to %s" % (jobs_label(running), "finish" if completion else "start or stop")
        self._await(running, lambda entry, job: entry.run_ok(job, completion), what, self.remaining())
        failed = [e for e in running if completion and START in e.plan.steps and e.latest and e.latest.last_result == "Failed"]
        if failed:
            raise JobModuleError("The run of %s ended %s." % (jobs_label(failed), ", ".join(e.latest.last_result for e in failed)))

    def _effect_missed(self, entries, shows, what):
        """Wait for the writes to show in a read: None when they do, else the WaitTimeout (the decision to write again is the
        caller's).

        A write whose effect does not show is decided again only after the client's effect delay, because an EM toggle
        may show late and a flip sent twice undoes itself. When the budget ends first, the run fails instead.
        """
        delay = self.effect_timeout()
        missed = self._missed(entries, shows, what, delay)
        if missed and delay < self.client.effect_delay_seconds:
            raise JobModuleError("%s Nothing was sent again: a write without effect is decided again only after %s seconds "
                                 "(raise wait_timeout for that)." % (missed, format_seconds(self.client.effect_delay_seconds)))
        return missed

    def _resend_unperformed_runs(self, unclear):
        """A start or stop answered unclearly whose effect does not show was not performed: send it once more.

        Unlike a toggle, a start or stop sent twice cannot undo itself; a clear answer is never resent (a stop may take long to show).
        """
        if not unclear or not self._effect_missed(unclear, lambda entry, job: entry.run_ok(job, False),
                                                  "the starts and stops with unclear answers to show"):
            return
        current = self._read(unclear)
        unperformed = [entry for entry in unclear if current.get(entry.job.id) is not None and not entry.run_ok(current[entry.job.id], False)]
        self._send_by_action(unperformed, lambda entry: entry.run_action())

    def _correct_flags_once(self, flagged):
        """A flag still wrong after its change was confirmed: someone changed it meanwhile. Decide once more from a fresh read."""
        current = self._read(flagged)
        missing = [entry for entry in flagged if current.get(entry.job.id) is None]
        if missing:
            raise JobModuleError("The server no longer has %s; it was deleted while being changed." % jobs_label(missing))
        wrong = [entry for entry in flagged if not entry.flag_ok(current[entry.job.id])]
        for entry in wrong:
            entry.decide_flag_again(current[entry.job.id])
        self._send_by_action(wrong, lambda entry: entry.flag_action())
        missed = self._missed(flagged, lambda entry, job: entry.flag_ok(job), "the schedule flags to show", self.effect_timeout())
        if missed:
            raise JobModuleError(flag_failure(wrong or flagged, missed.last_state))

    def _read(self, entries):
        wanted = set(entry.job.id for entry in entries)
        return dict((job.id, job) for job in self.client.read_jobs() if job.id in wanted)

    def _await(self, entries, done, what, timeout):
        """Re-read until `done(entry, job)` holds for every entry; WaitTimeout (the run's failure) when it does not in time."""
        missed = self._missed(entries, done, what, timeout)
        if missed:
            raise missed

    def _missed(self, entries, done, what, timeout):
        """Re-read until `done(entry, job)` holds for every entry (a pure check), each read observed first: None, or the
        WaitTimeout as a value when it did not hold in time (the caller decides what that means)."""
        def progress(elapsed, seen):
            self.notify("still waiting for %s (%s s so far, wait_timeout %s s): %s" % (
                what, format_seconds(elapsed), format_seconds(self.params["wait_timeout"]), seen))

        try:
            wait_until(lambda: self._observe(entries), lambda current: all(done(e, current.get(e.job.id)) for e in entries), what,
                       max(timeout, 0), self.params["wait_sleep"], describe=lambda current: pending(entries, done, current),
                       progress=progress if self.notify else None, progress_every=self.notify_every)
        except WaitTimeout as exc:
            # The deadline is shared by the whole run, so name the budget the user set, not what was left of it.
            return WaitTimeout(exc.what, self.params["wait_timeout"], exc.last_state)
        return None

    def _observe(self, entries):
        """Read the jobs and note what each entry's job is now: the one place a read changes the run's state."""
        current = self._read(entries)
        for entry in entries:
            entry.latest = current.get(entry.job.id)
            if entry.latest is not None:
                entry.after = state_of(entry.latest)
        return current

    def effect_timeout(self):
        return min(self.client.effect_delay_seconds, self.remaining())

    def remaining(self):
        return max(self.deadline - time.monotonic(), 0)

    def outcome(self):
        """What the run did, as values (after run() or partial_result(): each job as last read)."""
        return RunOutcome(self.changed(), [entry.outcome(self.check_mode) for entry in self.progress], dict(self.waited) if self.waited else None)

    def changed(self):
        if self.check_mode:
            return any(entry.planned_writes() for entry in self.progress)
        return any(entry.actions for entry in self.progress)

    def results(self):
        return [entry.result(self.client, self.check_mode) for entry in self.progress]

    def summary(self):
        counts = collections.Counter(action for entry in self.progress for action in (
            entry.planned_writes() if self.check_mode else entry.actions))
        done = ", ".join("%s %d" % (PAST.get(action, action), counts[action]) for action in WRITES if counts[action])
        if not self.progress:
            return "No manageable job matches the selection; nothing to do."
        if not done:
            return "All %d selected job(s) already %s." % (len(self.progress), self.params["state"])
        return "%s%s of %d selected job(s)." % ("Would have " if self.check_mode else "", done, len(self.progress))

    def diff(self):
        def label(entry):
            return "%s (%s)" % (entry.job.name, entry.job.id)
        return dict(before=dict((label(e), as_dict(e.before)) for e in self.progress),
                    after=dict((label(e), as_dict(e.after)) for e in self.progress))


def refused_outright(exc):
    """Whether the server answered that it did not perform the write: a 4xx other than 409.

    After anything else (a 409 conflict, a 5xx, a 2xx with an unreadable body, no answer at all) the write may or may
    not have been performed: the job is re-read and the decision made again.
    """
    return exc.status is not None and 400 <= exc.status < 500 and exc.status != 409
