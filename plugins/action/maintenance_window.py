# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One phase of the maintenance window for one server, in the controller's process (documented in plugins/modules)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.backupops.veeam.plugins.module_utils._desired_state import IF_RUNNING
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._scope import normalized_scope
from ansible_collections.backupops.veeam.plugins.module_utils._service import EXPECTED_FAILURES as MODULE_FAILURES, failure_result
from ansible_collections.backupops.veeam.plugins.module_utils._apis import APIS, api_of_groups
from ansible_collections.backupops.veeam.plugins.plugin_utils._controller import ControllerSession, SessionError, connection_option_names, module_defaults_for
from ansible_collections.backupops.veeam.plugins.plugin_utils._record import RecordError, load, replace
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_jobs as window_jobs
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_record as window_record
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_scope as window_scope
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_text as window_text
from ansible_collections.backupops.veeam.plugins.plugin_utils._window_settings import (CONNECTION_OPTIONS, RECORDS_VARIABLE, api_variable_names,
                                                                                       session_options)

ARGUMENT_SPEC = dict(
    phase=dict(type="str", required=True, choices=["begin", "end", "report", "summary"]),
    api=dict(type="str", choices=sorted(APIS)),
    server=dict(type="str"),
    port=dict(type="int"),
    username=dict(type="str"),
    password=dict(type="str", no_log=True),
    ca_path=dict(type="path"),
    validate_certs=dict(type="bool"),
    api_options=dict(type="dict", default={}),
    names=dict(type="list", elements="str", default=[]),
    ids=dict(type="list", elements="str", default=[]),
    if_running=dict(type="str", default="stop", choices=list(IF_RUNNING)),
    wait_timeout=dict(type="int", default=600),
    record_dir=dict(type="path", default="~/.ansible/backupops.veeam/maintenance-window"),
    records=dict(type="dict", default={}),
    awx_job_id=dict(type="str"),
    require_record=dict(type="bool", default=False),
    progress_interval=dict(type="int", default=60),
    summary_of=dict(type="str", choices=["begin", "end"]),
    start_after=dict(type="list", elements="str", default=[]),
    start_timeout=dict(type="int", default=3600),
    scope=dict(type="dict", default={}),
    maintenance_mode=dict(type="bool", default=False),
    scope_may_be_empty=dict(type="bool", default=False),
)
REQUIRED_IF = [("phase", "summary", ["summary_of"])]
# What a phase may fail with and still produce a result: the modules' expected failures, and a record file it cannot use.
EXPECTED_FAILURES = MODULE_FAILURES + (RecordError,)
# The variable the role registers each host's phase result in, which the fleet summary reads.
RESULT_VARIABLE = "_maintenance_window_result"

display = Display()


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class PhaseFailed(Exception):
    """A declaration the job runner could not complete: its failure result, with what the phase did before."""

    def __init__(self, result, outcome=None):
        super(PhaseFailed, self).__init__(result["msg"])
        self.result = result
        # The RunOutcome of the declaration that failed (None when no declaration did).
        self.outcome = outcome


class ActionModule(ActionBase):
    """Reads, records, acts and summarizes for one host, so a fleet costs one task per host and phase."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC, required_if=REQUIRED_IF)
        task_vars = task_vars or {}
        # The one-line summary is the point of the task: shown without -v, as debug shows its msg. The result stays that
        # small (the record is in its file) so that a fleet's output is a few lines per server.
        result["_ansible_verbose_always"] = True
        if args["phase"] == "summary":
            return dict(result, changed=False, msg=window_text.fleet_summary(args["summary_of"], self._play_results(task_vars), self._task.check_mode))
        if args["names"] and args["ids"]:
            return dict(result, failed=True, msg="Select jobs with names or ids, not both (maintenance_window_names, maintenance_window_ids).")
        host = task_vars["inventory_hostname"]
        api, given = self._api(args, task_vars)
        if api is None:
            return dict(result, failed=True, msg=window_text.unknown_api(host, given))
        try:
            session = ControllerSession(api, self._session_options(api, args, task_vars), self._task.check_mode, self._task.diff,
                                        notify=lambda message: display.display("%s: %s" % (host, message)),
                                        notify_every=args["progress_interval"])
        except SessionError as exc:
            explicit = [name for name in CONNECTION_OPTIONS if args.get(name) not in (None, "")]
            unusable = window_text.name_the_variables(str(exc), explicit)
            return dict(result, **self._run_phase(None, dict(args, api=api.name), host, task_vars, unusable))
        result.update(self._run_phase(session, dict(args, api=api.name), host, task_vars))
        result["warnings"] = result.get("warnings", []) + session.warnings
        return session.scrub(result)

    def _run_phase(self, session, args, host, task_vars, unusable=None):
        """The phase's result (a failure included, with what it did before), the session always closed. Without a session
        (`unusable`: why the settings cannot make one) the phase fails; a begin still records that it changed nothing."""
        handed_over = window_record.handed_over_records(self._handed_over(args, task_vars)).get(host)
        phase = Phase(session, args, host, handed_over, self._task.check_mode, self._task.diff)
        try:
            return phase.run() if session is not None else phase.fail_without_session(unusable)
        except PhaseFailed as exc:
            return dict(phase.done, failed=True, **exc.result)
        except EXPECTED_FAILURES as exc:
            return dict(phase.done, failed=True, **failure_result(exc, {}))
        finally:
            if session is not None:
                session.close()

    def _handed_over(self, args, task_vars):
        """{variable: records} from the `records` option and every per-AWX-job key, templated: a variable set as a
        template (role vars, extra vars holding Jinja) reaches the task variables as its template text."""
        found = dict((name, self._templar.template(value)) for name, value in task_vars.items()
                     if name != RECORDS_VARIABLE and window_record.is_records_variable(name))
        found[RECORDS_VARIABLE] = args["records"]
        return found

    def _play_results(self, task_vars):
        """{host: its phase result, or None} for every host of the play (failed ones included)."""
        hostvars = task_vars.get("hostvars", {})
        results = {}
        for host in task_vars.get("ansible_play_hosts_all", []):
            registered = hostvars[host].get(RESULT_VARIABLE) if host in hostvars else None
            results[host] = self._templar.template(registered) if isinstance(registered, dict) else None
        return results

    def _api(self, args, task_vars):
        """(Api or None, the name given): the task's api, else the host's veeam_api, else the one inventory group the host
        is in (the registry)."""
        given = args["api"] or self._variable(task_vars, ("veeam_api",))
        return APIS.get(given or api_of_groups(task_vars.get("group_names"))), given

    def _session_options(self, api, args, task_vars):
        """The job modules' options for this host, from the raw values of every source (templated here: only the action has
        the templar); which source wins is session_options' (plugin_utils/_window_settings.py)."""
        connection = dict((name, args[name]) for name in CONNECTION_OPTIONS)
        api_variables = dict((option, self._templar.template(task_vars[name])) for option, name in api_variable_names(api, task_vars).items())
        module_defaults = self._module_defaults(api.job_module, connection_option_names(api))
        return session_options(api, args["phase"], connection, args["api_options"], api_variables, module_defaults)

    def _variable(self, task_vars, names):
        """The first of these host variables that is set, templated (an inventory value may be a template)."""
        for name in names:
            if task_vars.get(name) not in (None, ""):
                return self._templar.template(task_vars[name])
        return None

    def _module_defaults(self, module, allowed):
        """The play's module_defaults for `module` (its action groups and its own name), limited to `allowed` options."""
        found = module_defaults_for(module, self._task.module_defaults, self._task._parent._play._action_groups, allowed)
        return dict((name, value) for name, value in self._templar.template(found).items() if value is not None)


class Phase(object):
    """begin, end or report for one host; `done` keeps what the result must show even when a later step fails."""

    def __init__(self, session, args, host, handed_over, check_mode, diff):
        self.session = session
        self.args = args
        self.host = host
        self.api = args["api"]
        self.path = window_record.record_path(args["record_dir"], host)
        self.handed_over = handed_over
        self.publish_as = window_record.publication_key(args.get("awx_job_id"))
        self.check_mode = check_mode
        self.diff = diff
        self.done = dict(changed=False, record_path=self.path)
        self.diffs = []
        # How many infrastructure objects this phase switched (set at begin, undone at end), for the counts.
        self.switched = 0

    def run(self):
        outcome = getattr(self, self.args["phase"])()
        if self.diff and self.diffs:
            outcome["diff"] = self.diffs
        return outcome

    def begin(self):
        earlier = self._open_records()
        try:
            scope = normalized_scope(self.args["scope"])
            selection = self.session.read_selection(self.args["names"], self.args["ids"], scope, self.args["maintenance_mode"])
            self._check_scope(scope, selection.resolution)
        except EXPECTED_FAILURES as exc:
            self.record_failure_before_any_change(str(exc), earlier)
            raise
        jobs = selection.jobs + [job for job, _after in selection.chained]
        self._note_server(selection.server_fields)
        record, to_disable = window_record.begin_record(self.host, self.api, self.session.server, jobs, earlier, utc_now(), selection.server_fields)
        record = window_scope.with_scope(record, scope, self.args["maintenance_mode"], selection.resolution, earlier)
        held, left = window_jobs.disabled_now(jobs, earlier)
        did = dict(held=held, left=left, chained=[(job.name, after.name) for job, after in selection.chained])
        self._write(record)
        did.update(self._quiesce(record, to_disable, window_jobs.held_running(jobs, earlier), did))
        record, switched = self._set_switches(record, did)
        if record.get("begin_failed"):
            # This run finished what the failed begin set out to do: the record no longer says it failed.
            self._write(window_record.recovered(record))
        summary = window_text.begin_summary(did, len(record["jobs"]), self.path, record["created"], self.check_mode, selection.server_fields)
        if selection.resolution is not None and selection.resolution.notes:
            # The fleet summary names the hosts whose scope a release could not fully act on.
            self.done["scope_notes"] = list(selection.resolution.notes)
        named = bool(self.args["names"] or self.args["ids"])
        return dict(self.done, msg=" ".join([summary] + window_scope.begin_parts(record, switched, self.check_mode, named)))

    def _check_scope(self, scope, resolution):
        """A scope that resolves to nothing is a failure before any change, unless the operator said it may be empty; so is a
        switch whose settings lack what changing it needs (a VB365 proxy's credentials)."""
        lacking = self._switch_requirements(resolution.switches if resolution else [])
        if lacking:
            raise JobModuleError("Nothing was changed: %s." % "; ".join(lacking))
        if resolution is not None and resolution.empty() and not (self.args["names"] or self.args["ids"] or self.args["scope_may_be_empty"]):
            raise JobModuleError("The scope (%s) resolves to no job and no switch on %s%s. Nothing was changed; set "
                                 "maintenance_window_scope_may_be_empty to true if that is expected." % (
                                     window_scope.entries_text(scope), self.session.server,
                                     ": " + "; ".join(resolution.notes) if resolution.notes else ""))

    def _switch_requirements(self, switches):
        return ["%s: %s" % (switch["what"], problem) for switch in switches
                for problem in self.session.switch_requirements(switch["kind"], window_scope.set_options(switch))]

    def _set_switches(self, record, did):
        """After the jobs are quiesced: set the scope's infrastructure switches (maintenance_mode), each noted in the record as
        soon as it is set, so that end undoes exactly what changed. [(what, names of the objects changed)]."""
        switched = []
        for index, switch in enumerate(window_scope.switches(record)):
            try:
                outcomes = self._declare_switch(switch["kind"], window_scope.set_options(switch))
            except PhaseFailed as exc:
                record = window_scope.with_changed(record, index, [o.id for o in exc.outcome or [] if o.actions])
                done = dict(disabled=did["disabled"], still_enabled=[], running_off=[], running_on=[])
                self._write(window_record.failed_begin_record(record, done, exc.result["msg"], utc_now()))
                raise PhaseFailed(dict(exc.result, msg=window_scope.switch_failure(switch, exc.result["msg"], did, self.path)))
            changed = [o for o in outcomes if o.actions]
            record = window_scope.with_changed(record, index, [o.id for o in changed])
            self._write(record)
            switched.append((switch["what"], [o.name for o in changed]))
            self.switched += len(changed)
            self._count_begin(did)
        return record, switched

    def _declare_switch(self, kind, options):
        """The object outcomes of an infrastructure declaration; PhaseFailed (with them) when it failed."""
        outcomes, result, failed = self.session.declare_switch(kind, options, self.args["wait_timeout"])
        self.done["changed"] = self.done["changed"] or any(outcome.actions for outcome in outcomes)
        if result.get("diff"):
            self.diffs.append(result["diff"])
        if failed:
            raise PhaseFailed(dict(result, changed=self.done["changed"]), outcomes)
        return outcomes

    def _open_records(self):
        """The unrestored records of an earlier begin on this API (the file's, the handed-over one); PhaseFailed when this
        host has an open window on another API (replacing that record would lose what it disabled)."""
        file_record = load(self.path)
        refusal = window_record.other_api_refusal([file_record, self.handed_over], self.api, self.path)
        if refusal:
            raise PhaseFailed(dict(msg=refusal))
        return window_record.unrestored(self.api, [file_record, self.handed_over])

    def fail_without_session(self, message):
        """Settings that cannot make a session: the phase fails with `message`; a begin records that it changed nothing."""
        if self.args["phase"] == "begin":
            try:
                self.record_failure_before_any_change(message, self._open_records())
            except PhaseFailed:
                pass  # another API's open window: its record stays as it is, and the settings are what to fix first
        raise PhaseFailed(dict(msg=message))

    def record_failure_before_any_change(self, message, earlier):
        """A begin that failed before changing anything (refused at login, a selection that names no job, settings that
        cannot make a session) still records and publishes that, so that end finds a record and says there is nothing to
        restore. An earlier begin's unrestored record is kept whole, its jobs included; another API's is never replaced."""
        record, _to_disable = window_record.begin_record(self.host, self.api, self.session.server if self.session else self.args.get("server"),
                                                         [], earlier, utc_now())
        self._write(window_record.failed_begin_record(record, window_jobs.NOTHING_DONE, message, utc_now(), before_any_change=True))

    def _quiesce(self, record, to_disable, held_running, did):
        """Disable the jobs, then stop or wait for their sessions and for those of the jobs an earlier begin disabled (a
        recovery rerun); on a failure the record and the counts say exactly what was done."""
        leave = self.args["if_running"] == "leave"
        ids = [entry["id"] for entry in to_disable] + ([] if leave else [job.id for job in held_running])
        outcome = dict(disabled=[entry["name"] for entry in to_disable], stopped=[], waited=None,
                       held_running=[job.name for job in held_running] if leave else [])
        self._count_begin(dict(did, **outcome))
        if not ids:
            return outcome
        try:
            result = self._declare(ids, "disabled", if_running=self.args["if_running"], wait_timeout=self.args["wait_timeout"])
        except PhaseFailed as exc:
            failed = window_jobs.what_a_failed_disable_did(exc.outcome.jobs, to_disable, self.args["if_running"])
            self._count_begin(dict(did, **failed))
            message = window_text.begin_failure(exc.result["msg"], failed, to_disable, len(record["jobs"]), self.path)
            self._write(window_record.failed_begin_record(record, failed, exc.result["msg"], utc_now()))
            raise PhaseFailed(dict(exc.result, msg=message))
        outcome.update(window_jobs.what_a_quiesce_did(result))
        self._count_begin(dict(did, **outcome))
        return outcome

    def _count_begin(self, did):
        """The host's counts, which the fleet summary sums (set before each step, so a failed host counts what it did)."""
        waited = did.get("waited")
        self.done["counts"] = dict(disabled=len(did["disabled"]), stopped=len(did["stopped"]), awaited=waited[1] if waited else 0,
                                   held=len(did["held"]), left=len(did["left"]), chained=len(did["chained"]),
                                   unmanageable=len(self.done.get("unmanageable_jobs", [])), switched=self.switched)

    def _note_server(self, server_fields):
        """What the result keeps of the server for the fleet summary: the jobs it cannot manage, the kinds it cannot list."""
        for key in ("unmanageable_jobs", "unlisted_jobs"):
            if server_fields.get(key):
                self.done[key] = server_fields[key]
        if server_fields.get("unmanageable_jobs"):
            self.session.warnings.append(window_text.unmanageable_part(server_fields["unmanageable_jobs"]) + ".")

    def end(self):
        file_record = load(self.path)
        record = window_record.record_for_end(file_record, self.handed_over)
        blocker = window_record.end_blocker(record, self.api, self.path)
        if blocker:
            return self._nothing_to_restore(record, *blocker)
        handed_over = record is not file_record
        record, undone = self._undo_switches(record)
        jobs = self.session.read_jobs()
        self._note_server(self.session.server_fields(jobs))
        to_enable, missing = window_jobs.split_recorded(record, jobs)
        restored = self._restore(record, to_enable, missing)
        messages = window_scope.end_parts(undone, self.check_mode) + [restored, window_text.record_origin(record, handed_over, self.path)]
        if self.args["start_after"]:
            messages.append(self._start_after(jobs, to_enable, " ".join(messages)))
        return dict(self.done, msg=" ".join(messages))

    def _undo_switches(self, record):
        """Before any job is re-enabled: undo what the window switched (only the objects it changed), last set first. A
        failure leaves every job disabled (so none writes to what is still in maintenance) and the record open."""
        undone = []
        for index, switch in window_scope.changed_switches(record):
            self._count_end([], [], [])
            try:
                outcomes = self._declare_switch(switch["kind"], window_scope.restore_options(switch))
            except PhaseFailed as exc:
                raise PhaseFailed(dict(exc.result, msg=window_scope.undo_failure(switch, exc.result["msg"], self.path)))
            record = window_scope.without_changed(record, index)
            self._write(record)
            changed = [outcome.name for outcome in outcomes if outcome.actions]
            self.switched += len(changed)
            undone.append((switch["what"], changed))
        return record, undone

    def _nothing_to_restore(self, record, kind, message):
        self.done.update(blocker=kind, counts=dict(restored=0, already_enabled=0, missing=0, started=0, switched=0))
        if kind == window_record.OTHER_API:
            raise PhaseFailed(dict(msg=message))
        if kind == window_record.NO_RECORD:
            if self.args["require_record"]:
                raise PhaseFailed(dict(msg=message + " (maintenance_window_require_record is true)"))
            self.session.warnings.append(message)
        if kind == window_record.NOTHING_RECORDED:
            # Nothing to ask the server: the record is marked restored, so the window is closed like any other.
            self._write(window_record.restored_record(record, [], utc_now()))
        return dict(self.done, msg=message)

    def report(self):
        entries, server_fields = self.session.read_entries()
        record = window_record.record_for_end(load(self.path), self.handed_over)
        lines = window_text.report_table(self.api, self.host, entries, record, self.path, server_fields)
        scope = normalized_scope(self.args["scope"])
        open_scope = record.get("scope") if record.get("state") == window_record.ACTIVE else None
        if scope:
            # An open window's maintenance_mode, when it has one: the report then says what that window set, not what a new one would.
            maintenance_mode = (open_scope or {}).get("maintenance_mode", self.args["maintenance_mode"])
            resolution = self.session.read_selection(scope=scope, maintenance_mode=maintenance_mode).resolution
            earlier = [record] if open_scope else []
            lines += window_scope.report_lines(window_scope.scope_record(scope, maintenance_mode, resolution, earlier), resolution.states)
        elif open_scope:
            lines += window_scope.report_lines(open_scope, [])
        return dict(self.done, msg=lines)

    def _restore(self, record, to_enable, missing):
        self._count_end([], [], missing)
        enabled = []
        if to_enable:
            try:
                result = self._declare([entry["id"] for entry in to_enable], "enabled")
            except PhaseFailed as exc:
                # The record stays open (a second end finishes the work); the counts say what this one re-enabled.
                self._count_end(window_jobs.reenabled(exc.outcome.jobs), exc.outcome.jobs, missing)
                raise
            enabled = window_jobs.reenabled(result.jobs)
            self._count_end(enabled, result.jobs, missing)
        self._write(window_record.restored_record(record, missing, utc_now()))
        return window_text.end_summary(enabled, to_enable, record, missing, self.check_mode)

    def _count_end(self, enabled, jobs, missing):
        """The host's counts from the restore's job outcomes (`before` tells the jobs that were enabled already)."""
        self.done["counts"] = dict(restored=len(enabled), already_enabled=window_jobs.already_enabled(jobs), missing=len(missing), started=0,
                                   switched=self.switched)

    def _start_after(self, jobs, restored, restore_summary):
        try:
            to_start, not_started = window_jobs.jobs_to_start(jobs, self.args["start_after"], [entry["id"] for entry in restored])
        except JobModuleError as exc:
            # The restore is done (and said); only the start_after list was wrong.
            raise PhaseFailed(dict(msg="%s maintenance_window_start_after: %s; nothing was started." % (restore_summary, exc)))
        if to_start:
            # In check mode the restored jobs are still disabled when read: plan their start as a real run, enabled, would.
            self._declare([job.id for job in to_start], "running", wait_for_completion=True, wait_timeout=self.args["start_timeout"],
                          enable_if_disabled=self.check_mode)
        self.done["counts"]["started"] = len(to_start)
        return window_text.start_summary([job.name for job in to_start], not_started, self.check_mode)

    def _declare(self, ids, state, **options):
        """The RunOutcome of a declaration; PhaseFailed (with the outcome, and the module's failure result to show) when it failed."""
        outcome, result, failed = self.session.declare(ids, state, **options)
        self.done["changed"] = self.done["changed"] or outcome.changed
        if result.get("diff"):
            self.diffs.append(result["diff"])
        if failed:
            raise PhaseFailed(dict(result, changed=self.done["changed"]), outcome)
        return outcome

    def _write(self, record):
        """Write-ahead: the record is on disk before the first write to a job (in check mode only compared)."""
        diff = replace(self.path, record, self.check_mode)
        if diff is None:
            return
        self.done["changed"] = True
        if self.diff:
            self.diffs.append(diff)
        if not self.check_mode:
            self.done["publish_as"] = self.publish_as
