"""What privacy costs: sealed personal fields on submit, act and load; the read log on view.

Run: ``.venv/bin/python benchmarks/bench_privacy.py`` (``--quick`` for a
smoke test, ``--no-postgres`` to leave PostgreSQL out, ``--label TEXT`` to
name the run in the printed table). Prints a Markdown table and writes it
into ``docs/performance.md`` between ``<!-- bench_privacy:start -->`` and
``<!-- bench_privacy:end -->`` (not with ``--quick`` or ``--no-write``).

For each store (memory, SQLite with ``synchronous=NORMAL`` so the CPU cost
shows, PostgreSQL), one process with three personal fields and the same
process with the ``personal`` marks left out (issue 12):

- **submit**: ``Engine.submit`` of a document with three personal fields,
  on 20 cached cases in turn, with the engine's default snapshot cadence
  (``snapshot_every=50``), as a host runs it;
- **act**: ``Engine.act`` recording a document with one personal field
  (the same engine and cases);
- **load**: ``Engine.get_unfiltered`` on an engine without a cache, so every
  call loads the case (40 events written with ``snapshot_every=0``, so no
  snapshot: the row is about reading a long tail), verifies it and reveals it
  (sealed values are opened when first read, so this opens nothing);
- **load, then read**: the same, then reading each document's latest version
  (what a case page shows), or every version (every sealed value opened);
- **view**: ``Engine.view`` of a cached case by its worker, with the read
  log on (the default: rows written before the call returns, their commit
  not waiting for the disk flush) and off (the engine's ``read_log``);
- **view, durable**: the same with ``read_log="durable"`` (every row
  flushed to disk before the call returns) against the log off.

Every operation is timed one call at a time; a round's figure is the
median (p50) of its calls. Rounds alternate the two variants (plain then
personal, off then on), and the table gives the median of the rounds'
p50s with the spread of the rounds (lowest-highest) as the noise.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from _support import backends, drop_schema, machine, pg_dsn, write_section

PERSONAL_PROCESS = """
id: bench_personal
version: 1
title: {cs: Měření, en: Benchmark}
opener: worker
roles:
  - {id: worker, label: {cs: Pracovník, en: Worker}, kind: authority, min: 1, max: 1}
  - {id: child, label: {cs: Dítě, en: Child}, kind: family, assigned_by: [worker]}
  - {id: parent, label: {cs: Rodič, en: Parent}, kind: family, max: 2, assigned_by: [worker]}
artifacts:
  - id: record
    label: {cs: Záznam, en: Record}
    write: [worker]
    fields:
      - {id: child_name, label: {cs: Jméno, en: Name}, type: text, personal: {subject: child}}
      - {id: about, label: {cs: O kom, en: About}, type: person, required: false}
      - {id: note, label: {cs: Pozn., en: Note}, type: text, personal: {subject_field: about}}
      - {id: address, label: {cs: Adresa, en: Address}, type: text, personal: {subject: parent}}
      - {id: summary, label: {cs: Shrnutí, en: Summary}, type: text}
  - id: entry
    label: {cs: Zápis, en: Entry}
    write: [worker]
    fields:
      - {id: words, label: {cs: Slova, en: Words}, type: text, personal: {subject: child}}
phases:
  - {id: open, label: {cs: Otevřeno, en: Open}, initial: true, present: [worker]}
  - {id: closed, label: {cs: Uzavřeno, en: Closed}, outcome: done}
actions:
  - {id: log, label: {cs: Zapsat, en: Log}, from: [open], by: [worker], once: false, records: entry}
  - {id: close, label: {cs: Uzavřít, en: Close}, from: [open], to: closed, by: [worker]}
"""
PLAIN_PROCESS = re.sub(r", personal: \{[^}]*\}", "", PERSONAL_PROCESS)
RECORD: dict[str, Any] = {
    "child_name": "Kim",
    "about": "mia",
    "note": "works nights",
    "address": "Dlouhá 1, Praha",
    "summary": "a visit",
}
CASES = 20
LOAD_EVENTS = 40
OPERATIONS = ("submit", "act", "load", "load_latest", "load_all", "view", "view_durable")


def _store(kind: str, where: str) -> Any:
    from kwflow.history import KeyRing
    from kwflow.store import MemoryStore, PostgresStore, SqliteStore

    ring = KeyRing.generate()
    if kind == "memory":
        return MemoryStore(keys=ring)
    if kind == "sqlite":
        return SqliteStore(where, synchronous="NORMAL", keys=ring)
    return PostgresStore(pg_dsn(), schema=where, keys=ring)


def _p50_us(calls: list[Any]) -> float:
    times = []
    for call in calls:
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def _read_latest(case: Any) -> None:
    for versions in case.artifacts.values():
        dict(versions[-1].data)


def _read_all(case: Any) -> None:
    for versions in case.artifacts.values():
        for version in versions:
            dict(version.data)


def one_round(kind: str, where: str, personal: bool, calls: int) -> dict[str, float]:
    """p50 µs of submit, act, load (personal or plain) and view (log on if personal)."""
    import kwflow
    from kwflow.definition import parse_process

    registry = kwflow.Registry()
    text = PERSONAL_PROCESS if personal else PLAIN_PROCESS
    registry.add(parse_process(text, "bench_personal.yaml").process)
    store = _store(kind, where)
    try:
        # The engine's default snapshot cadence, as a host runs it.
        engine = kwflow.Engine(registry, store=store, read_log=personal)
        cases = [f"case-{i}" for i in range(CASES)]
        for case_id in cases:
            engine.open_case("bench_personal", by="w", case_id=case_id)
            engine.assign(case_id, "kim", "child", by="w")
            engine.assign(case_id, "mia", "parent", by="w")
            engine.assign(case_id, "dan", "parent", by="w")
            engine.submit(case_id, "record", RECORD, by="w")  # keys made, case cached
        result = {
            "submit": _p50_us(
                [
                    lambda n=n: engine.submit(
                        cases[n % CASES], "record", {**RECORD, "summary": str(n)}, by="w"
                    )
                    for n in range(calls)
                ]
            ),
            "act": _p50_us(
                [
                    lambda n=n: engine.act(cases[n % CASES], "log", by="w", data={"words": str(n)})
                    for n in range(calls)
                ]
            ),
        }
        # One case of LOAD_EVENTS events, written without a snapshot
        # (snapshot_every=0): the row is about reading a long tail.
        loaded = "case-load"
        writer = kwflow.Engine(registry, store=store, snapshot_every=0, read_log=personal)
        writer.open_case("bench_personal", by="w", case_id=loaded)
        writer.assign(loaded, "kim", "child", by="w")
        writer.assign(loaded, "mia", "parent", by="w")
        for n in range(LOAD_EVENTS - 4):
            if n % 2:
                writer.act(loaded, "log", by="w", data={"words": str(n)})
            else:
                writer.submit(loaded, "record", {**RECORD, "summary": str(n)}, by="w")
        cold = kwflow.Engine(registry, store=store, cache_size=0, snapshot_every=0)
        cold.get_unfiltered(loaded)
        loads = max(calls // 2, 20)
        result["load"] = _p50_us([lambda: cold.get_unfiltered(loaded)] * loads)
        # Sealed values are opened when first read: what a case page reads
        # (each document's latest version), and everything.
        result["load_latest"] = _p50_us([lambda: _read_latest(cold.get_unfiltered(loaded))] * loads)
        result["load_all"] = _p50_us([lambda: _read_all(cold.get_unfiltered(loaded))] * loads)
        # view: the read log off in the plain round; on (and durable) in the
        # personal round.
        modes: tuple[tuple[str, bool | Literal["durable"]], ...] = (
            ("view", personal),
            ("view_durable", "durable" if personal else False),
        )
        for op, mode in modes:
            viewer = kwflow.Engine(registry, store=store, read_log=mode)
            for case_id in cases:
                viewer.view(case_id, "w")
            result[op] = _p50_us(
                [lambda n=n, v=viewer: v.view(cases[n % CASES], "w") for n in range(calls)]
            )
        return result
    finally:
        store.close()


def run(args: argparse.Namespace) -> tuple[list[list[str]], dict[str, Any]]:
    databases, reason = backends(no_postgres=args.no_postgres)
    kinds = ["memory", *databases]
    calls = 40 if args.quick else args.calls
    rounds = 2 if args.quick else args.rounds
    workdir = Path(tempfile.mkdtemp(prefix="kwflow-bench-privacy-"))
    rows: list[list[str]] = []
    raw: dict[str, Any] = {}
    try:
        for kind in kinds:
            label = {"memory": "memory", "sqlite": "SQLite", "postgres": "PostgreSQL"}[kind]
            seen: dict[bool, dict[str, list[float]]] = {False: {}, True: {}}
            for _ in range(rounds):
                for personal in (False, True):
                    if kind == "postgres":
                        where = f"kwflow_bench_{uuid.uuid4().hex[:10]}"
                    else:
                        where = str(workdir / f"{uuid.uuid4().hex}.sqlite3")
                    try:
                        got = one_round(kind, where, personal, calls)
                    finally:
                        if kind == "postgres":
                            drop_schema(where)
                    for op, us in got.items():
                        seen[personal].setdefault(op, []).append(us)
            raw[label] = seen
            for op in OPERATIONS:
                off, on = seen[False][op], seen[True][op]
                a, b = statistics.median(off), statistics.median(on)
                what = {
                    "submit": "submit, 3 personal fields",
                    "act": "act recording 1 personal field",
                    "load": f"load, {LOAD_EVENTS} events, no cache",
                    "load_latest": "load, then read each document's latest version",
                    "load_all": "load, then read every version",
                    "view": "view, warm cache",
                    "view_durable": 'view, warm cache, read_log="durable"',
                }[op]
                names = {
                    "view": ("log off", "log on"),
                    "view_durable": ("log off", "log durable"),
                }.get(op, ("plain", "personal"))
                rows.append(
                    [
                        label,
                        what,
                        f"{a:,.0f} ({min(off):,.0f}-{max(off):,.0f})",
                        f"{b:,.0f} ({min(on):,.0f}-{max(on):,.0f})",
                        f"{b / a:.2f}x",
                        "**met**" if b / a <= 1.2 else "**MISSED**",
                        f"{names[0]} / {names[1]}",
                    ]
                )
                print(rows[-1], file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if reason is not None:
        rows.append(["PostgreSQL", "not run", reason, "", "", "", ""])
    return rows, raw


def markdown(rows: list[list[str]], args: argparse.Namespace) -> str:
    load = os.getloadavg()[0]
    lines = [
        "## Privacy (`benchmarks/bench_privacy.py`)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine()}"
        + (" (`--quick`)" if args.quick else "")
        + f"{' (' + args.label + ')' if args.label else ''}; load average {load:.1f} at the end."
        f" p50 of {40 if args.quick else args.calls} calls per round, median of"
        f" {2 if args.quick else args.rounds} interleaved rounds"
        " (lowest-highest round in brackets), µs. SQLite with `synchronous=NORMAL`."
        " submit and act with the engine's default snapshot cadence (every 50 events);"
        " the load row's case has no snapshot."
        " Target (issue 12): the privacy variant within 20% of the other (≤ 1.20x).",
        "",
        "| store | operation | without µs | with µs | ratio | ≤ 1.20x | variants |",
        "|---|---|---|---|---|---|---|",
    ]
    lines.extend(f"| {' | '.join(row)} |" for row in rows)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke test)")
    parser.add_argument("--no-postgres", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/performance.md")
    parser.add_argument("--calls", type=int, default=200, help="calls per operation per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--label", default="", help="a name for this run in the heading")
    args = parser.parse_args(argv)
    rows, _ = run(args)
    text = markdown(rows, args)
    print(text)
    if not args.no_write and not args.quick:
        write_section("bench_privacy", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
