"""Benchmark: the collection against the plain ansible.builtin.uri way and against Ansible's own floor.

Starts the simulator with generated scenarios, runs each case a few times with real ansible-playbook runs and prints
a table (median wall seconds, HTTP requests counted by the simulator, peak RSS of the module processes), writes the
results as JSON and draws the scaling curves as PNGs (scaling.png, fleet.png; with matplotlib installed).

The fleet case runs the maintenance window (playbooks/maintenance_begin.yml, then maintenance_end.yml) over N simulated
VB365 servers of 20 jobs each, for each N of --fleet-servers and each --fleet-forks value, and the uri baseline at
--fleet-uri-servers; rows fleet-<N>x20, variants "collection forks <F>" and "uri forks <F>".

    .venv/bin/python tests/benchmark/bench.py [--runs 3] [--cases disable-500,noop-500,...] [--smoke] [--merge]
    .venv/bin/python tests/benchmark/bench.py --cases fleet --runs 1 --fleet-servers 3,6 --fleet-forks 2,4 --fleet-uri-servers 3
"""

import argparse
import json
import os
import resource
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
        # No module process (the maintenance_window action runs in the controller): the largest process of the
        # ansible-playbook tree instead (Linux keeps the largest descendant's peak for RUSAGE_CHILDREN).
        return wall, (max(rss) if rss else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024.0

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
    """count backup jobs, each with a backup copy job: the job module's default (job_kind backup) must not pay for them."""
    return {"generate": {"vb365_jobs": count, "vb365_copy_jobs": count, "em_jobs": 0, "enabled": enabled},
            "vb365": {"jobs": [], "copy_jobs": []}, "em": {"jobs": []}}


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


def case_copy_disable(bench, count):
    """disable-N with job_kind all: the N backup jobs and their N backup copy jobs."""
    return bench.measure("copy-disable-%d" % count, "collection, job_kind all", reset(bench, vb365_jobs(count, True)),
                         HERE / "collection_disable_vb365.yml", bench.inventory(), extra_vars={"bench_job_kind": "all"})


def case_concurrency(bench, count, latency):
    """disable-N on a server that answers each request `latency` seconds late, for several write_concurrency values."""
    inventory = bench.inventory()
    return [bench.measure("latency-%d" % count, "write_concurrency %d" % workers, reset(bench, vb365_jobs(count, True), latency_seconds=latency),
                          HERE / "collection_disable_vb365.yml", inventory, extra_vars={"bench_write_concurrency": workers})
            for workers in (1, 4, 8)]


def case_noop(bench, count):
    return against_floor(bench, "noop-%d" % count, reset(bench, vb365_jobs(count, False)), HERE / "collection_disable_vb365.yml",
                         bench.inventory())


def against_floor(bench, case, prepare, playbook, inventory):
    """A case and the ping floor measured in interleaved pairs (case, ping, case, ping, ...).

    The load of a shared machine moves both runs of a pair alike, so the median of the pair ratios (the collection row's
    `floor_ratio`) is steadier than the ratio of two medians taken minutes apart; both medians are reported too.
    """
    walls, floors, requests, rss = [], [], [], []
    load_before = round(os.getloadavg()[0], 2)
    for _run in range(bench.runs):
        prepare()
        bench.sim.clear_requests()
        wall, peak = bench.playbook(playbook, inventory)
        requests.append(len(bench.sim.requests()["requests"]))
        floor, _peak = bench.playbook(HERE / "ping.yml", inventory)
        walls.append(wall)
        floors.append(floor)
        rss.append(peak)
    ratios = [wall / floor for wall, floor in zip(walls, floors)]
    collection = dict(case=case, variant="collection", wall_s=round(statistics.median(walls), 3), requests=int(statistics.median(requests)),
                      peak_rss_mb=round(max(rss), 1), runs=bench.runs, load_1m=load_before, floor_ratio=round(statistics.median(ratios), 3),
                      floor_ratio_range=[round(min(ratios), 3), round(max(ratios), 3)])
    floor = dict(case=case, variant="ping floor", wall_s=round(statistics.median(floors), 3), requests=0, peak_rss_mb=0.0, runs=bench.runs,
                 load_1m=load_before)
    bench.rows.extend([collection, floor])
    for row in (collection, floor):
        print("  %-18s %-24s %8.2f s %8d requests %7.1f MB" % (case, row["variant"], row["wall_s"], row["requests"], row["peak_rss_mb"]), flush=True)
    print("  %-18s %-24s %8.2fx (pairs: %.2f-%.2f)" % (case, "floor ratio, median", collection["floor_ratio"], min(ratios), max(ratios)), flush=True)
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
    return against_floor(bench, label or "vbr-noop-%d" % count, reset(bench, vbr_jobs(count, False)), HERE / "collection_disable_vbr.yml",
                         bench.inventory(vbr=True))


BENCH_SOBR = "Bench SOBR"


def vbr_infrastructure(extents, proxies, maintenance=False, disabled=False):
    """One VBR server without jobs: one scale-out repository of `extents` extents (in maintenance or not) and `proxies`
    proxies (disabled or not), with the configuration backup every server has."""
    extent_names = infra_names("Bench Extent %04d", extents)
    return {"generate": {"vb365_jobs": 0, "em_jobs": 0, "vbr_jobs": 0}, "vb365": {"jobs": []}, "em": {"jobs": []},
            "vbr": {"jobs": [], "repositories": [{"name": "Default Backup Repository"}] + [{"name": name} for name in extent_names],
                    "scale_out_repositories": [{"name": BENCH_SOBR, "extents": [{"name": name, "maintenance": maintenance} for name in extent_names]}],
                    "proxies": [{"name": name, "disabled": disabled} for name in infra_names("bench-proxy-%04d.backupops.local", proxies)],
                    "config_backup": {"repository": "Default Backup Repository"}}}


def infra_names(pattern, count):
    return [pattern % number for number in range(1, count + 1)]


def case_vbr_infrastructure(bench, extents, proxies, variants=("change", "noop", "wait: false"), maintenance_seconds=0.3):
    """veeam_vbr_extent putting `extents` extents of one SOBR into maintenance, and veeam_vbr_proxy disabling `proxies` proxies:
    a change, a no-op (already so) and the change with wait: false. {(object, variant): row}; each row keeps the requests of
    its last run by endpoint (`by_endpoint`)."""
    inventory = bench.inventory(vbr=True)
    rows = {}
    for variant in variants:
        done = variant == "noop"
        extra = {"bench_wait": False} if variant == "wait: false" else {}
        rows[("extent", variant)] = bench.measure(
            "vbr-extent-%d" % extents, "collection " + variant,
            reset(bench, vbr_infrastructure(extents, 0, maintenance=done), vbr_maintenance_seconds=maintenance_seconds),
            HERE / "collection_extent_vbr.yml", inventory,
            extra_vars=dict(extra, bench_sobr=BENCH_SOBR, bench_extents=infra_names("Bench Extent %04d", extents)))
        rows[("extent", variant)]["by_endpoint"] = requests_by_endpoint(bench)
        rows[("proxy", variant)] = bench.measure(
            "vbr-proxy-%d" % proxies, "collection " + variant, reset(bench, vbr_infrastructure(1, proxies, disabled=done)),
            HERE / "collection_proxy_vbr.yml", inventory,
            extra_vars=dict(extra, bench_proxies=infra_names("bench-proxy-%04d.backupops.local", proxies)))
        rows[("proxy", variant)]["by_endpoint"] = requests_by_endpoint(bench)
    return rows


def requests_by_endpoint(bench):
    return dict((key, value) for key, value in bench.sim.counts().items() if value)


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


DEFAULT_CASES = "disable-500,copy-disable-500,noop-500,vbr-disable-500,vbr-noop-500,vbr-infra-20,em-toggle-200,latency-500,rss-5000,fleet,wait-latency,scaling"
# The fleet case: maintenance_begin.yml then maintenance_end.yml over N VB365 servers of FLEET_JOBS jobs each, for each N and forks value.
FLEET_JOBS = 20
FLEET_SERVERS, FLEET_FORKS, FLEET_URI_SERVERS = "10,50,200,500", "10,50", "10,50"
# Threads that call the fleet's /_sim/ control API (resets, states, request logs), each over keep-alive connections to its share of the servers.
FLEET_CONTROL_THREADS = 8
# A round trip to a real server across a network, for the write_concurrency case.
LATENCY_SECONDS = 0.02


class FleetControl(object):
    """The /_sim/ control API of every server of a fleet, called in parallel: the servers are split between a few threads,
    each with one keep-alive session (one connection per server), so that 500 resets take a fraction of a second."""

    def __init__(self, urls, ca_path, threads=FLEET_CONTROL_THREADS):
        import requests  # pylint: disable=import-outside-toplevel
        from requests.adapters import HTTPAdapter  # pylint: disable=import-outside-toplevel
        from concurrent.futures import ThreadPoolExecutor  # pylint: disable=import-outside-toplevel
        self.urls = list(urls)
        self.shares = [self.urls[index::threads] for index in range(min(threads, len(self.urls)))]
        self.sessions = []
        for share in self.shares:
            session = requests.Session()
            session.trust_env = False  # never through a proxy from the environment
            session.verify = ca_path if ca_path else True
            adapter = HTTPAdapter(pool_connections=len(share), pool_maxsize=1)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self.sessions.append(session)
        self.pool = ThreadPoolExecutor(len(self.shares))

    def call(self, method, path, payload=None):
        """Every server's JSON answer to one control request (in no particular order); SystemExit on an error."""
        def share_of(index):
            answers = []
            for url in self.shares[index]:
                response = self.sessions[index].request(method, url + "_sim/" + path, json=payload, timeout=60)
                if response.status_code != 200:
                    raise SystemExit("%s %s_sim/%s -> HTTP %d: %s" % (method, url, path, response.status_code, response.text[:300]))
                answers.append(response.json())
            return answers
        return [answer for answers in self.pool.map(share_of, range(len(self.shares))) for answer in answers]

    def jobs(self, enabled):
        """How many jobs of the whole fleet are enabled (or disabled)."""
        return sum(1 for state in self.call("GET", "state") for job in state["vb365"]["jobs"] if bool(job["isEnabled"]) == enabled)

    def requests(self):
        return sum(len(answer["requests"]) for answer in self.call("GET", "requests"))

    def close(self):
        self.pool.shutdown()
        for session in self.sessions:
            session.close()


def case_fleet(bench_args, workdir):
    """maintenance_begin.yml then maintenance_end.yml over N VB365 servers x FLEET_JOBS jobs, for each N of --fleet-servers and
    each forks value of --fleet-forks, against the uri baseline of the same at --fleet-uri-servers. One simulator per N."""
    servers, uri_servers = numbers(bench_args.fleet_servers), numbers(bench_args.fleet_uri_servers)
    rows = []
    for count in sorted(set(servers) | set(uri_servers)):
        args = ["--vb365-jobs", str(FLEET_JOBS), "--em-jobs", "0", "--extra-vb365-ports", str(count - 1)]
        with SimProcess(extra_args=args, state_dir=str(Path(workdir) / ("fleet-sim-%d" % count)), start_timeout=120) as fleet:
            bench = Bench(fleet, workdir, bench_args.runs)
            control = FleetControl([fleet.vb365_url] + list(fleet.extra_vb365_urls), fleet.ca_path)
            try:
                inventory = bench.inventory(vb365_ports=[fleet.vb365_port] + list(fleet.info["extra_vb365_ports"]))
                for forks in numbers(bench_args.fleet_forks):
                    if count in servers:
                        rows.append(fleet_window(bench, control, inventory, count, forks, "collection", bench_args.runs))
                    if count in uri_servers:
                        rows.append(fleet_window(bench, control, inventory, count, forks, "uri", min(bench_args.runs, bench_args.uri_runs)))
            finally:
                control.close()
    print_fleet_table(rows)
    return rows


def fleet_window(bench, control, inventory, count, forks, kind, runs):
    """One row: the median over `runs` of a maintenance window (begin, then end) over `count` servers with `forks` forks."""
    records = bench.workdir / "records"
    if kind == "collection":
        begin, end = REPO / "playbooks" / "maintenance_begin.yml", REPO / "playbooks" / "maintenance_end.yml"
        extra_vars = {"maintenance_window_record_dir": str(records)}
    else:
        begin = end = HERE / "uri_fleet_window.yml"
        extra_vars = {"record_dir": str(records)}
    expected = count * FLEET_JOBS
    load_before = round(os.getloadavg()[0], 2)
    begins, ends, requests_sent, rss = [], [], [], []
    for _run in range(runs):
        control.call("POST", "reset", {"generate": {"vb365_jobs": FLEET_JOBS, "em_jobs": 0, "enabled": True}, "vb365": {"jobs": []}, "em": {"jobs": []}})
        control.call("DELETE", "requests")
        if records.exists():
            for record in records.iterdir():
                record.unlink()
        records.mkdir(exist_ok=True)
        begin_wall, begin_rss = bench.playbook(begin, inventory, forks, dict(extra_vars, window_action="begin"))
        disabled = control.jobs(enabled=False)
        end_wall, end_rss = bench.playbook(end, inventory, forks, dict(extra_vars, window_action="end"))
        enabled = control.jobs(enabled=True)
        if disabled != expected or enabled != expected:
            raise SystemExit("fleet-%dx%d %s forks %d: %d disabled during, %d enabled after; expected %d" % (
                count, FLEET_JOBS, kind, forks, disabled, enabled, expected))
        begins.append(begin_wall)
        ends.append(end_wall)
        rss.append(max(begin_rss, end_rss))
        requests_sent.append(control.requests())
    row = dict(case="fleet-%dx%d" % (count, FLEET_JOBS), variant="%s forks %d" % (kind, forks),
               wall_s=round(statistics.median([b + e for b, e in zip(begins, ends)]), 3),
               begin_s=round(statistics.median(begins), 3), end_s=round(statistics.median(ends), 3),
               requests=int(statistics.median(requests_sent)), peak_rss_mb=round(max(rss), 1), runs=runs, load_1m=load_before,
               servers=count, jobs_per_server=FLEET_JOBS, forks=forks)
    print("  %-18s %-24s %8.2f s %8d requests %7.1f MB   (begin %.2f s + end %.2f s)" % (
        row["case"], row["variant"], row["wall_s"], row["requests"], row["peak_rss_mb"], row["begin_s"], row["end_s"]), flush=True)
    return row


def fleet_points(rows, kind):
    """{forks: [(servers, row), ...] by servers} for the collection or uri rows of the fleet case."""
    points = {}
    for row in rows:
        if row["variant"].startswith(kind + " forks "):
            points.setdefault(row["forks"], []).append((row["servers"], row))
    return dict((forks, sorted(pairs, key=lambda pair: pair[0])) for forks, pairs in sorted(points.items()))


def print_fleet_table(rows):
    """Per N and forks: the collection's and the uri baseline's begin + end wall seconds and their ratio."""
    uri = dict(((row["servers"], row["forks"]), row) for row in rows if row["variant"].startswith("uri "))
    print("\nfleet: maintenance begin + end, %d jobs per server, median wall seconds (%d cores)" % (FLEET_JOBS, os.cpu_count()))
    print("  %7s %5s %13s %10s %7s %14s %14s" % ("servers", "forks", "collection s", "uri s", "ratio", "coll. requests", "uri requests"))
    for row in sorted((row for row in rows if row["variant"].startswith("collection ")), key=lambda row: (row["servers"], row["forks"])):
        baseline = uri.pop((row["servers"], row["forks"]), None)
        print("  %7d %5d %13.2f %10s %7s %14d %14s" % (
            row["servers"], row["forks"], row["wall_s"], "%.2f" % baseline["wall_s"] if baseline else "-",
            "%.1fx" % (baseline["wall_s"] / row["wall_s"]) if baseline and row["wall_s"] else "-", row["requests"],
            baseline["requests"] if baseline else "-"))
    for (servers, forks), baseline in sorted(uri.items()):
        print("  %7d %5d %13s %10.2f %7s %14s %14d" % (servers, forks, "-", baseline["wall_s"], "-", "-", baseline["requests"]))


def numbers(text):
    return [int(part) for part in str(text).split(",") if part.strip()]


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
        expect(case_copy_disable(bench, count), 2 * count + 6, "token, both lists, a POST per backup job and copy job, both re-read, logout")
        expect(case_em(bench, count, "json")[1], 4, "logon, jobs query, sessions query, logoff")
    failures += check_smoke_vbr(bench)
    failures += check_smoke_vbr_infrastructure(bench)
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


SOBRS = "/api/v1/backupInfrastructure/scaleOutRepositories"
PROXIES = "/api/v1/backupInfrastructure/proxies"


def infra_requests(reads, writes=None, polls=0, warning_read=False):
    """The requests of an infrastructure run by endpoint: a token, `reads` of the objects' list (the read, and the verifying
    re-read with wait), `writes` ({endpoint: count}), `polls` of the maintenance session, the read of the SOBR's jobs that a
    maintenance warning needs, a logout."""
    expected = dict({"POST /api/oauth2/token": 1, "POST /api/oauth2/logout": 1}, **reads)
    expected.update(writes or {})
    if polls:
        expected["GET /api/v1/sessions/{id}"] = polls
    if warning_read:
        expected["GET /api/v1/jobs/states"] = 1
    return expected


def check_smoke_vbr_infrastructure(bench, count=20):
    """The infrastructure modules (issue 31) at 20 objects, counted by endpoint: one write per change group for extents (one
    POST for the 20 extents of one SOBR, its session polled once: the simulator ends it at once here), one POST per proxy, and
    reads that grow with pages, not objects (1,001 proxies: two pages of states; 1,001 extents: still one SOBR page)."""
    failures = []

    def expect(row, wanted, why):
        if row["requests"] != sum(wanted.values()) or row["by_endpoint"] != wanted:
            failures.append("%s %s: %d requests %s, expected %d %s (%s)" % (
                row["case"], row["variant"], row["requests"], row["by_endpoint"], sum(wanted.values()), wanted, why))

    rows = case_vbr_infrastructure(bench, count, count, maintenance_seconds=0)
    sobr_write = {"POST %s/{id}/enableMaintenanceMode" % SOBRS: 1}
    proxy_writes = {"POST %s/{id}/disable" % PROXIES: count}
    expect(rows[("extent", "change")], infra_requests({"GET " + SOBRS: 2}, sobr_write, polls=1, warning_read=True),
           "7: token, SOBRs, the SOBR's jobs (warning), one POST for all extents, one session poll, SOBRs re-read, logout")
    expect(rows[("extent", "wait: false")], infra_requests({"GET " + SOBRS: 1}, sobr_write, warning_read=True),
           "5: token, SOBRs, the SOBR's jobs (warning), one POST for all extents, logout")
    expect(rows[("extent", "noop")], infra_requests({"GET " + SOBRS: 1}), "3: token, SOBRs, logout")
    expect(rows[("proxy", "change")], infra_requests({"GET %s/states" % PROXIES: 2}, proxy_writes),
           "N + 4: token, proxy states, a POST per proxy, proxy states re-read, logout")
    expect(rows[("proxy", "wait: false")], infra_requests({"GET %s/states" % PROXIES: 1}, proxy_writes),
           "N + 3: token, proxy states, a POST per proxy, logout")
    expect(rows[("proxy", "noop")], infra_requests({"GET %s/states" % PROXIES: 1}), "3: token, proxy states, logout")
    paged = case_vbr_infrastructure(bench, 1001, 1001, variants=("noop",))
    expect(paged[("extent", "noop")], infra_requests({"GET " + SOBRS: 1}), "3: the extents come inside their SOBR's model")
    expect(paged[("proxy", "noop")], infra_requests({"GET %s/states" % PROXIES: 2}), "4: two pages of proxy states")
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
    parser.add_argument("--fleet-servers", default=FLEET_SERVERS, help="server counts N of the fleet case (default %(default)s)")
    parser.add_argument("--fleet-forks", default=FLEET_FORKS, help="forks of the fleet case, each at every N (default %(default)s)")
    parser.add_argument("--fleet-uri-servers", default=FLEET_URI_SERVERS,
                        help="server counts of the fleet case's uri baseline, at the same forks (default %(default)s; it is the slow side)")
    parser.add_argument("--smoke", action="store_true", help="tiny N, assert request-count invariants, exit non-zero on a violation")
    parser.add_argument("--output", default=str(HERE / "results"), help="directory for results.json, scaling.png and fleet.png")
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
        scaling, fleet = [], []
        for case in cases:
            if case.startswith("vbr-disable-"):
                case_vbr_disable(bench, int(case.split("-")[2]))
            elif case.startswith("vbr-noop-"):
                case_vbr_noop(bench, int(case.split("-")[2]))
            elif case.startswith("vbr-infra-"):
                case_vbr_infrastructure(bench, int(case.split("-")[2]), int(case.split("-")[2]))
            elif case.startswith("disable-"):
                case_disable(bench, int(case.split("-")[1]))
                case_disable_without_wait(bench, int(case.split("-")[1]))
            elif case.startswith("copy-disable-"):
                case_copy_disable(bench, int(case.split("-")[2]))
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
            elif case in ("fleet", "fleet-50x20"):  # fleet-50x20: its name before it measured more than 50 servers
                fleet = case_fleet(args, workdir)
                bench.rows.extend(fleet)
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
        if fleet:
            plot_fleet(fleet, output / "fleet.png")
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


def pyplot():
    """matplotlib's pyplot drawing to files, or None (with a message) where matplotlib is not installed."""
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)")
        return None
    return plt


def plot(scaling, path):
    plt = pyplot()
    if plt is None:
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


def plot_fleet(rows, path):
    """Wall seconds (begin + end) and requests against the number of servers: a line per forks value, collection and uri."""
    plt = pyplot()
    if plt is None:
        return
    from matplotlib.ticker import LogFormatter, NullFormatter, ScalarFormatter  # pylint: disable=import-outside-toplevel
    figure, (walls, requests) = plt.subplots(1, 2, figsize=(11, 4.2))
    colours = dict((forks, "C%d" % index) for index, forks in enumerate(sorted(set(row["forks"] for row in rows))))
    for kind, label, style in (("collection", "backupops.veeam", "-"), ("uri", "ansible.builtin.uri", "--")):
        for forks, points in fleet_points(rows, kind).items():
            counts = [servers for servers, _row in points]
            for axis, key in ((walls, "wall_s"), (requests, "requests")):
                axis.plot(counts, [row[key] for _servers, row in points], style, color=colours[forks], marker="o", label="%s, forks %d" % (label, forks))
    for axis, title in ((walls, "wall seconds, begin + end"), (requests, "HTTP requests")):
        axis.set_xlabel("VB365 servers")
        axis.set_title(title)
        axis.set_xscale("log")
        axis.set_yscale("log")
        # Ticks at the measured N; plain numbers (20, 50, 200) rather than 2 x 10^1 on both axes.
        axis.set_xticks(sorted(set(row["servers"] for row in rows)))
        axis.xaxis.set_major_formatter(ScalarFormatter())
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.yaxis.set_major_formatter(LogFormatter())
        axis.yaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.4)))
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize="small")
    figure.suptitle("maintenance window over N VB365 servers x %d jobs each (simulator, %d cores)" % (FLEET_JOBS, os.cpu_count()))
    figure.tight_layout()
    figure.savefig(str(path), dpi=110)
    print("fleet plot written to %s" % path)


if __name__ == "__main__":
    sys.exit(main())
