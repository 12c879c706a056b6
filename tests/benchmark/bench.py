"""Benchmark: the collection against the plain ansible.builtin.uri way and against Ansible's own floor.

Starts the simulator with generated scenarios, runs each case a few times with real ansible-playbook runs and prints
a table (median wall seconds, HTTP requests counted by the simulator, peak RSS of the module processes), writes the
results as JSON and, with --plot, draws the scaling curves as a PNG.

    .venv/bin/python tests/benchmark/bench.py [--runs 3] [--cases disable-500,noop-500,...] [--smoke] [--merge]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "simulator"))

from veeam_sim.testing import SimProcess  # noqa: E402  pylint: disable=wrong-import-position

RSS_WRAPPER = """#!{python}
# Runs one module like the real interpreter would and appends the child's peak RSS (KiB) to a file.
import os, resource, subprocess, sys
rc = subprocess.call([{python!r}] + sys.argv[1:])
with open(os.environ["BENCH_RSS_FILE"], "a") as out:
    out.write("%d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)
"""


class Bench(object):
    def __init__(self, sim, workdir, runs):
        self.sim = sim
        self.workdir = Path(workdir)
        self.runs = runs
        self.collections = self.workdir / "collections"
        link = self.collections / "ansible_collections" / "backupops" / "veeam"
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(REPO)
        self.interpreter = self.workdir / "python-rss"
        self.interpreter.write_text(RSS_WRAPPER.format(python=sys.executable))
        self.interpreter.chmod(0o755)
        self.rows = []
        self.uri_runs = runs

    def inventory(self, vb365_ports=None, em=False, fmt="xml", vbr=False):
        hosts = {}
        for index, port in enumerate(vb365_ports or [self.sim.vb365_port]):
            hosts["vb365-%02d" % index] = dict(veeam_server=self.sim.host, veeam_port=port, veeam_ca_path=self.sim.ca_path, veeam_api="vb365")
        groups = {"vb365_servers": {"hosts": hosts}}
        if em:
            groups = {"enterprise_managers": {"hosts": {"em-00": dict(veeam_server=self.sim.host, veeam_port=self.sim.em_port,
                                                                      veeam_ca_path=self.sim.ca_path, veeam_api="em", veeam_format=fmt)}}}
        if vbr:
            groups = {"vbr_servers": {"hosts": {"vbr-00": dict(veeam_server=self.sim.host, veeam_port=self.sim.vbr_port,
                                                               veeam_ca_path=self.sim.ca_path, veeam_api="vbr")}}}
        path = self.workdir / "inventory.json"
        path.write_text(json.dumps({"all": {"children": groups}}))
        return path

    def playbook(self, playbook, inventory, forks=5, extra_vars=None):
        rss_file = self.workdir / "rss.txt"
        rss_file.write_text("")
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(self.collections), ANSIBLE_PYTHON_INTERPRETER=str(self.interpreter),
                   BENCH_RSS_FILE=str(rss_file), ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default", ANSIBLE_LOCALHOST_WARNING="false",
                   VEEAM_VB365_USERNAME=self.sim.username, VEEAM_VB365_PASSWORD=self.sim.password,
                   VEEAM_EM_USERNAME=self.sim.username, VEEAM_EM_PASSWORD=self.sim.password,
                   VEEAM_VBR_USERNAME=self.sim.username, VEEAM_VBR_PASSWORD=self.sim.password)
        command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), "-f", str(forks), str(playbook)]
        # As an extra var too, so that tasks delegated to localhost (the role's) run through the RSS wrapper as well.
        command += ["-e", json.dumps(dict(extra_vars or {}, ansible_python_interpreter=str(self.interpreter)))]
        started = time.monotonic()
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        wall = time.monotonic() - started
        if completed.returncode != 0:
            raise SystemExit("%s failed:\n%s\n%s" % (playbook, completed.stdout[-3000:], completed.stderr[-3000:]))
        rss = [int(line) for line in rss_file.read_text().split()]
        return wall, max(rss) / 1024.0 if rss else 0.0

    def measure(self, case, variant, prepare, playbook, inventory, forks=5, requests_of=None, extra_vars=None, runs=None):
        runs = runs or self.runs
        walls, requests, rss = [], [], []
        # The machine's 1-minute load average as the case starts (the benchmark shares its cores with whatever else runs).
        load_before = round(os.getloadavg()[0], 2)
        for _run in range(runs):
            prepare()
            self.sim.clear_requests()
            wall, peak = self.playbook(playbook, inventory, forks, extra_vars)
            walls.append(wall)
            rss.append(peak)
            requests.append(requests_of() if requests_of else len(self.sim.requests()["requests"]))
        row = dict(case=case, variant=variant, wall_s=round(statistics.median(walls), 3), requests=int(statistics.median(requests)),
                   peak_rss_mb=round(max(rss), 1), runs=runs, load_1m=load_before)
        self.rows.append(row)
        print("  %-18s %-24s %8.2f s %8d requests %7.1f MB" % (case, variant, row["wall_s"], row["requests"], row["peak_rss_mb"]), flush=True)
        return row


def vb365_jobs(count, enabled):
    return {"generate": {"vb365_jobs": count, "em_jobs": 0, "enabled": enabled}, "vb365": {"jobs": []}, "em": {"jobs": []}}


def em_jobs(count, enabled):
    return {"generate": {"vb365_jobs": 0, "em_jobs": count, "enabled": enabled}, "vb365": {"jobs": []}, "em": {"jobs": []}}


def vbr_jobs(count, enabled):
    return {"generate": {"vb365_jobs": 0, "em_jobs": 0, "vbr_jobs": count, "enabled": enabled},
            "vb365": {"jobs": []}, "em": {"jobs": []}, "vbr": {"jobs": []}}


def case_disable(bench, count, label=None):
    inventory = bench.inventory()
    label = label or "disable-%d" % count
    collection = bench.measure(label, "collection", reset(bench, vb365_jobs(count, True)), HERE / "collection_disable_vb365.yml", inventory)
    baseline = bench.measure(label, "uri baseline", reset(bench, vb365_jobs(count, True)), HERE / "uri_disable_vb365.yml", inventory,
                             runs=min(bench.runs, bench.uri_runs))
    return collection, baseline


def case_disable_without_wait(bench, count):
    """The same as disable-N without the verifying re-read (wait: false): the request floor of the API."""
    return bench.measure("disable-%d" % count, "collection, wait: false", reset(bench, vb365_jobs(count, True)),
                         HERE / "collection_disable_vb365.yml", bench.inventory(), extra_vars={"bench_wait": False})


def case_concurrency(bench, count, latency):
    """disable-N on a server that answers each request `latency` seconds late, for several write_concurrency values."""
    inventory = bench.inventory()
    return [bench.measure("latency-%d" % count, "write_concurrency %d" % workers, reset(bench, vb365_jobs(count, True), latency_seconds=latency),
                          HERE / "collection_disable_vb365.yml", inventory, extra_vars={"bench_write_concurrency": workers})
            for workers in (1, 4, 8)]


def case_noop(bench, count):
    inventory = bench.inventory()
    collection = bench.measure("noop-%d" % count, "collection", reset(bench, vb365_jobs(count, False)),
                               HERE / "collection_disable_vb365.yml", inventory)
    floor = bench.measure("noop-%d" % count, "ping floor", lambda: None, HERE / "ping.yml", inventory, requests_of=lambda: 0)
    return collection, floor


def case_vbr_disable(bench, count, label=None):
    """disable-N against Veeam Backup & Replication: the collection (with and without wait) and the uri baseline."""
    inventory = bench.inventory(vbr=True)
    label = label or "vbr-disable-%d" % count
    collection = bench.measure(label, "collection", reset(bench, vbr_jobs(count, True)), HERE / "collection_disable_vbr.yml", inventory)
    without_wait = bench.measure(label, "collection, wait: false", reset(bench, vbr_jobs(count, True)), HERE / "collection_disable_vbr.yml",
                                 inventory, extra_vars={"bench_wait": False})
    baseline = bench.measure(label, "uri baseline", reset(bench, vbr_jobs(count, True)), HERE / "uri_disable_vbr.yml", inventory,
                             runs=min(bench.runs, bench.uri_runs))
    return collection, without_wait, baseline


def case_vbr_noop(bench, count, label=None):
    """noop-N against Veeam Backup & Replication (every job already disabled) next to Ansible's floor."""
    inventory = bench.inventory(vbr=True)
    label = label or "vbr-noop-%d" % count
    collection = bench.measure(label, "collection", reset(bench, vbr_jobs(count, False)), HERE / "collection_disable_vbr.yml", inventory)
    floor = bench.measure(label, "ping floor", lambda: None, HERE / "ping.yml", inventory, requests_of=lambda: 0)
    return collection, floor


def reset(bench, scenario, **config):
    """A prepare step: the scenario, then its settings (a reset restores the default settings)."""
    def prepare():
        bench.sim.reset(scenario)
        if config:
            bench.sim.configure(**config)
    return prepare


def case_em(bench, count, fmt):
    inventory = bench.inventory(em=True, fmt=fmt)
    toggled = bench.measure("em-toggle-%d" % count, "collection %s" % fmt, reset(bench, em_jobs(count, True), em_task_seconds=0.2),
                            HERE / "collection_disable_em.yml", inventory)
    noop = bench.measure("em-noop-%d" % count, "collection %s" % fmt, reset(bench, em_jobs(count, False)),
                         HERE / "collection_disable_em.yml", inventory)
    return toggled, noop


DEFAULT_CASES = "disable-500,noop-500,vbr-disable-500,vbr-noop-500,em-toggle-200,latency-500,rss-5000,fleet-50x20,wait-latency,scaling"
FLEET_SERVERS, FLEET_JOBS, FLEET_FORKS = 50, 20, 10
# A round trip to a real server across a network, for the write_concurrency case.
LATENCY_SECONDS = 0.02


def case_fleet(runs, uri_runs, workdir):
    """50 VB365 servers x 20 jobs: maintenance_begin.yml then maintenance_end.yml with forks 10, against the uri baseline of the same."""
    import requests  # pylint: disable=import-outside-toplevel
    args = ["--vb365-jobs", str(FLEET_JOBS), "--em-jobs", "0", "--extra-vb365-ports", str(FLEET_SERVERS - 1)]
    with SimProcess(extra_args=args, state_dir=str(Path(workdir) / "fleet-sim")) as fleet:
        urls = [fleet.vb365_url] + list(fleet.extra_vb365_urls)
        bench = Bench(fleet, workdir, runs)
        inventory = bench.inventory(vb365_ports=[int(url.rstrip("/").rsplit(":", 1)[1]) for url in urls])
        records = Path(workdir) / "records"

        def control(method, path, payload=None):
            return [requests.request(method, url + "_sim/" + path, json=payload, verify=fleet.ca_path, timeout=30) for url in urls]

        def window(variant, begin, end, extra_vars, runs):
            walls, requests_sent, rss = [], [], []
            for _run in range(runs):
                control("POST", "reset", {"generate": {"vb365_jobs": FLEET_JOBS, "em_jobs": 0, "enabled": True}, "vb365": {"jobs": []}, "em": {"jobs": []}})
                control("DELETE", "requests")
                if records.exists():
                    for record in records.iterdir():
                        record.unlink()
                records.mkdir(exist_ok=True)
                begin_wall, begin_rss = bench.playbook(begin, inventory, FLEET_FORKS, dict(extra_vars, window_action="begin"))
                disabled = sum(1 for answer in control("GET", "state") for job in answer.json()["vb365"]["jobs"] if not job["isEnabled"])
                end_wall, end_rss = bench.playbook(end, inventory, FLEET_FORKS, dict(extra_vars, window_action="end"))
                enabled = sum(1 for answer in control("GET", "state") for job in answer.json()["vb365"]["jobs"] if job["isEnabled"])
                if disabled != FLEET_SERVERS * FLEET_JOBS or enabled != FLEET_SERVERS * FLEET_JOBS:
                    raise SystemExit("fleet %s: %d disabled during, %d enabled after; expected %d" % (variant, disabled, enabled, FLEET_SERVERS * FLEET_JOBS))
                walls.append(begin_wall + end_wall)
                rss.append(max(begin_rss, end_rss))
                requests_sent.append(sum(len(answer.json()["requests"]) for answer in control("GET", "requests")))
            row = dict(case="fleet-50x20", variant=variant, wall_s=round(statistics.median(walls), 3), requests=int(statistics.median(requests_sent)),
                       peak_rss_mb=round(max(rss), 1), runs=runs)
            print("  %-18s %-24s %8.2f s %8d requests %7.1f MB" % (row["case"], variant, row["wall_s"], row["requests"], row["peak_rss_mb"]), flush=True)
            return row

        playbooks = REPO / "playbooks"
        return [window("collection", playbooks / "maintenance_begin.yml", playbooks / "maintenance_end.yml",
                       {"maintenance_window_record_dir": str(records)}, runs),
                window("uri baseline", HERE / "uri_fleet_window.yml", HERE / "uri_fleet_window.yml", {"record_dir": str(records)}, min(runs, uri_runs))]


def check_smoke(bench):
    """Request-count invariants at tiny N (run by `make test`): no timing is asserted."""
    failures = []

    def expect(row, wanted, why):
        if row["requests"] != wanted:
            failures.append("%s %s: %d requests, expected %d (%s)" % (row["case"], row["variant"], row["requests"], wanted, why))

    for count in (3, 12):
        collection, baseline = case_disable(bench, count, "smoke-disable-%d" % count)
        expect(collection, count + 4, "token, list, a POST per job, the verifying re-read, logout")
        expect(baseline, count + 3, "token, list, a POST per job, logout")
        expect(case_disable_without_wait(bench, count), count + 3, "token, list, a POST per job, logout")
        expect(case_noop(bench, count)[0], 3, "token, list, logout")
        expect(case_em(bench, count, "json")[1], 4, "logon, jobs query, sessions query, logoff")
    failures += check_smoke_vbr(bench)
    return failures


def vbr_requests(count, pages, wait=True):
    """The requests of a VBR disable-N (count jobs to change; pages: the read pages of each list, 1,000 jobs a page)."""
    reads = 2 * pages * (2 if wait else 1)  # jobs and job states; read again to verify with wait
    expected = {"POST /api/oauth2/token": 1, "GET /api/v1/jobs": reads // 2, "GET /api/v1/jobs/states": reads // 2, "POST /api/oauth2/logout": 1}
    if count:
        expected["POST /api/v1/jobs/{id}/disable"] = count
    return expected


def check_smoke_vbr(bench):
    """VBR at tiny N: every request counted by endpoint. With N <= 1,000 each list is one page."""
    failures = []

    def expect(row, wanted, why):
        counts = dict((key, value) for key, value in bench.sim.counts().items() if value)
        if row["requests"] != sum(wanted.values()) or counts != wanted:
            failures.append("%s %s: %d requests %s, expected %d %s (%s)" % (
                row["case"], row["variant"], row["requests"], counts, sum(wanted.values()), wanted, why))

    for count in (3, 12):
        label = "smoke-vbr-disable-%d" % count
        inventory = bench.inventory(vbr=True)
        expect(bench.measure(label, "collection", reset(bench, vbr_jobs(count, True)), HERE / "collection_disable_vbr.yml", inventory),
               vbr_requests(count, 1), "N + 6: token, jobs + states, a POST per job, the verifying jobs + states, logout")
        expect(bench.measure(label, "collection, wait: false", reset(bench, vbr_jobs(count, True)), HERE / "collection_disable_vbr.yml",
                             inventory, extra_vars={"bench_wait": False}),
               vbr_requests(count, 1, wait=False), "N + 4: token, jobs + states, a POST per job, logout")
        expect(bench.measure(label, "uri baseline", reset(bench, vbr_jobs(count, True)), HERE / "uri_disable_vbr.yml", inventory),
               {"POST /api/oauth2/token": 1, "GET /api/v1/jobs": 1, "POST /api/v1/jobs/{id}/disable": count, "POST /api/oauth2/logout": 1},
               "N + 3: token, one page of jobs, a POST per job, logout")
        expect(bench.measure("smoke-vbr-noop-%d" % count, "collection", reset(bench, vbr_jobs(count, False)),
                             HERE / "collection_disable_vbr.yml", inventory), vbr_requests(0, 1, wait=False),
               "4: token, jobs + states, logout")
    # Past one page (1,000 jobs): reads grow by a page per list and per read; nothing to change, so no writes.
    inventory = bench.inventory(vbr=True)
    expect(bench.measure("smoke-vbr-noop-1001", "collection", reset(bench, vbr_jobs(1001, False)), HERE / "collection_disable_vbr.yml",
                         inventory), vbr_requests(0, 2, wait=False), "6: token, 2 pages of jobs + 2 of states, logout")
    expect(bench.measure("smoke-vbr-noop-1001", "uri baseline", reset(bench, vbr_jobs(1001, False)), HERE / "uri_disable_vbr.yml", inventory),
           {"POST /api/oauth2/token": 1, "GET /api/v1/jobs": 2, "POST /api/oauth2/logout": 1}, "4: token, 2 pages of jobs, logout")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per case; the median is reported (default 3)")
    parser.add_argument("--cases", default=DEFAULT_CASES,
                        help="comma-separated cases (default: %(default)s)")
    parser.add_argument("--uri-runs", type=int, default=1,
                        help="runs per uri baseline measurement (default 1: it is the slow side, and its spread is small next to the gap)")
    parser.add_argument("--scaling", default="10,50,200,500,2000", help="job counts of the scaling case")
    parser.add_argument("--scaling-runs", type=int, default=1, help="runs per point of the scaling case (default 1: the uri baseline is slow)")
    parser.add_argument("--smoke", action="store_true", help="tiny N, assert request-count invariants, exit non-zero on a violation")
    parser.add_argument("--output", default=str(HERE / "results"), help="directory for results.json and scaling.png")
    parser.add_argument("--merge", action="store_true",
                        help="keep the rows of an existing results.json and replace only the cases measured now (same case and variant)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir, SimProcess(state_dir=workdir) as sim:
        bench = Bench(sim, workdir, 1 if args.smoke else args.runs)
        bench.uri_runs = args.uri_runs
        print("%-20s %-24s %10s %17s %10s" % ("case", "variant", "wall", "requests", "peak RSS"))
        if args.smoke:
            failures = check_smoke(bench)
            print("\n".join(failures) or "smoke: request-count invariants hold")
            return 1 if failures else 0
        cases = args.cases.split(",")
        scaling = []
        for case in cases:
            if case.startswith("vbr-disable-"):
                case_vbr_disable(bench, int(case.split("-")[2]))
            elif case.startswith("vbr-noop-"):
                case_vbr_noop(bench, int(case.split("-")[2]))
            elif case.startswith("disable-"):
                case_disable(bench, int(case.split("-")[1]))
                case_disable_without_wait(bench, int(case.split("-")[1]))
            elif case.startswith("latency-"):
                case_concurrency(bench, int(case.split("-")[1]), LATENCY_SECONDS)
            elif case.startswith("rss-"):
                bench.measure(case, "collection", reset(bench, vb365_jobs(int(case.split("-")[1]), True)),
                              HERE / "collection_disable_vb365.yml", bench.inventory())
            elif case.startswith("noop-"):
                case_noop(bench, int(case.split("-")[1]))
            elif case.startswith("em-toggle-"):
                for fmt in ("xml", "json"):
                    case_em(bench, int(case.split("-")[2]), fmt)
            elif case == "wait-latency":
                case_wait_latency(bench)
            elif case == "fleet-50x20":
                bench.rows.extend(case_fleet(bench.runs, bench.uri_runs, workdir))
            elif case == "scaling":
                bench.runs = args.scaling_runs
                for count in [int(n) for n in args.scaling.split(",")]:
                    # A disable-N measured earlier in this run is the same experiment: reuse it rather than wait for uri twice.
                    earlier = [row for row in bench.rows if row["case"] == "disable-%d" % count and row["variant"] in ("collection", "uri baseline")]
                    scaling.append((count,) + (tuple(earlier) if len(earlier) == 2 else case_disable(bench, count, "scaling-%d" % count)))
        output = Path(args.output)
        output.mkdir(parents=True, exist_ok=True)
        rows = merged(output / "results.json", bench.rows) if args.merge else bench.rows
        (output / "results.json").write_text(json.dumps(dict(machine=machine(), rows=rows), indent=2) + "\n")
        if scaling:
            plot(scaling, output / "scaling.png")
        print("results written to %s" % output)
    return 0


def case_wait_latency(bench):
    """Module return time minus the simulator's task duration, measured differentially on one toggle."""
    inventory = bench.inventory(em=True)
    rows = {}
    for seconds in (0.0, 3.0):
        rows[seconds] = bench.measure("wait-latency", "task %.0f s" % seconds, reset(bench, em_jobs(1, True), em_task_seconds=seconds),
                                      HERE / "collection_disable_em.yml", inventory)
    latency = rows[3.0]["wall_s"] - rows[0.0]["wall_s"] - 3.0
    bench.rows.append(dict(case="wait-latency", variant="latency after task end", wall_s=round(latency, 3), requests=0, peak_rss_mb=0, runs=bench.runs))
    print("  %-14s %-22s %8.2f s (wait_sleep 1 s)" % ("wait-latency", "after task end", latency))


def merged(path, rows):
    """The rows of an earlier results.json with those measured now in place of the same case and variant, new ones at the end."""
    earlier = json.loads(path.read_text())["rows"] if path.exists() else []
    fresh = dict(((row["case"], row["variant"]), row) for row in rows)
    kept = [fresh.pop((row["case"], row["variant"]), row) for row in earlier]
    return kept + [row for row in rows if (row["case"], row["variant"]) in fresh]


def machine():
    import platform  # pylint: disable=import-outside-toplevel
    return dict(cpus=os.cpu_count(), python=platform.python_version(), system=platform.platform())


def plot(scaling, path):
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)")
        return
    counts = [row[0] for row in scaling]
    figure, (walls, requests) = plt.subplots(1, 2, figsize=(11, 4.2))
    for index, label in ((1, "backupops.veeam"), (2, "ansible.builtin.uri")):
        walls.plot(counts, [row[index]["wall_s"] for row in scaling], marker="o", label=label)
        requests.plot(counts, [row[index]["requests"] for row in scaling], marker="o", label=label)
    for axis, title in ((walls, "wall seconds"), (requests, "HTTP requests")):
        axis.set_xlabel("jobs disabled")
        axis.set_title(title)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure.suptitle("disable-N on one VB365 server (simulator, %d cores)" % os.cpu_count())
    figure.tight_layout()
    figure.savefig(str(path), dpi=110)


if __name__ == "__main__":
    sys.exit(main())
