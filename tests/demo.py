"""`make demo`: a maintenance window end to end against the bundled Veeam API simulator.

Starts the simulator (VB365, Enterprise Manager and Veeam Backup & Replication 13.1 over HTTPS, its default scenario:
enabled, disabled and running jobs on every API, and VB365 backup copy jobs; plus two VBR jobs that write to the scale-out
repository "SOBR Production") and a second one as a Veeam Backup & Replication 12.0 server (REST API
1.1-rev0, vSphere backup jobs), writes an inventory with one VB365 server, one Enterprise Manager and the two Veeam Backup
& Replication servers (api_version left at auto: each is spoken to in its own revision), and runs, the way AWX runs them
(ansible-runner, credentials and CA injected as VEEAM_* environment variables):

    job_report.yml -> maintenance_begin.yml -> job_report.yml -> maintenance_end.yml -> job_report.yml   (whole servers)

then a scoped window on the 13.1 server only (docs/scoped-windows.md): one scale-out extent with maintenance mode,

    maintenance_begin.yml -> job_report.yml -> maintenance_end.yml   (maintenance_window_scope {repositories: [SOBR Extent 01]})

Everything printed comes from those runs or from the simulator's own state. Exits non-zero when a run fails, when a job
is not back to the enabled state it had before the window, when the scoped window touches a job outside its scope, or when
the extent is not in maintenance during the scoped window and out of it after. The simulator is always stopped.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "tests" / "simulator"))

import ansible_runner  # noqa: E402  pylint: disable=wrong-import-position
import yaml  # noqa: E402  pylint: disable=wrong-import-position
from veeam_sim.testing import SimProcess  # noqa: E402  pylint: disable=wrong-import-position

# (inventory host, key of its jobs in the table, label)
HOSTS = (("vb365-sim", "vb365", "VB365"), ("em-sim", "em", "EM"), ("vbr-sim", "vbr", "VBR 13.1"), ("vbr12-sim", "vbr12", "VBR 12.0"))
HOST_NAMES = [host for host, _key, _label in HOSTS]
LABEL_OF_API = dict((key, label) for _host, key, label in HOSTS)
# The 12.0 server's jobs: its REST API (1.1-rev0) shows vSphere backup jobs only.
VBR_12_SCENARIO = {"vbr": {"jobs": [
    {"name": "Legacy VMware VMs", "type": "VSphereBackup", "enabled": True, "lastResult": "Success"},
    {"name": "Legacy File Server VMs", "type": "VSphereBackup", "enabled": True, "running": True},
    {"name": "Legacy Test VMs", "type": "VSphereBackup", "enabled": False, "lastResult": "Warning"},
]}}
# The 13.1 server: the bundled scenario plus jobs on the scale-out repository (the bundled one has none there), so that an
# extent in scope has jobs to quiesce. A job on a scale-out repository is quiesced whichever extent is in scope: the REST API
# cannot say which extent holds its backup chain.
SOBR, SCOPED_EXTENT, OTHER_EXTENT = "SOBR Production", "SOBR Extent 01", "SOBR Extent 02"
SOBR_JOBS = [
    {"name": "ERP VMs", "type": "VSphereBackup", "enabled": True, "lastResult": "Success", "repository": SOBR},
    {"name": "ERP Archive VMs", "type": "VSphereBackup", "enabled": False, "lastResult": "Success", "repository": SOBR},
]
DEFAULT_SCENARIO = REPO / "tests" / "simulator" / "veeam_sim" / "scenarios" / "default.yaml"
# The scoped window: one VBR host, one extent, with maintenance mode (the extent goes into maintenance after its jobs are
# quiesced and comes out before they are re-enabled).
SCOPED_HOST = "vbr-sim"
SCOPED_SETTINGS = {"maintenance_window_scope": {"repositories": [SCOPED_EXTENT]}, "maintenance_window_maintenance_mode": True}
STEPS = (
    ("before", "job_report.yml"),
    ("begin", "maintenance_begin.yml"),
    ("during", "job_report.yml"),
    ("end", "maintenance_end.yml"),
    ("after", "job_report.yml"),
)
SCOPED_STEPS = (
    ("scoped begin", "maintenance_begin.yml"),
    ("scoped during", "job_report.yml"),
    ("scoped end", "maintenance_end.yml"),
)
STEP_COUNT = len(STEPS) + len(SCOPED_STEPS)
# The role's one task per host and phase, whose result is the summary worth showing from the begin and end runs.
SUMMARY_TASKS = ("Record and disable the enabled jobs", "Re-enable the recorded jobs")
FLEET_SUMMARY_TASK = "Summarize the"  # the role's one line for the whole play (run_once)


class Failure(Exception):
    pass


def write_inventory(workdir, sim, sim12):
    inventory = {"all": {"children": {
        "vb365_servers": {"hosts": {"vb365-sim": {"veeam_api": "vb365", "veeam_server": sim.host, "veeam_port": sim.vb365_port}}},
        "enterprise_managers": {"hosts": {"em-sim": {"veeam_api": "em", "veeam_server": sim.host, "veeam_port": sim.em_port}}},
        "vbr_servers": {"hosts": {"vbr-sim": {"veeam_api": "vbr", "veeam_server": sim.host, "veeam_port": sim.vbr_port},
                                  "vbr12-sim": {"veeam_api": "vbr", "veeam_server": sim12.host, "veeam_port": sim12.vbr_port}}},
    }}}
    path = workdir / "inventory.yml"
    path.write_text(yaml.safe_dump(inventory, sort_keys=False))
    return path


def combined_ca(workdir, *sims):
    """One CA file for both simulators (each makes its own throw-away CA), as an estate's CA bundle would be."""
    path = workdir / "ca-bundle.pem"
    path.write_text("".join(Path(sim.ca_path).read_text() for sim in sims))
    return str(path)


def collections_path(workdir):
    link = workdir / "collections" / "ansible_collections" / "backupops" / "veeam"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO)
    return link.parents[2]


def run_playbook(number, playbook, workdir, inventory, env, limit=None, extravars=None):
    """The ok results [(host, task, result)] of one ansible-runner run (every host, or `limit`, with these extra variables)."""
    private_data_dir = workdir / ("run-%d-%s" % (number, playbook.replace(".yml", "")))
    private_data_dir.mkdir()
    started = time.monotonic()
    runner = ansible_runner.run(private_data_dir=str(private_data_dir), playbook=str(REPO / "playbooks" / playbook),
                                inventory=str(inventory), envvars=env, limit=limit,
                                extravars=dict(extravars or {}, maintenance_window_record_dir=str(workdir / "records")),
                                quiet=True, suppress_env_files=True)
    seconds = time.monotonic() - started
    events = list(runner.events)
    stats = next((e["event_data"] for e in events if e["event"] == "playbook_on_stats"), {})
    changed = stats.get("changed", {})
    print("[%d/%d] %-23s %-10s %5.1f s   changed: %s" % (
        number, STEP_COUNT, playbook, runner.status, seconds,
        ", ".join("%s %d" % (host, changed.get(host, 0)) for host in ([limit] if limit else HOST_NAMES))))
    if runner.status != "successful":
        print(runner.stdout.read()[-4000:])
        raise Failure("%s ended %s (rc %s)" % (playbook, runner.status, runner.rc))
    results = []
    for event in events:
        data = event.get("event_data", {})
        if event["event"] == "runner_on_ok":
            results.append((data.get("host"), data.get("task") or "", data.get("res") or {}))
    return results


def tables_shown(results):
    """How many servers job_report.yml showed a table for (the report action's msg is the table's lines)."""
    return sum(1 for _host, task, res in results if "Show the jobs" in task and isinstance(res.get("msg"), list))


def show_summaries(results):
    order = list(HOST_NAMES)
    lines = [(order.index(host), host, " ".join(str(res["msg"]).split())) for host, task, res in results
             if any(part in task for part in SUMMARY_TASKS) and res.get("msg") and host in order]
    for _position, host, message in sorted(lines, key=lambda line: line[0]):
        print("        %-9s %s" % (host, message))
    for _host, task, res in results:
        if FLEET_SUMMARY_TASK in task and res.get("msg"):
            print("        %-9s %s" % ("all", res["msg"]))


def describe(job):
    if job is None:
        return "(gone)"
    return ("enabled" if job["enabled"] else "disabled") + (", running" if job["running"] else "")


def print_table(reports):
    keys = list(reports["before"])
    width = max(len(reports["before"][k]["name"]) for k in keys)
    print()
    print(("  %-8s  %-*s  %-17s  %-17s  %s" % ("SERVER", width, "JOB", "BEFORE", "DURING THE WINDOW", "AFTER")))
    for key in keys:
        print("  %-8s  %-*s  %-17s  %-17s  %s" % (
            LABEL_OF_API[key[0]], width, reports["before"][key]["name"],
            describe(reports["before"][key]), describe(reports["during"].get(key)), describe(reports["after"].get(key))))
    print()


def simulator_states(sim, sim12):
    state = sim.state()
    # VB365 backup copy jobs are quiesced and restored with the backup jobs (the window's job_kind all).
    jobs = {("vb365", j["id"]): (j["name"], j["isEnabled"], j["running"]) for j in state["vb365"]["jobs"] + state["vb365"]["copy_jobs"]}
    jobs.update({("em", j["id"]): (j["name"], j["enabled"], j["running"]) for j in state["em"]["jobs"]})
    jobs.update({("vbr", j["id"]): (j["name"], j["enabled"], j["running"]) for j in state["vbr"]["jobs"]})
    jobs.update({("vbr12", j["id"]): (j["name"], j["enabled"], j["running"]) for j in sim12.state()["vbr"]["jobs"]})
    return jobs


def compare(before, after):
    """Lines describing every difference of the enabled flag, and the sessions begin stopped."""
    problems = []
    for key, (name, was_enabled, _was_running) in before.items():
        if key not in after:
            problems.append("%s job %r no longer exists" % (key[0], name))
        elif after[key][1] != was_enabled:
            problems.append("%s job %r was %s before and is %s now" % (
                key[0], name, "enabled" if was_enabled else "disabled", "enabled" if after[key][1] else "disabled"))
    problems.extend("%s job %r appeared" % (key[0], after[key][0]) for key in after if key not in before)
    stopped = [name for key, (name, _was_enabled, running) in before.items() if running and key in after and not after[key][2]]
    return problems, stopped


def scenario_with_sobr_jobs(workdir):
    """The bundled scenario with SOBR_JOBS added to its VBR jobs, as a scenario file for the 13.1 server."""
    scenario = yaml.safe_load(DEFAULT_SCENARIO.read_text())
    scenario["vbr"]["jobs"] = scenario["vbr"]["jobs"] + SOBR_JOBS
    path = workdir / "vbr-13.1.json"
    path.write_text(json.dumps(scenario))
    return path


def whole_server_window(sim, sim12, workdir, inventory, env):
    """Today's window on every server: report, begin, report, end, report; the table, and 0 when every job is back."""
    initial = simulator_states(sim, sim12)
    reports = {}
    for number, (label, playbook) in enumerate(STEPS, start=1):
        results = run_playbook(number, playbook, workdir, inventory, env)
        if playbook == "job_report.yml":
            if tables_shown(results) != len(HOSTS):
                raise Failure("%s showed %d job tables, not one per server" % (playbook, tables_shown(results)))
            # The simulator's own state at that moment: the truth the table below compares.
            reports[label] = dict((key, dict(name=name, enabled=flag, running=running))
                                  for key, (name, flag, running) in simulator_states(sim, sim12).items())
        else:
            show_summaries(results)
    print_table(reports)

    problems, stopped = compare(initial, simulator_states(sim, sim12))
    if stopped:
        print("Sessions running before the window were stopped by begin (maintenance_window_if_running: stop) and are not")
        print("restarted: %s." % ", ".join(stopped))
    if problems:
        print("NOT RESTORED (simulator state before vs after):")
        for line in problems:
            print("  - " + line)
        return 1
    print("RESULT: all %d jobs are back to the enabled/disabled state they had before the window "
          "(simulator state compared before and after)." % len(initial))
    return 0


def extent_modes(sim):
    """{extent name: [modes]} of the 13.1 server's scale-out extents, from the simulator's own state."""
    return dict((repository["name"], list(repository["modes"])) for repository in sim.state()["vbr"]["infrastructure"]["repositories"]
                if repository.get("sobrId"))


def show_scope_lines(results):
    """The scope section of the report (the lines from 'Scope ...' on): the entries, the jobs each brought in, the extents' states."""
    for host, task, res in results:
        lines = res.get("msg") if "Show the jobs" in task else None
        if isinstance(lines, list):
            start = next((index for index, line in enumerate(lines) if str(line).startswith("Scope ")), len(lines))
            for line in lines[start:]:
                print("        %-9s %s" % (host, line))


def writes(sim):
    """The 13.1 server's writes since the log was last cleared, in order ("POST disable", "POST enableMaintenanceMode", ...)."""
    return ["%s %s" % (request["method"], request["path"].rstrip("/").rsplit("/", 1)[-1]) for request in sim.requests()["requests"]
            if request["method"] in ("POST", "PUT") and "oauth2" not in request["path"] and "/api/v1/" in request["path"]]


# The order a scoped window promises: the jobs before the extent at begin, the extent before the jobs at end.
BEGIN_WRITES, END_WRITES = ["POST disable", "POST enableMaintenanceMode"], ["POST disableMaintenanceMode", "POST enable"]


def scoped_problems(before, during, after, modes_during, modes_after):
    """What the scoped window got wrong: a job outside the scope touched, a SOBR job left enabled, the extent's mode."""
    in_scope = set(job["name"] for job in SOBR_JOBS)
    problems = ["%s job %r changed during the scoped window, but it is not in its scope" % (key[0], name)
                for key, (name, enabled, _running) in before.items() if name not in in_scope and during.get(key, (None, enabled))[1] != enabled]
    problems.extend("vbr job %r is in scope and still enabled during the window" % name
                    for key, (name, enabled, _running) in during.items() if name in in_scope and enabled)
    if "Maintenance" not in modes_during[SCOPED_EXTENT] or "Maintenance" in modes_during[OTHER_EXTENT]:
        problems.append("during the window the extents are %s; only %r should be in maintenance" % (modes_during, SCOPED_EXTENT))
    if modes_after[SCOPED_EXTENT]:
        problems.append("%r is still %s after the end" % (SCOPED_EXTENT, ", ".join(modes_after[SCOPED_EXTENT])))
    return problems + compare(before, after)[0]


def print_scoped_table(before, during, after, modes):
    """The 13.1 server's jobs and the extent in scope: before, during and after the scoped window (the simulator's state)."""
    keys = [key for key in before if key[0] == "vbr"]
    extent_label = SCOPED_EXTENT + " (extent)"
    width = max([len(before[key][0]) for key in keys] + [len(extent_label)])
    row = "  %-8s  %-*s  %-17s  %-24s  %s"
    print()
    print(row % ("SERVER", width, "JOB", "BEFORE", "DURING THE SCOPED WINDOW", "AFTER"))
    for key in keys:
        print(row % ((LABEL_OF_API["vbr"], width, before[key][0]) + tuple(
            describe(dict(enabled=state[key][1], running=state[key][2]) if key in state else None) for state in (before, during, after))))
    print(row % ((LABEL_OF_API["vbr"], width, extent_label) + tuple(", ".join(found[SCOPED_EXTENT]).lower() or "in service" for found in modes)))
    print()


def scoped_window(sim, sim12, workdir, inventory, env):
    """A scoped window on the 13.1 server: one extent with maintenance mode. 0 when exactly the SOBR's jobs were quiesced,
    the extent was in maintenance during the window and not after it, and every job is back as it was."""
    print()
    print("Scoped window on %s: maintenance_window_scope %s, maintenance_window_maintenance_mode true (--limit %s)" % (
        SCOPED_HOST, json.dumps(SCOPED_SETTINGS["maintenance_window_scope"]), SCOPED_HOST))
    before, modes_before = simulator_states(sim, sim12), extent_modes(sim)
    during = modes_during = None
    sent = {}
    for number, (label, playbook) in enumerate(SCOPED_STEPS, start=len(STEPS) + 1):
        sim.clear_requests()
        results = run_playbook(number, playbook, workdir, inventory, env, limit=SCOPED_HOST, extravars=SCOPED_SETTINGS)
        sent[label] = writes(sim)
        if label == "scoped during":
            show_scope_lines(results)
            during, modes_during = simulator_states(sim, sim12), extent_modes(sim)
        else:
            show_summaries(results)
    after, modes_after = simulator_states(sim, sim12), extent_modes(sim)
    print_scoped_table(before, during, after, (modes_before, modes_during, modes_after))
    print("Writes to the 13.1 server, in order: begin %s; report none%s; end %s." % (
        ", ".join(sent["scoped begin"]), "" if not sent["scoped during"] else " (%s!)" % ", ".join(sent["scoped during"]), ", ".join(sent["scoped end"])))
    problems = scoped_problems(before, during, after, modes_during, modes_after)
    problems.extend("the %s sent %s, not %s" % (label, sent[label] or "no write", expected)
                    for label, expected in (("scoped begin", BEGIN_WRITES), ("scoped during", []), ("scoped end", END_WRITES)) if sent[label] != expected)
    if problems:
        print("SCOPED WINDOW WRONG (simulator state before, during and after):")
        for line in problems:
            print("  - " + line)
        return 1
    print("RESULT: the scoped window quiesced only the jobs of %r (%d job(s), every other job of the 4 servers untouched), put %r"
          % (SOBR, sum(1 for job in SOBR_JOBS if job["enabled"]), SCOPED_EXTENT))
    print("into maintenance after them and out of it before re-enabling them; all %d jobs are back as they were." % len(after))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--keep", action="store_true", help="keep the working directory (inventory, records, ansible-runner artifacts)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="backupops-veeam-demo-"))
    scenario12 = workdir / "vbr-12.0.json"
    scenario12.write_text(json.dumps(VBR_12_SCENARIO))
    process = SimProcess(state_dir=str(workdir / "simulator"), extra_args=["--scenario", str(scenario_with_sobr_jobs(workdir))])
    process12 = SimProcess(state_dir=str(workdir / "simulator-12.0"), extra_args=["--vbr-release", "12.0", "--scenario", str(scenario12)])
    try:
        sim = process.start()
        sim12 = process12.start()
        print("Veeam API simulator: VB365 %s  Enterprise Manager %s  VBR 13.1 %s  VBR 12.0 %s" % (
            sim.vb365_url, sim.em_url, sim.vbr_url, sim12.vbr_url))
        print("Inventory: vb365-sim (vb365_servers), em-sim (enterprise_managers), vbr-sim and vbr12-sim (vbr_servers); credentials and CA")
        print("from VEEAM_* environment variables, as the AWX credential types inject them; playbooks run through ansible-runner,")
        print("as AWX runs them.")
        print()
        inventory = write_inventory(workdir, sim, sim12)
        env = dict(
            VEEAM_VB365_USERNAME=sim.username, VEEAM_VB365_PASSWORD=sim.password,
            VEEAM_EM_USERNAME=sim.username, VEEAM_EM_PASSWORD=sim.password,
            VEEAM_VBR_USERNAME=sim.username, VEEAM_VBR_PASSWORD=sim.password, VEEAM_CA_PATH=combined_ca(workdir, sim, sim12),
            ANSIBLE_COLLECTIONS_PATH=str(collections_path(workdir)), ANSIBLE_PYTHON_INTERPRETER=str(BIN / "python"),
            ANSIBLE_NOCOLOR="true", ANSIBLE_RETRY_FILES_ENABLED="false",
            PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]))
        if whole_server_window(sim, sim12, workdir, inventory, env):
            return 1
        return scoped_window(sim, sim12, workdir, inventory, env)
    except Failure as exc:
        print("FAILED: %s" % exc)
        return 1
    finally:
        process.stop()
        process12.stop()
        if args.keep:
            print("Working directory kept: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
