# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry: each API described once, next to its client; what the maintenance window learns from it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._apis import APIS, api_of_groups, title_of
from ansible_collections.backupops.veeam.plugins.module_utils._client import JobClient
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_text as window_text


@pytest.mark.parametrize("name", sorted(APIS))
def test_every_api_is_complete_and_consistent(name):
    api = APIS[name]
    assert api.name == name and issubclass(api.client, JobClient)
    assert api.job_module.startswith("backupops.veeam.veeam_") and api.job_module.endswith("_job")
    assert set(api.window_options) <= set(api.options), "the window passes only the API's own options"
    assert set(api.selection_options) <= set(api.window_options)
    assert all(names and all(n.startswith(("veeam_", "maintenance_window_")) for n in names) for names in api.window_options.values())


def test_one_inventory_group_per_api_and_the_group_tells_the_api():
    groups = [api.inventory_group for api in APIS.values()]
    assert len(set(groups)) == len(groups)
    assert api_of_groups(["all", "enterprise_managers"]) == "em"
    assert api_of_groups(["vb365_servers", "vbr_servers"]) is None, "two APIs: the host must say (veeam_api)"
    assert api_of_groups([]) is None and api_of_groups(None) is None


def test_titles_and_the_message_for_a_host_of_no_known_api():
    assert title_of("vbr") == "Veeam Backup & Replication" and title_of("em") == "Enterprise Manager" and title_of("zz") == "zz"
    assert window_text.unknown_api("h1", None) == ("Host h1: which API is it? Set veeam_api (em, vb365, vbr), or put the host in exactly one "
                                                   "of the groups enterprise_managers, vb365_servers, vbr_servers.")
    assert window_text.unknown_api("h1", "hyperv") == "Host h1: unknown API 'hyperv' (veeam_api or maintenance_window_api); this release knows em, vb365, vbr."
