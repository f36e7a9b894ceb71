"""What lists and the inbox return: `CaseSummary`, `InboxItem`, and their JSON.

A `CaseSummary` is a case's row in the store's case index with the labels a
screen shows (process title, phase, outcome, roles) looked up in the
registry; `Engine.find_cases` returns pages of them without loading a
history. An `InboxItem` is one open case a person takes part in with what
waits for them there: the actions they may take now and the deadlines they
answer for that are breached or falling due (`Engine.inbox`).

``to_dict()`` gives plain JSON data (labels in ``cs`` and ``en``, times in
ISO 8601 with their offset, statuses as strings); the pydantic models
`CaseSummaryJSON` and `InboxItemJSON` describe that data, so a host can
publish its JSON Schema (``model_json_schema()``) in its API description.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import attrs
from pydantic import AwareDatetime, BaseModel, ConfigDict

from kwflow.exceptions import InvalidQuery

from ._records import DeadlineStatus

if TYPE_CHECKING:
    from kwflow.definition import Label
    from kwflow.history import FrozenMap

    from ._records import ActionOption, CasePhase

__all__ = [
    "CaseSummary",
    "CaseSummaryJSON",
    "InboxDeadline",
    "InboxItem",
    "InboxItemJSON",
    "SuspensionSummary",
    "decode_cursor",
    "encode_cursor",
]

_CURSOR_PREFIX = "c1."
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(updated_at: datetime, case_id: str) -> str:
    """The opaque cursor of a row: where the next page starts after it."""
    # Integer arithmetic, not a float: microseconds must survive exactly.
    delta = updated_at.astimezone(UTC) - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    raw = json.dumps([micros, case_id], ensure_ascii=False, separators=(",", ":"))
    return _CURSOR_PREFIX + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: object) -> tuple[datetime, str]:
    """The ``(updated_at, case_id)`` a cursor from `encode_cursor` holds.

    Raises `InvalidQuery` (parameter ``after``) for anything else.
    """
    if not isinstance(cursor, str) or not cursor.startswith(_CURSOR_PREFIX):
        raise InvalidQuery("after", cursor, "not-a-cursor")
    body = cursor[len(_CURSOR_PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        micros, case_id = json.loads(raw.decode())
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise InvalidQuery("after", cursor, "not-a-cursor") from None
    if (
        not isinstance(micros, int)
        or isinstance(micros, bool)
        or not isinstance(case_id, str)
        or not case_id
    ):
        raise InvalidQuery("after", cursor, "not-a-cursor")
    try:
        at = _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        raise InvalidQuery("after", cursor, "cursor-out-of-range") from None
    return at, case_id


def _label(label: Label | None) -> dict[str, str | None] | None:
    return None if label is None else {"cs": label.cs, "en": label.en}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


@attrs.frozen(kw_only=True)
class CaseSummary:
    """One case as a list shows it, read from the case index (no replay).

    ``title``, ``phase_label``, ``outcome_label`` and ``role_labels`` come
    from the registered process (``None`` or absent when the case's process
    version is no longer registered). ``updated_at`` is the time of the
    case's last event; ``next_due`` the earliest due moment of its running
    deadlines. ``follows`` is the earlier case this one follows up, if it
    was opened as a follow-up. Pass `cursor` as ``after`` to get the page
    after this row. ``suspended`` says whether the case is in a suspension phase (where it
    was suspended from is on the case, its view and its inbox item: the
    case index does not keep it).
    """

    id: str
    version: int
    process: str
    process_version: int
    title: Label | None
    phase: CasePhase
    phase_label: Label | None
    outcome: str | None
    outcome_label: Label | None
    opened_at: datetime
    updated_at: datetime
    next_due: datetime | None
    participants: FrozenMap[str, tuple[str, ...]]
    role_labels: FrozenMap[str, Label]
    follows: str | None = None
    suspended: bool = False

    @property
    def open(self) -> bool:
        """Whether the case is still running (it has no outcome)."""
        return self.outcome is None

    @property
    def cursor(self) -> str:
        """Opaque: ``find_cases(after=summary.cursor)`` continues after this row."""
        return encode_cursor(self.updated_at, self.id)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data; `CaseSummaryJSON` describes it."""
        return {
            "id": self.id,
            "version": self.version,
            "process": {
                "id": self.process,
                "version": self.process_version,
                "title": _label(self.title),
            },
            "phase": {
                "id": self.phase.id,
                "path": list(self.phase.path),
                "label": _label(self.phase_label),
            },
            "outcome": None
            if self.outcome is None
            else {"id": self.outcome, "label": _label(self.outcome_label)},
            "open": self.open,
            "opened_at": _iso(self.opened_at),
            "updated_at": _iso(self.updated_at),
            "next_due": _iso(self.next_due),
            "suspended": self.suspended,
            "participants": [
                {
                    "person": person,
                    "roles": [
                        {"id": role, "label": _label(self.role_labels.get(role))} for role in roles
                    ],
                }
                for person, roles in self.participants.items()
            ],
            "follows": self.follows,
            "cursor": self.cursor,
        }


@attrs.frozen(kw_only=True)
class InboxDeadline:
    """A deadline a person answers for (they hold its ``responsible`` role).

    ``status`` is ``BREACHED`` when its due moment has passed (recorded or
    not yet), else ``PENDING``; ``due`` is that moment. ``planned_at`` and
    ``planned_late`` are the deadline's (see `DeadlineState.planned_late`):
    a plan beyond the limit brings the deadline into the inbox at once.
    """

    id: str
    label: Label | None
    responsible: str
    status: DeadlineStatus
    due: datetime
    planned_at: datetime | None = None
    planned_late: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (part of `InboxItemJSON`)."""
        return {
            "id": self.id,
            "label": _label(self.label),
            "responsible": self.responsible,
            "status": self.status.value,
            "due": _iso(self.due),
            "planned_at": _iso(self.planned_at),
            "planned_late": self.planned_late,
        }


@attrs.frozen(kw_only=True)
class SuspensionSummary:
    """Where a suspended case stopped and since when, with the label of that phase.

    ``deadlines`` is ``"pause"`` (its deadlines are paused) or ``"run"``.
    """

    from_phase: CasePhase
    from_label: Label | None
    since: datetime
    deadlines: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (part of `InboxItemJSON`)."""
        return {
            "from_phase": {
                "id": self.from_phase.id,
                "path": list(self.from_phase.path),
                "label": _label(self.from_label),
            },
            "since": _iso(self.since),
            "deadlines": self.deadlines,
        }


@attrs.frozen(kw_only=True)
class InboxItem:
    """One open case and what waits there for ``person``.

    ``actions`` are the actions of the current phase the person may take
    now (every one allowed: `Engine.available_actions` says why others are
    not); ``deadlines`` those they answer for that are breached or due
    within the inbox's window, earliest first. ``suspension`` says where a
    suspended case stopped and since when (``None``: it is not suspended).
    """

    case: CaseSummary
    person: str
    roles: tuple[str, ...]
    actions: tuple[ActionOption, ...]
    deadlines: tuple[InboxDeadline, ...]
    suspension: SuspensionSummary | None = None

    @property
    def due(self) -> datetime | None:
        """The earliest due moment of the item's deadlines (``None``: none)."""
        return self.deadlines[0].due if self.deadlines else None

    @property
    def breached(self) -> bool:
        """Whether one of the item's deadlines has passed."""
        return any(d.status is DeadlineStatus.BREACHED for d in self.deadlines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data; `InboxItemJSON` describes it."""
        return {
            "case": self.case.to_dict(),
            "person": self.person,
            "roles": [
                {"id": role, "label": _label(self.case.role_labels.get(role))}
                for role in self.roles
            ],
            "actions": [
                {
                    "action": option.action,
                    "label": _label(option.label),
                    "to": option.to,
                    "records": option.records,
                }
                for option in self.actions
            ],
            "deadlines": [deadline.to_dict() for deadline in self.deadlines],
            "due": _iso(self.due),
            "breached": self.breached,
            "suspension": None if self.suspension is None else self.suspension.to_dict(),
        }


# ---------------------------------------------------------------- JSON shapes


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabelJSON(_Shape):
    """A text in Czech and English (either may be missing)."""

    cs: str | None
    en: str | None


class ProcessJSON(_Shape):
    """The process a case runs."""

    id: str
    version: int
    title: LabelJSON | None


class PhaseJSON(_Shape):
    """The leaf phase of a case and the path to it from the top level."""

    id: str
    path: list[str]
    label: LabelJSON | None


class OutcomeJSON(_Shape):
    """How a closed case ended."""

    id: str
    label: LabelJSON | None


class RoleJSON(_Shape):
    """A role, with its label."""

    id: str
    label: LabelJSON | None


class ParticipantJSON(_Shape):
    """A person and the roles they hold in the case."""

    person: str
    roles: list[RoleJSON]


class CaseSummaryJSON(_Shape):
    """The JSON of `CaseSummary.to_dict()`."""

    id: str
    version: int
    process: ProcessJSON
    phase: PhaseJSON
    outcome: OutcomeJSON | None
    open: bool
    opened_at: AwareDatetime
    updated_at: AwareDatetime
    next_due: AwareDatetime | None
    suspended: bool
    participants: list[ParticipantJSON]
    follows: str | None
    cursor: str


class InboxActionJSON(_Shape):
    """An action the person may take now."""

    action: str
    label: LabelJSON | None
    to: str | None
    records: str | None


class InboxDeadlineJSON(_Shape):
    """A deadline the person answers for."""

    id: str
    label: LabelJSON | None
    responsible: str
    status: Literal["pending", "breached"]
    due: AwareDatetime
    planned_at: AwareDatetime | None
    planned_late: Literal["limit", "target"] | None


class SuspensionSummaryJSON(_Shape):
    """Where a suspended case stopped, since when, and what its deadlines do."""

    from_phase: PhaseJSON
    since: AwareDatetime
    deadlines: Literal["pause", "run"]


class InboxItemJSON(_Shape):
    """The JSON of `InboxItem.to_dict()`."""

    case: CaseSummaryJSON
    person: str
    roles: list[RoleJSON]
    actions: list[InboxActionJSON]
    deadlines: list[InboxDeadlineJSON]
    due: AwareDatetime | None
    breached: bool
    suspension: SuspensionSummaryJSON | None
