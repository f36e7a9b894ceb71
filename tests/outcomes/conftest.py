"""Fixtures of the outcome tests: a fresh case of each shipped process, per version.

Cases opened on version 1 keep running after version 2 ships, so every
outcome of version 1 stays tested: the family conference's walks run on
both versions (version 2 changes none of its paths, only adds to them); the
case conference's version 1 outcomes run on ``cc``, version 2's on ``cc2``
(``test_case_conference_v2.py``), because version 2 changed who decides and
what the one-month rule measures.
"""

from __future__ import annotations

import pytest

from tests.support.outcomes import CaseConference, FamilyConference


@pytest.fixture(params=[1, 2], ids=["v1", "v2"])
def fc(request: pytest.FixtureRequest) -> FamilyConference:
    """A family conference just opened by the referrer on Mon 23 November 2026, 9:00."""
    return FamilyConference(version=request.param)


@pytest.fixture
def cc() -> CaseConference:
    """A version-1 case conference just opened by the convener on Mon 5 October 2026, 9:00."""
    return CaseConference(version=1)


@pytest.fixture
def cc2() -> CaseConference:
    """A version-2 case conference (external facilitation), opened on Mon 5 October 2026, 9:00."""
    return CaseConference(version=2)
