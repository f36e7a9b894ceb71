"""Fixtures of the engine tests: a simulated clock and engines over the fixture processes."""

from __future__ import annotations

import pytest

from kwflow import Engine, SimulatedClock
from tests.support.runtime import START, make_engine


@pytest.fixture
def clock() -> SimulatedClock:
    """A clock standing at Monday 5 October 2026, 10:00 Prague time."""
    return SimulatedClock(START)


@pytest.fixture
def rules(clock: SimulatedClock) -> Engine:
    """An engine over the rules fixture whose guard ``ready`` allows."""
    return make_engine("rules", clock=clock, guards={"ready": lambda context: True})


@pytest.fixture
def clocked(clock: SimulatedClock) -> Engine:
    """An engine over the deadline fixture."""
    return make_engine("clock", clock=clock)
