# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scoped window's record and words: the scope as given, switches merged with an earlier begin's, only what the window
changed undone, last set first."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._model import Job, JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._scope import Resolution, match_entry, normalized_scope, unknown_entry
from ansible_collections.backupops.veeam.plugins.plugin_utils import _window_scope as window_scope

EXTENTS = dict(kind="extents", entry="repository 'E1'", what="maintenance mode of scale-out extent(s) 'E1', 'E2'", select_option="extents",
               select=dict(scale_out_repository="s", extents=["e1", "e2"]), set=dict(maintenance=True), restore=dict(maintenance=False))
CONFIG = dict(kind="config_backup", entry="configuration backup", what="the configuration backup", select_option=None, select={},
              set=dict(state="disabled"), restore=dict(state="enabled"))


def job(name):
    return Job(name.lower(), name, True, False, None, None, None, {})


def resolution(*switches):
    found = Resolution()
    found.add_job(job("A"), "writes to repository 'E1'", "repository 'E1'")
    found.add_job(job("A"), "names proxy 'P' explicitly", "proxy 'P'")
    found.add_job(job("B"), "writes to repository 'E1'", "repository 'E1'")
    found.switches.extend(dict(switch) for switch in switches)
    return found


def test_normalized_scope_takes_lists_or_one_name_and_names_what_is_wrong():
    assert normalized_scope(None) == {} and normalized_scope({}) == {}
    assert normalized_scope({"repositories": "Repo 1", "proxies": []}) == {"repositories": ["Repo 1"]}
    for bad, words in (({"extents": ["x"]}, "unknown keys extents"), (["x"], "must be a mapping"), ({"proxies": [""]}, "non-empty strings")):
        with pytest.raises(JobModuleError) as failure:
            normalized_scope(bad)
        assert words in str(failure.value)


def test_match_entry_by_id_any_case_else_by_exact_name_and_the_unknown_sentence_lists_candidates():
    candidates = [dict(id="ID-1", name="Repo"), dict(id="id-2", name="Other")]
    assert match_entry("id-1", candidates) == [candidates[0]] and match_entry("Other", candidates) == [candidates[1]]
    assert match_entry("repo", candidates) == []
    assert unknown_entry("repository", "X", "https://vbr/", candidates) == \
        "repository 'X' is not on https://vbr/; its repositories are 'Repo' (ID-1), 'Other' (id-2)"


def test_resolution_groups_jobs_by_entry_and_keeps_every_why():
    found = resolution()
    assert found.by_entry() == {"repository 'E1'": ["A", "B"], "proxy 'P'": ["A"]}
    assert found.why()["a"] == ["writes to repository 'E1'", "names proxy 'P' explicitly"]
    assert not found.empty() and Resolution().empty()


def test_scope_record_keeps_what_an_unrestored_earlier_begin_switched():
    earlier = dict(scope=dict(switches=[dict(EXTENTS, changed=["e1"]), dict(CONFIG, changed=["config_backup"])]))
    record = window_scope.scope_record({"repositories": ["E1"]}, True, resolution(EXTENTS), [earlier])
    switches = record["switches"]
    # The earlier begin's configuration backup stays to be undone though this resolution no longer plans it.
    assert [switch["kind"] for switch in switches] == ["config_backup", "extents"]
    assert switches[1]["changed"] == ["e1"] and switches[0]["changed"] == ["config_backup"]
    assert record["by_entry"]["repository 'E1'"] == ["A", "B"] and record["maintenance_mode"] is True


def test_with_scope_without_a_resolution_carries_the_earlier_scope():
    earlier = [dict(scope=dict(switches=[dict(EXTENTS, changed=["e1"])]))]
    assert window_scope.with_scope(dict(jobs=[]), {}, False, None, earlier)["scope"] == earlier[0]["scope"]
    assert "scope" not in window_scope.with_scope(dict(jobs=[]), {}, False, None, [])


def test_only_what_the_window_changed_is_undone_last_set_first():
    record = dict(scope=dict(switches=[dict(EXTENTS, changed=[]), dict(CONFIG, changed=[])]))
    record = window_scope.with_changed(record, 0, ["e2"])
    record = window_scope.with_changed(record, 1, ["config_backup"])
    order = window_scope.changed_switches(record)
    assert [index for index, _switch in order] == [1, 0]
    # e1 was in maintenance before the window: only e2 is taken out.
    assert window_scope.restore_options(order[1][1]) == dict(scale_out_repository="s", extents=["e2"], maintenance=False)
    assert window_scope.restore_options(order[0][1]) == dict(state="enabled")
    done = window_scope.without_changed(record, 0)
    assert window_scope.changed_switches(done) == [(1, done["scope"]["switches"][1])] and done["scope"]["switches"][0]["restored"] == ["e2"]


def test_the_words_of_a_scoped_begin_and_end():
    record = dict(scope=window_scope.scope_record({"repositories": ["E1"]}, True, resolution(EXTENTS), []))
    record["scope"]["notes"].append("Repository 'R' has no maintenance mode")
    parts = window_scope.begin_parts(record, [(EXTENTS["what"], ["E2"])], False)
    assert parts[0] == "Scope repositories 'E1' (repository 'E1': 2 job(s), proxy 'P': 1 job(s)); Repository 'R' has no maintenance mode."
    assert parts[1] == "Set maintenance mode of scale-out extent(s) 'E1', 'E2'."
    assert window_scope.end_parts([(CONFIG["what"], [])], True) == ["Would undo the configuration backup (already so, left as it was)."]
    assert window_scope.begin_parts(dict(jobs=[]), [], False) == []
