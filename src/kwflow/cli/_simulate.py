"""`kwflow simulate`: play scenario files through their processes and print the timelines.

Exit codes: 0 every scenario ran as expected; 1 a step was refused that its
scenario did not expect to be, or an expectation failed (the step is named
by number and note); 2 a scenario or its process file cannot be read, each
problem with its line and column, or a path does not exist.

``--lang`` chooses the language of everything printed: the timeline, and
the problems of a scenario or process file that cannot run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from kwflow.exceptions import KwflowError
    from kwflow.i18n import Catalogue, Language

# What the command itself says, by language.
_SAY: Catalogue = {
    "no-files": {
        "en": "no scenario files (*.yaml) in {path}",
        "cs": "ve složce {path} nejsou žádné soubory scénářů (*.yaml)",
    },
    "no-path": {
        "en": "no such file or directory: {path}",
        "cs": "takový soubor ani složka neexistuje: {path}",
    },
    "cannot-run": {
        "en": "{file} cannot run:",
        "cs": "scénář {file} nelze spustit:",
    },
}


def _say(lang: Language, what: str, **facts: str) -> str:
    from kwflow.i18n import say

    return "kwflow simulate: " + say(_SAY, what, lang, **facts)


def _error_text(exc: KwflowError, lang: Language) -> str:
    """An error that stops a scenario before it runs, in the chosen language."""
    return exc.render(lang)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "scenarios",
        nargs="+",
        metavar="SCENARIO",
        type=Path,
        help="scenario files, or directories of them (*.yaml, one level deep)",
    )
    parser.add_argument(
        "--lang",
        choices=("cs", "en"),
        default="cs",
        help="language of the timeline and of problems (default cs)",
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print only failures and each scenario's verdict",
    )


def run(args: argparse.Namespace) -> int:
    from kwflow.authoring import SCENARIO_TEMPLATES, format_timeline, load_scenario, run_scenario
    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from kwflow.definition import problem_text
    from kwflow.exceptions import DefinitionError, KwflowError

    files: list[Path] = []
    for path in args.scenarios:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            if not found:
                print(_say(args.lang, "no-files", path=str(path)), file=sys.stderr)
                return EXIT_USAGE
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            print(_say(args.lang, "no-path", path=str(path)), file=sys.stderr)
            return EXIT_USAGE

    status = EXIT_OK
    for number, file in enumerate(files):
        if number:
            print()
        try:
            result = run_scenario(load_scenario(file), lang=args.lang)
        except DefinitionError as exc:
            print(_say(args.lang, "cannot-run", file=str(file)), file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem_text(problem, args.lang, SCENARIO_TEMPLATES)}", file=sys.stderr)
            return EXIT_USAGE
        except KwflowError as exc:
            # Such as a process id the registry does not have.
            print(
                _say(args.lang, "cannot-run", file=str(file)),
                _error_text(exc, args.lang),
                file=sys.stderr,
            )
            return EXIT_USAGE
        sys.stdout.write(format_timeline(result, lang=args.lang, quiet=args.quiet))
        if not result.ok:
            status = EXIT_PROBLEMS
    return status
