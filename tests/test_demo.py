"""`kwflow demo` runs both shipped processes end to end and prints true timelines.

The demo is run in-process, as ``kwflow demo`` runs it; the assertions are
the facts a reader should take from it, so a change in the engine that makes
the demo lie fails here.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import TYPE_CHECKING

import pytest

from kwflow import Engine, Registry
from kwflow.cli._demo import DEMO_CASES, demo_scenarios_dir
from kwflow.cli._main import main
from kwflow.definition import shipped_processes_dir

if TYPE_CHECKING:
    from pathlib import Path


def _demo(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["demo", *args]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


@pytest.fixture(scope="module")
def english() -> str:
    """The demo's English output on the default store (the file Engine() uses)."""
    # Module-scoped (capsys is not), so the demo runs once for the tests that read it.
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["demo", "--lang", "en"]) == 0
    return out.getvalue()


def _case(output: str, outcome: str) -> str:
    """The part of the output about the case that ended with ``outcome``."""
    blocks = output.split("\nScenario: ")
    (block,) = [b for b in blocks if f"outcome: {outcome} (" in b]
    return block


def test_the_minutes_are_due_on_wednesday_4_november_and_delivered_late(english: str) -> None:
    case_conference = _case(english, "held")
    assert "Case conference" in case_conference
    # The meeting is on Tuesday 27 October; 28 October is a holiday.
    assert "Tue 2026-10-27 14:00 · Filip Beneš (facilitator) · action: Start the meeting" in (
        case_conference
    )
    assert re.search(
        r"Minutes by the 5th working day \(minutes_delivered\): BREACHED · "
        r"limit Wed 2026-11-04 23:59",
        case_conference,
    )
    assert re.search(
        r"\(minutes_delivered\): met late · limit Wed 2026-11-04 23:59", case_conference
    )
    assert "breaches recorded: 1" in case_conference


def test_both_outcomes_are_reached_and_both_histories_verify(english: str) -> None:
    assert "Case demo-pripadova-konference · outcome: held (Conference held) · 24 events" in english
    assert (
        "Case demo-rodinna-konference · outcome: completed (Closed after review) · 32 events"
        in english
    )
    assert english.count("history verified: hash chain intact, replay equals the case") == 2


def test_the_family_conference_runs_over_christmas(english: str) -> None:
    family = _case(english, "completed")
    assert "Sat 2027-01-09 10:00 · Bc. Svoboda (coordinator) · action: Open the conference" in (
        family
    )
    # Eight weeks from the referral of 23 November: met on time after the holidays.
    assert "(conference_in_time): met on time · target Mon 2027-01-18 23:59" in family
    # The referrer is refused as coordinator; the plan is rejected with reasons, then approved.
    assert "'novakova' holds referrer, which may not be held together with 'coordinator'" in family
    assert "action: Return the plan for further work\n    phase: Private family time" in family
    assert "action: Approve the plan\n    phase: Carrying out the plan" in family
    assert "(first_review): met on time · limit Fri 2027-07-09 23:59" in family


def test_every_step_shows_the_phase_after_it(english: str) -> None:
    steps = re.findall(r"^\[\d+\] .*$", english, flags=re.MULTILINE)
    phases = re.findall(r"^    phase: .*$", english, flags=re.MULTILINE)
    # Version 2 of the case conference: the provider advises, then the convener decides.
    assert len(steps) == len(phases) == 25 + 33


def test_the_output_is_the_same_on_every_run_and_store(capsys: pytest.CaptureFixture[str]) -> None:
    first = _demo(capsys, "--store", "memory")
    second = _demo(capsys, "--store", "memory")
    assert first == second
    on_sqlite = _demo(capsys, "--store", "temporary")
    assert on_sqlite.replace("SQLite, a temporary file", "memory") == first


def test_by_default_the_cases_stay_in_the_file_engine_uses(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = tmp_path / "cases.sqlite3"
    monkeypatch.setenv("KWFLOW_DB", str(database))
    first = _demo(capsys)
    assert f"Store: the default SQLite file, {database}." in first
    second = _demo(capsys)
    # Each run opens new cases beside the earlier ones; nothing is overwritten.
    engine = Engine(Registry.shipped())
    try:
        ids = sorted(engine.store.case_ids())
        assert ids == [
            "demo-pripadova-konference",
            "demo-pripadova-konference-2",
            "demo-rodinna-konference",
            "demo-rodinna-konference-2",
        ]
        for case_id in ids:
            engine.verify(case_id)
            assert engine.get_unfiltered(case_id).outcome is not None
    finally:
        engine.store.close()
    assert second.replace("konference-2", "konference") == first


def test_the_demo_speaks_czech(capsys: pytest.CaptureFixture[str]) -> None:
    output = _demo(capsys, "--lang", "cs", "--store", "memory")
    assert "zápis měl přijít do konce st 4. listopadu (28. října je svátek)" in output
    assert "(minutes_delivered): PORUŠENA · limit st 2026-11-04 23:59" in output
    assert output.count("historie ověřena") == 2


def test_the_demo_is_scenario_files_shipped_with_the_processes() -> None:
    # In a checkout processes/scenarios/demo/; in a wheel kwflow/_processes/scenarios/demo/.
    assert demo_scenarios_dir() == shipped_processes_dir() / "scenarios" / "demo"
    assert sorted(path.name for path in demo_scenarios_dir().glob("*.yaml")) == sorted(
        name for name, _ in DEMO_CASES
    )


@pytest.mark.parametrize("lang", ["en", "cs"])
def test_kwflow_simulate_runs_the_demo_files_clean(
    capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    # They are ordinary scenario files, with expectations that hold.
    assert main(["simulate", str(demo_scenarios_dir()), "--lang", lang]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.count("OK: ") == len(DEMO_CASES)


def test_a_step_that_goes_otherwise_than_its_file_says_fails_the_demo(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, _ in DEMO_CASES:
        (tmp_path / name).write_bytes((demo_scenarios_dir() / name).read_bytes())
    family = tmp_path / "family_conference.yaml"
    family.write_text(
        family.read_text(encoding="utf-8").replace("outcome: completed", "outcome: declined"),
        encoding="utf-8",
    )
    monkeypatch.setattr("kwflow.cli._demo.demo_scenarios_dir", lambda: tmp_path)
    assert main(["demo", "--store", "memory"]) == 1
    captured = capsys.readouterr()
    assert "FAILED: the final expectations: expected outcome declined, found completed" in (
        captured.out
    )
    assert captured.err == (
        f"kwflow demo: {family}: the final expectations: "
        "expected outcome declined, found completed\n"
    )
