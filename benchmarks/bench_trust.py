"""What authentication costs: commands and loads with and without keys; checkpoints of many cases.

Run: ``.venv/bin/python benchmarks/bench_trust.py`` (``--quick`` for smaller
sizes, ``--no-postgres`` to leave PostgreSQL out, ``--baseline-src DIR`` to
also time commands with another kwflow's ``src`` directory, e.g. the one
before keys existed). Prints a Markdown table and writes it into
``docs/performance.md`` between ``<!-- bench_trust:start -->`` and
``<!-- bench_trust:end -->``.

What is measured:

- **command**: ``Engine.submit`` of a new referral version on 20 cached
  cases in turn (one thread), mean per command, the fastest of 3
  interleaved rounds. With keys (the head and
  every snapshot MACed, the stored history since the newest snapshot
  verified in the append's transaction) and without (``keys=None``; the
  in-transaction check still runs). SQLite with ``synchronous=NORMAL``, so
  the CPU cost is not hidden behind the disk's flush.
- **load**: ``store.load`` of one case (26 events without a snapshot; 100
  events with a snapshot 10 before the head), median of 50.
- **checkpoint**: ``Engine.checkpoint`` and ``Engine.verify_checkpoint`` over
  N cases in SQLite (heads written in bulk, each with its MAC), and the
  checkpoint's size.
- the cost of personal fields (sealing, revealing) is measured by
  ``benchmarks/bench_privacy.py``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _support import (
    Database,
    Databases,
    backends,
    check_sources_from_path,
    label,
    machine,
    run_on_sources,
    write_section,
)

ROUNDS = 3
REFERRAL: dict[str, Any] = {
    "referred_on": "2025-03-03",
    "concerns": "",
    "question": "Jak zajistí rodina, že dítě bude v bezpečí?",
    "bottom_lines": [{"condition": "Dítě chodí pravidelně do školy."}],
    "child_age_band": "under_seven",
    "child_attendance": "in_part",
}


def _open(database: Database, keys: str) -> Any:
    """A store; ``keys`` is "on" (a ring), "off" (None) or "base" (a kwflow without keys)."""
    options: dict[str, Any] = {}
    if keys != "base":
        from kwflow.history import KeyRing

        options["keys"] = KeyRing.generate() if keys == "on" else None
    return database.open(synchronous="NORMAL", **options)


def time_commands(database: Database, keys: str, commands: int) -> float:
    """Mean µs per ``Engine.submit`` over ``commands`` commands on 20 cached cases."""
    import kwflow

    store = _open(database, keys)
    engine = kwflow.Engine(kwflow.Registry.shipped(), store=store)
    cases = [f"case-{i}" for i in range(20)]
    for case_id in cases:
        # Version 1, opened by its referrer alone (version 2 asks for an organisation).
        engine.open_case("family_conference", by="social-worker", case_id=case_id, version=1)
    for case_id in cases:  # warm up: every case cached, a few events each
        engine.submit(case_id, "referral", {**REFERRAL, "concerns": "w"}, by="social-worker")
    started = time.perf_counter()
    for n in range(commands):
        case_id = cases[n % len(cases)]
        engine.submit(case_id, "referral", {**REFERRAL, "concerns": str(n)}, by="social-worker")
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed / commands * 1e6


def time_loads(database: Database, keys: str) -> tuple[float, float]:
    """Median ms of ``load`` of a 26-event case (no snapshot) and a 100-event one (snapshot)."""
    from kwflow.history import GENESIS_HASH, new_event
    from kwflow.store import Snapshot

    store = _open(database, keys)
    results = []
    for events, snapshot_at in ((26, None), (100, 90)):
        case_id = f"load-{events}-{uuid.uuid4().hex[:6]}"
        prev = GENESIS_HASH
        chain = []
        for sequence in range(1, events + 1):
            event = new_event(
                case_id=case_id,
                sequence=sequence,
                type="case_opened" if sequence == 1 else "artifact_submitted",
                at=datetime(2025, 3, 3, tzinfo=UTC),
                actor="social-worker",
                payload={"data": {**REFERRAL, "concerns": str(sequence)}},
                prev_hash=prev,
            )
            chain.append(event)
            prev = event.hash
        snapshot = None
        if snapshot_at is not None:
            anchor = chain[snapshot_at - 1]
            state = {"roles": {"referrer": ["a"]}, "artifacts": {"referral": [REFERRAL] * 5}}
            snapshot = Snapshot(
                case_id=case_id, version=snapshot_at, last_hash=anchor.hash, state=state
            )
        store.append(case_id, 0, chain, snapshot=snapshot)
        times = []
        for _ in range(50):
            started = time.perf_counter()
            store.load(case_id)
            times.append(time.perf_counter() - started)
        results.append(statistics.median(times) * 1e3)
    store.close()
    return results[0], results[1]


def time_checkpoint(path: str, cases: int) -> tuple[float, float, float, float]:
    """Seconds to checkpoint and to verify ``cases`` cases, the text's MB, and fill seconds."""
    import kwflow
    from kwflow.history import KeyRing, new_signing_key
    from kwflow.store import SqliteStore

    ring = KeyRing.generate()
    SqliteStore(path, keys=ring).close()
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    rows = []
    for i in range(cases):
        case_id = f"{uuid.UUID(int=i)}"
        last_hash = f"{i:064x}"
        rows.append((case_id, 26, last_hash, ring.mac("kwflow-head", case_id, 26, last_hash)))
    conn.executemany("INSERT INTO cases (case_id, version, last_hash, mac) VALUES (?,?,?,?)", rows)
    conn.execute("COMMIT")
    conn.close()
    filled = time.perf_counter() - started
    store = SqliteStore(path, keys=ring)
    engine = kwflow.Engine(kwflow.Registry(), store=store)
    key = new_signing_key()
    started = time.perf_counter()
    text = engine.checkpoint(key)
    took = time.perf_counter() - started
    started = time.perf_counter()
    engine.verify_checkpoint(text, key.public_key())
    verified = time.perf_counter() - started
    store.close()
    return took, verified, len(text.encode()) / 1e6, filled


def run(args: argparse.Namespace) -> list[list[str]]:
    rows: list[list[str]] = []
    kinds, reason = backends(no_postgres=args.no_postgres)
    commands = 100 if args.quick else 1000
    for kind in kinds:
        name = label(kind)
        with Databases(kind, "bench_trust") as databases:
            # Interleaved rounds, the fastest of each kept: the machine is shared,
            # and a slow round says more about the neighbours than about kwflow.
            timings: dict[str, float] = {}
            modes = ["off", "on"]
            for _ in range(ROUNDS):
                for mode in [*modes, *(["base"] if args.baseline_src is not None else [])]:
                    database = databases.fresh()
                    if mode == "base":
                        took = float(
                            run_on_sources(
                                args.baseline_src,
                                __file__,
                                ["--measure-baseline", json.dumps(database), str(commands)],
                            )
                        )
                    else:
                        took = time_commands(database, mode, commands)
                    timings[mode] = min(timings.get(mode, took), took)
            if "base" in timings:
                rows.append(
                    [name, "command, before keys (baseline sources)", f"{timings['base']:.0f} µs"]
                )
            rows.append([name, "command, keys=None", f"{timings['off']:.0f} µs"])
            rows.append([name, "command, with keys", f"{timings['on']:.0f} µs"])
            ratio = timings["on"] / timings["off"]
            rows.append([name, "command, with keys / keys=None", f"{ratio:.2f}x"])
            if "base" in timings:
                ratio = timings["on"] / timings["base"]
                rows.append([name, "command, with keys / before keys", f"{ratio:.2f}x"])
            loads = {mode: time_loads(databases.fresh(), mode) for mode in modes}
        for index, what in enumerate(("26 events, no snapshot", "100 events, snapshot at 90")):
            off, on = loads["off"][index], loads["on"][index]
            rows.append(
                [
                    name,
                    f"load, {what}",
                    f"{off:.2f} ms keys=None / {on:.2f} ms with keys ({on / off:.2f}x)",
                ]
            )
        for row in rows[-6:]:
            print(row, file=sys.stderr)
    cases = 5_000 if args.quick else 100_000
    with Databases("sqlite", "bench_trust") as databases:
        took, verified, megabytes, _ = time_checkpoint(databases.fresh().where, cases)
    rows.append(["SQLite", f"checkpoint of {cases:,} cases", f"{took:.2f} s ({megabytes:.1f} MB)"])
    rows.append(["SQLite", f"verify_checkpoint of {cases:,} cases", f"{verified:.2f} s"])
    print(rows[-2:], file=sys.stderr)
    if reason is not None:
        rows.append(["PostgreSQL", "not run", reason])
    return rows


def markdown(rows: list[list[str]], args: argparse.Namespace) -> str:
    lines = [
        "## Authentication (`benchmarks/bench_trust.py`)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine()}"
        + (" (`--quick`)" if args.quick else "")
        + ". Commands: mean of single-threaded `Engine.submit` on 20 cached cases, "
        "fastest of 3 interleaved rounds (the machine is shared); "
        "SQLite with `synchronous=NORMAL` so the CPU cost shows.",
        "",
        "| Store | Measurement | Result |",
        "|---|---|---|",
    ]
    lines.extend(f"| {' | '.join(row)} |" for row in rows)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke test)")
    parser.add_argument("--no-postgres", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/performance.md")
    parser.add_argument("--baseline-src", type=Path, help="also time commands with this src/")
    parser.add_argument("--measure-baseline", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_baseline:
        database, commands = args.measure_baseline
        check_sources_from_path()
        print(json.dumps(time_commands(Database(*json.loads(database)), "base", int(commands))))
        return 0
    rows = run(args)
    text = markdown(rows, args)
    print(text)
    if not args.no_write and not args.quick:
        write_section("bench_trust", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
