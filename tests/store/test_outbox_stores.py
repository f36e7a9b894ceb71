"""Reminders and escalations in the outbox of every backend: written with their events,
claimed once per lease, acked, voided, moved by a suspension."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from kwflow import SimulatedClock
from kwflow.exceptions import ConcurrencyConflict, NotPermitted
from kwflow.store import Notification, OutboxChange
from tests.support.runtime import START, Unchanged, check_case, make_engine
from tests.support.store import T0, chain

if TYPE_CHECKING:
    from kwflow import Engine
    from tests.support.store import Backend

PRAGUE = ZoneInfo("Europe/Prague")
KEY = "s1/conference_held/#4/"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PRAGUE)


# Consent on Mon 5 Oct 2026: target the 15th working day after (Mon 26 Oct),
# limit the 20th (Tue 3 Nov: 28 Oct is a holiday). The reminders of the
# fixture: 3 working days before the target, at the limit, the day after the
# limit and twice more a week apart; the escalation 2 working days after it.
DECLARED = {
    "reminder-0": (local(2026, 10, 21), ("koord",)),
    "reminder-1": (local(2026, 11, 3), ("koord", "jana")),
    "reminder-2": (local(2026, 11, 4), ("koord",)),
    "escalation": (local(2026, 11, 5), ("jana",)),
    "reminder-2.2": (local(2026, 11, 11), ("koord",)),
    "reminder-2.3": (local(2026, 11, 18), ("koord",)),
}


def consented(backend: Backend, clock: SimulatedClock) -> Engine:
    engine = make_engine("reminders", store=backend.open(), clock=clock)
    engine.open_case("reminders", by="jana", case_id="s1")
    engine.assign("s1", "rodic", "family_member", by="jana")
    engine.assign("s1", "koord", "coordinator", by="jana")
    check_case(engine, engine.act("s1", "consent", by="rodic"))
    return engine


def pending(engine: Engine) -> dict[str, datetime]:
    return {
        n.key.removeprefix(KEY): n.due_at for n in engine.notifications("s1") if n.sent_at is None
    }


def test_the_declared_reminders_are_written_with_the_event_that_starts_the_deadline(
    backend: Backend,
) -> None:
    engine = consented(backend, SimulatedClock(START))
    stored = engine.notifications("s1")
    assert {n.key.removeprefix(KEY): (n.due_at, n.people) for n in stored} == DECLARED
    first = stored[0]
    assert first.key == KEY + "reminder-0"
    assert first.kind == "reminder"
    assert first.roles == ("coordinator",)
    assert first.deadline_id == "conference_held"
    assert first.attempts == 0
    assert first.sent_at is None
    assert first.message["code"] == "deadline-reminder"
    assert first.message["cs"] == (
        "Připomínka: Konference se koná (případ s1), cílový termín 26. 10. 2026."
    )
    assert first.message["en"] == ("Reminder: The conference is held (case s1), target 2026-10-26.")
    escalation = next(n for n in stored if n.kind == "escalation")
    assert escalation.message["code"] == "deadline-escalation"
    assert escalation.message["params"] == {
        "case": "s1",
        "deadline": "conference_held",
        "of": "limit",
        "due": "2026-11-03T22:59:59.999999+00:00",
    }
    # The times are in the event: a fresh engine replays them, never counts again.
    fresh = make_engine("reminders", store=backend.open(), clock=SimulatedClock(START))
    notices = fresh.get_unfiltered("s1").deadlines["conference_held"].notices
    assert {n.key: n.at for n in notices} == {k: at for k, (at, _) in DECLARED.items()}


def test_each_due_notification_is_claimed_once_per_lease_and_acked_once(
    backend: Backend,
) -> None:
    engine = consented(backend, SimulatedClock(START))
    now = local(2026, 11, 4, 9)
    lease = timedelta(minutes=10)
    first = engine.claim_notifications(now, limit=2, lease=lease, worker="a")
    assert [n.key.removeprefix(KEY) for n in first] == ["reminder-0", "reminder-1"]
    assert all(n.attempts == 1 and n.lease_until == now + lease for n in first)
    second = engine.claim_notifications(now, limit=10, lease=lease, worker="b")
    assert [n.key.removeprefix(KEY) for n in second] == ["reminder-2"]
    assert engine.claim_notifications(now + timedelta(minutes=9), lease=lease) == []
    assert engine.ack_notification(first[0].key, now=now)
    assert not engine.ack_notification(first[0].key, now=now)
    assert not engine.ack_notification("no/such/key", now=now)
    # The lease ran out: what was not acked comes back, counting its claims.
    again = engine.claim_notifications(now + lease, lease=lease, worker="c")
    assert [(n.key.removeprefix(KEY), n.attempts) for n in again] == [
        ("reminder-1", 2),
        ("reminder-2", 2),
    ]
    sent = {n.key.removeprefix(KEY): n.sent_at for n in engine.notifications("s1")}
    assert sent["reminder-0"] == now
    assert sent["reminder-1"] is None


def test_meeting_the_deadline_voids_what_was_not_sent_and_keeps_what_was(
    backend: Backend,
) -> None:
    clock = SimulatedClock(START)
    engine = consented(backend, clock)
    (claimed,) = engine.claim_notifications(local(2026, 10, 22), lease=timedelta(minutes=5))
    engine.ack_notification(claimed.key, now=local(2026, 10, 22))
    clock.set(local(2026, 10, 23, 10))
    check_case(engine, engine.act("s1", "convene", by="koord"))
    stored = engine.notifications("s1")
    assert [(n.key.removeprefix(KEY), n.sent_at) for n in stored] == [
        ("reminder-0", local(2026, 10, 22))
    ]
    assert engine.claim_notifications(local(2027, 1, 1)) == []


def test_a_paused_suspension_holds_the_reminders_and_moves_them_on_resumption(
    backend: Backend,
) -> None:
    clock = SimulatedClock(START)
    engine = consented(backend, clock)
    (early,) = engine.claim_notifications(local(2026, 10, 21, 8))
    engine.ack_notification(early.key, now=local(2026, 10, 21, 8))
    clock.set(local(2026, 10, 23, 14))
    engine.act("s1", "intervene", by="jana", data={"reason": "Ohrožení dítěte"})
    # Paused: nothing of the deadline falls due while the case is suspended.
    assert pending(engine) == {}
    assert engine.claim_notifications(local(2026, 11, 20)) == []
    clock.set(local(2026, 11, 9, 8, 30))
    check_case(engine, engine.act("s1", "resume", by="jana"))
    # Ten working days later (28 Oct and 17 Nov are holidays); the reminder
    # already sent stays sent and is not written again.
    assert pending(engine) == {
        "reminder-1": local(2026, 11, 18),
        "reminder-2": local(2026, 11, 19),
        "escalation": local(2026, 11, 20),
        "reminder-2.2": local(2026, 11, 26),
        "reminder-2.3": local(2026, 12, 2),
    }
    sent = [n for n in engine.notifications("s1") if n.sent_at is not None]
    assert [n.key.removeprefix(KEY) for n in sent] == ["reminder-0"]


def test_a_refused_command_leaves_the_outbox_as_it_was(backend: Backend) -> None:
    engine = consented(backend, SimulatedClock(START))
    with Unchanged(engine, "s1"), pytest.raises(NotPermitted):
        engine.act("s1", "convene", by="rodic")
    assert len(pending(engine)) == len(DECLARED)


def _notification(case_id: str, key: str, minutes: int) -> Notification:
    return Notification(
        key=key,
        case_id=case_id,
        deadline_id="d",
        kind="reminder",
        due_at=T0 + timedelta(minutes=minutes),
        roles=("worker",),
        people=("eva",),
        message={"code": "deadline-reminder", "params": {}, "cs": "Č", "en": "E"},
    )


def test_an_append_refused_as_stale_writes_no_notification(backend: Backend) -> None:
    store = backend.open()
    store.append("c", 0, chain("c", 1), outbox=[OutboxChange(deadline_id="d")])
    with pytest.raises(ConcurrencyConflict):
        store.append(
            "c",
            0,
            chain("c", 1, tag="late"),
            outbox=[OutboxChange(deadline_id="d", notifications=(_notification("c", "k1", 1),))],
        )
    assert store.notifications("c") == []
    assert (
        store.claim_notifications(T0 + timedelta(days=1), limit=5, lease=timedelta(1), worker="w")
        == []
    )


def test_a_store_returns_notifications_as_written(backend: Backend) -> None:
    store = backend.open()
    written = (_notification("c", "k2", 2), _notification("c", "k1", 1))
    store.append(
        "c", 0, chain("c", 1), outbox=[OutboxChange(deadline_id="d", notifications=written)]
    )
    got = store.claim_notifications(
        T0 + timedelta(minutes=1), limit=5, lease=timedelta(hours=1), worker="w"
    )
    assert [(n.key, n.due_at, n.roles, n.people, dict(n.message)) for n in got] == [
        ("k1", T0 + timedelta(minutes=1), ("worker",), ("eva",), dict(written[1].message))
    ]
    assert got[0].due_at.tzinfo is not None
    assert got[0].to_dict()["due_at"] == (T0 + timedelta(minutes=1)).astimezone(UTC).isoformat()
    assert [n.key for n in store.notifications("c")] == ["k1", "k2"]
    assert store.claim_notifications(T0, limit=0, lease=timedelta(hours=1), worker="w") == []


def test_a_pause_whose_deadlines_run_keeps_the_reminders_as_they_were(backend: Backend) -> None:
    clock = SimulatedClock(START)
    engine = consented(backend, clock)
    before = pending(engine)
    clock.set(local(2026, 10, 12, 9))
    check_case(engine, engine.act("s1", "ask_pause", by="rodic"))
    assert pending(engine) == before
    clock.set(local(2026, 10, 14, 9))
    check_case(engine, engine.act("s1", "carry_on", by="rodic"))
    assert pending(engine) == before
    assert [n.attempts for n in engine.notifications("s1")] == [0] * len(DECLARED)


def test_disposal_takes_the_case_s_notifications_sent_or_not(backend: Backend) -> None:
    # Notifications name the people who held the roles: a disposed case keeps none.
    from kwflow.definition import Retention, RetentionPeriod

    clock = SimulatedClock(START)
    engine = make_engine(
        "reminders",
        store=backend.open(),
        clock=clock,
        retention={"reminders": Retention(default=RetentionPeriod(days=30))},
    )
    for case_id in ("s1", "s2"):
        engine.open_case("reminders", by="jana", case_id=case_id)
        engine.assign(case_id, "rodic", "family_member", by="jana")
        engine.assign(case_id, "koord", "coordinator", by="jana")
        engine.act(case_id, "consent", by="rodic")
    claimed = engine.claim_notifications(local(2026, 10, 22), lease=timedelta(minutes=5))
    assert {n.case_id for n in claimed} == {"s1", "s2"}
    for notification in claimed:
        assert engine.ack_notification(notification.key, now=local(2026, 10, 22))
    clock.set(local(2026, 10, 23, 10))
    engine.act("s1", "intervene", by="jana", data={"reason": "Ohrožení dítěte"})
    engine.act("s1", "end_after_intervention", by="jana")
    # Ending voided what was not sent; the sent reminder stays until disposal.
    assert [n.key for n in engine.notifications("s1")] == [
        n.key for n in claimed if n.case_id == "s1"
    ]
    others = engine.notifications("s2")
    assert any(n.sent_at is None for n in others)
    assert any(n.sent_at for n in others)
    clock.advance(timedelta(days=31))
    engine.dispose("s1", by="dpo", reason="file plan")
    assert engine.store.notifications("s1") == []
    assert engine.notifications("s2") == others
