"""`kwflow simulate`: play scenario files through their processes and print the timelines.

Exit codes: 0 every scenario ran as expected; 1 a step was refused that its
scenario did not expect to be, or an expectation failed (the step is named
by number and note); 2 a scenario or its process file cannot be read, each
problem with its line and column, or a path does not exist.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


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
        help="language of the timeline (default cs)",
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print only failures and each scenario's verdict",
    )


def run(args: argparse.Namespace) -> int:
    from kwflow.authoring import format_timeline, load_scenario, run_scenario
    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from kwflow.exceptions import DefinitionError, KwflowError

    files: list[Path] = []
    for path in args.scenarios:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            if not found:
                print(f"kwflow simulate: no scenario files (*.yaml) in {path}", file=sys.stderr)
                return EXIT_USAGE
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            print(f"kwflow simulate: no such file or directory: {path}", file=sys.stderr)
            return EXIT_USAGE

    status = EXIT_OK
    for number, file in enumerate(files):
        if number:
            print()
        try:
            result = run_scenario(load_scenario(file), lang=args.lang)
        except DefinitionError as exc:
            print(f"kwflow simulate: {file} cannot run:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return EXIT_USAGE
        except KwflowError as exc:
            # Such as a process id the registry does not have.
            print(f"kwflow simulate: {file} cannot run: {exc}", file=sys.stderr)
            return EXIT_USAGE
        sys.stdout.write(format_timeline(result, lang=args.lang, quiet=args.quiet))
        if not result.ok:
            status = EXIT_PROBLEMS
    return status
