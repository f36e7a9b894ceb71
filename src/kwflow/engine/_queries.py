"""The read side: a case's index row, list queries and inbox items.

`index_entry` is what the engine writes into the store's case index with
every append, computed from the case it has just folded; `Engine.reindex`
and `Engine.verify` compute it the same way from a replay, so "the index
equals the replay" is one comparison. `case_query` checks a host's list
filters and turns them into the store's `CaseQuery`; `summary_of` adds the
labels of the registered process to an index row; `inbox_item` works out
what waits for a person in one case.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from kwflow.exceptions import InvalidQuery, ProcessNotFound, UnknownName
from kwflow.history import FrozenMap
from kwflow.store import CaseIndexEntry, CaseQuery, ReadLogQuery

from ._authorization import action_reasons
from ._commands import check_person
from ._deadlines import open_deadlines
from ._records import ActionOption, CasePhase, DeadlineStatus
from ._summaries import (
    CaseSummary,
    InboxDeadline,
    InboxItem,
    SuspensionSummary,
    decode_cursor,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kwflow.definition import Label, Process, Registry

    from ._authorization import Guard
    from ._compiled import CompiledProcess
    from ._records import Case

__all__ = [
    "MAX_LIMIT",
    "aware",
    "case_query",
    "in_inbox_order",
    "inbox_item",
    "inbox_window",
    "index_entry",
    "index_fields_differing",
    "read_log_query",
    "summary_of",
]

MAX_LIMIT = 1000
"""The largest page `Engine.find_cases` returns."""


def index_entry(case: Case, updated_at: datetime) -> CaseIndexEntry:
    """The case-index row of ``case``, whose last event happened at ``updated_at``."""
    due = [moment for _, moment in open_deadlines(case)]
    return CaseIndexEntry(
        case_id=case.id,
        version=case.version,
        process_id=case.process.id,
        process_version=case.process.version,
        phase_path=case.phase.path,
        outcome=case.outcome,
        opened_at=case.opened_at,
        updated_at=updated_at,
        next_due=min(due) if due else None,
        participants=[
            (person, role) for person, roles in case.participants.items() for role in roles
        ],
        closed_at=case.closed_at,
        held=case.hold is not None,
        disposed=case.disposed_at is not None,
        follows=case.follows,
    )


def index_fields_differing(stored: CaseIndexEntry | None, expected: CaseIndexEntry) -> list[str]:
    """The fields in which a stored index row differs from the expected one."""
    if stored is None:
        return ["missing"]
    names = (
        "version",
        "process_id",
        "process_version",
        "phase_path",
        "outcome",
        "opened_at",
        "updated_at",
        "next_due",
        "participants",
        "closed_at",
        "held",
        "disposed",
        "follows",
    )
    return [name for name in names if getattr(stored, name) != getattr(expected, name)]


# ------------------------------------------------------------ list queries


def aware(parameter: str, value: object) -> datetime:
    """``value`` if it is a timezone-aware datetime; `InvalidQuery` otherwise."""
    if not isinstance(value, datetime):
        raise InvalidQuery(parameter, value, "not-datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidQuery(parameter, value, "naive")
    return value


def _text(parameter: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidQuery(parameter, value, "not-text")
    return value


def case_query(
    registry: Registry,
    *,
    person: object = None,
    role: object = None,
    process: object = None,
    phase: object = None,
    open: object = None,  # noqa: A002 - the name hosts read in the docs
    due_before: object = None,
    follows: object = None,
    limit: object = 50,
    after: object = None,
) -> CaseQuery:
    """The store query for `Engine.find_cases`' arguments, each checked.

    Raises `InvalidQuery` for a parameter of the wrong kind, a ``limit``
    outside 1 to `MAX_LIMIT`, a malformed cursor or a naive time;
    `ProcessNotFound` for a process the registry lacks; `UnknownName` for a
    role or phase no registered process (or ``process``) has.
    """
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery("limit", limit, "limit", max=MAX_LIMIT)
    if open is not None and not isinstance(open, bool):
        raise InvalidQuery("open", open, "open")
    processes = list(registry)
    if process is not None:
        process = _text("process", process)
        if process not in registry.ids():
            raise ProcessNotFound(process)
        processes = [p for p in processes if p.id == process]
    if person is not None:
        person = check_person("person", person)
    if role is not None:
        role = _text("role", role)
        known = sorted({r.id for p in processes for r in p.roles})
        if role not in known:
            raise UnknownName("role", role, known)
    if phase is not None:
        phase = _text("phase", phase)
        known = sorted({info.phase.id for p in processes for info in p.all_phases()})
        if phase not in known:
            raise UnknownName("phase", phase, known)
    return CaseQuery(
        person=person,
        role=role,
        process=process,
        phase=phase,
        open=open,
        due_before=None if due_before is None else aware("due_before", due_before),
        follows=None if follows is None else _text("follows", follows),
        after=None if after is None else decode_cursor(after),
        limit=limit,
    )


def read_log_query(
    *, case_id: object = None, person: object = None, limit: object = 100, after: object = 0
) -> ReadLogQuery:
    """The store query for `Engine.read_log`'s arguments, each checked (`InvalidQuery`)."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery("limit", limit, f"must be a whole number from 1 to {MAX_LIMIT}")
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise InvalidQuery("after", after, "must be the number of a read-log entry, or 0")
    return ReadLogQuery(
        case_id=None if case_id is None else _text("case_id", case_id),
        person=None if person is None else _text("person", person),
        limit=limit,
        after=after,
    )


def _process(registry: Registry, process_id: str, version: int) -> Process | None:
    try:
        return registry.get(process_id, version)
    except ProcessNotFound:
        return None


@attrs.frozen
class _Labels:
    """The labels a summary shows, of one process version."""

    title: Label
    phases: Mapping[str, Label]
    outcomes: Mapping[str, Label]
    roles: Mapping[str, Label]
    suspensions: frozenset[str] = frozenset()


_LABELS: dict[str, _Labels] = {}


def _labels_of(process: Process) -> _Labels:
    # Looked up once per process file (by its content hash), not once per
    # row of every page; hashing the model itself would cost more than that.
    found = _LABELS.get(process.content_hash)
    if found is None:
        found = _LABELS.setdefault(process.content_hash, _label_table(process))
    return found


def _label_table(process: Process) -> _Labels:
    phases = {info.phase.id: info.phase.label for info in process.all_phases()}
    outcomes = {
        info.phase.outcome: info.phase.label
        for info in process.all_phases()
        if info.phase.outcome is not None
    }
    return _Labels(
        title=process.title,
        phases=phases,
        outcomes=outcomes,
        roles={role.id: role.label for role in process.roles},
        suspensions=frozenset(
            info.phase.id for info in process.all_phases() if info.phase.suspension is not None
        ),
    )


def summary_of(entry: CaseIndexEntry, registry: Registry) -> CaseSummary:
    """The `CaseSummary` of an index row, with labels from ``registry``."""
    process = _process(registry, entry.process_id, entry.process_version)
    labels = None if process is None else _labels_of(process)
    participants: dict[str, tuple[str, ...]] = {}
    role_labels: dict[str, Label] = {}
    for person, role in entry.participants:
        participants[person] = (*participants.get(person, ()), role)
        label = None if labels is None else labels.roles.get(role)
        if label is not None:
            role_labels[role] = label
    return CaseSummary(
        id=entry.case_id,
        version=entry.version,
        process=entry.process_id,
        process_version=entry.process_version,
        title=None if labels is None else labels.title,
        phase=CasePhase(entry.phase, entry.phase_path),
        phase_label=None if labels is None else labels.phases.get(entry.phase),
        outcome=entry.outcome,
        outcome_label=None
        if labels is None or entry.outcome is None
        else labels.outcomes.get(entry.outcome),
        opened_at=entry.opened_at,
        updated_at=entry.updated_at,
        next_due=entry.next_due,
        participants=FrozenMap(participants),
        role_labels=FrozenMap(role_labels),
        follows=entry.follows,
        suspended=labels is not None and entry.phase in labels.suspensions,
    )


# ------------------------------------------------------------------- inbox


def inbox_window(within: object) -> timedelta | None:
    """``within`` if it is ``None`` or a duration of zero or more; `InvalidQuery` otherwise."""
    if within is None:
        return None
    if not isinstance(within, timedelta) or within < timedelta(0):
        raise InvalidQuery("within", within, "within")
    return within


def inbox_item(
    summary: CaseSummary,
    case: Case,
    compiled: CompiledProcess,
    person: str,
    guards: Mapping[str, Guard],
    *,
    now: datetime,
    within: timedelta | None,
) -> InboxItem | None:
    """What waits for ``person`` in ``case`` (``None``: nothing).

    The actions of the current phase they may take at ``now`` (guards run),
    and the deadlines whose responsible role they hold that are breached
    or due by ``now + within`` (any running one when ``within`` is None).
    """
    if case.closed:
        return None
    roles = case.participants.get(person, ())
    leaf = compiled.leaves[case.phase.id]
    actions = []
    for action_id in leaf.actions:
        action = compiled.actions[action_id]
        if not action_reasons(compiled, case, action, person, guards, now=now):
            actions.append(
                ActionOption(
                    action=action_id,
                    label=action.action.label,
                    allowed=True,
                    reasons=(),
                    to=compiled.destination_id(case, action_id),
                    records=action.action.records,
                )
            )
    horizon = None if within is None else now + within
    deadlines = []
    # A paused deadline is not due while its case is suspended.
    paused = () if case.suspension is None else case.suspension.paused
    for state in case.deadlines.values():
        due = state.due
        if state.responsible not in roles or due is None or state.id in paused:
            continue
        breached = state.status is DeadlineStatus.BREACHED or state.overdue(now)
        # A plan beyond the deadline shows at once, however far away it is due.
        planned_late = state.planned_late
        if not breached and (
            state.status is not DeadlineStatus.PENDING
            or (horizon is not None and due > horizon and planned_late is None)
        ):
            continue
        definition = compiled.deadlines_by_id.get(state.id)
        deadlines.append(
            InboxDeadline(
                id=state.id,
                label=None if definition is None else definition.deadline.label,
                responsible=state.responsible,
                status=DeadlineStatus.BREACHED if breached else DeadlineStatus.PENDING,
                due=due,
                planned_at=state.planned_at,
                planned_late=planned_late,
            )
        )
    if not actions and not deadlines:
        return None
    deadlines.sort(key=lambda d: (d.due, d.id))
    suspension = case.suspension
    return InboxItem(
        case=summary,
        person=person,
        roles=roles,
        suspension=None
        if suspension is None
        else SuspensionSummary(
            from_phase=suspension.from_phase,
            from_label=_labels_of(compiled.process).phases.get(suspension.from_phase.id),
            since=suspension.since,
            deadlines=suspension.deadlines,
        ),
        actions=tuple(actions),
        deadlines=tuple(deadlines),
    )


_LATEST = datetime.max.replace(tzinfo=UTC)


def in_inbox_order(items: list[InboxItem]) -> list[InboxItem]:
    """Most urgent first: the earliest due deadline, then the most recently updated case."""
    by_id = sorted(items, key=lambda item: item.case.id)
    by_update = sorted(by_id, key=lambda item: item.case.updated_at, reverse=True)
    # Stable sorts: equally urgent items keep the order of the case index.
    return sorted(by_update, key=lambda item: (item.due is None, item.due or _LATEST))
