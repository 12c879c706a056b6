"""Integration tests: real ansible-playbook runs against the Veeam API simulator on 127.0.0.1.

The fixtures live here; the classes and functions they and the tests share are in helpers.py.
"""

import pytest

from veeam_sim.testing import sim, sim_server  # noqa: F401  pylint: disable=unused-import

# Before helpers is first imported: its asserts (Ansible.task) report the compared values, as the tests' own do.
pytest.register_assert_rewrite("helpers")

from helpers import REPO, Ansible, Window  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    """ANSIBLE_COLLECTIONS_PATH under which the working tree is backupops.veeam."""
    root = tmp_path_factory.mktemp("collections")
    link = root / "ansible_collections" / "backupops" / "veeam"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO)
    return root


@pytest.fixture
def ansible(sim, collections_path, tmp_path):  # noqa: F811  pylint: disable=redefined-outer-name
    return Ansible(sim, collections_path, tmp_path)


@pytest.fixture
def window(sim, collections_path, tmp_path):  # noqa: F811  pylint: disable=redefined-outer-name
    return Window(sim, collections_path, tmp_path)
