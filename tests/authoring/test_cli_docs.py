"""docs/cli.md describes every subcommand and every option the parser has."""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

import pytest

from kwflow.cli._main import SUBCOMMANDS, build_parser
from tests.support.paths import ROOT

if TYPE_CHECKING:
    from pathlib import Path

CLI_PAGE = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def section(name: str) -> str:
    """The text of ``## `kwflow NAME` `` up to the next second-level heading."""
    match = re.search(rf"^## `kwflow {name}`\n(.*?)(?=^## |\Z)", CLI_PAGE, re.MULTILINE | re.DOTALL)
    assert match, f"docs/cli.md has no section for kwflow {name}"
    return match.group(1)


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_every_option_is_documented(name: str) -> None:
    text = section(name)
    parser = subparsers()[name]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        names = action.option_strings or [str(action.metavar or action.dest)]
        for option in names:
            assert f"`{option}" in text, f"kwflow {name}: {option} is not in docs/cli.md"
        for choice in action.choices or ():
            assert str(choice) in text, f"kwflow {name}: {names[0]} {choice} is not documented"


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_every_subcommand_shows_its_usage(name: str) -> None:
    assert f"kwflow {name}" in section(name)


def test_the_scenario_example_runs(tmp_path: Path) -> None:
    from kwflow.authoring import format_timeline, load_scenario, run_scenario

    (example,) = re.findall(r"^```yaml\n(.*?)^```", section("simulate"), re.MULTILINE | re.DOTALL)
    # The example sits in processes/scenarios/ as far as its path is concerned.
    scenarios = tmp_path / "processes" / "scenarios"
    scenarios.mkdir(parents=True)
    (tmp_path / "processes" / "case_conference.yaml").write_bytes(
        (ROOT / "processes" / "case_conference.yaml").read_bytes()
    )
    path = scenarios / "example.yaml"
    path.write_text(example, encoding="utf-8")
    result = run_scenario(load_scenario(path), lang="en")
    assert result.ok, format_timeline(result, lang="en")
