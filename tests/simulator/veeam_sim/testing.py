"""pytest fixtures and a context manager that run the simulator as a subprocess.

In a conftest.py:  ``from veeam_sim.testing import sim, sim_server  # noqa: F401``

* ``sim_server`` (session scope): starts ``python -m veeam_sim`` on free ports, waits until it is ready,
  stops it at the end; yields a SimClient.
* ``sim`` (function scope): resets the simulator to its default scenario and returns the SimClient.

From scripts: ``with SimProcess(extra_args=["--vb365-jobs", "500"]) as client: ...``
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

import requests

try:
    import pytest
except ImportError:  # scripts (demo, benchmark) may use SimProcess without pytest installed
    pytest = None

PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Logins and logouts open or close a session; they are not writes.
SESSION_REQUESTS = re.compile(r"^POST /v\d+/token(/logout)?$|^POST /api/sessionMngr/?$|^DELETE /api/logonSessions/\{id\}$"
                              r"|^POST /api/oauth2/(token|logout)/?$", re.I)


class SimError(RuntimeError):
    """The simulator did not start, or a control request failed."""


class SimClient:
    """The simulator's coordinates plus the control API (/_sim/), over real HTTPS verified with the simulator's CA."""

    def __init__(self, info, process=None):
        self.info = info
        self.process = process
        self.vb365_url = info["vb365_url"]
        self.em_url = info["em_url"]
        self.vbr_url = info.get("vbr_url")
        self.host = info.get("host", "127.0.0.1")
        self.vb365_port = info["vb365_port"]
        self.em_port = info["em_port"]
        self.vbr_port = info.get("vbr_port")
        self.ca_path = info["ca_path"]
        self.username = info["username"]
        self.password = info["password"]
        self.extra_vb365_urls = info.get("extra_vb365_urls", [])
        self.session = requests.Session()
        # Never route 127.0.0.1 through a proxy from the environment.
        self.session.trust_env = False
        self.session.verify = self.ca_path if self.ca_path else True
        self._control_base = self.vb365_url.rstrip("/") + "/_sim"

    @classmethod
    def from_ready_file(cls, path):
        with open(path, encoding="utf-8") as handle:
            return cls(json.load(handle))

    def __repr__(self):
        return "SimClient(vb365_url=%r, em_url=%r, vbr_url=%r)" % (self.vb365_url, self.em_url, self.vbr_url)

    def _call(self, method, path, payload=None):
        response = self.session.request(method, self._control_base + path, json=payload, timeout=60)
        if response.status_code != 200:
            raise SimError("%s /_sim%s -> HTTP %d: %s" % (method, path, response.status_code, response.text[:500]))
        return response.json()

    def state(self):
        return self._call("GET", "/state")

    def reset(self, scenario=None):
        return self._call("POST", "/reset", scenario or {})

    def requests(self):
        return self._call("GET", "/requests")

    def clear_requests(self):
        return self._call("DELETE", "/requests")

    def counts(self):
        return self.requests()["counts"]

    def count(self, method, template):
        """How many requests matched e.g. count("POST", "/v8/Jobs/{id}/disable")."""
        return self.counts().get("%s %s" % (method.upper(), template), 0)

    def writes(self):
        """Every logged request that is not a GET, a login or a logout."""
        return [entry for entry in self.requests()["requests"]
                if entry["method"] != "GET" and not SESSION_REQUESTS.match("%s %s" % (entry["method"], entry["template"]))]

    def config(self):
        return self._call("GET", "/config")

    def configure(self, **settings):
        return self._call("POST", "/config", settings)

    def inject(self, kind, **spec):
        return self._call("POST", "/faults", dict(spec, kind=kind))

    def faults(self):
        return self._call("GET", "/faults")["faults"]

    def clear_faults(self):
        return self._call("DELETE", "/faults")

    def vb365_job(self, name):
        return self._find(self.state()["vb365"]["jobs"], name)

    def vb365_copy_job(self, name):
        """A VB365 backup copy job's entry in state() (it also has backupJobId)."""
        return self._find(self.state()["vb365"]["copy_jobs"], name)

    def em_job(self, name):
        return self._find(self.state()["em"]["jobs"], name)

    def vbr_job(self, name):
        return self._find(self.state()["vbr"]["jobs"], name)

    @staticmethod
    def _find(jobs, name):
        for job in jobs:
            if job["name"] == name:
                return job
        raise KeyError("no simulated job is named %r (have: %s)" % (name, ", ".join(j["name"] for j in jobs[:20])))


class SimProcess:
    """Runs ``python -m veeam_sim`` on free ports as a subprocess; a context manager yielding a SimClient."""

    def __init__(self, extra_args=(), state_dir=None, python=None, start_timeout=30.0):
        self.extra_args = list(extra_args)
        self.state_dir = state_dir
        self.python = python or sys.executable
        self.start_timeout = start_timeout
        self.process = None
        self.client = None
        self.log_path = None
        self._log = None

    def start(self):
        self.state_dir = self.state_dir or tempfile.mkdtemp(prefix="veeam-sim-")
        os.makedirs(self.state_dir, exist_ok=True)
        ready = os.path.join(self.state_dir, "ready.json")
        if os.path.exists(ready):
            os.remove(ready)
        self.log_path = os.path.join(self.state_dir, "simulator.log")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_PARENT, env.get("PYTHONPATH")) if p)
        command = [self.python, "-m", "veeam_sim", "--vb365-port", "0", "--em-port", "0", "--vbr-port", "0", "--state-dir", self.state_dir,
                   "--ready-file", ready] + self.extra_args
        self._log = open(self.log_path, "wb")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=env)  # pylint: disable=consider-using-with
        deadline = time.monotonic() + self.start_timeout
        while not os.path.exists(ready):
            if self.process.poll() is not None:
                raise SimError("the simulator exited with %s before it was ready:\n%s" % (self.process.returncode, self.output()))
            if time.monotonic() > deadline:
                self.stop()
                raise SimError("the simulator was not ready after %.0f s:\n%s" % (self.start_timeout, self.output()))
            time.sleep(0.05)
        self.client = SimClient.from_ready_file(ready)
        self.client.process = self
        return self.client

    def output(self):
        """What the simulator printed so far (stdout and stderr)."""
        if self.log_path and os.path.exists(self.log_path):
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        return ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


if pytest is not None:
    @pytest.fixture(scope="session")
    def sim_server(tmp_path_factory):
        """One simulator subprocess for the whole test session (per xdist worker); yields its SimClient."""
        process = SimProcess(state_dir=str(tmp_path_factory.mktemp("veeam-sim")))
        client = process.start()
        try:
            yield client
        finally:
            process.stop()

    @pytest.fixture
    def sim(sim_server):  # pylint: disable=redefined-outer-name
        """The simulator, reset to its default scenario (jobs, tokens, tasks, faults, log and config) for this test."""
        sim_server.reset()
        return sim_server
