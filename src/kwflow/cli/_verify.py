"""`kwflow verify --checkpoint FILE --public-key FILE`: prove the store agrees with a checkpoint.

Every checkpoint in FILE must carry a valid signature; the newest is
compared with the store: every case it lists must still exist, at that
version or later, with the same hash at that version. ``--full`` also
verifies every case's whole hash chain.

Exit codes: 0 the store agrees; 1 it does not (the case and the event are
named) or a checkpoint's signature does not verify; 2 a key, the store or
the checkpoint file cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from kwflow.i18n import Catalogue, Language

_SAY: Catalogue = {
    "agrees": {
        "en": "the store agrees with the checkpoint of {time} ({cases} cases)",
        "cs": "úložiště odpovídá kontrolnímu bodu z {time} ({cases} případů)",
    },
    "no-store": {
        "en": "cannot open the store: {error}",
        "cs": "úložiště nelze otevřít: {error}",
    },
    "unreadable": {
        "en": "cannot read a key or the checkpoint: {error}",
        "cs": "nelze načíst klíč ani kontrolní bod: {error}",
    },
}


def _say(lang: Language, what: str, **facts: str) -> str:
    from kwflow.i18n import say

    return "kwflow verify: " + say(_SAY, what, lang, **facts)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ._checkpoint import add_store_arguments

    add_store_arguments(parser)
    parser.add_argument(
        "--checkpoint",
        type=Path,
        required=True,
        metavar="FILE",
        help="a file of checkpoints written by `kwflow checkpoint` (the newest is compared)",
    )
    parser.add_argument(
        "--public-key",
        type=Path,
        required=True,
        metavar="FILE",
        help="the Ed25519 public key, PEM (openssl pkey -in KEY -pubout)",
    )
    parser.add_argument(
        "--full", action="store_true", help="also verify every case's whole hash chain"
    )


def run(args: argparse.Namespace) -> int:
    from kwflow.exceptions import CheckpointInvalid, KwflowError, TamperedHistory
    from kwflow.history import public_key_from_pem

    from ._checkpoint import open_engine

    lang: Language = args.lang
    try:
        public_key = public_key_from_pem(args.public_key.read_bytes())
        text = args.checkpoint.read_text(encoding="utf-8")
    except (OSError, ValueError, TypeError) as exc:
        print(
            _say(lang, "unreadable", error=str(exc)),
            file=sys.stderr,
        )
        return 2
    try:
        engine = open_engine(args)
    except (OSError, ValueError, KwflowError) as exc:
        print(_say(lang, "no-store", error=str(exc)), file=sys.stderr)
        return 2
    try:
        checkpoint = engine.verify_checkpoint(text, public_key, full=args.full)
    except (TamperedHistory, CheckpointInvalid) as exc:
        print(f"kwflow verify: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.store.close()
    print(_say(lang, "agrees", time=checkpoint.time.isoformat(), cases=str(len(checkpoint.heads))))
    return 0
