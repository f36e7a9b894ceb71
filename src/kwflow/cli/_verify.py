"""`kwflow verify`: check every case of a database: its hash chain and its index row.

Each case is replayed from its history: the chain of hashes must hold and
the case's row in the case index must equal what the replay gives. Every
case that fails is named with the reason; the exit status is 1 if any did.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ._store_options import add_store_arguments

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kwflow verify``."""
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Verify every case; 0 when every one passed."""
    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS
    from kwflow.exceptions import KwflowError

    from ._store_options import open_engine

    try:
        engine = open_engine(args)
    except KwflowError as exc:
        print(f"kwflow verify: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    failed = cases = 0
    try:
        for case_id in engine.store.case_ids():
            cases += 1
            try:
                engine.verify(case_id)
            except KwflowError as exc:
                failed += 1
                print(f"case {case_id}: {exc}")
    finally:
        engine.store.close()
    print(f"{cases} cases verified, {failed} failed")
    return EXIT_OK if not failed else EXIT_PROBLEMS
