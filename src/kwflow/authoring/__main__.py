"""``python -m kwflow.authoring``: regenerate the pages of the shipped processes.

Writes ``docs/processes/<id>.md`` (English) and ``docs/processes/<id>.cs.md``
(Czech) for every file in ``processes/`` (both relative to the working
directory unless given). With ``--check`` nothing is written and the exit
status is 1 when a page is out of date, for CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kwflow.authoring import write_process_pages
from kwflow.exceptions import DefinitionError


def main(argv: list[str] | None = None) -> int:
    """Run the page generator; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m kwflow.authoring",
        description="Generate the documentation page of every process file.",
    )
    parser.add_argument("processes", nargs="?", default="processes", type=Path)
    parser.add_argument("pages", nargs="?", default=Path("docs") / "processes", type=Path)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a page is out of date"
    )
    args = parser.parse_args(argv)
    try:
        stale = write_process_pages(args.processes, args.pages, check=args.check)
    except (DefinitionError, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 2
    for page in stale:
        print(f"{'out of date' if args.check else 'written'}: {page}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
