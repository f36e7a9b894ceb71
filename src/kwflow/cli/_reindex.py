"""`kwflow reindex`: rebuild the case index of a whole database by replaying every case.

A store made before the case index existed gets the index's tables from
its schema migration, but SQL cannot replay a history: this command does,
and writes each case's row. Rows already right are left alone, so running
it again is cheap and safe while the host runs.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ._store_options import add_store_arguments

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kwflow reindex``."""
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Rewrite every missing or wrong index row; 0 unless something could not be read."""
    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS
    from kwflow.exceptions import KwflowError

    from ._store_options import open_engine

    try:
        engine = open_engine(args)
    except KwflowError as exc:
        print(f"kwflow reindex: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    failed = cases = changed = 0
    try:
        for case_id in engine.store.case_ids():
            cases += 1
            try:
                changed += engine.reindex(case_id)
            except KwflowError as exc:
                failed += 1
                print(f"kwflow reindex: case {case_id}: {exc}", file=sys.stderr)
    finally:
        engine.store.close()
    print(f"{cases} cases, {changed} index rows written, {failed} cases could not be replayed")
    return EXIT_OK if not failed else EXIT_PROBLEMS
