"""VB365 backup infrastructure over real HTTPS: proxies per version (a list with extendedView in v6/v7, a PageOfRESTProxy in v8),
v8's proxy pools, backup repositories and their filters, v8's proxy maintenance mode with each operating system's credentials,
its timing and faults, and the scenario keys. The shapes are also checked against the vendor documents (skipped without them)."""

import json
import time

import pytest

from sim_helpers import wait_until
from test_contract import SPECS, check, operation, spec, undeclared_fields
from veeam_sim.state import COPY_REPOSITORY_ID, REPOSITORY_ID, default_scenario
from veeam_sim.testing import SimError
from veeam_sim.vb365infra import DEFAULT_CREDENTIALS

VERSIONS = ("v6", "v7", "v8")
MISSING = "00000000-0000-0000-0000-000000000000"
WINDOWS = "vb365proxy01.backupops.local"
LINUX = "vb365lnx01.backupops.local"
WINDOWS_BODY = {"username": DEFAULT_CREDENTIALS["Windows"]["username"], "password": DEFAULT_CREDENTIALS["Windows"]["password"]}
LINUX_BODY = {"sshSettings": {"account": DEFAULT_CREDENTIALS["Linux"]["account"], "accountPassword": DEFAULT_CREDENTIALS["Linux"]["password"],
                              "port": 22}}
documents = pytest.mark.skipif(not SPECS.is_dir(), reason="vendor OpenAPI documents not found at %s (they live outside the repository)" % SPECS)

# A scenario of its own: a pool of two Linux proxies with their own SSH account, an offline Windows proxy already in maintenance,
# a JET-based repository, and jobs that name their repositories.
CUSTOM = {"vb365": {
    "proxy_pools": [{"name": "Pool A", "description": "Linux pool"}],
    "proxies": [{"name": "win01.corp", "os": "Windows", "credentials": {"username": "CORP\\svc", "password": "W-1"}},
                {"name": "lnx01.corp", "os": "Linux", "pool": "Pool A", "credentials": {"account": "vbo", "password": "L-1"}},
                {"name": "lnx02.corp", "os": "Linux", "pool": "Pool A"},
                {"name": "win02.corp", "status": "Offline", "maintenance": True, "type": "Workgroup"}],
    "repositories": [{"name": "Repo Win", "proxy": "win01.corp"}, {"name": "Repo Archive", "proxy": "win01.corp", "longTerm": True},
                     {"name": "Repo Pool", "pool": "Pool A", "objectStorage": "AmazonS3"},
                     {"name": "Repo Local", "proxy": "win02.corp", "objectStorage": None, "path": "D:\\VBO"}],
    "jobs": [{"name": "Mail", "repository": "Repo Win"},
             {"name": "Sites", "repository": "Repo Pool", "organizationId": "11111111-1111-1111-1111-111111111111"}],
    "copy_jobs": [{"name": "Mail Copy", "backupJob": "Mail", "repository": "Repo Archive"}],
}}


def infra(sim):
    return sim.state()["vb365"]["infrastructure"]


def proxy_id(sim, host):
    return next(proxy["id"] for proxy in infra(sim)["proxies"] if proxy["hostName"] == host)


def items(answer, version):
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body if version != "v8" else body["results"]


def state_of(session, proxy):
    return session.get("Proxies/" + proxy).json()["maintenanceModeState"]


# -- shapes per version --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_proxies_per_version(vb, sim, version):
    session = vb(version)
    listed = items(session.get("Proxies"), version)
    assert [proxy["hostName"] for proxy in listed] == [WINDOWS, LINUX, "vb365lnx02.backupops.local"]
    windows = listed[0]
    assert windows["status"] == "Online" and windows["type"] == "Domain" and windows["_links"]["self"]["href"] == "/%s/Proxies/%s" % (version, windows["id"])
    assert ("fqdn" in windows) == (version != "v6")
    # v6's extendedView defaults to true, v7's to false; v8 has neither extendedView nor threadsNumber.
    assert ("threadsNumber" in windows) == (version == "v6")
    v8_fields = {"operatingSystem", "proxyPoolId", "maintenanceModeState", "role", "version", "serviceAccount", "cpuUsagePercent"}
    assert (v8_fields <= set(windows)) if version == "v8" else not v8_fields & set(windows)
    if version == "v8":
        assert windows["operatingSystem"] == "Windows" and windows["maintenanceModeState"] == "Disabled" and windows["proxyPoolId"] is None
        assert listed[1]["operatingSystem"] == "Linux" and listed[1]["proxyPoolId"] == infra(sim)["proxyPools"][0]["id"]
    assert session.get("Proxies/" + windows["id"]).json() == windows


@pytest.mark.parametrize("version,extended,threads", [("v6", "false", False), ("v7", "true", True), ("v7", "TRUE", True)])
def test_extended_view_switches_the_thread_and_throttling_fields(vb, version, extended, threads):
    session = vb(version)
    listed = session.get("Proxies", params={"extendedView": extended}).json()
    assert all(("threadsNumber" in proxy) == threads and ("throttlingUnit" in proxy) == threads for proxy in listed)
    one = session.get("Proxies/" + listed[0]["id"], params={"extendedView": extended}).json()
    assert ("threadsNumber" in one) == threads
    assert session.get("Proxies", params={"extendedView": "maybe"}).status_code == 400


def test_an_offline_proxy_has_no_extended_fields_even_when_asked(vb, sim):
    sim.reset(CUSTOM)
    offline = {proxy["hostName"]: proxy for proxy in vb("v6").get("Proxies", params={"extendedView": "true"}).json()}["win02.corp"]
    assert offline["status"] == "Offline" and offline["type"] == "Workgroup" and "threadsNumber" not in offline
    v8 = vb("v8").get("Proxies/" + offline["id"]).json()
    assert v8["maintenanceModeState"] == "Enabled" and v8["cpuUsagePercent"] is None


def test_v8_proxy_paging(vb, sim):
    session = vb("v8")
    first = session.get("Proxies", params={"limit": 2}).json()
    assert (first["offset"], first["limit"], len(first["results"])) == (0, 2, 2) and "next" in first["_links"]
    rest = session.get("Proxies", params={"limit": 2, "offset": 2}).json()
    assert [proxy["hostName"] for proxy in rest["results"]] == ["vb365lnx02.backupops.local"] and "next" not in rest["_links"]
    assert session.get("Proxies", params={"limit": 0}).json()["errorCode"] == "ParameterValidationFailure"


def test_unknown_and_malformed_proxy_ids(vb):
    missing = vb("v8").get("Proxies/" + MISSING)
    assert missing.status_code == 404 and missing.json()["errorCode"] == "ResourceNotFound" and MISSING in missing.json()["message"]
    assert vb("v7").get("Proxies/not-a-guid").status_code == 400
    assert vb("v6").get("Proxies/" + MISSING).json() == {"message": "Backup proxy server with ID '%s' was not found." % MISSING}


def test_proxy_pools_are_v8_only(vb, sim):
    session = vb("v8")
    page = session.get("ProxyPools").json()
    assert [pool["name"] for pool in page["results"]] == ["Linux Proxy Pool"] and page["offset"] == 0 and page["limit"] == 30
    pool = page["results"][0]
    assert session.get("ProxyPools/" + pool["id"]).json() == pool
    members = session.get("ProxyPools/%s/proxies" % pool["id"]).json()["results"]
    assert [proxy["hostName"] for proxy in members] == [LINUX, "vb365lnx02.backupops.local"]
    assert session.get("ProxyPools/" + MISSING).status_code == 404
    for version in ("v6", "v7"):
        gone = vb(version).get("ProxyPools")
        assert gone.status_code == 404 and "No HTTP resource was found" in gone.json()["message"]


@pytest.mark.parametrize("version", VERSIONS)
def test_repositories_per_version_and_jobs_resolve_to_them(vb, sim, version):
    session = vb(version)
    listed = {repository["name"]: repository for repository in items(session.get("BackupRepositories"), version)}
    assert listed["Object Storage Repository"]["id"] == REPOSITORY_ID and listed["Azure Archive Repository"]["id"] == COPY_REPOSITORY_ID
    job_repositories = {job["repositoryId"] for job in items(session.get("Jobs"), version)}
    job_repositories |= {job["repositoryId"] for job in items(session.get("CopyJobs"), version)}
    assert job_repositories <= {repository["id"] for repository in listed.values()}
    archive = listed["Azure Archive Repository"]
    assert archive["isLongTerm"] is True and archive["proxyId"] == proxy_id(sim, WINDOWS)
    pooled = listed["Linux Pool Repository"]
    assert pooled["proxyId"] is None
    if version == "v8":
        assert "objectStorageId" not in archive and archive["objectStorage"]["type"] == "AzureBlobArchive"
        assert pooled["proxyPoolId"] == infra(sim)["proxyPools"][0]["id"]
        assert archive["organizationId"] is not None and pooled["organizationId"] is None
        assert archive["organizationId"] == listed["Object Storage Repository"]["organizationId"]
    else:
        assert archive["objectStorageId"] and "objectStorage" not in archive and "proxyPoolId" not in archive
    assert session.get("BackupRepositories/" + archive["id"]).json() == archive
    assert session.get("BackupRepositories/" + MISSING).status_code == 404


@pytest.mark.parametrize("version", VERSIONS)
def test_repository_filters(vb, sim, version):
    sim.reset(CUSTOM)
    session = vb(version)

    def names(**params):
        return [repository["name"] for repository in items(session.get("BackupRepositories", params=params), version)]

    win01 = proxy_id(sim, "win01.corp")
    assert names(proxyId=win01) == ["Repo Win", "Repo Archive"]
    assert names(proxyId=win01.upper(), longTerm="true") == ["Repo Archive"]
    assert names(longTerm="false") == ["Repo Win", "Repo Archive", "Repo Pool", "Repo Local"]
    assert names(proxyId=MISSING) == []
    assert session.get("BackupRepositories", params={"proxyId": "x"}).status_code == 400
    assert session.get("BackupRepositories", params={"longTerm": "yes"}).status_code == 400
    pool = infra(sim)["proxyPools"][0]["id"]
    organization = "11111111-1111-1111-1111-111111111111"
    if version == "v8":
        assert names(proxyPoolId=pool) == ["Repo Pool"]
        assert names(organizationId=organization) == ["Repo Pool"]
        assert names(limit=1, offset=1) == ["Repo Archive"]
        local = session.get("BackupRepositories/" + infra(sim)["repositories"][3]["id"]).json()
        assert "objectStorage" not in local and local["capacityBytes"] > 0 and local["path"] == "D:\\VBO"
    else:
        # Not documented before v8: ignored.
        assert len(names(proxyPoolId=pool)) == 4


def test_job_repository_filters(vb, sim):
    sim.reset(CUSTOM)
    repositories = {repository["name"]: repository["id"] for repository in infra(sim)["repositories"]}
    v8 = vb("v8")
    assert [job["name"] for job in v8.get("Jobs", params={"repositoryId": repositories["Repo Pool"]}).json()["results"]] == ["Sites"]
    assert [job["name"] for job in vb("v6").get("CopyJobs", params={"repositoryId": repositories["Repo Archive"]}).json()] == ["Mail Copy"]
    assert v8.get("CopyJobs", params={"repositoryId": repositories["Repo Win"]}).json()["results"] == []


# -- maintenance mode (v8) -----------------------------------------------------------------------------------


@pytest.mark.parametrize("host,body", [(WINDOWS, WINDOWS_BODY), (LINUX, LINUX_BODY)])
def test_maintenance_enable_then_enabled_then_disable(vb, sim, host, body):
    sim.configure(vb365_maintenance_seconds=0.4)
    session = vb("v8")
    proxy = proxy_id(sim, host)
    started = time.monotonic()
    answer = session.post("Proxies/%s/maintenance/enable" % proxy, json=body)
    assert answer.status_code == 204 and answer.content == b""
    assert state_of(session, proxy) == "Enabling"
    wait_until(lambda: state_of(session, proxy) == "Enabled")
    assert time.monotonic() - started >= 0.4
    again = session.post("Proxies/%s/maintenance/enable" % proxy, json=body)
    assert again.status_code == 409 and again.json()["errorCode"] == "OperationConflict"
    assert session.post("Proxies/%s/maintenance/disable" % proxy, json=body).status_code == 204
    assert state_of(session, proxy) == "Disabled"
    assert session.post("Proxies/%s/maintenance/disable" % proxy, json=body).status_code == 409
    assert sim.count("POST", "/v8/Proxies/{id}/maintenance/enable") == 2


def test_disable_while_enabling_goes_back_to_disabled(vb, sim):
    sim.configure(vb365_maintenance_seconds=5)
    session = vb("v8")
    proxy = proxy_id(sim, WINDOWS)
    session.post("Proxies/%s/maintenance/enable" % proxy, json=WINDOWS_BODY)
    assert session.post("Proxies/%s/maintenance/disable" % proxy, json=WINDOWS_BODY).status_code == 204
    assert state_of(session, proxy) == "Disabled"


def test_scenario_credentials_are_checked(vb, sim):
    sim.reset(CUSTOM)
    sim.configure(vb365_maintenance_seconds=0)
    session = vb("v8")
    win01, lnx01 = proxy_id(sim, "win01.corp"), proxy_id(sim, "lnx01.corp")
    wrong = session.post("Proxies/%s/maintenance/enable" % win01, json={"username": "CORP\\svc", "password": "nope"})
    assert wrong.status_code == 403 and wrong.json()["errorCode"] == "ResourceAccessDenied" and "win01.corp" in wrong.json()["message"]
    assert session.post("Proxies/%s/maintenance/enable" % win01, json={"username": "corp\\SVC", "password": "W-1"}).status_code == 204
    wrong_account = session.post("Proxies/%s/maintenance/enable" % lnx01, json={"sshSettings": {"account": "VBO", "accountPassword": "L-1"}})
    assert wrong_account.status_code == 403
    assert session.post("Proxies/%s/maintenance/enable" % lnx01, json={"sshSettings": {"account": "vbo", "accountPassword": "L-1"}}).status_code == 204
    assert {p["hostName"]: p["maintenanceModeState"] for p in infra(sim)["proxies"]} == {
        "win01.corp": "Enabled", "lnx01.corp": "Enabled", "lnx02.corp": "Disabled", "win02.corp": "Enabled"}


@pytest.mark.parametrize("host,body,content_type,status", [
    (WINDOWS, None, "application/json", 400),
    (WINDOWS, {}, "application/json", 400),
    (WINDOWS, LINUX_BODY, "application/json", 400),
    (WINDOWS, {"username": "x"}, "application/json", 400),
    (LINUX, WINDOWS_BODY, "application/json", 400),
    (LINUX, {"sshSettings": {"account": "veeam", "privateKeyBase64": "AAAA"}}, "application/json", 400),
    (WINDOWS, WINDOWS_BODY, "text/plain", 415),
])
def test_a_missing_or_wrong_kind_of_body_is_refused(vb, sim, host, body, content_type, status):
    session = vb("v8")
    proxy = proxy_id(sim, host)
    data = b"" if body is None else json.dumps(body).encode()
    answer = session.post("Proxies/%s/maintenance/enable" % proxy, data=data, headers={"Content-Type": content_type})
    assert answer.status_code == status, answer.text
    if status == 400:
        assert answer.json()["errorCode"] == "ParameterValidationFailure"
        assert ("runs Linux" if host == LINUX else "runs Windows") in answer.json()["message"]
    assert state_of(session, proxy) == "Disabled"


def test_maintenance_refusals_by_proxy_state_and_token(vb, sim):
    sim.reset(CUSTOM)
    session = vb("v8")
    offline = session.post("Proxies/%s/maintenance/disable" % proxy_id(sim, "win02.corp"), json=WINDOWS_BODY)
    assert offline.status_code == 400 and offline.json()["errorCode"] == "ProxyOffline"
    assert session.post("Proxies/%s/maintenance/enable" % MISSING, json=WINDOWS_BODY).status_code == 404
    anonymous = session.http.post(session.url("Proxies/%s/maintenance/enable" % proxy_id(sim, "win01.corp")), json=WINDOWS_BODY,
                                  headers={"Authorization": ""}, timeout=10)
    assert anonymous.status_code == 401
    antiforgery = vb("v8", antiforgery=True).post("Proxies/%s/maintenance/enable" % proxy_id(sim, "win01.corp"),
                                                  json={"username": "CORP\\svc", "password": "W-1"})
    assert antiforgery.status_code == 400 and "antiforgery" in antiforgery.json()["message"]


@pytest.mark.parametrize("version", ("v6", "v7"))
def test_maintenance_routes_do_not_exist_before_v8(vb, sim, version):
    answer = vb(version).post("Proxies/%s/maintenance/enable" % proxy_id(sim, WINDOWS), json=WINDOWS_BODY)
    assert answer.status_code == 404 and "No HTTP resource was found" in answer.json()["message"]
    assert infra(sim)["proxies"][0]["maintenanceModeState"] == "Disabled"


def test_faults_a_stuck_enable_and_a_failed_one(vb, sim):
    sim.configure(vb365_maintenance_seconds=0.1)
    session = vb("v8")
    windows, linux = proxy_id(sim, WINDOWS), proxy_id(sim, LINUX)
    sim.inject("task_stuck", api="vb365", path="/maintenance/enable$")
    assert session.post("Proxies/%s/maintenance/enable" % windows, json=WINDOWS_BODY).status_code == 204
    sim.inject("task_fail", api="vb365", path="/maintenance/enable$", message="Cannot stop the proxy service.")
    assert session.post("Proxies/%s/maintenance/enable" % linux, json=LINUX_BODY).status_code == 204
    assert state_of(session, linux) == "Enabling"
    wait_until(lambda: state_of(session, linux) == "Disabled")
    time.sleep(0.3)
    assert state_of(session, windows) == "Enabling"
    shown = {proxy["hostName"]: proxy for proxy in infra(sim)["proxies"]}
    assert shown[LINUX]["lastMaintenanceError"] == "Cannot stop the proxy service." and shown[WINDOWS]["lastMaintenanceError"] is None
    # A stuck proxy can still be taken out of maintenance; a disable hit by a fault answers 204 and changes nothing.
    assert session.post("Proxies/%s/maintenance/disable" % windows, json=WINDOWS_BODY).status_code == 204
    assert state_of(session, windows) == "Disabled"
    assert session.post("Proxies/%s/maintenance/enable" % windows, json=WINDOWS_BODY).status_code == 204
    wait_until(lambda: state_of(session, windows) == "Enabled")
    sim.inject("task_stuck", api="vb365", path="/maintenance/disable$")
    assert session.post("Proxies/%s/maintenance/disable" % windows, json=WINDOWS_BODY).status_code == 204
    assert state_of(session, windows) == "Enabled"


# -- scenarios ------------------------------------------------------------------------------------------------


def test_scenario_world_is_in_the_state(sim):
    sim.reset(CUSTOM)
    shown = infra(sim)
    assert [proxy["hostName"] for proxy in shown["proxies"]] == ["win01.corp", "lnx01.corp", "lnx02.corp", "win02.corp"]
    assert [(r["name"], r["isLongTerm"], r["objectStorage"]) for r in shown["repositories"]] == [
        ("Repo Win", False, "AzureBlob"), ("Repo Archive", True, "AzureBlobArchive"), ("Repo Pool", False, "AmazonS3"), ("Repo Local", False, None)]
    jobs = {job["name"]: job for job in sim.state()["vb365"]["jobs"] + sim.state()["vb365"]["copy_jobs"]}
    assert sorted(jobs) == ["Mail", "Mail Copy", "Sites"]


def test_jobs_without_a_repository_go_to_a_declared_one(vb, sim):
    sim.reset({"vb365": {"proxies": [{"name": "p1"}], "repositories": [{"name": "Only", "proxy": "p1"}, {"name": "Cold", "proxy": "p1", "longTerm": True}],
                         "jobs": [{"name": "J"}], "copy_jobs": [{"name": "J Copy", "backupJob": "J"}]}, "generate": {"vb365_jobs": 1}})
    ids = {r["name"]: r["id"] for r in infra(sim)["repositories"]}
    session = vb("v7")
    assert {job["name"]: job["repositoryId"] for job in session.get("Jobs").json()} == {"J": ids["Only"], "VB365 Job 0001": ids["Only"]}
    assert session.get("CopyJobs").json()[0]["repositoryId"] == ids["Cold"]


@pytest.mark.parametrize("vb365,message", [
    ({"proxies": [{"name": "p", "os": "Solaris"}]}, "os must be one of Windows, Linux"),
    ({"proxies": [{"name": "p"}, {"name": "p"}]}, "listed twice"),
    ({"proxies": [{"name": "p", "pool": "nope"}]}, "pool 'nope' names no vb365.proxy_pools entry"),
    ({"proxies": [{"name": "p", "os": "Linux", "credentials": {"username": "a", "password": "b"}}]}, "{account, password}"),
    ({"proxies": [{"name": "p", "status": "Down"}]}, "status must be one of Online, Offline"),
    ({"proxies": [{"name": "p", "maintenance": "yes"}]}, "maintenance must be true or false"),
    ({"proxies": [{"name": "p", "colour": "red"}]}, "unknown keys ['colour']"),
    ({"proxies": [{"name": "p", "id": "x"}]}, "id must be a GUID"),
    ({"proxies": "p"}, "vb365.proxies must be a list"),
    ({"proxies": [{"name": "p"}], "repositories": [{"name": "r"}]}, "exactly one of proxy"),
    ({"proxies": [{"name": "p"}], "repositories": [{"name": "r", "proxy": "q"}]}, "proxy 'q' names no vb365.proxies entry"),
    ({"proxies": [{"name": "p"}], "repositories": [{"name": "r", "proxy": "p", "longTerm": True, "objectStorage": "AzureBlob"}]},
     "not a long-term type"),
    ({"proxies": [{"name": "p"}], "repositories": [{"name": "r", "proxy": "p", "objectStorage": "Tape"}]}, "objectStorage must be null"),
    ({"proxies": [{"name": "p"}], "repositories": [{"name": "r", "proxy": "p"}], "jobs": [{"name": "j", "repository": "s"}]},
     "repository 's' names no VB365 repository (known: r ("),
    ({"proxies": [{"name": "p"}], "repositories": [{"name": "r", "proxy": "p"}], "jobs": [{"name": "j", "repositoryId": MISSING}]},
     "is none of vb365.repositories"),
    ({"jobs": [{"name": "j", "repository": "Object Storage Repository", "repositoryId": MISSING}]}, "not both"),
])
def test_invalid_scenarios_are_refused_with_a_clear_message(sim, vb365, message):
    with pytest.raises(SimError) as refused:
        sim.reset({"vb365": vb365})
    assert message in str(refused.value)


def test_the_default_scenario_file_keeps_the_default_infrastructure(sim):
    scenario = default_scenario()
    assert not {"proxies", "proxy_pools", "repositories"} & set(scenario["vb365"])
    sim.reset(scenario)
    assert len(infra(sim)["proxies"]) == 3 and len(infra(sim)["repositories"]) == 3


def test_config_key_is_validated(sim):
    assert sim.config()["vb365_maintenance_seconds"] == 0.3
    with pytest.raises(SimError) as refused:
        sim.configure(vb365_maintenance_seconds=-1)
    assert "vb365_maintenance_seconds" in str(refused.value)


# -- the documents ------------------------------------------------------------------------------------------------


def fits(version, path, method, answer):
    """The status is one the operation documents (an error may be its `default`) and the body fits that response's schema."""
    responses = operation(version, path, method)["responses"]
    key = str(answer.status_code) if str(answer.status_code) in responses else "default"
    assert key in responses and (key != "default" or answer.status_code >= 400), (path, answer.status_code, sorted(responses))
    content = responses[key].get("content")
    if content:
        check(version, next(iter(content.values()))["schema"], answer.json())
    else:
        assert answer.content == b""
    return answer


def declared_query(version, path):
    return {p["name"] for p in operation(version, path, "get").get("parameters", []) if p["in"] == "query"}


@documents
@pytest.mark.parametrize("version", VERSIONS)
def test_contract_proxies_and_repositories(vb, sim, version):
    sim.reset(CUSTOM)
    session = vb(version)
    paging = {"limit", "offset"} if version == "v8" else set()
    assert declared_query(version, "Proxies") == ({"extendedView"} if version != "v8" else paging)
    assert declared_query(version, "BackupRepositories") == {"proxyId", "longTerm"} | (
        {"proxyPoolId", "organizationId"} | paging if version == "v8" else set())
    for params in ({}, {"extendedView": "true"}, {"extendedView": "false"}) if version != "v8" else ({}, {"limit": 1, "offset": 1}):
        listed = items(fits(version, "Proxies", "get", session.get("Proxies", params=params)), version)
        for proxy in listed:
            assert undeclared_fields(version, "RESTProxy", proxy) == set()
            fits(version, "Proxies/{proxyId}", "get", session.get("Proxies/" + proxy["id"], params=params))
    for params in ({}, {"longTerm": "true"}, {"proxyId": proxy_id(sim, "win01.corp")}):
        listed = items(fits(version, "BackupRepositories", "get", session.get("BackupRepositories", params=params)), version)
        for repository in listed:
            assert undeclared_fields(version, "RESTBackupRepository", repository) == set()
            fits(version, "BackupRepositories/{repositoryId}", "get", session.get("BackupRepositories/" + repository["id"]))
    fits(version, "Proxies/{proxyId}", "get", session.get("Proxies/" + MISSING))
    fits(version, "BackupRepositories/{repositoryId}", "get", session.get("BackupRepositories/" + MISSING))
    if version == "v8":
        schemas = spec(version)["components"]["schemas"]
        assert schemas["RESTProxy"]["properties"]["maintenanceModeState"]["enum"] == ["Disabled", "Enabling", "Enabled"]
        assert undeclared_fields(version, "PageOfRESTProxy", session.get("Proxies").json()) == set()


@documents
def test_contract_v8_pools_and_maintenance(vb, sim):
    sim.reset(CUSTOM)
    sim.configure(vb365_maintenance_seconds=0)
    session = vb("v8")
    page = fits("v8", "ProxyPools", "get", session.get("ProxyPools")).json()
    assert undeclared_fields("v8", "RESTProxyPool", page["results"][0]) == set()
    pool = page["results"][0]["id"]
    fits("v8", "ProxyPools/{poolId}", "get", session.get("ProxyPools/" + pool))
    fits("v8", "ProxyPools/{poolId}/proxies", "get", session.get("ProxyPools/%s/proxies" % pool))
    enable = operation("v8", "Proxies/{proxyId}/maintenance/enable", "post")
    assert enable["requestBody"]["required"] is True
    body_schema = enable["requestBody"]["content"]["application/json"]["schema"]
    windows_body = {"username": "CORP\\svc", "password": "W-1"}
    linux_body = {"sshSettings": {"account": "vbo", "accountPassword": "L-1", "port": 22}}
    for body in (windows_body, linux_body):
        check("v8", body_schema, body)
    win01, lnx01 = proxy_id(sim, "win01.corp"), proxy_id(sim, "lnx01.corp")
    for action in ("enable", "disable"):
        path = "Proxies/{proxyId}/maintenance/" + action
        fits("v8", path, "post", session.post("Proxies/%s/maintenance/%s" % (win01, action), json=windows_body))
        fits("v8", path, "post", session.post("Proxies/%s/maintenance/%s" % (lnx01, action), json=linux_body))
    refusals = [session.post("Proxies/%s/maintenance/enable" % win01, json={"username": "CORP\\svc", "password": "bad"}),
                session.post("Proxies/%s/maintenance/enable" % win01, json=linux_body),
                session.post("Proxies/%s/maintenance/enable" % proxy_id(sim, "win02.corp"), json=windows_body),
                session.post("Proxies/%s/maintenance/disable" % win01, json=windows_body)]
    assert [answer.status_code for answer in refusals] == [403, 400, 400, 409]
    for answer in refusals:
        fits("v8", "Proxies/{proxyId}/maintenance/enable", "post", answer)
        assert undeclared_fields("v8", "RESTExceptionInfo", answer.json()) == set()
