"""Fixtures of the simulator's own tests: the simulator itself plus thin VB365 and EM clients."""

import pytest

from veeam_sim.testing import sim, sim_server  # noqa: F401  pylint: disable=unused-import

from sim_helpers import EmSession, Vb365Session


@pytest.fixture
def vb(sim):  # pylint: disable=redefined-outer-name
    """A factory of logged-in VB365 sessions: vb("v8"), vb("v5")..."""
    return lambda version="v8", **kwargs: Vb365Session(sim, version, **kwargs)


@pytest.fixture
def em(sim):  # pylint: disable=redefined-outer-name
    """A factory of EM logon sessions: em() for XML, em(as_json=True) for JSON."""
    return lambda as_json=False: EmSession(sim, as_json)
