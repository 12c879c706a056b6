# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The maintenance window's record: what a begin records, how records are handed over and combined, which record an end
works from, and how it is closed.

Pure: no server, no file, no clock (callers pass `now`); the action reads and writes the record file (plugin_utils/_record.py).
Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.backupops.veeam.plugins.module_utils._apis import title_of
from ansible_collections.backupops.veeam.plugins.plugin_utils._window_settings import RECORDS_VARIABLE

RECORD_FORMAT = 1
ACTIVE = "active"
RESTORED = "restored"


def record_path(directory, host):
    return os.path.join(os.path.expanduser(directory), host + ".json")


def publication_key(job_id=None):
    """The variable a run publishes its records under.

    AWX combines the artifacts of a sliced job's slices key by key, the last slice overwriting the others' keys, so
    each AWX job (every slice is one) publishes under a key of its own; outside AWX the plain name.
    """
    return "%s_%s" % (RECORDS_VARIABLE, job_id) if job_id not in (None, "") else RECORDS_VARIABLE


def is_records_variable(name):
    """Whether a variable may hand over records: `maintenance_window_records` or a per-AWX-job key of it."""
    return _RECORDS_VARIABLE_NAME.match(name) is not None


_RECORDS_VARIABLE_NAME = re.compile("^%s(_.+)?$" % RECORDS_VARIABLE)


def handed_over_records(variables):
    """Every record handed over (AWX workflow artifacts, extra vars), host -> record, from {variable name: its value}.

    For one host the record of the later begin wins (its `created` is newer), so the order in which AWX applies the
    artifacts cannot bring back an older record. Records of the same begin are combined: a restored one is the later
    news; active ones (a begin, then its rerun in another job) are merged, so no job an earlier begin recorded is lost.
    """
    handed = {}
    for name in sorted(variables):
        if not is_records_variable(name) or not isinstance(variables[name], dict):
            continue
        for host, record in variables[name].items():
            if isinstance(record, dict):
                handed[host] = _combined(handed.get(host), record)
    return handed


def _combined(known, record):
    if known is None:
        return record
    if record.get("created") != known.get("created"):
        return record if (record.get("created") or "") > (known.get("created") or "") else known
    if RESTORED in (record.get("state"), known.get("state")):
        return record if record.get("state") == RESTORED else known
    return dict(record, jobs=_unique(known.get("jobs", []) + record.get("jobs", [])))


def unrestored(api, records):
    """The records of an earlier begin on this API that no end has restored yet (the file's and the handed-over one)."""
    return [r for r in records if r and r.get("state") == ACTIVE and r.get("api") == api]


def begin_record(host, api, server, jobs, earlier, now, server_fields=None):
    """(record, to_disable): the jobs enabled now are disabled; the record keeps those plus every job an unrestored
    earlier begin recorded (they are disabled now because of it), each once, and the first begin's time.
    server_fields: what the client says about the server (the revision it spoke, the jobs it cannot manage)."""
    to_disable = _unique(dict(id=job.id, name=job.name) for job in jobs if job.enabled)
    recorded = _unique([entry for record in earlier for entry in record.get("jobs", [])] + to_disable)
    created = earlier[0].get("created") if earlier else now
    record = dict(server_fields or {}, format=RECORD_FORMAT, state=ACTIVE, host=host, api=api, server=server, created=created or now,
                  jobs=recorded)
    return _with_earlier_failure(record, earlier), to_disable


def _with_earlier_failure(record, earlier):
    """A failure an earlier begin noted stays in the record until a begin has done all it set out to do (recovered())."""
    failure = next((earlier_record["begin_failed"] for earlier_record in earlier if earlier_record.get("begin_failed")), None)
    return dict(record, begin_failed=failure) if failure else record


def recovered(record):
    """The record once a begin has done everything it set out to do: no longer marked as a failed begin."""
    return dict((key, value) for key, value in record.items() if key != "begin_failed")


def recorded_ids(records):
    """The ids of every job these records name."""
    return set(entry["id"] for record in records for entry in record.get("jobs", []))


def _unique(entries):
    seen, kept = set(), []
    for entry in entries:
        if entry["id"] not in seen:
            seen.add(entry["id"])
            kept.append(entry)
    return kept


def other_api_refusal(records, api, path):
    """Why a begin must not go on: an unrestored record of this host belongs to another API (or None).

    Replacing it would lose what that window disabled; the operator decides which API the host is.
    """
    for record in records:
        if record and record.get("state") == ACTIVE and record.get("api", api) != api:
            return ("This host has an open maintenance window on %s (begun %s, record %s or the handed-over %s); a begin on %s "
                    "would replace that record and lose what it disabled. End that window first (with veeam_api=%s), or move the "
                    "record away if it is stale." % (title_of(record["api"]), record.get("created"), path,
                                                     RECORDS_VARIABLE, title_of(api), record["api"]))
    return None


def record_for_end(file_record, handed_over):
    """The record an end works from: the handed-over one (AWX workflow), unless the file on this controller already marks
    that same begin restored; else the file's."""
    if not handed_over:
        return file_record or {}
    if file_record and file_record.get("state") == RESTORED and file_record.get("created") == handed_over.get("created"):
        return file_record
    return handed_over


# Why an end has nothing to restore: each is a different outcome (see end_blocker).
ALREADY_RESTORED, NO_RECORD, OTHER_API, NOTHING_RECORDED = "already_restored", "no_record", "other_api", "nothing_recorded"


def end_blocker(record, api, path):
    """(kind, message) when an end has nothing to restore on this host, or None when it has a record to restore.

    ALREADY_RESTORED is fine (a second end), and so is NOTHING_RECORDED (a begin that disabled nothing, or failed before any
    change: the end marks that record restored without asking the server anything). NO_RECORD is fine for a host that never
    began and wrong for one whose record was lost on the way, so the caller warns (or fails, when a record is required).
    OTHER_API is always a failure.
    """
    state = record.get("state")
    if state == ACTIVE and record.get("api", api) == api:
        switched = any(switch.get("changed") for switch in (record.get("scope") or {}).get("switches", []))
        return None if record.get("jobs") or switched else (NOTHING_RECORDED, _nothing_recorded(record))
    if state == RESTORED:
        return ALREADY_RESTORED, "The record of this host is already restored (%s); nothing to restore." % record.get("restored")
    if state == ACTIVE:
        return OTHER_API, ("The record of this host (%s or the handed-over %s) is an open window on %s, not %s: nothing was restored. "
                           "Run end with veeam_api=%s for this host." % (
                               path, RECORDS_VARIABLE, title_of(record["api"]), title_of(api), record["api"]))
    return NO_RECORD, ("No record of a begin for this host (%s or the handed-over %s): nothing restored. Right for a host that never "
                       "began a window; if it did, its record did not reach this run: hand over the begin job's artifacts or run "
                       "end where the record file is." % (path, RECORDS_VARIABLE))


def _nothing_recorded(record):
    failure = record.get("begin_failed") or {}
    why = ("failed before any change (%s)" % failure.get("msg", "").rstrip(".") if failure.get("before_any_change")
           else "recorded no job (every selected job was disabled already)")
    return "Nothing to restore: the begin of %s %s." % (record.get("created"), why)


def restored_record(record, missing, now):
    """The record once an end has restored it (`missing`: the recorded jobs deleted since the begin)."""
    return dict(record, state=RESTORED, missing=missing, restored=now)


def failed_begin_record(record, did, message, now, before_any_change=False):
    """The record after a begin that failed: still active (end restores every recorded job), plus what the begin had done."""
    failure = dict(at=now, msg=message, disabled=did["disabled"], still_enabled=did["still_enabled"],
                   still_running=did["running_off"] + did["running_on"])
    if before_any_change:
        failure["before_any_change"] = True
    return dict(record, begin_failed=failure)
