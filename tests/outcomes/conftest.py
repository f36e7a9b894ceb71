"""Fixtures of the outcome tests: a fresh case of each shipped process."""

from __future__ import annotations

import pytest

from tests.support.outcomes import CaseConference, FamilyConference


@pytest.fixture
def fc() -> FamilyConference:
    """A family conference just opened by the referrer on Mon 23 November 2026, 9:00."""
    return FamilyConference()


@pytest.fixture
def cc() -> CaseConference:
    """A case conference just opened by the convener on Mon 5 October 2026, 9:00."""
    return CaseConference()
