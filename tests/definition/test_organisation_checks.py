"""The static checks of the organisation language: every name it uses resolves."""

from __future__ import annotations

from pathlib import Path

from kwflow.definition import check_process, parse_process, problem_text

FIXTURE = Path(__file__).parents[1] / "engine" / "fixtures" / "organisations.yaml"


def _problems(old: str, new: str) -> list[tuple[str, str, str]]:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    loaded = parse_process(text.replace(old, new, 1), "organisations.yaml")
    return [(p.rule, p.path, problem_text(p, "cs")) for p in check_process(loaded)]


def test_the_fixture_is_clean() -> None:
    assert _problems("id: organisations", "id: organisations") == []


def test_not_same_as_names_a_role() -> None:
    [(rule, path, czech)] = _problems("not_same_as: [referrer]", "not_same_as: [refferer]")
    assert (rule, path) == ("unknown-role", "roles[1].organisation.not_same_as[0]")
    assert "neznámá role 'refferer'" in czech


def test_assignable_in_names_a_phase() -> None:
    [(rule, path, czech)] = _problems("assignable_in: [preparation]", "assignable_in: [prep]")
    assert (rule, path) == ("unknown-phase", "roles[1].assignable_in[0]")
    assert "neznámá fáze 'prep'" in czech


def test_a_requirement_names_a_role_and_declared_kinds() -> None:
    found = _problems(
        "{role: facilitator, kinds: [facilitation_provider]}",
        "{role: facilitatr, kinds: [facilitation]}",
    )
    # The facilitator, named by nothing else, is unused once the requirement misspells it.
    assert [(rule, path) for rule, path, _ in found] == [
        ("unused-role", "roles[2].id"),
        ("unknown-role", "actions[1].requires.organisations[0].role"),
        ("unknown-organisation-kind", "actions[1].requires.organisations[0].kinds[0]"),
    ]
    assert "neznámý druh organizace 'facilitation'" in found[2][2]


def test_role_never_empty_names_a_role() -> None:
    [(rule, path, _)] = _problems("    role: referrer\n", "    role: nobody\n")
    assert (rule, path) == ("unknown-role", "invariants[0].role")


def test_an_organisation_kind_id_is_unique() -> None:
    found = _problems("  - id: social_service\n", "  - id: ospod\n")
    rule, path, czech = found[0]
    assert (rule, path) == ("duplicate-id", "organisation_kinds[1].id")
    assert "mezi druhy organizací" in czech
