#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: maintenance_window
short_description: One phase of a maintenance window on one Veeam server, run on the controller
version_added: 0.2.0
description:
  - The engine of the P(backupops.veeam.maintenance_window#role) role; playbooks use the role, which passes the inventory
    variables. One task per host and phase does all the work, so a fleet of servers costs one task execution per host.
  - V(begin) reads the jobs (all, or O(names) / O(ids); on Veeam Backup & Replication only the types of O(api_options)), records the
    enabled ones together with the jobs of an unrestored earlier begin (the file's or a handed-over one), writes that record to
    a file on the controller B(before) any change, disables exactly the jobs enabled now, then stops or awaits their sessions
    (O(if_running)), and summarizes. It refuses to replace an open window of another API. When it fails halfway it says exactly
    which jobs it disabled and which it did not, which sessions still run and where the record is, and the record
    (C(begin_failed)) says so too.
  - A rerun of V(begin) (the recovery of one whose wait timed out) applies O(if_running) to the sessions of the jobs the window
    already holds disabled as well (V(stop) stops them, V(wait) waits for them, V(leave) leaves them and says so); the record
    keeps C(begin_failed) until a begin has done everything it set out to do.
  - A V(begin) that fails before any change (a refused login, a name no job has, settings that cannot make a session) still
    writes and publishes a record saying so (C(begin_failed.before_any_change)); an earlier begin's unrestored record is kept
    whole. The V(end) of such a record asks the server nothing and says there is nothing to restore.
  - Jobs the server starts after a selected job (Veeam Backup & Replication job chains, C(runAfterJob) from 13.0) are selected
    too, so that stopping or disabling the job before them cannot start them; the summary names them.
  - V(end) takes the record handed over by an AWX workflow (O(records) and the variables
    C(maintenance_window_records_<AWX job id>)), else the record file; re-enables the recorded jobs that still exist, reports the
    deleted ones, marks the record C(restored) so that a second end changes nothing, then starts O(start_after) jobs. With no record
    it warns (fails with O(require_record)). Its summary names the begin whose record it applied; an end run again with the same
    handed-over record (an AWX relaunch) applies it again, re-enabling recorded jobs disabled since (see C(docs/awx.md)).
  - V(report) shows the jobs as a table, with the jobs an open window holds disabled and since when. Changes nothing.
  - V(summary) (with C(run_once)) sums up the V(begin) or V(end) results the role registered for every host of the play in one line.
  - Runs in the controller's process whatever host the task is for, with the same connection options, checks and clients as
    the job modules and one login per phase. Requests come from the controller (or the execution environment), as from the job
    modules the role used to run with C(delegate_to=localhost); the task keyword C(environment) does not reach it.
  - The decisions (what to record, which record to use, what to restore) live in C(plugin_utils/_window_*.py) and are unit-tested.
author:
  - backupops.veeam contributors (@backupops)
requirements:
  - requests
  - xmltodict (Enterprise Manager in its default XML format)
options:
  phase:
    description:
      - Which side of the window.
    type: str
    required: true
    choices: [begin, end, report, summary]
  api:
    description:
      - Which API the server is, V(vb365) (Veeam Backup for Microsoft 365), V(em) (Enterprise Manager, Veeam Agent jobs) or V(vbr)
        (Veeam Backup & Replication).
      - When unset, the host variable C(veeam_api), else the API whose inventory group the host is in (C(vb365_servers),
        C(enterprise_managers), C(vbr_servers)); a host that matches none fails, naming both. Not used with O(phase=summary).
    type: str
    choices: [em, vb365, vbr]
  server:
    description:
      - Host name or URL of the server, as the O(backupops.veeam.veeam_o365_job#module:server) option of the job modules.
      - Unset or blank values of this and every connection option fall back to the play's C(module_defaults) for the API's job
        module (its action groups included), then to the C(VEEAM_*) environment variables the job modules read.
    type: str
  port:
    description:
      - TCP port of the REST API (the job module's default when unset).
    type: int
  username:
    description:
      - User name.
    type: str
  password:
    description:
      - Password. Never shown in the result.
    type: str
  ca_path:
    description:
      - PEM file of the CA that signed the server certificate.
    type: path
  validate_certs:
    description:
      - Verify the server certificate (true when unset anywhere). Turning it off is warned about.
    type: bool
  api_options:
    description:
      - The API's own options, as its job module takes them (V(vb365) C(api_version) and C(job_kind); V(em) C(format); V(vbr)
        C(api_version) and C(type), the job types V(begin) reads, records and disables and V(report) shows).
      - An option left out comes from the host variables the API names for it (C(veeam_vb365_api_version), C(veeam_vb365_job_kind),
        C(veeam_em_format), C(veeam_vbr_api_version), C(veeam_vbr_types), or the role's C(maintenance_window_*) names of these),
        else the play's C(module_defaults), else the window's default for options that select jobs (VB365 C(job_kind) V(all),
        backup jobs and backup copy jobs), else the module's default.
      - V(end) ignores options that only select jobs (C(type), C(job_kind)) and reads every job, because it restores every
        recorded job.
    type: dict
    default: {}
  names:
    description:
      - V(begin) only. Only the jobs with these names. Mutually exclusive with O(ids).
    type: list
    elements: str
    default: []
  ids:
    description:
      - V(begin) only. Only the jobs with these ids.
    type: list
    elements: str
    default: []
  if_running:
    description:
      - V(begin) only. What to do with a job whose session runs, as the job modules' C(if_running). Every schedule is disabled
        first; a wait that times out leaves the schedules off and names the sessions still running.
    type: str
    choices: [leave, stop, wait]
    default: stop
  wait_timeout:
    description:
      - V(begin) only. Seconds to wait for sessions to end.
    type: int
    default: 600
  progress_interval:
    description:
      - During a wait (sessions to end, started runs to finish), a line on the controller's output every this many seconds names
        what is still awaited. An interval shorter than the poll interval makes the wait poll that often.
    type: int
    default: 60
  records:
    description:
      - Records handed over (AWX workflow artifacts, extra variables), keyed by inventory host name. The role passes
        C(maintenance_window_records). The variables C(maintenance_window_records_<n>) of the host are read as well; records of
        the same begin under several keys are merged.
    type: dict
    default: {}
  awx_job_id:
    description:
      - The AWX job id (the role passes C(awx_job_id)); the record is published under C(maintenance_window_records_<awx_job_id>).
    type: str
  require_record:
    description:
      - V(end) only. Fail when the host has no record (no file, nothing handed over) instead of warning.
    type: bool
    default: false
  summary_of:
    description:
      - With O(phase=summary), the phase to sum up.
    type: str
    choices: [begin, end]
  record_dir:
    description:
      - Directory on the controller with one record per host, C(<record_dir>/<inventory_hostname>.json) (mode C(0600), the directory
        C(0700)); replaced atomically, safe when forks create the directory at the same moment.
    type: path
    default: ~/.ansible/backupops.veeam/maintenance-window
  start_after:
    description:
      - V(end) only. Names of jobs of this server to start once the recorded jobs are restored; their runs are awaited. A name the
        server does not know fails (after the restore); a job disabled after the restore is reported, not started.
    type: list
    elements: str
    default: []
  start_timeout:
    description:
      - V(end) only. Seconds to wait for the runs of O(start_after).
    type: int
    default: 3600
  scope:
    description:
      - V(begin) and V(report). What the maintenance touches, a mapping with C(repositories) and/or C(proxies) (lists of names or
        ids). V(begin) quiesces exactly the jobs they touch (with O(names) or O(ids), the union), records why each job is in
        scope and, with O(maintenance_mode), the switches it sets; V(report) shows how the scope resolves. An entry the server
        does not know fails before any change, listing what it has. V(end) restores what the record names.
    type: dict
    default: {}
  maintenance_mode:
    description:
      - V(begin) only, with O(scope). After the jobs are quiesced, also set the infrastructure's own switches for what is in
        scope (scale-out extent maintenance mode, VBR proxy disable, VB365 proxy maintenance mode, the VBR configuration
        backup when it writes to a repository in scope); V(end) undoes exactly what was changed, before re-enabling any job.
    type: bool
    default: false
  scope_may_be_empty:
    description:
      - V(begin) only. A scope that resolves to no job and no switch is then a success (nothing recorded) instead of a failure.
    type: bool
    default: false
attributes:
  action:
    support: full
    description: Implemented as an action plugin that runs in the controller's process.
  check_mode:
    support: full
    description: Reads the server and the record, reports what would be disabled, re-enabled or started; writes nothing.
  diff_mode:
    support: full
    description: Shows the record file before and after, and the jobs' flags before and after.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller (or the execution environment); the Veeam server only needs its REST API reachable.
notes:
  - Forks run hosts in parallel; each host's task logs in once, reads, writes and logs out, also when it fails.
seealso:
  - module: backupops.veeam.veeam_o365_job
  - module: backupops.veeam.veeam_agent_job
  - module: backupops.veeam.veeam_vbr_job
"""

EXAMPLES = r"""
# Playbooks use the role (hosts: the Veeam servers), which maps the inventory variables to these options.
- name: Begin a maintenance window on this Veeam server
  ansible.builtin.import_role:
    name: backupops.veeam.maintenance_window
    tasks_from: begin

- name: One line for every host of the play
  backupops.veeam.maintenance_window:
    phase: summary
    summary_of: begin
  run_once: true

- name: The same phase without the role
  backupops.veeam.maintenance_window:
    phase: begin
    api: vb365
    server: vb365.example.com
    username: CORP\svc-veeam
    password: "{{ vault_vb365_password }}"
    if_running: wait
"""

RETURN = r"""
msg:
  description:
    - The summary of the phase, one line (for V(report) the lines of the job table). It names the jobs disabled, stopped,
      awaited (and for how long), left disabled, chained and recorded, and the kinds of job the server cannot list (V(begin)),
      re-enabled, already enabled and no longer existing, and the begin whose record was applied (V(end)), started and not
      started (O(start_after)); the record file holds the ids.
  returned: always
  type: raw
  sample: "Disabled 2 job(s): Exchange Online Daily, Teams and Groups; no running session stopped; 1 already disabled job(s) ..."
counts:
  description:
    - What V(begin) did (C(disabled), C(stopped), C(awaited) sessions, C(held) by an earlier begin, C(left) disabled from before
      the window, C(chained) jobs selected because they run after a selected one, C(unmanageable) jobs) or V(end) did
      (C(restored), C(already_enabled), C(missing), C(started)), for the fleet summary. A phase that failed halfway counts what
      it did before it failed.
  returned: begin and end, also when they failed after reading the server
  type: dict
  sample: {"disabled": 4, "stopped": 1, "awaited": 1, "held": 0, "left": 2, "chained": 0, "unmanageable": 0}
blocker:
  description:
    - Why V(end) had nothing to restore, C(already_restored), C(no_record), C(other_api) or C(nothing_recorded) (the begin
      recorded no job, or failed before any change; the record is marked restored without a request to the server).
  returned: when end had nothing to restore
  type: str
  sample: no_record
unmanageable_jobs:
  description: Jobs the server lists that its API cannot disable; they keep running on their schedule (as the job modules return them).
  returned: when the server lists such jobs
  type: list
  elements: dict
unlisted_jobs:
  description: The kinds of job the API (or the revision spoken) cannot list; they are not seen and stay as they are.
  returned: when the server's API cannot list every kind of job
  type: dict
  sample: {"kinds": ["backup copy"], "why": "api_version v5 has no backup copy jobs"}
record_path:
  description: The record file of this host.
  returned: always
  type: str
  sample: /home/awx/.ansible/backupops.veeam/maintenance-window/vb365-01.json
publish_as:
  description:
    - The variable the role publishes this host's record under with C(set_stats), C(maintenance_window_records) or, in an AWX job,
      C(maintenance_window_records_<awx_job_id>). Set only when the record file was written.
  returned: when the record was written
  type: str
  sample: maintenance_window_records_4711
jobs:
  description: After a failed disable, enable or start, what the job runner did to each job (as the job modules return it).
  returned: failure
  type: list
  elements: dict
"""
