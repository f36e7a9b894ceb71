"""Migration benchmark: moving 10,000 running version-1 cases to version 2, in cases per second.

Run: ``.venv/bin/python benchmarks/bench_migrate.py`` (``--quick`` for 500
cases instead of 10,000, ``--no-postgres`` to leave PostgreSQL out).
Prints a Markdown table and writes it into ``docs/performance.md`` between
the markers ``<!-- bench_migrate:start -->`` and ``<!-- bench_migrate:end -->``.

The data: running family conferences of version 1 (in preparation, the
deadline ``conference_in_time`` running), made as the read-side benchmark
makes its cases (``bench_read.py``: a few template cases run through the
engine, copied with other people and ids, appended in large transactions).
Then, timed, on a fresh engine (nothing cached: each case is loaded and its
chain verified as a host's migration job would meet it):

- ``plan_migration`` of every case: the dry run, nothing written;
- ``migrate`` of every case by the shipped plan: one ``case_migrated``
  event, its deadline entries and its case-index row per case, one
  transaction per case;

and a sample of the migrated cases is verified afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_read  # the read side's way of storing many real cases quickly
import kwflow
from _support import Databases, backends, label, machine, write_section

if TYPE_CHECKING:
    from kwflow.store import CaseStore

ADMIN = "spravce"


def organisations(count: int) -> dict[str, kwflow.Organisation]:
    """The organisations version 2 asks for: of each referrer and coordinator of the cases."""
    found: dict[str, kwflow.Organisation] = {}
    for number in range(count):
        people = bench_read.people_of(number)
        found[people[bench_read.SW]] = kwflow.Organisation("ospod-1", "ospod")
        found[people[bench_read.CO]] = kwflow.Organisation("koordinace-1", "coordination_service")
    return found


def measure(store: CaseStore, count: int) -> dict[str, float]:
    """Seconds for the dry run and for the migration of ``count`` cases."""
    case_ids = [f"case-{n:06d}" for n in range(count)]
    orgs = organisations(count)
    now = bench_read.T0 + timedelta(weeks=2)
    dry = kwflow.Engine(kwflow.Registry.shipped(), store=store, clock=kwflow.SimulatedClock(now))
    started = time.perf_counter()
    report = dry.plan_migration(case_ids, 2, organisations=orgs)
    planned = time.perf_counter() - started
    refused = [check.to_dict() for check in report if not check.ok]
    assert not refused, refused[:3]
    engine = kwflow.Engine(kwflow.Registry.shipped(), store=store, clock=kwflow.SimulatedClock(now))
    started = time.perf_counter()
    results = engine.migrate(case_ids, 2, by=ADMIN, organisations=orgs)
    migrated = time.perf_counter() - started
    assert all(result.ok for result in results), [r.to_dict() for r in results if not r.ok][:3]
    for number in sorted({0, count // 2, count - 1}):
        engine.verify(case_ids[number])
        assert engine.get_unfiltered(case_ids[number]).process.version == 2
    return {"plan_migration (dry run)": planned, "migrate": migrated}


def run(args: argparse.Namespace) -> list[list[str]]:
    """Every measurement on every backend, as table rows."""
    count = args.cases or (500 if args.quick else 10_000)
    templates = [bench_read.make_template(day, declined=False) for day in range(5)]
    kinds, reason = backends(no_postgres=args.no_postgres)
    rows: list[list[str]] = []
    for kind in kinds:
        with Databases(kind, "bench_migrate") as databases:
            store = databases.fresh().open(synchronous="NORMAL")
            try:
                print(f"{label(kind)}: storing {count:,} cases", file=sys.stderr)
                bench_read.fill(store, count, templates)
                bench_read.analyze(store)
                for name, seconds in measure(store, count).items():
                    rows.append(
                        [
                            label(kind),
                            f"{name} of {count:,} running cases",
                            f"{count / seconds:,.0f} cases/s ({seconds:,.1f} s)",
                        ]
                    )
            finally:
                store.close()
    if reason is not None:
        rows.append(["PostgreSQL", "not run", reason])
    return rows


def markdown(rows: list[list[str]], args: argparse.Namespace, load: float) -> str:
    import sqlite3

    lines = [
        "## Migration (`benchmarks/bench_migrate.py`)",
        "",
        (
            f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine()}, SQLite "
            f"{sqlite3.sqlite_version}{' (--quick sizes)' if args.quick else ''}: running "
            "family conferences of version 1 (in preparation) moved to version 2 by the "
            "shipped plan, each loaded by a fresh engine (its chain verified), one "
            "`case_migrated` event and one transaction per case. The machine was shared "
            f"with other work (load average {load:.1f} when the run started)."
        ),
        "",
        "| backend | measurement | result |",
        "|---|---|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run, print the table, and (unless ``--no-write``) write it into the docs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="500 cases instead of 10,000")
    parser.add_argument("--cases", type=int, default=None, help="how many cases")
    parser.add_argument("--no-postgres", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/performance.md")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    section = markdown(run(args), args, load)
    print(section)
    if not args.no_write:
        write_section("bench_migrate", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
