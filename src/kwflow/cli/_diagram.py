"""`kwflow diagram`: draw a process file as Mermaid text, SVG or PNG.

Exit codes: 0 drawn; 1 the process file has problems (listed as by
``kwflow check``); 2 usage error: the file cannot be opened, or SVG/PNG was
asked for without Graphviz ``dot`` installed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", type=Path, help="a process file (.yaml)")
    parser.add_argument(
        "--format",
        choices=("mermaid", "svg", "png"),
        default="mermaid",
        help="mermaid text (default, needs nothing), or svg/png drawn by Graphviz 'dot'",
    )
    parser.add_argument(
        "--lang", choices=("cs", "en"), default="cs", help="language of the labels (default cs)"
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        type=Path,
        help="write the diagram to FILE instead of standard output",
    )


def run(args: argparse.Namespace) -> int:
    from kwflow.authoring import GraphvizNotFound, draw_diagram, mermaid_diagram
    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from kwflow.definition import load_process
    from kwflow.exceptions import DefinitionError, GraphvizFailed

    path: Path = args.file
    if not path.is_file():
        print(f"kwflow diagram: {path}: no such file", file=sys.stderr)
        return EXIT_USAGE
    try:
        process = load_process(path)
    except DefinitionError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_PROBLEMS

    content: bytes
    if args.format == "mermaid":
        content = mermaid_diagram(process, lang=args.lang).encode()
    else:
        try:
            content = draw_diagram(process, image_format=args.format, lang=args.lang)
        except (GraphvizNotFound, GraphvizFailed) as exc:
            print(f"kwflow diagram: {exc}", file=sys.stderr)
            return EXIT_USAGE

    if args.output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        try:
            args.output.write_bytes(content)
        except OSError as exc:
            print(f"kwflow diagram: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_OK
