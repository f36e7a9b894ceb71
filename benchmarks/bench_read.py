"""Read-side benchmarks: ``find_cases(person=...)`` and ``inbox(person)`` over many cases.

Run: ``.venv/bin/python benchmarks/bench_read.py`` (``--quick`` for 2,000
cases instead of 100,000, ``--no-postgres`` to leave PostgreSQL out).
Prints a Markdown table and writes it into ``docs/performance.md`` between
the markers ``<!-- bench_read:start -->`` and ``<!-- bench_read:end -->``.

PostgreSQL: ``KWFLOW_TEST_POSTGRES_DSN`` (default
``postgresql://postgres@127.0.0.1:5432/test``); the benchmark works in a
schema of its own and drops it afterwards.

The data: cases of the shipped family conference, 12 events each, half of
them open (in preparation, the deadline ``conference_in_time`` running for
the coordinator) and half closed (the family declined). They are made from
a few template cases run through the engine (one per start day, so update
times differ), copied with other people and case ids: each copy's events
are chained and hashed anew and appended, with its deadline entries and
its case-index row, through the store's own append logic, many cases per
transaction. Each social worker (the referrer) has 50 cases, each
coordinator 100 (50 of them open). Afterwards a sample of cases is
verified through the engine (hash chain, and the index row equals the
replay), and the planner's statistics are gathered (``ANALYZE``, as
autovacuum would), before anything is timed.

What is measured (median and slowest of 25 people, a different person
each call):

- ``find_cases(person=...)``: the first page (50) of a social worker's cases;
- ``find_cases(person=..., open=True)``: a coordinator's open cases;
- ``inbox(person)``: a coordinator's inbox, the engine's case cache warm
  (the person's cases were loaded before: the steady state of a host) and
  cold (a new engine: every one of the person's open cases is loaded from
  the store and its hash chain verified).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

import kwflow
from _support import Databases, backends, label, machine, write_section
from kwflow.history import GENESIS_HASH, new_event, thaw
from kwflow.store import DeadlineEntry

if TYPE_CHECKING:
    from kwflow.history import Event
    from kwflow.store import CaseIndexEntry, CaseStore

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TEMPLATE_DAYS = 20
CASES_PER_REFERRER = 50
CASES_PER_COORDINATOR = 100
TARGETS_MS = {"SQLite": 20.0, "PostgreSQL": 30.0}
# Placeholders the template cases use for people; each copy swaps in its own.
SW, CO, FM = "tpl-referrer", "tpl-coordinator", "tpl-family"
REFERRAL: dict[str, Any] = {
    "referred_on": "2026-03-02",
    "concerns": "Dítě často chybí ve škole.",
    "question": "Jak zajistí rodina, že dítě bude v bezpečí?",
    "bottom_lines": [{"condition": "Dítě chodí pravidelně do školy."}],
    "child_age_band": "under_seven",
    "child_attendance": "in_part",
}


# ------------------------------------------------------------ the data


@attrs.frozen
class Template:
    """One case run through the engine: its events, deadlines and index row."""

    events: tuple[Event, ...]
    deadlines: tuple[tuple[str, datetime], ...]
    entry: CaseIndexEntry


def make_template(day: int, *, declined: bool) -> Template:
    """A family conference case of 11 events, opened ``day`` days after T0."""
    clock = kwflow.SimulatedClock(T0 + timedelta(days=day))
    engine = kwflow.Engine(kwflow.Registry.shipped(), store=kwflow.MemoryStore(), clock=clock)
    case_id = "template"
    # Version 1: the case of 11 events the numbers were measured on (version 2
    # assigns the coordinator only after consent, and names organisations).
    engine.open_case("family_conference", by=SW, case_id=case_id, version=1)
    engine.assign(case_id, FM, "family_member", by=SW)
    engine.assign(case_id, CO, "coordinator", by=SW)
    referred = (T0 + timedelta(days=day)).date().isoformat()
    for round_ in range(6):
        clock.advance(hours=1)
        data = {**REFERRAL, "referred_on": referred, "concerns": f"Obava, verze {round_ + 1}."}
        engine.submit(case_id, "referral", data, by=SW)
    consent = {
        "decision": "refused" if declined else "given",
        "decided_by": FM,
        "decided_at": clock.now().isoformat(),
    }
    engine.submit(case_id, "consent", consent, by=SW)
    clock.advance(hours=1)
    engine.act(case_id, "decline" if declined else "start_preparation", by=SW)
    # The last event may leave the clock behind: several steps share one time.
    events = engine.history_unfiltered(case_id)
    assert len(events) >= 10, len(events)
    case = engine.get_unfiltered(case_id)
    entry = engine.store.index_entry(case_id)
    assert entry is not None
    deadlines = tuple(
        (state.id, state.due)
        for state in case.deadlines.values()
        if state.open and state.due is not None
    )
    return Template(events=events, deadlines=deadlines, entry=entry)


def _swap(value: Any, people: dict[str, str]) -> Any:
    if isinstance(value, str):
        return people.get(value, value)
    if isinstance(value, dict):
        return {k: _swap(v, people) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, people) for v in value]
    return value


def people_of(number: int) -> dict[str, str]:
    """Who takes part in case ``number``: 50 cases per referrer, 100 per coordinator."""
    return {
        SW: f"sw-{number // CASES_PER_REFERRER:05d}",
        # Consecutive numbers alternate open and closed: a coordinator's
        # 100 cases are half open.
        CO: f"co-{number // CASES_PER_COORDINATOR:05d}",
        FM: f"fm-{number:06d}",
    }


def copy_case(
    template: Template, number: int
) -> tuple[str, list[Event], list[DeadlineEntry], CaseIndexEntry]:
    """Case ``number`` as a copy of ``template`` with its own id and people."""
    case_id = f"case-{number:06d}"
    people = people_of(number)
    events: list[Event] = []
    prev = GENESIS_HASH
    for event in template.events:
        copied = new_event(
            case_id=case_id,
            sequence=event.sequence,
            type=event.type,
            at=event.at,
            actor=people.get(event.actor, event.actor),
            payload=_swap(thaw(event.payload), people),
            prev_hash=prev,
        )
        events.append(copied)
        prev = copied.hash
    deadlines = [
        DeadlineEntry(case_id=case_id, deadline_id=deadline_id, due_at=due)
        for deadline_id, due in template.deadlines
    ]
    entry = attrs.evolve(
        template.entry,
        case_id=case_id,
        participants=[(people.get(p, p), r) for p, r in template.entry.participants],
    )
    return case_id, events, deadlines, entry


def fill(store: CaseStore, count: int, templates: list[Template], batch: int = 1000) -> float:
    """Append ``count`` copied cases, ``batch`` per transaction; seconds taken."""
    from kwflow.store._sql import SqlStore

    assert isinstance(store, SqlStore)
    started = time.perf_counter()
    for first in range(0, count, batch):
        cases = [
            copy_case(templates[n % len(templates)], n)
            for n in range(first, min(first + batch, count))
        ]
        # The store's own append logic (checks, head, events, deadline index,
        # case index), many cases in one transaction: setup only, so the
        # transactions are large rather than one per case.
        with store._write(None) as tx:
            for case_id, events, deadlines, entry in cases:
                store._append_in(
                    tx,
                    case_id=case_id,
                    expected_version=0,
                    events=tuple(events),
                    deadlines=deadlines,
                    snapshot=None,
                    snapshot_text=None,
                )
                store._write_index(tx, entry)
        done = min(first + batch, count)
        if done % 20_000 == 0 or done == count:
            print(f"  {done:,} cases stored", file=sys.stderr)
    return time.perf_counter() - started


def analyze(store: CaseStore) -> None:
    """Gather the planner's statistics, as autovacuum (or ``PRAGMA optimize``) would.

    Right after a bulk load the planner knows nothing of the new rows and
    may scan the whole index instead of using the person's few rows.
    """
    from kwflow.store._sql import SqlStore

    assert isinstance(store, SqlStore)
    with store._write(None) as tx:
        tx.run("ANALYZE")


# ------------------------------------------------------------ measuring


def _timed(call: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def measure(
    store: CaseStore, count: int, now: datetime, repeats: int = 25
) -> dict[str, tuple[float, float, float]]:
    """Per measurement: (median ms, slowest ms, mean items returned)."""
    registry = kwflow.Registry.shipped()
    referrers = max(count // CASES_PER_REFERRER, 1)
    coordinators = max(count // CASES_PER_COORDINATOR, 1)
    pick_sw = [f"sw-{(i * 7919) % referrers:05d}" for i in range(repeats)]
    pick_co = [f"co-{(i * 7919) % coordinators:05d}" for i in range(repeats)]
    results: dict[str, tuple[float, float, float]] = {}

    def run(name: str, calls: list[Any]) -> None:
        times, sizes = [], []
        for call in calls:
            ms, found = _timed(call)
            times.append(ms)
            sizes.append(len(found))
        results[name] = (statistics.median(times), max(times), statistics.mean(sizes))
        print(f"  {name}: {results[name]}", file=sys.stderr)

    engine = kwflow.Engine(registry, store=store, clock=kwflow.SimulatedClock(now))
    run(
        "find_cases(person=referrer), first page of 50",
        [lambda p=p: engine.find_cases(person=p) for p in pick_sw],
    )
    run(
        "find_cases(person=coordinator, open=True)",
        [lambda p=p: engine.find_cases(person=p, open=True) for p in pick_co],
    )
    cold = kwflow.Engine(registry, store=store, clock=kwflow.SimulatedClock(now))
    run("inbox(coordinator), cold cache", [lambda p=p: cold.inbox(p) for p in pick_co])
    run("inbox(coordinator), warm cache", [lambda p=p: cold.inbox(p) for p in pick_co])
    # The read log's cost on a view: the same views, logged and not (warm cache).
    picks = [(i * 7919) % count for i in range(repeats)]
    views = [(f"case-{n:06d}", people_of(n)[SW]) for n in picks]
    quiet = kwflow.Engine(registry, store=store, clock=kwflow.SimulatedClock(now), read_log=False)
    for case_id, person in views:
        quiet.view(case_id, person)
        engine.view(case_id, person)
    run(
        "view(referrer), read log off",
        [lambda c=c, p=p: list(quiet.view(c, p).artifacts) for c, p in views],
    )
    run(
        "view(referrer), read log on",
        [lambda c=c, p=p: list(engine.view(c, p).artifacts) for c, p in views],
    )
    return results


def sample_verified(store: CaseStore, count: int) -> None:
    """The copies are real cases: chains verify and index rows equal the replay."""
    engine = kwflow.Engine(kwflow.Registry.shipped(), store=store)
    for number in sorted({0, 1, count // 2, count - 1}):
        engine.verify(f"case-{number:06d}")


def run(args: argparse.Namespace) -> list[list[str]]:
    """Every measurement on every backend, as table rows."""
    count = args.cases or (2_000 if args.quick else 100_000)
    templates = [
        make_template(day, declined=bool(n % 2))
        for n, day in enumerate(day for day in range(TEMPLATE_DAYS) for _declined in (False, True))
    ]
    # Every case's conference deadline runs 8 weeks from its day: "now" is
    # in the middle, so some are breached and others still running.
    now = T0 + timedelta(weeks=8, days=TEMPLATE_DAYS // 2)
    kinds, reason = backends(no_postgres=args.no_postgres)
    rows: list[list[str]] = []
    for kind in kinds:
        backend = label(kind)
        with Databases(kind, "bench_read") as databases:
            store = databases.fresh().open(synchronous="NORMAL")
            try:
                print(f"{backend}: storing {count:,} cases", file=sys.stderr)
                seconds = fill(store, count, templates)
                analyze(store)
                sample_verified(store, count)
                rows.append(
                    [
                        backend,
                        f"setup: {count:,} cases x {len(templates[0].events)} events stored",
                        f"{seconds:,.0f} s",
                        "",
                    ]
                )
                target = TARGETS_MS[backend]
                for name, (median, slowest, size) in measure(store, count, now).items():
                    judged = "**met**" if median < target else "**MISSED**"
                    rows.append(
                        [
                            backend,
                            f"{name} ({size:.0f} returned)",
                            f"{median:.2f} ms median, {slowest:.2f} ms slowest",
                            f"< {target:g} ms: {judged}",
                        ]
                    )
            finally:
                store.close()
    if reason is not None:
        rows.append(["PostgreSQL", "not run", reason, ""])
    return rows


def markdown(rows: list[list[str]], args: argparse.Namespace, load: float, count: int) -> str:
    import sqlite3

    lines = [
        "## Read side (`benchmarks/bench_read.py`)",
        "",
        (
            f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine()}, SQLite "
            f"{sqlite3.sqlite_version}{' (--quick sizes)' if args.quick else ''}, over "
            f"{count:,} family-conference cases (half open), each social worker in 50 "
            "and each coordinator in 100 of them. Median and slowest of 25 calls, a "
            "different person each call. Lists read only the case index; the inbox "
            "finds the person's open cases there and works out their actions and "
            "deadlines from each case: warm, the engine holds the cases folded "
            "(a host's steady state); cold, each is loaded and its hash chain "
            "verified. The machine was shared with other work (load average "
            f"{load:.1f} when the run started)."
        ),
        "",
        "| backend | measurement | result | target |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run, print the table, and (unless ``--no-write``) write it into the docs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="2,000 cases instead of 100,000")
    parser.add_argument("--cases", type=int, default=None, help="how many cases to store")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the docs alone")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    count = args.cases or (2_000 if args.quick else 100_000)
    section = markdown(run(args), args, load, count)
    print(section)
    if not args.no_write:
        write_section("bench_read", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
