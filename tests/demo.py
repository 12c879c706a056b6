"""`make demo`: a maintenance window end to end against the bundled Veeam API simulator.

Starts the simulator (VB365, Enterprise Manager and Veeam Backup & Replication 13.1 over HTTPS, its default scenario:
enabled, disabled and running jobs on every API, and VB365 backup copy jobs) and a second one as a Veeam Backup & Replication 12.0 server (REST API
1.1-rev0, vSphere backup jobs), writes an inventory with one VB365 server, one Enterprise Manager and the two Veeam Backup
& Replication servers (api_version left at auto: each is spoken to in its own revision), and runs, the way AWX runs them
(ansible-runner, credentials and CA injected as VEEAM_* environment variables):

    job_report.yml -> maintenance_begin.yml -> job_report.yml -> maintenance_end.yml -> job_report.yml

Everything printed comes from those runs or from the simulator's own state. Exits non-zero when a run fails or when a job
is not back to the enabled state it had before the window. The simulator is always stopped.
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
STEPS = (
    ("before", "job_report.yml"),
    ("begin", "maintenance_begin.yml"),
    ("during", "job_report.yml"),
    ("end", "maintenance_end.yml"),
    ("after", "job_report.yml"),
)
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


def run_playbook(number, playbook, workdir, inventory, env):
    private_data_dir = workdir / ("run-%d-%s" % (number, playbook.replace(".yml", "")))
    private_data_dir.mkdir()
    started = time.monotonic()
    runner = ansible_runner.run(private_data_dir=str(private_data_dir), playbook=str(REPO / "playbooks" / playbook),
                                inventory=str(inventory), envvars=env,
                                extravars={"maintenance_window_record_dir": str(workdir / "records")},
                                quiet=True, suppress_env_files=True)
    seconds = time.monotonic() - started
    events = list(runner.events)
    stats = next((e["event_data"] for e in events if e["event"] == "playbook_on_stats"), {})
    changed = stats.get("changed", {})
    print("[%d/%d] %-23s %-10s %5.1f s   changed: %s" % (
        number, len(STEPS), playbook, runner.status, seconds, ", ".join("%s %d" % (host, changed.get(host, 0)) for host in HOST_NAMES)))
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--keep", action="store_true", help="keep the working directory (inventory, records, ansible-runner artifacts)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="backupops-veeam-demo-"))
    scenario12 = workdir / "vbr-12.0.json"
    scenario12.write_text(json.dumps(VBR_12_SCENARIO))
    process = SimProcess(state_dir=str(workdir / "simulator"))
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
