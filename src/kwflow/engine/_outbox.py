"""Which notifications an append writes to the outbox, read from the deadlines it changes.

Nothing here looks at event types: the outbox of a deadline follows its
state. A deadline running (or breached, not yet met) and not paused by a
suspension wants the notices recorded when it started (`ScheduledNotice`);
any other deadline wants none. Where an append changes what a deadline
wants, its `OutboxChange` replaces the unsent notifications. So whatever
step starts, moves, meets, cancels or pauses a deadline (an action, a
document, a breach, a case migrated to another version) keeps the outbox
right, in the same transaction as its events.

Recipients are resolved when a notification is written: the people who
then hold the roles told. A handover afterwards does not rewrite them (the
roles travel with the notification, for a host that resolves again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kwflow.store import Notification, OutboxChange

from ._records import DeadlineStatus

if TYPE_CHECKING:
    from datetime import datetime

    from ._compiled import CompiledProcess
    from ._records import Case, DeadlineState, ScheduledNotice

__all__ = ["notification_message", "outbox_changes"]

_WANTING = (DeadlineStatus.PENDING, DeadlineStatus.BREACHED)
_END_OF_DAY = (23, 59, 59, 999999)


def _wanted(case: Case | None, state: DeadlineState | None) -> tuple[object, ...]:
    """What a deadline wants in the outbox: its anchor and notices, or nothing."""
    if case is None or state is None or not state.notices or state.status not in _WANTING:
        return ()
    suspension = case.suspension
    if suspension is not None and state.id in suspension.paused:
        return ()
    return (state.anchor_key, state.notices)


def outbox_changes(compiled: CompiledProcess, old: Case | None, new: Case) -> list[OutboxChange]:
    """The outbox changes that take the case from ``old`` (``None``: a new case) to ``new``."""
    changes: list[OutboxChange] = []
    for deadline in compiled.deadlines:
        if not deadline.deadline.notices:
            continue
        state = new.deadlines[deadline.id]
        before = None if old is None else old.deadlines.get(deadline.id)
        wanted = _wanted(new, state)
        if wanted == _wanted(old, before):
            continue
        notifications = (
            tuple(_notification(compiled, new, state, notice) for notice in state.notices)
            if wanted
            else ()
        )
        changes.append(OutboxChange(deadline_id=deadline.id, notifications=notifications))
    return changes


def _notification(
    compiled: CompiledProcess, case: Case, state: DeadlineState, notice: ScheduledNotice
) -> Notification:
    people = tuple(dict.fromkeys(p for role in notice.to for p in case.roles.get(role, ())))
    return Notification(
        # The anchor occurrence is part of the key: a deadline started again
        # by a new anchor sends its reminders again; moved, it does not.
        key=f"{case.id}/{state.id}/{state.anchor_key}/{notice.key}",
        case_id=case.id,
        deadline_id=state.id,
        kind=notice.kind,
        due_at=notice.at,
        roles=notice.to,
        people=people,
        message=notification_message(compiled, case.id, state, notice),
    )


def notification_message(
    compiled: CompiledProcess, case_id: str, state: DeadlineState, notice: ScheduledNotice
) -> dict[str, object]:
    """A notification's message: its code and params, and its text in Czech and English."""
    definition = compiled.deadlines_by_id[state.id].deadline
    moment = state.target if notice.of == "target" else state.limit
    label = definition.label
    day_cs, day_en = _when(moment, compiled.process.timezone)
    code = f"deadline-{notice.kind}"
    what_cs = "cílový termín" if notice.of == "target" else "nejzazší termín"
    what_en = "target" if notice.of == "target" else "limit"
    head_cs = "Připomínka" if notice.kind == "reminder" else "Eskalace"
    head_en = "Reminder" if notice.kind == "reminder" else "Escalation"
    return {
        "code": code,
        "params": {
            "case": case_id,
            "deadline": state.id,
            "of": notice.of,
            "due": None if moment is None else moment.isoformat(),
        },
        "cs": f"{head_cs}: {label.text('cs')} (případ {case_id}), {what_cs} {day_cs}.",
        "en": f"{head_en}: {label.text('en')} (case {case_id}), {what_en} {day_en}.",
    }


def _when(moment: datetime | None, timezone: str) -> tuple[str, str]:
    """A due moment as people read it: the day when it ends a day, else day and time."""
    if moment is None:
        return "-", "-"
    local = moment.astimezone(ZoneInfo(timezone))
    day = local.date()
    if (local.hour, local.minute, local.second, local.microsecond) == _END_OF_DAY:
        return f"{day.day}. {day.month}. {day.year}", day.isoformat()
    clock = local.strftime("%H:%M")
    return f"{day.day}. {day.month}. {day.year} {clock}", f"{day.isoformat()} {clock}"
