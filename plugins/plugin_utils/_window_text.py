# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The words and tables the maintenance window prints: the host line of each phase, the report table, the fleet summary,
and the messages naming what the operator should fix. Pure. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.backupops.veeam.plugins.module_utils._apis import APIS, title_of
from ansible_collections.backupops.veeam.plugins.module_utils._client import unlisted_sentence
from ansible_collections.backupops.veeam.plugins.plugin_utils._window_record import ACTIVE, NO_RECORD, NOTHING_RECORDED, RESTORED
from ansible_collections.backupops.veeam.plugins.plugin_utils._window_settings import RECORDS_VARIABLE, ROLE_VARIABLES


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


def record_origin(record, handed_over, path):
    """Which record an end applied, and when its begin wrote it: an end applies it again whenever it is run with it
    (an AWX relaunch included), so the operator sees which begin's record it was."""
    source = "handed over in %s" % RECORDS_VARIABLE if handed_over else "from %s" % path
    written = (record.get("begin_failed") or {}).get("at")
    return "Applied the record of the begin of %s%s (%s)." % (record.get("created"), ", last written %s" % written if written else "", source)


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
COUNTS = dict(begin=("disabled", "stopped", "awaited", "held", "left", "chained", "unmanageable", "switched"),
              end=("restored", "already_enabled", "missing", "started", "switched"))
_COUNT_LABELS = dict(disabled="disabled", stopped="sessions stopped", awaited="sessions awaited", held="held from an earlier begin",
                     left="disabled before the window", chained="chained after a selected job",
                     unmanageable="listed but not manageable through the API", restored="re-enabled", already_enabled="already enabled",
                     missing="recorded but deleted", started="started after the window",
                     switched="and infrastructure objects switched (extents, proxies, configuration backup)")
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
    return text + _unlisted_by_kinds(found) + _scope_notes(found)


def _scope_notes(found):
    """The hosts whose scope a release could not fully act on, or whose jobs in scope could not all be quiesced (each host's
    line says what, and what was done instead)."""
    hosts = ["%s (%d)" % (host, len(found[host]["scope_notes"])) for host in _hosts_where(found, lambda result: result.get("scope_notes"))]
    return " Scope notes (what a release cannot do, and what was done instead; see each host's line): %s." % ", ".join(hosts) if hosts else ""


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
_SHOWN_IF_ANY = ("awaited", "chained", "unmanageable", "switched")


def _totals(names, results, check_mode=False):
    totals = [(name, sum((result.get("counts") or {}).get(name, 0) for result in results)) for name in names]
    shown = [(name, total) for name, total in totals if total or name not in _SHOWN_IF_ANY]
    labels = dict(_COUNT_LABELS, **_WOULD_LABELS) if check_mode else _COUNT_LABELS
    return ", ".join("%s %d" % (labels[name], total) for name, total in shown)
