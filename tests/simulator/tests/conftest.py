"""Fixtures of the simulator's own tests: the simulator itself plus thin VB365, EM and VBR clients."""

import pytest

from veeam_sim.testing import sim, sim_server  # noqa: F401  pylint: disable=unused-import

from sim_helpers import EmSession, Vb365Session, VbrSession


@pytest.fixture
def vb(sim):  # pylint: disable=redefined-outer-name
    """A factory of logged-in VB365 sessions: vb("v8"), vb("v5")..."""
    return lambda version="v8", **kwargs: Vb365Session(sim, version, **kwargs)


@pytest.fixture
def em(sim):  # pylint: disable=redefined-outer-name
    """A factory of EM logon sessions: em() for XML, em(as_json=True) for JSON."""
    return lambda as_json=False: EmSession(sim, as_json)


@pytest.fixture
def vbr(sim):  # pylint: disable=redefined-outer-name
    """A factory of logged-in VBR REST sessions: vbr("1.3-rev1"), vbr("1.2-rev1")..."""
    return lambda revision="1.3-rev1", **kwargs: VbrSession(sim, revision, **kwargs)
