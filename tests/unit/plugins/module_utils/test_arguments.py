# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Option validation, warnings and URL parsing: pure functions, table-driven."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._arguments import (
    base_url, ignored_options, insecure_connection_warnings, option_problems, url_problems,
)
from ansible_collections.backupops.veeam.plugins.module_utils.em._client import EM
from ansible_collections.backupops.veeam.plugins.module_utils.vb365._client import VB365
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._client import VBR


def params(**changes):
    base = dict(server="vb365.example.com", port=4443, username="op", password="secret", validate_certs=True, ca_path=None,
                timeout=30, sessions=0, id=None, name=None, all_jobs=True, state="enabled", if_running="leave", enable_if_disabled=False,
                wait=True, wait_timeout=600, wait_sleep=3.0, wait_for_completion=False, write_concurrency=1)
    base.update(changes)
    return base


@pytest.mark.parametrize("server, port, url", [
    ("vb365.example.com", 4443, "https://vb365.example.com:4443/"),
    (" vb365.example.com ", 4443, "https://vb365.example.com:4443/"),
    ("https://vb365.example.com", 4443, "https://vb365.example.com:4443/"),
    ("https://vb365.example.com:9999", 4443, "https://vb365.example.com:9999/"),
    ("https://vb365.example.com/", 4443, "https://vb365.example.com:4443/"),
    ("http://10.0.0.5", 80, "http://10.0.0.5:80/"),
    ("[fe80::1]", 9398, "https://[fe80::1]:9398/"),
    ("https://[fe80::1]:9399", 9398, "https://[fe80::1]:9399/"),
])
def test_base_url(server, port, url):
    assert base_url(dict(server=server, port=port)) == url
    assert url_problems(dict(server=server, port=port)) == []


@pytest.mark.parametrize("server, port, problem", [
    ("https://vb365.example.com/api", 4443, "must not contain a path"),
    ("https://vb365.example.com?x=1", 4443, "must not contain a path"),
    ("ftp://vb365.example.com", 4443, "must use https://"),
    ("https://user:pw@vb365.example.com", 4443, "must not contain credentials"),
    ("https://vb365 example.com", 4443, "has no valid host name"),
    ("vb365.example.com", 70000, "port 70000 is out of range"),
    ("https://vb365.example.com:99999", 4443, "is not a host name or URL"),
])
def test_url_problems(server, port, problem):
    problems = url_problems(dict(server=server, port=port))
    assert [p for p in problems if problem in p], problems


@pytest.mark.parametrize("changes, problem", [
    (dict(), None),
    (dict(server=None), "server is missing: set the option server (or module_defaults for group/backupops.veeam.vb365), "
                        "the environment variable VEEAM_VB365_SERVER"),
    (dict(server="  "), "server is empty"),
    (dict(username=""), "inventory variable veeam_username"),
    (dict(password=None), "VEEAM_VB365_PASSWORD"),
    (dict(all_jobs=False), "select jobs with id, name or all_jobs: true"),
    (dict(all_jobs=False, name=["a", " "]), "name must not contain empty values"),
    (dict(all_jobs=False, id=[""]), "id must not contain empty values"),
    (dict(ca_path="/nonexistent/ca.pem"), "ca_path /nonexistent/ca.pem is not a readable file"),
    (dict(timeout=0), "timeout must be a positive number of seconds, got 0"),
    (dict(wait_timeout=-5), "wait_timeout must be a positive number of seconds, got -5"),
    (dict(wait_sleep=0), "wait_sleep must be a positive number of seconds, got 0"),
    (dict(wait_timeout=5, wait_sleep=10.0), "wait_sleep (10.0) must not exceed wait_timeout (5)"),
    (dict(write_concurrency=0), "write_concurrency must be between 1 and 8, got 0"),
    (dict(write_concurrency=9), "write_concurrency must be between 1 and 8, got 9"),
    (dict(server="https://h/api"), "must not contain a path"),
    (dict(sessions=-1), "sessions must be 0 or more, got -1"),
])
def test_option_problems(changes, problem):
    problems = option_problems(params(**changes), VB365, selection_required=True)
    if problem is None:
        assert problems == []
    else:
        assert [p for p in problems if problem in p], problems


def test_missing_settings_name_the_api_of_the_module():
    problems = option_problems(params(server=None, username=None), EM, selection_required=False)
    assert len(problems) == 2
    assert "VEEAM_EM_SERVER" in problems[0] and "Veeam Backup Enterprise Manager" in problems[0]
    assert "VEEAM_EM_USERNAME" in problems[1]


def test_an_info_module_needs_no_selection():
    assert option_problems(params(all_jobs=False), VB365, selection_required=False) == []


@pytest.mark.parametrize("changes, ignored", [
    (dict(state="disabled", if_running="stop"), []),
    (dict(state="disabled", if_running="wait"), []),
    (dict(state="stopped", if_running="wait"), ["if_running=wait is ignored with state=stopped"]),
    (dict(state="running", if_running="stop"), ["if_running=stop is ignored with state=running"]),
    (dict(state="enabled", if_running="stop"), ["if_running=stop is ignored with state=enabled"]),
    (dict(state="running", enable_if_disabled=True), []),
    (dict(state="disabled", enable_if_disabled=True), ["enable_if_disabled is ignored with state=disabled"]),
    (dict(state="running", wait_for_completion=True), []),
    (dict(state="stopped", wait_for_completion=True), ["wait_for_completion is ignored with state=stopped"]),
    (dict(state="running", wait_for_completion=True, wait=False), ["wait_for_completion is ignored with wait=false"]),
    (dict(state="enabled", if_running="wait", enable_if_disabled=True),
     ["if_running=wait is ignored with state=enabled", "enable_if_disabled is ignored with state=enabled"]),
])
def test_ignored_options(changes, ignored):
    warnings = ignored_options(params(**changes)) + VBR.ignored_options(params(**changes))
    assert len(warnings) == len(ignored)
    for warning, start in zip(warnings, ignored):
        assert warning.startswith(start), warning


@pytest.mark.parametrize("state, ignored", [
    ("running", []),
    ("disabled", ["active_full is ignored with state=disabled: it applies only to state=running"]),
])
def test_an_apis_own_option_is_ignored_outside_the_states_its_registry_entry_names(state, ignored):
    assert VBR.ignored_options(params(state=state, active_full=True)) == ignored
    assert VB365.ignored_options(params(state=state, active_full=True)) == [], "VB365 has no such option"


@pytest.mark.parametrize("changes, url, warned", [
    (dict(), "https://h:4443/", None),
    (dict(validate_certs=False), "https://h:4443/", "validate_certs is false"),
    (dict(), "http://h:4443/", "clear text"),
    (dict(validate_certs=False), "http://h:4443/", "clear text"),
])
def test_insecure_connection_warnings(changes, url, warned):
    warnings = insecure_connection_warnings(params(**changes), url)
    assert (warnings == []) if warned is None else (len(warnings) == 1 and warned in warnings[0])
