"""Every fast path of the engine beside the generic path it replaces, in one run.

Run: ``.venv/bin/python benchmarks/bench_fast_paths.py`` (about five minutes;
``--quick`` for a smoke run in about one, ``--no-write`` to leave the docs
alone). Prints a Markdown table and writes it into ``docs/performance.md``
between ``<!-- bench_fast_paths:start -->`` and ``<!-- bench_fast_paths:end -->``
(never with ``--quick``).

A fast path is code that does what a simpler, more general piece of code
would do, only faster for the common case. Issue 16 asks that each be
justified by what it saves, as a share of the command it serves; one that
saves less than 5% there goes. For each fast path this script times, in the
same process and in interleaved rounds:

- the fast path, as the engine runs it, and the generic path it replaces
  (the general function called directly, or the object built the slow way:
  a `HierarchicalMachine` for a flat process, the event body as a dict, a
  payload built per event);
- how often a command uses it: each command is run under a profiler hook
  that counts calls of the fast path's function (and only the calls where
  it applies);
- the commands themselves: an accepted `Engine.act` (the ring process of
  ``bench_engine.py``: a plain move, guarded) and `Engine.submit` (a new
  referral version of the shipped family conference, as ``bench_commit.py``
  submits it), each on the memory store, SQLite (WAL, ``synchronous=FULL``)
  and PostgreSQL (``KWFLOW_TEST_POSTGRES_DSN``, default
  ``postgresql://postgres@127.0.0.1:5432/test``, in a schema of its own that
  is dropped afterwards; ``--no-postgres`` leaves it out);
- a cold read (`Engine.get` with no case cache) of the cases those commands
  made, on the memory store and SQLite: ``load`` (a ring case) and
  ``load-fc`` (a family conference, its personal fields revealed).

Saved per command = (generic - fast) x uses per command; the share is that
over the command's own median time. The one fast path that lives in a
store's write (`_index_unchanged`: the SQL stores leave the case index's
people and phase rows alone when a command did not change them) is measured
as whole commands with it and without it (the engine then says nothing is
unchanged), alternating case by case.

Times are medians over rounds (after a warm-up round) of the mean time per
operation in a round, the garbage collector paused while timing. Uses are
counted before and after the timed rounds and averaged: cases grow as the
commands run on them, and a load (or the memory store's re-check of the
chain on append) does more for a longer case.

Fast paths removed under issue 16 for saving less than 5% (the acting-roles
table, `_utc`'s shortcut, the deadlines-map identity test, the written-out
deadline state, `tuple.__new__` for `TakenAction`, shared `CasePhase`s)
are listed with their figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import kwflow
import kwflow.engine._engine as engine_module
from kwflow import Engine, Organisation, Registry, SimulatedClock
from kwflow.engine._compiled import compiled
from kwflow.engine._machine import PhaseMachine, _Machine, _state_config
from kwflow.history import FrozenDict, FrozenList, FrozenMap, KeyRing, canonical_json, freeze
from kwflow.history import _event as event_module
from kwflow.history import _frozen as frozen_module
from kwflow.store import MemoryStore, PostgresStore, SqliteStore
from kwflow.store._checks import check_chain
from kwflow.store._memory import _check_chain

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_engine as ring
from _support import REFERRAL, drop_schema, machine, pg_dsn, postgres_reason, timed, write_section

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import CodeType, FrameType

    from kwflow.definition import Process
    from kwflow.engine._records import Case
    from kwflow.history import Event

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
THRESHOLD = 0.05
"""A fast path that saves less than this share of the command it serves goes (issue 16)."""

MEMORY, UNCHECKED, SQLITE, POSTGRES = "memory", "memory, no re-check", "SQLite", "PostgreSQL"
KEYS: tuple[tuple[str, str], ...] = (
    ("act", MEMORY),
    ("act", UNCHECKED),
    ("act", SQLITE),
    ("act", POSTGRES),
    ("submit", MEMORY),
    ("submit", SQLITE),
    ("submit", POSTGRES),
    ("load", MEMORY),
    ("load", SQLITE),
    ("load-fc", MEMORY),
    ("load-fc", SQLITE),
)
"""The commands every fast path is weighed against: (kind, store)."""
SAMPLE_OF = {"act": "act", "submit": "submit", "load": "act", "load-fc": "submit"}
"""Whose events and cases each kind of command is measured on."""


# ------------------------------------------------------------ measuring


def repeated(target_ns: int, function: Callable[[], object]) -> Callable[[], float]:
    """A sampler: ``function`` called as often as fills about ``target_ns``; ns per call.

    The count is set once, from a first timing of 50 calls, so every sample
    of one sampler makes the same number of calls.
    """
    ops = [0]

    def sample() -> float:
        if not ops[0]:
            first = timed(50, lambda: [function() for _ in range(50)])
            ops[0] = max(50, min(200_000, int(target_ns / max(first, 1.0))))
        count = ops[0]

        def body() -> None:
            for _ in range(count):
                function()

        return timed(count, body)

    return sample


def interleaved(samplers: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Median of each sampler over ``rounds`` round-robin rounds, after a warm-up round."""
    samples: dict[str, list[float]] = {key: [] for key in samplers}
    order = list(samplers)
    for number in range(rounds + 1):
        # Every other round backwards: cases grow as commands run on them, and
        # a sampler that always ran after its twin would always meet longer ones.
        for key in order if number % 2 == 0 else reversed(order):
            value = samplers[key]()
            if number:
                samples[key].append(value)
    return {key: statistics.median(values) for key, values in samples.items()}


# ------------------------------------------------------------ the commands


@dataclass
class Command:
    """One kind of command on one store, repeatable on a set of cases."""

    name: str
    store: str
    engine: Engine
    step: Callable[[], int]
    """Runs one command on every case; returns how many it ran."""
    before: Case
    after: Case
    events: tuple[Event, ...]
    """A sample: the case before and after one command, and its events."""
    ids: list[str] = field(default_factory=list)
    advance: Callable[[], None] = lambda: None
    """Moves on to the next command (the next step round the ring, the next note)."""
    one: Callable[[str], None] = lambda case_id: None  # noqa: ARG005
    """Runs the current command on one case."""


SCHEMAS: list[str] = []
"""PostgreSQL schemas made by this run, dropped at its end."""


def new_store(store: str, path: Path) -> Any:
    """A memory store (``UNCHECKED``: no re-check of the stored chain on append), or a SQL one."""
    if store == SQLITE:
        return SqliteStore(path)
    if store == POSTGRES:
        schema = f"bench_fast_{uuid.uuid4().hex[:12]}"
        SCHEMAS.append(schema)
        secret = hashlib.sha256(f"bench {schema}".encode()).digest()
        keys = KeyRing(keys={"bench": secret}, current="bench")
        return PostgresStore(pg_dsn(), schema=schema, keys=keys)
    return MemoryStore(verify=store == MEMORY)


def drop_schemas() -> None:
    for schema in SCHEMAS:
        drop_schema(schema)
    SCHEMAS.clear()


def ring_commands(store: str, folder: Path, cases: int) -> Command:
    """Accepted `act` on the ring process: a plain move, guarded, no deadline."""
    registry = Registry()
    registry.add(ring.load_bench_process(folder))
    clock = SimulatedClock(T0)
    engine = Engine(
        registry,
        store=new_store(store, folder / "act.db"),
        clock=clock,
        guards={"allowed_today": ring.allowed_today},
    )
    ids = [f"act-{i}" for i in range(cases)]
    for case_id in ids:
        ring.ready_case(engine, case_id)
    steps = ring.ring_steps()
    current = [""]

    def advance() -> None:
        current[0] = next(steps)
        clock.advance(minutes=1)

    def one(case_id: str) -> None:
        engine.act(case_id, current[0], by=ring.WORKER)

    def step() -> int:
        advance()
        for case_id in ids:
            one(case_id)
        return len(ids)

    before = engine.get_unfiltered(ids[0])
    step()
    after = engine.get_unfiltered(ids[0])
    events = tuple(engine.store.events(ids[0])[before.version :])
    return Command("act", store, engine, step, before, after, events, ids, advance, one)


def submit_commands(store: str, folder: Path, cases: int) -> Command:
    """`submit` of a new referral version of the family conference (as bench_commit)."""
    clock = SimulatedClock(T0)
    engine = Engine(
        Registry.shipped(),
        store=new_store(store, folder / "submit.db"),
        clock=clock,
    )
    ids = [f"submit-{i}" for i in range(cases)]
    for case_id in ids:
        engine.open_case(
            "family_conference",
            by="social-worker",
            case_id=case_id,
            organisation=Organisation("ospod-1", "ospod"),
        )
    count = iter(range(10**9))

    current = [0]

    def advance() -> None:
        current[0] = next(count)
        clock.advance(seconds=1)

    def one(case_id: str) -> None:
        data = {**REFERRAL, "concerns": f"note {current[0]}"}
        engine.submit(case_id, "referral", data, by="social-worker")

    def step() -> int:
        advance()
        for case_id in ids:
            one(case_id)
        return len(ids)

    step()
    before = engine.get_unfiltered(ids[0])
    step()
    after = engine.get_unfiltered(ids[0])
    events = tuple(engine.store.events(ids[0])[before.version :])
    return Command("submit", store, engine, step, before, after, events, ids, advance, one)


def load_commands(acts: Command, kind: str) -> Command:
    """The cases of ``acts`` read cold: events loaded, their chain verified, folded.

    A second engine over the store of ``acts`` with no case cache, so every
    ``get`` loads; the cases grow as ``acts`` runs. ``load``: the ring's (a
    few dozen plain moves); ``load-fc``: the family conference's, with a
    referral version per submit, its personal fields revealed.
    """
    source = acts.engine
    engine = Engine(
        source.registry,
        store=source.store,
        clock=SimulatedClock(T0),
        guards={"allowed_today": ring.allowed_today},
        cache_size=0,
    )

    def step() -> int:
        for case_id in acts.ids:
            engine.get_unfiltered(case_id)
        return len(acts.ids)

    return Command(kind, acts.store, engine, step, acts.before, acts.after, acts.events, acts.ids)


def command_sampler(command: Command) -> Callable[[], float]:
    def sample() -> float:
        done = [0]

        def body() -> None:
            done[0] = command.step()

        total = timed(1, body)
        return total / done[0]

    return sample


def index_paired(command: Command, rounds: int) -> tuple[float, float]:
    """Median ns of the command with `_index_unchanged` and without it, case by case.

    Without it the engine says nothing of the index row is unchanged, so the
    SQL stores rewrite its people and phase rows. The two alternate case by
    case (and swap every round), so both meet the same machine and the same
    case lengths: on a shared machine a disk-bound command varies more from
    one moment to the next than this fast path can save.
    """
    real = engine_module._index_unchanged

    def nothing(old: Case, new: Case) -> tuple[str, ...]:  # noqa: ARG001
        return ()

    with_it: list[float] = []
    without: list[float] = []
    gc.collect()
    gc.disable()
    try:
        for number in range(rounds + 1):
            command.advance()
            for index, case_id in enumerate(command.ids):
                generic = (index + number) % 2 == 1
                if generic:
                    engine_module._index_unchanged = nothing
                started = time.perf_counter_ns()
                try:
                    command.one(case_id)
                finally:
                    engine_module._index_unchanged = real
                if number:
                    (without if generic else with_it).append(time.perf_counter_ns() - started)
    finally:
        gc.enable()
    return statistics.median(with_it), statistics.median(without)


# ------------------------------------------------------------ counting uses


@dataclass
class Counter:
    """Calls of one code object, kept only when ``applies(frame)`` says the fast path ran."""

    code: CodeType
    applies: Callable[[FrameType], bool] = lambda frame: True  # noqa: ARG005
    calls: int = 0


def count_uses(counters: dict[str, Counter], command: Command, repeats: int) -> dict[str, float]:
    """Uses per command of each counter's fast path, over ``repeats`` runs of ``command``."""
    by_code: dict[CodeType, list[Counter]] = {}
    for counter in counters.values():
        counter.calls = 0
        by_code.setdefault(counter.code, []).append(counter)

    def hook(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call":
            found = by_code.get(frame.f_code)
            if found:
                for counter in found:
                    if counter.applies(frame):
                        counter.calls += 1

    done = 0
    sys.setprofile(hook)
    try:
        for _ in range(repeats):
            done += command.step()
    finally:
        sys.setprofile(None)
    return {key: counter.calls / done for key, counter in counters.items()}


# ------------------------------------------------------------ the fast paths


@dataclass
class Part:
    """One use of a fast path: the fast and the generic call, and which counter counts it."""

    counter: str
    fast: Callable[[], object]
    generic: Callable[[], object]


@dataclass
class FastPath:
    """A fast path: what it is, where, and its parts per command kind."""

    key: str
    name: str
    where: str
    parts: dict[str, list[Part]] = field(default_factory=dict)
    """Command kind -> its parts, measured on that command's sample."""
    kept_for: str = ""
    """Why it stays though it saves under 5% of every command's time, if it does."""


def hierarchical_twin(process: Process) -> PhaseMachine:
    """``process``'s phase machine built as a process with nested phases gets it."""
    assert not any(action.resume for action in process.actions)
    twin = copy.copy(compiled(process).machine)
    twin.nested = True
    initial = next((p for p in process.phases if p.initial), process.phases[0])
    twin._machine = _Machine(
        model=None,
        states=[_state_config(phase) for phase in process.phases],
        transitions=[
            {"trigger": action.id, "source": source, "dest": action.to}
            for action in process.actions
            if action.to is not None
            for source in action.from_
        ],
        initial=initial.id,
        auto_transitions=False,
        send_event=False,
    )
    twin._events = twin._machine.events
    return twin


def generic_freeze(value: Any) -> Any:
    """``freeze`` without its tests of exact types (text and numbers, dicts and lists) first."""
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap({key: generic_freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(generic_freeze(item) for item in value)
    return value


def _scalar(frame: FrameType) -> bool:
    return type(frame.f_locals.get("value")) in frozen_module._SCALARS


def body_text(event: Event) -> str:
    """``canonical_json`` of an event's body, built as a dict (the generic path)."""
    return canonical_json(
        {
            "schema_version": event.schema_version,
            "case_id": event.case_id,
            "sequence": event.sequence,
            "type": event.type,
            "at": event.at.isoformat(),
            "actor": event.actor,
            "payload": dict(event.payload),
            "prev_hash": event.prev_hash,
        }
    )


def written_text(event: Event) -> str:
    return event_module._canonical_body(
        case_id=event.case_id,
        sequence=event.sequence,
        type_=event.type,
        at=event.at.isoformat(),
        actor=event.actor,
        payload=event.payload,
        prev_hash=event.prev_hash,
        schema_version=event.schema_version,
    )


def _sealed_event(frame: FrameType) -> bool:
    event = frame.f_locals.get("event")
    return event is not None and bool(event._sealed)


def counters() -> dict[str, Counter]:
    import kwflow.history._event as history_event

    return {
        "flat": Counter(PhaseMachine._flat_destination.__code__),
        "pinned": Counter(kwflow.engine._compiled.compiled_if_same.__code__),
        "sealed": Counter(history_event.hash_is_sealed.__code__, _sealed_event),
        "body": Counter(history_event._canonical_body.__code__),
        "encoder": Counter(history_event.canonical_json.__code__),
        "payload": Counter(kwflow.engine._compiled.CompiledProcess.move_payload.__code__),
        "freeze_scalar": Counter(freeze.__code__, _scalar),
        "freeze_other": Counter(freeze.__code__, lambda frame: not _scalar(frame)),
    }


def fast_paths(samples: dict[str, Command]) -> list[FastPath]:
    """Every fast path, with its fast and generic call on each command's sample."""
    paths = [
        FastPath("flat", "a flat process fires a plain `Machine` (no lock)", "_machine.py"),
        FastPath(
            "pinned",
            "the compiled process found by the `Process` object (no hash compared)",
            "_compiled.py",
        ),
        FastPath(
            "sealed",
            "the memory store trusts the hash `new_event` made (`hash_is_sealed`): a link check",
            "history/_event.py, store/_memory.py",
        ),
        FastPath(
            "body",
            "an event's canonical body written out field by field, not built as a dict",
            "history/_event.py",
        ),
        FastPath(
            "encoder",
            "`canonical_json` calls the C encoder directly, not `JSONEncoder.encode`",
            "history/_event.py",
        ),
        FastPath(
            "payload",
            "one shared read-only payload per plain move, not one built per event",
            "_compiled.py, _decide.py",
            kept_for=f"memory: {payload_bytes():.0f} bytes per plain-move event",
        ),
        FastPath(
            "freeze",
            "`freeze` tests for text and numbers first",
            "history/_frozen.py",
        ),
    ]
    for kind, sample in samples.items():
        parts = sample_parts(kind, sample)
        for fast_path in paths:
            fast_path.parts[kind] = parts.get(fast_path.key, [])
    for fast_path in paths:
        # A cold read folds the events of the cases a command made: that
        # command's samples stand for them.
        fast_path.parts["load"] = fast_path.parts["act"]
        fast_path.parts["load-fc"] = fast_path.parts["submit"]
    return paths


def sample_parts(kind: str, sample: Command) -> dict[str, list[Part]]:
    """The fast and generic call of each fast path, on one command's case and events."""
    engine, before, events = sample.engine, sample.before, sample.events
    process = engine.registry.get(before.process.id, before.process.version)
    compiled_process = compiled(process)
    pin = (before.process.id, before.process.version, before.process.content_hash)
    head, version = before.last_hash, before.version
    first = events[0]
    one = events[:1]
    payload = dict(first.payload)

    def checked_compiled() -> Any:
        if process.content_hash != pin[2]:
            raise AssertionError
        return compiled(process)

    parts: dict[str, list[Part]] = {
        "pinned": [
            Part(
                "pinned",
                lambda: kwflow.engine._compiled.compiled_if_same(pin, process),
                checked_compiled,
            )
        ],
        # Per sealed event: the link check of one event, or its hash again.
        "sealed": [
            Part(
                "sealed",
                lambda: _check_chain(first.case_id, version, one, head),
                lambda: check_chain(first.case_id, version, one, head),
            )
        ],
        "body": [Part("body", lambda: written_text(first), lambda: body_text(first))],
        "encoder": [
            Part(
                "encoder",
                lambda: canonical_json(payload),
                lambda: event_module._CANONICAL.encode(payload),
            )
        ],
        "freeze": [
            Part("freeze_scalar", lambda: freeze("text"), lambda: generic_freeze("text")),
            Part("freeze_other", lambda: freeze(()), lambda: generic_freeze(())),
        ],
    }
    if kind != "act":
        return parts
    action_id: str = payload["action"]
    path = tuple(payload["phase"])
    machine = compiled_process.machine
    twin = hierarchical_twin(process)
    source = before.phase.path
    parts["flat"] = [
        Part(
            "flat",
            lambda: machine.destination(source, action_id),
            lambda: twin.destination(source, action_id),
        )
    ]
    parts["payload"] = [
        Part(
            "payload",
            lambda: compiled_process.move_payload(action_id, path, None),
            lambda: FrozenDict({"action": action_id, "phase": FrozenList(path)}),
        )
    ]
    return parts


# ------------------------------------------------------------ the run


@dataclass
class Sizes:
    rounds: int
    sample_ns: int
    cases_memory: int
    cases_sqlite: int
    count_repeats: int


@dataclass
class Result:
    rows: list[list[str]]
    commands: dict[tuple[str, str], float]
    notes: list[str]
    removable: list[str]


def fmt_ns(ns: float) -> str:
    if abs(ns) >= 1_000:
        return f"{ns / 1000:,.1f} µs"
    return f"{ns:,.0f} ns"


def fmt_share(share: float | None) -> str:
    if share is None:
        return "-"
    return f"{share * 100:.1f}%"


def run(args: argparse.Namespace) -> Result:
    sizes = (
        Sizes(rounds=2, sample_ns=2_000_000, cases_memory=10, cases_sqlite=5, count_repeats=1)
        if args.quick
        else Sizes(
            rounds=args.rounds,
            sample_ns=30_000_000,
            cases_memory=200,
            cases_sqlite=60,
            count_repeats=3,
        )
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-fast-"))
    postgres = not args.no_postgres and postgres_reason() is None
    try:
        return _run(folder, sizes, postgres=postgres)
    finally:
        for store in STORES_OPEN:
            with contextlib.suppress(Exception):
                store.close()
        STORES_OPEN.clear()
        drop_schemas()
        shutil.rmtree(folder, ignore_errors=True)


STORES_OPEN: list[Any] = []
"""The stores of this run, closed at its end."""


def _run(folder: Path, sizes: Sizes, *, postgres: bool) -> Result:
    commands: dict[tuple[str, str], Command] = {}
    for store in (MEMORY, UNCHECKED, SQLITE, POSTGRES):
        if store == POSTGRES and not postgres:
            continue
        cases = sizes.cases_memory if store in (MEMORY, UNCHECKED) else sizes.cases_sqlite
        where = folder / store.replace(" ", "").replace(",", "")
        where.mkdir()
        commands["act", store] = ring_commands(store, where, cases)
        if store != UNCHECKED:
            commands["submit", store] = submit_commands(store, where, cases)
        if store in (MEMORY, SQLITE):
            commands["load", store] = load_commands(commands["act", store], "load")
            commands["load-fc", store] = load_commands(commands["submit", store], "load-fc")
    commands = {key: commands[key] for key in KEYS if key in commands}
    STORES_OPEN.extend(command.engine.store for command in commands.values())
    paths = fast_paths({kind: commands[kind, MEMORY] for kind in ("act", "submit")})

    # Uses per command, counted on each command and store, before and after
    # the timed rounds: the cases grow as commands run on them, and what a
    # load or the memory store's re-check of the chain does grows with them.
    first = {
        key: count_uses(counters(), command, sizes.count_repeats)
        for key, command in commands.items()
    }

    samplers: dict[str, Callable[[], float]] = {}
    for key, command in commands.items():
        samplers[f"command {key}"] = command_sampler(command)
    for path in paths:
        for kind, parts in path.parts.items():
            if kind != SAMPLE_OF[kind]:
                continue  # measured once, on the sample of its kind
            for number, part in enumerate(parts):
                samplers[f"fast {path.key} {kind} {number}"] = repeated(sizes.sample_ns, part.fast)
                samplers[f"generic {path.key} {kind} {number}"] = repeated(
                    sizes.sample_ns, part.generic
                )
    times = interleaved(samplers, sizes.rounds)
    last = {
        key: count_uses(counters(), command, sizes.count_repeats)
        for key, command in commands.items()
    }
    uses = {
        key: {name: (first[key][name] + last[key][name]) / 2 for name in first[key]}
        for key in commands
    }

    command_ns = {key: times[f"command {key}"] for key in commands}
    rows: list[list[str]] = []
    removable: list[str] = []
    for path in paths:
        saved: dict[tuple[str, str], float] = {}
        counted: dict[tuple[str, str], float] = {}
        per_use: list[str] = []
        for kind in ("act", "submit"):
            parts = path.parts.get(kind, [])
            if parts:
                fast = times[f"fast {path.key} {kind} 0"]
                generic = times[f"generic {path.key} {kind} 0"]
                per_use.append(f"{kind}: {fmt_ns(fast)} / {fmt_ns(generic)}")
        for key in commands:
            kind = SAMPLE_OF[key[0]]
            for number, part in enumerate(path.parts.get(key[0], [])):
                fast = times[f"fast {path.key} {kind} {number}"]
                generic = times[f"generic {path.key} {kind} {number}"]
                n = uses[key][part.counter]
                saved[key] = saved.get(key, 0.0) + n * (generic - fast)
                counted[key] = counted.get(key, 0.0) + n
        rows.append(row_for(path, "; ".join(per_use), counted, saved, command_ns))
        if best_share(saved, command_ns) < THRESHOLD and not path.kept_for:
            removable.append(path.key)
    # The store's write: whole commands with and without it, alternating.
    paired = {
        key: index_paired(command, sizes.rounds)
        for key, command in commands.items()
        if not key[0].startswith("load")
    }
    saved = {key: without - with_it for key, (with_it, without) in paired.items()}
    index_path = FastPath(
        "index",
        "the case index's people and phase rows left alone when unchanged (`_index_unchanged`)",
        "_engine.py, store/_sql.py",
    )
    rows.append(
        row_for(
            index_path,
            "whole commands, alternating: "
            + "; ".join(
                f"{kind} {store} {fmt_ns(w)} / {fmt_ns(wo)}"
                for (kind, store), (w, wo) in paired.items()
                if store in (SQLITE, POSTGRES)
            ),
            None,
            saved,
            {key: paired[key][0] for key in paired},
        )
    )
    if best_share(saved, {key: paired[key][0] for key in paired}) < THRESHOLD:
        removable.append("index")
    notes = [
        "Commands (median per command in this run): "
        + "; ".join(f"{kind} on {store} {fmt_ns(command_ns[kind, store])}" for kind, store in KEYS)
        + ". *memory, no re-check* is the memory store with `verify=False`: its append does not "
        "hash the whole stored chain again (what every append on the memory store does "
        "today), so the act is closer to what the engine itself costs.",
        payload_memory_note(),
    ]
    if removable:
        names = {path.key: path.name for path in paths}
        names["index"] = index_path.name
        notes.append(
            "Under 5% of every command in this run (issue 16: it goes, unless a second run "
            "says otherwise): " + "; ".join(names[key] for key in removable) + "."
        )
    return Result(rows, command_ns, notes, removable)


def payload_bytes() -> float:
    """Bytes a plain move's payload takes when built per event (tracemalloc, 10,000 built)."""
    count = 10_000
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    built = [FrozenDict({"action": "next0", "phase": FrozenList(("p1",))}) for _ in range(count)]
    per_event = (tracemalloc.get_traced_memory()[0] - before) / count
    tracemalloc.stop()
    del built
    return per_event


def payload_memory_note() -> str:
    """What one payload per plain-move event would cost in memory."""
    per_event = payload_bytes()
    return (
        "The shared payload of a plain move is above all a memory saving: built per event, "
        f"a plain move's payload (a read-only map and its phase list) takes {per_event:.0f} "
        "bytes (tracemalloc, 10,000 built) that every such event on the memory store and "
        "in the engine's history would hold, against about 340 bytes per event today "
        "(`bench_engine.py`, memory rows): the 100,000-case memory target depends on it."
    )


def best_share(
    saved: dict[tuple[str, str], float], command_ns: dict[tuple[str, str], float]
) -> float:
    """The largest share of any command the fast path saves (where it matters most)."""
    return max((saved[key] / command_ns[key] for key in saved), default=0.0)


def row_for(
    path: FastPath,
    per_use: str,
    counted: dict[tuple[str, str], float] | None,
    saved: dict[tuple[str, str], float],
    command_ns: dict[tuple[str, str], float],
) -> list[str]:
    cells = [f"{path.name} ({path.where})", per_use or "-"]
    for key in KEYS:
        value = saved.get(key)
        if value is None:
            cells.append("-")
            continue
        uses = "" if counted is None else f"{counted.get(key, 0.0):.3g} x: "
        if counted is not None and not counted.get(key):
            cells.append("0 x")
            continue
        cells.append(f"{uses}{fmt_ns(value)} ({fmt_share(value / command_ns[key])})")
    share = best_share(saved, command_ns)
    if share >= THRESHOLD:
        cells.append(f"{share * 100:.1f}%")
    elif path.kept_for:
        cells.append(f"{share * 100:.1f}%: < 5% of time, kept for {path.kept_for}")
    else:
        cells.append(f"{share * 100:.1f}%: **< 5%**")
    return cells


# ------------------------------------------------------------ output


def markdown(result: Result, args: argparse.Namespace) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    header = (
        "| fast path (where) | fast / generic, per use | "
        + " | ".join(f"{kind}, {store}" for kind, store in KEYS)
        + " | most saved |"
    )
    lines = [
        "## Fast paths (`benchmarks/bench_fast_paths.py`)",
        "",
        (
            f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine()}"
            f"{'; `--quick` sizes' if args.quick else ''}. Each fast path beside the generic "
            "path it replaces, in the same process: median over interleaved rounds of the mean "
            "time per use, and uses per command counted by a profiler hook. Saved = (generic - "
            "fast) x uses, as a share of the command's own median in the same run: an accepted "
            "`act` (a guarded plain move of the ring process of `bench_engine.py`) and a "
            "`submit` (a referral version of the family conference) on the memory store, SQLite "
            "(WAL, `synchronous=FULL`) and PostgreSQL, and a cold `get` (`load`: a ring case; "
            "`load-fc`: a family conference with its personal fields revealed) on the memory "
            "store and SQLite. A fast path saving under 5% of every command goes (issue 16). "
            f"The machine was shared with other work (load average {load:.1f} at the end)."
        ),
        "",
        header,
        "|---|---|" + "---|" * len(KEYS) + "---|",
        *(f"| {' | '.join(row)} |" for row in result.rows),
    ]
    for note in result.notes:
        lines += ["", note]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the docs alone")
    parser.add_argument("--no-postgres", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (default 9)")
    args = parser.parse_args(argv)
    result = run(args)
    section = markdown(result, args)
    print(section)
    if not (args.quick or args.no_write):
        write_section("bench_fast_paths", section)
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
