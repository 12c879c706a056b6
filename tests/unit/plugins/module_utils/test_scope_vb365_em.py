# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scope resolutions of VB365 and Enterprise Manager on scripted reads (a client stand-in that answers from lists): which
jobs a repository or proxy brings in and why, what a release cannot do, and what fails before any change."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupops.veeam.plugins.module_utils._model import Job, JobList, JobModuleError
from ansible_collections.backupops.veeam.plugins.module_utils.em import _scope as em_scope
from ansible_collections.backupops.veeam.plugins.module_utils.em._client import NO_BACKUP_YET, NO_REPOSITORY_LINK
from ansible_collections.backupops.veeam.plugins.module_utils.vb365 import _scope as vb365_scope

SERVER = "https://vb365.example:4443/"


def job(job_id, name, **details):
    return Job(id=job_id, name=name, enabled=True, running=False, last_run=None, last_result=None, next_run=None, details=details)


class Vb365Stub(object):
    """What Vb365Scope reads of a client: version, kind, server and collections (counted)."""

    def __init__(self, version="v8", kind="all", **collections):
        self.version, self.kind, self.server = version, kind, SERVER
        self.collections = collections
        self.read = []

    def collection(self, path, what):
        self.read.append(path)
        return self.collections.get(path, [])


REPOSITORIES = [dict(id="R1", name="Repo 01", proxyId="P1"), dict(id="R2", name="Repo 02", proxyId="P2"),
                dict(id="RP", name="Pool Repo", proxyId=None, proxyPoolId="POOL")]
PROXIES = [dict(id="P1", hostName="proxy01", status="Online", maintenanceModeState="Disabled"),
           dict(id="P2", hostName="proxy02", status="Online", maintenanceModeState="Disabled"),
           dict(id="L1", hostName="lnx01", status="Online", maintenanceModeState="Disabled", proxyPoolId="POOL")]
BACKUPS = [job("b1", "Mail 01", kind="backup", repository_id="r1"), job("b2", "Sites 02", kind="backup", repository_id="R2"),
           job("bp", "Pool Mail", kind="backup", repository_id="RP")]
COPIES = [job("c2", "Sites 02 Copy", kind="copy", repository_id="R1", backup_job=dict(id="B2", name="Sites 02"))]


def vb365(scope, maintenance_mode=False, jobs=None, **stub):
    client = Vb365Stub(BackupRepositories=REPOSITORIES, Proxies=PROXIES, ProxyPools=[dict(id="POOL", name="Linux Pool")], **stub)
    jobs = JobList(BACKUPS + COPIES) if jobs is None else jobs
    return vb365_scope.resolve_scope(client, jobs, scope, maintenance_mode), client


def test_a_vb365_repository_brings_in_its_backup_jobs_the_copy_jobs_writing_there_and_those_copying_from_there():
    resolution, _client = vb365({"repositories": ["Repo 02", "r1"]})
    assert resolution.why() == {
        "b2": ["writes to repository 'Repo 02'"],
        "c2": ["copies backup job 'Sites 02', which writes to repository 'Repo 02'", "copies to repository 'Repo 01'"],
        "b1": ["writes to repository 'Repo 01'"]}
    assert resolution.by_entry() == {"repository 'Repo 02'": ["Sites 02", "Sites 02 Copy"], "repository 'Repo 01'": ["Sites 02 Copy", "Mail 01"]}
    assert resolution.switches == [] and resolution.notes == []


def test_a_v8_proxy_with_maintenance_mode_brings_in_its_pools_repositories_and_plans_its_switch():
    resolution, _client = vb365({"proxies": ["lnx01"]}, maintenance_mode=True)
    assert resolution.why() == {"bp": ["writes to repository 'Pool Repo' (served by the proxy pool 'Linux Pool' of proxy 'lnx01')"]}
    assert resolution.switches == [dict(kind="proxies", entry="proxy 'lnx01'", what="maintenance mode of proxy 'lnx01'", select_option="id",
                                        select=dict(id=["l1"]), set=dict(maintenance=True), restore=dict(maintenance=False))]
    assert resolution.states == [dict(entry="proxy 'lnx01'", kind="proxies", name="lnx01", state=dict(status="Online", maintenance="Disabled"))]


@pytest.mark.parametrize("version, maintenance_mode, note", [
    ("v7", True, "Proxy 'proxy02' cannot be put into maintenance mode through api_version v7 (proxy maintenance mode arrives with v8"),
    ("v8", False, "Proxy 'proxy02' stays as it is: maintenance_mode is false"),
])
def test_a_proxy_that_is_not_switched_is_said_and_its_jobs_are_quiesced(version, maintenance_mode, note):
    resolution, client = vb365({"proxies": ["proxy02"]}, maintenance_mode, version=version)
    assert sorted(resolution.why()) == ["b2", "c2"] and resolution.switches == []
    assert any(text.startswith(note) for text in resolution.notes), resolution.notes
    assert ("ProxyPools" in client.read) is (version == "v8")


def test_a_job_of_the_kind_job_kind_leaves_out_is_named_in_a_note_never_selected():
    raw_copies = [dict(id="c2", name="Sites 02 Copy", repositoryId="R1", backupJobId="b2")]
    resolution, client = vb365({"repositories": ["Repo 02"]}, jobs=JobList(BACKUPS), kind="backup", CopyJobs=raw_copies)
    assert list(resolution.why()) == ["b2"] and "CopyJobs" in client.read
    assert resolution.notes == ["Job 'Sites 02 Copy' copies backup job 'Sites 02', which writes to repository 'Repo 02', but job_kind backup "
                                "leaves copy jobs out of this window: it is not quiesced (set maintenance_window_vb365_job_kind to all to include it)"]


def test_unknown_and_ambiguous_vb365_entries_fail_naming_what_the_server_has():
    with pytest.raises(JobModuleError) as failure:
        vb365({"repositories": ["Repo 9"], "proxies": ["proxy9"]})
    message = str(failure.value)
    assert "repository 'Repo 9' is not on %s" % SERVER in message and "'Pool Repo' (RP)" in message and "'lnx01' (L1)" in message
    with pytest.raises(JobModuleError, match=r"repository 'Twin' names 2 repositories \(ids T1, T2\); name it by id"):
        twins = Vb365Stub(BackupRepositories=[dict(id="T1", name="Twin"), dict(id="T2", name="Twin")])
        vb365_scope.resolve_scope(twins, JobList(), {"repositories": ["Twin"]}, False)


def test_a_version_without_infrastructure_fails_before_reading_anything():
    client = Vb365Stub(version="v5")
    with pytest.raises(JobModuleError, match="api_version v5: a scoped window reads the backup repositories and proxies"):
        vb365_scope.resolve_scope(client, JobList(BACKUPS), {"repositories": ["Repo 01"]}, False)
    assert client.read == []


# -- Enterprise Manager ------------------------------------------------------------------------------------------------

XML_ONE = {"Ref": {"Type": "RepositoryReference", "Name": "Repo A", "UID": "urn:veeam:Repository:AAAA-1",
                   "Href": "https://em:9398/api/repositories/aaaa-1"}}
JSON_TWO = {"Refs": [{"Name": "Repo A", "UID": "urn:veeam:Repository:aaaa-1"}, {"Name": "Repo B", "Href": "https://em:9398/api/repositories/BBBB-2?x=1"}]}


@pytest.mark.parametrize("body, expected", [
    (XML_ONE, [dict(id="aaaa-1", name="Repo A")]),
    (JSON_TWO, [dict(id="aaaa-1", name="Repo A"), dict(id="bbbb-2", name="Repo B")]),
    ({}, []),
])
def test_the_em_repository_list_reads_in_either_format(body, expected):
    assert em_scope.repository_candidates(body) == expected


class EmStub(object):
    server = "https://em.example:9398/"

    def __init__(self, repositories_by_job, reasons=None):
        self.repositories_by_job = repositories_by_job
        self.reasons = reasons or {}
        self.asked = []

    def read_repositories(self):
        self.asked.append("repositories")
        return [dict(id="aaaa-1", name="Repo A"), dict(id="bbbb-2", name="Repo B")]

    def info_details(self, jobs):
        self.asked.append("backups")
        return [item._replace(details=dict(item.details, repositories=[dict(id=i) for i in self.repositories_by_job.get(item.id, [])],
                                           repository_unknown=self.reasons.get(item.id))) for item in jobs]


AGENT_JOBS = JobList([job("j1", "Fileserver"), job("j2", "DB Servers"), job("j3", "New Laptops"), job("j4", "Linkless")])
REASONS = {NO_BACKUP_YET: "no_backup", NO_REPOSITORY_LINK: "no_link"}


def em(scope, maintenance_mode=False, reasons=None):
    client = EmStub({"j1": ["aaaa-1"], "j2": ["bbbb-2"]}, reasons or {"j3": NO_BACKUP_YET, "j4": NO_REPOSITORY_LINK})
    return em_scope.resolve_scope(client, AGENT_JOBS, scope, maintenance_mode, REASONS), client


def test_an_em_repository_brings_in_the_jobs_with_backups_on_it_and_those_that_cannot_be_attributed():
    resolution, _client = em({"repositories": ["urn:veeam:Repository:AAAA-1"]}, maintenance_mode=True)
    assert resolution.why() == {"j1": ["has backups on repository 'Repo A'"], "j3": [em_scope.UNATTRIBUTED["no_backup"]],
                                "j4": [em_scope.UNATTRIBUTED["no_link"]]}
    assert em_scope.UNATTRIBUTED["no_backup"] == "has no backup yet, so Enterprise Manager cannot tell its repository: quiesced to be safe"
    assert resolution.notes == [em_scope.NO_SWITCHES, "2 agent job(s) cannot be attributed to a repository ('New Laptops', 'Linkless'): "
                                "Enterprise Manager names an agent job's repository only through its backups, so they are quiesced to be safe"]
    assert resolution.switches == []


def test_an_unattributed_job_is_grouped_under_every_repository_in_scope():
    resolution, _client = em({"repositories": ["Repo A", "Repo B"]})
    assert resolution.by_entry()["repository 'Repo B'"] == ["DB Servers", "New Laptops", "Linkless"]
    assert resolution.by_entry()["repository 'Repo A'"] == ["Fileserver", "New Laptops", "Linkless"]


def test_em_proxies_and_unknown_repositories_fail_before_the_backups_are_read():
    with pytest.raises(JobModuleError) as failure:
        em({"repositories": ["Repo C"], "proxies": ["proxy01"]})
    message = str(failure.value)
    assert "proxy 'proxy01': Enterprise Manager has no backup proxies" in message and "repository 'Repo C' is not on" in message
    assert "'Repo A' (aaaa-1)" in message and "Nothing was changed" in message


def test_a_failed_read_of_the_backups_fails_the_scope_rather_than_guessing():
    with pytest.raises(JobModuleError, match="Job 'New Laptops': reading the job's backups failed: timeout, so the scope cannot be resolved"):
        em({"repositories": ["Repo A"]}, reasons={"j3": "reading the job's backups failed: timeout"})
