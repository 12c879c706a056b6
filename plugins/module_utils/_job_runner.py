# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives any job client towards a declared state. Shared by every job module; private to the collection.

A client (one per API) provides:
  read_jobs() -> [Job]                 every job with its enabled flag and running state, in as few requests as the API allows
  send(job, action) -> handle or None  one write; never replayed
  settle(handles, timeout, sleep)      wait for what the writes started (EM tasks); returns [(handle, failure message)]
  describe(handle) -> dict             the task or session a write started, for the result
  normalize_id(value) -> str
  close()                              log off; called on every path, before the module exits
  settle_seconds                       how long a confirmed change may take to show in a read
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import difflib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import (
    AWAIT_IDLE, DISABLE, ENABLE, PHASES, START, STOP, WRITES, JobState, PlanError, plan,
)
from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout, format_seconds, wait_until

Job = collections.namedtuple("Job", "id name enabled running last_run last_result next_run details")


class JobModuleError(Exception):
    """A failure to report as the module's one-line message."""


def state_of(job):
    return JobState(job.enabled, job.running)


def as_dict(state):
    return dict(enabled=state.enabled, running=state.running)


def select_jobs(jobs, ids=None, names=None, all_jobs=False, normalize_id=lambda value: value):
    """The jobs the user selected, in their order, or JobModuleError naming every unknown or ambiguous selector."""
    if all_jobs:
        return list(jobs)
    by_id = dict((job.id.lower(), job) for job in jobs)
    by_name = collections.defaultdict(list)
    for job in jobs:
        by_name[job.name].append(job)
    selected, problems = [], []
    for value in ids or []:
        job = by_id.get(normalize_id(value).lower())
        if job is None:
            problems.append("no job has id %r%s" % (value, _candidates(value, [j.id for j in jobs])))
        else:
            selected.append(job)
    for name in names or []:
        matches = by_name.get(name, [])
        if not matches:
            problems.append("no job is named %r (names are case-sensitive)%s" % (name, _candidates(name, list(by_name))))
        elif len(matches) > 1:
            problems.append("%d jobs are named %r (ids %s); select them by id" % (len(matches), name, ", ".join(j.id for j in matches)))
        else:
            selected.extend(matches)
    if problems:
        raise JobModuleError("; ".join(problems))
    unique = collections.OrderedDict((job.id, job) for job in selected)
    return list(unique.values())


def _candidates(value, known):
    close = difflib.get_close_matches(value, known, n=5, cutoff=0.5)
    close += [k for k in known if value.lower() == k.lower() and k not in close]
    if close:
        return "; did you mean %s?" % ", ".join(repr(c) for c in close)
    if len(known) <= 10:
        return "; the server has %s" % (", ".join(repr(k) for k in known) or "no jobs")
    return ""


class Record(object):
    """What the module knows and did about one selected job."""

    def __init__(self, job, planned):
        self.job = job
        self.plan = planned
        self.before = state_of(job)
        self.after = planned.after
        self.actions = []
        self.handles = []
        self.latest = None
        # action -> the error that left it unclear whether the server performed it
        self.unclear = collections.OrderedDict()

    def flag_ok(self, job):
        return job is not None and job.enabled == self.plan.after.enabled

    def run_ok(self, job, wait_for_completion):
        if job is None:
            return False
        if STOP in self.plan.steps or AWAIT_IDLE in self.plan.steps:
            return not job.running
        if START in self.plan.steps:
            new_run = job.last_run != self.job.last_run
            return (new_run and not job.running) if wait_for_completion else (job.running or new_run)
        return True

    def run_action(self):
        return next((step for step in self.plan.steps if step in (START, STOP)), None)

    def unclear_note(self):
        return "; ".join("the answer to %s was unclear: %s" % (action, str(exc).rstrip(".")) for action, exc in self.unclear.items())

    def planned_writes(self):
        return [step for step in self.plan.steps if step in WRITES]

    def result(self, client, check_mode=False):
        entry = dict(id=self.job.id, name=self.job.name, before=as_dict(self.before), after=as_dict(self.after),
                     actions=self.planned_writes() if check_mode else list(self.actions))
        for handle in self.handles:
            entry.update(client.describe(handle))
        return entry


class JobRunner(object):
    """Read, plan, act, wait, verify: the life of one job module run."""

    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.records = []
        self.deadline = None

    def run(self):
        try:
            result, failure = self._run(), None
        except (JobModuleError, VeeamApiError, WaitTimeout) as exc:
            self._reread_after_failure()
            result, failure = dict(msg=str(exc), changed=self.changed(), jobs=self.results(), **error_fields(exc)), exc
        finally:
            # Before exiting, so that a failed logoff still reaches the result as a warning.
            self.client.close()
        if failure is not None:
            self.module.fail_json(**result)
        self.module.exit_json(**result)

    def _reread_after_failure(self):
        """Best effort: after a failure, `after` shows what the server has, not what was planned."""
        acted = [record for record in self.records if record.actions]
        if not acted:
            return
        try:
            current = self._read(acted)
        except VeeamApiError:
            return
        for record in acted:
            if record.job.id in current:
                record.after = state_of(current[record.job.id])

    def _run(self):
        params = self.params
        selected = select_jobs(self.client.read_jobs(), params["id"], params["name"], params["all_jobs"], self.client.normalize_id)
        problems = []
        for job in selected:
            try:
                self.records.append(Record(job, plan(state_of(job), params["state"], params["if_running"], params["enable_if_disabled"])))
            except PlanError as exc:
                problems.append("job %r %s" % (job.name, exc))
        if problems:
            raise JobModuleError("Nothing was changed: " + "; ".join(problems) + ".")
        if not self.module.check_mode:
            self.deadline = time.monotonic() + params["wait_timeout"]
            self._apply()
        return dict(changed=self.changed(), msg=self.summary(), jobs=self.results(), diff=self.diff())

    def _apply(self):
        for phase in PHASES:
            batch = [record for record in self.records if phase in record.plan.steps]
            if batch and phase == AWAIT_IDLE:
                self._resend_unperformed_runs([record for record in batch if STOP in record.unclear])
                self._wait_for(batch, lambda record, job: job is not None and not job.running,
                               "the running sessions of %s to end" % _jobs_label(batch), self.remaining())
            elif batch:
                self._send(batch, phase)
        if self.params["wait"]:
            self._verify()

    def _send(self, batch, action):
        sent, refusals = [], []
        for record, handle, exc in self._write(batch, action):
            if exc is not None and refused_outright(exc):
                exc.message = "Job %r: %s was refused: %s" % (record.job.name, action, exc.message)
                refusals.append(exc)
                continue
            record.actions.append(action)
            if exc is not None:
                # The server may or may not have applied it; re-reading decides, resending never does.
                record.unclear[action] = exc
                self.module.warn("Job %r: the answer to %s was unclear (%s); its state is re-read instead of resending." % (record.job.name, action, exc))
            elif handle is not None:
                record.handles.append(handle)
                sent.append((record, handle))
        if refusals:
            raise refusals[0]
        if sent and (self.params["wait"] or action == STOP):
            failures = self.client.settle([handle for _record, handle in sent], self.remaining(), self.params["wait_sleep"])
            if failures:
                raise JobModuleError("; ".join(message for _handle, message in failures))

    def _write(self, batch, action):
        """(record, handle, error) of each write sent, in batch order, with up to write_concurrency in flight.

        Once one is refused outright no further write starts: the run fails, and the fewer changes it leaves, the better.
        """
        refused = threading.Event()

        def attempt(record):
            if refused.is_set():
                return None
            try:
                return record, self.client.send(record.job, action), None
            except VeeamApiError as exc:
                if refused_outright(exc):
                    refused.set()
                return record, None, exc

        workers = min(self.params["write_concurrency"], len(batch))
        if workers <= 1:
            outcomes = [attempt(record) for record in batch]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                outcomes = list(pool.map(attempt, batch))
        return [outcome for outcome in outcomes if outcome is not None]

    def _send_each(self, records, action_of):
        for action in WRITES:
            batch = [record for record in records if action_of(record) == action]
            if batch:
                self._send(batch, action)

    def _verify(self):
        flagged = [record for record in self.records if set(record.plan.steps) & set((ENABLE, DISABLE))]
        if flagged:
            try:
                self._await_effect(flagged, lambda record, job: record.flag_ok(job), "the schedule flags to show")
            except WaitTimeout:
                self._correct_flags_once(flagged)
        self._resend_unperformed_runs([record for record in self.records if START in record.unclear])
        running = [record for record in self.records if set(record.plan.steps) & set((START, STOP, AWAIT_IDLE))]
        if running:
            completion = self.params["wait_for_completion"]
            what = "the runs of %s to %s" % (_jobs_label(running), "finish" if completion else "start or stop")
            self._wait_for(running, lambda record, job: record.run_ok(job, completion), what, self.remaining())
            if completion:
                failed = [r for r in running if START in r.plan.steps and r.latest and r.latest.last_result == "Failed"]
                if failed:
                    raise JobModuleError("The run of %s ended %s." % (_jobs_label(failed), ", ".join(r.latest.last_result for r in failed)))

    def _await_effect(self, records, shows, what):
        """Wait for the writes to show in a read; raises WaitTimeout when the decision to write again is the caller's.

        A write whose effect does not show is decided again only after the client's settle time, because an EM toggle
        may show late and a flip sent twice undoes itself. When the budget ends first, the run fails instead.
        """
        settle = self.settle_timeout()
        try:
            self._wait_for(records, shows, what, settle)
        except WaitTimeout as exc:
            if settle < self.client.settle_seconds:
                raise JobModuleError("%s Nothing was sent again: a write without effect is decided again only after %s seconds "
                                     "(raise wait_timeout for that)." % (exc, format_seconds(self.client.settle_seconds)))
            raise

    def _resend_unperformed_runs(self, unclear):
        """A start or stop answered unclearly whose effect does not show was not performed: send it once more.

        Unlike a toggle, a start or stop sent twice cannot undo itself; a clear answer is never resent (a stop may take long to show).
        """
        if not unclear:
            return
        try:
            self._await_effect(unclear, lambda record, job: record.run_ok(job, False), "the starts and stops with unclear answers to show")
            return
        except WaitTimeout:
            pass
        current = self._read(unclear)
        unperformed = [record for record in unclear if current.get(record.job.id) is not None and not record.run_ok(current[record.job.id], False)]
        self._send_each(unperformed, lambda record: record.run_action())

    def _correct_flags_once(self, flagged):
        """A flag still wrong after its change was confirmed: someone changed it meanwhile. Decide once more from a fresh read."""
        current = self._read(flagged)
        wrong = [record for record in flagged if current.get(record.job.id) is not None and not record.flag_ok(current[record.job.id])]
        missing = [record for record in flagged if current.get(record.job.id) is None]
        if missing:
            raise JobModuleError("The server no longer has %s; it was deleted while being changed." % _jobs_label(missing))
        for record in wrong:
            record.job = record.job._replace(enabled=current[record.job.id].enabled)
        self._send_each(wrong, lambda record: ENABLE if record.plan.after.enabled else DISABLE)
        try:
            self._wait_for(flagged, lambda record, job: record.flag_ok(job), "the schedule flags to show", self.settle_timeout())
        except WaitTimeout as exc:
            raise JobModuleError("The schedule flag of %s still differs after correcting it once; something else is changing it (%s)."
                                 % (_jobs_label(wrong or flagged), exc.last_state))

    def _read(self, records):
        wanted = set(record.job.id for record in records)
        return dict((job.id, job) for job in self.client.read_jobs() if job.id in wanted)

    def _wait_for(self, records, done, what, timeout):
        def fetch():
            return self._read(records)

        def all_done(current):
            for record in records:
                record.latest = current.get(record.job.id)
                if record.latest is not None:
                    record.after = state_of(record.latest)
            return all(done(record, current.get(record.job.id)) for record in records)

        def describe(current):
            pending = [r for r in records if not done(r, current.get(r.job.id))]
            seen = ", ".join("%r %s" % (r.job.name, _describe_job(current.get(r.job.id))) for r in pending[:5]) + (" ..." if len(pending) > 5 else "")
            # Why a job may not show its change: the write's answer, with the server and status the user needs.
            return "; ".join([seen] + [r.unclear_note() for r in pending if r.unclear])

        try:
            wait_until(fetch, all_done, what, max(timeout, 0), self.params["wait_sleep"], describe=describe)
        except WaitTimeout as exc:
            # The deadline is shared by the whole run, so name the budget the user set, not what was left of it.
            raise WaitTimeout(exc.what, self.params["wait_timeout"], exc.last_state)

    def settle_timeout(self):
        return min(self.client.settle_seconds, self.remaining())

    def remaining(self):
        return max(self.deadline - time.monotonic(), 0)

    def changed(self):
        if self.module.check_mode:
            return any(record.planned_writes() for record in self.records)
        return any(record.actions for record in self.records)

    def results(self):
        return [record.result(self.client, self.module.check_mode) for record in self.records]

    def summary(self):
        counts = collections.Counter(action for record in self.records for action in (
            record.planned_writes() if self.module.check_mode else record.actions))
        done = ", ".join("%s %d" % (_PAST.get(action, action), counts[action]) for action in WRITES if counts[action])
        prefix = "Would have " if self.module.check_mode else ""
        return "%s%s of %d selected job(s)." % (prefix, done, len(self.records)) if done else "All %d selected job(s) already %s." % (
            len(self.records), self.params["state"])

    def diff(self):
        def label(record):
            return "%s (%s)" % (record.job.name, record.job.id)
        return dict(before=dict((label(r), as_dict(r.before)) for r in self.records),
                    after=dict((label(r), as_dict(r.after)) for r in self.records))


_PAST = {ENABLE: "enabled", DISABLE: "disabled", START: "started", STOP: "stopped"}


def _jobs_label(records):
    names = [repr(record.job.name) for record in records]
    return "job %s" % names[0] if len(names) == 1 else "%d jobs (%s%s)" % (len(names), ", ".join(names[:5]), ", ..." if len(names) > 5 else "")


def _describe_job(job):
    if job is None:
        return "is gone"
    return "is %s and %s" % ("enabled" if job.enabled else "disabled", "running" if job.running else "idle")


def refused_outright(exc):
    """Whether the server answered that it did not perform the write: a 4xx other than 409.

    After anything else (a 409 conflict, a 5xx, a 2xx with an unreadable body, no answer at all) the write may or may
    not have been performed: the job is re-read and the decision made again.
    """
    return exc.status is not None and 400 <= exc.status < 500 and exc.status != 409


def error_fields(exc):
    """The failed request's details for the result, when the failure came from a server."""
    return dict(http=exc.to_dict()) if isinstance(exc, VeeamApiError) else {}
