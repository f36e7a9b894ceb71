"""Argument parsing and dispatch for ``kwflow``.

Each subcommand module exposes ``add_arguments(parser)`` and
``run(args) -> int``. Subcommand modules import only ``argparse`` at module
level and do their heavy imports inside ``run``, so ``kwflow check`` does not
pay for the engine or the store.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import TYPE_CHECKING

from kwflow._version import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

# subcommand -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "check": ("kwflow.cli._check", "check process files and report every problem"),
    "schema": ("kwflow.cli._schema", "print the JSON Schema of the process-file language"),
    "demo": ("kwflow.cli._demo", "run both shipped processes end to end and print timelines"),
    "explore": ("kwflow.cli._explore", "explore every reachable state of a process"),
    "diagram": ("kwflow.cli._diagram", "draw a process as a diagram"),
    "simulate": ("kwflow.cli._simulate", "run a scenario file and print its timeline"),
    "checkpoint": ("kwflow.cli._checkpoint", "sign every case's head now (append to a file)"),
    "verify": (
        "kwflow.cli._verify",
        "check every case (chain, index row), or the store against a signed checkpoint",
    ),
    "reindex": ("kwflow.cli._reindex", "rebuild the case index of a database from the histories"),
    "notify": (
        "kwflow.cli._notify",
        "hand due reminders and escalations to a sender, and ack them",
    ),
}

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kwflow", description="Case processes for child-protection social work."
    )
    parser.add_argument("--version", action="version", version=f"kwflow {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    module = importlib.import_module(SUBCOMMANDS[args.command][0])
    try:
        result: int = module.run(args)
    except BrokenPipeError:
        # `kwflow explore ... | head`: the reader has seen enough; not an error.
        _silence_stdout()
        return EXIT_OK
    return result


def _silence_stdout() -> None:
    import os

    # Python flushes stdout again at exit; point it at /dev/null so that
    # flush does not raise a second time.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
