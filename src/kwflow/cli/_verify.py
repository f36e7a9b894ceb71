"""`kwflow verify`: check every case of a database, or the database against a checkpoint.

Without ``--checkpoint`` each case is replayed from its history: the chain
of hashes must hold, the stored snapshot must equal the replay, and the
case's row in the case index must equal what the replay gives. Every case
that fails is named with the reason.

With ``--checkpoint FILE --public-key FILE`` every checkpoint in FILE must
carry a valid signature, and the newest is compared with the store: every
case it lists must still exist, at that version or later, with the same
hash at that version. ``--full`` also verifies every case's whole chain.

Exit codes: 0 every case (or the store) agrees; 1 a case does not (it is
named), or a checkpoint's signature does not verify; 2 a key, the store or
the checkpoint file cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ._store_options import add_store_arguments, open_engine

if TYPE_CHECKING:
    import argparse

    from kwflow.engine import Engine
    from kwflow.i18n import Catalogue, Language

_SAY: Catalogue = {
    "agrees": {
        "en": "the store agrees with the checkpoint of {time} ({cases} cases)",
        "cs": "úložiště odpovídá kontrolnímu bodu z {time} ({cases} případů)",
    },
    "cases": {
        "en": "{cases} cases verified, {failed} failed",
        "cs": "ověřeno případů: {cases}, neprošlo: {failed}",
    },
    "case": {"en": "case {case_id}: {error}", "cs": "případ {case_id}: {error}"},
    "disposed": {
        "en": "{disposed} of them disposed of (their disposal records verified)",
        "cs": "z toho skartovaných: {disposed} (ověřeny jejich záznamy o skartaci)",
    },
    "needs-key": {
        "en": "--checkpoint needs --public-key",
        "cs": "--checkpoint potřebuje --public-key",
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

    return say(_SAY, what, lang, **facts)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kwflow verify``."""
    add_store_arguments(parser)
    parser.add_argument(
        "--checkpoint",
        type=Path,
        metavar="FILE",
        help="a file of checkpoints written by `kwflow checkpoint` (the newest is compared)",
    )
    parser.add_argument(
        "--public-key",
        type=Path,
        metavar="FILE",
        help="the Ed25519 public key, PEM (openssl pkey -in KEY -pubout)",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="with --checkpoint: also verify every case's whole hash chain",
    )


def run(args: argparse.Namespace) -> int:
    """Verify every case, or the store against a checkpoint; 0 when all agrees."""
    from kwflow.exceptions import KwflowError

    lang: Language = args.lang
    if args.checkpoint is not None and args.public_key is None:
        print("kwflow verify: " + _say(lang, "needs-key"), file=sys.stderr)
        return 2
    try:
        engine = open_engine(args)
    except (OSError, ValueError, KwflowError) as exc:
        print("kwflow verify: " + _say(lang, "no-store", error=str(exc)), file=sys.stderr)
        return 2
    try:
        if args.checkpoint is not None:
            return _against_checkpoint(engine, args, lang)
        return _every_case(engine, lang)
    finally:
        engine.store.close()


def _every_case(engine: Engine, lang: Language) -> int:
    from kwflow.exceptions import KwflowError

    failed = cases = disposed = 0
    for case_id in engine.store.case_ids():
        cases += 1
        try:
            if engine.verify(case_id) is not None:
                disposed += 1
        except KwflowError as exc:
            failed += 1
            print(_say(lang, "case", case_id=case_id, error=exc.render(lang)))
    print(_say(lang, "cases", cases=str(cases), failed=str(failed)))
    if disposed:
        print(_say(lang, "disposed", disposed=str(disposed)))
    return 0 if not failed else 1


def _against_checkpoint(engine: Engine, args: argparse.Namespace, lang: Language) -> int:
    from kwflow.exceptions import CheckpointInvalid, TamperedHistory
    from kwflow.history import public_key_from_pem

    try:
        public_key = public_key_from_pem(args.public_key.read_bytes())
        text = args.checkpoint.read_text(encoding="utf-8")
    except (OSError, ValueError, TypeError) as exc:
        print("kwflow verify: " + _say(lang, "unreadable", error=str(exc)), file=sys.stderr)
        return 2
    try:
        checkpoint = engine.verify_checkpoint(text, public_key, full=args.full)
    except (TamperedHistory, CheckpointInvalid) as exc:
        print(f"kwflow verify: {exc.render(lang)}", file=sys.stderr)
        return 1
    print(_say(lang, "agrees", time=checkpoint.time.isoformat(), cases=str(len(checkpoint.heads))))
    return 0
