"""`kwflow simulate --lang cs`: every problem of a scenario file, in Czech.

The broken scenarios in ``fixtures/broken_scenarios`` are named after the
kind of problem (``code``) each shows; tests/definition/test_check_czech.py
reads them too, to check that every Czech template is reached.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from kwflow.authoring import SCENARIO_TEMPLATES, load_scenario, run_scenario
from kwflow.cli import main
from kwflow.cli._main import EXIT_USAGE
from kwflow.definition import PROBLEM_TEMPLATES, problem_text
from kwflow.definition import czech as czech_parts
from kwflow.exceptions import DefinitionError, Problem
from tests.support.authoring import FIXTURES
from tests.support.czech import assert_czech, english_left_in
from tests.support.paths import ROOT

if TYPE_CHECKING:
    from pathlib import Path

    from kwflow.definition import CzechProblem

TEMPLATES = SCENARIO_TEMPLATES


def czech(problem: Problem) -> CzechProblem:
    return czech_parts(problem, TEMPLATES)


BROKEN = FIXTURES / "broken_scenarios"
BROKEN_FILES = sorted(BROKEN.glob("*.yaml"))


def problems_of(path: Path) -> list[Problem]:
    """Every problem that stops the scenario before it runs (reading, names, process)."""
    with pytest.raises(DefinitionError) as caught:
        run_scenario(load_scenario(path))
    return list(caught.value.problems)


def corpus() -> list[Problem]:
    return [problem for path in BROKEN_FILES for problem in problems_of(path)]


def simulate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    status = main(["simulate", *args])
    captured = capsys.readouterr()
    assert captured.out == ""
    return status, captured.err.splitlines()


# ------------------------------------------------------------------ codes


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.stem)
def test_each_broken_scenario_reports_its_kind_of_problem(path: Path) -> None:
    codes = {p.code for p in problems_of(path)}
    assert path.stem in codes, codes


def test_every_problem_of_a_broken_scenario_is_rendered_in_czech() -> None:
    problems = corpus()
    assert len(problems) > 40
    for problem in problems:
        assert problem.code is not None, problem
        assert_czech(problem)


def test_every_scenario_template_is_reached() -> None:
    seen = {p.code for p in corpus()}
    scenario_codes = {code for code in TEMPLATES if code.startswith("scenario.")}
    # scenario.other: a pydantic check the scenario models do not use today.
    assert scenario_codes - seen == {"scenario.other"}
    assert seen <= set(TEMPLATES)


def test_scenario_templates_sit_with_authoring() -> None:
    own = {code for code in TEMPLATES if code.startswith("scenario.")}
    assert own
    assert not own & set(PROBLEM_TEMPLATES)
    assert set(TEMPLATES) == set(PROBLEM_TEMPLATES) | own
    assert all(TEMPLATES[code] is PROBLEM_TEMPLATES[code] for code in PROBLEM_TEMPLATES)


def test_the_unused_kind_renders_from_its_facts() -> None:
    problem = Problem(
        "s.yaml",
        1,
        1,
        "x",
        "URL input should be a string",
        code="scenario.other",
        params={"kind": "url_type"},
    )
    assert_czech(problem)
    assert czech(problem).message == "tato hodnota neodpovídá formátu scénáře (kontrola url_type)"


def test_an_unreadable_scenario_file_in_czech(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_scenario(tmp_path)  # a directory
    (problem,) = caught.value.problems
    assert problem.code == "file.unreadable"
    assert problem.params["errno"] == "EISDIR"
    assert_czech(problem)
    assert problem_text(problem, "cs") == (
        f"{tmp_path}: chyba: soubor nelze přečíst: je to složka, ne soubor [file]"
    )


def test_the_leak_detector_sees_english() -> None:
    (problem,) = problems_of(BROKEN / "scenario.needs-who.yaml")
    assert english_left_in(problem.message, problem) == [
        "step",
        "with",
        "needs",
        "the",
        "person",
        "it",
    ]
    assert english_left_in(czech(problem).message, problem) == []


# ------------------------------------------------------------ exact texts


def at(name: str) -> Path:
    return BROKEN / f"{name}.yaml"


EXACT: dict[str, list[str]] = {
    "schema.unknown-key": [
        "{f}:2:1: chyba: chybí klíč 'title' (místo: title) [scenario]",
        "{f}:2:1: chyba: neznámý klíč 'titel' (místo: titel); myslel(a) jste 'title'? [scenario]",
        (
            "{f}:7:29: chyba: neznámý klíč 'nmae' (místo: people.olga.nmae); "
            "myslel(a) jste 'name'? [scenario]"
        ),
        "{f}:9:17: chyba: neznámý klíč 'at' (místo: steps[0].at); myslel(a) jste 'act'? [scenario]",
    ],
    "scenario.one-command": [
        (
            "{f}:10:5: chyba: krok potřebuje právě jeden příkaz z act, submit, assign, unassign, "
            "replace, call_in, dismiss, check_deadlines, follow_up; "
            "uvedeno: act, submit (místo: steps[0]) [scenario]"
        ),
        (
            "{f}:11:5: chyba: krok potřebuje právě jeden příkaz z act, submit, assign, unassign, "
            "replace, call_in, dismiss, check_deadlines, follow_up; "
            "uvedeno: žádný (místo: steps[1]) [scenario]"
        ),
    ],
    "scenario.not-a-time": [
        (
            "{f}:4:8: chyba: 'soon' není čas: pište '+2d', '+1d2h' nebo '+30m' (doba od "
            "předchozího kroku), datum a čas '2026-10-05 09:00' (místní čas procesu), "
            "nebo {{working_days: 3, time: '09:00'}} (místo: start) [scenario]"
        ),
        (
            "{f}:9:12: chyba: 'tomorrow' není čas: pište '+2d', '+1d2h' nebo '+30m' (doba od "
            "předchozího kroku), datum a čas '2026-10-05 09:00' (místní čas procesu), "
            "nebo {{working_days: 3, time: '09:00'}} (místo: steps[0].when) [scenario]"
        ),
    ],
    "scenario.needs-who": [
        (
            "{f}:10:5: chyba: krok s příkazem 'assign' potřebuje 'who': osobu, která příkaz dává "
            "(místo: steps[0]) [scenario]"
        ),
    ],
    "scenario.opener-not-among-people": [
        "{f}:2:1: chyba: 'opened_by' uvádí osobu 'jana', která není mezi 'people' [scenario]",
    ],
    "scenario.which-role": [
        (
            "{f}:10:25: chyba: uveďte, kterou roli: osoba 'petra' má v 'people' 2 role "
            "(místo: steps[0].assign); očekává se: 'role: ...' v tomto kroku [scenario]"
        ),
    ],
    "scenario.unknown-person": [
        (
            "{f}:10:11: chyba: osoba 'ghost' není mezi 'people' (místo: steps[0].who); "
            "očekává se: jedna z osob: olga, petra [scenario]"
        ),
        (
            "{f}:11:25: chyba: osoba 'nobody' není mezi 'people' (místo: steps[1].assign); "
            "očekává se: jedna z osob: olga, petra [scenario]"
        ),
    ],
    "scenario.final-refusal": [
        (
            "{f}:11:19: chyba: závěrečná očekávání nemohou očekávat odmítnutí "
            "(místo: expect.refused); 'refused' patří do 'expect' kroku, který má být odmítnut "
            "[scenario]"
        ),
    ],
    "scenario.pattern": [
        (
            "{f}:9:22: chyba: text musí být identifikátor: malá písmena bez diakritiky, číslice "
            "a podtržítka, na začátku písmeno (místo: steps[0].act); nalezeno: 'Call Off' "
            "[scenario]"
        ),
        (
            "{f}:10:11: chyba: text musí být id osoby: písmena bez diakritiky, číslice a znaky "
            "_ . @ -, na začátku písmeno nebo číslice (místo: steps[1].who); nalezeno: 'o lga' "
            "[scenario]"
        ),
        (
            "{f}:11:19: chyba: text musí být denní čas ve tvaru HH:MM (00:00 až 23:59) "
            "(místo: steps[2].when.time); nalezeno: '25:00' [scenario]"
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(EXACT))
def test_cli_prints_scenario_problems_in_czech(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = at(name)
    expected = [
        f"kwflow simulate: scénář {path} nelze spustit:",
        *("  " + line.format(f=path) for line in EXACT[name]),
    ]
    assert simulate(capsys, str(path)) == (EXIT_USAGE, expected)  # cs is the default
    assert simulate(capsys, str(path), "--lang", "cs") == (EXIT_USAGE, expected)


def test_some_lines_of_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = simulate(capsys, str(at("scenario.unknown-name")))
    assert status == EXIT_USAGE
    f = at("scenario.unknown-name")
    assert (
        f"  {f}:9:25: chyba: proces nemá kontrolu hostitele 'child_is_safe' "
        "(místo: guards.child_is_safe); očekává se: proces neuvádí žádné kontroly hostitele "
        "[scenario]"
    ) in lines
    assert (
        f"  {f}:12:22: chyba: proces nemá krok 'call_of' (místo: steps[1].act); očekává se: "
        "jeden z kroků: accept_request, agree_date, call_off, deliver_minutes, end_meeting, "
        "facilitator_arrived, intervene, recommend_other_tool, record_family_no_show, "
        "recorder_arrived, reschedule, start_meeting [scenario]"
    ) in lines
    assert (
        f"  {f}:15:95: chyba: proces nemá lhůtu 'soon' (místo: steps[4].expect.deadlines.soon); "
        "očekává se: jedna ze lhůt: date_agreed, facilitator_early, meeting_length, "
        "minutes_delivered, recorder_early [scenario]"
    ) in lines
    status, lines = simulate(capsys, str(at("scenario.wrong-type")))
    f = at("scenario.wrong-type")
    assert f"  {f}:3:10: chyba: hodnota musí být text (místo: process); nalezeno: 5 [scenario]" in (
        lines
    )
    assert (
        f"  {f}:7:17: chyba: hodnota musí být seznam (místo: people.olga.roles); "
        "nalezeno: 'convener' [scenario]"
    ) in lines
    status, lines = simulate(capsys, str(at("scenario.no-process-file")))
    f = at("scenario.no-process-file")
    assert lines[1] == (
        f"  {f}:3:10: chyba: soubor procesu {str(BROKEN / 'no_such_process.yaml')!r} neexistuje "
        "(místo: process); očekává se: cesta relativní k souboru scénáře, "
        "nebo {id: ..., version: ...} [scenario]"
    )


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.stem)
def test_english_is_unchanged(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = [
        f"kwflow simulate: {path} cannot run:",
        *(f"  {problem}" for problem in problems_of(path)),
    ]
    assert simulate(capsys, str(path), "--lang", "en") == (EXIT_USAGE, expected)
    czech_lines = simulate(capsys, str(path))[1]
    assert len(czech_lines) == len(expected)
    # The same places, in the same order.
    for cs, en in zip(czech_lines[1:], expected[1:], strict=True):
        assert cs.split(": chyba: ")[0] == en.split(": error: ")[0]


def test_the_example_of_the_brief_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "process: {id: case_conference}\n"
        "start: 2026-10-05 09:00\n"
        "opened_by: olga\n"
        "people: {olga: {roles: [convener]}}\n"
        "steps:\n"
        "  - {who: olga, at: call_off}\n",
        encoding="utf-8",
    )
    assert simulate(capsys, str(path), "--lang", "en") == (
        EXIT_USAGE,
        [
            f"kwflow simulate: {path} cannot run:",
            f"  {path}:1:1: error: the key 'title' is missing (at title) [scenario]",
            (
                f"  {path}:6:17: error: unknown key 'at' (at steps[0].at); did you mean 'act'? "
                "[scenario]"
            ),
        ],
    )
    assert simulate(capsys, str(path)) == (
        EXIT_USAGE,
        [
            f"kwflow simulate: scénář {path} nelze spustit:",
            f"  {path}:1:1: chyba: chybí klíč 'title' (místo: title) [scenario]",
            (
                f"  {path}:6:17: chyba: neznámý klíč 'at' (místo: steps[0].at); "
                "myslel(a) jste 'act'? [scenario]"
            ),
        ],
    )


# ------------------------------------------------- the process behind it


def test_a_broken_process_file_keeps_its_own_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "processes" / "case_conference.yaml").read_text(encoding="utf-8")
    old = "    by: [convener]\n"
    assert old in text
    (tmp_path / "case_conference.yaml").write_text(
        text.replace(old, "    by: [konvener]\n", 1), encoding="utf-8"
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        at("scenario.unknown-person")
        .read_text(encoding="utf-8")
        .replace("{id: case_conference}", "case_conference.yaml"),
        encoding="utf-8",
    )
    problems = problems_of(scenario)
    assert {p.code for p in problems} == {"unknown-role"}
    status, lines = simulate(capsys, str(scenario))
    assert status == EXIT_USAGE
    assert lines[0] == f"kwflow simulate: scénář {scenario} nelze spustit:"
    assert lines[1:] == [f"  {problem_text(p, 'cs')}" for p in problems]
    assert "chyba: neznámá role 'konvener'" in lines[1]
    assert lines[1].endswith("myslel(a) jste 'convener'? [unknown-role]")


@pytest.mark.parametrize(
    ("ref", "czech_text", "english"),
    [
        (
            "{id: no_such_process}",
            "proces 'no_such_process' není registrován",
            "no process no_such_process is registered",
        ),
        (
            "{id: case_conference, version: 99}",
            "proces 'case_conference' ve verzi 99 není registrován",
            "no process case_conference version 99 is registered",
        ),
    ],
)
def test_a_process_that_is_not_registered(
    ref: str,
    czech_text: str,
    english: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        at("scenario.unknown-person")
        .read_text(encoding="utf-8")
        .replace("{id: case_conference}", ref),
        encoding="utf-8",
    )
    assert simulate(capsys, str(scenario)) == (
        EXIT_USAGE,
        [f"kwflow simulate: scénář {scenario} nelze spustit: {czech_text}"],
    )
    assert simulate(capsys, str(scenario), "--lang", "en") == (
        EXIT_USAGE,
        [f"kwflow simulate: {scenario} cannot run: {english}"],
    )


# ------------------------------------------------------- paths and folders


def test_missing_paths_and_empty_folders_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.yaml"
    assert simulate(capsys, str(missing)) == (
        EXIT_USAGE,
        [f"kwflow simulate: takový soubor ani složka neexistuje: {missing}"],
    )
    assert simulate(capsys, str(missing), "--lang", "en") == (
        EXIT_USAGE,
        [f"kwflow simulate: no such file or directory: {missing}"],
    )
    assert simulate(capsys, str(tmp_path)) == (
        EXIT_USAGE,
        [f"kwflow simulate: ve složce {tmp_path} nejsou žádné soubory scénářů (*.yaml)"],
    )
    assert simulate(capsys, str(tmp_path), "--lang", "en") == (
        EXIT_USAGE,
        [f"kwflow simulate: no scenario files (*.yaml) in {tmp_path}"],
    )


def test_the_czech_line_in_the_docs_is_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text[text.index("## `kwflow simulate`") : text.index("### Scenario files")]
    (shown,) = re.findall(r"^```text\n(.*?)\n```", section, re.MULTILINE | re.DOTALL)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text(
        "title: Zkouška\n"
        "process: {id: case_conference}\n"
        "start: 2026-10-05 09:00\n"
        "opened_by: olga\n"
        "people: {olga: {roles: [convener]}}\n"
        "steps:\n"
        "  - {who: olga, at: call_off}\n",
        encoding="utf-8",
    )
    assert simulate(capsys, "bad.yaml") == (
        EXIT_USAGE,
        ["kwflow simulate: scénář bad.yaml nelze spustit:", f"  {shown}"],
    )
