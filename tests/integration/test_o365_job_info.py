"""veeam_o365_job_info through real ansible-playbook runs against the simulator."""

MODULE = "veeam_o365_job_info"


def test_lists_every_job_with_its_state(ansible, sim):
    expected = {j["name"]: j for j in sim.state()["vb365"]["jobs"]}
    sim.clear_requests()
    result = ansible.task(MODULE, check=True)
    assert result["changed"] is False
    assert {j["name"] for j in result["jobs"]} == set(expected)
    for entry in result["jobs"]:
        assert entry["enabled"] == expected[entry["name"]]["isEnabled"]
        assert entry["running"] == expected[entry["name"]]["running"]
        assert entry["last_status"] == expected[entry["name"]]["lastStatus"]
    assert sim.writes() == []
    assert sim.count("GET", "/v8/Jobs") == 1


def test_selects_by_name_with_sessions(ansible, sim):
    sim.configure(vb365_run_seconds=0.2)
    name = next(j["name"] for j in sim.state()["vb365"]["jobs"] if j["isEnabled"] and not j["running"])
    ansible.task("veeam_o365_job", name=name, state="running", wait_for_completion=True, wait_sleep=0.2)
    result = ansible.task(MODULE, name=name, sessions=2)
    assert [j["name"] for j in result["jobs"]] == [name]
    assert result["jobs"][0]["sessions"][0]["status"] == "Success"


def test_unknown_name_fails(ansible, sim):
    result = ansible.task(MODULE, name="No Such Job")
    assert result["failed"] is True
    assert "no job is named 'No Such Job'" in result["msg"]


def test_older_api_versions_read_the_plain_list(ansible, sim):
    for version in ("v2", "v5", "v7"):
        sim.clear_requests()
        result = ansible.task(MODULE, api_version=version)
        assert len(result["jobs"]) == len(sim.state()["vb365"]["jobs"])
        assert sim.count("GET", "/%s/Jobs" % version) == 1
