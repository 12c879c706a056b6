# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The infrastructure runner's decisions with an in-memory kind: selection, read-before-write, one write per group,
settling objects, unclear answers (never resent), refusals, check and diff mode; and the pure VBR helpers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._api import ObjectKind
from ansible_collections.backupops.veeam.plugins.module_utils._http import VeeamApiError
from ansible_collections.backupops.veeam.plugins.module_utils._model import JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils._object_runner import ObjectRunner
from ansible_collections.backupops.veeam.plugins.module_utils._objects import SETTLING, UNKNOWN, InfraObject, select_objects
from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._infrastructure import extent_state, extent_status, extents_of, tiers_not_shown
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._uses import jobs_by_repository, repositories_of, values_at


class Server(object):
    """In-memory objects {id: {field: value}}, names, and what was written."""

    def __init__(self, **objects):
        self.state = dict((key, dict(value)) for key, value in objects.items())
        self.writes = []
        self.reads = 0
        self.fail_with = None
        self.apply_failed = False
        self.settle_after = {}

    def result_fields(self):
        return dict(api_version="test")

    def describe(self, handle):
        return dict(handle)


class Switches(ObjectKind):
    name, title, plural, module = "switches", "switch", "switches", "test.switch"
    fields = ("on", "locked")

    def read(self, client, params):
        client.reads += 1
        found = []
        for key, state in sorted(client.state.items()):
            shown = dict(state)
            if client.settle_after.get(key, 0) >= client.reads:
                shown = dict((field, SETTLING) for field in state)
            found.append(InfraObject(key, key.upper(), shown, dict(kind="switch")))
        return found

    def select(self, objects, params):
        return select_objects(objects, params["names"], self.title, "on the test server")

    def write(self, client, objects, field, value, params):
        client.writes.append((field, value, [obj.id for obj in objects]))
        if client.fail_with is not None:
            if client.apply_failed:
                self._apply(client, objects, field, value)
            raise client.fail_with
        self._apply(client, objects, field, value)
        return [(dict(id="session-%d" % len(client.writes)), objects)]

    @staticmethod
    def _apply(client, objects, field, value):
        for obj in objects:
            client.state[obj.id][field] = value


def runner(server, check_mode=False, **params):
    options = dict(names=["A", "B"], on=None, locked=None, wait=True, wait_timeout=1, wait_sleep=0.01)
    options.update(params)
    warnings = []
    return ObjectRunner(server, Switches(), options, check_mode, warnings.append), warnings


def test_one_write_per_group_then_idempotent():
    server = Server(a=dict(on=False, locked=False), b=dict(on=False, locked=True))
    first, _warnings = runner(server, on=True, locked=False)
    result = first.run()
    assert server.writes == [("on", True, ["a", "b"]), ("locked", False, ["b"])]
    assert result["changed"] is True and [entry["actions"] for entry in result["switches"]] == [["enable_on"], ["enable_on", "disable_locked"]]
    assert result["switches"][1]["after"] == dict(on=True, locked=False) and result["switches"][1]["sessions"] == [{"id": "session-1"}, {"id": "session-2"}]
    assert result["diff"]["before"]["B (b)"] == dict(on=False, locked=True)
    second, _warnings = runner(server, on=True, locked=False)
    again = second.run()
    assert again["changed"] is False and len(server.writes) == 2 and again["msg"].startswith("All 2 switches selected already")


def test_check_mode_plans_and_sends_nothing():
    server = Server(a=dict(on=False, locked=False), b=dict(on=True, locked=False))
    check, _warnings = runner(server, check_mode=True, on=True)
    result = check.run()
    assert server.writes == [] and result["changed"] is True
    assert [entry["actions"] for entry in result["switches"]] == [["enable_on"], []]
    assert result["switches"][0]["after"] == dict(on=True) and result["msg"].startswith("Would have sent enable_on to 1 of 2 switches selected")


def test_unknown_name_fails_listing_the_candidates_before_any_write():
    server = Server(a=dict(on=False, locked=False), b=dict(on=False, locked=False))
    bad, _warnings = runner(server, names=["A", "C"], on=True)
    with pytest.raises(JobModuleError) as failure:
        bad.run()
    assert "'C'" in str(failure.value) and "'A' (a)" in str(failure.value) and server.writes == []


def test_select_objects_by_id_any_case_and_ambiguous_names():
    objects = [InfraObject("ID-1", "Same", {}, {}), InfraObject("id-2", "Same", {}, {}), InfraObject("id-3", "Other", {}, {})]
    assert [obj.id for obj in select_objects(objects, ["id-1", "Other", "ID-3"], "extent", "of 'S'")] == ["ID-1", "id-3"]
    with pytest.raises(JobModuleError) as failure:
        select_objects(objects, ["Same"], "extent", "of 'S'")
    assert "2 extents of 'S' are named 'Same' (ids ID-1, id-2)" in str(failure.value)


def test_a_refused_write_fails_naming_the_objects_and_stops_further_writes():
    server = Server(a=dict(on=False, locked=True), b=dict(on=False, locked=True))
    server.fail_with = VeeamApiError("forbidden", "POST", "https://x/", 403)
    refused, _warnings = runner(server, on=True, locked=False)
    with pytest.raises(VeeamApiError) as failure:
        refused.run()
    assert "switches 'A', 'B': enable_on was refused" in str(failure.value) and len(server.writes) == 1
    assert refused.partial_result()["changed"] is False


def test_an_unclear_write_that_shows_is_counted_and_never_resent():
    server = Server(a=dict(on=False, locked=False), b=dict(on=True, locked=False))
    server.fail_with, server.apply_failed = VeeamApiError("bad gateway", "POST", "https://x/", 502), True
    unclear, warnings = runner(server, on=True)
    result = unclear.run()
    assert result["changed"] is True and server.writes == [("on", True, ["a"])] and server.state["a"]["on"] is True
    assert "re-read instead of resending" in warnings[0]


def test_an_unclear_write_without_effect_fails_saying_nothing_was_resent():
    server = Server(a=dict(on=False, locked=False), b=dict(on=True, locked=False))
    server.fail_with = VeeamApiError("connection reset", "POST", "https://x/", None)
    unclear, _warnings = runner(server, on=True, wait_timeout=0.2)
    with pytest.raises(JobModuleError) as failure:
        unclear.run()
    assert "Nothing was sent again" in str(failure.value) and "A on=false" in str(failure.value) and len(server.writes) == 1
    assert "The answer was unclear (enable_on: connection reset (POST https://x/))." in str(failure.value)
    assert unclear.partial_result()["switches"][0]["actions"] == ["enable_on"]


def test_settling_objects_are_awaited_before_they_are_judged():
    server = Server(a=dict(on=True, locked=False), b=dict(on=False, locked=False))
    server.settle_after = dict(a=2)
    settling, _warnings = runner(server, on=True)
    result = settling.run()
    assert server.writes == [("on", True, ["b"])] and result["switches"][0]["before"] == dict(on=True)


def test_an_object_that_never_settles_fails_at_the_deadline():
    server = Server(a=dict(on=True, locked=False), b=dict(on=False, locked=False))
    server.settle_after = dict(a=10 ** 6)
    stuck, _warnings = runner(server, on=True, wait_timeout=0.2)
    with pytest.raises(WaitTimeout) as failure:
        stuck.run()
    assert "to settle" in str(failure.value) and "A on=settling" in str(failure.value) and server.writes == []


def test_check_mode_does_not_wait_for_settling_objects_and_says_so():
    server = Server(a=dict(on=True, locked=False), b=dict(on=True, locked=False))
    server.settle_after = dict(a=10 ** 6)
    check, warnings = runner(server, check_mode=True, on=True)
    result = check.run()
    assert result["switches"][0]["actions"] == ["enable_on"] and "changing them" in warnings[0]


def test_declaring_nothing_is_a_problem_naming_the_fields():
    assert Switches().problems(dict(on=None, locked=None)) == ["declare at least one of on, locked"]
    assert Switches().problems(dict(on=False, locked=None)) == []


@pytest.mark.parametrize("status, statuses, state", [
    ("Normal", ["Normal"], dict(maintenance=False, sealed=False)),
    ("Sealed", ["Sealed"], dict(maintenance=False, sealed=True)),
    (["Maintenance", "Sealed"], ["Maintenance", "Sealed"], dict(maintenance=True, sealed=True)),
    (["Pending", "Sealed"], ["Pending", "Sealed"], dict(maintenance=SETTLING, sealed=SETTLING)),
    (None, [], dict(maintenance=False, sealed=False)),
])
def test_extent_status_string_or_array(status, statuses, state):
    assert extent_status(status) == statuses and extent_state(statuses, not isinstance(status, list)) == state


def test_one_status_in_maintenance_cannot_say_sealed():
    assert extent_state(["Maintenance"], one_status=True) == dict(maintenance=True, sealed=UNKNOWN)
    assert extent_state(["Maintenance"], one_status=False) == dict(maintenance=True, sealed=False)


def test_extents_of_a_sobr_lower_cases_ids_and_names_the_sobr():
    sobr = dict(id="S1", name="SOBR", performanceTier=dict(performanceExtents=[dict(id="E-1", name="Extent 1", status="Sealed")]))
    (extent,) = extents_of(sobr)
    assert extent.id == "e-1" and extent.state == dict(maintenance=False, sealed=True)
    assert extent.details == dict(status=["Sealed"], scale_out_repository=dict(id="S1", name="SOBR"))


def test_repositories_of_reads_the_state_and_every_model_field():
    copy = dict(id="j1", name="Copy", type="BackupCopy", target=dict(backupRepositoryId="R-T"),
                sourceObjects=dict(includes=dict(repositories=[dict(id="R-S1"), dict(id="R-S2")])))
    assert repositories_of(copy, dict(repositoryId="R-T")) == [("r-t", "target"), ("r-s1", "source"), ("r-s2", "source")]
    replica = dict(jobSettings=dict(metadataRepositoryId="M"), virtualMachines=dict(sourceRepositories=dict(repositoryIds=["A", "B"])))
    assert repositories_of(replica, None) == [("m", "metadata"), ("a", "source"), ("b", "source")]
    assert values_at(dict(secondaryTargets=[dict(backupRepositoryId="X"), dict(other=1)]), ("secondaryTargets", "backupRepositoryId")) == ["X"]


def test_jobs_by_repository_keeps_jobs_only_the_states_list():
    models = [dict(id="J1", name="One", type="VSphereBackup", storage=dict(backupRepositoryId="R1"))]
    states = [dict(id="J1", name="One", type="VSphereBackup", repositoryId="R1"), dict(id="J2", name="Cloud", type="CloudBackupAzure", repositoryId="R2")]
    found = jobs_by_repository(models, states)
    assert found["r1"] == [dict(id="J1", name="One", type="VSphereBackup", role="target")]
    assert found["r2"] == [dict(id="J2", name="Cloud", type="CloudBackupAzure", role="target")]


def test_capacity_and_archive_tiers_are_named_as_not_shown():
    assert tiers_not_shown(dict(name="S", performanceTier={})) is None
    both = tiers_not_shown(dict(name="S", capacityTier=dict(isEnabled=True, extents=[dict(id="c1"), dict(id="c2")]),
                                archiveTier=dict(isEnabled=True, extentId="a1")))
    assert both.startswith("scale-out repository 'S': its 2 capacity extent(s) and archive extent are not listed") and "no maintenance" in both
