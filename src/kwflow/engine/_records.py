"""The records a host reads: `Case` and its parts, views and action options.

All are frozen attrs classes with slots. Maps are `FrozenMap` and sequences
tuples, so records compare by value, hash, and serialize to JSON directly
(the end of this module: `Case.to_dict` and `Case.from_dict`, the form
snapshots keep). Artifact data is kept in its JSON form, exactly
as it was recorded and hashed: dates as ``"2026-10-27"``, moments as UTC
ISO-8601 text, money as a decimal string with two places (``"1000.00"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from kwflow.exceptions import MalformedRecord, Reason, ReasonCode
from kwflow.history import EMPTY_MAP, FrozenMap, freeze, thaw

from ._commands import Organisation
from ._views import action_option_to_dict, case_view_to_dict

if TYPE_CHECKING:
    from kwflow.definition import Label, Process

__all__ = [
    "CASE_FORMAT",
    "ActionOption",
    "ArtifactVersion",
    "Case",
    "CasePhase",
    "CaseSuspension",
    "CaseView",
    "DeadlineState",
    "DeadlineStatus",
    "GuardContext",
    "HistoryEntry",
    "ProcessRef",
    "Reason",
    "ReasonCode",
    "ScheduledNotice",
    "TakenAction",
    "UnopenedData",
]


@attrs.frozen
class ProcessRef:
    """The exact process a case runs: id, version and the file's content hash."""

    id: str
    version: int
    content_hash: str


@attrs.frozen
class CasePhase:
    """Where a case is: its leaf phase and the path to it from the top level."""

    id: str
    path: tuple[str, ...]

    @property
    def parents(self) -> tuple[str, ...]:
        """The compound phases around the leaf, outermost first."""
        return self.path[:-1]

    def within(self, phase_id: str) -> bool:
        """Whether the case is in ``phase_id`` or in a phase inside it."""
        return phase_id in self.path


class UnopenedData:
    """Data whose sealed personal values are opened when it is first read.

    A loaded case holds every version of every document, but a reader
    mostly reads the latest ones: opening each sealed value up front cost
    more than the rest of a load. ``opener(*args)`` makes the data, as
    revealed, once (a loaded case has many versions: no closure is built
    per version); it is kept, not dropped, so that two threads reading at
    once both get a whole map. Pickled or copied, it is the opened map.
    """

    __slots__ = ("_args", "_opened", "_opener")

    def __init__(self, opener: Callable[..., FrozenMap[str, Any]], *args: Any) -> None:
        self._opener = opener
        self._args = args
        self._opened: FrozenMap[str, Any] | None = None

    def open(self) -> FrozenMap[str, Any]:
        """The data, its personal values opened (or `ERASED`); opened once."""
        opened = self._opened
        if opened is None:
            opened = self._opened = self._opener(*self._args)
        return opened

    def __repr__(self) -> str:
        return repr(self.open())

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (dict(self.open()),))

    def __copy__(self) -> FrozenMap[str, Any]:
        return self.open()

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenMap[str, Any]:
        return self.open()


def _opened(data: FrozenMap[str, Any] | UnopenedData) -> FrozenMap[str, Any]:
    return data.open() if isinstance(data, UnopenedData) else data


@attrs.frozen(repr=False)
class ArtifactVersion:
    """One submission of an artifact: its data (JSON form), who, when.

    ``number`` counts the artifact's versions from 1; ``sequence`` is the
    event that recorded it. ``about`` is the person a copy of a per-person
    artifact is about (``None`` for other artifacts); each person's copy
    has its own versions, so ``number`` counts that person's versions.

    ``data`` may be given as `UnopenedData` (a loaded case's sealed values,
    opened when first read); it reads, compares and hashes as the opened map.
    """

    number: int
    _data: FrozenMap[str, Any] | UnopenedData = attrs.field(alias="data", eq=_opened)
    by: str
    at: datetime
    sequence: int
    about: str | None = None

    @property
    def data(self) -> FrozenMap[str, Any]:
        """The data, in its JSON form (personal values opened, or `ERASED`)."""
        data = self._data
        # Read on every fold and view: the test is written out, not called.
        return data.open() if isinstance(data, UnopenedData) else data

    def __repr__(self) -> str:
        return (
            f"ArtifactVersion(number={self.number!r}, data={self.data!r}, by={self.by!r}, "
            f"at={self.at!r}, sequence={self.sequence!r}, about={self.about!r})"
        )


def _latest_of(
    versions: tuple[ArtifactVersion, ...] | None, about: str | None
) -> ArtifactVersion | None:
    if not versions:
        return None
    if about is None:
        return versions[-1]
    return next((v for v in reversed(versions) if v.about == about), None)


def _copies_of(versions: tuple[ArtifactVersion, ...] | None) -> FrozenMap[str, ArtifactVersion]:
    found: dict[str, ArtifactVersion] = {}
    for version in versions or ():
        if version.about is not None:
            found[version.about] = version
    return FrozenMap(found)


class DeadlineStatus(StrEnum):
    """Where a deadline stands. Values are stored: never rename one."""

    NOT_STARTED = "not_started"
    PENDING = "pending"
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    BREACHED = "breached"
    CANCELLED = "cancelled"


@attrs.frozen
class ScheduledNotice:
    """One reminder or escalation a running deadline sends, as recorded when it started.

    ``key`` names it within its deadline (``reminder-0``, ``reminder-0.2``
    for the second time a repeating one goes out, ``escalation``); ``at`` is
    when it falls due (UTC); ``to`` the roles told; ``of`` the moment it is
    about (``"target"`` or ``"limit"``). The engine writes it to the
    store's outbox; see `Engine.claim_notifications`.
    """

    key: str
    kind: str
    at: datetime
    to: tuple[str, ...]
    of: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form recorded in events and snapshots."""
        return {
            "key": self.key,
            "kind": self.kind,
            "at": _iso(self.at),
            "to": list(self.to),
            "of": self.of,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScheduledNotice:
        """Read back `to_dict`."""
        at = _moment(data["at"])
        if at is None:
            raise MalformedRecord("case", "a notice without its time")
        return cls(str(data["key"]), str(data["kind"]), at, tuple(data["to"]), str(data["of"]))


@attrs.frozen
class DeadlineState:
    """One deadline of a case: its status and times (UTC).

    ``target`` and ``limit`` are the moments computed from the anchor when
    the deadline started (either may be ``None`` when the process gives
    none); `due` is the moment after which it is breached: the limit, or the
    target when there is no limit. ``anchor_key`` identifies the anchor
    occurrence (an action's event, or a field's value) so that a deadline is
    restarted only by a new anchor. ``planned_at`` is when the satisfying
    step is planned (the deadline's ``planned`` field, UTC), so that
    `planned_late` shows a plan beyond the limit or target at once.
    """

    id: str
    status: DeadlineStatus
    responsible: str
    anchor_at: datetime | None = None
    anchor_key: str | None = None
    target: datetime | None = None
    limit: datetime | None = None
    met_at: datetime | None = None
    breached_at: datetime | None = None
    cancelled_at: datetime | None = None
    planned_at: datetime | None = None
    notices: tuple[ScheduledNotice, ...] = ()

    @property
    def planned_late(self) -> str | None:
        """``"limit"`` or ``"target"`` when the planned moment lies after it, else ``None``.

        Only a running (or breached, not yet met) deadline says so: once met,
        the real moment counts, not the plan.
        """
        planned = self.planned_at
        if planned is None or self.status not in (DeadlineStatus.PENDING, DeadlineStatus.BREACHED):
            return None
        if self.limit is not None and planned > self.limit:
            return "limit"
        if self.target is not None and planned > self.target:
            return "target"
        return None

    @property
    def due(self) -> datetime | None:
        """The moment after which the deadline is breached, if it has started."""
        return self.limit if self.limit is not None else self.target

    @property
    def open(self) -> bool:
        """Whether the deadline is running (pending)."""
        return self.status is DeadlineStatus.PENDING

    def overdue(self, now: datetime) -> bool:
        """Whether it is running past its due moment: a breach not yet recorded.

        The engine records it before the next command on the case, or in
        `Engine.record_breaches`; until then the status stays ``pending``.
        """
        due = self.due
        return self.status is DeadlineStatus.PENDING and due is not None and now > due


class TakenAction(NamedTuple):
    """An action taken in a case: which, by whom, when, and in which leaf phase.

    A named tuple rather than an attrs class: a long case holds hundreds, and
    replay makes one per action event, where a tuple is built four times faster.
    """

    action: str
    by: str
    at: datetime
    sequence: int
    phase: str


@attrs.frozen
class CaseSuspension:
    """Where a suspended case was, since when, and what its deadlines do meanwhile.

    ``from_phase`` is the leaf phase the case was suspended from, where a
    resume action returns it; ``since`` the moment it was suspended;
    ``deadlines`` the suspension phase's mode (``"pause"`` or ``"run"``);
    ``held`` the deadlines that were running when it was suspended, which
    the suspension neither cancels nor (when paused) lets be breached;
    ``taken_in_phase`` the once-only actions already taken in
    ``from_phase``, given back on resumption.
    """

    from_phase: CasePhase
    since: datetime
    deadlines: str
    held: tuple[str, ...] = ()
    taken_in_phase: tuple[str, ...] = ()

    @property
    def paused(self) -> tuple[str, ...]:
        """The held deadlines that are paused (none when they keep running)."""
        return self.held if self.deadlines == "pause" else ()


@attrs.frozen
class Case:
    """A case: the fold of its events. Immutable; every command returns a new one.

    ``participants`` maps each person to their roles, ``roles`` each role to
    its people (both in assignment order). ``called_in`` holds the on-call
    roles called into the current leaf phase. ``artifacts`` maps an artifact
    id to its versions, oldest first. ``taken_in_phase`` lists the actions
    without ``to`` already taken since the case entered its leaf phase.
    ``version`` is the sequence of the last event and ``last_hash`` its hash.

    ``subjects`` are the data subjects whose personal values the case holds
    (encrypted under their keys), ``erased`` those erased since; ``hold`` is
    the reason of the legal hold in force (``None``: none), ``disposed_at``
    when the case was disposed of.

    ``follows`` is the id of the earlier case this one was opened as a
    follow-up of (``None``: opened on its own).
    ``organisations`` maps a participant to the organisation the host named
    for them (people it named none for are absent).

    A per-person artifact keeps every person's copies in the one tuple of
    ``artifacts``, each version with its ``about``; `latest` with
    ``about=`` gives one person's newest copy and `copies` every person's.
    ``suspension`` says where a suspended case was and since when (``None``
    while the case is not suspended).
    """

    id: str
    process: ProcessRef
    phase: CasePhase
    participants: FrozenMap[str, tuple[str, ...]]
    roles: FrozenMap[str, tuple[str, ...]]
    called_in: tuple[str, ...]
    artifacts: FrozenMap[str, tuple[ArtifactVersion, ...]]
    deadlines: FrozenMap[str, DeadlineState]
    actions: tuple[TakenAction, ...]
    taken_in_phase: tuple[str, ...]
    outcome: str | None
    opened_at: datetime
    opened_by: str
    version: int
    last_hash: str
    subjects: tuple[str, ...] = ()
    erased: tuple[str, ...] = ()
    hold: str | None = None
    disposed_at: datetime | None = None
    follows: str | None = None
    organisations: FrozenMap[str, Organisation] = EMPTY_MAP
    suspension: CaseSuspension | None = None

    @property
    def closed(self) -> bool:
        """Whether the case has ended in a terminal phase (it has an outcome)."""
        return self.outcome is not None

    @property
    def closed_at(self) -> datetime | None:
        """When the case reached its outcome: the time of the action that closed it."""
        if self.outcome is None or not self.actions:
            return None
        # No action leaves a terminal phase, so the last one taken closed the case.
        return self.actions[-1].at

    def latest(self, artifact_id: str, *, about: str | None = None) -> ArtifactVersion | None:
        """The newest version of an artifact, or ``None`` if it has none.

        ``about`` names a person: the newest copy of a per-person artifact
        about them. Without it, the newest version about anyone.
        """
        return _latest_of(self.artifacts.get(artifact_id), about)

    def copies(self, artifact_id: str) -> FrozenMap[str, ArtifactVersion]:
        """The newest copy of a per-person artifact about each person, by person id.

        People appear in the order their first copy was submitted; people who
        no longer hold the artifact's roles keep their copies.
        """
        return _copies_of(self.artifacts.get(artifact_id))

    @property
    def suspended_from(self) -> CasePhase | None:
        """The leaf phase a suspended case was suspended from (``None``: not suspended)."""
        return None if self.suspension is None else self.suspension.from_phase

    def roles_of(self, person: str) -> tuple[str, ...]:
        """The roles ``person`` holds in the case (empty if none)."""
        return self.participants.get(person, ())

    def people_in(self, role: str) -> tuple[str, ...]:
        """The people holding ``role`` (empty if none)."""
        return self.roles.get(role, ())

    def to_dict(self) -> dict[str, Any]:
        """The case as JSON data; `Case.from_dict` reads it back equal."""
        return case_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Case:
        """Read a case written by `Case.to_dict`; `MalformedRecord` (a ``ValueError``) if not."""
        return case_from_dict(data)


@attrs.frozen
class CaseView:
    """A case as one person may see it: artifacts they may not read are absent.

    ``person_roles`` are the roles the person holds; ``hidden`` names the
    artifacts left out (so a user interface can say that something exists
    without showing it, if the host wants to). ``hidden_fields`` maps an
    artifact the person reads only in part (``read_fields``) to the fields
    left out of its data. ``access`` says how the person reads the case:
    ``participant``, or the capability the host granted (``supervision``,
    ``audit``). ``definition`` is the process (the exact version) the case
    runs, where `to_dict` finds the labels; it is not compared: two views of
    the same facts are equal. ``organisations`` are the participants'
    organisations: everyone who may view the case takes part in it (or was
    granted a capability) and sees who works where. ``suspension`` is the
    case's, while it is suspended.
    """

    id: str
    process: ProcessRef
    person: str
    person_roles: tuple[str, ...]
    phase: CasePhase
    participants: FrozenMap[str, tuple[str, ...]]
    roles: FrozenMap[str, tuple[str, ...]]
    called_in: tuple[str, ...]
    artifacts: FrozenMap[str, tuple[ArtifactVersion, ...]]
    hidden: tuple[str, ...]
    deadlines: FrozenMap[str, DeadlineState]
    actions: tuple[TakenAction, ...]
    outcome: str | None
    opened_at: datetime
    opened_by: str
    version: int
    definition: Process = attrs.field(eq=False, repr=False)
    hidden_fields: FrozenMap[str, tuple[str, ...]] = EMPTY_MAP
    access: str = "participant"
    follows: str | None = None
    organisations: FrozenMap[str, Organisation] = EMPTY_MAP
    suspension: CaseSuspension | None = None

    @property
    def closed(self) -> bool:
        """Whether the case has ended."""
        return self.outcome is not None

    def to_dict(self) -> dict[str, Any]:
        """The view as JSON data, with the labels of everything it names (``CaseViewJSON``).

        Roles, phases, artifacts, deadlines and actions come as ``{"id",
        "label": {"cs", "en"}}``; moments as ISO 8601 with the offset of the
        process's timezone; deadlines with ``target``, ``limit``, ``due`` and
        their ``status``; artifacts with every visible version and its data.
        """
        return case_view_to_dict(self)

    def latest(self, artifact_id: str, *, about: str | None = None) -> ArtifactVersion | None:
        """The newest visible version of an artifact (about ``about``, if given), or ``None``."""
        return _latest_of(self.artifacts.get(artifact_id), about)

    def copies(self, artifact_id: str) -> FrozenMap[str, ArtifactVersion]:
        """The newest visible copy of a per-person artifact about each person."""
        return _copies_of(self.artifacts.get(artifact_id))


@attrs.frozen
class HistoryEntry:
    """One event of a case as one person may see it (`Engine.history_for`).

    Type, actor, time and sequence are the event's, so the timeline reads
    the same for everyone; the payload leaves out the data of documents the
    person may not read. ``redacted`` names the artifact whose data was left
    out whole (its id and version number stay, so the timeline says that a
    document was written); ``hidden_fields`` the fields left out of a
    document the person reads only in part. Both empty: the payload is the
    event's own.
    """

    sequence: int
    type: str
    at: datetime
    actor: str
    payload: FrozenMap[str, Any]
    redacted: str | None = None
    hidden_fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON data (``HistoryEntryJSON``); the moment in ISO 8601 (UTC)."""
        return {
            "sequence": self.sequence,
            "type": self.type,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "payload": thaw(self.payload),
            "redacted": self.redacted,
            "hidden_fields": list(self.hidden_fields),
        }


@attrs.frozen
class ActionOption:
    """An action of the current phase, whether a person may take it, and why not."""

    action: str
    label: Label
    allowed: bool
    reasons: tuple[Reason, ...]
    to: str | None
    records: str | None

    def to_dict(self) -> dict[str, Any]:
        """The option as JSON data (``ActionOptionJSON``): reasons with their codes."""
        return action_option_to_dict(self)


@attrs.frozen
class GuardContext:
    """What a host's guard sees: read-only facts about the command being decided.

    ``data`` is the data given with the action (frozen), if any; ``now`` the
    engine's time for this command.
    """

    case: Case
    action: str
    actor: str
    process: Process
    data: FrozenMap[str, Any] = EMPTY_MAP
    now: datetime | None = None


# ------------------------------------------------------------ the JSON form
#
# ``Case.from_dict(case.to_dict()) == case`` for every case. The data carries
# a format number so that a snapshot written by another kwflow is recognised
# and ignored (the store then replays events instead: a snapshot is a cache,
# never the truth).

CASE_FORMAT = 1
"""Version of the JSON form of a case; raise it when the form changes."""


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise MalformedRecord("case", f"naive moment {value!r}")
    return moment


def _deadline_to_dict(state: DeadlineState) -> dict[str, Any]:
    return {
        "status": state.status.value,
        "responsible": state.responsible,
        "anchor_at": _iso(state.anchor_at),
        "anchor_key": state.anchor_key,
        "target": _iso(state.target),
        "limit": _iso(state.limit),
        "met_at": _iso(state.met_at),
        "breached_at": _iso(state.breached_at),
        "cancelled_at": _iso(state.cancelled_at),
        "planned_at": _iso(state.planned_at),
        # Derived (the limit, or the target), for readers of the JSON; never read back.
        "due": _iso(state.due),
        "planned_late": state.planned_late,
    } | ({"notices": [n.to_dict() for n in state.notices]} if state.notices else {})


def _version_to_dict(version: ArtifactVersion, *, thawed: bool = True) -> dict[str, Any]:
    found = {
        "number": version.number,
        "data": thaw(version.data) if thawed else version.data,
        "by": version.by,
        "at": version.at.isoformat(),
        "sequence": version.sequence,
    }
    if version.about is not None:
        # Only per-person copies carry it: other snapshots keep their form.
        found["about"] = version.about
    return found


def case_to_dict(case: Case, *, thawed: bool = True) -> dict[str, Any]:
    """The JSON form of ``case`` (plain dicts, lists, strings and numbers).

    The form snapshots keep, so it holds ids only: labels are the process's,
    in `CaseView.to_dict`. Each deadline also gives its ``due`` moment.
    ``thawed=False`` leaves the documents' data as the case holds it
    (read-only maps and tuples, which JSON encodes exactly as dicts and
    lists), for a snapshot, which is only encoded: copying every version of
    every document again made a snapshot of a long case a third slower
    (benchmarks/bench_commit.py).
    """
    body: dict[str, Any] = {
        "format": CASE_FORMAT,
        "id": case.id,
        "process": {
            "id": case.process.id,
            "version": case.process.version,
            "hash": case.process.content_hash,
        },
        "phase": list(case.phase.path),
        "participants": {person: list(roles) for person, roles in case.participants.items()},
        "roles": {role: list(people) for role, people in case.roles.items()},
        "called_in": list(case.called_in),
        "artifacts": {
            artifact: [_version_to_dict(v, thawed=thawed) for v in versions]
            for artifact, versions in case.artifacts.items()
        },
        "deadlines": {key: _deadline_to_dict(state) for key, state in case.deadlines.items()},
        "actions": [
            [taken.action, taken.by, taken.at.isoformat(), taken.sequence, taken.phase]
            for taken in case.actions
        ],
        "taken_in_phase": list(case.taken_in_phase),
        "outcome": case.outcome,
        "opened_at": case.opened_at.isoformat(),
        "opened_by": case.opened_by,
        "version": case.version,
        "last_hash": case.last_hash,
        "follows": case.follows,
        "organisations": {
            person: {"id": organisation.id, "kind": organisation.kind}
            for person, organisation in case.organisations.items()
        },
        "suspension": _suspension_to_dict(case.suspension),
    }
    # Written only once used, so snapshots of cases that never used them read
    # (and compare) as before.
    if case.subjects:
        body["subjects"] = list(case.subjects)
    if case.erased:
        body["erased"] = list(case.erased)
    if case.hold is not None:
        body["hold"] = case.hold
    if case.disposed_at is not None:
        body["disposed_at"] = case.disposed_at.isoformat()
    return body


def _suspension_to_dict(suspension: CaseSuspension | None) -> dict[str, Any] | None:
    if suspension is None:
        return None
    return {
        "from_phase": list(suspension.from_phase.path),
        "since": suspension.since.isoformat(),
        "deadlines": suspension.deadlines,
        "held": list(suspension.held),
        "taken_in_phase": list(suspension.taken_in_phase),
    }


def _suspension_from_dict(data: Mapping[str, Any] | None) -> CaseSuspension | None:
    # A snapshot written before suspensions existed has no key: its case was
    # never suspended, so the form keeps its format number.
    if data is None:
        return None
    path = tuple(data["from_phase"])
    since = _moment(data["since"])
    assert since is not None
    return CaseSuspension(
        from_phase=CasePhase(path[-1], path),
        since=since,
        deadlines=data["deadlines"],
        held=tuple(data["held"]),
        taken_in_phase=tuple(data["taken_in_phase"]),
    )


def case_from_dict(data: Mapping[str, Any]) -> Case:
    """Read the JSON form back; `MalformedRecord` (a ``ValueError``) when it is not one."""
    if not isinstance(data, Mapping) or data.get("format") != CASE_FORMAT:
        found = data.get("format") if isinstance(data, Mapping) else type(data).__name__
        raise MalformedRecord("case", f"case format {found!r}, expected {CASE_FORMAT}")
    try:
        process = data["process"]
        path = tuple(data["phase"])
        opened_at = _moment(data["opened_at"])
        assert opened_at is not None
        return Case(
            id=data["id"],
            process=ProcessRef(process["id"], process["version"], process["hash"]),
            phase=CasePhase(path[-1], path),
            participants=FrozenMap(
                {person: tuple(roles) for person, roles in data["participants"].items()}
            ),
            roles=FrozenMap({role: tuple(people) for role, people in data["roles"].items()}),
            called_in=tuple(data["called_in"]),
            artifacts=FrozenMap(
                {
                    artifact: tuple(
                        ArtifactVersion(
                            v["number"],
                            freeze(v["data"]),
                            v["by"],
                            _moment(v["at"]),  # type: ignore[arg-type]
                            v["sequence"],
                            v.get("about"),
                        )
                        for v in versions
                    )
                    for artifact, versions in data["artifacts"].items()
                }
            ),
            deadlines=FrozenMap(
                {
                    key: DeadlineState(
                        key,
                        DeadlineStatus(state["status"]),
                        state["responsible"],
                        anchor_at=_moment(state["anchor_at"]),
                        anchor_key=state["anchor_key"],
                        target=_moment(state["target"]),
                        limit=_moment(state["limit"]),
                        met_at=_moment(state["met_at"]),
                        breached_at=_moment(state["breached_at"]),
                        cancelled_at=_moment(state["cancelled_at"]),
                        # Cases written before deadlines had a planned moment lack it.
                        planned_at=_moment(state.get("planned_at")),
                        notices=tuple(
                            ScheduledNotice.from_dict(n) for n in state.get("notices", ())
                        ),
                    )
                    for key, state in data["deadlines"].items()
                }
            ),
            actions=tuple(
                TakenAction(action, by, _moment(at), sequence, phase)  # type: ignore[arg-type]
                for action, by, at, sequence, phase in data["actions"]
            ),
            taken_in_phase=tuple(data["taken_in_phase"]),
            outcome=data["outcome"],
            opened_at=opened_at,
            opened_by=data["opened_by"],
            version=data["version"],
            last_hash=data["last_hash"],
            subjects=tuple(data.get("subjects", ())),
            erased=tuple(data.get("erased", ())),
            hold=data.get("hold"),
            disposed_at=_moment(data.get("disposed_at")),
            # Snapshots written before follow-ups existed lack the key.
            follows=data.get("follows"),
            # Snapshots written before organisations existed have none to read.
            organisations=FrozenMap(
                {
                    person: Organisation(organisation["id"], organisation["kind"])
                    for person, organisation in data.get("organisations", {}).items()
                }
            ),
            suspension=_suspension_from_dict(data.get("suspension")),
        )
    except MalformedRecord:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, AssertionError) as exc:
        raise MalformedRecord("case", f"not a case in the JSON form: {exc!r}") from exc
