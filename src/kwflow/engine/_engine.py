"""The `Engine`: the imperative shell around decide and evolve.

Every command is a record (``_commands``) and `Engine.execute` is the one
way in; the named methods build a record and execute it. Every command on a
case runs the same loop (docs/architecture.md, "The core loop"):

1. find the case: the engine's cached `Case`, else the store's snapshot and
   events, folded (the cache is trusted without asking the store: the
   append checks the version, and a refusal or a conflict from a cache that
   fell behind reads the case again and decides once more);
2. note the time once, from the clock;
3. record, first, the breaches of the case's deadlines that passed by now;
4. decide the command (``_decide.decide``: pure; a refusal raises and
   nothing is written), and record the breach of any deadline it started
   that is overdue already;
5. number and hash the events and append them, with the case's open
   deadlines, every so often a snapshot and the command's idempotency key,
   in one ``store.append`` that checks the case is still at the version read;
6. evolve the case by the new events and cache it.

A command with an idempotency key first looks its key up (``_idempotency``):
a key already used answers with the case as that command left it (same
content) or raises `IdempotencyConflict` (other content), before any of the
steps above; a writer elsewhere that recorded the key first is noticed the
same way when the append is refused.

Commands on one case are serialized inside the engine (one lock per stripe
of case ids), so threads of one host never race each other; engines in
other processes may, and lose with `ConcurrencyConflict` (``retries`` reads
the case again and decides anew).
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal, overload

import attrs

from kwflow.calendars import default_calendars
from kwflow.definition import Retention
from kwflow.exceptions import (
    CaseDisposed,
    CaseExists,
    CaseNotFound,
    ConcurrencyConflict,
    EarlierCaseNotFound,
    IndexOutOfDate,
    InvalidEvents,
    InvalidQuery,
    InvalidValue,
    KwflowError,
    MalformedEvent,
    MigrationPlanNotFound,
    MigrationRefused,
    NotPermitted,
    ProcessChanged,
    TamperedHistory,
    WrongType,
)
from kwflow.history import (
    GENESIS_HASH,
    EventType,
    FrozenMap,
    KeyRing,
    canonical_json,
    new_event,
    verify_history,
)
from kwflow.store import (
    CaseQuery,
    DeadlineEntry,
    DisposalRecord,
    ReadEntry,
    Snapshot,
    SqliteStore,
    default_sqlite_path,
)

from ._access import Reader, reader_of, visible_data
from ._authorization import action_reasons
from ._checkpoint import take_checkpoint, verify_against_store
from ._clock import Clock, SystemClock, aware_utc
from ._commands import (
    COMMAND_TYPES,
    Act,
    Assign,
    CallIn,
    CheckDeadlines,
    Dismiss,
    Dispose,
    Erase,
    Hold,
    Migrate,
    OpenCase,
    Organisation,
    ReleaseHold,
    Replace,
    Submit,
    Unassign,
    check_id,
    check_person,
)
from ._compiled import CompiledProcess, compiled, compiled_if_same
from ._deadlines import open_deadlines
from ._decide import carried_documents, decide, decide_breaches, decide_carried, decide_open
from ._evolve import evolve, fold
from ._idempotency import KeyedCommand
from ._migrate import Migration, MigrationCheck, decide_migrate
from ._outbox import outbox_changes
from ._personal import (
    DataKeys,
    PersonalField,
    personal_fields,
    plaintext_twins,
    reveal_case,
    reveal_events,
    seal,
)
from ._queries import (
    aware,
    case_query,
    in_inbox_order,
    inbox_item,
    inbox_window,
    index_entry,
    index_fields_differing,
    read_log_query,
    summary_of,
)
from ._records import (
    ActionOption,
    ArtifactVersion,
    Case,
    CaseView,
    DeadlineState,
    HistoryEntry,
    ProcessRef,
    case_to_dict,
)
from ._redaction import redact_event
from ._retention import DisposalDue, disposal_due_at
from ._shipped_guards import shipped_guards

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from kwflow.calendars import CalendarRegistry
    from kwflow.definition import Process, Registry
    from kwflow.history import Checkpoint, Event
    from kwflow.store import CaseStore, IdempotencyRecord, Notification

    from ._access import Grants
    from ._authorization import Guard
    from ._commands import CaseCommand, Command
    from ._decide import Draft
    from ._summaries import CaseSummary, InboxItem

__all__ = ["Engine"]

_STRIPES = 64
_OPENED = EventType.CASE_OPENED.value
_MIGRATED = EventType.CASE_MIGRATED.value


def default_store() -> CaseStore:
    """The store an `Engine` uses when none is given: SQLite at the default path.

    The path is ``$KWFLOW_DB`` when set, else
    ``$XDG_DATA_HOME/kwflow/cases.sqlite3`` (``~/.local/share/...``); see
    ``kwflow.store.default_sqlite_path``. Cases outlive the process by
    default: a host that wants memory only passes ``MemoryStore()``.
    """
    return SqliteStore(default_sqlite_path())


class Engine:
    """Runs cases of the processes in a registry, keeping them in a store.

    Args:
        registry: the processes cases may run (a `kwflow.definition.Registry`).
        store: where cases are kept; when left out, the SQLite file at the
            default path (see `default_store`), so cases outlive the process.
        clock: where "now" comes from; the system clock when left out.
        guards: the host's named guards, name -> function of a `GuardContext`
            returning ``True`` or a refusal reason. The guards the shipped
            processes name are built in (``kwflow.engine.SHIPPED_GUARDS``)
            and used for their cases; a host guard of the same name
            replaces the built-in one.
        calendars: the working-day calendars deadlines are counted on, by the
            id a process file names; the shared `kwflow.calendars` registry
            (``default_calendars()``) when left out.
        snapshot_every: store a snapshot of the case every this many events
            (0: never), so loading a long case does not replay it all.
        cache_size: how many cases to keep folded in memory.
        grants: the capabilities the host grants people to read cases they
            take no part in: person -> capabilities (``"supervision"``,
            ``"audit"``; see `Capability`), or a function of (person, case
            id) giving them. Nobody has any when left out.
        read_log: whether documents shown through `view` and `history_for`
            are written to the read log (`read_log`): ``"on"`` (or ``True``,
            the default), ``"durable"`` or ``"off"`` (or ``False``). Rows
            are written before the call returns either way. ``"on"`` lets
            their commit skip the wait for the disk flush (an application
            crash keeps them; a power cut may lose those of the last
            fraction of a second; events are never written so);
            ``"durable"`` waits for it, as every command does
            (docs/data-protection.md).
        data_keys: the host's key ring that protects the data keys of
            personal fields (docs/erasure.md); when left out, the store's own
            key ring (``store.keys``), if it has one. Keep it outside the
            database: with it, the database alone decrypts nothing.
        retention: the host's file plan, by process id: a
            `kwflow.definition.Retention` replacing the ``retention`` of that
            process's file. A process with neither has no disposal.

    Thread-safe: hosts may call one engine from many threads.
    """

    def __init__(
        self,
        registry: Registry,
        *,
        store: CaseStore | None = None,
        clock: Clock | None = None,
        guards: Mapping[str, Guard] | None = None,
        calendars: CalendarRegistry | None = None,
        snapshot_every: int = 50,
        cache_size: int = 10_000,
        grants: Grants | None = None,
        read_log: bool | Literal["on", "durable", "off"] = "on",
        data_keys: KeyRing | None = None,
        retention: Mapping[str, Retention] | None = None,
    ) -> None:
        """Make an engine; every process in ``registry`` is compiled (and checked) now."""
        if snapshot_every < 0:
            raise InvalidValue("snapshot_every", "non-negative", repr(snapshot_every))
        self._registry = registry
        self._store = store if store is not None else default_store()
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._guards: dict[str, Guard] = dict(guards or {})
        self._calendars = calendars if calendars is not None else default_calendars()
        self._snapshot_every = snapshot_every
        if grants is not None and not (callable(grants) or isinstance(grants, Mapping)):
            raise WrongType("grants", "mapping or callable", type(grants).__name__)
        self._grants = grants
        if read_log not in (True, False, "on", "durable", "off"):
            raise InvalidValue("read_log", "read-log-mode", repr(read_log))
        self._read_log_on = read_log not in (False, "off")
        self._read_log_durable = read_log == "durable"
        self._cache_size = max(cache_size, 0)
        # Each case twice: as folded from the stored events (personal values
        # sealed) and as revealed; the same object when it has no personal field.
        self._cache: dict[str, tuple[Case, Case]] = {}
        ring = data_keys if data_keys is not None else getattr(self._store, "keys", None)
        if ring is not None and not isinstance(ring, KeyRing):
            raise WrongType("data_keys", "KeyRing", type(ring).__name__)
        self._keys = DataKeys(self._store, ring)
        for rules in (retention or {}).values():
            if not isinstance(rules, Retention):
                raise WrongType("retention", "Retention", type(rules).__name__)
        self._retention: dict[str, Retention] = dict(retention or {})
        self._cache_lock = threading.Lock()
        self._stripes = tuple(threading.Lock() for _ in range(_STRIPES))
        for process in registry:
            compiled(process)

    # ------------------------------------------------------------ properties

    @property
    def registry(self) -> Registry:
        """The processes this engine runs."""
        return self._registry

    @property
    def store(self) -> CaseStore:
        """Where the cases are kept."""
        return self._store

    @property
    def calendars(self) -> CalendarRegistry:
        """The working-day calendars deadlines are counted on."""
        return self._calendars

    @property
    def clock(self) -> Clock:
        """Where "now" comes from."""
        return self._clock

    def register_guard(self, name: str, guard: Guard) -> None:
        """Register (or replace) the host's guard called ``name``.

        It also replaces kwflow's built-in guard of that name, if any.
        """
        if not callable(guard):
            raise WrongType(name, "callable", type(guard).__name__)
        # Copy on write: a command reading the mapping never sees it change.
        self._guards = {**self._guards, name: guard}

    # -------------------------------------------------------------- commands

    def execute(self, command: Command, *, retries: int = 0) -> Case:
        """Carry out ``command`` and return the case after it: the one way in.

        A refused command raises (a `KwflowError` saying why) and changes
        nothing. With the command's ``expected_version`` it is refused with
        `ConcurrencyConflict` unless the case is at that version. Without
        it, a conflict with a writer elsewhere is retried up to ``retries``
        times (reading the case again and deciding anew). Opening a case
        raises `ProcessNotFound`, or `CaseExists` when its id is taken.

        A command with an ``idempotency_key`` is carried out once: sent again
        with the same key and content it returns the case as it stood right
        after the original command (not as it stands now: `get_unfiltered` gives that)
        and stores nothing; with the same key and other content it raises
        `IdempotencyConflict` and stores nothing. Keys of commands on a case
        are unique within the case, keys of `OpenCase` among all openings.
        """
        if isinstance(command, OpenCase):
            return self._open(command)
        if not isinstance(command, COMMAND_TYPES):
            raise WrongType("command", "command", type(command).__name__)
        if isinstance(command, Dispose):
            record, disposed = self._dispose(command)
            if disposed is None:
                # Sent again: the record is there, the case it would return is gone.
                raise CaseDisposed(record.case_id, record.disposed_at.isoformat())
            return disposed
        return self._run(command, retries)[0]

    def open_case(
        self,
        process_id: str,
        *,
        by: str,
        version: int | None = None,
        case_id: str | None = None,
        follows: str | None = None,
        idempotency_key: str | None = None,
        organisation: Organisation | None = None,
    ) -> Case:
        """Open a case of a registered process; ``by`` gets the process's opener role.

        Without ``version`` the newest registered version is used; without
        ``case_id`` a random id is made. ``organisation`` is the one ``by``
        works for (the opener role's ``organisation`` rules apply). Raises
        `ProcessNotFound`, or `CaseExists` when ``case_id`` is taken. With
        ``idempotency_key``, opening again with that key returns the case it
        opened (see `execute`).

        ``follows`` opens the case as a follow-up of that earlier case: the
        documents the process's ``follows`` lists under ``carry_over`` are
        copied in, in the same append. Raises `EarlierCaseNotFound`,
        `FollowUpNotDeclared`, `EarlierCaseOpen`, `EarlierOutcomeNotListed`,
        `NotInEarlierCase` (``by`` holds no role in the earlier case) or
        `CarryOverInvalid`, and stores nothing.
        """
        return self.execute(
            OpenCase(
                process=process_id,
                by=by,
                version=version,
                case_id=case_id,
                follows=follows,
                idempotency_key=idempotency_key,
                organisation=organisation,
            )
        )

    def assign(
        self,
        case_id: str,
        person: str,
        role: str,
        *,
        by: str,
        expected_version: int | None = None,
        retries: int = 0,
        idempotency_key: str | None = None,
        organisation: Organisation | None = None,
    ) -> Case:
        """Give ``person`` the ``role``; ``by`` holds a role in its ``assigned_by``.

        ``organisation`` is the one ``person`` works for; see `Assign`.
        """
        return self.execute(
            Assign(
                case_id=case_id,
                person=person,
                role=role,
                by=by,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
                organisation=organisation,
            ),
            retries=retries,
        )

    def unassign(
        self,
        case_id: str,
        person: str,
        role: str,
        *,
        by: str,
        expected_version: int | None = None,
        retries: int = 0,
        idempotency_key: str | None = None,
    ) -> Case:
        """Take the ``role`` from ``person``; ``by`` holds a role in its ``assigned_by``."""
        return self.execute(
            Unassign(
                case_id=case_id,
                person=person,
                role=role,
                by=by,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
            ),
            retries=retries,
        )

    def replace(
        self,
        case_id: str,
        role: str,
        person: str,
        successor: str,
        *,
        by: str,
        reason: str,
        expected_version: int | None = None,
        retries: int = 0,
        idempotency_key: str | None = None,
        organisation: Organisation | None = None,
    ) -> Case:
        """Hand ``role`` over from ``person`` to ``successor``, for ``reason``; see `Replace`.

        ``organisation`` is the one ``successor`` works for.
        """
        return self.execute(
            Replace(
                case_id=case_id,
                role=role,
                person=person,
                successor=successor,
                by=by,
                reason=reason,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
                organisation=organisation,
            ),
            retries=retries,
        )

    def submit(
        self,
        case_id: str,
        artifact: str,
        data: Mapping[str, Any],
        *,
        by: str,
        about: str | None = None,
        expected_version: int | None = None,
        retries: int = 0,
        idempotency_key: str | None = None,
    ) -> Case:
        """Submit a new version of ``artifact``; raises `ArtifactInvalid` for bad data.

        ``about`` names the person a copy of a per-person artifact is about:
        required for such an artifact, refused (`ActionNotAllowed`) for others.
        """
        return self.execute(
            Submit(
                case_id=case_id,
                artifact=artifact,
                data=data,
                by=by,
                about=about,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
            ),
            retries=retries,
        )

    def act(
        self,
        case_id: str,
        action: str,
        *,
        by: str,
        data: Mapping[str, Any] | None = None,
        expected_version: int | None = None,
        retries: int = 0,
        idempotency_key: str | None = None,
    ) -> Case:
        """Take ``action``; ``data`` is the artifact it ``records``, if it records one.

        With ``expected_version`` the command is refused with
        `ConcurrencyConflict` unless the case is at that version. Without it,
        a conflict with a writer elsewhere is retried up to ``retries`` times
        (reading the case again and deciding anew). With ``idempotency_key``,
        taking the action again with that key returns the case as the first
        time left it instead of being refused (see `execute`).
        """
        return self.execute(
            Act(
                case_id=case_id,
                action=action,
                by=by,
                data=data,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
            ),
            retries=retries,
        )

    def call_in(
        self,
        case_id: str,
        role: str,
        *,
        by: str,
        expected_version: int | None = None,
        retries: int = 0,
        idempotency_key: str | None = None,
    ) -> Case:
        """Call an on-call ``role`` into the current phase; ``by`` is present."""
        return self.execute(
            CallIn(
                case_id=case_id,
                role=role,
                by=by,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
            ),
            retries=retries,
        )

    def dismiss(
        self,
        case_id: str,
        role: str,
        *,
        by: str,
        expected_version: int | None = None,
        retries: int = 0,
        idempotency_key: str | None = None,
    ) -> Case:
        """Send a called-in ``role`` out again; ``by`` is present."""
        return self.execute(
            Dismiss(
                case_id=case_id,
                role=role,
                by=by,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
            ),
            retries=retries,
        )

    def erase(
        self,
        case_id: str,
        subject: str,
        *,
        by: str,
        reason: str,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        """Erase the personal data of ``subject`` in the case; see `Erase`.

        Raises `SubjectNotFound` for a person whose data the case does not
        hold and who takes no part in it, `SubjectErased` for one erased
        already.
        """
        return self.execute(
            Erase(
                case_id=case_id,
                subject=subject,
                by=by,
                reason=reason,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
            )
        )

    def hold(
        self,
        case_id: str,
        *,
        by: str,
        reason: str,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        """Place a legal hold on the case: it is not disposed of until released."""
        return self.execute(
            Hold(
                case_id=case_id,
                by=by,
                reason=reason,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
            )
        )

    def release_hold(
        self,
        case_id: str,
        *,
        by: str,
        reason: str,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        """Release the case's legal hold; raises `HoldConflict` when it has none."""
        return self.execute(
            ReleaseHold(
                case_id=case_id,
                by=by,
                reason=reason,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
            )
        )

    def dispose(
        self,
        case_id: str,
        *,
        by: str,
        reason: str,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> DisposalRecord:
        """Dispose of a closed case past its retention period; returns its disposal record.

        The case's events, documents, snapshot, deadlines, data keys and the
        people in its index row are deleted in one transaction; its
        disposal record (`DisposalRecord`: process, dates, outcome, ``by``,
        ``reason``, its event hashes) is all that remains, and every later
        read of the case raises `CaseDisposed`. Raises `NotDueForDisposal`
        (open, no period, not yet) or `CaseOnHold`, changing nothing.
        ``execute(Dispose(...))`` does the same and returns the case as it
        stood, every personal value erased. See docs/erasure.md.
        """
        return self._dispose(
            Dispose(
                case_id=case_id,
                by=by,
                reason=reason,
                expected_version=expected_version,
                idempotency_key=idempotency_key,
            )
        )[0]

    def disposal_record(self, case_id: str) -> DisposalRecord | None:
        """The disposal record of a disposed case (checked); ``None`` for a case not disposed.

        Raises `CaseNotFound` for a case the store never held, and
        `TamperedHistory` when a disposed case's record is missing or does
        not verify.
        """
        check_id("case_id", case_id)
        record = self._store.disposal_record(case_id)
        if record is None and self._store.version(case_id) == 0:
            raise CaseNotFound(case_id)
        return record

    # ------------------------------------------------------------ migration
    # (docs/migration.md: plans, the dry run, the one event per case)

    @overload
    def migrate(
        self,
        case_ids: str,
        to_version: int,
        *,
        by: str,
        from_version: int | None = None,
        organisations: Mapping[str, Organisation] | None = None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Case: ...

    @overload
    def migrate(
        self,
        case_ids: list[str] | tuple[str, ...],
        to_version: int,
        *,
        by: str,
        from_version: int | None = None,
        organisations: Mapping[str, Organisation] | None = None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> list[MigrationCheck]: ...

    def migrate(
        self,
        case_ids: str | list[str] | tuple[str, ...],
        to_version: int,
        *,
        by: str,
        from_version: int | None = None,
        organisations: Mapping[str, Organisation] | None = None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Case | list[MigrationCheck]:
        """Move cases to version ``to_version`` of their process by the registered plan.

        Each case gets one ``case_migrated`` event naming the plan and its
        content hash, and runs the new version from then on. One case id:
        returns the case after the move, or raises (`MigrationPlanNotFound`,
        `MigrationRefused` with its reason, `ConcurrencyConflict` with
        ``expected_version``...) and changes nothing. Several: each is moved
        on its own, and a `MigrationCheck` per case says whether it moved or
        why not (``migrated``, ``error``), so one refused case stops none of
        the others. ``organisations`` (person -> `Organisation`) gives the
        organisations the new version requires that the cases never recorded;
        ``from_version`` refuses a case on another version. With
        ``idempotency_key`` a repeat returns the result of the first move.
        """
        if isinstance(case_ids, str):
            return self.execute(
                self._migrate_command(
                    case_ids,
                    to_version,
                    by=by,
                    from_version=from_version,
                    organisations=organisations,
                    expected_version=expected_version,
                    idempotency_key=idempotency_key,
                )
            )
        results = []
        for case_id in _case_ids(case_ids):
            try:
                case = self.migrate(
                    case_id,
                    to_version,
                    by=by,
                    from_version=from_version,
                    organisations=organisations,
                    expected_version=expected_version,
                    idempotency_key=idempotency_key,
                )
            except KwflowError as exc:
                results.append(MigrationCheck.refused(case_id, to_version, exc))
            else:
                results.append(MigrationCheck.moved(case_id, to_version, case, done=True))
        return results

    def plan_migration(
        self,
        case_ids: str | Sequence[str],
        to_version: int,
        *,
        from_version: int | None = None,
        organisations: Mapping[str, Organisation] | None = None,
    ) -> list[MigrationCheck]:
        """A dry run of `migrate`: per case, whether it would move and where, or why not.

        Nothing is written. Each `MigrationCheck` is JSON-able
        (``to_dict()``), with the reason in Czech and English.
        """
        results = []
        for case_id in _case_ids(case_ids):
            try:
                command = self._migrate_command(
                    case_id,
                    to_version,
                    by=SYSTEM_DRY_RUN,
                    from_version=from_version,
                    organisations=organisations,
                )
                case, migration, moment = self._migration_of(command)
                drafts = decide_migrate(
                    migration, case, command, now=moment, calendars=self._calendars
                )
                moved = evolve(
                    migration.target.process,
                    case,
                    _chain(case.id, case.version, case.last_hash, drafts, moment),
                )
            except KwflowError as exc:
                results.append(MigrationCheck.refused(case_id, to_version, exc))
            else:
                results.append(MigrationCheck.moved(case_id, to_version, moved, before=case))
        return results

    def _migrate_command(
        self,
        case_id: str,
        to_version: int,
        *,
        by: str,
        from_version: int | None,
        organisations: Mapping[str, Organisation] | None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Migrate:
        return Migrate(
            case_id=case_id,
            to_version=to_version,
            by=by,
            from_version=from_version,
            organisations=dict(organisations or {}),
            expected_version=expected_version,
            idempotency_key=idempotency_key,
        )

    def _migration_of(self, command: Migrate) -> tuple[Case, Migration, datetime]:
        """The case (its breaches due recorded, in memory), the migration and the time."""
        _, case, compiled_process = self._current_pair(command.case_id)
        if command.expected_version is not None and case.version != command.expected_version:
            raise ConcurrencyConflict(case.id, command.expected_version, case.version)
        moment = self._now()
        breaches = decide_breaches(case, moment)
        if breaches:
            events = _chain(case.id, case.version, case.last_hash, breaches, moment)
            case = evolve(compiled_process.process, case, events)
        return case, self._migration(case, command, compiled_process), moment

    def _migration(
        self, case: Case, command: Migrate, compiled_process: CompiledProcess
    ) -> Migration:
        """The plan and the two versions ``command`` moves ``case`` by; raises if there is none."""
        ref = case.process
        if command.from_version is not None and ref.version != command.from_version:
            raise MigrationRefused(
                case.id,
                command.to_version,
                "other-version",
                version=ref.version,
                expected=command.from_version,
            )
        if ref.version == command.to_version:
            raise MigrationRefused(
                case.id, command.to_version, "already-there", version=ref.version
            )
        plan = self._registry.plan(ref.id, ref.version, command.to_version)
        if plan is None:
            raise MigrationPlanNotFound(case.id, ref.id, ref.version, command.to_version)
        target = compiled(self._registry.get(ref.id, command.to_version))
        return Migration(plan, compiled_process, target)

    def retention_of(self, process: Process) -> Retention | None:
        """The retention rules cases of ``process`` follow: the host's, else the file's."""
        return self._retention.get(process.id, process.retention)

    def due_for_disposal(self, now: datetime | None = None) -> list[DisposalDue]:
        """Closed cases past their retention period and under no hold, longest overdue first.

        Read from the case index (no history is loaded). ``now`` defaults to
        the clock. A case whose outcome has no period is never listed.
        """
        moment = self._now() if now is None else aware_utc(aware("now", now))
        due: list[DisposalDue] = []
        for entry in self._store.find_cases(CaseQuery(open=False)):
            if entry.held or entry.disposed or entry.closed_at is None or entry.outcome is None:
                continue
            try:
                process = self._registry.get(entry.process_id, entry.process_version)
            except LookupError:
                continue
            rules = self.retention_of(process)
            period = None if rules is None else rules.period_for(entry.outcome)
            if period is None:
                continue
            at = disposal_due_at(entry.closed_at, period)
            if at <= moment:
                due.append(
                    DisposalDue(
                        case_id=entry.case_id,
                        process_id=entry.process_id,
                        process_version=entry.process_version,
                        outcome=entry.outcome,
                        closed_at=entry.closed_at,
                        due_at=at,
                        retention=str(period),
                    )
                )
        due.sort(key=lambda item: (item.due_at, item.case_id))
        return due

    # ---------------------------------------------------------------- reading

    def get_unfiltered(self, case_id: str) -> Case:
        """The whole case as it stands, every document included: a privileged call.

        Nothing is left out and nothing is logged: this is the call for the
        host's own logic (and for tests), never for showing a person their
        case; `view` does that. Raises `CaseNotFound`.
        """
        return self._current(case_id)[0]

    def history_unfiltered(self, case_id: str) -> tuple[Event, ...]:
        """Every event of the case, oldest first, unredacted: a privileged call.

        The events hold the data of every document and are not logged as
        read. Show people `history_for` instead, which redacts what they may
        not read. Raises `CaseNotFound`. Personal
        values are read back (`kwflow.ERASED` once erased); the hashes are
        those of the stored events, which hold them encrypted
        (``engine.store.events(case_id)`` gives those, to verify).
        """
        # Only events that name subjects hold sealed values: the others pass
        # unchanged, whichever versions the case ran.
        return reveal_events(self._stored_events(case_id), self._keys)

    def _stored_events(self, case_id: str) -> tuple[Event, ...]:
        events = self._store.events(case_id)
        if not events:
            raise CaseNotFound(case_id)
        return events

    def process_of(self, case_id: str) -> Process:
        """The process (exact version) the case runs."""
        return self._current(case_id)[1].process

    def view(self, case_id: str, person: str) -> CaseView:
        """The case as ``person`` may see it: what they may not read is left out.

        Documents none of their roles may read are absent (named in
        ``hidden``); a document they may read only in part (``read_fields``)
        has only those fields (the others named in ``hidden_fields``). A
        person who takes no part in the case gets `NotPermitted` (reason
        ``not_a_participant``), unless the host granted them a capability
        (``grants``; see `Capability`). Each document shown is written to
        the read log (unless the engine was made with ``read_log=False``).
        A person who may not read a per-person artifact still sees the
        copies about themselves (their own invitation). ``case_id`` and
        ``person`` are checked as a command checks them (`InvalidId`,
        `WrongType`). Raises `CaseNotFound`.
        """
        check_id("case_id", case_id)
        check_person("person", person)
        cached = self._cache.get(case_id)
        if cached is not None:
            # A warm view costs one round trip: the read-log rows are written
            # only if the store's case is still the cached one's version, so
            # one statement both checks that and logs (with the log off, or
            # nothing shown, it only checks). Otherwise (or when the cached
            # case refuses the person) the store's case decides.
            case = cached[1]
            compiled_process = self._compiled_for(case_id, case.process)
            try:
                shown, reader, documents = self._view_of(case, compiled_process, person)
            except NotPermitted:
                pass
            else:
                entries = (
                    self._read_entries(case_id, reader, "view", documents, compiled_process)
                    if self._read_log_on
                    else []
                )
                if self._store.log_reads_at(
                    case_id, case.version, entries, durable=self._read_log_durable
                ):
                    return shown
        case, compiled_process = self._current(case_id)
        shown, reader, documents = self._view_of(case, compiled_process, person)
        self._log_reads(case_id, reader, "view", documents, compiled_process)
        return shown

    def _view_of(
        self, case: Case, compiled_process: CompiledProcess, person: str
    ) -> tuple[CaseView, Reader, list[tuple[str, tuple[int, ...], bool]]]:
        """``person``'s view of ``case``, who they are as its reader, and the documents shown."""
        reader = self._reader(compiled_process, case, person)
        visible: dict[str, tuple[ArtifactVersion, ...]] = {}
        hidden: list[str] = []
        hidden_fields: dict[str, tuple[str, ...]] = {}
        for artifact_id, versions in case.artifacts.items():
            schema = compiled_process.artifacts[artifact_id]
            fields = reader.fields(schema)
            if fields is None:
                visible[artifact_id] = versions
            elif fields:
                # A copy of a per-person document about the reader is theirs
                # to read whole, as `history_for` shows it.
                visible[artifact_id] = tuple(
                    version
                    if version.about == person
                    else attrs.evolve(version, data=visible_data(version.data, fields))
                    for version in versions
                )
                hidden_fields[artifact_id] = tuple(
                    field.id for field in schema.artifact.fields if field.id not in fields
                )
            elif own := tuple(v for v in versions if v.about == person):
                visible[artifact_id] = own
            else:
                hidden.append(artifact_id)
        documents = [
            (artifact_id, tuple([v.number for v in versions]), artifact_id in hidden_fields)
            for artifact_id, versions in visible.items()
        ]
        shown = CaseView(
            id=case.id,
            process=case.process,
            person=person,
            person_roles=reader.roles,
            phase=case.phase,
            participants=case.participants,
            roles=case.roles,
            called_in=case.called_in,
            artifacts=FrozenMap(visible),
            hidden=tuple(hidden),
            deadlines=case.deadlines,
            actions=case.actions,
            outcome=case.outcome,
            opened_at=case.opened_at,
            opened_by=case.opened_by,
            version=case.version,
            definition=compiled_process.process,
            hidden_fields=FrozenMap(hidden_fields),
            access=reader.access,
            follows=case.follows,
            organisations=case.organisations,
            suspension=case.suspension,
        )
        return shown, reader, documents

    def history_for(self, case_id: str, person: str) -> tuple[HistoryEntry, ...]:
        """The case's events as ``person`` may see them, oldest first.

        Every event is there, with its type, actor, time and sequence, so
        the timeline reads whole; the data of a document the person may not
        read is left out of the payload (the entry names it in
        ``redacted``), and a document they read only in part keeps only
        those fields (``hidden_fields``). Who may read what is decided as
        for `view` (their roles now, or a granted capability); a person who
        takes no part gets `NotPermitted`. Each document shown is written to
        the read log. Personal values read back in clear, or as
        `kwflow.ERASED` once erased. Raises `CaseNotFound`.
        """
        check_id("case_id", case_id)
        check_person("person", person)
        case, compiled_process = self._current(case_id)
        reader = self._reader(compiled_process, case, person)
        events = self.history_unfiltered(case_id)
        entries = []
        shown: dict[str, list[int]] = {}
        partial: set[str] = set()
        # Each event is redacted by the rules of the version it was written
        # under: a case migrated since runs another version from its
        # `case_migrated` event on (whose documents are the new version's).
        written_under = self._compiled_for(case_id, _process_ref(events[0]))
        for event in events:
            if event.type == _MIGRATED:
                written_under = self._compiled_for(case_id, _ref_of(event.payload["process"]))
            entry, document = redact_event(event, written_under, reader)
            entries.append(entry)
            if document is not None:
                artifact_id, number, in_part = document
                shown.setdefault(artifact_id, []).append(number)
                if in_part:
                    partial.add(artifact_id)
        self._log_reads(
            case_id,
            reader,
            "history_for",
            [(a, tuple(numbers), a in partial) for a, numbers in shown.items()],
            compiled_process,
        )
        return tuple(entries)

    def read_log(
        self,
        *,
        case_id: str | None = None,
        person: str | None = None,
        limit: int = 100,
        after: int = 0,
    ) -> list[ReadEntry]:
        """A page of the read log: documents shown to people, oldest first.

        ``case_id`` and ``person`` narrow it (both: one person's reads of
        one case). At most ``limit`` (1 to 1000) entries; pass the last
        one's ``number`` as ``after`` for the next page. A privileged call
        for the host's data-protection officer; reading the log is not
        itself logged. Raises `InvalidQuery` for a parameter it cannot take.
        """
        return self._store.read_log(
            read_log_query(case_id=case_id, person=person, limit=limit, after=after)
        )

    def available_actions(self, case_id: str, person: str) -> list[ActionOption]:
        """Every action of the current phase, whether ``person`` may take it, and why not.

        Reasons are complete: each missing artifact, unmet field condition,
        unassigned role, missing role or presence, and each guard that
        refuses (guards are run). A closed case has no actions. A person
        who takes no part in the case gets `NotPermitted` (the reasons would
        tell them about its documents), unless the host granted them a
        capability. ``case_id`` and ``person`` are checked as a command
        checks them (`InvalidId`, `WrongType`).
        """
        check_id("case_id", case_id)
        check_person("person", person)
        case, compiled_process = self._current(case_id)
        self._reader(compiled_process, case, person)
        leaf = compiled_process.leaves[case.phase.id]
        now = self._now()
        guards = self._guards_for(compiled_process.process.id)
        options = []
        for action_id in leaf.actions:
            action = compiled_process.actions[action_id]
            reasons = action_reasons(compiled_process, case, action, person, guards, now=now)
            options.append(
                ActionOption(
                    action=action_id,
                    label=action.action.label,
                    allowed=not reasons,
                    reasons=tuple(reasons),
                    to=compiled_process.destination_id(case, action_id),
                    records=action.action.records,
                )
            )
        return options

    def deadlines(self, case_id: str) -> list[DeadlineState]:
        """The case's deadlines with their status, in the order of the process file."""
        return list(self._current(case_id)[0].deadlines.values())

    def due(
        self, before: datetime | None = None, *, limit: int | None = None
    ) -> list[DeadlineEntry]:
        """Running deadlines of every case due at or before ``before`` (default: now)."""
        moment = self._now() if before is None else aware_utc(before)
        return self._store.due(moment, limit=limit)

    # -- the outbox: reminders and escalations (issue 14) ---------------------

    def claim_notifications(
        self,
        now: datetime | None = None,
        *,
        limit: int = 100,
        lease: timedelta = timedelta(minutes=5),
        worker: str | None = None,
    ) -> list[Notification]:
        """Hand out up to ``limit`` reminders and escalations due by ``now`` (default: the clock).

        Each is leased for ``lease``: no other claim, in this process or
        another, gets it before the lease ends. Send each and then
        `ack_notification` its ``key``; one not acked comes back once its
        lease has run out (its ``attempts`` counts the claims), so a sender
        that dies loses nothing. ``key`` is also the idempotency key to give
        a mailer that may see a notification twice. ``worker`` names the
        claimer in the store (default: this host and process).
        """
        moment = self._now() if now is None else aware_utc(now)
        if worker is None:
            worker = f"{socket.gethostname()}:{os.getpid()}"
        return self._store.claim_notifications(moment, limit=limit, lease=lease, worker=worker)

    def ack_notification(self, key: str, *, now: datetime | None = None) -> bool:
        """Record the notification ``key`` as sent; ``False`` if it was unknown, voided or sent.

        A notification voided meanwhile (its deadline met or cancelled while
        it was being sent) acks as ``False``: nothing is left to mark.
        """
        moment = self._now() if now is None else aware_utc(now)
        return self._store.ack_notification(key, now=moment)

    def notifications(self, case_id: str) -> list[Notification]:
        """The case's notifications in the outbox, sent ones included, earliest due first."""
        return self._store.notifications(case_id)

    def record_breaches(
        self, now: datetime | None = None, *, limit: int | None = None
    ) -> list[Event]:
        """Record a ``deadline_breached`` event for every deadline past due, in every case.

        ``now`` defaults to the clock. Returns the events recorded. A host
        calls this from a scheduler; commands on a case record its own
        breaches anyway.
        """
        moment = self._now() if now is None else aware_utc(now)
        entries = self._store.due(moment, limit=limit)
        recorded: list[Event] = []
        for case_id in dict.fromkeys(e.case_id for e in entries if e.due_at < moment):
            recorded.extend(self.record_case_breaches(case_id, now=moment))
        return recorded

    def record_case_breaches(
        self, case_id: str, *, now: datetime | None = None
    ) -> tuple[Event, ...]:
        """Record the breaches of one case's deadlines past due by ``now`` (default: the clock).

        The `CheckDeadlines` command, returning the events it recorded.
        """
        return tuple(self._run(CheckDeadlines(case_id=case_id), retries=2, now=now)[1])

    def replay_unfiltered(self, case_id: str) -> Case:
        """The case folded from its whole history, ignoring snapshots and caches.

        A privileged call, like `get_unfiltered`: every document is in it.
        """
        events = self._stored_events(case_id)
        process = self._compiled_for(case_id, _process_ref(events[0])).process
        sealed = fold(process, events)
        return reveal_case(sealed, self._personal_fields_of(sealed), self._keys)

    def verify(self, case_id: str) -> DisposalRecord | None:
        """Check the case: its hash chain, that it folds, its snapshot and its index row.

        The stored snapshot (if the store has one it trusts) must be exactly
        the case folded from the events up to it, and the case's row in the
        case index what the replay gives. Raises `TamperedHistory` naming the
        first event that does not match, and `IndexOutOfDate` when the index
        row differs (``kwflow reindex`` rewrites it).

        A disposed case passes when its disposal record verifies (its MAC,
        and the head it names is the case's authenticated head): the record
        is returned. ``None`` for a case that was not disposed of.
        """
        record = self._store.disposal_record(case_id)
        if record is not None:
            return record
        for _ in range(3):
            events = self._stored_events(case_id)
            verify_history(events, case_id=case_id)
            process = self._compiled_for(case_id, _process_ref(events[0])).process
            snapshot = self._store.load(case_id).snapshot
            if snapshot is not None:
                at_snapshot = fold(process, events[: snapshot.version])
                if canonical_json(at_snapshot.to_dict()) != canonical_json(dict(snapshot.state)):
                    raise TamperedHistory(case_id, snapshot.version, "snapshot-differs")
            expected = index_entry(fold(process, events), events[-1].at)
            stored = self._store.index_entry(case_id)
            differing = index_fields_differing(stored, expected)
            if not differing:
                return None
            if stored is None or stored.version == expected.version:
                break
            # A command appended between the two reads: compare again.
        raise IndexOutOfDate(case_id, differing)

    def reindex(self, case_id: str | None = None) -> int:
        """Rewrite the case-index row of one case (or every case) from a replay.

        For stores written before the index existed, or a row found out of
        date by `verify`. Each case is replayed from its verified history;
        a row is written only if the case is still at the version replayed
        (a command that moved it on wrote its own). Returns how many rows
        were missing or different. Raises `CaseNotFound` for an unknown
        ``case_id``, `TamperedHistory` for a damaged history.
        """
        ids = [case_id] if case_id is not None else self._store.case_ids()
        changed = 0
        for each in ids:
            if case_id is None and self._store.disposal_record(each) is not None:
                continue  # its row was written when it was disposed of
            while True:
                events = self._stored_events(each)
                process = self._compiled_for(each, _process_ref(events[0])).process
                entry = index_entry(fold(process, events), events[-1].at)
                if not index_fields_differing(self._store.index_entry(each), entry):
                    break
                if self._store.put_index_entry(entry):
                    changed += 1
                    break
        return changed

    # ----------------------------------------------------------- lists, inbox

    def find_cases(
        self,
        *,
        person: str | None = None,
        role: str | None = None,
        process: str | None = None,
        phase: str | None = None,
        open: bool | None = None,  # noqa: A002 - reads as the filter it is
        due_before: datetime | None = None,
        follows: str | None = None,
        limit: int = 50,
        after: str | None = None,
    ) -> list[CaseSummary]:
        """A page of cases from the case index, most recently updated first.

        Every filter given must hold: ``person`` takes part in the case (in
        ``role`` if given too; ``role`` alone: someone holds it); the case
        runs ``process``; it is in ``phase`` or a phase inside it; it is
        open (``open=True``) or closed (``False``); its next deadline falls
        due at or before ``due_before``; it was opened as a follow-up of the
        case ``follows``. At most ``limit`` (1 to 1000)
        cases; pass the last one's ``cursor`` as ``after`` for the next
        page (ties in time are ordered by case id, so pages never overlap).
        No history is loaded. A ``person`` is checked as a command checks a
        person id (`InvalidId`, `WrongType`); raises `InvalidQuery`,
        `ProcessNotFound` or `UnknownName` for another filter it cannot take.
        """
        query = case_query(
            self._registry,
            person=person,
            role=role,
            process=process,
            phase=phase,
            open=open,
            due_before=due_before,
            follows=follows,
            limit=limit,
            after=after,
        )
        return [summary_of(entry, self._registry) for entry in self._store.find_cases(query)]

    def follow_ups(self, case_id: str) -> list[CaseSummary]:
        """The cases opened as follow-ups of ``case_id``, most recently updated first.

        Read from the case index (`find_cases` with ``follows``), every one
        however many; the other way, a follow-up names its earlier case in
        `Case.follows` (and `CaseSummary.follows`). Raises `CaseNotFound`
        for a case the store does not hold.
        """
        if not isinstance(case_id, str) or not case_id:
            raise InvalidQuery("case_id", case_id, "must be a non-empty string")
        if self._store.version(case_id) == 0:
            raise CaseNotFound(case_id)
        query = CaseQuery(follows=case_id)
        return [summary_of(entry, self._registry) for entry in self._store.find_cases(query)]

    def inbox(
        self, person: str, *, now: datetime | None = None, within: timedelta | None = None
    ) -> list[InboxItem]:
        """What waits for ``person``: their open cases with something to do, most urgent first.

        For each open case they take part in (found through the case index):
        the actions they may take now, and the deadlines whose responsible
        role they hold that are breached or fall due by ``now + within``
        (every running one when ``within`` is None). A case with neither is
        left out. Ordered by the earliest such deadline (breached ones
        first), then the most recently updated case. ``now`` defaults to
        the clock. ``person`` is checked as a command checks a person id
        (`InvalidId`, `WrongType`); raises `InvalidQuery` for a naive ``now``
        or a negative ``within``.
        """
        query = case_query(self._registry, person=check_person("person", person), limit=1)
        moment = self._now() if now is None else aware_utc(aware("now", now))
        window = inbox_window(within)
        entries = self._store.find_cases(CaseQuery(person=query.person, open=True))
        items = []
        for entry in entries:
            try:
                case, compiled_process = self._indexed_case(entry.case_id, entry.version)
            except CaseNotFound:
                continue
            item = inbox_item(
                summary_of(entry, self._registry),
                case,
                compiled_process,
                person,
                self._guards_for(compiled_process.process.id),
                now=moment,
                within=window,
            )
            if item is not None:
                items.append(item)
        return in_inbox_order(items)

    def checkpoint(self, signing_key: Ed25519PrivateKey) -> str:
        """A checkpoint of every case's head now, signed with ``signing_key``, as text.

        Keep it away from the database (append it to a file elsewhere, mail
        it, timestamp it): `verify_checkpoint` later proves no case lost
        events, vanished or was rewritten up to the version it lists.
        """
        return take_checkpoint(self._store, signing_key=signing_key, now=self._now()).text

    def verify_checkpoint(
        self, checkpoint: str, public_key: Ed25519PublicKey, *, full: bool = False
    ) -> Checkpoint:
        """Prove the store still holds every case of ``checkpoint`` at least as it saw it.

        ``checkpoint`` is the text of one or more checkpoints (the newest is
        compared). Raises `CheckpointInvalid` if any signature does not verify
        with ``public_key``, and `TamperedHistory` naming the case and the
        version for a case that vanished, went back to an older version or
        was rewritten up to that version. ``full`` also verifies every case's
        whole history. Returns the checkpoint verified.
        """
        return verify_against_store(self._store, checkpoint, public_key=public_key, full=full)

    # ------------------------------------------------------------- internals

    def _now(self) -> datetime:
        return aware_utc(self._clock.now())

    def _reader(self, compiled_process: CompiledProcess, case: Case, person: str) -> Reader:
        """Who ``person`` is as a reader of ``case``; raises `NotPermitted` for a stranger."""
        if not isinstance(person, str) or not person:
            raise InvalidValue("person", "a person id", repr(person))
        return reader_of(
            compiled_process, case, person, self._grants, doing=f"read the case {case.id!r}"
        )

    def _log_reads(
        self,
        case_id: str,
        reader: Reader,
        call: str,
        documents: Sequence[tuple[str, tuple[int, ...], bool]],
        compiled_process: CompiledProcess,
    ) -> None:
        """Write one read-log entry per document shown, in one batch (if the log is on)."""
        if not self._read_log_on or not documents:
            return
        entries = self._read_entries(case_id, reader, call, documents, compiled_process)
        self._store.log_reads(entries, durable=self._read_log_durable)

    def _read_entries(
        self,
        case_id: str,
        reader: Reader,
        call: str,
        documents: Sequence[tuple[str, tuple[int, ...], bool]],
        compiled_process: CompiledProcess,
    ) -> list[ReadEntry]:
        """The read-log entries of the documents a call shows ``reader``, one each."""
        now = self._now()
        entries = []
        for artifact_id, versions, in_part in documents:
            fields: tuple[str, ...] = ()
            schema = compiled_process.artifacts.get(artifact_id) if in_part else None
            if schema is not None:
                # (A document of an earlier version the case ran, gone from
                # this one, is logged as read in part without its fields.)
                some = reader.fields(schema) or frozenset()
                fields = tuple(sorted(some))
            entries.append(
                ReadEntry(
                    case_id=case_id,
                    person=reader.person,
                    artifact=artifact_id,
                    versions=versions,
                    fields=fields,
                    at=now,
                    call=call,
                    access=reader.access,
                )
            )
        return entries

    def _guards_for(self, process_id: str) -> Mapping[str, Guard]:
        """The guards cases of ``process_id`` run: kwflow's built-in ones, then the host's."""
        built_in = shipped_guards(process_id)
        host = self._guards
        return {**built_in, **host} if built_in else host

    def _lock_for(self, case_id: str) -> threading.Lock:
        return self._stripes[hash(case_id) % _STRIPES]

    def _open(self, command: OpenCase) -> Case:
        keyed = KeyedCommand.of(command)
        done = self._done(keyed)
        if done is not None:
            return done
        process = self._registry.get(command.process, command.version)
        compiled_process = compiled(process)
        case_id = command.case_id if command.case_id is not None else uuid.uuid4().hex
        with self._lock_for(case_id):
            if self._store.version(case_id) != 0:
                # Perhaps opened by this very command, sent twice at once.
                done = self._done(keyed)
                if done is not None:
                    return done
                raise CaseExists(case_id)
            now = self._now()
            earlier = None if command.follows is None else self._earlier_case(command.follows)
            drafts = decide_open(
                compiled_process, by=command.by, organisation=command.organisation, follows=earlier
            )
            events = _chain(case_id, 0, GENESIS_HASH, drafts, now)
            case = fold(process, events)
            if earlier is not None:
                case = self._carry_over(compiled_process, case, earlier, events, by=command.by)
            # Documents carried over hold their personal values sealed, as
            # every submission does: the opened case is shown revealed.
            sealed = case
            if earlier is not None and personal_fields(process):
                case = reveal_case(sealed, personal_fields(process), self._keys)
            record = keyed.record(case_id, case.version) if keyed is not None else None
            try:
                self._store.append(
                    case_id,
                    0,
                    events,
                    # Documents carried into a follow-up may start deadlines.
                    deadlines=[
                        DeadlineEntry(case_id=case_id, deadline_id=deadline_id, due_at=due)
                        for deadline_id, due in open_deadlines(case)
                    ],
                    idempotency=record,
                    summary=index_entry(case, events[-1].at),
                    outbox=outbox_changes(compiled_process, None, case)
                    if compiled_process.notifying
                    else None,
                )
            except ConcurrencyConflict:
                done = self._done(keyed)
                if done is not None:
                    return done
                raise CaseExists(case_id) from None
            self._remember(sealed, case)
            return case

    def _earlier_case(self, case_id: str) -> Case:
        """The case a follow-up names; `EarlierCaseNotFound` if the store lacks it."""
        try:
            return self._current(case_id)[0]
        except CaseNotFound:
            raise EarlierCaseNotFound(case_id) from None

    def _carry_over(
        self,
        compiled_process: CompiledProcess,
        case: Case,
        earlier: Case,
        events: list[Event],
        *,
        by: str,
    ) -> Case:
        """``case`` after the documents it carries over from ``earlier`` (events join ``events``).

        The case returned is sealed (as folded from its events): personal
        values carried over are sealed under the new case's keys.

        Each is recorded in the new case's own history (replay and
        verification never read another case), after the opening and in
        the same append.
        """
        process = compiled_process.process
        spec = personal_fields(process)
        moment = events[-1].at
        for artifact, values, carried in carried_documents(compiled_process, earlier, by=by):
            drafts = decide_carried(
                compiled_process,
                case,
                artifact,
                values,
                carried,
                by=by,
                now=moment,
                calendars=self._calendars,
            )
            if spec:
                # Sealed under the new case's keys before they are hashed.
                drafts = seal(drafts, case, spec, self._keys)
            new_events = _chain(case.id, case.version, case.last_hash, drafts, moment)
            case = evolve(process, case, new_events)
            events.extend(new_events)
        return case

    def _run(
        self, command: CaseCommand, retries: int, *, now: datetime | None = None
    ) -> tuple[Case, list[Event]]:
        """The core loop for a command on an existing case; returns it and its new events."""
        case_id = command.case_id
        expected_version = command.expected_version
        keyed = KeyedCommand.of(command)
        attempt = 0
        with self._lock_for(case_id):
            # Before the version check: a retry carries the version the first
            # attempt read, which the first attempt moved on.
            done = self._done(keyed)
            if done is not None:
                return done, []
            while True:
                # The cached case is trusted until the store says otherwise:
                # the append checks the version anyway, so asking for it first
                # would cost every command a round trip to the database.
                trusted = self._cache.get(case_id) if self._cache_size else None
                if trusted is not None and (
                    expected_version is None or trusted[1].version == expected_version
                ):
                    (sealed, case), optimistic = trusted, True
                    compiled_process = self._compiled_for(case_id, case.process)
                else:
                    sealed, case, compiled_process = self._current_pair(case_id)
                    optimistic = False
                if expected_version is not None and case.version != expected_version:
                    raise ConcurrencyConflict(case_id, expected_version, case.version)
                moment = self._now() if now is None else aware_utc(now)
                process = compiled_process.process
                spec = personal_fields(process)
                events: list[Event] = []
                base = case
                breaches = decide_breaches(case, moment)
                if breaches:
                    events = _chain(case_id, case.version, case.last_hash, breaches, moment)
                    base = evolve(process, case, events)
                try:
                    migration = (
                        self._migration(base, command, compiled_process)
                        if isinstance(command, Migrate)
                        else None
                    )
                    drafts = decide(
                        compiled_process,
                        base,
                        command,
                        now=moment,
                        guards=self._guards_for(process.id),
                        calendars=self._calendars,
                        retention=self._retention.get(process.id),
                        migration=migration,
                    )
                except KwflowError:
                    # A refusal must be about the case as it stands, not as
                    # this engine last saw it: a writer elsewhere may have moved it.
                    if optimistic and self._moved_on(case):
                        continue
                    raise
                new_case = base
                if drafts:
                    revealed: list[Draft | None] = []
                    if spec:
                        # Sealed before they are hashed: the chain covers the ciphertext.
                        drafts = seal(drafts, base, spec, self._keys, revealed)
                    new_events = _chain(case_id, base.version, base.last_hash, drafts, moment)
                    # The revealed case is folded from the plaintext twins of
                    # the events (same sequence and hash, values in clear):
                    # nothing just sealed is opened again.
                    new_case = evolve(
                        process,
                        base,
                        plaintext_twins(new_events, revealed) if spec else new_events,
                    )
                    events.extend(new_events)
                    # A deadline the command started (or moved) may be overdue
                    # already: it is breached in the same append, never left pending.
                    late = decide_breaches(new_case, moment)
                    if late:
                        late_events = _chain(
                            case_id, new_case.version, new_case.last_hash, late, moment
                        )
                        new_case = evolve(process, new_case, late_events)
                        events.extend(late_events)
                record = keyed.record(case_id, new_case.version) if keyed is not None else None
                if not events and record is None:
                    if optimistic and self._moved_on(case):
                        continue
                    return case, events
                new_sealed = new_case
                if spec and events:
                    new_sealed = evolve(process, sealed, events)
                if isinstance(command, Erase) and events:
                    # The key goes before the event is written: should the
                    # append fail, the values read as erased and erasing again
                    # is still allowed; the other way round, a recorded
                    # erasure could leave its key behind.
                    self._keys.destroy(case_id, [command.subject])
                    if spec:
                        new_case = reveal_case(new_sealed, spec, self._keys)
                try:
                    # A keyed command that changes nothing still records its
                    # key, so the key stays bound to this command.
                    # A migration's events leave the case on another version,
                    # whose deadlines (and their reminders) the outbox follows.
                    runs = (
                        compiled_process
                        if new_sealed.process == sealed.process
                        else self._compiled_for(case_id, new_sealed.process)
                    )
                    self._append(sealed, new_sealed, events, idempotency=record, compiled=runs)
                except (TamperedHistory, InvalidEvents):
                    # The stored history is not the one the cached case was
                    # built on: forget it, so nothing is decided from it again.
                    self._forget(case_id)
                    raise
                except ConcurrencyConflict:
                    done = self._done(keyed)
                    if done is not None:
                        return done, []
                    self._forget(case_id)
                    if optimistic:
                        # The cached case was behind the store: decide again
                        # on the stored one; this is no retry of the caller's.
                        continue
                    if expected_version is not None or attempt >= retries:
                        raise
                    attempt += 1
                    continue
                self._remember(new_sealed, new_case)
                return new_case, events

    def _dispose(self, command: Dispose) -> tuple[DisposalRecord, Case | None]:
        """Dispose of a case: its disposal record, and the case as it stood, erased.

        Decided like any command (`decide_dispose`), but nothing is
        appended: the store replaces the case by its record in one
        transaction. A keyed disposal sent again returns the same record
        (and no case: it is gone).
        """
        case_id = command.case_id
        keyed = KeyedCommand.of(command)
        with self._lock_for(case_id):
            if keyed is not None:
                found = self._store.idempotency_record(keyed.scope, keyed.key)
                if found is not None:
                    keyed.check(found)
                    done = self._store.disposal_record(case_id)
                    if done is not None:
                        return done, None
            sealed, case, compiled_process = self._current_pair(case_id)
            if command.expected_version is not None and case.version != command.expected_version:
                raise ConcurrencyConflict(case_id, command.expected_version, case.version)
            moment = self._now()
            process = compiled_process.process
            ((_, by, payload),) = decide(
                compiled_process,
                case,
                command,
                now=moment,
                guards=self._guards_for(process.id),
                calendars=self._calendars,
                retention=self._retention.get(process.id),
            )
            # Decided: the case is closed, so both are set.
            assert case.closed_at is not None
            assert case.outcome is not None
            events = self._stored_events(case_id)
            record = DisposalRecord(
                case_id=case_id,
                process_id=process.id,
                process_version=process.version,
                opened_at=case.opened_at,
                closed_at=case.closed_at,
                disposed_at=moment,
                outcome=case.outcome,
                disposed_by=by,
                reason=str(payload["reason"]),
                retention=str(payload["retention"]),
                events=case.version,
                head_hash=case.last_hash,
                hashes=tuple(event.hash for event in events),
            )
            disposed = attrs.evolve(sealed, disposed_at=moment)
            summary = attrs.evolve(index_entry(disposed, moment), participants=())
            try:
                self._store.dispose(
                    record,
                    summary=summary,
                    idempotency=keyed.record(case_id, case.version) if keyed else None,
                )
            finally:
                # Whatever happened, nothing of the case stays in memory.
                self._forget(case_id)
            return record, self._disposed_case(disposed, record)

    def _disposed_case(self, sealed: Case, record: DisposalRecord) -> Case:
        """The case as it stood when disposed of, every personal value read as erased."""
        process = self._compiled_for(sealed.id, sealed.process).process
        erased = attrs.evolve(
            sealed,
            disposed_at=record.disposed_at,
            erased=tuple(dict.fromkeys((*sealed.erased, *sealed.subjects))),
        )
        # The keys are gone: every sealed value reads as ERASED.
        return reveal_case(erased, personal_fields(process), self._keys)

    def _append(
        self,
        old: Case,
        new: Case,
        events: Sequence[Event],
        *,
        idempotency: IdempotencyRecord | None = None,
        compiled: CompiledProcess,
    ) -> None:
        entries = None
        after = open_deadlines(new)
        if after != open_deadlines(old):
            entries = [
                DeadlineEntry(case_id=new.id, deadline_id=deadline_id, due_at=due)
                for deadline_id, due in after
            ]
        snapshot = None
        every = self._snapshot_every
        if every and old.version // every != new.version // every:
            snapshot = Snapshot(
                case_id=new.id,
                version=new.version,
                last_hash=new.last_hash,
                state=case_to_dict(new, thawed=False),
            )
        self._store.append(
            new.id,
            old.version,
            events,
            deadlines=entries,
            snapshot=snapshot,
            idempotency=idempotency,
            # A keyed command that changed nothing leaves the index row as it is.
            summary=index_entry(new, events[-1].at) if events else None,
            unchanged=_index_unchanged(old, new),
            outbox=outbox_changes(compiled, old, new) if compiled.notifying else None,
        )

    def _done(self, keyed: KeyedCommand | None) -> Case | None:
        """The result of the command with ``keyed``'s key if it was carried out before.

        ``None`` for a command without a key or a key never used; raises
        `IdempotencyConflict` when the key was used for another command.
        """
        if keyed is None:
            return None
        found = self._store.idempotency_record(keyed.scope, keyed.key)
        if found is None:
            return None
        keyed.check(found)
        return self._case_at(found.case_id, found.version)

    def _case_at(self, case_id: str, version: int) -> Case:
        """The case as it stood at ``version``: the current case if it is still there."""
        case, compiled_process = self._current(case_id)
        if case.version == version:
            return case
        events = self._store.events(case_id)
        if not 0 < version <= len(events):
            raise TamperedHistory(case_id, version, "idempotency-version")
        process = compiled_process.process
        # Erasures recorded since then apply to the old version too; the
        # registry replays a case migrated since, whatever version it ran then.
        at = attrs.evolve(fold(self._registry, events[:version]), erased=case.erased)
        return reveal_case(at, personal_fields(process), self._keys)

    def _indexed_case(self, case_id: str, version: int) -> tuple[Case, CompiledProcess]:
        """The case, from the cache when it holds ``version`` (the index's), else loaded.

        The index row gave the version, so the store is not asked for it again.
        """
        cached = self._cache.get(case_id)
        if cached is None or cached[1].version < version:
            cached = self._load(case_id)
            self._remember(*cached)
        return cached[1], self._compiled_for(case_id, cached[1].process)

    def _moved_on(self, case: Case) -> bool:
        """Whether the store holds a later version than ``case`` (then it is forgotten)."""
        if self._store.version(case.id) == case.version:
            return False
        self._forget(case.id)
        return True

    def _current(self, case_id: str) -> tuple[Case, CompiledProcess]:
        _, case, compiled_process = self._current_pair(case_id)
        return case, compiled_process

    def _current_pair(self, case_id: str) -> tuple[Case, Case, CompiledProcess]:
        """The case as folded from its stored events, as revealed, and its process.

        A cached case is checked against the store's version; with none
        cached the case is loaded straight away (a load that finds no case
        raises `CaseNotFound`), without asking for the version first.
        """
        cached = self._cache.get(case_id)
        if cached is not None:
            version = self._store.version(case_id)
            if version == 0:
                raise CaseNotFound(case_id)
            if cached[1].version != version:
                cached = None
        if cached is None:
            cached = self._load(case_id)
            self._remember(*cached)
        sealed, case = cached
        return sealed, case, self._compiled_for(case_id, case.process)

    def _load(self, case_id: str) -> tuple[Case, Case]:
        stored = self._store.load(case_id)
        start = None
        if stored.snapshot is not None:
            try:
                start = Case.from_dict(stored.snapshot.state)
            except ValueError:
                start = None
            if start is not None and (
                start.version != stored.snapshot.version
                or start.last_hash != stored.snapshot.last_hash
                or start.id != case_id
            ):
                start = None
            if start is None:
                # A snapshot this kwflow cannot use is only a lost shortcut.
                stored = self._store.load(case_id, use_snapshot=False)
        if start is not None:
            ref = start.process
        elif stored.events:
            ref = _process_ref(stored.events[0])
        else:
            raise CaseNotFound(case_id)
        process = self._compiled_for(case_id, ref).process
        sealed = fold(process, stored.events, start=start)
        spec = self._personal_fields_of(sealed)
        if not spec:
            return sealed, sealed
        if stored.subject_keys is not None:
            self._keys.offer(case_id, stored.subject_keys)
        return sealed, reveal_case(sealed, spec, self._keys)

    def _personal_fields_of(self, case: Case) -> Mapping[str, tuple[PersonalField, ...]]:
        """The personal fields of the version ``case`` runs now (after a migration, the new one).

        Values written under an earlier version without them are plain, and
        read back as they are.
        """
        return personal_fields(self._compiled_for(case.id, case.process).process)

    def _compiled_for(self, case_id: str, ref: ProcessRef) -> CompiledProcess:
        process = self._registry.get(ref.id, ref.version)
        found = compiled_if_same((ref.id, ref.version, ref.content_hash), process)
        if found is not None:
            return found
        if process.content_hash != ref.content_hash:
            raise ProcessChanged(
                case_id, ref.id, ref.version, ref.content_hash, process.content_hash
            )
        return compiled(process)

    def _remember(self, sealed: Case, case: Case) -> None:
        if not self._cache_size:
            return
        with self._cache_lock:
            cached = self._cache.get(case.id)
            if cached is not None and cached[1].version > case.version:
                return
            if cached is None and len(self._cache) >= self._cache_size:
                # Drop the oldest entry: a plain dict keeps insertion order.
                del self._cache[next(iter(self._cache))]
            self._cache[case.id] = (sealed, case)

    def _forget(self, case_id: str) -> None:
        with self._cache_lock:
            self._cache.pop(case_id, None)
        self._keys.forget(case_id)


def _index_unchanged(old: Case, new: Case) -> tuple[str, ...]:
    """The parts of the case's index row a command left as they were."""
    parts = []
    if new.participants == old.participants:
        parts.append("participants")
    if new.phase.path == old.phase.path:
        parts.append("phase_path")
    return tuple(parts)


SYSTEM_DRY_RUN = "kwflow"
"""Who a dry run (`Engine.plan_migration`) decides as: nobody is recorded."""


def _case_ids(case_ids: str | Sequence[str]) -> list[str]:
    """One case id or several, as a list; each checked as a command checks an id."""
    if isinstance(case_ids, str):
        return [check_id("case_id", case_ids)]
    if not isinstance(case_ids, Sequence):
        raise WrongType("case_ids", "case ids", type(case_ids).__name__)
    return [check_id("case_id", case_id) for case_id in case_ids]


def _ref_of(ref: Mapping[str, Any]) -> ProcessRef:
    return ProcessRef(ref["id"], ref["version"], ref["hash"])


def _process_ref(first: Event) -> ProcessRef:
    if first.type != _OPENED or first.sequence != 1:
        raise MalformedEvent(first.case_id, first.sequence, "a history starts with case_opened")
    try:
        ref = first.payload["process"]
        return ProcessRef(ref["id"], ref["version"], ref["hash"])
    except (KeyError, TypeError) as exc:
        raise MalformedEvent(first.case_id, 1, f"case_opened names no process: {exc!r}") from exc


def _chain(
    case_id: str, version: int, last_hash: str, drafts: Iterable[Draft], now: datetime
) -> list[Event]:
    """Number and hash event drafts after event ``version`` (whose hash is ``last_hash``)."""
    events = []
    for type_, actor, payload in drafts:
        version += 1
        event = new_event(
            case_id=case_id,
            sequence=version,
            type=type_,
            at=now,
            actor=actor,
            payload=payload,
            prev_hash=last_hash,
        )
        last_hash = event.hash
        events.append(event)
    return events
