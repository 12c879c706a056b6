"""What the integration tests share: running ansible-playbook (Ansible, PlaybookRun) and the playbooks of playbooks/ through
ansible-runner (Window, Run), reading the simulator's jobs (snapshot, enabled, names, writes_mentioning) and its request log
(requests_of, matching, toggles, logons, logoffs, accepted, job_id_of).

The fixtures built on them (ansible, window, collections_path, and the simulator's sim) are in conftest.py; test files import
from here, never from each other or from conftest. This directory has no __init__.py: pytest's default import mode (prepend)
puts it on sys.path when it imports conftest.py and the test files, so `from helpers import ...` works in every one of them.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import ansible_runner
import yaml

REPO = Path(__file__).resolve().parents[2]
# `make compat` points this at a virtualenv with the oldest ansible-core the collection supports;
# its python runs the modules too, so it must have requests and xmltodict.
ANSIBLE_BIN = Path(os.environ.get("ANSIBLE_BIN_DIR") or Path(sys.executable).parent)
# The playbooks of playbooks/ (ansible-runner, Window) always run with this virtualenv's ansible-core.
PLAYBOOKS = REPO / "playbooks"
BIN = Path(sys.executable).parent
HOSTS = ("vb365-sim", "em-sim", "vbr-sim")


class PlaybookRun:
    """The outcome of one ansible-playbook run: exit code, output and each task's result in order."""

    def __init__(self, completed, results_file):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.results = [json.loads(line) for line in results_file.read_text().splitlines()] if results_file.exists() else []

    @property
    def result(self):
        """The last task's result."""
        return self.results[-1]

    def __repr__(self):
        return "PlaybookRun(rc=%s, stdout=%s, stderr=%s)" % (self.rc, self.stdout[-3000:], self.stderr[-2000:])


class Ansible:
    """Writes a one-play playbook whose module_defaults point both action groups at the simulator, and runs it."""

    def __init__(self, simulator, collections, workdir):
        self.sim = simulator
        self.collections = collections
        self.workdir = workdir
        self.count = 0

    def connection(self, api):
        port = getattr(self.sim, "%s_port" % api)
        return dict(server=self.sim.host, port=port, username=self.sim.username, password=self.sim.password, ca_path=self.sim.ca_path)

    def env(self, results_file, extra=None):
        env = dict(os.environ)
        env.update(
            ANSIBLE_COLLECTIONS_PATH=str(self.collections),
            ANSIBLE_PYTHON_INTERPRETER=str(ANSIBLE_BIN / "python"),
            ANSIBLE_CALLBACK_PLUGINS=str(Path(__file__).parent / "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="record_results",
            RECORD_RESULTS_FILE=str(results_file),
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_NOCOLOR="true",
            ANSIBLE_RETRY_FILES_ENABLED="false",
        )
        env.update(extra or {})
        return env

    def run(self, tasks, check=False, diff=False, env=None, defaults=True, verbosity=0, extra_args=(), inventory="localhost,", hosts="localhost"):
        self.count += 1
        play = dict(hosts=hosts, connection="local", gather_facts=False, tasks=tasks)
        if defaults:
            play["module_defaults"] = {"group/backupops.veeam.vb365": self.connection("vb365"),
                                       "group/backupops.veeam.em": self.connection("em"),
                                       "group/backupops.veeam.vbr": self.connection("vbr")}
        path = self.workdir / ("playbook-%d.yml" % self.count)
        path.write_text(yaml.safe_dump([play], sort_keys=False))
        command = [str(ANSIBLE_BIN / "ansible-playbook"), "-i", str(inventory), str(path)]
        command += ["--check"] * check + ["--diff"] * diff + (["-" + "v" * verbosity] if verbosity else []) + list(extra_args)
        results_file = self.workdir / ("results-%d.jsonl" % self.count)
        completed = subprocess.run(command, capture_output=True, text=True, env=self.env(results_file, env), timeout=600, check=False)
        return PlaybookRun(completed, results_file)

    def task(self, module, check=False, diff=False, env=None, defaults=True, **args):
        """Run one module task and return its result (failures included)."""
        run = self.run([{"name": module, "backupops.veeam." + module: args, "ignore_errors": True}], check=check, diff=diff, env=env, defaults=defaults)
        assert run.results, run
        return run.result


class Run:
    """One ansible-runner run: status, rc, every task result by host, changed counts and the set_stats data."""

    def __init__(self, runner, private_data_dir):
        self.status = runner.status
        self.rc = runner.rc
        self.private_data_dir = Path(private_data_dir)
        self.artifact_dir = Path(runner.config.artifact_dir)
        self.events = list(runner.events)
        self.stdout = runner.stdout.read()
        stats = [e["event_data"] for e in self.events if e["event"] == "playbook_on_stats"]
        self.stats = stats[-1] if stats else {}
        self.custom_stats = self.stats.get("artifact_data") or {}

    def changed(self):
        return {host: self.stats.get("changed", {}).get(host, 0) for host in HOSTS}

    def failed_hosts(self):
        return sorted(set(self.stats.get("failures", {})) | set(self.stats.get("dark", {})))

    def results(self, task):
        """{host: result} of the task whose name contains `task` (ok or failed, not skipped)."""
        found = {}
        for event in self.events:
            data = event.get("event_data", {})
            if event["event"] in ("runner_on_ok", "runner_on_failed") and task in (data.get("task") or ""):
                found[data["host"]] = dict(data["res"], failed=event["event"] == "runner_on_failed")
        return found

    def msgs(self, task):
        return {host: res.get("msg") for host, res in self.results(task).items()}

    def __repr__(self):
        return "Run(status=%s, rc=%s, stdout=...%s)" % (self.status, self.rc, self.stdout[-4000:])


class Window:
    """Runs the playbooks of playbooks/ with an inventory for the simulator, through ansible-runner."""

    def __init__(self, sim, collections_path, tmp_path):
        self.sim = sim
        self.collections_path = collections_path
        self.tmp_path = tmp_path
        self.record_dir = tmp_path / "records"
        self.inventory = tmp_path / "inventory.yml"
        self.inventory.write_text(yaml.safe_dump({"all": {"children": {
            "vb365_servers": {"hosts": {"vb365-sim": {"veeam_api": "vb365", "veeam_server": sim.host, "veeam_port": sim.vb365_port}}},
            "enterprise_managers": {"hosts": {"em-sim": {"veeam_api": "em", "veeam_server": sim.host, "veeam_port": sim.em_port}}},
            "vbr_servers": {"hosts": {"vbr-sim": {"veeam_api": "vbr", "veeam_server": sim.host, "veeam_port": sim.vbr_port}}},
        }}}))
        self.count = 0

    def credentials(self):
        """What the AWX credential types inject."""
        return dict(VEEAM_VB365_USERNAME=self.sim.username, VEEAM_VB365_PASSWORD=self.sim.password,
                    VEEAM_EM_USERNAME=self.sim.username, VEEAM_EM_PASSWORD=self.sim.password, VEEAM_CA_PATH=self.sim.ca_path,
                    VEEAM_VBR_USERNAME=self.sim.username, VEEAM_VBR_PASSWORD=self.sim.password)

    def env(self):
        return dict(self.credentials(),
                    ANSIBLE_COLLECTIONS_PATH=str(self.collections_path),
                    ANSIBLE_PYTHON_INTERPRETER=str(BIN / "python"),
                    ANSIBLE_NOCOLOR="true", ANSIBLE_RETRY_FILES_ENABLED="false", ANSIBLE_FORKS="5",
                    # ansible-runner starts the ansible-playbook it finds first on PATH: this virtualenv's, or the
                    # compat slice's (ANSIBLE_BIN_DIR).
                    PATH=os.pathsep.join([str(ANSIBLE_BIN), str(BIN), os.environ.get("PATH", "")]))

    def run(self, playbook, check=False, extravars=None, record_dir=None, verbosity=0, env=None, limit=None, diff=False):
        self.count += 1
        private_data_dir = self.tmp_path / ("runner-%d" % self.count)
        private_data_dir.mkdir()
        extravars = dict(extravars or {}, maintenance_window_record_dir=str(record_dir or self.record_dir))
        options = {}
        if check or diff:
            options["cmdline"] = " ".join(["--check"] * check + ["--diff"] * diff)
        if verbosity:
            options["verbosity"] = verbosity
        if limit:
            options["limit"] = limit
        runner = ansible_runner.run(
            private_data_dir=str(private_data_dir), playbook=str(PLAYBOOKS / playbook), inventory=str(self.inventory),
            envvars=dict(self.env(), **(env or {})), extravars=extravars, quiet=True, suppress_env_files=True,
            **options)
        return Run(runner, private_data_dir)

    def record(self, host, record_dir=None):
        path = Path(record_dir or self.record_dir) / ("%s.json" % host)
        return json.loads(path.read_text()) if path.exists() else None

    def popen(self, playbook, log):
        """ansible-playbook as a plain process (to be killed halfway), in its own process group."""
        env = dict(os.environ, **self.env())
        command = [str(BIN / "ansible-playbook"), "-i", str(self.inventory), str(PLAYBOOKS / playbook),
                   "-e", json.dumps({"maintenance_window_record_dir": str(self.record_dir)})]
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # pylint: disable=consider-using-with


def snapshot(sim):
    """(api, id) -> (name, enabled, running) of every simulated job (VB365 backup copy jobs included)."""
    state = sim.state()
    jobs = {("vb365", j["id"]): (j["name"], j["isEnabled"], j["running"]) for j in state["vb365"]["jobs"] + state["vb365"]["copy_jobs"]}
    jobs.update({("em", j["id"]): (j["name"], j["enabled"], j["running"]) for j in state["em"]["jobs"]})
    jobs.update({("vbr", j["id"]): (j["name"], j["enabled"], j["running"]) for j in state["vbr"]["jobs"]})
    return jobs


def enabled(jobs):
    return {key: value[1] for key, value in jobs.items()}


def names(jobs, api, flag):
    return sorted(value[0] for key, value in jobs.items() if key[0] == api and value[1] is flag)


def writes_mentioning(sim, ids):
    return [w for w in sim.writes() if any(i in w["path"] or i in (w.get("query") or "") or i in (w.get("body") or "") for i in ids)]


def requests_of(sim, api):
    return [r for r in sim.requests()["requests"] if r["api"] == api]


def matching(requests, method, pattern):
    return [r for r in requests if r["method"] == method and re.search(pattern, r["path"] + ("?" + r["query"] if r.get("query") else ""))]


# The requests that set (VB365) or flip (EM) a job's enabled flag, and those that open and close a session.
TOGGLE_REQUESTS = {"vb365": ("POST", r"/(enable|disable)$"), "em": ("POST", r"action=toggleScheduleEnabled"),
                   "vbr": ("POST", r"/api/v1/jobs/[^/]+/(enable|disable)$")}
LOGON_REQUESTS = {"vb365": ("POST", r"/v8/token$"), "em": ("POST", r"/api/sessionMngr/"), "vbr": ("POST", r"/api/oauth2/token$")}
LOGOFF_REQUESTS = {"vb365": ("POST", r"/v8/token/logout$"), "em": ("DELETE", r"/api/logonSessions/"), "vbr": ("POST", r"/api/oauth2/logout$")}
ACCEPTED = (200, 201, 202, 204)


def toggles(requests, api):
    return matching(requests, *TOGGLE_REQUESTS[api])


def logons(requests, api):
    return matching(requests, *LOGON_REQUESTS[api])


def logoffs(requests, api):
    return matching(requests, *LOGOFF_REQUESTS[api])


def accepted(requests):
    return [r for r in requests if r["status"] in ACCEPTED]


def job_id_of(request):
    """The job a request acts on: VB365 /vN/Jobs/{id}/... and /vN/CopyJobs/{id}/..., EM /api/agents/jobs/{id}, VBR /api/v1/jobs/{id}."""
    return re.search(r"jobs/([0-9a-f-]{36})", request["path"], re.I).group(1).lower()
