# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which module_defaults the window action takes for an API, as Ansible would give them to that API's job module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.plugin_utils._controller import module_defaults_for

MODULE = "backupops.veeam.veeam_vbr_job"
GROUPS = {MODULE: ["backupops.veeam.vbr", "backupops.veeam.all"], "backupops.veeam.veeam_o365_job": ["backupops.veeam.vb365"]}
ALLOWED = {"server", "port", "ca_path"}


def test_groups_in_play_order_then_the_module_name_inner_levels_over_outer():
    defaults = [
        {"group/backupops.veeam.all": {"server": "all.example.com", "port": 1}},           # play
        {"group/backupops.veeam.vbr": {"server": "vbr.example.com"}, MODULE: {"port": 9419}},  # block
        {"group/backupops.veeam.vb365": {"ca_path": "/vb365.pem"}},                        # another API's group: not ours
    ]
    assert module_defaults_for(MODULE, defaults, GROUPS, ALLOWED) == {"server": "vbr.example.com", "port": 9419}


def test_only_connection_options_and_nothing_without_defaults():
    defaults = [{MODULE: {"server": "s", "wait_timeout": 5, "password": "x"}}]
    assert module_defaults_for(MODULE, defaults, GROUPS, ALLOWED) == {"server": "s"}
    assert module_defaults_for(MODULE, None, None, ALLOWED) == {}
    assert module_defaults_for(MODULE, [{"group/backupops.veeam.vbr": {"server": "s"}}], {}, ALLOWED) == {}
