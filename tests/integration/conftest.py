"""Integration tests: real ansible-playbook runs against the Veeam API simulator on 127.0.0.1."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from veeam_sim.testing import sim, sim_server  # noqa: F401  pylint: disable=unused-import

REPO = Path(__file__).resolve().parents[2]
# `make compat` points this at a virtualenv with the oldest ansible-core the collection supports;
# its python runs the modules too, so it must have requests and xmltodict.
ANSIBLE_BIN = Path(os.environ.get("ANSIBLE_BIN_DIR") or Path(sys.executable).parent)


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    """ANSIBLE_COLLECTIONS_PATH under which the working tree is backupops.veeam."""
    root = tmp_path_factory.mktemp("collections")
    link = root / "ansible_collections" / "backupops" / "veeam"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO)
    return root


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
        port = self.sim.vb365_port if api == "vb365" else self.sim.em_port
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
                                       "group/backupops.veeam.em": self.connection("em")}
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


@pytest.fixture
def ansible(sim, collections_path, tmp_path):  # noqa: F811  pylint: disable=redefined-outer-name
    return Ansible(sim, collections_path, tmp_path)
