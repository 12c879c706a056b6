# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The model every layer shares: a Job as every client reads it, which jobs a user selected, and whether a job shows the
effect of an action. Pure: no server, no Ansible. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import difflib

# The actions a job can be sent (the writes), and the wait for a running session to end (not a write).
STOP = "stop"
AWAIT_IDLE = "await_idle"
ENABLE = "enable"
DISABLE = "disable"
START = "start"

# A job as every client reads it; `details` holds what only one API knows.
Job = collections.namedtuple("Job", "id name enabled running last_run last_result next_run details")


class JobList(list):
    """One read of a server's jobs: the jobs (a list, in the server's order) and, as values rather than client state, what
    the client's options left out or the API cannot show, so that it is named instead of silently missing.

    hidden        {name or lower-case id: why}: jobs a filter of the options left out (selecting one says why)
    unmanageable  [{id, name, type, why}]: jobs the server lists that cannot be selected or changed
    unread        what the options kept the client from reading at all (a sentence for a selector that matches nothing), or None
    unlisted      {kinds, why}: the kinds of job the API, or the revision spoken, cannot list at all, or None
    """

    def __init__(self, jobs=(), hidden=None, unmanageable=(), unread=None, unlisted=None):
        super(JobList, self).__init__(jobs)
        self.hidden = dict(hidden or {})
        self.unmanageable = [dict(entry) for entry in unmanageable]
        self.unread = unread
        self.unlisted = dict(unlisted, kinds=list(unlisted["kinds"])) if unlisted else None

    def fields(self):
        """What every result of a run says of this read: the jobs the server lists but cannot manage, the kinds it cannot list."""
        fields = {}
        if self.unmanageable:
            fields["unmanageable_jobs"] = [dict(entry) for entry in self.unmanageable]
        if self.unlisted:
            fields["unlisted_jobs"] = dict(self.unlisted, kinds=list(self.unlisted["kinds"]))
        return fields


class JobModuleError(Exception):
    """A failure to report as the module's one-line message."""


def select_jobs(jobs, ids=None, names=None, all_jobs=False, normalize_id=lambda value: value, hidden=None, unread=None):
    """The jobs the user selected, in their order, or JobModuleError naming every unknown or ambiguous selector.

    hidden: the client's jobs its filters left out ({name or lower-case id: why}): selecting one says why.
    unread: what the client's options kept it from reading at all (a sentence), said after the problems.
    """
    if all_jobs:
        return list(jobs)
    found = _lookup(jobs, ids or [], names or [], normalize_id, hidden or {})
    problems = [problem for _chosen, problem in found if problem]
    if problems:
        raise JobModuleError("; ".join(problems + ([unread] if unread else [])))
    return _unique(sum((chosen for chosen, _problem in found), []))


def _lookup(jobs, ids, names, normalize_id, hidden):
    """(jobs, problem) for each selector, in order."""
    by_id, by_name = _indexes(jobs)
    found = [_hidden(hidden, normalize_id(value).lower()) or _by_id(by_id, value, normalize_id) for value in ids]
    return found + [_hidden(hidden, name) or _by_name(by_name, name) for name in names]


def _indexes(jobs):
    """{lower-case id: job}, {name: [jobs]} (names may repeat)."""
    by_name = collections.defaultdict(list)
    for job in jobs:
        by_name[job.name].append(job)
    return dict((job.id.lower(), job) for job in jobs), by_name


def _unique(jobs):
    """Each job once, where it was first selected."""
    return list(collections.OrderedDict((job.id, job) for job in jobs).values())


def _hidden(hidden, key):
    """([], why) for a job the client's filters left out, else None."""
    return ([], "job %r exists but %s" % (key, hidden[key])) if key in hidden else None


def _by_id(by_id, value, normalize_id):
    job = by_id.get(normalize_id(value).lower())
    if job is None:
        return [], "no job has id %r%s" % (value, _candidates(value, [known.id for known in by_id.values()]))
    return [job], None


def _by_name(by_name, name):
    matches = by_name.get(name, [])
    if not matches:
        return [], "no job is named %r (names are case-sensitive)%s" % (name, _candidates(name, list(by_name)))
    if len(matches) > 1:
        return [], "%d jobs are named %r (ids %s); select them by id" % (len(matches), name, ", ".join(j.id for j in matches))
    return matches, None


def did_you_mean(value, known):
    """"; did you mean 'A', 'B'?" for the names of `known` close to `value` (or equal but for case), else ''."""
    close = difflib.get_close_matches(value, known, n=5, cutoff=0.5)
    close += [k for k in known if value.lower() == k.lower() and k not in close]
    return "; did you mean %s?" % ", ".join(repr(c) for c in close) if close else ""


def _candidates(value, known):
    close = did_you_mean(value, known)
    if close:
        return close
    if len(known) <= 10:
        return "; the server has %s" % (", ".join(repr(k) for k in known) or "no jobs")
    return ""


def shows_effect(action, before, now, wait_for_completion=False):
    """Whether the job as read `now` shows the effect of `action` taken on the job as it was `before`.

    The one definition every client and the runner use. A start shows as a run or as a new last run (a short run may
    end before the read); with wait_for_completion only a new run that has ended counts.
    """
    if now is None:
        return False
    if action in (ENABLE, DISABLE):
        return now.enabled == (action == ENABLE)
    if action in (STOP, AWAIT_IDLE):
        return not now.running
    new_run = now.last_run != before.last_run
    return (new_run and not now.running) if wait_for_completion else (now.running or new_run)
