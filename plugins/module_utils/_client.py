# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The contract every API client follows, and the description of an API that the module wrapper builds modules from.

Adding an API is one new folder: a JobClient subclass plus an Api (_api.py) naming its options. Clients never see the
Ansible module: they receive the connection settings and two callbacks (warn, register_secret). Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import abc
import threading

from ansible_collections.backupops.veeam.plugins.module_utils._http import HttpClient, VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError, select_jobs


class JobClient(abc.ABC):
    """One logged-in conversation with one server: log in at first use, read jobs, send writes, await them, log out.

    A request refused with 401 was not processed, so after one new login it is sent once more. Concurrent writers share
    the login: the first to see an expiry logs in again, the others resend with the new one.
    """

    # How long a write the server confirmed may take to show in a read. Only after this long does a write without
    # effect count as undone by someone else and get decided again (an EM toggle sent twice undoes itself).
    effect_delay_seconds = 2.0
    # How many new logins one run may make after expiries (None: one per expiry, however many).
    renewals_allowed = None
    refused_again = "The server refused the session again right after a new login: %s"
    logout_name = "Logout"

    def __init__(self, http, settings, warn, register_secret):
        """`http`: the HttpClient bound to the server; `settings`: the module's options; `warn(message)` adds a warning
        to the result; `register_secret(value)` keeps a token or session id out of every output."""
        self.http = http
        self.settings = settings
        self.warn = warn
        self.register_secret = register_secret
        self.server = http.base_url
        self.token = None
        self.refresh_token = None
        self.renewals = 0
        self._login_lock = threading.Lock()

    # -- what each API implements ------------------------------------------------

    @abc.abstractmethod
    def login(self):
        """Log in; set self.token and the header that carries it (register it as a secret)."""

    @abc.abstractmethod
    def logout(self):
        """End the session self.token names; close() calls it on every path."""

    @abc.abstractmethod
    def read_jobs(self, last_runs=False):
        """Every job with its enabled flag and running state, in as few requests as the API allows: a JobList (_model.py),
        which also names the jobs the options left out (hidden), those the server lists but cannot manage (unmanageable),
        what the options kept it from reading (unread) and the kinds of job it cannot list (unlisted).

        last_runs: also the last run and result of idle jobs where the job list lacks them (the info modules ask; the job
        modules do not need them and keep their request count).
        """

    @abc.abstractmethod
    def read_sessions(self, job, limit):
        """The newest `limit` sessions of a job, newest first, in the shape every info module returns."""

    @abc.abstractmethod
    def send(self, job, action):
        """Send one write (an action of _desired_state.WRITES); return a handle to await, or None. Never replayed."""

    def await_writes(self, handles, timeout, sleep):
        """Wait for what the writes started (tasks, sessions); return [(handle, failure message)]. Synchronous APIs: []."""
        return []

    def describe(self, handle):
        """What a write started, for the job's entry in the result."""
        return dict(handle or {})

    def lost(self, handle):
        """Whether await_writes could not follow this write to its end (an Enterprise Manager task lost with an expired
        logon session): the runner then re-reads the job until it shows the effect, and never resends."""
        return False

    def facts(self):
        """What the result should say about how the client spoke to the server (e.g. the REST API revision it settled on);
        empty until the server accepted a request."""
        return {}

    def result_fields(self, jobs=None):
        """What every result of a run on this server carries: the facts, and what the read `jobs` (a JobList) names."""
        return dict(self.facts(), **(jobs.fields() if jobs is not None else {}))

    def chained_after(self, jobs, selected):
        """The jobs of `jobs` not in `selected` that the server starts after a selected job ends (transitively):
        [(job, the job it runs after)]. A window that stops or disables the selected jobs must keep these from starting
        too. APIs without job chains: []."""
        return []

    def resolve_scope(self, jobs, scope, maintenance_mode):
        """What a maintenance window's scope ({repositories, proxies}: names or ids) touches on this server: a Resolution
        (_scope.py) of the jobs of `jobs` (a JobList) in scope and why, the infrastructure switches to set (with
        maintenance_mode) and what the release cannot do. APIs without infrastructure cannot scope a window."""
        raise JobModuleError("%s: this API has no repositories or proxies to scope a maintenance window by; select jobs by name or id"
                             % self.server)

    def normalize_id(self, value):
        """A job id as the user may write it, in the form read_jobs returns."""
        return value.strip()

    def job_fields(self, job):
        """What a job's entry in every result says besides its id and name (e.g. the kind of a VB365 job)."""
        return {}

    def info_details(self, jobs):
        """The jobs an info module reports, with what only the info modules report of them in their details (read here, in
        as few requests as the API allows, so that read_jobs and the job modules keep their request count). By default the
        jobs as they are."""
        return jobs

    # -- shared ----------------------------------------------------------------------

    def select(self, jobs, ids=None, names=None, all_jobs=False):
        """The jobs of a read_jobs answer (a JobList) the user selected (_model.select_jobs), naming what it left out or unread."""
        return select_jobs(jobs, ids, names, all_jobs, self.normalize_id, jobs.hidden, jobs.unread)

    def password_grant(self, path, api_title, explain=True, **extra):
        """An OAuth2 password login (VB365, VBR): POST the form to `path`, keep the bearer token and the refresh token,
        register both as secrets.

        A refused login goes through explain_login_failure first (unless explain=False: the caller decides what the
        refusal means), so its message says what to change.
        """
        form = dict(grant_type="password", username=self.settings["username"], password=self.settings["password"])
        form.update(extra)
        self._grant(path, api_title, form, explain)

    def refresh_grant(self, path, api_title):
        """Renew the login with its refresh token (OAuth2 refresh_token grant): True, or False when there is none or the
        server refuses it (the caller then logs in with the password)."""
        if not self.refresh_token:
            return False
        try:
            self._grant(path, api_title, dict(grant_type="refresh_token", refresh_token=self.refresh_token), explain=False)
        except VeeamApiError as exc:
            if exc.status in (400, 401, 403):
                self.refresh_token = None
                return False
            raise
        return True

    def _grant(self, path, api_title, form, explain):
        try:
            body = self.http.json(self.http.request("POST", path, data=form))
        except VeeamApiError as exc:
            if explain:
                self.explain_login_failure(exc)
            raise
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise VeeamApiError("Login answer carries no access_token (is this a %s server?)." % api_title, "POST", self.http.url(path), 200)
        self.refresh_token = body.get("refresh_token")
        for secret in (token, self.refresh_token):
            if secret:
                self.register_secret(secret)
        self.token = token
        self.http.session.headers["Authorization"] = "Bearer " + token

    def explain_login_failure(self, exc):
        """Rewrite the message of a refused login to say what to change (a hook; by default nothing)."""

    def call(self, method, path, expect=(200,), **kwargs):
        """One request on behalf of the login (made at first use), renewed once when the server says it expired."""
        with self._login_lock:
            if self.token is None:
                self.login()
            used = self.token
        try:
            return self.http.request(method, path, expect=expect, **kwargs)
        except VeeamApiError as exc:
            if exc.status != 401:
                raise
            self._renew_login(used, exc)
        try:
            return self.http.request(method, path, expect=expect, **kwargs)
        except VeeamApiError as exc:
            if exc.status == 401:
                exc.message = self.refused_again % exc.message
            raise

    def _renew_login(self, used, refusal):
        with self._login_lock:
            if self.token != used:
                return  # another writer has logged in again meanwhile
            if self.renewals_allowed is not None and self.renewals >= self.renewals_allowed:
                refusal.message = self.refused_again % refusal.message
                raise refusal
            self.renewals += 1
            self.login()

    def close(self):
        """Log out (a failure becomes a warning, so it still reaches the result) and close the connection pool."""
        try:
            if self.token:
                self.logout()
        except VeeamApiError as exc:
            self.warn("%s from %s failed: %s" % (self.logout_name, self.server, exc))
        finally:
            self.token = None
            self.http.close()


def unlisted_sentence(unlisted):
    """What a result says of the jobs a client cannot list ({kinds, why}, as result_fields returns them)."""
    return "%s: jobs of the kind(s) %s are not seen and stay as they are" % (unlisted["why"], ", ".join(unlisted["kinds"]))


def http_for(url, settings, replayable_posts=(), headers=None):
    """The HttpClient of one server, with the TLS, timeout and proxy settings every module shares."""
    return HttpClient(url, validate_certs=settings["validate_certs"], ca_path=settings["ca_path"], timeout=settings["timeout"],
                      use_proxy=settings["use_proxy"], replayable_posts=replayable_posts, headers=headers)
