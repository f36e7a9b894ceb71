"""Reminders and escalation: the language, times recorded as a deadline starts, the timeline."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kwflow import SimulatedClock
from kwflow.authoring import format_timeline, load_scenario, run_scenario
from kwflow.definition import Notice, load_process_text
from kwflow.exceptions import DefinitionError
from tests.support.runtime import FIXTURES, START, fixture_process, make_engine

PRAGUE = ZoneInfo("Europe/Prague")
SCENARIO = Path(__file__).parent / "scenarios" / "reminders_and_escalation.yaml"


def test_the_suspension_fixture_without_reminders_keeps_its_hash_and_events() -> None:
    plain = fixture_process("suspension")
    text = (FIXTURES / "reminders.yaml").read_text(encoding="utf-8")
    start = text.index("    reminders:\n")
    end = text.index("\n  - id: intervention_decided", start)
    stripped = text[:start] + text[end:]
    assert load_process_text(stripped).content_hash != fixture_process("reminders").content_hash
    # Without the new keys, the file hashes exactly as before they existed.
    same = load_process_text(stripped.replace("id: reminders\n", "id: suspension\n", 1))
    assert same.content_hash == plain.content_hash
    engine = make_engine("suspension", clock=SimulatedClock(START))
    engine.open_case("suspension", by="jana", case_id="s1")
    engine.assign("s1", "rodic", "family_member", by="jana")
    engine.act("s1", "consent", by="rodic")
    started = engine.history_unfiltered("s1")[-1].payload["deadlines"][0]
    assert "notices" not in started
    assert engine.notifications("s1") == []


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"of": "limit"}, "exactly one of before, after, at; found none"),
        ({"at": "limit", "before": {"days": 1}}, "found before, at"),
        ({"before": {"days": 1}}, "'before' and 'after' need 'of'"),
        ({"at": "limit", "of": "limit"}, "leave 'of' out"),
    ],
)
def test_a_notice_names_exactly_one_moment(given: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Notice.model_validate(given)


def test_an_escalation_without_roles_is_refused_with_its_position() -> None:
    text = (FIXTURES / "reminders.yaml").read_text(encoding="utf-8")
    broken = text.replace("to: [referrer]}", "to: []}")
    with pytest.raises(DefinitionError) as refused:
        load_process_text(broken)
    (problem,) = refused.value.problems
    assert problem.path is not None
    assert "escalation" in str(problem)


def test_reminders_to_an_unknown_role_are_reported() -> None:
    text = (FIXTURES / "reminders.yaml").read_text(encoding="utf-8")
    broken = text.replace("{at: limit, to: [coordinator, referrer]}", "{at: limit, to: [boss]}")
    with pytest.raises(DefinitionError) as refused:
        load_process_text(broken)
    assert [p.rule for p in refused.value.problems] == ["unknown-role"]


def test_the_timeline_shows_reminders_and_the_escalation_as_they_fall_due() -> None:
    result = run_scenario(load_scenario(SCENARIO))
    assert result.ok, result.failure
    told = [(n.at, n.kind, n.people) for n in result.entries[4].notices]
    assert told == [
        (datetime(2026, 10, 21, tzinfo=PRAGUE), "reminder", ("karel",)),
        (datetime(2026, 11, 3, tzinfo=PRAGUE), "reminder", ("karel", "jana")),
        (datetime(2026, 11, 4, tzinfo=PRAGUE), "reminder", ("karel",)),
        (datetime(2026, 11, 5, tzinfo=PRAGUE), "escalation", ("jana",)),
    ]
    assert all(not entry.notices for entry in result.entries[:4])
    czech = format_timeline(result, lang="cs")
    assert "[!] čt 2026-11-05 00:00 → jana · Eskalace: Konference se koná (případ " in czech
    assert "nejzazší termín 3. 11. 2026." in czech
    english = format_timeline(run_scenario(load_scenario(SCENARIO), lang="en"), lang="en")
    assert "[!] Wed 2026-10-21 00:00 → karel · Reminder: The conference is held (case " in english
    # Met on 6 November: the reminders of 11 and 18 November never show.
    assert english.count("[!]") == 4
