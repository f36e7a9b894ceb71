"""Outbox benchmark: ``claim_notifications`` of 100 among 1,000,000 pending notifications.

Run: ``.venv/bin/python benchmarks/bench_outbox.py`` (``--quick`` for 50,000
pending instead of 1,000,000, ``--no-postgres`` to leave PostgreSQL out).
Prints a Markdown table and writes it into ``docs/performance.md`` between
the markers ``<!-- bench_outbox:start -->`` and ``<!-- bench_outbox:end -->``.

PostgreSQL: ``KWFLOW_TEST_POSTGRES_DSN`` (default
``postgresql://postgres@127.0.0.1:5432/test``); the benchmark works in a
schema of its own and drops it afterwards.

The data: notifications of 200,000 cases (5 each), due times spread
evenly from 30 days before the moment of the claims to 335 days after it,
so about a twelfth are due; 10% of all were sent already (acked rows stay,
for their idempotency key). The rows are written straight into the
store's outbox table (the engine's append adds them one case at a time;
filling a million that way would time the filling, not the claim), then
the planner's statistics are gathered.

What is measured (median and slowest of 25 calls, one claimer after the
other at the same moment, each leasing rows the next must not get):

- ``claim_notifications(limit=100)``: 100 due notifications leased;
- ``ack_notification(key)``: one marked sent.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from _support import Databases, backends, label, machine, write_section

if TYPE_CHECKING:
    from collections.abc import Iterator

    from _support import Database
    from kwflow.store import CaseStore

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
PER_CASE = 5
TARGET_MS = 50.0
CALLS = 25
_MESSAGE = json.dumps(
    {
        "code": "deadline-reminder",
        "params": {"deadline": "conference_in_time", "of": "target"},
        "cs": "Připomínka: Konference se koná (případ x), cílový termín 26. 10. 2026.",
        "en": "Reminder: The conference is held (case x), target 2026-10-26.",
    },
    ensure_ascii=False,
)


def rows(count: int) -> Iterator[tuple[Any, ...]]:
    """``count`` outbox rows: key, case, deadline, kind, due (UTC), roles, people, message, sent."""
    span = timedelta(days=365).total_seconds()
    for n in range(count):
        case = f"case-{n // PER_CASE:07d}"
        # Spread evenly, but not in key order: the claim must use its index.
        offset = ((n * 7919) % count) / count * span
        due = NOW - timedelta(days=30) + timedelta(seconds=offset)
        sent = NOW - timedelta(days=1) if n % 10 == 0 else None
        yield (
            f"{case}/conference_in_time/#4/reminder-{n % PER_CASE}",
            case,
            "conference_in_time",
            "reminder",
            due,
            '["coordinator"]',
            f'["coordinator-{n % 997}"]',
            _MESSAGE,
            sent,
        )


def _micros(moment: datetime) -> int:
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def fill_sqlite(path: str, count: int) -> float:
    """Write ``count`` rows into the SQLite file's outbox; seconds taken."""
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO outbox (key, case_id, deadline_id, kind, due_at, available_at, roles, "
            "people, message, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    *row[:4],
                    _micros(row[4]),
                    _micros(row[4]),
                    *row[5:8],
                    None if row[8] is None else _micros(row[8]),
                )
                for row in rows(count)
            ),
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return time.perf_counter() - started


def fill_postgres(dsn: str, schema: str, count: int) -> float:
    """Write ``count`` rows into the schema's outbox with COPY; seconds taken."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        with conn.cursor() as cur:
            copy_sql = (
                f'COPY "{schema}".outbox (key, case_id, deadline_id, kind, due_at, available_at, '
                "roles, people, message, sent_at) FROM STDIN"
            )
            with cur.copy(copy_sql) as copy:
                for row in rows(count):
                    copy.write_row((*row[:5], row[4], *row[5:]))
        conn.execute(f'ANALYZE "{schema}".outbox')
    return time.perf_counter() - started


def time_claims(store: CaseStore) -> tuple[list[float], list[float], int]:
    """Milliseconds of each claim of 100 and of each ack; how many were claimed in all."""
    claims: list[float] = []
    acks: list[float] = []
    claimed = 0
    for i in range(CALLS):
        started = time.perf_counter()
        got = store.claim_notifications(
            NOW, limit=100, lease=timedelta(minutes=5), worker=f"bench-{i}"
        )
        claims.append((time.perf_counter() - started) * 1000)
        claimed += len(got)
        started = time.perf_counter()
        store.ack_notification(got[0].key, now=NOW)
        acks.append((time.perf_counter() - started) * 1000)
    return claims, acks, claimed


def _judge(ms: float) -> str:
    return f"< {TARGET_MS:g} ms: **{'met' if ms < TARGET_MS else 'MISSED'}**"


def measure(label: str, store: CaseStore, count: int, fill_s: float) -> list[list[str]]:
    """The rows of one backend."""
    claims, acks, claimed = time_claims(store)
    assert claimed == CALLS * 100, claimed
    claim_ms, worst_claim = statistics.median(claims), max(claims)
    ack_ms, worst_ack = statistics.median(acks), max(acks)
    return [
        [label, f"setup: {count:,} pending notifications written", f"{fill_s:.1f} s", ""],
        [
            label,
            f"claim_notifications(limit=100) among {count:,} pending",
            f"{claim_ms:.2f} ms (slowest {worst_claim:.2f} ms)",
            _judge(claim_ms),
        ],
        [
            label,
            "ack_notification(key)",
            f"{ack_ms:.2f} ms (slowest {worst_ack:.2f} ms)",
            _judge(ack_ms),
        ],
    ]


def fill(database: Database, count: int) -> float:
    """Write ``count`` rows into the database's outbox (its tables made first); seconds taken."""
    database.open(keys=None).close()
    if database.schema is None:
        return fill_sqlite(database.where, count)
    return fill_postgres(database.where, database.schema, count)


def run(args: argparse.Namespace, count: int) -> list[list[str]]:
    """Every measurement, SQLite first."""
    table: list[list[str]] = []
    kinds, reason = backends(no_postgres=args.no_postgres)
    for kind in kinds:
        with Databases(kind, "bench_outbox") as databases:
            database = databases.fresh()
            fill_s = fill(database, count)
            store = database.open(keys=None)
            try:
                table += measure(label(kind), store, count, fill_s)
            finally:
                store.close()
    if reason is not None:
        table.append(["PostgreSQL", "not run", reason, ""])
    return table


def markdown(table: list[list[str]], load: float, count: int) -> str:
    """The section for docs/performance.md."""
    lines = [
        "## Outbox (`benchmarks/bench_outbox.py`)",
        "",
        (
            f"Measured {datetime.now(UTC).date().isoformat()} on {machine()}, SQLite "
            f"{sqlite3.sqlite_version}, over {count:,} notifications (5 per case; about a "
            "twelfth due, a tenth already sent). Median and slowest of "
            f"{CALLS} claims of 100 in a row at one moment (each leasing what the next must not "
            "get), and of an ack after each. The machine was shared with "
            f"other work (load average {load:.1f} when the run started)."
        ),
        "",
        "| backend | measurement | result | target |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in table),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run, print the table, and (unless ``--no-write``) write it into the docs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="50,000 pending, not 1,000,000")
    parser.add_argument("--count", type=int, default=None, help="how many notifications")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the docs alone")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    count = args.count or (50_000 if args.quick else 1_000_000)
    section = markdown(run(args, count), load, count)
    print(section)
    if not args.no_write:
        write_section("bench_outbox", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
