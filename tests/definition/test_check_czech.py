"""`kwflow check --lang cs`: every problem a process author can meet, in Czech."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from kwflow.authoring import SCENARIO_TEMPLATES, load_scenario, run_scenario
from kwflow.cli import main
from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS
from kwflow.definition import MAX_FILE_BYTES, RULES, problem_text
from kwflow.definition import czech as czech_parts
from kwflow.exceptions import DefinitionError, Problem
from tests.support import authoring
from tests.support.czech import assert_czech, english_left_in
from tests.support.definition import (
    FIXTURES,
    RULE_FIXTURES,
    marked_blocks,
    merge_sections,
    problems_of,
)
from tests.support.migration_plans import MIGRATION_FACTS
from tests.support.overlays import BROKEN as BROKEN_OVERLAYS
from tests.support.overlays import overlay_problems
from tests.support.paths import DOCS, PROCESSES

if TYPE_CHECKING:
    from pathlib import Path

    from kwflow.definition import CzechProblem

# Process and scenario files are checked together here (a scenario's problems
# include those of the process file it names), so with every template.
TEMPLATES = SCENARIO_TEMPLATES


def czech(problem: Problem) -> CzechProblem:
    return czech_parts(problem, TEMPLATES)


MINIMAL = (FIXTURES / "valid_minimal.yaml").read_text(encoding="utf-8")
CHECKS = DOCS / "checks.md"
DOC_BASE = marked_blocks(CHECKS, "base")[0].text
DOC_EXAMPLES = [block.text for block in marked_blocks(CHECKS, "example")]
# Scenario files (`kwflow simulate`) share the templates: the broken ones the
# authoring tests use, one per kind of problem (tests/authoring/test_scenario_czech.py).
BROKEN_SCENARIOS = sorted(authoring.BROKEN_SCENARIOS.glob("*.yaml"))


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# Broken files that reach every kind of reading and shape problem, and the
# variants of the static checks the rule fixtures do not show.
ARTIFACT = (
    "artifacts:\n"
    "  - id: plan\n"
    "    label: {cs: Plán, en: Plan}\n"
    "    write: [worker]\n"
    "    fields:\n"
    "      - {id: goal, label: {cs: Cíl, en: Goal}, type: text}\n"
    "      - {id: due, label: {cs: Termín, en: Due}, type: date}\n"
    "      - {id: cost, label: {cs: Cena, en: Cost}, type: money}\n"
    "      - {id: status, label: {cs: Stav, en: Status}, type: enum,"
    " values: [{id: open, label: {cs: Otevřený, en: Open}}]}\n"
)
WITH_ARTIFACT = MINIMAL + ARTIFACT
# A deadline whose limit is written as text; goes before the actions.
DEADLINE = (
    "deadlines: [{{id: d, label: {{cs: D}}, anchor: {{action: close}}, limit: {limit}, "
    "satisfied_by: [close], responsible: worker, breach: {{cs: B}}}}]\nactions:"
)


def minimal(*replacements: tuple[str, str], base: str = WITH_ARTIFACT) -> str:
    text = base
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


# A list field added after the money field of ARTIFACT.
STEPS_FIELD = (
    " type: money}\n      - {id: steps, label: {cs: Kroky, en: Steps}, type: list,"
    " fields: [{id: what, label: {cs: Co, en: What}, type: text}]}\n"
)

# A sound process with a suspension phase (the rule fixture, its break undone).
SUSPENSION = (
    (FIXTURES / "rules" / "suspend-from-suspension.yaml")
    .read_text(encoding="utf-8")
    .replace("from: [open, suspended]", "from: [open]")
)

CORPUS: dict[str, str | bytes] = {
    "yaml.syntax": "id: *missing\n",
    "yaml.unclosed": "id: [\n",
    "yaml.unclosed-quote": "id: 'abc\nversion: 1\n",
    "yaml.tab": "id: a\n\tversion: 1\n",
    "yaml.colon-in-text": "id: a\ndescription: Pozor: text\n",
    "yaml.indentation": "a:\n  b: 1\n c: 2\n",
    "yaml.indentation.deeper": "id: a\n  version: 1\n",
    "yaml.indentation.list": "a:\n  - b: 1\n  c: 2\n",
    "yaml.missing-colon": "id: a\nversion\ntitle: b\n",
    "yaml.too-large": "#" * (MAX_FILE_BYTES + 1),
    "schema.misplaced-key": minimal(
        ("    outcome: closed\n", "    outcome: closed\npresent: [worker]\n")
    ),
    "schema.period-form": minimal(("actions:", DEADLINE.format(limit="3 týdny"))),
    "schema.period-example": minimal(("actions:", DEADLINE.format(limit="brzy"))),
    "yaml.bad-character": "id: a\x07b\n",
    "yaml.not-utf8": b"id: \xff\n",
    "yaml.empty": "",
    "yaml.top-not-mapping": "- a\n- b\n",
    "yaml.too-big": "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcde", "bcdef", strict=True)
    ),
    "yaml.too-deep": "x: " + "[" * 120 + "]" * 120 + "\n",
    "yaml.alias-cycle": "a: &x [*x]\n",
    "yaml.key-not-text": "? [a, b]\n: c\n",
    "yaml.bad-scalar": "id: !!int abc\n",
    "yaml-tag": "id: !!python/none x\n",
    "duplicate-key": "id: a\nid: b\n",
    "schema.wrong-type": minimal(("to: closed", "to: [closed]")),
    "schema.missing": minimal(("opener: worker\n", "")),
    "schema.unknown-key": minimal(("    max: 1\n", "    maxx: 1\n")),
    "schema.unknown-tag": minimal(("type: money", "type: mony")),
    "schema.missing-tag": minimal((", type: money", "")),
    "schema.label-not-mapping": minimal(
        ("title: {cs: Nejmenší proces, en: Smallest process}", "title: Smallest")
    ),
    "schema.not-identifier": minimal(("id: minimal", "id: Minimal Process")),
    "schema.not-currency": minimal(("type: money}", "type: money, currency: czk}")),
    "schema.not-a-choice": minimal(("kind: professional", "kind: pro")),
    "schema.empty-text": minimal(("en: Smallest process", "en: ''")),
    "schema.text-too-long": minimal(("id: minimal", "id: " + "m" * 70)),
    "schema.too-few-items": minimal(("by: [worker]", "by: []")),
    "schema.number-ge": minimal(("    max: 1\n", "    max: 0\n")),
    "schema.label-empty": minimal(
        ("title: {cs: Nejmenší proces, en: Smallest process}", "title: {}")
    ),
    "schema.min-above-max": minimal(("    max: 1\n", "    max: 1\n    min: 3\n")),
    "schema.condition-operators": minimal(
        (
            "    by: [worker]\n",
            "    by: [worker]\n    requires: {fields: [{artifact: plan, field: goal}]}\n",
        )
    ),
    "schema.period-units": minimal(
        base=WITH_ARTIFACT
        + "deadlines:\n  - {id: soon, label: {cs: Brzy, en: Soon}, anchor: {action: close},"
        " target: {days: 1, weeks: 2}, satisfied_by: [close], responsible: worker}\n"
    ),
    "schema.anchor-one-of": minimal(
        base=WITH_ARTIFACT + "deadlines:\n  - {id: soon, label: {cs: Brzy, en: Soon}, anchor: {},"
        " target: {days: 1}, satisfied_by: [close], responsible: worker}\n"
    ),
    "schema.deadline-target-or-limit": minimal(
        base=WITH_ARTIFACT
        + "deadlines:\n  - {id: soon, label: {cs: Brzy, en: Soon}, anchor: {action: close},"
        " satisfied_by: [close], responsible: worker, breach: {cs: Porušení, en: Breach}}\n"
    ),
    "schema.variant-target-or-limit": minimal(
        base=WITH_ARTIFACT
        + "deadlines:\n  - {id: soon, label: {cs: Brzy, en: Soon}, anchor: {action: close},"
        " target: {days: 1}, variants: [{when: [{artifact: plan, field: status, equals: open}]}],"
        " satisfied_by: [close], responsible: worker, breach: {cs: Porušení, en: Breach}}\n"
    ),
    "schema.timezone": minimal(("version: 1\n", "version: 1\ntimezone: Mars/Base\n")),
    "condition-type.value": minimal(
        (
            "    by: [worker]\n",
            (
                "    by: [worker]\n"
                "    requires: {fields: [{artifact: plan, field: status, equals: shut}]}\n"
            ),
        )
    ),
    "condition-type.non-empty": minimal(
        (
            "    by: [worker]\n",
            (
                "    by: [worker]\n"
                "    requires: {fields: [{artifact: plan, field: due, non_empty: true}]}\n"
            ),
        )
    ),
    # Per-person artifacts and conditions on the items of a list.
    "unknown-field.item": minimal(
        (
            " type: money}\n",
            STEPS_FIELD,
        ),
        (
            "    by: [worker]\n",
            (
                "    by: [worker]\n    requires: {fields: [{artifact: plan, field: steps.whom,"
                " equals: x, for: every}]}\n"
            ),
        ),
    ),
    "unknown-field.not-list": minimal(
        (
            "    by: [worker]\n",
            (
                "    by: [worker]\n    requires: {fields: [{artifact: plan, field: goal.what,"
                " equals: x, for: every}]}\n"
            ),
        )
    ),
    "per-person-use.anchor": minimal(
        ("    write: [worker]\n", "    write: [worker]\n    per_person: [worker]\n"),
        base=WITH_ARTIFACT
        + "deadlines:\n  - {id: soon, label: {cs: Brzy, en: Soon}, anchor: {field: "
        "{artifact: plan, field: due}}, target: {days: 1}, satisfied_by: [close],"
        " responsible: worker, breach: {cs: Porušení, en: Breach}}\n",
    ),
    "per-person-use.dotted": minimal(
        ("    write: [worker]\n", "    write: [worker]\n    per_person: [worker]\n"),
        (
            " type: money}\n",
            STEPS_FIELD,
        ),
        (
            "    by: [worker]\n",
            (
                "    by: [worker]\n    requires: {fields: [{artifact: plan, field: steps.what,"
                " equals: x, for: every}]}\n"
            ),
        ),
    ),
    "missing-translation.cs": minimal(("{cs: Pracovník, en: Worker}", "{en: Worker}")),
    "one-initial-phase.second": minimal(
        ("    outcome: closed\n", "    outcome: closed\n    initial: true\n")
    ),
    "dead-end-phase.no-outcome": minimal(("    outcome: closed\n", "")),
    "role-unassignable": minimal(
        (
            "    max: 1\n",
            (
                "    max: 1\n"
                "  - {id: guest, label: {cs: Host, en: Guest}, kind: support,"
                " assigned_by: [guest]}\n"
            ),
        ),
        ("by: [worker]", "by: [worker, guest]"),
    ),
    "action-nobody-present.several": minimal(
        (
            "    max: 1\n",
            (
                "    max: 1\n"
                "  - {id: boss, label: {cs: Vedoucí, en: Boss}, kind: professional,"
                " assigned_by: [worker]}\n"
                "  - {id: guest, label: {cs: Host, en: Guest}, kind: support,"
                " assigned_by: [worker]}\n"
            ),
        ),
        ("    initial: true\n", "    initial: true\n    present: [worker]\n"),
        ("    by: [worker]\n", "    by: [boss, guest]\n"),
    ),
    "one-initial-subphase.second": minimal(
        (
            "    initial: true\n",
            (
                "    initial: true\n    phases:\n"
                "      - {id: part_a, label: {cs: A, en: A}, initial: true}\n"
                "      - {id: part_b, label: {cs: B, en: B}, initial: true}\n"
            ),
        )
    ),
    "terminal-has-action.inside": minimal(
        (
            "    initial: true\n",
            (
                "    initial: true\n    phases:\n"
                "      - {id: part_a, label: {cs: A, en: A}, initial: true}\n"
                "      - {id: gone, label: {cs: Pryč, en: Gone}, outcome: gone}\n"
            ),
        )
    ),
    "on-call-and-present": minimal(
        ("    initial: true\n", "    initial: true\n    present: [worker]\n    on_call: [worker]\n")
    ),
    "deadline-unsatisfiable.within": minimal(
        base=WITH_ARTIFACT
        + "deadlines:\n  - {id: soon, label: {cs: Brzy, en: Soon}, anchor: {action: close},"
        " target: {days: 1}, satisfied_by: [close], responsible: worker, phases: [open],"
        " breach: {cs: Porušení, en: Breach}}\n"
    ),
    "suspension-phase.nested": minimal(
        (
            "    initial: true\n",
            (
                "    initial: true\n    phases:\n"
                "      - {id: working, label: {cs: Práce, en: Work}, initial: true}\n"
                "      - {id: on_hold, label: {cs: Odloženo, en: On hold}, suspension: {}}\n"
            ),
        ),
        base=SUSPENSION,
    ),
    "suspension-phase.initial": minimal(
        ("    initial: true\n", ""),
        (
            "    suspension: {deadlines: pause}\n",
            "    suspension: {deadlines: pause}\n    initial: true\n",
        ),
        base=SUSPENSION,
    ),
    "suspension-phase.outcome": minimal(
        (
            "    suspension: {deadlines: pause}\n",
            "    suspension: {deadlines: pause}\n    outcome: held\n",
        ),
        base=SUSPENSION,
    ),
    "on-call-and-present.inherited": minimal(
        ("    initial: true\n", "    initial: true\n    on_call: [worker]\n")
    ),
}

# Kinds no process file can produce today (the language has no such
# constraint), which a future model could: rendered from made-up facts.
UNREACHABLE: dict[str, dict[str, str]] = {
    "yaml.unreadable": {"detail": "maximum recursion depth exceeded"},
    "file.unreadable": {"reason": "No such file or directory", "errno": "ENOENT"},
    "schema.pattern": {"pattern": "^[0-9]+$"},
    "schema.too-many-items": {"max": "3"},
    "schema.number-gt": {"bound": "0"},
    "schema.number-le": {"bound": "10"},
    "schema.number-lt": {"bound": "10"},
    "schema.invalid": {"detail": "something else", "found_kind": "value", "found_value": "3"},
    "schema.other": {"kind": "url_type", "detail": "URL input should be a string"},
    "duplicate-process": {"id": "minimal", "version": "1", "other": "a.yaml:2"},
    # Follow-up problems between two registered files (tests/definition/test_follows_checks.py).
    "follows-unknown-outcome": {
        "process": "conference",
        "version": "1",
        "outcome": "done",
        "known": "called_off, held",
    },
    "follows-unknown-artifact": {"process": "conference", "version": "1", "artifact": "notes"},
    "follows-unknown-field": {
        "process": "conference",
        "version": "1",
        "artifact": "minutes",
        "field": "date",
    },
    "follows-field-type": {
        "process": "conference",
        "version": "1",
        "field": "follow_up_on",
        "type": "date",
        "other_field": "summary",
        "other_type": "text",
        "artifact": "minutes",
    },
    # A pydantic check the scenario models do not use today.
    "scenario.other": {"kind": "url_type"},
    # Migration plans: broken plans reach each (tests/definition/test_migration_plans.py).
    **MIGRATION_FACTS,
}


def corpus_problems() -> list[Problem]:
    every: list[Problem] = []
    for path in RULE_FIXTURES:
        every += problems_of(path.read_bytes(), path.name)
    for path in sorted((FIXTURES / "mistakes").glob("*.yaml")):
        every += problems_of(path.read_bytes(), path.name)
    for text in DOC_EXAMPLES:
        every += problems_of(merge_sections(DOC_BASE, text))
    for broken in CORPUS.values():
        every += problems_of(broken)
    return every


@pytest.mark.parametrize("code", sorted(CORPUS))
def test_each_broken_file_reports_its_kind_of_problem(code: str) -> None:
    codes = {p.code for p in problems_of(CORPUS[code])}
    assert code in codes, codes


def test_every_problem_of_the_corpus_is_rendered_in_czech() -> None:
    problems = corpus_problems()
    assert len(problems) > 60
    for problem in problems:
        assert_czech(problem)


def scenario_problems() -> list[Problem]:
    every: list[Problem] = []
    for path in BROKEN_SCENARIOS:
        with pytest.raises(DefinitionError) as caught:
            run_scenario(load_scenario(path))
        every += caught.value.problems
    return every


def test_every_rule_and_every_template_is_reached() -> None:
    assert len(BROKEN_SCENARIOS) > 20
    seen = {p.code for p in corpus_problems()} | {p.code for p in scenario_problems()}
    # Overlay files have their own corpus (tests/definition/test_overlays.py).
    seen |= {p.code for text in BROKEN_OVERLAYS.values() for p in overlay_problems(text)}
    seen.add("overlay.unknown-base")
    assert {p.rule for p in corpus_problems()} >= set(RULES)
    assert seen | set(UNREACHABLE) == set(TEMPLATES), (
        "templates nothing produces, or codes without one"
    )


@pytest.mark.parametrize("code", sorted(UNREACHABLE))
def test_kinds_no_file_reaches_render_from_their_facts(code: str) -> None:
    params = UNREACHABLE[code]
    problem = Problem(
        "f.yaml",
        1,
        1,
        "",
        "english",
        code=code,
        params=params,
        found="3" if "found_kind" in params else None,
        hint="a hint" if code == "duplicate-process" else None,
    )
    assert_czech(problem)


def test_the_leak_detector_sees_english() -> None:
    problem = Problem(
        "f.yaml", 1, 1, "", "unknown role 'x'", code="unknown-role", params={"name": "x"}
    )
    assert english_left_in("unknown role 'x'; did you mean 'y'?", problem) == [
        "unknown",
        "did",
        "you",
        "mean",
    ]
    assert english_left_in("neznámá role 'x'; myslel(a) jste 'y'?", problem) == []


def test_a_problem_without_a_code_falls_back_to_english() -> None:
    problem = Problem("f.yaml", 3, 4, "id", "something odd", hint="look")
    assert czech(problem).missing == ("message", "hint")
    assert (
        problem_text(problem, "cs") == "f.yaml:3:4: chyba: something odd (místo: id); look [schema]"
    )
    assert problem_text(problem, "en") == str(problem)


# ------------------------------------------------------------ exact texts

EXACT = {
    "unknown-role.yaml": (
        "unknown-role.yaml:36:10: chyba: neznámá role 'wroker' (místo: actions[0].by[0]); "
        "očekává se: role uvedená v souboru (v 'roles'); nalezeno: 'wroker'; "
        "myslel(a) jste 'worker'? [unknown-role]"
    ),
    "schema.yaml": (
        "schema.yaml:15:11: chyba: tato hodnota není mezi povolenými možnostmi "
        "(místo: roles[1].kind); "
        "očekává se: jedna z hodnot: family, child, support, professional, authority, independent; "
        "nalezeno: 'familly'; myslel(a) jste 'family'? [schema]"
    ),
    "duplicate-key.yaml": (
        "duplicate-key.yaml:11:5: chyba: klíč 'kind' je v tomto mapování uveden dvakrát "
        "(místo: roles[0].kind); poprvé je uveden na řádku 10, ve sloupci 5; YAML by potichu "
        "ponechal jen ten poslední: jeden odstraňte [duplicate-key]"
    ),
    "action-nobody-present.yaml": (
        "action-nobody-present.yaml:40:12: chyba: krok 'close' smí udělat jen role worker, "
        "ta ale ve fázi 'planning' přítomna není (místo: actions[1].from[0]); "
        "očekává se: worker přítomná nebo na zavolání; nalezeno: přítomni: parent "
        "[action-nobody-present]"
    ),
    "deadline-never-runs.yaml": (
        "deadline-never-runs.yaml:52:5: varování: to, od čeho se lhůta 'meet_soon' počítá, "
        "nemůže nikdy nastat, takže lhůta nikdy nezačne běžet (místo: deadlines[0].anchor) "
        "[deadline-never-runs]"
    ),
    "yaml.yaml": (
        "yaml.yaml:6:7: chyba: závorka '{' otevřená na řádku 5 není uzavřená závorkou '}', "
        "nebo mezi položkami chybí čárka ','; čtečka si toho všimla na řádku 6 [yaml]"
    ),
}


@pytest.mark.parametrize("name", sorted(EXACT))
def test_concrete_czech_messages(name: str) -> None:
    path = FIXTURES / "rules" / name
    rule = name.removesuffix(".yaml")
    lines = [problem_text(p, "cs") for p in problems_of(path.read_bytes(), name) if p.rule == rule]
    assert EXACT[name] in lines


def test_czech_hints_for_unknown_names() -> None:
    text = MINIMAL.replace("by: [worker]", "by: [wrkr, zzz]").replace(
        "opener: worker", "opener: worker"
    )
    cs = [czech(p).hint for p in problems_of(text) if p.rule == "unknown-role"]
    assert cs == ["myslel(a) jste 'worker'?", "známé role: worker"]


# ------------------------------------------------------------------- CLI


def broken_shipped(tmp_path: Path) -> Path:
    text = (PROCESSES / "family_conference.yaml").read_text(encoding="utf-8")
    old = "    by: [coordinator]\n"
    assert old in text
    text = text.replace(old, "    by: [koordinator]\n", 1)
    return write(tmp_path, "family_conference.yaml", text)


def test_cli_in_czech_on_a_broken_shipped_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = broken_shipped(tmp_path)
    assert main(["check", "--lang", "en", str(path)]) == EXIT_PROBLEMS
    english = capsys.readouterr().out.splitlines()
    assert main(["check", "--lang", "cs", str(path)]) == EXIT_PROBLEMS
    czech_lines = capsys.readouterr().out.splitlines()
    assert len(czech_lines) == len(english)
    [line] = [x for x in czech_lines if "[unknown-role]" in x]
    where = re.match(rf"{re.escape(str(path))}:(\d+):(\d+): ", line)
    assert where is not None
    assert f"{where.group(0)}error: unknown role 'koordinator'" in "\n".join(english)
    at = "krok 4 ('open_conference') → by → položka 1"  # counted from 1 (issue 15)
    assert line == (
        f"{where.group(0)}chyba: neznámá role 'koordinator' (místo: {at}); "
        "očekává se: role uvedená v souboru (v 'roles'); nalezeno: 'koordinator'; "
        "myslel(a) jste 'coordinator'? [unknown-role]"
    )
    assert czech_lines[-1] == "1 soubor zkontrolován, 1 s problémy: 1 chyba, 0 varování"


def test_cli_ok_and_summary_in_czech(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [
        write(tmp_path, f"{n}.yaml", MINIMAL.replace("version: 1", f"version: {n}"))
        for n in range(1, 6)
    ]
    assert main(["check", "--lang", "cs", *map(str, files)]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{files[0]}: v pořádku"
    assert out[-1] == "5 souborů zkontrolováno, 0 s problémy: 0 chyb, 0 varování"
    warn = write(
        tmp_path / "w", "w.yaml", MINIMAL.replace("{cs: Uzavřít, en: Close}", "{cs: Uzavřít}")
    )
    assert main(["check", "--lang", "cs", "--strict", str(warn)]) == EXIT_PROBLEMS
    text = capsys.readouterr().out
    # --strict makes every warning an error (issue 15).
    assert "chyba: tento popisek nemá anglický text" in text
    assert text.splitlines()[-1] == "1 soubor zkontrolován, 1 s problémy: 1 chyba, 0 varování"


def test_english_output_is_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "bad.yaml", MINIMAL.replace("kind: professional", "kind: pro"))
    assert main(["check", str(path)]) == EXIT_PROBLEMS
    default = capsys.readouterr().out
    assert main(["check", "--lang", "en", str(path)]) == EXIT_PROBLEMS
    assert capsys.readouterr().out == default
    assert default.splitlines()[0] == (
        f"{path}:9:11: error: this value is not one of the allowed choices "
        "(at role 1 ('worker') → kind); "
        "expected one of family, child, support, professional, authority, independent, "
        "found 'pro'; see docs/process-format.md#role [schema]"
    )
    assert (
        default.splitlines()[-1] == "1 file(s) checked, 1 with problems: 1 error(s), 0 warning(s)"
    )


def test_json_carries_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = broken_shipped(tmp_path)
    for lang in ("en", "cs"):
        assert main(["check", "--format", "json", "--lang", lang, str(path)]) == EXIT_PROBLEMS
        [problem] = json.loads(capsys.readouterr().out)["problems"]
        assert problem["message"] == "unknown role 'koordinator'"
        assert problem["hint"] == "did you mean 'coordinator'?"
        assert problem["expected"] == "a role declared in the file"
        assert problem["message_cs"] == "neznámá role 'koordinator'"
        assert problem["hint_cs"] == "myslel(a) jste 'coordinator'?"
        assert problem["expected_cs"] == "role uvedená v souboru (v 'roles')"
        assert problem["found_cs"] == "'koordinator'"


def test_json_czech_parts_are_null_where_english_has_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "x.yaml", MINIMAL.replace("opener: worker\n", ""))
    assert main(["check", "--format", "json", str(path)]) == EXIT_PROBLEMS
    [problem] = json.loads(capsys.readouterr().out)["problems"]
    assert problem["message_cs"] == "chybí klíč 'opener'"
    # A missing key shows its right form (issue 15).
    assert problem["expected"] == "for example opener: worker"
    assert problem["expected_cs"] == "například opener: worker"
    assert problem["found_cs"] is None


def test_duplicate_process_in_czech(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = write(tmp_path, "a.yaml", MINIMAL)
    second = write(tmp_path, "b.yaml", MINIMAL)
    assert main(["check", "--lang", "cs", str(tmp_path)]) == EXIT_PROBLEMS
    assert (
        f"{second}:2:5: chyba: proces 'minimal' ve verzi 1 je definován dvakrát: zde a v {first}:2 "
        "(místo: id); novějšímu souboru zvyšte verzi [duplicate-process]"
    ) in capsys.readouterr().out


def test_lang_accepts_only_cs_and_en() -> None:
    with pytest.raises(SystemExit):
        main(["check", "--lang", "de"])


def test_the_czech_example_in_the_docs_is_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CHECKS.read_text(encoding="utf-8")
    section = text[text.index("## Hlášení česky") : text.index("## How the examples below work")]
    shown = section.split("```text\n")[1].split("```")[0]
    broken_shipped(tmp_path / "processes")
    write(
        tmp_path / "processes",
        "case_conference.yaml",
        (PROCESSES / "case_conference.yaml").read_text(encoding="utf-8"),
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--lang", "cs", "processes/"]) == EXIT_PROBLEMS
    assert capsys.readouterr().out == shown
