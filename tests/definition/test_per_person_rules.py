"""The static checks of per-person artifacts and quantified conditions, rule by rule."""

from __future__ import annotations

import pytest

from kwflow.definition import Process, czech
from tests.support.definition import RULE_FIXTURES, problems_of
from tests.support.runtime import fixture_process

BASE = next(p for p in RULE_FIXTURES if p.stem == "contradictory-conditions").read_text(
    encoding="utf-8"
)
CONDITIONS = """      fields:
        - {artifact: plan, field: risk, equals: none}
        - {artifact: plan, field: risk, equals: high}
        - {artifact: invitation, field: informed, equals: true, for: any}
        - {artifact: invitation, field: informed, equals: false, for: any}"""


def with_conditions(*lines: str) -> str:
    assert BASE.count(CONDITIONS) == 1
    return BASE.replace(
        CONDITIONS, "      fields:\n" + "\n".join(f"        - {line}" for line in lines)
    )


def codes(text: str, rule: str) -> list[str | None]:
    return [p.code for p in problems_of(text) if p.rule == rule]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "{artifact: plan, field: risk, equals: none}",
            "{artifact: plan, field: risk, equals: high}",
        ),
        (
            "{artifact: plan, field: risk, equals: none}",
            "{artifact: plan, field: risk, one_of: [high]}",
        ),
        (
            "{artifact: plan, field: risk, one_of: [none]}",
            "{artifact: plan, field: risk, one_of: [high]}",
        ),
        (
            "{artifact: plan, field: risk, present: false}",
            "{artifact: plan, field: risk, equals: high}",
        ),
        (
            "{artifact: plan, field: goal, present: false}",
            "{artifact: plan, field: goal, non_empty: true}",
        ),
        (
            "{artifact: plan, field: steps, min_count: 2}",
            "{artifact: plan, field: steps, present: false}",
        ),
        (
            "{artifact: plan, field: steps, non_empty: false}",
            "{artifact: plan, field: steps, min_count: 1}",
        ),
        # Every copy must meet both: a real contradiction (for: every is the default).
        (
            "{artifact: invitation, field: informed, equals: true}",
            "{artifact: invitation, field: informed, equals: false, for: every}",
        ),
        (
            "{artifact: plan, field: steps.what, equals: a, for: every}",
            "{artifact: plan, field: steps.what, equals: b, for: every}",
        ),
    ],
)
def test_conditions_no_value_meets_together_are_a_problem(first: str, second: str) -> None:
    problems = [
        p
        for p in problems_of(with_conditions(first, second))
        if p.rule == "contradictory-conditions"
    ]
    assert [(p.severity, p.path) for p in problems] == [("error", "actions[1].requires.fields[1]")]
    (problem,) = problems
    assert "actions[1].requires.fields[0], line 51" in problem.message
    assert problem.params["first_line"] == "51"
    assert "řádek 51" in czech(problem).message


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "{artifact: plan, field: risk, equals: none}",
            "{artifact: plan, field: risk, one_of: [none, high]}",
        ),
        (
            "{artifact: plan, field: risk, one_of: [none, high]}",
            "{artifact: plan, field: risk, one_of: [high]}",
        ),
        (
            "{artifact: plan, field: goal, present: true}",
            "{artifact: plan, field: goal, non_empty: true}",
        ),
        (
            "{artifact: plan, field: risk, equals: none}",
            "{artifact: plan, field: goal, equals: high}",
        ),
        # Different copies or items may each meet one of them.
        (
            "{artifact: invitation, field: informed, equals: true, for: any}",
            "{artifact: invitation, field: informed, equals: false, for: any}",
        ),
        (
            "{artifact: invitation, field: informed, equals: true, for: none}",
            "{artifact: invitation, field: informed, equals: false, for: none}",
        ),
        (
            "{artifact: plan, field: steps.what, equals: a, for: any}",
            "{artifact: plan, field: steps.what, equals: b, for: every}",
        ),
    ],
)
def test_conditions_that_can_hold_together_are_fine(first: str, second: str) -> None:
    assert codes(with_conditions(first, second), "contradictory-conditions") == []


def test_the_contradiction_in_czech_names_both_conditions() -> None:
    text = with_conditions(
        "{artifact: plan, field: risk, equals: none}",
        "{artifact: plan, field: risk, one_of: [high]}",
    )
    (problem,) = [p for p in problems_of(text) if p.rule == "contradictory-conditions"]
    assert czech(problem).message.startswith(
        "tato podmínka na plan.risk (je jedna z hodnot 'high') nemůže nikdy platit zároveň "
        "s podmínkou na místě actions[1].requires.fields[0], řádek 51 (rovná se 'none')"
    )


def test_contradictions_in_a_deadline_variant_are_found_too() -> None:
    text = BASE + (
        "deadlines:\n"
        "  - id: soon\n"
        "    label: {cs: Brzy, en: Soon}\n"
        "    anchor: {action: start}\n"
        "    target: {days: 3}\n"
        "    satisfied_by: [close]\n"
        "    responsible: worker\n"
        "    breach: {cs: Pozdě, en: Late}\n"
        "    variants:\n"
        "      - when:\n"
        "          - {artifact: plan, field: goal, present: false}\n"
        "          - {artifact: plan, field: goal, equals: x}\n"
        "        target: {days: 1}\n"
    )
    problems = [p for p in problems_of(text) if p.rule == "contradictory-conditions"]
    assert "deadlines[0].variants[0].when[1]" in [p.path for p in problems]


def test_dotted_fields_are_checked_as_the_item_fields_they_name() -> None:
    text = with_conditions(
        "{artifact: plan, field: steps.what, min_count: 1, for: every}",
        "{artifact: plan, field: steps.what, equals: 3, for: any}",
        "{artifact: plan, field: steps.whom, equals: x, for: any}",
        "{artifact: plan, field: goal.what, equals: x, for: any}",
        "{artifact: plan, field: risk, equals: high, for: every}",
        "{artifact: plan, field: steps.what, equals: x}",
    )
    problems = problems_of(text)
    found = sorted((p.code, p.path) for p in problems if p.severity == "error")
    assert found == [
        ("condition-quantifier.missing", "actions[1].requires.fields[5].field"),
        ("condition-quantifier.needless", "actions[1].requires.fields[4].for"),
        ("condition-type.min-count", "actions[1].requires.fields[0].min_count"),
        ("condition-type.value", "actions[1].requires.fields[1].equals"),
        ("unknown-field.item", "actions[1].requires.fields[2].field"),
        ("unknown-field.not-list", "actions[1].requires.fields[3].field"),
    ]


def test_per_person_names_declared_roles() -> None:
    text = BASE.replace("    per_person: [parent]\n", "    per_person: [parnet]\n")
    (problem,) = [p for p in problems_of(text) if p.rule == "unknown-role"]
    assert problem.path == "artifacts[1].per_person[0]"


def test_new_keys_change_the_hash_only_where_they_are_used() -> None:
    process = fixture_process("invitations")
    dumped = process.model_dump(mode="json", by_alias=True)
    # Leaving the keys out, or writing them empty, is the same file.
    for artifact in dumped["artifacts"]:
        if not artifact["per_person"]:
            del artifact["per_person"]
    assert Process.model_validate(dumped).content_hash == process.content_hash
    dumped["artifacts"][0]["per_person"] = []
    assert Process.model_validate(dumped).content_hash != process.content_hash
    dumped = process.model_dump(mode="json", by_alias=True)
    dumped["actions"][1]["requires"]["fields"][0]["for"] = None
    assert Process.model_validate(dumped).content_hash != process.content_hash
