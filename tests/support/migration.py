"""Running version-1 cases of the shipped processes, moved to version 2 on the way.

`migrate` moves a `CaseWalk` by the shipped plan (the organisations the new
version asks for given as a host would give them) and checks the case as
every walk step is checked; the walk then goes on under version 2, its
steps adapting to the version as they already do. `finish_family` and
`finish_conference` take a walk from any running phase to an outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.definition import load_process_text, parse_plan

from .outcomes import (
    CASE_CONFERENCE_PHASES,
    CONVENER,
    COORDINATOR,
    FAMILY_CONFERENCE_PHASES,
    MEETING_AT,
    PRAGUE,
    REFERRER,
    CaseConference,
    CaseWalk,
    FamilyConference,
    local,
)
from .runtime import FIXTURES

if TYPE_CHECKING:
    from kwflow import Case, Engine
    from kwflow.definition import MigrationPlan
    from kwflow.store import CaseStore

RULES_PLAN = (
    "process: rules\nfrom: 1\nto: 2\n"
    "phases: {intake: intake, together: together, private: private, review: review}\n"
)
"""A plan moving cases of the rules fixture to its version 2, which changes nothing else."""

ADMIN = "spravce"
"""The host's administrator who moves cases (takes no part in them)."""


def rules_version_2(engine: Engine) -> MigrationPlan:
    """Register version 2 of the rules fixture (version 1 renumbered) and a plan to it."""
    text = (FIXTURES / "rules.yaml").read_text(encoding="utf-8")
    engine.registry.add(load_process_text(text.replace("\nversion: 1\n", "\nversion: 2\n")))
    loaded = parse_plan(RULES_PLAN)
    engine.registry.add_plan(loaded)
    return loaded.plan


def migrate(walk: CaseWalk, *, to_version: int = 2) -> Case:
    """Move ``walk``'s case by the shipped plan; its later steps run under the new version."""
    kinds = {
        kind.id for kind in walk.engine.registry.get(walk.process_id, to_version).organisation_kinds
    }
    organisations = {
        person: organisation
        for person, organisation in walk.known_organisations.items()
        if organisation.kind in kinds
    }
    case = walk.accepted(
        walk.engine.migrate(walk.case_id, to_version, by=ADMIN, organisations=organisations)
    )
    walk.version = to_version
    walk.organisations = dict(organisations)
    return case


def finish_family(walk: FamilyConference) -> str:
    """Take a running family conference from its phase to the outcome ``completed``."""
    reached = FAMILY_CONFERENCE_PHASES.index(walk.phase)
    if reached < 1:
        walk.family_decides("given")
        walk.hand_over()
    if reached < 2:
        walk.prepare()
        walk.open_conference()
    if reached < 3:
        walk.leave_family_alone()
    if reached < 4:
        walk.family_writes_plan()
        walk.present_plan()
    if reached < 5:
        walk.approve()
    if reached < 6:
        walk.at(local(2027, 6, 30, 16))
        walk.review("close")
    else:
        walk.later(hours=2)
        walk.submit(
            "review_record",
            {
                "held_on": walk.clock.now().astimezone(PRAGUE).date(),
                "done": "The family kept to its plan; Eliška goes to school.",
                "decision": "close",
            },
            by=COORDINATOR,
        )
    walk.act("close_case", by=REFERRER)
    assert walk.case.outcome is not None
    return walk.case.outcome


def finish_conference(walk: CaseConference) -> str:
    """Take a running case conference from its phase to the outcome ``held``."""
    reached = CASE_CONFERENCE_PHASES.index(walk.phase)
    if reached < 1:
        if walk.case.latest("suitability") is None:
            # Version 2: the provider's advice came over from version 1's
            # assessment; the convener now decides.
            walk.submit(
                "suitability",
                {
                    "suitable": True,
                    "reasoning": "The provider advises it and the family cooperates.",
                    "decided_on": walk.clock.now().astimezone(PRAGUE).date(),
                },
                by=CONVENER,
            )
        walk.accept()
    if reached < 2:
        walk.agree_date()
    if reached < 3:
        if walk.case.latest("invitations") is None:
            walk.prepare()
        walk.arrive()
        walk.record_attendance()
        walk.start_meeting()
    if reached < 4:
        walk.end_meeting()
    walk.deliver_minutes(MEETING_AT.replace(day=30))
    assert walk.case.outcome is not None
    return walk.case.outcome


def conference_in(
    phase: str, *, case_id: str = "cc-1", store: CaseStore | None = None
) -> CaseConference:
    """A version-1 case conference walked to ``phase`` (``preparation``: before the invitations)."""
    walk = CaseConference(version=1, case_id=case_id, store=store)
    reached = CASE_CONFERENCE_PHASES.index(phase)
    walk.request()
    walk.assess(suitable=True)
    if reached >= 1:
        walk.accept()
    if reached >= 2:
        walk.agree_date()
    if reached >= 3:
        walk.prepare()
        walk.arrive()
        walk.record_attendance()
        walk.start_meeting()
    if reached >= 4:
        walk.end_meeting()
    assert walk.phase == phase
    return walk


__all__ = [
    "ADMIN",
    "conference_in",
    "finish_conference",
    "finish_family",
    "migrate",
]
