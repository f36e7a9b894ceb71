"""`kwflow schema`: print the JSON Schema of the process-file language.

Editors use it to validate and complete process files (see
``docs/editor-setup.md``). ``--format markdown`` prints the key-by-key
reference that ``docs/process-format.md`` embeds.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE instead of standard output"
    )
    parser.add_argument(
        "--format",
        choices=("json", "markdown"),
        default="json",
        help="the JSON Schema (default), or the Markdown reference of every key",
    )


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from kwflow.cli._main import EXIT_OK, EXIT_USAGE
    from kwflow.definition import process_json_schema, reference_markdown

    if args.format == "json":
        text = json.dumps(process_json_schema(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = reference_markdown()
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"kwflow schema: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
