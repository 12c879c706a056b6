"""What a user is told about the connection: a scheme that does not match the port, plain HTTP, unverified TLS,
a missing or blank server, and options the declared state ignores."""

import pytest
import yaml

from veeam_sim.testing import SimProcess


@pytest.fixture(scope="module")
def plain_sim(tmp_path_factory):
    """A second simulator serving plain HTTP, as a misconfigured or test server would."""
    with SimProcess(extra_args=["--plain-http"], state_dir=str(tmp_path_factory.mktemp("plain-sim"))) as client:
        yield client


def connection(sim, scheme, port, **extra):
    return dict(server="%s://%s" % (scheme, sim.host), port=port, username=sim.username, password=sim.password, **extra)


@pytest.mark.parametrize("module, port_of", [("veeam_o365_job_info", "vb365_port"), ("veeam_agent_job_info", "em_port")])
def test_http_against_a_tls_port_says_the_scheme_does_not_match(ansible, sim, module, port_of):
    result = ansible.task(module, defaults=False, **connection(sim, "http", getattr(sim, port_of)))
    assert result["failed"] is True
    assert "scheme may not match the port" in result["msg"] and "use https://" in result["msg"], result["msg"]
    assert "ca_path" not in result["msg"]


@pytest.mark.parametrize("module, port_of", [("veeam_o365_job_info", "vb365_port"), ("veeam_agent_job_info", "em_port")])
def test_https_against_a_plain_http_port_says_the_scheme_does_not_match(ansible, plain_sim, module, port_of):
    result = ansible.task(module, defaults=False, **connection(plain_sim, "https", getattr(plain_sim, port_of)))
    assert result["failed"] is True
    assert "scheme does not match the port" in result["msg"] and "plain HTTP" in result["msg"], result["msg"]
    assert "ca_path" not in result["msg"]


def test_plain_http_works_but_warns_that_credentials_travel_in_clear_text(ansible, plain_sim):
    result = ansible.task("veeam_o365_job_info", defaults=False, **connection(plain_sim, "http", plain_sim.vb365_port))
    assert not result.get("failed"), result
    assert result["jobs"], result
    assert any("uses http://" in warning and "clear text" in warning for warning in result["warnings"]), result["warnings"]


@pytest.mark.parametrize("module", ["veeam_o365_job", "veeam_agent_job", "veeam_o365_job_info", "veeam_agent_job_info"])
def test_every_module_warns_when_certificate_verification_is_off(ansible, sim, module):
    port = sim.vb365_port if "o365" in module else sim.em_port
    args = connection(sim, "https", port, validate_certs=False)
    if not module.endswith("_info"):
        args.update(all_jobs=True, state="enabled")
    result = ansible.task(module, defaults=False, check=True, **args)
    assert not result.get("failed"), result
    assert any("validate_certs is false" in warning and "ca_path" in warning for warning in result["warnings"]), result
    verified = ansible.task(module, defaults=False, check=True, **dict(args, validate_certs=True, ca_path=sim.ca_path))
    assert not verified.get("warnings"), verified


@pytest.mark.parametrize("module, api", [("veeam_o365_job", "VB365"), ("veeam_agent_job_info", "EM")])
def test_a_blank_or_missing_server_names_option_environment_variable_and_inventory_variable(ansible, sim, module, api):
    args = dict(all_jobs=True, state="enabled") if not module.endswith("_info") else {}
    # An AWX credential with its host field left blank injects an empty variable.
    blank = ansible.task(module, defaults=False, env={"VEEAM_%s_SERVER" % api: "", "VEEAM_%s_USERNAME" % api: "operator",
                                                      "VEEAM_%s_PASSWORD" % api: "blank-server-secret"}, **args)
    assert blank["failed"] is True
    for hint in ("server is empty", "option server", "VEEAM_%s_SERVER" % api, "inventory variable veeam_server"):
        assert hint in blank["msg"], blank["msg"]
    missing = ansible.task(module, defaults=False, **args)
    assert missing["failed"] is True
    for hint in ("server is missing", "username is missing", "password is missing", "VEEAM_%s_PASSWORD" % api):
        assert hint in missing["msg"], missing["msg"]
    assert sim.requests()["requests"] == []


IGNORED = [
    (dict(state="stopped", if_running="wait"), "if_running=wait is ignored with state=stopped"),
    (dict(state="running", if_running="stop"), "if_running=stop is ignored with state=running"),
    (dict(state="enabled", if_running="stop"), "if_running=stop is ignored with state=enabled"),
    (dict(state="disabled", enable_if_disabled=True), "enable_if_disabled is ignored with state=disabled"),
    (dict(state="disabled", wait_for_completion=True), "wait_for_completion is ignored with state=disabled"),
    (dict(state="running", wait_for_completion=True, wait=False), "wait_for_completion is ignored with wait=false"),
]


def test_options_the_declared_state_ignores_are_named_in_a_warning(ansible, sim):
    # Some of these declarations cannot be reached (a disabled job asked to run): the warning comes with the failure too.
    run = ansible.run([{"name": "ignored %d" % index, "backupops.veeam.veeam_o365_job": dict(args, all_jobs=True), "ignore_errors": True}
                       for index, (args, _warning) in enumerate(IGNORED)], check=True)
    assert len(run.results) == len(IGNORED), run
    for (args, warning), result in zip(IGNORED, run.results):
        assert [w for w in result.get("warnings", []) if warning in w], (args, result.get("warnings"))
    quiet = ansible.task("veeam_o365_job", check=True, all_jobs=True, state="disabled", if_running="stop", wait_for_completion=False)
    assert not quiet.get("warnings"), quiet


def test_check_mode_lists_the_actions_a_real_run_would_send(ansible, sim):
    running = [job for job in sim.state()["vb365"]["jobs"] if job["running"] and job["isEnabled"]]
    assert running, "the default scenario has a running enabled job"
    checked = ansible.task("veeam_o365_job", check=True, name=running[0]["name"], state="disabled", if_running="stop")
    assert checked["changed"] is True and checked["jobs"][0]["actions"] == ["disable", "stop"], checked
    assert sim.writes() == []


def test_with_verification_off_the_collections_warning_is_all_the_output_says(ansible, sim):
    """The window action runs in Ansible's worker process: urllib3's InsecureRequestWarning would reach its stderr."""
    args = dict(phase="report", api="vb365", server=sim.host, port=sim.vb365_port, username=sim.username, password=sim.password,
                validate_certs=False)
    run = ansible.run([{"name": "report", "backupops.veeam.maintenance_window": args}], defaults=False)
    assert run.rc == 0 and any("validate_certs is false" in warning for warning in run.result["warnings"]), run
    for noise in ("InsecureRequestWarning", "errantly sent data directly to stderr", "Unverified HTTPS request"):
        assert noise not in run.stdout + run.stderr, noise


def test_a_wrong_inventory_value_is_named_by_its_variable(window, sim):
    inventory = yaml.safe_load(window.inventory.read_text())
    inventory["all"]["children"]["enterprise_managers"]["hosts"]["em-sim"]["veeam_ca_path"] = "/nonexistent/corp-root-ca.pem"
    window.inventory.write_text(yaml.safe_dump(inventory))
    report = window.run("job_report.yml")
    assert report.failed_hosts() == ["em-sim"], report
    message = report.results("Show the jobs as a table")["em-sim"]["msg"]
    assert "ca_path /nonexistent/corp-root-ca.pem is not a readable file" in message
    assert "ca_path comes from maintenance_window_ca_path, else the inventory variable veeam_ca_path" in message


API_NAMES = {"vb365": "Veeam Backup for Microsoft 365 REST API", "em": "Veeam Backup Enterprise Manager REST API",
             "vbr": "Veeam Backup & Replication REST API"}
DEFAULT_PORTS = {"vb365": 4443, "em": 9398, "vbr": 9419}
INFO_MODULES = {"vb365": "veeam_o365_job_info", "em": "veeam_agent_job_info", "vbr": "veeam_vbr_job_info"}


@pytest.mark.parametrize("module_api, port_api", [(module_api, port_api) for module_api in sorted(API_NAMES) for port_api in sorted(API_NAMES)
                                                  if module_api != port_api])
def test_a_module_pointed_at_another_apis_port_names_the_port_and_the_api_answering_there(ansible, sim, module_api, port_api):
    """The simulator serves each API on its own port: every crossing says which API answers on the port, never "Logon failed"."""
    port = getattr(sim, "%s_port" % port_api)
    result = ansible.task(INFO_MODULES[module_api], defaults=False, ca_path=sim.ca_path, **connection(sim, "https", port))
    assert result["failed"] is True, result
    message = result["msg"]
    assert "port %d answers like the %s" % (port, API_NAMES[port_api]) in message, message
    assert "not the %s. Check server and port: the %s listens on %d by default, the %s on %d." % (
        API_NAMES[module_api], API_NAMES[module_api], DEFAULT_PORTS[module_api], API_NAMES[port_api], DEFAULT_PORTS[port_api]) in message
    assert not message.startswith(("Login", "Logon")) and sim.password not in str(result)


@pytest.mark.parametrize("module", ["veeam_o365_job", "veeam_agent_job"])
def test_a_job_module_at_the_vbr_port_is_not_told_its_logon_failed(ansible, sim, module):
    """The issue's case: VBR refuses a request without x-api-version with 400 "Unsupported RESTAPI version", which read as a
    refused login."""
    result = ansible.task(module, defaults=False, ca_path=sim.ca_path, all_jobs=True, state="enabled",
                          **connection(sim, "https", sim.vbr_port))
    assert result["failed"] is True
    assert "port %d answers like the Veeam Backup & Replication REST API (it answered 'Unsupported RESTAPI version." % sim.vbr_port \
        in result["msg"], result["msg"]
    assert "failed: Unsupported RESTAPI version" not in result["msg"]
