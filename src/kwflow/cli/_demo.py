"""`kwflow demo`: both shipped processes, end to end, on a simulated clock.

The demo is two ordinary scenario files shipped with the processes
(``scenarios/demo/`` beside them; `demo_scenarios_dir`), one case
conference and one family conference with a few pseudonymous people and
real dates around Czech public holidays. They run through the scenario
runner and the timeline printer of ``kwflow simulate``, on a store chosen
on the command line; the timeline names people rather than their ids.
After each timeline come the case's outcome and whether its history
verifies.

By default the cases go where ``Engine()`` keeps them when a host gives
no store: the SQLite file at ``default_sqlite_path()`` ($KWFLOW_DB, else
``~/.local/share/kwflow/cases.sqlite3``), so they can be opened again after
the demo. Each run there opens new cases (``-2``, ``-3``... after the first
run's ids). ``--store temporary`` (a throwaway SQLite file) and ``--store
memory`` print the same text on every run: fixed case ids, fixed times.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from pathlib import Path

    from kwflow.authoring import ScenarioResult
    from kwflow.i18n import Language
    from kwflow.store import CaseStore

DEMO_CASES: tuple[tuple[str, str], ...] = (
    ("case_conference.yaml", "demo-pripadova-konference"),
    ("family_conference.yaml", "demo-rodinna-konference"),
)
"""The demo's scenario files, in the order they run, with the id of each one's case."""


def demo_scenarios_dir() -> Path:
    """The directory of the demo's scenario files, in a source checkout or an installed wheel."""
    from kwflow.definition import shipped_processes_dir

    return shipped_processes_dir() / "scenarios" / "demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kwflow demo``."""
    parser.add_argument(
        "--store",
        choices=("default", "temporary", "memory"),
        default="default",
        help=(
            "where the demo keeps its cases: the default SQLite file Engine() uses "
            "(default), a temporary SQLite file, or memory"
        ),
    )
    parser.add_argument(
        "--lang",
        choices=("en", "cs"),
        default="en",
        help="language of the timelines (default en)",
    )


def run(args: argparse.Namespace) -> int:
    """Run both cases and print their timelines; 0 when both ran as written and verify."""
    import tempfile
    from pathlib import Path

    from kwflow.authoring import format_timeline, load_scenario, run_scenario
    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS
    from kwflow.exceptions import KwflowError
    from kwflow.store import MemoryStore, SqliteStore, default_sqlite_path

    lang: Language = args.lang
    out = sys.stdout
    ok = True
    with tempfile.TemporaryDirectory(prefix="kwflow-demo-") as folder:
        store: CaseStore
        where = _text(f"store_{args.store}", lang)
        if args.store == "default":
            # What Engine() opens when a host gives no store.
            path = default_sqlite_path()
            store = SqliteStore(path)
            where = where.format(path=path)
        elif args.store == "temporary":
            # A throwaway file: durability on power loss buys nothing here.
            store = SqliteStore(Path(folder) / "demo.sqlite3", synchronous="NORMAL")
        else:
            store = MemoryStore()
        try:
            out.write(_text("intro", lang).format(store=where))
            for file_name, base_id in DEMO_CASES:
                file = demo_scenarios_dir() / file_name
                case_id = _unused_case_id(store, base_id)
                out.write("\n")
                try:
                    result = run_scenario(
                        load_scenario(file),
                        lang=lang,
                        store=store,
                        case_id=case_id,
                        show_names=True,
                    )
                except KwflowError as exc:
                    # The files are ours: one that cannot run is a bug in kwflow.
                    print(f"kwflow demo: {file} cannot run: {exc}", file=sys.stderr)
                    return EXIT_PROBLEMS
                out.write(format_timeline(result, lang=lang))
                ok &= _report(result, store, case_id, lang, out.write)
                if not result.ok:
                    # A step went otherwise than the file says: a bug in kwflow.
                    print(f"kwflow demo: {file}: {result.failure}", file=sys.stderr)
            out.flush()
        finally:
            store.close()
    return EXIT_OK if ok else EXIT_PROBLEMS


def _unused_case_id(store: CaseStore, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever the store does not hold yet."""
    case_id, number = base, 1
    while store.version(case_id) != 0:
        number += 1
        case_id = f"{base}-{number}"
    return case_id


def _report(
    result: ScenarioResult,
    store: CaseStore,
    case_id: str,
    lang: Language,
    write: Callable[[str], object],
) -> bool:
    """Print the case's outcome and the verdict on its history; whether all went well."""
    from kwflow import Engine, Registry
    from kwflow.exceptions import TamperedHistory

    registry = Registry()
    registry.add(result.process)
    engine = Engine(registry, store=store)
    case = engine.get_unfiltered(case_id)
    events = engine.history_unfiltered(case_id)
    breaches = sum(1 for event in events if event.type == "deadline_breached")
    try:
        engine.verify(case_id)
        verified = engine.replay_unfiltered(case_id) == case
    except TamperedHistory:
        verified = False
    info = result.process.phase_info(case.phase.id)
    label = info.phase.label.text(lang) if info else case.phase.id
    verdict = _text("verified" if verified else "not_verified", lang)
    write(
        f"{_text('case', lang)} {case.id} · "
        f"{_text('outcome', lang)}: {case.outcome} ({label}) · "
        f"{len(events)} {_text('events', lang)} · "
        f"{_text('breaches', lang)}: {breaches} · {verdict}\n"
    )
    return verified and result.ok


# ----------------------------------------------------------------- wording

_TEXT: dict[str, dict[Language, str]] = {
    "intro": {
        "en": (
            "kwflow demo: a case conference and a family conference, end to end, on a\n"
            "simulated clock. Store: {store}.\n"
            "Times are Prague time; 28 October, 24-26 December and 1 January are\n"
            "Czech public holidays.\n"
        ),
        "cs": (
            "kwflow demo: případová a rodinná konference od začátku do konce na\n"
            "simulovaných hodinách. Úložiště: {store}.\n"
            "Časy jsou pražské; 28. říjen, 24.-26. prosinec a 1. leden jsou státní\n"
            "svátky.\n"
        ),
    },
    "store_default": {
        "en": "the default SQLite file, {path}",
        "cs": "výchozí soubor SQLite, {path}",
    },
    "store_temporary": {"en": "SQLite, a temporary file", "cs": "SQLite, dočasný soubor"},
    "store_memory": {"en": "memory", "cs": "paměť"},
    "case": {"en": "Case", "cs": "Případ"},
    "outcome": {"en": "outcome", "cs": "výsledek"},
    "events": {"en": "events", "cs": "událostí"},
    "verified": {
        "en": "history verified: hash chain intact, replay equals the case",
        "cs": "historie ověřena: řetězec hashů neporušen, přehrání dává týž případ",
    },
    "not_verified": {"en": "HISTORY DOES NOT VERIFY", "cs": "HISTORIE NEPROŠLA OVĚŘENÍM"},
    "breaches": {"en": "breaches recorded", "cs": "zaznamenaná porušení"},
}


def _text(key: str, lang: Language) -> str:
    return _TEXT[key][lang]
