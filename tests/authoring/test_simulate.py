"""Running scenarios through the real engine: the shipped ones pass, failures name the step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kwflow.authoring import format_timeline, load_scenario, run_scenario
from kwflow.cli import main
from kwflow.exceptions import DefinitionError
from kwflow.store import MemoryStore
from tests.support.paths import ROOT, SCENARIO_FILES

if TYPE_CHECKING:
    from pathlib import Path

# The simulator is under test here, so its scenarios play one fixed process:
# version 1 of the case conference, kept for the cases opened on it.
CASE_CONFERENCE = ROOT / "processes" / "previous" / "case_conference.v1.yaml"

OPENING = f"""\
title: Zkouška
process: {CASE_CONFERENCE}
start: 2026-10-05 09:00
opened_by: olga
people:
  olga: {{name: Olga, roles: [convener, ospod_worker]}}
  petra: {{roles: [organizer]}}
steps:
  - {{when: +10m, who: olga, assign: petra, note: svolavatelka určí organizátorku}}
"""


def write(tmp_path: Path, steps: str, tail: str = "") -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(OPENING + steps + tail, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_shipped_scenario_runs_as_expected(path: Path) -> None:
    result = run_scenario(load_scenario(path))
    assert result.ok, format_timeline(result)
    assert len(result.entries) == len(load_scenario(path).scenario.steps) + 1


def test_the_timeline_says_who_did_what_when_and_each_deadline(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "  - when: +1h\n"
        "    who: olga\n"
        "    submit: request_form\n"
        "    data:\n"
        "      requested_on: 2026-10-05\n"
        "      initiated_by: ospod\n"
        "      reason: Důvod\n"
        "      goal: Cíl\n"
        "      proposed_participants: [{name: Marie, role: parent}]\n"
        "      convener: olga\n"
        "      organizer: petra\n",
    )
    result = run_scenario(load_scenario(path))
    assert result.ok
    text = format_timeline(result, lang="cs")
    assert "[1] po 2026-10-05 09:10 · olga · přidělil(a) roli Organizátor: petra" in text
    assert "    svolavatelka určí organizátorku" in text
    assert "[2] po 2026-10-05 10:10 · olga · dokument: Formulář podmínek konference" in text
    # 3 weeks from Mon 5 Oct is Mon 26 Oct; a month is Thu 5 Nov (end of day, local).
    assert (
        "lhůta Termín dohodnut do 3 týdnů, nejvýše do měsíce (date_agreed): běží"
        " · cíl po 2026-10-26 23:59, limit čt 2026-11-05 23:59"
    ) in text
    assert text.rstrip().endswith("OK: 2 kroků, vše proběhlo podle očekávání")
    english = format_timeline(result, lang="en", quiet=True)
    assert "[1]" not in english
    assert english.rstrip().endswith("OK: 2 steps, everything went as expected")


def test_an_unexpected_refusal_names_the_step(tmp_path: Path) -> None:
    path = write(tmp_path, "  - {who: petra, act: accept_request, note: organizátorka přijme}\n")
    result = run_scenario(load_scenario(path), lang="en")
    assert not result.ok
    assert result.failure is not None
    assert result.failure.number == 2
    message = str(result.failure)
    assert message.startswith("step 2 (organizátorka přijme): refused: 'petra' may not")
    assert result.entries[-1].refused is not None


def test_an_expected_refusal_passes_and_is_shown_as_expected(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "  - who: petra\n"
        "    act: accept_request\n"
        "    expect: {refused: NotPermitted, reason: provider}\n",
    )
    result = run_scenario(load_scenario(path))
    assert result.ok
    assert "odmítnuto, jak scénář čeká: 'petra' nesmí provést úkon" in format_timeline(result)


@pytest.mark.parametrize(
    ("expect", "problem"),
    [
        (
            "{refused: ActionNotAllowed}",
            "expected a refusal of the kind ActionNotAllowed, got NotPermitted",
        ),
        ("{refused: NotPermitted, reason: sunshine}", "expected the refusal to say 'sunshine'"),
    ],
)
def test_a_refusal_of_another_kind_fails(tmp_path: Path, expect: str, problem: str) -> None:
    path = write(tmp_path, f"  - {{who: petra, act: accept_request, expect: {expect}}}\n")
    result = run_scenario(load_scenario(path), lang="en")
    assert result.failure is not None
    assert problem in str(result.failure)


def test_an_accepted_step_that_should_be_refused_fails(tmp_path: Path) -> None:
    path = write(tmp_path, "  - {who: olga, act: call_off, expect: {refused: NotPermitted}}\n")
    result = run_scenario(load_scenario(path), lang="cs")
    assert result.failure is not None
    assert str(result.failure) == ("krok 2: scénář čekal odmítnutí (NotPermitted), krok ale prošel")


def test_every_unmet_expectation_of_a_step_is_listed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "  - who: olga\n"
        "    act: call_off\n"
        "    note: svolavatelka konferenci zruší\n"
        "    expect:\n"
        "      phase: scheduling\n"
        "      outcome: held\n"
        "      deadlines: {date_agreed: pending}\n",
    )
    result = run_scenario(load_scenario(path), lang="en")
    assert result.failure is not None
    assert result.failure.problems == (
        "expected phase scheduling, the case is in called_off",
        "expected outcome held, found called_off",
        "expected deadline date_agreed pending, it is not_started",
    )
    assert str(result.failure).startswith("step 2 (svolavatelka konferenci zruší): ")


def test_a_phase_expectation_matches_an_enclosing_phase() -> None:
    scenario = load_scenario(
        ROOT / "processes" / "scenarios" / "family_conference_plan_approved.yaml"
    )
    result = run_scenario(scenario)
    entry = next(e for e in result.entries if e.phase == "private_family_time")
    assert result.process.phase_info(entry.phase).parents == ("conference",)  # type: ignore[union-attr]


def test_final_expectations_are_checked(tmp_path: Path) -> None:
    path = write(tmp_path, "  - {who: olga, act: call_off}\n", "expect: {outcome: held}\n")
    result = run_scenario(load_scenario(path), lang="en")
    assert result.failure is not None
    assert result.failure.number == -1
    assert str(result.failure) == "the final expectations: expected outcome held, found called_off"


def test_time_only_goes_forward(tmp_path: Path) -> None:
    path = write(tmp_path, "  - {when: 2026-10-01 09:00, who: olga, act: call_off}\n")
    result = run_scenario(load_scenario(path), lang="en")
    assert result.failure is not None
    assert "before the previous one (Mon 2026-10-05 09:10)" in str(result.failure)


def test_guards_answer_as_the_scenario_says(tmp_path: Path) -> None:
    source = ROOT / "processes" / "scenarios" / "family_conference_plan_approved.yaml"
    text = source.read_text(encoding="utf-8")
    text = text.replace(
        "process: ../family_conference.yaml", f"process: {source.parents[1]}/family_conference.yaml"
    )
    # The shipped scenario needs no answers (kwflow's own guards run); one
    # given in the file replaces the built-in guard with a fixed answer.
    assert "\nguards:" not in text
    refusing = tmp_path / "guards.yaml"
    refusing.write_text(
        text.replace("\nsteps:\n", "\nguards:\n  child_safe_to_attend: false\nsteps:\n", 1)
    )
    result = run_scenario(load_scenario(refusing), lang="en")
    assert result.failure is not None
    assert "open_conference" in str(result.failure)
    assert "the scenario says this guard refuses" in str(result.failure)


def test_a_scenario_without_guard_answers_runs_the_built_in_guards(tmp_path: Path) -> None:
    source = ROOT / "processes" / "scenarios" / "family_conference_plan_approved.yaml"
    text = source.read_text(encoding="utf-8")
    text = text.replace(
        "process: ../family_conference.yaml", f"process: {source.parents[1]}/family_conference.yaml"
    )
    assert run_scenario(load_scenario(_written(tmp_path, text)), lang="en").failure is None
    # The referrer judged attending unsafe: kwflow's child_safe_to_attend refuses.
    unsafe = text.replace("child_attendance: in_part", "child_attendance: not_safe")
    assert unsafe != text
    result = run_scenario(load_scenario(_written(tmp_path, unsafe)), lang="en")
    assert result.failure is not None
    assert "open_conference" in str(result.failure)
    assert "attending is not safe for the child" in str(result.failure)


def _written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_caller_may_give_the_store_the_case_id_and_show_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "  - {who: petra, act: accept_request, note: {cs: přijetí, en: accepting}}\n",
    )
    store = MemoryStore()
    result = run_scenario(
        load_scenario(path), lang="en", store=store, case_id="my-case", show_names=True
    )
    assert store.version("my-case") == 2  # opened, then petra assigned
    text = format_timeline(result, lang="en")
    # Who is shown by name (petra has none: her id); the note in the timeline's language.
    assert "[0] Mon 2026-10-05 09:00 · Olga · opened the case" in text
    assert "[1] Mon 2026-10-05 09:10 · Olga · assigned the role Organizer: petra" in text
    assert "[2] Mon 2026-10-05 09:10 · petra · action: Accept the request\n    accepting\n" in text
    assert result.failure is not None
    assert str(result.failure).startswith("step 2 (accepting): refused: ")


def test_names_the_process_lacks_stop_the_run_before_it_starts(tmp_path: Path) -> None:
    path = write(tmp_path, "  - {who: olga, act: cal_off}\n")
    with pytest.raises(DefinitionError) as caught:
        run_scenario(load_scenario(path))
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (10, 22)


# ------------------------------------------------------------------------ CLI


def test_cli_passes_the_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(ROOT / "processes" / "scenarios"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.count("OK: ") == len(SCENARIO_FILES)


def test_cli_exits_1_naming_the_failed_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "  - {who: petra, act: accept_request, note: organizátorka přijme}\n")
    assert main(["simulate", str(path), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "FAILED: step 2 (organizátorka přijme): refused:" in out


def test_cli_exits_2_for_a_broken_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "  - {who: olga, act: call_off, expect: {phse: x}}\n")
    assert main(["simulate", str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:10:" in err
    assert "did you mean 'phase'?" in err
    # In Czech by default.
    assert main(["simulate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:10:" in err
    assert "myslel(a) jste 'phase'?" in err


def test_cli_exits_2_for_a_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(tmp_path / "nope.yaml"), "--lang", "en"]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    assert main(["simulate", str(tmp_path / "nope.yaml")]) == 2
    assert "takový soubor ani složka neexistuje" in capsys.readouterr().err


def test_a_changed_deadline_shows_in_the_simulation(tmp_path: Path) -> None:
    # The methodologist's loop: shorten the minutes deadline in the process
    # file and the shipped scenario's expectation no longer holds.
    processes = tmp_path / "processes"
    (processes / "scenarios").mkdir(parents=True)
    text = (ROOT / "processes" / "case_conference.yaml").read_text(encoding="utf-8")
    assert "    limit: {working_days: 5}\n" in text
    (processes / "case_conference.yaml").write_text(
        text.replace("    limit: {working_days: 5}\n", "    limit: {working_days: 1}\n")
    )
    scenario = ROOT / "processes" / "scenarios" / "case_conference_held.yaml"
    copy = processes / "scenarios" / scenario.name
    copy.write_text(scenario.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_scenario(load_scenario(copy), lang="en")
    assert result.failure is not None
    assert "expected deadline minutes_delivered met_on_time, it is met_late" in str(result.failure)
