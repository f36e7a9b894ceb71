"""Store benchmarks, in one run: commands/s, due() over many deadlines, load times.

Run: ``.venv/bin/python benchmarks/bench_store.py`` (``--quick`` for smaller
sizes, ``--no-postgres`` to leave PostgreSQL out). Prints a Markdown table
and writes it into ``docs/performance.md`` between the markers
``<!-- bench_store:start -->`` and ``<!-- bench_store:end -->``.

PostgreSQL: ``KWFLOW_TEST_POSTGRES_DSN`` (default
``postgresql://postgres@127.0.0.1:5432/test``); the benchmark works in a
schema of its own and drops it afterwards.

What is measured:

- **commands/s**: worker processes (1 and 4), each on its own 20 cases.
  Through the engine: ``Engine.submit`` of a new referral version (the
  engine loads the case, authorizes, validates, decides and appends with the
  deadline index and a snapshot every 50 events), with its case cache and
  without it (then every command loads the case from the store). At the
  store level only: ``load()`` (verified, from its snapshot), build the next
  event, ``append()`` with the deadline index and a snapshot every 10 events.
- **due()**: the first 100 of N open deadlines (10 per case), median of 25.
- **load**: one case of 10 / 100 / 1,000 events, median of 25 loads, with a
  snapshot 5 events before the head and without snapshots (full replay).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from _support import REFERRAL, Database, Databases, backends, label, machine, write_section
from kwflow.history import GENESIS_HASH, Event, new_event
from kwflow.store import CaseStore, DeadlineEntry, Snapshot
from kwflow.store._codec import to_micros

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def _state(events: int) -> dict[str, Any]:
    """A folded case of realistic size (roles, artifacts, deadlines: ~2 kB)."""
    return {
        "phase": "preparation",
        "version": events,
        "roles": {f"role-{i}": [f"person-{i}-{j}" for j in range(2)] for i in range(6)},
        "artifacts": {
            f"artifact-{i}": {"fields": {"summary": "x" * 120, "date": "2025-03-03"}}
            for i in range(8)
        },
        "deadlines": {f"d-{i}": {"due": "2025-03-10T08:00:00+00:00"} for i in range(4)},
    }


def _event(case_id: str, sequence: int, prev_hash: str) -> Event:
    return new_event(
        case_id=case_id,
        sequence=sequence,
        type="case_opened" if sequence == 1 else "action_taken",
        at=T0 + timedelta(minutes=sequence),
        actor="worker-17",
        payload={"action": "record_note", "note": "Rodina souhlasí s konferencí.", "n": sequence},
        prev_hash=prev_hash,
    )


# -- commands/s -------------------------------------------------------------------------


def _store_command(store: CaseStore, case_id: str) -> None:
    """One command at the store level: load, decide (next event), append."""
    loaded = store.load(case_id)
    if loaded.events:
        last_sequence, last_hash = loaded.events[-1].sequence, loaded.events[-1].hash
    else:
        assert loaded.snapshot is not None
        last_sequence, last_hash = loaded.snapshot.version, loaded.snapshot.last_hash
    event = _event(case_id, last_sequence + 1, last_hash)
    snapshot = None
    if event.sequence % 10 == 0:
        snapshot = Snapshot(
            case_id=case_id,
            version=event.sequence,
            last_hash=event.hash,
            state=_state(event.sequence),
        )
    store.append(
        case_id,
        last_sequence,
        [event],
        deadlines=[
            DeadlineEntry(case_id=case_id, deadline_id="reply", due_at=event.at + timedelta(days=3))
        ],
        snapshot=snapshot,
    )


def command_worker(
    database: Database, worker: int, seconds: float, start_at: float, options: dict[str, Any]
) -> tuple[int, float]:
    """Run commands on this worker's own 20 cases for ``seconds``; (count, elapsed).

    ``options["mode"]``: ``"store"`` (load, next event, append at the store
    level), ``"engine"`` (``Engine.submit``, the engine's case cache on) or
    ``"engine-uncached"`` (``cache_size=0``: every command loads the case from
    the store, snapshot plus the events after it, and folds it). The other
    options go to the store.
    """
    options = dict(options)
    mode = options.pop("mode", "store")
    store = database.open(**options)
    cases = [f"w{worker}-case-{i}" for i in range(20)]
    run: Any
    if mode == "store":
        for case_id in cases:
            store.append(case_id, 0, [_event(case_id, 1, GENESIS_HASH)])

        def run(case_id: str, _n: int) -> None:
            _store_command(store, case_id)
    else:
        import kwflow

        engine = kwflow.Engine(
            kwflow.Registry.shipped(),
            store=store,
            cache_size=0 if mode == "engine-uncached" else 10_000,
        )
        for case_id in cases:
            # Version 1, opened by its referrer alone (version 2 asks for an organisation).
            engine.open_case("family_conference", by="social-worker", case_id=case_id, version=1)

        def run(case_id: str, n: int) -> None:
            engine.submit(
                case_id, "referral", {**REFERRAL, "concerns": f"note {n}"}, by="social-worker"
            )

    time.sleep(max(0.0, start_at - time.time()))
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        run(cases[count % len(cases)], count)
        count += 1
    store.close()
    return count, elapsed


def commands_per_second(
    database: Database, workers: int, seconds: float, options: dict[str, Any] | None = None
) -> float:
    ctx = multiprocessing.get_context("spawn")
    start_at = time.time() + 2.0 + 0.3 * workers
    with ctx.Pool(workers) as pool:
        results = [
            pool.apply_async(command_worker, (database, w, seconds, start_at, options or {}))
            for w in range(workers)
        ]
        done = [r.get(timeout=seconds * 10 + 120) for r in results]
    return sum(count / elapsed for count, elapsed in done)


# -- due() ------------------------------------------------------------------------------


def _fill_deadlines_sqlite(path: str, count: int) -> None:
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    per_case = 10
    conn.executemany(
        "INSERT INTO cases (case_id, version, last_hash) VALUES (?, 1, ?)",
        ((f"bulk-{i:07d}", "0" * 64) for i in range(count // per_case)),
    )
    conn.executemany(
        "INSERT INTO deadlines (case_id, deadline_id, due_at) VALUES (?, ?, ?)",
        (
            (f"bulk-{i // per_case:07d}", f"d{i % per_case}", to_micros(_due(i)))
            for i in range(count)
        ),
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def _fill_deadlines_postgres(dsn: str, schema: str, count: int) -> None:
    import psycopg

    per_case = 10
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            with cur.copy(f'COPY "{schema}".cases (case_id, version, last_hash) FROM STDIN') as cp:
                for i in range(count // per_case):
                    cp.write_row((f"bulk-{i:07d}", 1, "0" * 64))
            with cur.copy(
                f'COPY "{schema}".deadlines (case_id, deadline_id, due_at) FROM STDIN'
            ) as cp:
                for i in range(count):
                    cp.write_row((f"bulk-{i // per_case:07d}", f"d{i % per_case}", _due(i)))
        conn.commit()
        conn.execute(f'ANALYZE "{schema}".deadlines')


def _due(i: int) -> datetime:
    # Spread over a year, in an order unrelated to insertion.
    return T0 + timedelta(seconds=(i * 7919) % (365 * 86400))


def time_due(store: CaseStore, repeats: int = 25) -> tuple[float, float]:
    """Median ms of due(limit=100) and of claim_due(limit=100) over everything open."""
    far = T0 + timedelta(days=400)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        got = store.due(far, limit=100)
        times.append(time.perf_counter() - started)
        assert len(got) == 100
    claims = []
    for i in range(5):
        started = time.perf_counter()
        got = store.claim_due(far, worker=f"bench-{i}", lease=timedelta(hours=1), now=T0, limit=100)
        claims.append(time.perf_counter() - started)
        assert len(got) == 100
    return statistics.median(times) * 1000, statistics.median(claims) * 1000


# -- load ---------------------------------------------------------------------------------


def time_load(store: CaseStore, events: int, repeats: int = 25) -> tuple[float, float]:
    """Median ms of loading a case of ``events`` events: (with snapshot, without)."""
    case_id = f"load-{events}-{uuid.uuid4().hex[:6]}"
    prev, sequence, batch = GENESIS_HASH, 0, []
    snapshot_at = max(events - 5, 1)
    while sequence < events:
        sequence += 1
        event = _event(case_id, sequence, prev)
        batch.append(event)
        prev = event.hash
        if len(batch) == 50 or sequence in {snapshot_at, events}:
            snapshot = None
            if sequence == snapshot_at:
                snapshot = Snapshot(
                    case_id=case_id, version=sequence, last_hash=prev, state=_state(sequence)
                )
            store.append(case_id, batch[0].sequence - 1, batch, snapshot=snapshot)
            batch = []
    with_snapshot, without = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        fast = store.load(case_id)
        with_snapshot.append(time.perf_counter() - started)
        started = time.perf_counter()
        full = store.load(case_id, use_snapshot=False)
        without.append(time.perf_counter() - started)
    assert fast.snapshot is not None
    assert fast.version == full.version == events
    return statistics.median(with_snapshot) * 1000, statistics.median(without) * 1000


# -- the run --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> list[list[str]]:
    rows: list[list[str]] = []
    kinds, reason = backends(no_postgres=args.no_postgres)
    due_sizes = [10_000, 100_000] if args.quick else [100_000, 1_000_000]
    for kind in kinds:
        name = label(kind)
        with Databases(kind) as databases:
            variants: list[tuple[str, dict[str, Any]]] = [
                ("Engine.submit (load-act-save)", {"mode": "engine"}),
                (
                    "Engine.submit, no case cache (load from the store every time)",
                    {"mode": "engine-uncached"},
                ),
                ("store only: load, next event, append", {"mode": "store"}),
            ]
            if kind == "sqlite":
                variants.append(
                    (
                        "Engine.submit, synchronous=NORMAL",
                        {"mode": "engine", "synchronous": "NORMAL"},
                    )
                )
            for what, options in variants:
                for workers in (1, 4):
                    rate = commands_per_second(databases.fresh(), workers, args.seconds, options)
                    rows.append([name, f"{what}, {workers} worker(s)", f"{rate:,.0f} commands/s"])
                    print(rows[-1], file=sys.stderr)
            for size in due_sizes:
                database = databases.fresh()
                database.open().close()  # create the schema
                if database.schema is None:
                    _fill_deadlines_sqlite(database.where, size)
                else:
                    _fill_deadlines_postgres(database.where, database.schema, size)
                store = database.open()
                due_ms, claim_ms = time_due(store)
                store.close()
                rows.append([name, f"due(), first 100 of {size:,} open", f"{due_ms:.2f} ms"])
                rows.append([name, f"claim_due(), 100 of {size:,} open", f"{claim_ms:.2f} ms"])
                print(rows[-2], rows[-1], file=sys.stderr)
            store = databases.fresh().open()
            for events in (10, 100, 1000):
                fast, full = time_load(store, events)
                rows.append(
                    [
                        name,
                        f"load, {events:,} events",
                        f"{fast:.2f} ms with snapshot / {full:.2f} ms full replay",
                    ]
                )
                print(rows[-1], file=sys.stderr)
            store.close()
    if reason is not None:
        rows.append(["PostgreSQL", "not run", reason])
    return rows


def markdown(rows: list[list[str]], args: argparse.Namespace, load: float) -> str:
    import sqlite3

    lines = [
        "## Store (`benchmarks/bench_store.py`)",
        "",
        (
            f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine()}, SQLite "
            f"{sqlite3.sqlite_version}{' (--quick sizes)' if args.quick else ''}. SQLite "
            "with `synchronous=FULL` (every commit synced) unless the row says NORMAL; "
            "every load verifies the hash chain. Commands: one worker process per "
            "worker, each on its own 20 cases of the family conference; `Engine.submit` "
            "submits a new referral version (load the case, authorize, validate, "
            "decide, append with the deadline index and a snapshot every 50 events); "
            "the store-only loop appends one event with the deadline index and a "
            "snapshot every 10 events. The machine was shared with other work (load "
            f"average {load:.1f} when the run started), so rates vary by tens of percent "
            "between runs."
        ),
        "",
        "| backend | measurement | result |",
        "|---|---|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter runs")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--seconds", type=float, default=None, help="length of each commands/s run")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the docs alone")
    args = parser.parse_args()
    if args.seconds is None:
        args.seconds = 2.0 if args.quick else 5.0
    load = os.getloadavg()[0]
    section = markdown(run(args), args, load)
    print(section)
    if not args.no_write:
        write_section("bench_store", section)


if __name__ == "__main__":
    main()
