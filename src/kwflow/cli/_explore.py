"""`kwflow explore`: explore every reachable state of a process and report what is wrong.

Exit status: 0 when the exploration was exhaustive and found no problem, 1
when it found a problem, stopped at a bound before covering every state, or
the file does not load; 2 for a usage error (no such file, a bad option).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from kwflow.i18n import Noun

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from kwflow.definition import Process
    from kwflow.i18n import Catalogue
    from kwflow.testing import ExplorationReport


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, found {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the process file to explore")
    parser.add_argument(
        "--depth",
        type=_positive,
        default=None,
        metavar="N",
        help="explore sequences of at most N steps (default: no bound)",
    )
    parser.add_argument(
        "--max-states",
        type=_positive,
        default=None,
        metavar="N",
        help="stop after N abstract states (default: 500000)",
    )
    parser.add_argument(
        "--format",
        choices=("human", "json"),
        default="human",
        help="a readable report, or one JSON document for tools",
    )
    parser.add_argument(
        "--no-traces", action="store_true", help="leave the step-by-step traces out of the report"
    )
    parser.add_argument(
        "--lang",
        choices=("en", "cs"),
        default="en",
        help="language of the human-readable report (JSON is data, the same in both)",
    )
    parser.add_argument(
        "--scenarios",
        metavar="DIR",
        default=None,
        help="also write each trace (to an outcome, a broken invariant, a dead end) as a "
        "scenario file in DIR, for `kwflow simulate`",
    )


# What the command itself says, by language; the report words itself
# (`kwflow.testing.ExplorationReport.to_text`).
_SAY: Catalogue = {
    "no-file": {
        "en": "kwflow explore: no such file: {path}",
        "cs": "kwflow explore: soubor {path} neexistuje",
    },
    "no-load": {
        "en": "kwflow explore: {path} does not load, so it cannot be explored:",
        "cs": "kwflow explore: soubor {path} nelze načíst, a tak ho nelze prozkoumat:",
    },
    "sound": {
        "en": "sound: every reachable state was explored and no problem was found",
        "cs": "v pořádku: prozkoumán každý dosažitelný stav a nenalezen žádný problém",
    },
    "not-proven": {
        "en": "not proven: raise --depth or --max-states to explore every state",
        "cs": "neprokázáno: zvyšte --depth nebo --max-states, aby se prozkoumal každý stav",
    },
    "wrote": {
        "en": "wrote {files} to {folder} (run them with `kwflow simulate`)",
        "cs": "zapsáno do {folder}: {files} (spusťte je příkazem `kwflow simulate`)",
    },
}

_SCENARIO_FILES = Noun(
    cs=("soubor scénáře", "soubory scénářů", "souborů scénářů"),
    en=("scenario file", "scenario files"),
)


def run(args: argparse.Namespace) -> int:
    # Imports stay here: `kwflow --help` and other subcommands need none of this.
    import json
    from pathlib import Path

    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from kwflow.definition import load_process, problem_text
    from kwflow.exceptions import DefinitionError
    from kwflow.i18n import say
    from kwflow.testing import DEFAULT_MAX_STATES, explore

    lang = args.lang
    path = Path(args.file)
    if not path.is_file():
        print(say(_SAY, "no-file", lang, path=str(path)), file=sys.stderr)
        return EXIT_USAGE
    try:
        process = load_process(path)
    except DefinitionError as exc:
        print(say(_SAY, "no-load", lang, path=str(path)), file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem_text(problem, lang)}", file=sys.stderr)
        return EXIT_PROBLEMS
    report = explore(
        process,
        depth=args.depth,
        max_states=args.max_states if args.max_states is not None else DEFAULT_MAX_STATES,
    )
    written = None
    if args.scenarios is not None:
        written = write_scenarios(process, report, path, Path(args.scenarios))
        if written is None:
            return EXIT_USAGE
    if args.format == "json":
        document = {"file": str(path), **report.to_dict()}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(f"{path}:")
        print(report.to_text(traces=not args.no_traces, lang=lang))
        if report.ok:
            print(say(_SAY, "sound", lang))
        elif not report.exhaustive and not report.problems:
            print(say(_SAY, "not-proven", lang))
    if written is not None:
        print(
            say(
                _SAY,
                "wrote",
                lang,
                files=_SCENARIO_FILES.counted(len(written), lang),
                folder=str(args.scenarios),
            ),
            file=sys.stderr if args.format == "json" else sys.stdout,
        )
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def write_scenarios(
    process: Process, report: ExplorationReport, file: Path, folder: Path
) -> list[Path] | None:
    """Write every trace of ``report`` as a scenario file in ``folder`` (made if missing).

    Each file names the process file by its path relative to ``folder``, so
    ``kwflow simulate`` runs it from anywhere. Files of the same name are
    replaced, others left alone. ``None`` (after saying why) when the folder
    cannot be written.
    """
    import os
    from pathlib import Path

    from kwflow.testing import report_scenarios

    try:
        folder.mkdir(parents=True, exist_ok=True)
        relative = os.path.relpath(file.resolve(), folder.resolve())
    except (OSError, ValueError) as exc:
        print(f"kwflow explore: cannot write scenarios to {folder}: {exc}", file=sys.stderr)
        return None
    written = []
    for name, text in report_scenarios(
        process, report, process_file=Path(relative).as_posix()
    ).items():
        target = folder / name
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"kwflow explore: cannot write {target}: {exc}", file=sys.stderr)
            return None
        written.append(target)
    return written
