# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which source gives a window session each option, as truth tables: every source beats the ones below it, an unset or
blank value falls back, an end selects every job."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._api import Api
from ansible_collections.backupops.veeam.plugins.module_utils._apis import APIS
from ansible_collections.backupops.veeam.plugins.plugin_utils._window_settings import (CONNECTION_OPTIONS, ROLE_VARIABLES, api_variable_names,
                                                                                       session_options)

# An API with one setting (format), one option that only selects jobs with a value for every job (kind), and one that
# selects every job when unset (types).
TOY = Api("toy", "Toy", client=None, default_port=1, job_module="backupops.veeam.veeam_toy_job", inventory_group="toy_servers",
          window_options=dict(format=("maintenance_window_toy_format", "veeam_toy_format"),
                              kind=("maintenance_window_toy_kind", "veeam_toy_kind"),
                              types=("maintenance_window_toy_types", "veeam_toy_types")),
          selection_options=dict(kind="all", types=None))

# The sources of an API setting, strongest first; session_options takes each as (api_options, api_variables, module_defaults).
SOURCES = ("api_options", "api_variables", "module_defaults")


def options_for(phase="begin", connection=None, api_options=None, api_variables=None, module_defaults=None, api=TOY):
    return session_options(api, phase, connection or {}, api_options or {}, api_variables or {}, module_defaults or {})


@pytest.mark.parametrize("option", ["format", "kind", "types"])
@pytest.mark.parametrize("strongest", range(len(SOURCES)))
def test_every_source_beats_the_ones_below_it(option, strongest):
    """Each source from `strongest` down sets the option to its own name: the strongest of them gives the value."""
    given = dict((source, {option: source} if rank >= strongest else {}) for rank, source in enumerate(SOURCES))
    assert options_for(**given)[option] == SOURCES[strongest]


@pytest.mark.parametrize("option, every_job", [("kind", "all"), ("types", None)])
def test_a_selection_nothing_sets_selects_every_job(option, every_job):
    options = options_for()
    if every_job is None:
        assert option not in options, "unset and no every-job value: left out (the client's default)"
    else:
        assert options[option] == every_job


@pytest.mark.parametrize("blank", [None, "", []])
@pytest.mark.parametrize("source, below, expected", [
    # a blank api_variables value falls back to module_defaults, and with none to the every-job value
    ("api_variables", dict(module_defaults=dict(kind="md")), "md"),
    ("api_variables", {}, "all"),
    # a blank api_options value means "unset here": the option comes from module_defaults, not from the inventory
    # variable (api_options names the option, so the variable for it is not consulted; the rule predates this function)
    ("api_options", dict(api_variables=dict(kind="variable"), module_defaults=dict(kind="md")), "md"),
    ("api_options", dict(api_variables=dict(kind="variable")), "all"),
])
def test_a_blank_value_falls_back(blank, source, below, expected):
    given = dict(below, **{source: dict(kind=blank)})
    assert options_for(**given)["kind"] == expected


def test_module_defaults_pass_on_what_the_play_wrote_except_none():
    """module_defaults apply as they do to the job module itself: a blank value stays; None (unset) falls back."""
    assert options_for(module_defaults=dict(kind=None))["kind"] == "all"
    assert options_for(module_defaults=dict(format=""))["format"] == ""
    assert options_for(module_defaults=dict(format=""), api_variables=dict(format="json"))["format"] == "json"


@pytest.mark.parametrize("connection, module_defaults, expected", [
    (dict(server="task"), dict(server="md"), "task"),   # the task's (the role's, from inventory variables) wins
    (dict(server=""), dict(server="md"), "md"),         # blank (an AWX field left empty): the play's module_defaults
    (dict(server=None), dict(server="md"), "md"),       # unset: the same
    (dict(server=None), {}, None),                      # nothing: left out, the client falls back to VEEAM_* variables
])
def test_the_connection_options_of_the_task_beat_module_defaults(connection, module_defaults, expected):
    assert options_for(connection=connection, module_defaults=module_defaults).get("server") == expected


def test_api_options_is_the_strongest_source_even_for_a_connection_option():
    assert options_for(connection=dict(port=443), api_options=dict(port=4443), module_defaults=dict(port=1))["port"] == 4443


@pytest.mark.parametrize("strongest", SOURCES)
def test_an_end_selects_every_job_whatever_selected_them_at_the_begin(strongest):
    given = {strongest: dict(kind="narrow", types=["Narrow"], format="json")}
    ended = options_for("end", **given)
    assert ended["kind"] == "all" and "types" not in ended, "the record is the selection"
    assert ended["format"] == "json", "an end keeps the API's other settings"
    assert options_for("begin", **given)["kind"] == "narrow" and options_for("report", **given)["types"] == ["Narrow"]


def test_the_registered_apis_select_every_job_at_an_end():
    vb365, vbr = APIS["vb365"], APIS["vbr"]
    assert options_for("end", api=vb365, module_defaults=dict(job_kind="backup"))["job_kind"] == "all"
    assert options_for("begin", api=vb365)["job_kind"] == "all", "a window quiesces backup copy jobs too unless narrowed"
    assert "type" not in options_for("end", api=vbr, api_options=dict(type=["VSphereBackup"], api_version="1.2-rev1"))
    assert options_for("end", api=vbr, api_options=dict(api_version="1.2-rev1"))["api_version"] == "1.2-rev1"


def test_session_options_changes_none_of_its_sources():
    connection, api_options, api_variables, module_defaults = dict(server="s"), dict(kind="k"), dict(format="f"), dict(types=["t"])
    session_options(TOY, "end", connection, api_options, api_variables, module_defaults)
    assert (connection, api_options, api_variables, module_defaults) == (dict(server="s"), dict(kind="k"), dict(format="f"), dict(types=["t"]))


# -- which inventory variable gives an API setting ------------------------------------------------------------------

@pytest.mark.parametrize("role_value, inventory_value, chosen", [
    ("v6", "v7", "maintenance_window_toy_format"),   # both set: the first the registry names (the role variable) wins
    (None, "v7", "veeam_toy_format"),                # the role variable unset: the inventory variable
    ("", "v7", "veeam_toy_format"),                  # blank counts as unset
    (None, None, None),                              # neither: the option is left out
    ("", "", None),
    (False, "v7", "maintenance_window_toy_format"),  # a false value is a value
])
def test_the_first_variable_set_gives_an_api_setting(role_value, inventory_value, chosen):
    host_variables = dict(maintenance_window_toy_format=role_value, veeam_toy_format=inventory_value, other="x")
    assert api_variable_names(TOY, host_variables).get("format") == chosen
    assert set(api_variable_names(TOY, host_variables)) <= {"format"}, "no other option of the API is set"


def test_a_variable_missing_from_the_host_is_unset():
    assert api_variable_names(TOY, dict(veeam_toy_kind="backup")) == dict(kind="veeam_toy_kind")
    assert api_variable_names(TOY, {}) == {}


def test_every_connection_option_has_a_role_and_an_inventory_variable():
    assert sorted(ROLE_VARIABLES) == sorted(CONNECTION_OPTIONS)
    assert ROLE_VARIABLES["ca_path"] == ("maintenance_window_ca_path", "veeam_ca_path")
