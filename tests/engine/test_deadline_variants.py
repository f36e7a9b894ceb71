"""Deadline variants: the period chosen from artifact fields when the deadline starts.

Prague is UTC+2 in summer and UTC+1 in winter; a calendar period ends at
the end of the local day (21:59:59.999999 UTC in summer, 22:59:59.999999 in
winter).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from kwflow import Case, DeadlineStatus, Engine, Registry, SimulatedClock
from kwflow.definition import load_process_text
from kwflow.store import MemoryStore
from tests.support.runtime import START, check_case

if TYPE_CHECKING:
    from kwflow.definition import Process

PROCESS = """\
id: review_by_age
version: 1
title: {cs: Revize podle věku, en: Review by age}
opener: worker
roles:
  - {id: worker, label: {cs: Pracovník, en: Worker}, kind: professional, max: 1}
artifacts:
  - id: referral
    label: {cs: Zadání, en: Referral}
    write: [worker]
    fields:
      - {id: referred_on, label: {cs: Zadáno, en: Referred on}, type: date}
      - id: age_band
        label: {cs: Věk, en: Age}
        type: enum
        values:
          - {id: under_seven, label: {cs: Pod 7 let, en: Under 7}}
          - {id: seven_or_older, label: {cs: 7 a více, en: 7 or older}}
      - {id: urgent, label: {cs: Naléhavé, en: Urgent}, type: bool, required: false}
phases:
  - {id: open, label: {cs: Otevřeno, en: Open}, initial: true}
  - {id: active, label: {cs: Probíhá, en: Active}}
  - {id: closed, label: {cs: Uzavřeno, en: Closed}, outcome: closed}
actions:
  - id: approve
    label: {cs: Schválit, en: Approve}
    from: [open]
    to: active
    by: [worker]
    requires: {artifacts: [referral]}
  - id: review
    label: {cs: Revidovat, en: Review}
    from: [active]
    by: [worker]
  - id: close
    label: {cs: Uzavřít, en: Close}
    from: [active]
    to: closed
    by: [worker]
deadlines:
  - id: first_review
    label: {cs: První revize, en: First review}
    anchor: {action: approve}
    limit: {months: 12}
    variants:
      - when: [{artifact: referral, field: age_band, equals: under_seven}]
        limit: {months: 6}
    satisfied_by: [review]
    responsible: worker
    phases: [active]
    breach: {cs: Porušení, en: Breach}
  - id: approval
    label: {cs: Schválení, en: Approval}
    anchor: {field: {artifact: referral, field: referred_on}}
    target: {weeks: 4}
    limit: {weeks: 8}
    variants:
      - when: [{artifact: referral, field: urgent, equals: true}]
        target: {weeks: 1}
      - when: [{artifact: referral, field: urgent, present: true}]
        limit: {weeks: 6}
    satisfied_by: [approve]
    responsible: worker
    phases: [open]
    breach: {cs: Porušení, en: Breach}
"""

WORKER = "wanda"


def _process() -> Process:
    return load_process_text(PROCESS)


def _engine(clock: SimulatedClock) -> Engine:
    registry = Registry()
    registry.add(_process())
    return Engine(registry, store=MemoryStore(), clock=clock)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _approved(age_band: str) -> tuple[Engine, SimulatedClock, Case]:
    """A case whose referral gives ``age_band``, approved at START (Monday 5 October 2026)."""
    clock = SimulatedClock(START)
    engine = _engine(clock)
    engine.open_case("review_by_age", by=WORKER, case_id="c")
    engine.submit(
        "c", "referral", {"referred_on": date(2026, 10, 5), "age_band": age_band}, by=WORKER
    )
    return engine, clock, engine.act("c", "approve", by=WORKER)


def test_a_child_under_seven_gets_six_months() -> None:
    engine, _, case = _approved("under_seven")
    review = case.deadlines["first_review"]
    assert review.status is DeadlineStatus.PENDING
    assert review.target is None
    # 5 April 2027, end of the day in Prague (summer time)
    assert review.limit == utc("2027-04-05T21:59:59.999999")
    check_case(engine, case)


def test_an_older_child_gets_twelve_months() -> None:
    engine, _, case = _approved("seven_or_older")
    review = case.deadlines["first_review"]
    assert review.target is None
    assert review.limit == utc("2027-10-05T21:59:59.999999")
    check_case(engine, case)


def test_a_later_change_of_the_referral_does_not_move_a_started_deadline() -> None:
    engine, clock, case = _approved("seven_or_older")
    due = case.deadlines["first_review"].limit
    clock.advance(days=3)
    changed = engine.submit(
        "c", "referral", {"referred_on": date(2026, 10, 5), "age_band": "under_seven"}, by=WORKER
    )
    assert changed.latest("referral") is not None
    assert changed.deadlines["first_review"].limit == due
    assert changed.deadlines["first_review"].status is DeadlineStatus.PENDING
    check_case(engine, changed)
    # The replay reads the recorded due times: it never decides a variant again.
    assert engine.replay_unfiltered("c") == changed
    assert Case.from_dict(json.loads(json.dumps(changed.to_dict()))) == changed


def test_a_young_child_breaches_after_six_months_not_twelve() -> None:
    engine, clock, _ = _approved("under_seven")
    clock.set(utc("2027-04-06T08:00"))
    engine.record_breaches()
    case = engine.get_unfiltered("c")
    assert case.deadlines["first_review"].status is DeadlineStatus.BREACHED
    check_case(engine, case)


def test_the_first_variant_that_holds_wins_and_keeps_what_it_leaves_out() -> None:
    clock = SimulatedClock(START)
    engine = _engine(clock)
    engine.open_case("review_by_age", by=WORKER, case_id="c")
    # The step that writes the referral starts the deadline: its own data decides.
    case = engine.submit(
        "c",
        "referral",
        {"referred_on": date(2026, 10, 5), "age_band": "under_seven", "urgent": True},
        by=WORKER,
    )
    approval = case.deadlines["approval"]
    # urgent: one week's target; the limit stays the deadline's own 8 weeks
    # (the second variant, which would shorten it, is not reached)
    assert approval.target == utc("2026-10-12T21:59:59.999999")
    assert approval.limit == utc("2026-11-30T22:59:59.999999")
    check_case(engine, case)


def test_no_variant_holds_gives_the_deadlines_own_periods() -> None:
    clock = SimulatedClock(START)
    engine = _engine(clock)
    engine.open_case("review_by_age", by=WORKER, case_id="c")
    case = engine.submit(
        "c", "referral", {"referred_on": date(2026, 10, 5), "age_band": "under_seven"}, by=WORKER
    )
    approval = case.deadlines["approval"]
    assert approval.target == utc("2026-11-02T22:59:59.999999")
    assert approval.limit == utc("2026-11-30T22:59:59.999999")
    # A second version with a new anchor date restarts it, and the variants are
    # chosen again from that version: not urgent, but present, gives six weeks.
    case = engine.submit(
        "c",
        "referral",
        {"referred_on": date(2026, 10, 6), "age_band": "under_seven", "urgent": False},
        by=WORKER,
    )
    approval = case.deadlines["approval"]
    assert approval.target == utc("2026-11-03T22:59:59.999999")
    assert approval.limit == utc("2026-11-17T22:59:59.999999")
    check_case(engine, case)
