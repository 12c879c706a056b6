"""The command line, TLS, plain HTTP, scenario files, generated scale and the extra VB365 listeners."""

import json
import os
import subprocess
import sys
import time

import pytest
import requests

from veeam_sim.testing import PACKAGE_PARENT, SimError, SimProcess


def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=PACKAGE_PARENT)
    return subprocess.run([sys.executable, "-m", "veeam_sim"] + list(args), capture_output=True, text=True, env=env, timeout=30, check=False)


def test_help_documents_the_options():
    result = run_cli("--help")
    assert result.returncode == 0
    for option in ("--vb365-port", "--em-port", "--plain-http", "--scenario", "--vb365-jobs", "--em-jobs", "--ready-file",
                   "--ca-file", "--state-dir", "--username", "--password", "--extra-vb365-ports", "/_sim/",
                   "--vbr-port", "--vbr-jobs", "--vbr-api-versions", "--vbr-release", "13.0.1=1.3-rev1"):
        assert option in result.stdout


def test_bad_scenario_file_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("vb365: {jobs: [{name: x, colour: red}]}\n")
    result = run_cli("--scenario", str(bad), "--vb365-port", "0", "--em-port", "0")
    assert result.returncode == 2 and "unknown keys" in result.stderr


def test_a_port_in_use_is_named_with_the_option_that_moves_it(sim, tmp_path):
    result = run_cli("--vb365-port", "0", "--em-port", str(sim.em_port), "--vbr-port", "0", "--state-dir", str(tmp_path))
    assert result.returncode == 2, result
    assert "port %d (em) on 127.0.0.1 is already in use" % sim.em_port in result.stderr
    assert "--em-port <port> (0 = a free port; make simulator SIM_ARGS='--em-port 0')" in result.stderr


def test_start_prints_urls_and_ca_and_tls_is_verified(sim):
    output = sim.process.output()
    assert "VB365 %s" % sim.vb365_url in output and "EM %s" % sim.em_url in output and "CA %s" % sim.ca_path in output
    assert "VBR %s" % sim.vbr_url in output and sim.vbr_url == "https://127.0.0.1:%d/api/" % sim.vbr_port
    assert sim.em_url.startswith("https://127.0.0.1:") and sim.em_url.endswith("/api/")
    plain = requests.Session()
    plain.trust_env = False
    assert plain.get(sim.em_url, verify=sim.ca_path, timeout=5).status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        plain.get(sim.em_url, verify=True, timeout=5)
    with pytest.raises(requests.exceptions.SSLError):
        plain.get(sim.vb365_url + "v8/Jobs", verify=True, timeout=5)


def test_plain_http_scenario_file_and_extra_ports(tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"vb365": {"jobs": [{"name": "From File", "enabled": False}]}, "em": {"jobs": []}}))
    with SimProcess(["--plain-http", "--scenario", str(scenario), "--extra-vb365-ports", "2", "--username", "ops"],
                    state_dir=str(tmp_path / "state")) as client:
        assert client.vb365_url.startswith("http://") and client.ca_path is None and client.username == "ops"
        assert [j["name"] for j in client.state()["vb365"]["jobs"]] == ["From File"]
        extra = client.extra_vb365_urls
        assert len(extra) == 2
        session = requests.Session()
        session.trust_env = False
        session.post(extra[0] + "_sim/reset", json={"generate": {"vb365_jobs": 3}})
        assert len(session.get(extra[0] + "_sim/state").json()["vb365"]["jobs"]) == 3
        assert len(session.get(extra[1] + "_sim/state").json()["vb365"]["jobs"]) == 1  # independent state
        assert client.state()["vb365"]["jobs"][0]["name"] == "From File"
    assert client.process.process.poll() is not None


def test_a_fleet_of_300_servers_under_a_low_open_files_limit(tmp_path):
    """300 VB365 servers are 302 listening sockets: the simulator raises its soft open-files limit (256 here) to the hard one,
    accepts on every port from one thread (no thread per idle port) and stops at once on SIGTERM."""
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1024:
        pytest.skip("the hard open-files limit is %d" % hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 256), hard))  # inherited by the simulator
    try:
        process = SimProcess(["--vb365-jobs", "1", "--em-jobs", "0", "--extra-vb365-ports", "299"], state_dir=str(tmp_path))
        client = process.start()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    try:
        urls = [client.vb365_url] + client.extra_vb365_urls
        assert len(set(urls)) == 300
        session = requests.Session()
        session.trust_env = False
        session.verify = client.ca_path
        session.post(urls[-1] + "_sim/reset", json={"generate": {"vb365_jobs": 3}}).raise_for_status()
        assert len(session.get(urls[-1] + "_sim/state").json()["vb365"]["jobs"]) == 3
        assert len(session.get(urls[-2] + "_sim/state").json()["vb365"]["jobs"]) == 1
        with open("/proc/%d/status" % client.info["pid"], encoding="ascii") as status:
            threads = [int(line.split()[1]) for line in status if line.startswith("Threads:")]
        assert threads[0] < 20  # the accept loop and the connections' threads, not one per port
    finally:
        stopping = time.monotonic()
        process.stop()
    assert process.process.returncode == 0 and time.monotonic() - stopping < 3


def test_a_process_that_cannot_start_is_reported(tmp_path):
    with pytest.raises(SimError, match="exited"):
        SimProcess(["--scenario", str(tmp_path / "missing.yaml")], state_dir=str(tmp_path)).start()


def test_five_thousand_jobs_stay_fast(tmp_path):
    with SimProcess(["--vb365-jobs", "5000", "--em-jobs", "5000"], state_dir=str(tmp_path)) as client:
        session = requests.Session()
        session.trust_env = False
        session.verify = client.ca_path
        form = {"grant_type": "password", "username": client.username, "password": client.password, "disable_antiforgery_token": "true"}
        token = session.post(client.vb365_url + "v8/token", data=form)
        session.headers["Authorization"] = "Bearer " + token.json()["access_token"]
        started = time.monotonic()
        names = []
        for offset in range(0, 5000, 1000):
            names += [j["name"] for j in session.get(client.vb365_url + "v8/Jobs", params={"offset": offset, "limit": 1000}).json()["results"]]
        assert len(names) == 5000 and names[-1] == "VB365 Job 5000"
        logon = session.post(client.em_url + "sessionMngr/?v=latest", auth=(client.username, client.password))
        em_headers = {"X-RestSvcSessionId": logon.headers["X-RestSvcSessionId"], "Accept": "application/json"}
        body = session.get(client.em_url + "query", headers=em_headers,
                           params={"type": "AgentBackupJob", "format": "Entities", "filter": 'Name=="Agent Job 4999"'}).json()
        assert [j["Name"] for j in body["Entities"]["AgentBackupJobs"]] == ["Agent Job 4999"]
        page = session.get(client.em_url + "query", headers=em_headers, params={"type": "AgentBackupJob", "format": "Entities", "pageSize": 1000}).json()
        assert page["PagingInfo"]["PagesCount"] == 5
        assert time.monotonic() - started < 10
