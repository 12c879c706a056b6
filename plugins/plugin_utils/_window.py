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

from ansible_collections.backupops.veeam.plugins.module_utils._apis import APIS, title_of
from ansible_collections.backupops.veeam.plugins.module_utils._client import unlisted_sentence
from ansible_collections.backupops.veeam.plugins.module_utils._model import select_jobs

RECORD_FORMAT = 1
ACTIVE = "active"
RESTORED = "restored"
# The set_stats key a begin or end publishes its records under, and the prefix of the per-job keys an end also reads.
RECORDS_VARIABLE = "maintenance_window_records"


# The connection options the role passes from inventory variables, and for each (role variable, inventory variable).
CONNECTION_OPTIONS = ("server", "port", "username", "password", "ca_path", "validate_certs")
ROLE_VARIABLES = dict((option, ("maintenance_window_" + option, "veeam_" + option)) for option in CONNECTION_OPTIONS)


def name_the_variables(message, options):
    """A settings error, plus where each option it names came from when this task set it (the role passes inventory
    variables): the user fixes the variable, not an option they never wrote."""
    named = [option for option in sorted(options) if option in ROLE_VARIABLES and re.search(r"\b%s\b" % option, message)]
    if not named:
        return message
    origins = ["%s comes from %s, else the inventory variable %s" % ((option,) + ROLE_VARIABLES[option]) for option in named]
    return "%s (%s.)" % (message, "; ".join(origins))


def unknown_api(host, given):
    """Why the window cannot tell which API a host is."""
    known = sorted(APIS.values(), key=lambda api: api.name)
    if given:
        return "Host %s: unknown API %r (veeam_api or maintenance_window_api); this release knows %s." % (
            host, given, ", ".join(api.name for api in known))
    return ("Host %s: which API is it? Set veeam_api (%s), or put the host in exactly one of the groups %s." % (
        host, ", ".join(api.name for api in known), ", ".join(api.inventory_group for api in known)))


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


def held_running(jobs, earlier):
    """The jobs an unrestored earlier begin disabled whose sessions still run: a rerun (the recovery of a begin whose wait
    timed out) applies if_running to them as to the jobs it disables, so it is not green while they still write."""
    held_ids = _recorded_ids(earlier)
    return [job for job in jobs if job.running and not job.enabled and job.id in held_ids]


def _recorded_ids(records):
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
        return None if record.get("jobs") else (NOTHING_RECORDED, _nothing_recorded(record))
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


def record_origin(record, handed_over, path):
    """Which record an end applied, and when its begin wrote it: an end applies it again whenever it is run with it
    (an AWX relaunch included), so the operator sees which begin's record it was."""
    source = "handed over in %s" % RECORDS_VARIABLE if handed_over else "from %s" % path
    written = (record.get("begin_failed") or {}).get("at")
    return "Applied the record of the begin of %s%s (%s)." % (record.get("created"), ", last written %s" % written if written else "", source)


def split_recorded(record, jobs):
    """(to_enable, missing): the recorded jobs that still exist, and those deleted since the begin."""
    existing = set(job.id for job in jobs)
    recorded = record.get("jobs", [])
    return [e for e in recorded if e["id"] in existing], [e for e in recorded if e["id"] not in existing]


def reenabled(jobs):
    """The names of the jobs a declaration of `enabled` re-enabled, from its (possibly failed) result as re-read."""
    return [job["name"] for job in jobs if "enable" in job["actions"] and job["after"]["enabled"]]


def restored_record(record, missing, now):
    return dict(record, state=RESTORED, missing=missing, restored=now)


def disabled_now(jobs, earlier):
    """(held, left): names of the jobs disabled now that an unrestored earlier begin recorded (this window holds them), and
    of those disabled before the window."""
    held_ids = _recorded_ids(earlier)
    disabled = [job for job in jobs if not job.enabled]
    return [job.name for job in disabled if job.id in held_ids], [job.name for job in disabled if job.id not in held_ids]


def what_a_failed_disable_did(jobs, to_disable, if_running):
    """What a failed quiesce did, from the job runner's failure result as it re-read the jobs: the names of the jobs it
    disabled (a disable sent without effect does not count), stopped, left enabled (a refused or unsent write changed
    nothing), and of the sessions still running with the schedule off (running_off) or on (running_on), unless they were
    meant to run on (if_running=leave)."""
    disabled, still_enabled = _split(to_disable, set(job["id"] for job in jobs if _shows("disable", job)))
    running_on, running_off = _split([] if if_running == "leave" else [job for job in jobs if job["after"]["running"]],
                                     set(job["id"] for job in jobs if job["after"]["enabled"]))
    return dict(disabled=disabled, still_enabled=still_enabled, stopped=[job["name"] for job in jobs if _shows("stop", job)],
                running_off=running_off, running_on=running_on)


def what_a_quiesce_did(result):
    """The sessions a successful quiesce stopped, and its wait for sessions to end (seconds, jobs), from the runner's result."""
    waited = result.get("waited")
    return dict(stopped=[job["name"] for job in result["jobs"] if "stop" in job["actions"]],
                waited=(waited["seconds"], waited["jobs"]) if waited else None)


def _split(entries, ids):
    """(names of the entries whose id is in `ids`, names of the others)."""
    return [entry["name"] for entry in entries if entry["id"] in ids], [entry["name"] for entry in entries if entry["id"] not in ids]


def _shows(action, job):
    """Whether a job of the runner's result was sent `action` and shows its effect as re-read."""
    return action in job["actions"] and not job["after"]["enabled" if action == "disable" else "running"]


def failed_begin_record(record, did, message, now, before_any_change=False):
    """The record after a begin that failed: still active (end restores every recorded job), plus what the begin had done."""
    failure = dict(at=now, msg=message, disabled=did["disabled"], still_enabled=did["still_enabled"],
                   still_running=did["running_off"] + did["running_on"])
    if before_any_change:
        failure["before_any_change"] = True
    return dict(record, begin_failed=failure)


NOTHING_DONE = dict(disabled=[], still_enabled=[], stopped=[], running_off=[], running_on=[])


def begin_failure(reason, did, to_disable, recorded, path):
    """The message of a begin that failed halfway: exactly what it changed and what it did not, where the record is, that
    end restores it."""
    disabled = did["disabled"]
    text = "Begin failed after disabling %d of %d job(s)%s: %s" % (len(disabled), len(to_disable), _listed(disabled), reason.rstrip("."))
    if did["still_enabled"]:
        text += ". Not disabled, still enabled: %s" % ", ".join(did["still_enabled"])
    if did["running_off"]:
        text += ". Their schedules are off, but the session(s) of %s are still running" % ", ".join(did["running_off"])
    if did["running_on"]:
        text += ". Still running with the schedule on: %s" % ", ".join(did["running_on"])
    return text + ". The record %s names %d job(s); run end to re-enable them." % (path, recorded)


def jobs_to_start(jobs, names, reenabled_ids=()):
    """(to_start, not_started): of the jobs named in start_after (every name must be a job of this server, or
    JobModuleError names the unknown ones), those enabled once the end has restored the record, and the disabled ones.
    `reenabled_ids`: the jobs the end re-enables (in check mode still disabled when read)."""
    named = select_jobs(jobs, names=names)
    reenabled = set(reenabled_ids)
    to_start = [job for job in named if job.enabled or job.id in reenabled]
    return to_start, [job.name for job in named if job not in to_start]


def _listed(names):
    return (": " + ", ".join(names)) if names else ""


def unmanageable_part(unmanageable):
    """The jobs the server lists that the window cannot disable, by name and type (never left out silently)."""
    return "%d job(s) listed by the server cannot be disabled through its API and keep running on their schedule: %s" % (
        len(unmanageable), ", ".join("%s (%s)" % (entry["name"], entry["type"]) for entry in unmanageable))


def begin_summary(did, recorded, path, since, check_mode, server_fields=None):
    """The host line of a begin. `did`: names of the jobs `disabled` and `stopped`, of those `held` (disabled by this
    window's earlier begin) and `held_running` among them (their sessions run on: if_running=leave), of those `left`
    (disabled before the window), `chained` [(job, the job it runs after)] selected too, `waited` (seconds, sessions) or None.
    server_fields: what the client says about the server (the jobs it cannot manage, the kinds it cannot list)."""
    server_fields = server_fields or {}
    would = check_mode
    stopped = did["stopped"]
    parts = ["%s %d job(s)%s" % ("Would disable" if would else "Disabled", len(did["disabled"]), _listed(did["disabled"])),
             ("%s the running session of %d job(s)%s" % ("would stop" if would else "stopped", len(stopped), _listed(stopped))
              if stopped else "no running session stopped")]
    parts.extend(_held_parts(did, since))
    parts.append("%d already disabled job(s) left as they are" % len(did["left"]))
    if did.get("chained"):
        parts.append(chained_part(did["chained"]))
    parts.extend(server_parts(server_fields))
    parts.append("%d job(s) recorded for the end in %s%s" % (recorded, path, " (not written in check mode)" if would else ""))
    return "; ".join(parts) + "."


def _held_parts(did, since):
    """What a begin says of the sessions it waited for and of the jobs an earlier begin of this window disabled."""
    parts = []
    if did.get("waited"):
        parts.append("waited %g s for the sessions of %d job(s) to end" % did["waited"])
    if did["held"]:
        parts.append("%d job(s) still held disabled by this window since %s%s" % (len(did["held"]), since, _listed(did["held"])))
    if did.get("held_running"):
        parts.append("the session(s) of %s run on (if_running=leave)" % ", ".join(did["held_running"]))
    return parts


def server_parts(server_fields):
    """What every summary and report says of the server: the jobs it lists that its API cannot manage, the kinds of job
    it cannot list at all (both stay as they are)."""
    parts = []
    if server_fields.get("unmanageable_jobs"):
        parts.append(unmanageable_part(server_fields["unmanageable_jobs"]))
    if server_fields.get("unlisted_jobs"):
        parts.append(unlisted_sentence(server_fields["unlisted_jobs"]))
    return parts


def chained_part(chained):
    """The jobs selected because the server starts them after a selected job (a stopped or disabled job's chain)."""
    return "%d job(s) chained after a selected job, selected too so that the chain cannot start them: %s" % (
        len(chained), ", ".join("%s (runs after %s)" % pair for pair in chained))


def end_summary(enabled, to_enable, record, missing, check_mode):
    text = "%s %d of %d recorded job(s)%s (%d already enabled, %d no longer exist); jobs disabled before the begin stay disabled." % (
        "Would re-enable" if check_mode else "Re-enabled", len(enabled), len(record.get("jobs", [])), _listed(enabled),
        len(to_enable) - len(enabled), len(missing))
    if missing:
        text += " %d recorded job(s) no longer exist on this server and were not restored: %s." % (
            len(missing), ", ".join(entry["name"] for entry in missing))
    return text


def start_summary(started, not_started, check_mode):
    return "%s %d job(s) after the window%s; not started (disabled): %s." % (
        "Would start" if check_mode else "Started", len(started), _listed(started), ", ".join(not_started) or "none")


def window_line(record, path):
    """What `report` says about this host's window: open (since when, how many jobs end re-enables), restored, or none."""
    state = record.get("state")
    if state == ACTIVE:
        return "Open maintenance window on %s since %s (record %s): end re-enables the %d job(s) marked HELD." % (
            title_of(record.get("api")), record.get("created"), path, len(record.get("jobs", [])))
    if state == RESTORED:
        return "No open maintenance window: the last one (begun %s) was restored %s (record %s)." % (
            record.get("created"), record.get("restored"), path)
    return "No open maintenance window: no record file %s and none handed over." % path


REPORT_HEADER = ("JOB", "ENABLED", "RUNNING", "LAST STATUS", "NEXT RUN", "HELD SINCE")


def report_table(api, host, jobs, record, path, server_fields=None):
    """The lines `report` shows: a title, the window line, a header, one line per job (HELD: re-enabled by end), each column
    as wide as its widest value, and the jobs the server lists that its API cannot manage or cannot list at all."""
    server_fields = server_fields or {}
    held = _held_ids(record, api)
    rows = [REPORT_HEADER] + [(APIS[api].job_label(job), _yes(job["enabled"]), _yes(job["running"]), status_word(job), job["next_run"] or "-",
                               record["created"] if job["id"] in held else "-") for job in jobs]
    widths = [max(len(row[column]) for row in rows) for column in range(len(REPORT_HEADER))]
    lines = [_table_title(api, host, jobs, server_fields), window_line(record, path)]
    lines.extend("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip() for row in rows)
    return lines + [part + "." for part in server_parts(server_fields)]


def status_word(job):
    """The LAST STATUS column in the same words for every API: Running while a session runs (VB365 says so itself, VBR
    and Enterprise Manager have no last result yet), else the last result, else '-'."""
    if job["running"]:
        return "Running"
    return str(job["last_status"]) if job["last_status"] not in (None, "", "None") else "-"


def _held_ids(record, api):
    """The ids of the jobs an open window of this API holds disabled."""
    if record.get("state") != ACTIVE or record.get("api") != api:
        return set()
    return set(entry["id"] for entry in record.get("jobs", []))


def _table_title(api, host, jobs, server_fields):
    spoken = " (REST API %s)" % server_fields["api_version"] if server_fields.get("api_version") else ""
    return "%s %s%s: %d job(s)%s, %d enabled, %d running" % (
        title_of(api), host, spoken, len(jobs), APIS[api].kinds_note(jobs),
        sum(1 for job in jobs if job["enabled"]), sum(1 for job in jobs if job["running"]))


def _yes(flag):
    return "yes" if flag else "no"


# What each phase counts per host, in the order the fleet summary shows them.
COUNTS = dict(begin=("disabled", "stopped", "awaited", "held", "left", "chained", "unmanageable"),
              end=("restored", "already_enabled", "missing", "started"))
_COUNT_LABELS = dict(disabled="disabled", stopped="sessions stopped", awaited="sessions awaited", held="held from an earlier begin",
                     left="disabled before the window", chained="chained after a selected job",
                     unmanageable="listed but not manageable through the API", restored="re-enabled", already_enabled="already enabled",
                     missing="recorded but deleted", started="started after the window")
# What check mode says instead: what a real run would do.
_WOULD_LABELS = dict(disabled="would disable", stopped="sessions would stop", restored="would re-enable", started="would start after the window")


def fleet_summary(phase, results, check_mode=False):
    """One line for every host of the play: {host: its phase result, or None when it has none}. The counts are the sums of
    the host lines, whether a host ended ok or failed (a failed host says what it did before it failed)."""
    found = dict((host, result or dict(failed=True)) for host, result in results.items())
    failed = _hosts_where(found, lambda result: result.get("failed"))
    text = "%s%s on %d host(s): %d ok, %d failed%s; jobs %s." % (
        "Check mode: " if check_mode else "", phase, len(found), len(found) - len(failed), len(failed),
        " (%s)" % ", ".join(failed) if failed else "", _totals(COUNTS[phase], found.values(), check_mode))
    for blocker, label in ((NO_RECORD, "No record, nothing restored"), (NOTHING_RECORDED, "Nothing recorded, nothing to restore")):
        hosts = _hosts_where(found, lambda result: result.get("blocker") == blocker)
        text += " %s: %s." % (label, ", ".join(hosts)) if hosts else ""
    return text + _unlisted_by_kinds(found)


def _unlisted_by_kinds(found):
    """The hosts whose API cannot list some kinds of job, those with the same kinds together (a fleet of one release is
    one entry, not one per host)."""
    hosts_of = {}
    for host in _hosts_where(found, lambda result: result.get("unlisted_jobs")):
        hosts_of.setdefault(tuple(found[host]["unlisted_jobs"]["kinds"]), []).append(host)
    unlisted = ["%s (%s)" % (", ".join(hosts), ", ".join(kinds)) for kinds, hosts in sorted(hosts_of.items(), key=lambda item: item[1])]
    return " Jobs of kinds the API cannot list, not seen and left as they are: %s." % "; ".join(unlisted) if unlisted else ""


def _hosts_where(results, condition):
    return sorted(host for host, result in results.items() if condition(result))


# Counts shown only when not zero (most servers have no such jobs).
_SHOWN_IF_ANY = ("awaited", "chained", "unmanageable")


def _totals(names, results, check_mode=False):
    totals = [(name, sum((result.get("counts") or {}).get(name, 0) for result in results)) for name in names]
    shown = [(name, total) for name, total in totals if total or name not in _SHOWN_IF_ANY]
    labels = dict(_COUNT_LABELS, **_WOULD_LABELS) if check_mode else _COUNT_LABELS
    return ", ".join("%s %d" % (labels[name], total) for name, total in shown)
