"""A first run as a new user makes it: Ansible starts without a warning, and the README's commands and examples run as written.

Ansible's stderr is compared with nothing at all: any warning there (cryptography 51's "DSA is deprecated", raised by
ansible-core 2.19's own start-up import; an unparsed inventory) is one the project can prevent by what it pins or documents.
The README is read, not copied: when its command or example changes, these tests run the new one.
"""

import os
import re
import shlex
import subprocess

import pytest
import yaml

from helpers import ANSIBLE_BIN, REPO

README = REPO / "README.md"


def plain_env(collections_path, home):
    """The environment a user's shell has after the README's checkout steps: no warning switched off, nothing written to ~."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_path), HOME=str(home), ANSIBLE_NOCOLOR="true")
    for name in [name for name in env if name.endswith("_WARNING") or name.endswith("_WARNINGS") or name == "PYTHONWARNINGS"]:
        del env[name]
    return env


def readme_blocks(language):
    return re.findall(r"```%s\n(.*?)```" % language, README.read_text(), flags=re.S)


def readme_ad_hoc_command():
    """The README's `ansible localhost ...` command of the checkout section, continuation lines joined."""
    for block in readme_blocks("bash"):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            if line.startswith("ansible localhost "):
                return line
    raise AssertionError("README.md has no `ansible localhost ...` command in a bash block")


def readme_vbr_task():
    """The README's example task of backupops.veeam.veeam_vbr_job."""
    for block in readme_blocks("yaml"):
        for play in yaml.safe_load(block):
            for task in play.get("tasks", []):
                if "backupops.veeam.veeam_vbr_job" in task:
                    return task
    raise AssertionError("README.md has no example task of backupops.veeam.veeam_vbr_job")


@pytest.mark.parametrize("command", [["ansible", "--version"], ["ansible-playbook", "--version"],
                                     ["ansible-doc", "backupops.veeam.veeam_vbr_job"]])
def test_ansible_starts_without_a_warning(collections_path, tmp_path, command):
    completed = subprocess.run([str(ANSIBLE_BIN / command[0])] + command[1:], capture_output=True, text=True,
                               env=plain_env(collections_path, tmp_path), timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    # cryptography 51 deprecates DSA and ansible-core 2.19 imports its DSA classes at start-up: requirements-dev.txt pins
    # cryptography below 51 for that reason.
    assert completed.stderr == "", "%s printed on stderr (a warning the project's pins should prevent):\n%s" % (
        " ".join(command), completed.stderr)


def test_the_readme_ad_hoc_command_runs_as_written_without_a_warning(sim, collections_path, tmp_path):
    command = readme_ad_hoc_command()
    assert " -i localhost, -c local " in command, "without an inventory Ansible warns that none was parsed: %s" % command
    # The README's placeholders, filled as its text says: the virtualenv's python, the CA file the simulator printed,
    # and the simulator's port (it runs on a free one here, 4443 in the README).
    command = command.replace("$PWD/.venv/bin/python", str(ANSIBLE_BIN / "python")).replace("/path/to/the/printed/ca.pem", sim.ca_path)
    argv = shlex.split(command)
    argv[0] = str(ANSIBLE_BIN / "ansible")
    module_args = argv.index("-a") + 1
    argv[module_args] += " port=%d" % sim.vb365_port
    completed = subprocess.run(argv, capture_output=True, text=True, env=plain_env(collections_path, tmp_path), timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr
    assert completed.stderr == "", completed.stderr
    for job in sim.state()["vb365"]["jobs"]:
        assert '"name": "%s"' % job["name"] in completed.stdout, "the info module lists every job of the simulator"


@pytest.mark.parametrize("release", ["12.0", "12.3.1", "13.0", "13.1"])
def test_the_readme_vbr_example_is_true_on_every_release(ansible, sim, release):
    """`type: VSphereBackup` means vSphere backup jobs whether the server calls them Backup (12.x) or VSphereBackup (13.x)."""
    sim.reset({"vbr": {"jobs": [
        {"name": "VMware Production VMs", "type": "VSphereBackup", "enabled": True, "running": True},
        {"name": "Test Lab VMs", "type": "VSphereBackup", "enabled": False},
        {"name": "Hyper-V Hosts", "type": "HyperVBackup", "enabled": True},
        {"name": "Offsite Backup Copy", "type": "BackupCopy", "enabled": True},
    ]}})
    sim.configure(vbr_release=release)
    task = readme_vbr_task()
    args = dict(task["backupops.veeam.veeam_vbr_job"])
    assert args["type"] == "VSphereBackup", "the example names one type every release has"

    run = ansible.run([{"name": task["name"], "backupops.veeam.veeam_vbr_job": args}])
    assert run.rc == 0, run
    assert run.stderr == "", run.stderr
    jobs = {job["name"]: job for job in sim.state()["vbr"]["jobs"]}
    assert not jobs["VMware Production VMs"]["enabled"] and not jobs["VMware Production VMs"]["running"]
    assert jobs["Hyper-V Hosts"]["enabled"] and jobs["Offsite Backup Copy"]["enabled"], "other types are left as they are"


@pytest.mark.parametrize("release, refused", [("12.3.1", True), ("13.0", False)])
def test_backup_copies_are_a_type_from_13_0_so_a_mixed_fleet_sets_types_per_host(ansible, sim, release, refused):
    """What the README says about `type: [VSphereBackup, BackupCopy]`: refused by 12.x naming the types it has, fine on 13.x."""
    sim.configure(vbr_release=release)
    result = ansible.task("veeam_vbr_job", all_jobs=True, type=["VSphereBackup", "BackupCopy"], state="disabled", if_running="stop")
    if refused:
        assert result.get("failed"), result
        assert result["msg"].startswith("type BackupCopy: no such job type in REST API revision 1.2-rev1"), result["msg"]
        assert "its types are Backup," in result["msg"], result["msg"]
    else:
        assert not result.get("failed"), result
        assert result["changed"], result


def test_the_readme_installs_the_built_tarball_from_a_shell_set_up_for_the_checkout(collections_path, tmp_path):
    """With ANSIBLE_COLLECTIONS_PATH at the linked checkout ansible-galaxy says "Nothing to do"; the README's command installs."""
    dist = tmp_path / "build" / "dist"
    build = subprocess.run([str(ANSIBLE_BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(dist), str(REPO)],
                           capture_output=True, text=True, env=plain_env(collections_path, tmp_path), timeout=300, check=False)
    assert build.returncode == 0, build.stdout + build.stderr
    checkout_shell = dict(plain_env(collections_path, tmp_path), PATH=os.pathsep.join([str(ANSIBLE_BIN), os.environ.get("PATH", "")]))
    tarball = "build/dist/backupops-veeam-*.tar.gz"

    plain = subprocess.run("ansible-galaxy collection install %s" % tarball, shell=True, cwd=str(tmp_path), capture_output=True,
                           text=True, env=checkout_shell, timeout=300, check=False)
    assert "Nothing to do" in plain.stdout, "the trap the README warns of: %s" % plain.stdout

    commands = [line for block in readme_blocks("bash") for line in block.splitlines()
                if line.startswith("ANSIBLE_COLLECTIONS_PATH=") and "collection install" in line]
    assert len(commands) == 1, commands
    assert tarball in commands[0]
    installed = subprocess.run(commands[0], shell=True, cwd=str(tmp_path), capture_output=True, text=True, env=checkout_shell,
                               timeout=300, check=False)
    assert installed.returncode == 0 and "was installed successfully" in installed.stdout, installed.stdout + installed.stderr
    assert installed.stderr == "", installed.stderr
    manifest = tmp_path / ".ansible" / "collections" / "ansible_collections" / "backupops" / "veeam" / "MANIFEST.json"
    assert manifest.is_file(), "installed into ~/.ansible/collections (HOME is %s)" % tmp_path
