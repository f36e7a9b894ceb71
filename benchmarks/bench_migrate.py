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
import platform
import re
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_read  # the read side's way of storing many real cases quickly
import kwflow
from kwflow.store import PostgresStore, SqliteStore

if TYPE_CHECKING:
    from kwflow.store import CaseStore

ROOT = Path(__file__).resolve().parents[1]
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
START, END = "<!-- bench_migrate:start -->", "<!-- bench_migrate:end -->"
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
    kinds = ["sqlite"]
    reason = "left out (--no-postgres)" if args.no_postgres else bench_read._postgres_reason()
    if reason is None:
        kinds.append("postgres")
    rows: list[list[str]] = []
    workdir = Path(tempfile.mkdtemp(prefix="kwflow-bench-migrate-"))
    try:
        for kind in kinds:
            label = "SQLite" if kind == "sqlite" else "PostgreSQL"
            schema = f"bench_migrate_{uuid.uuid4().hex[:10]}"
            store: CaseStore
            if kind == "sqlite":
                store = SqliteStore(workdir / "migrate.sqlite3", synchronous="NORMAL")
            else:
                store = PostgresStore(bench_read.pg_dsn(), schema=schema)
            try:
                print(f"{label}: storing {count:,} cases", file=sys.stderr)
                bench_read.fill(store, count, templates)
                bench_read.analyze(store)
                for name, seconds in measure(store, count).items():
                    rows.append(
                        [
                            label,
                            f"{name} of {count:,} running cases",
                            f"{count / seconds:,.0f} cases/s ({seconds:,.1f} s)",
                        ]
                    )
            finally:
                store.close()
                if kind == "postgres":
                    bench_read._drop_schema(schema)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if reason is not None:
        rows.append(["PostgreSQL", "not run", reason])
    return rows


def markdown(rows: list[list[str]], args: argparse.Namespace, load: float) -> str:
    import sqlite3

    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    lines = [
        "## Migration (`benchmarks/bench_migrate.py`)",
        "",
        (
            f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine}, SQLite "
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


def write_section(section: str) -> None:
    """Put ``section`` between the markers in docs/performance.md."""
    block = f"{START}\n{section}\n{END}"
    text = PERFORMANCE_MD.read_text(encoding="utf-8") if PERFORMANCE_MD.exists() else ""
    if START in text and END in text:
        text = re.sub(
            re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, flags=re.DOTALL
        )
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    PERFORMANCE_MD.write_text(text, encoding="utf-8")


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
        write_section(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
