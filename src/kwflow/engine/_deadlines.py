"""Deadlines at decide time: what a step starts, re-anchors, meets, cancels or breaches.

Only here does calendar arithmetic run; its results (target and limit in
UTC) are written into the event, so replay reads them back and never counts
days again. The rules (docs/concepts.md, "Deadline"):

- a deadline runs while the case is in one of its phases, once its anchor
  has happened: an action taken, or a date/datetime field with a value;
- it starts when the anchor happens inside its phases, or when the case
  enters its phases after the anchor happened; a field anchor resubmitted
  with a new value while the deadline runs moves it (re-anchoring), and a
  new value after it was met or breached starts it again;
- any action in ``satisfied_by`` taken while it runs (or after it was
  breached) meets it: on time when at or before its due moment (the limit,
  or the target without a limit), late otherwise;
- it is cancelled when the case leaves its phases unmet, or reaches an
  outcome; a breached deadline stays breached;
- it starts with the periods of the first of its ``variants`` whose field
  conditions hold on the latest artifact versions at that moment (those
  the starting step writes included), or its own; the due times are
  recorded, so a later change of those artifacts does not move them;
- it is breached when its due moment passes unmet: the engine records a
  ``deadline_breached`` event when told the time (before any command on the
  case, and in `Engine.record_breaches`);
- a deadline with a ``planned`` field records, when it starts and whenever
  that field is written while it runs, the moment the field holds (``None``
  when empty): the state then shows at once a plan beyond the limit or the
  target, long before any breach.
- a suspension holds the deadlines running when the case is suspended: no
  step cancels, starts or re-anchors them while the case is suspended
  (actions may still meet them). A paused suspension (``deadlines: pause``)
  also keeps them from being breached, and when the case leaves the
  suspension phase for an ordinary one, those still running move later by
  the working days it was suspended (`suspended_working_days`, `moved`).
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import attrs

from kwflow.calendars import due_at
from kwflow.definition import PeriodUnit

from ._clock import aware_utc
from ._notices import notices_for
from ._records import DeadlineStatus

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from kwflow.calendars import CalendarRegistry
    from kwflow.definition import Deadline, Period

    from ._compiled import CompiledDeadline, CompiledProcess
    from ._conditions import Written
    from ._records import Case, DeadlineState

__all__ = [
    "breaches_due",
    "deadline_changes",
    "deadline_starts",
    "moved",
    "open_deadlines",
    "suspended_working_days",
]

PENDING = DeadlineStatus.PENDING
_RUNNING_OR_BREACHED = (DeadlineStatus.PENDING, DeadlineStatus.BREACHED)


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def deadline_changes(
    compiled: CompiledProcess,
    case: Case,
    *,
    calendars: CalendarRegistry,
    now: datetime,
    sequence: int,
    new_leaf: str,
    entered: bool,
    outcome: str | None,
    action: str | None = None,
    artifact: str | None = None,
    artifact_data: Mapping[str, Any] | None = None,
    about: str | None = None,
    held: frozenset[str] | tuple[str, ...] = frozenset(),
) -> list[dict[str, Any]]:
    """The deadline changes one step makes, in the form its event records.

    ``case`` is the case before the step; ``sequence`` the step's event;
    ``new_leaf`` where the case is after it, ``entered`` whether it
    (re-)entered that leaf; ``action`` the action taken, ``artifact`` and
    ``artifact_data`` an artifact version written, if any (``about``: the
    person a per-person artifact's copy is about). The process's calendar
    is looked up in ``calendars`` when a period needs it. ``held`` names
    deadlines a suspension holds: the step may meet them, nothing else
    (unless it reaches an outcome, which cancels them).
    """
    if not compiled.deadlines:
        return []
    changes: list[dict[str, Any]] = []
    old_leaf = case.phase.id
    states = case.deadlines
    for deadline in compiled.deadlines:
        state = states[deadline.id]
        status = state.status
        if (
            action is not None
            and action in deadline.satisfied_by
            and status in _RUNNING_OR_BREACHED
        ):
            due = state.due
            late = due is not None and now > due
            status = DeadlineStatus.MET_LATE if late else DeadlineStatus.MET_ON_TIME
            changes.append({"id": deadline.id, "status": status.value})
        if outcome is None and deadline.id in held:
            continue
        inside = outcome is None and new_leaf in deadline.leaves
        if status is PENDING and not inside:
            status = DeadlineStatus.CANCELLED
            changes.append({"id": deadline.id, "status": status.value})
        if not inside:
            continue
        replanned = (
            artifact is not None
            and artifact == deadline.planned_artifact
            and status in _RUNNING_OR_BREACHED
        )
        started = _start_or_move(
            compiled,
            deadline,
            case,
            changes,
            status=status,
            calendars=calendars,
            now=now,
            sequence=sequence,
            entered=entered and old_leaf not in deadline.leaves,
            action=action,
            artifact=artifact,
            artifact_data=artifact_data,
            about=about,
        )
        if replanned and not started:
            planned = _planned(compiled, deadline, _latest_data(case, artifact, artifact_data))
            changes.append({"id": deadline.id, "planned": planned})
    return changes


def deadline_starts(
    compiled: CompiledProcess,
    case: Case,
    deadline_ids: frozenset[str],
    *,
    calendars: CalendarRegistry,
    now: datetime,
    sequence: int,
) -> list[dict[str, Any]]:
    """Start each of ``deadline_ids`` as a step entering the case's leaf phase would.

    For a case just moved to another version of its process (``_migrate``):
    a deadline the plan restarts, or one the new version adds, starts
    through the same path as any deadline entered (`_start_or_move`), so it
    counts from its anchor by the new version's periods, and only when the
    case is inside its phases and its anchor has happened.
    """
    changes: list[dict[str, Any]] = []
    leaf = case.phase.id
    for deadline in compiled.deadlines:
        if deadline.id not in deadline_ids or leaf not in deadline.leaves:
            continue
        _start_or_move(
            compiled,
            deadline,
            case,
            changes,
            status=DeadlineStatus.NOT_STARTED,
            calendars=calendars,
            now=now,
            sequence=sequence,
            entered=True,
            action=None,
            artifact=None,
            artifact_data=None,
        )
    return changes


def _start_or_move(
    compiled: CompiledProcess,
    deadline: CompiledDeadline,
    case: Case,
    changes: list[dict[str, Any]],
    *,
    status: DeadlineStatus,
    calendars: CalendarRegistry,
    now: datetime,
    sequence: int,
    entered: bool,
    action: str | None,
    artifact: str | None,
    artifact_data: Mapping[str, Any] | None,
    about: str | None = None,
) -> bool:
    """Start, move or cancel ``deadline`` when the step touches its anchor; whether it started."""
    state = case.deadlines[deadline.id]
    touched = (
        (action is not None and action == deadline.anchor_action)
        or (artifact is not None and artifact == deadline.anchor_artifact)
        or entered
    )
    if not touched:
        return False
    anchor = _anchor(
        deadline,
        case,
        now=now,
        sequence=sequence,
        action=action,
        artifact=artifact,
        artifact_data=artifact_data,
    )
    if anchor is None:
        if status is PENDING:
            # The anchor field was cleared: the period has nothing to count from.
            changes.append({"id": deadline.id, "status": DeadlineStatus.CANCELLED.value})
        return False
    key, moment = anchor
    restart = (
        status in (DeadlineStatus.NOT_STARTED, DeadlineStatus.CANCELLED) or key != state.anchor_key
    )
    if not restart:
        return False
    written: Written | None = None if artifact is None else (artifact, about, artifact_data or {})
    latest = _latest_data(case, artifact, artifact_data)
    changes.append(
        _started(
            compiled,
            deadline,
            key,
            moment,
            case,
            written=written,
            latest=latest,
            calendars=calendars,
        )
    )
    return True


def _latest_data(
    case: Case, artifact: str | None, artifact_data: Mapping[str, Any] | None
) -> Callable[[str], Mapping[str, Any] | None]:
    """An artifact's latest data after the step: the version it writes, or the case's."""

    def latest(artifact_id: str) -> Mapping[str, Any] | None:
        if artifact is not None and artifact_id == artifact:
            return artifact_data
        version = case.latest(artifact_id)
        return None if version is None else version.data

    return latest


def _anchor(
    deadline: CompiledDeadline,
    case: Case,
    *,
    now: datetime,
    sequence: int,
    action: str | None,
    artifact: str | None,
    artifact_data: Mapping[str, Any] | None,
) -> tuple[str, datetime | date] | None:
    """The anchor occurrence now: a key that identifies it, and its moment or date."""
    anchor_action = deadline.anchor_action
    if anchor_action is not None:
        if action == anchor_action:
            return f"#{sequence}", now
        for taken in reversed(case.actions):
            if taken.action == anchor_action:
                return f"#{taken.sequence}", taken.at
        return None
    if artifact is not None and artifact == deadline.anchor_artifact:
        data = artifact_data
    else:
        latest = case.latest(deadline.anchor_artifact or "")
        data = latest.data if latest is not None else None
    value = None if data is None else data.get(deadline.anchor_field or "")
    if not isinstance(value, str):
        return None
    # Artifact data keeps dates as "YYYY-MM-DD" and moments as full ISO text.
    moment: datetime | date = (
        date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    )
    return value, moment


def _started(
    compiled: CompiledProcess,
    deadline: CompiledDeadline,
    key: str,
    anchor: datetime | date,
    case: Case,
    *,
    written: Written | None,
    latest: Callable[[str], Mapping[str, Any] | None],
    calendars: CalendarRegistry,
) -> dict[str, Any]:
    definition = deadline.deadline
    zone = compiled.process.timezone
    if isinstance(anchor, datetime):
        moment = anchor
    else:
        # A date anchors at the start of that day, local time.
        moment = datetime.combine(anchor, time(), tzinfo=_zone(zone))
    # Variants are chosen here, once: the due times go into the event, so a
    # later change of the artifacts they look at moves nothing, and replay
    # never decides again.
    target, limit = deadline.periods_for(case, written) if deadline.variants else deadline.periods
    started: dict[str, Any] = {
        "id": deadline.id,
        "status": PENDING.value,
        "anchor": aware_utc(moment).isoformat(),
        "key": key,
        "target": _due(compiled, definition, anchor, moment, target, calendars=calendars),
        "limit": _due(compiled, definition, anchor, moment, limit, calendars=calendars),
    }
    # Only a deadline that names a planned field records one, so the events
    # of every other deadline stay exactly as they were.
    if deadline.planned_artifact is not None:
        started["planned"] = _planned(compiled, deadline, latest)
    # Likewise reminders: computed here, once, and recorded (`_notices`).
    if definition.notices:
        moments = {
            "target": (started["target"], target),
            "limit": (started["limit"], limit),
        }
        started["notices"] = notices_for(compiled, definition, moments, calendars=calendars)
    return started


def _planned(
    compiled: CompiledProcess,
    deadline: CompiledDeadline,
    latest: Callable[[str], Mapping[str, Any] | None],
) -> str | None:
    """The planned moment the deadline's ``planned`` field holds now, as UTC ISO text."""
    data = latest(deadline.planned_artifact or "")
    value = None if data is None else data.get(deadline.planned_field or "")
    if not isinstance(value, str):
        return None
    if len(value) == 10:
        # A planned date counts from the start of that day, local time, as an anchor does.
        moment = datetime.combine(
            date.fromisoformat(value), time(), tzinfo=_zone(compiled.process.timezone)
        )
    else:
        moment = datetime.fromisoformat(value)
    return aware_utc(moment).isoformat()


def _due(
    compiled: CompiledProcess,
    definition: Deadline,
    anchor: datetime | date,
    moment: datetime,
    period: Period | None,
    *,
    calendars: CalendarRegistry,
) -> str | None:
    """When ``period`` from the anchor runs out, as UTC ISO text (``None`` without a period)."""
    if period is None:
        return None
    # Elapsed periods need a moment; calendar periods count from the local
    # date, which a date anchor gives as it is.
    elapsed = period.unit in (PeriodUnit.MINUTES, PeriodUnit.HOURS)
    value = due_at(
        moment if elapsed or isinstance(anchor, datetime) else anchor,
        period,
        direction=definition.direction,
        timezone=compiled.process.timezone,
        calendar=calendars.get(compiled.process.calendar),
        roll_to_working_day=definition.roll_to_working_day,
    )
    return aware_utc(value).isoformat()


def suspended_working_days(
    compiled: CompiledProcess, since: datetime, now: datetime, *, calendars: CalendarRegistry
) -> int:
    """How many working days a case suspended at ``since`` and resumed at ``now`` was suspended.

    Counted on local dates of the process timezone and its calendar: every
    working day after the day of suspension up to and including the day of
    resumption counts whole, however little of it passed. The day a case
    is suspended never counts, as the day of an anchor never counts for a
    period; a case suspended and resumed on the same day was suspended 0 days.
    """
    zone = _zone(compiled.process.timezone)
    calendar = calendars.get(compiled.process.calendar)
    start = aware_utc(since).astimezone(zone).date()
    end = aware_utc(now).astimezone(zone).date()
    return max(0, calendar.working_days_between(start, end))


def moved(
    compiled: CompiledProcess,
    state: DeadlineState,
    days: int,
    *,
    calendars: CalendarRegistry,
) -> dict[str, Any]:
    """The change that moves a paused deadline's target and limit ``days`` working days later.

    Each due moment keeps its local time of day; its local date becomes the
    ``days``-th working day after it (a due day that is not a working day
    itself counts as the day before the next one). The anchor stays, so
    the deadline is the same occurrence, only later.
    """
    zone = _zone(compiled.process.timezone)
    calendar = calendars.get(compiled.process.calendar)

    def later(moment: datetime | None) -> str | None:
        if moment is None:
            return None
        if days <= 0:
            return aware_utc(moment).isoformat()
        local = aware_utc(moment).astimezone(zone)
        day = calendar.add_working_days(local.date(), days)
        shifted = datetime.combine(day, local.time(), tzinfo=zone)
        return aware_utc(shifted).isoformat()

    assert state.anchor_at is not None
    change: dict[str, Any] = {
        "id": state.id,
        "status": PENDING.value,
        "anchor": aware_utc(state.anchor_at).isoformat(),
        "key": state.anchor_key,
        "target": later(state.target),
        "limit": later(state.limit),
    }
    if state.notices:
        # Reminders move with the moments they count from, and record as they started.
        change["notices"] = [
            attrs.evolve(notice, at=datetime.fromisoformat(str(later(notice.at)))).to_dict()
            for notice in state.notices
        ]
    return change


def breaches_due(case: Case, now: datetime) -> list[DeadlineState]:
    """Running deadlines whose due moment has passed by ``now``, earliest first.

    Deadlines a suspension pauses are never due while it lasts.
    """
    late = [state for state in case.deadlines.values() if state.overdue(now)]
    suspension = case.suspension
    if late and suspension is not None and suspension.paused:
        late = [state for state in late if state.id not in suspension.paused]
    if len(late) > 1:
        late.sort(key=lambda state: (state.due, state.id))
    return late


def open_deadlines(case: Case) -> list[tuple[str, datetime]]:
    """``(deadline id, due moment)`` of every running deadline, for the store's index.

    A paused deadline is left out: it falls due again only when its case is
    resumed and its times move.
    """
    paused = () if case.suspension is None else case.suspension.paused
    return [
        (state.id, state.due)
        for state in case.deadlines.values()
        if state.status is PENDING and state.due is not None and state.id not in paused
    ]
