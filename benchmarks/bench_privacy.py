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

``--baseline-src DIR`` also times the plain process on another kwflow's
``src`` directory, in a process of its own in each round (as
``bench_trust.py`` does): issue 12 sets its target against "the same
operations today", the day it was filed, so the docs' run passes the
sources of that day (main at ``d09543e``, before any privacy work; made
with ``git archive d09543e src | tar -x -C DIR``). The last columns compare
the privacy variant with them.
"""

from __future__ import annotations

import argparse
import inspect
import json
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

from _support import (
    backends,
    check_sources_from_path,
    drop_schema,
    machine,
    pg_dsn,
    run_on_sources,
    write_section,
)

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
TARGET = 1.2
"""Issue 12: within 20% (of the plain variant, and of the same operation before the issue)."""
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
    # The baseline sources (--baseline-src) predate the read log.
    has_log = "read_log" in inspect.signature(kwflow.Engine).parameters

    def engine_of(read_log: bool | Literal["durable"], **options: Any) -> Any:
        if has_log:
            options["read_log"] = read_log
        return kwflow.Engine(registry, store=store, **options)

    try:
        # The engine's default snapshot cadence, as a host runs it.
        engine = engine_of(personal)
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
        writer = engine_of(personal, snapshot_every=0)
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
            viewer = engine_of(mode)
            for case_id in cases:
                viewer.view(case_id, "w")
            result[op] = _p50_us(
                [lambda n=n, v=viewer: v.view(cases[n % CASES], "w") for n in range(calls)]
            )
        return result
    finally:
        store.close()


def _verdict(ratio: float) -> str:
    return "**met**" if ratio <= TARGET else "**MISSED**"


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
            # Keyed by variant: False plain, True personal, None the baseline sources.
            seen: dict[bool | None, dict[str, list[float]]] = {False: {}, True: {}, None: {}}
            variants: list[bool | None] = [False, True]
            if args.baseline_src is not None:
                variants.append(None)
            for _ in range(rounds):
                for personal in variants:
                    if kind == "postgres":
                        where = f"kwflow_bench_{uuid.uuid4().hex[:10]}"
                    else:
                        where = str(workdir / f"{uuid.uuid4().hex}.sqlite3")
                    try:
                        if personal is None:
                            got = run_on_sources(
                                args.baseline_src,
                                __file__,
                                ["--measure-baseline", kind, where, str(calls)],
                            )
                        else:
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
                before = ["-", "-", "-"]
                # The baseline has no read log: its view is the plain one.
                base = seen[None].get("view" if op == "view_durable" else op)
                if base:
                    c = statistics.median(base)
                    before = [
                        f"{c:,.0f} ({min(base):,.0f}-{max(base):,.0f})",
                        f"{b / c:.2f}x",
                        _verdict(b / c),
                    ]
                rows.append(
                    [
                        label,
                        what,
                        f"{a:,.0f} ({min(off):,.0f}-{max(off):,.0f})",
                        f"{b:,.0f} ({min(on):,.0f}-{max(on):,.0f})",
                        f"{b / a:.2f}x",
                        _verdict(b / a),
                        f"{names[0]} / {names[1]}",
                        *before,
                    ]
                )
                print(rows[-1], file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if reason is not None:
        rows.append(["PostgreSQL", "not run", reason, "", "", "", "", "", "", ""])
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
        " Target (issue 12): the privacy variant within 20% of the other (≤ 1.20x)"
        " and of the same operation before issue 12"
        + (
            f" (the plain process on the baseline sources, {args.baseline_label},"
            " timed in a process of its own in each round; their view has no read log)."
            if args.baseline_src is not None
            else " (not measured in this run: no --baseline-src)."
        ),
        "",
        (
            "| store | operation | without µs | with µs | ratio | ≤ 1.20x | variants"
            " | before issue 12 µs | with / before | ≤ 1.20x |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
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
    parser.add_argument(
        "--baseline-src", type=Path, help="also time the plain process with this src/"
    )
    parser.add_argument(
        "--baseline-label",
        default="main at d09543e, before issue 12",
        help="what the baseline sources are, for the heading",
    )
    parser.add_argument("--measure-baseline", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_baseline:
        kind, where, calls = args.measure_baseline
        check_sources_from_path()
        print(json.dumps(one_round(kind, where, personal=False, calls=int(calls))))
        return 0
    rows, _ = run(args)
    text = markdown(rows, args)
    print(text)
    if not args.no_write and not args.quick:
        write_section("bench_privacy", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
