"""`kwflow schema`: print the JSON Schema of the process-file language, or of the views.

Editors use the first to validate and complete process files (see
``docs/editor-setup.md``). ``--format markdown`` prints the key-by-key
reference that ``docs/process-format.md`` embeds. ``--views`` prints the
schema of the JSON a host receives from ``to_dict()`` (a case view, action
options...), for its OpenAPI document.
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
    parser.add_argument(
        "--migration",
        action="store_true",
        help="the JSON Schema of migration plans (*.migration.yaml), not of process files",
    )
    parser.add_argument(
        "--views",
        action="store_true",
        help="the JSON Schema of the views' JSON (CaseView.to_dict() ...), not of process files",
    )


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from kwflow.cli._main import EXIT_OK, EXIT_USAGE
    from kwflow.definition import process_json_schema, reference_markdown

    if args.views:
        if args.format != "json":
            print("kwflow schema: --views prints JSON Schema only", file=sys.stderr)
            return EXIT_USAGE
        from kwflow.engine import view_json_schema

        text = json.dumps(view_json_schema(), indent=2, ensure_ascii=False) + "\n"
    elif args.migration:
        if args.format != "json":
            print("kwflow schema: --migration prints JSON Schema only", file=sys.stderr)
            return EXIT_USAGE
        from kwflow.definition import migration_json_schema

        text = json.dumps(migration_json_schema(), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "json":
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
