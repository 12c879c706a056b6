# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The design holds: a fourth API registered from the test tree (a JobClient over a tiny in-process HTTP server, and its
Api) runs a job module's disable and the maintenance window's begin and end, with nothing under plugins/action,
plugins/plugin_utils or roles/ knowing of it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import threading

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.backupops.veeam.plugins.action.maintenance_window import ARGUMENT_SPEC, Phase
from ansible_collections.backupops.veeam.plugins.module_utils._api import Api
from ansible_collections.backupops.veeam.plugins.module_utils._apis import APIS
from ansible_collections.backupops.veeam.plugins.module_utils._client import JobClient, http_for
from ansible_collections.backupops.veeam.plugins.module_utils._model import Job, JobList
from ansible_collections.backupops.veeam.plugins.module_utils._module import run_job_module
from ansible_collections.backupops.veeam.plugins.plugin_utils._controller import ControllerSession

TOKEN = "toy-token-0123456789"


class ToyServer(object):
    """A backup server with three jobs: POST /login, GET /jobs, POST /jobs/{id}/enable|disable, POST /logout."""

    def __init__(self):
        self.jobs = dict((ident, dict(id=ident, name=name, enabled=enabled, running=False))
                         for ident, name, enabled in (("t1", "Toy Daily", True), ("t2", "Toy Weekly", True), ("t3", "Toy Old", False)))
        self.requests = []
        handler = type("Handler", (ToyHandler,), dict(toy=self))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def enabled(self):
        return dict((job["name"], job["enabled"]) for job in self.jobs.values())

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class ToyHandler(BaseHTTPRequestHandler):
    toy = None

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._answer(self._authorized() and (200, list(self.toy.jobs.values())) if self.path == "/jobs" else (404, {}))

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.toy.requests.append(("POST", self.path))
        flag = re.match(r"^/jobs/(\w+)/(enable|disable)$", self.path)
        if self.path == "/login":
            self._answer((200, dict(token=TOKEN)))
        elif self.path == "/logout":
            self._answer((204, None))
        elif flag and self._authorized() and flag.group(1) in self.toy.jobs:
            self.toy.jobs[flag.group(1)]["enabled"] = flag.group(2) == "enable"
            self._answer((204, None))
        else:
            self._answer((404, {}))

    def _authorized(self):
        return self.headers.get("X-Toy-Token") == TOKEN

    def _answer(self, answer):
        status, body = answer or (401, {})
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class ToyClient(JobClient):
    """The whole client of the toy API: the contract's five methods."""

    def __init__(self, url, settings, warn, register_secret):
        super(ToyClient, self).__init__(http_for(url, settings), settings, warn, register_secret)

    def login(self):
        self.token = self.http.json(self.http.request("POST", "login", json=dict(user=self.settings["username"])))["token"]
        self.register_secret(self.token)
        self.http.session.headers["X-Toy-Token"] = self.token

    def logout(self):
        self.http.request("POST", "logout", expect=(204,))

    def read_jobs(self, last_runs=False):
        return JobList(Job(raw["id"], raw["name"], raw["enabled"], raw["running"], None, None, None, {})
                       for raw in self.http.json(self.call("GET", "jobs")))

    def read_sessions(self, job, limit):
        return []

    def send(self, job, action):
        self.call("POST", "jobs/%s/%s" % (job.id, action), expect=(204,))
        return None


TOY = Api(name="toy", title="Toy Backup Server", short_title="Toy", client=ToyClient, default_port=8080,
          job_module="backupops.veeam.veeam_toy_job", inventory_group="toy_servers")


@pytest.fixture
def toy(monkeypatch):
    server = ToyServer()
    monkeypatch.setitem(APIS, TOY.name, TOY)
    yield server
    server.close()


def connection(toy):
    return dict(server="http://127.0.0.1", port=toy.port, username="svc-toy", password="Toy-Passw0rd")


def test_a_job_module_of_the_toy_api_disables_every_job_reading_first(toy, capsys):
    with patch_module_args(dict(connection(toy), all_jobs=True, state="disabled")):
        with pytest.raises(SystemExit):
            run_job_module(TOY)
    result = json.loads(capsys.readouterr().out)
    assert result["changed"] is True and result["msg"] == "disabled 2 of 3 selected job(s).", result
    assert toy.enabled() == {"Toy Daily": False, "Toy Weekly": False, "Toy Old": False}
    assert [path for _method, path in toy.requests] == ["/login", "/jobs/t1/disable", "/jobs/t2/disable", "/logout"]
    assert TOKEN not in json.dumps(result)


def phase(toy, name, record_dir, handed_over=None):
    session = ControllerSession(TOY, connection(toy))
    args = dict((option, spec.get("default")) for option, spec in ARGUMENT_SPEC.items())
    args.update(phase=name, api=TOY.name, record_dir=str(record_dir))
    try:
        return Phase(session, args, "toy-01", handed_over, False, False).run()
    finally:
        session.close()


def test_the_window_begins_and_ends_on_the_toy_api_and_restores_exactly_what_it_disabled(toy, tmp_path):
    begin = phase(toy, "begin", tmp_path / "begin")
    assert begin["msg"].startswith("Disabled 2 job(s): Toy Daily, Toy Weekly; no running session stopped; 1 already disabled job(s)"), begin
    assert toy.enabled() == {"Toy Daily": False, "Toy Weekly": False, "Toy Old": False}
    with open(begin["record_path"]) as written:
        record = json.load(written)
    assert record["api"] == "toy" and [entry["name"] for entry in record["jobs"]] == ["Toy Daily", "Toy Weekly"]

    # The end job of another execution environment: only the handed-over record tells it what to restore.
    end = phase(toy, "end", tmp_path / "end", handed_over=record)
    assert end["msg"].startswith("Re-enabled 2 of 2 recorded job(s): Toy Daily, Toy Weekly"), end
    assert toy.enabled() == {"Toy Daily": True, "Toy Weekly": True, "Toy Old": False}, "the job disabled before the window stays so"
