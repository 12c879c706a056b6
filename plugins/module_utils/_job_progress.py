# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a job runner run knows and did about each job (JobProgress), what it did as values (JobOutcome, RunOutcome, which
the maintenance window decides from), and the words it describes them with. Shared by _job_runner.py; private.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import WRITES, state_of
from ansible_collections.backupops.veeam.plugins.module_utils._model import AWAIT_IDLE, DISABLE, ENABLE, START, STOP, shows_effect


def as_dict(state):
    return dict(enabled=state.enabled, running=state.running)


# What a run did to one job: its state before and as last read (JobState), and the writes sent (in check mode: planned).
JobOutcome = collections.namedtuple("JobOutcome", "id name before after actions")
# What a run did: whether it changed anything, each selected job's JobOutcome, and its wait for running sessions to end
# ({seconds, jobs}, or None). The window decides from these; the modules' result dicts are built from them at the edge.
RunOutcome = collections.namedtuple("RunOutcome", "changed jobs waited")


class JobProgress(object):
    """What the run knows and did about one selected job: its plan, the writes sent, what they started, the latest read."""

    def __init__(self, job, planned):
        self.job = job
        self.plan = planned
        self.before = state_of(job)
        self.after = planned.after
        self.actions = []
        self.handles = []
        self.latest = None
        # action -> the error that left it unclear whether the server performed it; how many of its sends were unclear
        self.unclear = collections.OrderedDict()
        self.unclear_sends = collections.Counter()

    def flag_ok(self, job):
        return shows_effect(self.flag_action(), self.job, job)

    def flag_action(self):
        return ENABLE if self.plan.after.enabled else DISABLE

    def decide_flag_again(self, job):
        """The flag is to be written once more from `job` as read now; whether that write is answered clearly is what
        the failure message turns on (the count of unclear sends stays)."""
        self.job = self.job._replace(enabled=job.enabled)
        self.unclear.pop(self.flag_action(), None)

    def run_ok(self, job, wait_for_completion):
        action = next((step for step in (STOP, AWAIT_IDLE, START) if step in self.plan.steps), None)
        return job is not None and (action is None or shows_effect(action, self.job, job, wait_for_completion))

    def run_action(self):
        return next((step for step in self.plan.steps if step in (START, STOP)), None)

    def unclear_note(self):
        return "; ".join("the answer to %s was unclear: %s" % (action, str(exc).rstrip(".")) for action, exc in self.unclear.items())

    def planned_writes(self):
        return [step for step in self.plan.steps if step in WRITES]

    def outcome(self, check_mode=False):
        return JobOutcome(self.job.id, self.job.name, self.before, self.after, tuple(self.planned_writes() if check_mode else self.actions))

    def result(self, client, check_mode=False):
        """The job's entry in a module's result: its outcome as a dict, with what the client says of the job and its writes."""
        done = self.outcome(check_mode)
        entry = dict(client.job_fields(self.job), id=done.id, name=done.name, before=as_dict(done.before), after=as_dict(done.after),
                     actions=list(done.actions))
        for handle in self.handles:
            entry.update(client.describe(handle))
        return entry


def unmanageable_warning(unmanageable):
    """Names every job the server lists that the run could not select (all_jobs does not include them)."""
    return "%d job(s) listed by the server cannot be managed through its API and were left as they are: %s." % (
        len(unmanageable), ", ".join("%r (%s)" % (entry["name"], entry["type"]) for entry in unmanageable))


def pending(entries, done, current):
    """The jobs not done yet as last read and, for each, why it may not show its change (the unclear answers)."""
    pending = [e for e in entries if not done(e, current.get(e.job.id))]
    seen = ", ".join("%r %s" % (e.job.name, describe_job(current.get(e.job.id))) for e in pending[:5]) + (" ..." if len(pending) > 5 else "")
    return "; ".join([seen] + [e.unclear_note() for e in pending if e.unclear])


def flag_failure(entries, last_state):
    """Why a flag still differs after one correction: the writes had no clear answer (lead with that), or they were
    answered and the flag moved back anyway (then something else is changing it)."""
    unanswered = [e for e in entries if e.unclear]
    if unanswered:
        return "; ".join("Could not %s job %r: %s" % (action, e.job.name, attempts(e, action)) for e in unanswered
                         for action in e.unclear) + "; its schedule flag was re-read each time and still differs."
    return "The schedule flag of %s still differs after correcting it once; something else is changing it (%s)." % (
        jobs_label(entries), last_state)


def attempts(entry, action):
    count = entry.unclear_sends[action]
    return "%s, without a clear answer (last: %s)" % ("sent %d times" % count if count > 1 else "sent once", str(entry.unclear[action]).rstrip("."))


PAST = {ENABLE: "enabled", DISABLE: "disabled", START: "started", STOP: "stopped"}


def jobs_label(records):
    names = [repr(record.job.name) for record in records]
    return "job %s" % names[0] if len(names) == 1 else "%d jobs (%s%s)" % (len(names), ", ".join(names[:5]), ", ..." if len(names) > 5 else "")


def describe_job(job):
    if job is None:
        return "is gone"
    # A client that read the session's own state names it (details session_state), so a wait says what it waits on.
    state = job.details.get("session_state") if isinstance(job.details, dict) else None
    running = ("running (%s)" % state if state else "running") if job.running else "idle"
    return "is %s and %s" % ("enabled" if job.enabled else "disabled", running)
