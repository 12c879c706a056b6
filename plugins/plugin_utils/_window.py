# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The maintenance window's decisions: what a begin records, which record an end uses, what it restores and reports.

Pure: no server, no file, no clock (callers pass `now`). The maintenance_window action plugin does the talking and the
writing; everything it decides is decided here, where a truth table can test it. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

RECORD_FORMAT = 1
ACTIVE = "active"
RESTORED = "restored"
# The set_stats key a begin or end publishes its records under, and the prefix of the per-job keys an end also reads.
RECORDS_VARIABLE = "maintenance_window_records"
API_TITLES = dict(vb365="VB365", em="Enterprise Manager", vbr="Veeam Backup & Replication")


def record_path(directory, host):
    return os.path.join(os.path.expanduser(directory), host + ".json")


def publication_key(job_id=None):
    """The variable a run publishes its records under.

    AWX combines the artifacts of a sliced job's slices key by key, the last slice overwriting the others' keys, so
    each AWX job (every slice is one) publishes under a key of its own; outside AWX the plain name.
    """
    return "%s_%s" % (RECORDS_VARIABLE, job_id) if job_id not in (None, "") else RECORDS_VARIABLE


def handed_over_records(variables):
    """Every record handed over by an AWX workflow: `maintenance_window_records` and the per-job keys, host -> record.

    Later keys win for the same host only when they describe a later begin (their `created` is newer), so the order in
    which AWX applies slice artifacts cannot bring back an older record.
    """
    pattern = re.compile("^%s(_.+)?$" % RECORDS_VARIABLE)
    handed = {}
    for name in sorted(variables):
        if not pattern.match(name) or not isinstance(variables[name], dict):
            continue
        for host, record in variables[name].items():
            if isinstance(record, dict) and _newer_or_same(record, handed.get(host)):
                handed[host] = record
    return handed


def _newer_or_same(record, other):
    if other is None:
        return True
    if record.get("created") != other.get("created"):
        return (record.get("created") or "") > (other.get("created") or "")
    # The same begin: a restored record is the later news.
    return record.get("state") == RESTORED or other.get("state") != RESTORED


def unrestored(api, records):
    """The records of an earlier begin on this API that no end has restored yet (the file's and the handed-over one)."""
    return [r for r in records if r and r.get("state") == ACTIVE and r.get("api") == api]


def begin_record(host, api, server, jobs, earlier, now):
    """(record, to_disable): the jobs enabled now are disabled; the record keeps those plus every job an unrestored
    earlier begin recorded (they are disabled now because of it), each once, and the first begin's time."""
    to_disable = _unique(dict(id=job.id, name=job.name) for job in jobs if job.enabled)
    recorded = _unique([entry for record in earlier for entry in record.get("jobs", [])] + to_disable)
    created = earlier[0].get("created") if earlier else now
    record = dict(format=RECORD_FORMAT, state=ACTIVE, host=host, api=api, server=server, created=created or now, jobs=recorded)
    return record, to_disable


def _unique(entries):
    seen, kept = set(), []
    for entry in entries:
        if entry["id"] not in seen:
            seen.add(entry["id"])
            kept.append(entry)
    return kept


def record_for_end(file_record, handed_over):
    """The record an end works from: the handed-over one (AWX workflow), unless the file on this controller already marks
    that same begin restored; else the file's."""
    if not handed_over:
        return file_record or {}
    if file_record and file_record.get("state") == RESTORED and file_record.get("created") == handed_over.get("created"):
        return file_record
    return handed_over


def nothing_to_restore(record, api, path):
    """Why an end leaves this host alone, or None when it has jobs to restore."""
    state = record.get("state")
    if state == ACTIVE and record.get("api", api) == api:
        return None
    if state == RESTORED:
        return "The record of this host is already restored (%s); nothing to restore." % record.get("restored")
    if state == ACTIVE:
        return "The record of this host is for another API (%s); nothing to restore." % record.get("api")
    return "No record of a begin for this host (%s or %s); nothing to restore." % (path, RECORDS_VARIABLE)


def split_recorded(record, jobs):
    """(to_enable, missing): the recorded jobs that still exist, and those deleted since the begin."""
    existing = set(job.id for job in jobs)
    recorded = record.get("jobs", [])
    return [e for e in recorded if e["id"] in existing], [e for e in recorded if e["id"] not in existing]


def restored_record(record, missing, now):
    return dict(record, state=RESTORED, missing=missing, restored=now)


def jobs_to_start(jobs, names):
    """(to_start, not_started): jobs named in start_after that exist here and are enabled; the other names."""
    to_start = [job for job in jobs if job.name in names and job.enabled]
    started = set(job.name for job in to_start)
    return to_start, [name for name in names if name not in started]


def _listed(names):
    return (": " + ", ".join(names)) if names else ""


def begin_summary(disabled, stopped, left, recorded, path, check_mode):
    would = check_mode
    return "%s %d job(s)%s; %s %d already disabled job(s) left as they are; %d job(s) recorded for the end in %s%s." % (
        "Would disable" if would else "Disabled", len(disabled), _listed(disabled),
        ("%s the running session of %d job(s)%s;" % ("would stop" if would else "stopped", len(stopped), _listed(stopped))
         if stopped else "no running session stopped;"),
        len(left), recorded, path, " (not written in check mode)" if would else "")


def end_summary(enabled, to_enable, record, missing, check_mode):
    text = "%s %d of %d recorded job(s)%s (%d already enabled, %d no longer exist); jobs disabled before the begin stay disabled." % (
        "Would re-enable" if check_mode else "Re-enabled", len(enabled), len(record.get("jobs", [])), _listed(enabled),
        len(to_enable) - len(enabled), len(missing))
    if missing:
        text += " %d recorded job(s) no longer exist on this server and were not restored: %s." % (
            len(missing), ", ".join(entry["name"] for entry in missing))
    return text


def start_summary(started, not_started, check_mode):
    return "%s %d job(s) after the window%s; not started (absent on this server or disabled): %s." % (
        "Would start" if check_mode else "Started", len(started), _listed(started), ", ".join(not_started) or "none")


def report_table(api, host, jobs):
    """The lines of the job table `report` shows: a title, a header, one line per job."""
    width = max([len(job["name"]) for job in jobs] + [4])
    line = "%-" + str(width) + "s  %-8s  %-7s  %-11s  %s"
    lines = ["%s %s: %d job(s), %d enabled, %d running" % (
        API_TITLES[api], host, len(jobs), sum(1 for job in jobs if job["enabled"]), sum(1 for job in jobs if job["running"])),
        line % ("JOB", "ENABLED", "RUNNING", "LAST STATUS", "NEXT RUN")]
    for job in jobs:
        lines.append(line % (job["name"], _yes(job["enabled"]), _yes(job["running"]), job["last_status"] or "-", job["next_run"] or "-"))
    return lines


def _yes(flag):
    return "yes" if flag else "no"
