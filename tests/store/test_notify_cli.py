"""``kwflow notify --once`` on a real SQLite file and a PostgreSQL schema."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kwflow import SimulatedClock
from kwflow.cli._main import main
from tests.support.runtime import FIXTURES, START, make_engine

if TYPE_CHECKING:
    import pytest

    from kwflow.store import Notification
    from tests.support.store import Backend

PRAGUE = ZoneInfo("Europe/Prague")
FAILED: list[str] = []


def failing_sender(notification: Notification) -> None:
    """A host sender whose mail server is down."""
    FAILED.append(notification.key)
    raise ConnectionError("the mail server is down")


def _args(backend: Backend) -> list[str]:
    where = (
        ["--db", str(backend.path)]
        if backend.kind == "sqlite"
        else ["--postgres", str(backend.dsn), "--schema", str(backend.schema)]
    )
    return ["notify", *where, "--processes", str(FIXTURES / "reminders.yaml")]


def test_one_round_prints_due_notifications_as_json_lines_and_acks_them(
    sql_backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine("reminders", store=sql_backend.open(), clock=SimulatedClock(START))
    engine.open_case("reminders", by="jana", case_id="s1")
    engine.assign("s1", "koord", "coordinator", by="jana")
    engine.assign("s1", "rodic", "family_member", by="jana")
    engine.act("s1", "consent", by="rodic")
    now = datetime(2026, 11, 4, 9, tzinfo=PRAGUE).isoformat()

    FAILED.clear()
    sender = f"{__name__}:failing_sender"
    assert main([*_args(sql_backend), "--once", "--now", now, "--sender", sender]) == 1
    assert len(FAILED) == 3
    assert "0 sent, 3 left for a later round" in capsys.readouterr().err

    # The failed ones are leased for --lease seconds: a round 10 minutes later gets them.
    later = datetime(2026, 11, 4, 9, 10, tzinfo=PRAGUE).isoformat()
    assert main([*_args(sql_backend), "--once", "--now", later, "--limit", "2"]) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [line["key"] for line in lines] == [
        "s1/conference_held/#4/reminder-0",
        "s1/conference_held/#4/reminder-1",
    ]
    assert lines[1]["people"] == ["koord", "jana"]
    assert lines[1]["attempts"] == 2
    assert lines[1]["message"]["en"].startswith("Reminder: The conference is held (case s1)")
    assert "2 sent, 0 left" in captured.err
    assert main([*_args(sql_backend), "--once", "--now", later]) == 0
    assert [json.loads(x)["key"] for x in capsys.readouterr().out.splitlines()] == [
        "s1/conference_held/#4/reminder-2"
    ]
    assert main([*_args(sql_backend), "--once", "--now", later]) == 0
    assert capsys.readouterr().out == ""
    sent = [n.key for n in engine.notifications("s1") if n.sent_at is not None]
    assert len(sent) == 3


def test_a_wrong_sender_or_moment_is_a_usage_error(
    sql_backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    sql_backend.open()
    assert main([*_args(sql_backend), "--once", "--sender", "nothing"]) == 2
    assert "expected MODULE:FUNCTION" in capsys.readouterr().err
    assert main([*_args(sql_backend), "--once", "--now", "2026-11-04T09:00"]) == 2
    assert "give a time zone" in capsys.readouterr().err
