# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The maintenance window's settings: the role's variable names, and which source gives a session each job module option.

Pure: the action gathers the raw values (templated, since only it has the templar); the precedence is decided here, where
a truth table can test it. Private to the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The set_stats key a begin or end publishes its records under, and the prefix of the per-job keys an end also reads.
RECORDS_VARIABLE = "maintenance_window_records"

# The connection options the role passes from inventory variables, and for each (role variable, inventory variable).
CONNECTION_OPTIONS = ("server", "port", "username", "password", "ca_path", "validate_certs")
ROLE_VARIABLES = dict((option, ("maintenance_window_" + option, "veeam_" + option)) for option in CONNECTION_OPTIONS)

# The values a source leaves a setting unset with (an AWX survey field left empty is ""): the next source gives it.
UNSET = (None, "", [])


def api_variable_names(api, host_variables):
    """{option: the variable it comes from} for the API's own settings: of the variables the registry names for an option
    (api.window_options), the first one set on the host; an option none of them sets is left out."""
    chosen = {}
    for option, names in api.window_options.items():
        found = [name for name in names if host_variables.get(name) not in (None, "")]
        if found:
            chosen[option] = found[0]
    return chosen


def session_options(api, phase, connection, api_options, api_variables, module_defaults):
    """The job module options a phase's session uses, each from the first source that sets it:

    1. api_options (the task's mapping of the API's own settings; an option it names with a blank value is unset, and
       the inventory variable for it is not consulted),
    2. api_variables ({option: value} of the variables api_variable_names chose), and the task's connection options,
    3. module_defaults (the play's, for the API's job module, limited to the options a session takes; None is unset, a
       blank value stays, as it would for the module itself),
    4. the value that selects every job (api.selection_options), for the options that only select jobs;
    an option no source sets is left out (the client's default, then the VEEAM_* variables). An end always selects every
    job, whatever selected them at the begin: the record is the selection.
    """
    explicit = dict(connection)
    explicit.update(api_variables)
    explicit.update(api_options)
    every_job = _set_values(api.selection_options, (None,))
    options = dict(every_job)
    options.update(_set_values(module_defaults, (None,)))
    options.update(_set_values(explicit, UNSET))
    if phase == "end":
        options = dict((name, value) for name, value in options.items() if name not in api.selection_options)
        options.update(every_job)
    return options


def _set_values(options, unset):
    """The options whose value is not one of `unset`."""
    return dict((name, value) for name, value in options.items() if value not in unset)
