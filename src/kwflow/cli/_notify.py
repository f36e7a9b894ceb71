"""`kwflow notify`: hand due reminders and escalations to a sender, for a cron job or timer.

One round claims the notifications due now (`Engine.claim_notifications`),
gives each to the sender and acks it when the sender returns. A sender that
raises leaves its notification unacked: it comes back after its lease, to
this command's next round or to any other claimer. The default sender
prints each notification as one line of JSON on stdout, for a pipe into the
host's mailer; ``--sender module:function`` names a host function that
takes a `kwflow.store.Notification`.

``--once`` runs one round and exits (cron, a systemd timer); without it the
command runs a round every ``--every`` seconds until interrupted.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ._store_options import add_store_arguments

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from datetime import datetime

    from kwflow.engine import Engine
    from kwflow.store import Notification


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kwflow notify``."""
    add_store_arguments(parser)
    parser.add_argument("--once", action="store_true", help="run one round and exit")
    parser.add_argument(
        "--every", type=float, default=60.0, metavar="SECONDS", help="between rounds (default 60)"
    )
    parser.add_argument(
        "--limit", type=int, default=100, help="notifications claimed per round (default 100)"
    )
    parser.add_argument(
        "--lease",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how long a claim holds a notification before it returns (default 300)",
    )
    parser.add_argument(
        "--sender",
        metavar="MODULE:FUNCTION",
        help="a host function called with each notification (default: print JSON lines)",
    )
    parser.add_argument(
        "--now", metavar="ISO", help="claim as at this moment (aware ISO-8601; default: the clock)"
    )


def run(args: argparse.Namespace) -> int:
    """Run one round (``--once``) or rounds until interrupted; 1 when a sender failed."""
    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from kwflow.exceptions import KwflowError

    from ._store_options import open_engine

    sender = _sender(args.sender)
    now = _moment(args.now)
    for wrong in (sender, now):
        if isinstance(wrong, str):
            print(f"kwflow notify: {wrong}", file=sys.stderr)
            return EXIT_USAGE
    assert not isinstance(sender, str)
    assert not isinstance(now, str)
    try:
        engine = open_engine(args)
    except KwflowError as exc:
        print(f"kwflow notify: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        if args.once:
            failed = notify_round(engine, sender, now=now, limit=args.limit, lease=args.lease)
            return EXIT_OK if not failed else EXIT_PROBLEMS
        import time

        while True:  # pragma: no cover - runs until the service stops it
            notify_round(engine, sender, now=now, limit=args.limit, lease=args.lease)
            time.sleep(args.every)
    except KeyboardInterrupt:  # pragma: no cover - stopped by hand
        return EXIT_OK
    finally:
        engine.store.close()


def notify_round(
    engine: Engine,
    sender: Callable[[Notification], object],
    *,
    now: datetime | None,
    limit: int,
    lease: float,
) -> int:
    """Claim, send and ack one round; how many the sender failed on (left for a later round)."""
    from datetime import timedelta

    claimed = engine.claim_notifications(now, limit=limit, lease=timedelta(seconds=lease))
    failed = 0
    for notification in claimed:
        try:
            sender(notification)
        except Exception as exc:  # noqa: BLE001 - any failure of the host's sender: retry later
            failed += 1
            print(f"kwflow notify: {notification.key}: not sent: {exc}", file=sys.stderr)
            continue
        engine.ack_notification(notification.key, now=now)
    print(
        f"kwflow notify: {len(claimed) - failed} sent, {failed} left for a later round",
        file=sys.stderr,
    )
    return failed


def print_json_line(notification: Notification) -> None:
    """The default sender: the notification as one line of JSON on stdout."""
    import json

    print(json.dumps(notification.to_dict(), ensure_ascii=False, sort_keys=True), flush=True)


def _sender(spec: str | None) -> Callable[[Notification], object] | str:
    """The sender ``--sender`` names, or what is wrong with it."""
    if spec is None:
        return print_json_line
    import importlib

    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        return f"--sender {spec!r}: expected MODULE:FUNCTION"
    try:
        found = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        return f"--sender {spec!r}: {exc}"
    if not callable(found):
        return f"--sender {spec!r}: not a function"
    sender: Callable[[Notification], object] = found
    return sender


def _moment(text: str | None) -> datetime | str | None:
    """The moment ``--now`` gives, or what is wrong with it."""
    if text is None:
        return None
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return f"--now {text!r}: not an ISO-8601 time"
    if moment.tzinfo is None:
        return f"--now {text!r}: give a time zone (an offset or Z)"
    return moment
