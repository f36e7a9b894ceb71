"""Durable commands against the commit floor of the same database, in one run.

Run: ``.venv/bin/python benchmarks/bench_commit.py`` (``--quick`` for short
runs, ``--no-postgres`` to leave PostgreSQL out). Prints a Markdown table and
writes it into ``docs/performance.md`` between ``<!-- bench_commit:start -->``
and ``<!-- bench_commit:end -->``.

The **commit floor** is what the database itself allows: one INSERT of a
~300-byte row per transaction, on the same kind of connection the store uses
(SQLite: WAL, ``synchronous=FULL``, one connection per worker; PostgreSQL:
one connection per worker, autocommit). Every kwflow figure is reported as a
ratio to the floor measured in the same run with as many workers (1 or 4
connections), so a slower or busier machine moves both together.
PostgreSQL's commits of several connections share a WAL flush, so its floor
with 4 connections is far above what one worker could reach; SQLite's
writers queue on one lock, so its two floors are about the same.

Measured per store, each in a fresh database:

- the floor, 1 and 4 worker processes;
- ``Engine.submit`` of a new referral version of the family conference
  (version 2): 1 and 4 workers each on its own 20 cases, and 4 workers on
  one shared case (optimistic concurrency: a worker that loses the race
  retries, as a host would with ``retries=``);
- where one worker's time goes: the same submit on the memory store (the
  engine's own work, no database) and, for SQLite, with
  ``synchronous=NORMAL`` (the commit not waiting for the disk); every row also
  gives the client's CPU time per command (the rest is waiting for the
  database), and SQLite's WAL pages per command by table or index;
- what the fast paths of the durable path save: the version read a command
  no longer makes, and the rows an append keeps as checked
  (``store/_verified_rows.py``: one worker with them dropped after each append);
- per command, the median (p50) and 99th percentile (p99) latency.

PostgreSQL: ``KWFLOW_TEST_POSTGRES_DSN`` (default
``postgresql://postgres@127.0.0.1:5432/test``), in a schema of its own that is
dropped afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _support import REFERRAL, Database, Databases, backends, label, machine, write_section
from kwflow.history import KeyRing

ROOT = Path(__file__).resolve().parents[1]
MEMORY = Database("memory", "", None)
"""No database: the engine's own work on the memory store."""

# About the size of a referral event row: the floor writes rows like kwflow's.
ROW = "x" * 300
SHARED_CASE = "shared-case"


# -- the floor --------------------------------------------------------------------------


def _floor_setup(spec: Database) -> None:
    kind, where, schema = spec
    if kind == "sqlite":
        conn = sqlite3.connect(where, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, body TEXT)")
        conn.close()
        return
    import psycopg

    with psycopg.connect(where, autocommit=True) as pg:
        pg.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        pg.execute(f'CREATE TABLE "{schema}".floor (id BIGSERIAL PRIMARY KEY, body TEXT)')


def _floor_loop(spec: Database) -> tuple[Any, Any]:
    """(one commit, close) on a connection like the store's."""
    kind, where, schema = spec
    if kind == "sqlite":
        conn = sqlite3.connect(where, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")

        def commit_sqlite(_n: int) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO floor (body) VALUES (?)", (ROW,))
            conn.execute("COMMIT")

        return commit_sqlite, conn.close
    import psycopg

    pg = psycopg.connect(where, autocommit=True)
    statement = f'INSERT INTO "{schema}".floor (body) VALUES (%s)'

    def commit_postgres(_n: int) -> None:
        pg.execute(statement, (ROW,))

    return commit_postgres, pg.close


# -- the engine ---------------------------------------------------------------------------


def _engine(spec: Database, synchronous: str = "FULL") -> Any:
    """An engine on ``spec``; ``synchronous`` is SQLite's (the others have none)."""
    import kwflow

    store: Any
    if spec.kind == MEMORY.kind:
        # The engine's own work, with no database to wait for.
        store = kwflow.MemoryStore(keys=KeyRing.generate())
    elif spec.kind == "sqlite":
        store = spec.open(synchronous=synchronous)
    else:
        # PostgreSQL keeps no key ring of its own: every worker process gets
        # the same one (the shipped processes seal personal fields with it).
        secret = hashlib.sha256(f"bench {spec.schema}".encode()).digest()
        store = spec.open(keys=KeyRing(keys={"bench": secret}, current="bench"))
    return kwflow.Engine(kwflow.Registry.shipped(), store=store)


def _open(engine: Any, case_id: str) -> None:
    import kwflow

    engine.open_case(
        "family_conference",
        by="social-worker",
        case_id=case_id,
        organisation=kwflow.Organisation("ospod-1", "ospod"),
    )


def _engine_setup(spec: Database) -> None:
    """Create the schema (and the shared case) before the workers start."""
    engine = _engine(spec)
    _open(engine, SHARED_CASE)
    engine.store.close()


def _engine_loop(
    spec: Database,
    worker: int,
    shared: bool,
    *,
    keep_checked: bool = True,
    synchronous: str = "FULL",
) -> tuple[Any, Any]:
    engine = _engine(spec, synchronous)
    if not keep_checked:
        # What the append did before it kept the rows it checked: hash every
        # stored event since the snapshot again (a benchmark may reach in).
        from kwflow.store._verified_rows import VerifiedRows

        engine.store._checked_rows = VerifiedRows(max_cases=0)
    if shared:
        cases = [SHARED_CASE]
    else:
        cases = [f"w{worker}-case-{i}" for i in range(20)]
        for case_id in cases:
            _open(engine, case_id)

    def submit(n: int) -> None:
        engine.submit(
            cases[n % len(cases)],
            "referral",
            {**REFERRAL, "concerns": f"note {worker}-{n}"},
            by="social-worker",
            retries=1000,  # one case, four writers: a worker may lose many races in a row
        )

    return submit, engine.store.close


# -- running workers -----------------------------------------------------------------------


def worker(
    spec: Database, what: str, index: int, seconds: float, start_at: float
) -> tuple[list[float], float, float]:
    """Run one kind of command for ``seconds``: (each command's latency, elapsed, CPU seconds).

    The CPU time is this process's (the client's): the rest of a command's
    time is spent waiting for the database, its round trips and its disk.
    """
    if what == "floor":
        step, close = _floor_loop(spec)
    else:
        step, close = _engine_loop(
            spec,
            index,
            shared=what == "shared",
            keep_checked=what != "unkept",
            synchronous="NORMAL" if what == "normal" else "FULL",
        )
    step(-1)  # warm: the first command pays for imports and compiled statements
    time.sleep(max(0.0, start_at - time.time()))
    latencies: list[float] = []
    count, started, cpu = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - started) < seconds:
        before = time.perf_counter()
        step(count)
        latencies.append(time.perf_counter() - before)
        count += 1
    cpu = time.process_time() - cpu
    close()
    return latencies, elapsed, cpu


@dataclass(frozen=True)
class Result:
    rate: float  # commands per second, all workers together
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # the client's CPU time per command


def measure(spec: Database, what: str, workers: int, seconds: float, settle: float) -> Result:
    """``workers`` processes running ``what`` for ``seconds``, all starting together.

    ``settle``: seconds (plus half a second per worker) for the spawned
    workers to import kwflow and open their stores before the common start.
    """
    ctx = multiprocessing.get_context("spawn")
    start_at = time.time() + settle + 0.5 * workers
    with ctx.Pool(workers) as pool:
        pending = [
            pool.apply_async(worker, (spec, what, w, seconds, start_at)) for w in range(workers)
        ]
        done = [p.get(timeout=seconds * 10 + 180) for p in pending]
    latencies = sorted(latency for got, _, _ in done for latency in got)
    rate = sum(len(got) / elapsed for got, elapsed, _ in done)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    cpu_ms = sum(cpu for _, _, cpu in done) / len(latencies) * 1000
    return Result(rate, statistics.median(latencies) * 1000, p99 * 1000, cpu_ms)


# -- what the fast paths save ------------------------------------------------------------


def version_read_ms(spec: Database, repeats: int = 200) -> float:
    """Median ms of ``store.version()``: the read a command made before it decided.

    Commands now decide on the engine's cached case and let the append check
    the version; this is what that saves per command.
    """
    engine = _engine(spec)
    store = engine.store
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        store.version(SHARED_CASE)
        times.append(time.perf_counter() - started)
    store.close()
    return statistics.median(times) * 1000


def wal_bytes_per_command(
    spec: Database, commands: int = 100
) -> tuple[float, float, list[tuple[str, float]]]:
    """SQLite: bytes the WAL grows by per command, (kwflow's submit, the floor's INSERT, pages).

    Fewer pages per commit is less to write and sync, and fewer checkpoints.
    ``pages``: the WAL's pages per command by the table or index they belong
    to (``dbstat``), most first; "new" are pages the file grew by.
    """
    _engine_setup(spec)
    step, close = _engine_loop(spec, 0, shared=False)
    for n in range(commands):  # past the first snapshots and page splits
        step(n)
    wal = Path(spec.where + "-wal")
    conn = sqlite3.connect(spec.where)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    owners = {page: name for name, page in conn.execute("SELECT name, pageno FROM dbstat")}
    conn.close()
    before = wal.stat().st_size
    for n in range(commands):
        step(commands + n)
    engine_bytes = (wal.stat().st_size - before) / commands
    frames = wal.read_bytes()  # before closing: the last connection removes the WAL
    close()
    page_size = int.from_bytes(frames[8:12], "big")
    counted: dict[str, int] = {}
    for offset in range(32, len(frames) - 23, 24 + page_size):
        page = int.from_bytes(frames[offset : offset + 4], "big")
        owner = owners.get(page, "new")
        counted[owner] = counted.get(owner, 0) + 1
    pages = sorted(((k, v / commands) for k, v in counted.items()), key=lambda kv: -kv[1])
    floor_spec = Database("sqlite", spec.where + "-floor", None)
    _floor_setup(floor_spec)
    commit, close_floor = _floor_loop(floor_spec)
    commit(0)
    floor_wal = Path(floor_spec.where + "-wal")
    before = floor_wal.stat().st_size
    for n in range(commands):
        commit(n)
    floor_bytes = (floor_wal.stat().st_size - before) / commands
    close_floor()
    return engine_bytes, floor_bytes, pages


# -- the run --------------------------------------------------------------------------------


# The targets: (store, what, workers) -> (ratio to the floor, or None).
TARGETS = {("sqlite", "engine", 1): 0.40, ("postgres", "engine", 1): 0.35}
# 4 workers on distinct cases against 1 worker, PostgreSQL.
SCALING_TARGET = 1.3

ROWS = [
    ("floor", 1, "commit floor: one ~300-byte INSERT per transaction"),
    ("floor", 4, "commit floor: one ~300-byte INSERT per transaction"),
    ("engine", 1, "Engine.submit, each worker on its own 20 cases"),
    ("engine", 4, "Engine.submit, each worker on its own 20 cases"),
    ("shared", 4, "Engine.submit, all workers on one case (retries on conflict)"),
]


def _row(
    label: str, text: str, result: Result, floor: Result | None, judged: str = ""
) -> list[str]:
    row = [
        label,
        text,
        f"{result.rate:,.0f}/s",
        f"{result.rate / floor.rate:.0%}" if floor is not None else "",
        f"{result.p50_ms:.2f} ms",
        f"{result.p99_ms:.2f} ms",
        f"{result.cpu_ms:.2f} ms",
        judged,
    ]
    print(" | ".join(row), file=sys.stderr)
    return row


def run(args: argparse.Namespace) -> list[list[str]]:
    kinds, reason = backends(no_postgres=args.no_postgres)
    rows: list[list[str]] = []
    # The engine alone: what every store's command costs before its database.
    alone = measure(MEMORY, "engine", 1, args.seconds, args.settle)
    rows.append(
        _row(
            "memory",
            "Engine.submit on the memory store, 1 worker: the engine's own work, no database",
            alone,
            None,
        )
    )
    for kind in kinds:
        store = label(kind)
        results: dict[tuple[str, int], Result] = {}
        with Databases(kind) as databases:
            for what, workers, text in ROWS:
                spec = databases.fresh()
                if what == "floor":
                    _floor_setup(spec)
                else:
                    _engine_setup(spec)
                result = measure(spec, what, workers, args.seconds, args.settle)
                results[(what, workers)] = result
                target = TARGETS.get((kind, what, workers))
                # Each rate is a share of the floor with as many connections
                # as it has workers: PostgreSQL's commits of several
                # connections share a WAL flush, so its floor with 4 is
                # far above the one a single worker could ever reach.
                floor = results[("floor", workers)]
                judged = ""
                if target is not None:
                    met = "met" if result.rate / floor.rate >= target else "**MISSED**"
                    judged = f"≥ {target:.0%} of the floor: {met}"
                if kind == "postgres" and what == "engine" and workers == 4:
                    scaling = result.rate / results[("engine", 1)].rate
                    met = "met" if scaling >= SCALING_TARGET else "**MISSED**"
                    judged = f"{scaling:.2f}x 1 worker, ≥ {SCALING_TARGET}x: {met}"
                rows.append(_row(store, f"{text}, {workers} worker(s)", result, floor, judged))
            one, floor_1 = results[("engine", 1)], results[("floor", 1)]
            if kind == "sqlite":
                # Where one worker's time goes: the same command not waiting for the disk.
                spec = databases.fresh()
                _engine_setup(spec)
                normal = measure(spec, "normal", 1, args.seconds, args.settle)
                rows.append(
                    _row(
                        store,
                        "Engine.submit, 1 worker, `synchronous=NORMAL`: the commit does "
                        "not wait for the disk",
                        normal,
                        floor_1,
                        f"the disk wait is {one.p50_ms - normal.p50_ms:.2f} ms of "
                        f"{one.p50_ms:.2f} ms",
                    )
                )
            # What the fast paths of the durable path save, measured here.
            spec = databases.fresh()
            _engine_setup(spec)
            unkept = measure(spec, "unkept", 1, args.seconds, args.settle)
            rows.append(
                _row(
                    store,
                    "Engine.submit, 1 worker, the append hashing every event since the "
                    "snapshot again (the rows it checked not kept)",
                    unkept,
                    floor_1,
                    f"keeping them saves {1 - one.p50_ms / unkept.p50_ms:.0%} of a submit's p50",
                )
            )
            spec = databases.fresh()
            _engine_setup(spec)
            saved = version_read_ms(spec)
            rows.append(
                [
                    store,
                    (
                        "store.version(): the read each command made before deciding "
                        "(now the cached case is trusted and the append checks)"
                    ),
                    "",
                    "",
                    f"{saved:.3f} ms",
                    "",
                    "",
                    f"saves {saved / one.p50_ms:.0%} of a submit's p50",
                ]
            )
            print(" | ".join(rows[-1]), file=sys.stderr)
            if kind == "sqlite":
                engine_bytes, floor_bytes, pages = wal_bytes_per_command(databases.fresh())
                rows.append(
                    [
                        store,
                        "WAL bytes written per command: Engine.submit / the floor's "
                        "INSERT; pages per command by table or index: "
                        + ", ".join(f"{name} {count:.2f}" for name, count in pages),
                        f"{engine_bytes:,.0f} / {floor_bytes:,.0f}",
                        f"{engine_bytes / floor_bytes:.1f}x",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
                print(" | ".join(rows[-1]), file=sys.stderr)
    if reason is not None:
        rows.append(["PostgreSQL", "not run", reason, "", "", "", "", ""])
    return rows


def markdown(rows: list[list[str]], args: argparse.Namespace, load: float) -> str:
    lines = [
        "## Durable commands against the commit floor (`benchmarks/bench_commit.py`)",
        "",
        (
            f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine()}, SQLite "
            f"{sqlite3.sqlite_version}, {args.seconds:g} s per row"
            f"{' (--quick)' if args.quick else ''}. The floor is one INSERT of a "
            "~300-byte row per transaction on the store's kind of connection (SQLite: "
            "WAL, `synchronous=FULL`; PostgreSQL: autocommit), measured with 1 and with 4 "
            "worker processes; each rate is a share of the floor with as many workers. "
            "`Engine.submit` submits a new referral version of the family conference "
            "(version 2): the engine authorizes, validates, decides and appends the "
            "event with its authenticated head, the deadline and case index and a "
            "snapshot every 50 events, in one transaction. Latencies are per command "
            f"across all workers. Load average {load:.1f} when the run started; the "
            "machine is shared, so rates vary by tens of percent between runs and "
            "the ratios less."
        ),
        "",
        "| store | measurement | rate | of the floor | p50 | p99 | client CPU | target |",
        "|---|---|---|---|---|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short runs")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--seconds", type=float, default=None, help="length of each row's run")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the docs alone")
    args = parser.parse_args(argv)
    if args.seconds is None:
        args.seconds = 1.0 if args.quick else 8.0
    # A smoke run does not need every worker started at the same instant.
    args.settle = 0.5 if args.quick else 3.0
    load = os.getloadavg()[0]
    section = markdown(run(args), args, load)
    print(section)
    if not args.no_write:
        write_section("bench_commit", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
