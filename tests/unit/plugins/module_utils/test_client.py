# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The JobClient contract's shared part: login at first use, one renewal per expiry shared by concurrent callers, close()."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._client import JobClient
from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._model import Job, JobList, JobModuleError


class ExpiringServer(object):
    """Stands in for HttpClient: answers 401 to any token but the valid one; `expire()` invalidates it."""

    def __init__(self):
        self.valid = None
        self.logins = 0
        self.lock = threading.Lock()

    def issue(self):
        with self.lock:
            self.logins += 1
            self.valid = "token-%d" % self.logins
            return self.valid

    def expire(self):
        self.valid = "expired"

    def answer(self, method, path, token):
        time.sleep(0.01)  # let concurrent callers overlap
        if token != self.valid:
            raise VeeamApiError("Server answered HTTP 401.", method, "https://veeam/" + path, 401)
        return "answer to %s" % path


class FakeHttp(object):
    """Stands in for HttpClient: sends each request with the client's current token to the ExpiringServer."""

    base_url = "https://veeam/"

    def __init__(self, server):
        self.server = server
        self.client = None
        self.closed = False

    def request(self, method, path, expect=(200,)):
        return self.server.answer(method, path, self.client.token)

    def close(self):
        self.closed = True


class Client(JobClient):
    """The smallest JobClient: its 'session header' is self.token, sent with each request as a real login's header would be."""

    def __init__(self, server, renewals_allowed=None, logout_fails=False):
        http = FakeHttp(server)
        self.warnings, self.secrets, self.logouts = [], [], 0
        super(Client, self).__init__(http, {}, warn=self.warnings.append, register_secret=self.secrets.append)
        http.client = self
        self.expiring = server
        self.renewals_allowed = renewals_allowed
        self.logout_fails = logout_fails

    def login(self):
        self.token = self.expiring.issue()
        self.register_secret(self.token)

    def logout(self):
        self.logouts += 1
        if self.logout_fails:
            raise VeeamApiError("Server answered HTTP 500.", "DELETE", "https://veeam/session", 500)

    def read_jobs(self, last_runs=False):
        return []

    def read_sessions(self, job, limit):
        return []

    def send(self, job, action):
        return None


def test_a_401_is_answered_by_one_new_login_and_one_resend():
    server = ExpiringServer()
    client = Client(server)
    assert client.call("GET", "Jobs") == "answer to Jobs"
    server.expire()
    assert client.call("GET", "Jobs") == "answer to Jobs"
    assert server.logins == 2 and client.renewals == 1


def test_concurrent_callers_share_one_new_login_after_an_expiry():
    server = ExpiringServer()
    client = Client(server)
    client.call("GET", "warm-up")
    server.expire()
    answers = []
    threads = [threading.Thread(target=lambda index=index: answers.append(client.call("GET", "job-%d" % index))) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == sorted("answer to job-%d" % index for index in range(8))
    assert server.logins == 2, "one login at first use, one after the expiry, however many callers saw the 401"


def test_a_second_401_after_the_allowed_renewals_fails_saying_so():
    server = ExpiringServer()
    client = Client(server, renewals_allowed=1)
    client.call("GET", "Jobs")
    server.expire()
    client.call("GET", "Jobs")
    server.expire()
    with pytest.raises(VeeamApiError) as caught:
        client.call("GET", "Jobs")
    assert str(caught.value).startswith("The server refused the session again right after a new login: Server answered HTTP 401.")
    assert server.logins == 2


def test_close_logs_out_once_and_a_failed_logout_becomes_a_warning():
    server = ExpiringServer()
    client = Client(server, logout_fails=True)
    client.call("GET", "Jobs")
    client.close()
    assert client.logouts == 1 and client.http.closed and client.token is None
    assert client.warnings == ["Logout from https://veeam/ failed: Server answered HTTP 500. (DELETE https://veeam/session -> HTTP 500)"]
    client.close()
    assert client.logouts == 1, "nothing to log out of any more"


def test_a_client_that_never_logged_in_does_not_log_out():
    client = Client(ExpiringServer())
    client.close()
    assert client.logouts == 0 and client.http.closed


def test_the_contract_is_explicit():
    with pytest.raises(TypeError):
        JobClient(FakeHttp(ExpiringServer()), {}, warn=None, register_secret=None)  # pylint: disable=abstract-class-instantiated
    assert sorted(JobClient.__abstractmethods__) == ["login", "logout", "read_jobs", "read_sessions", "send"]


def test_a_read_is_one_value_that_the_selection_and_the_result_take_what_it_names_from():
    unmanageable = [dict(id="9", name="Azure policy", type="CloudBackupAzure", why="cannot be managed")]
    unlisted = dict(kinds=["HyperVBackup"], why="REST API 1.1-rev0 lists only its own types")
    listing = JobList([Job("1", "VMs", True, False, None, None, None, {})], hidden={"Copies": "is of a type the type filter leaves out"},
                      unmanageable=unmanageable, unread="copy jobs are not read", unlisted=unlisted)
    client = Client(ExpiringServer())
    with pytest.raises(JobModuleError) as caught:
        client.select(listing, names=["Copies", "Nope"])
    assert "job 'Copies' exists but is of a type the type filter leaves out" in str(caught.value)
    assert str(caught.value).endswith("copy jobs are not read")
    assert client.result_fields(listing) == dict(unmanageable_jobs=unmanageable, unlisted_jobs=unlisted)
    # Nothing of that read stays on the client: another read says only what it found itself.
    assert client.result_fields(JobList([])) == {} and client.select(JobList(listing), names=["VMs"]) == list(listing)
