"""`kwflow checkpoint`: sign every case's head now, and append the checkpoint to a file.

Run it from cron on a machine other than the database server, appending to
a file there (docs/storage.md, "Checkpoints in production"); `kwflow verify
--checkpoint FILE --public-key FILE` later proves the store still agrees.

Exit codes: 0 the checkpoint was written; 1 a case's head does not verify
(nothing is signed); 2 a key, the store or a file cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ._store_options import add_store_arguments, open_engine

if TYPE_CHECKING:
    import argparse

    from kwflow.i18n import Catalogue, Language

_SAY: Catalogue = {
    "written": {
        "en": "checkpoint of {cases} cases at {time} appended to {path}",
        "cs": "kontrolní bod {cases} případů k {time} připsán do {path}",
    },
    "no-store": {
        "en": "cannot open the store: {error}",
        "cs": "úložiště nelze otevřít: {error}",
    },
    "unreadable": {
        "en": "cannot read {thing}: {error}",
        "cs": "nelze načíst {thing}: {error}",
    },
}


def say(command: str, lang: Language, what: str, **facts: str) -> str:
    """A message of ``kwflow <command>`` in the chosen language."""
    from kwflow.i18n import say as render

    return f"kwflow {command}: " + render(_SAY, what, lang, **facts)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kwflow checkpoint``."""
    add_store_arguments(parser)
    parser.add_argument(
        "--signing-key",
        type=Path,
        required=True,
        metavar="FILE",
        help="the Ed25519 private key, PEM (openssl genpkey -algorithm ed25519)",
    )
    parser.add_argument(
        "--append",
        type=Path,
        metavar="FILE",
        help="append the checkpoint to FILE (default: print it)",
    )


def run(args: argparse.Namespace) -> int:
    from kwflow.exceptions import KwflowError, TamperedHistory
    from kwflow.history import signing_key_from_pem

    lang: Language = args.lang
    try:
        signing_key = signing_key_from_pem(args.signing_key.read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        print(
            say("checkpoint", lang, "unreadable", thing=str(args.signing_key), error=str(exc)),
            file=sys.stderr,
        )
        return 2
    try:
        engine = open_engine(args)
    except (OSError, ValueError, KwflowError) as exc:
        print(
            say("checkpoint", lang, "unreadable", thing="the store", error=str(exc)),
            file=sys.stderr,
        )
        return 2
    try:
        text = engine.checkpoint(signing_key)
    except TamperedHistory as exc:
        print(f"kwflow checkpoint: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.store.close()
    if args.append is None:
        sys.stdout.write(text)
        return 0
    with args.append.open("a", encoding="utf-8") as out:
        out.write(text)
    cases = text.splitlines()[2].removeprefix("cases ")
    time = text.splitlines()[1].removeprefix("time ")
    print(say("checkpoint", lang, "written", cases=cases, time=time, path=str(args.append)))
    return 0
