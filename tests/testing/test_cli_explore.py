"""``kwflow explore``: the report, its JSON form, and the exit status."""

from __future__ import annotations

import json

import pytest

from kwflow.cli import main
from tests.support.testing import FIXTURES


def test_sound_process_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", str(FIXTURES / "sound.yaml")]) == 0
    out = capsys.readouterr().out
    assert "explored exhaustively" in out
    assert "sound: every reachable state was explored" in out


def test_problems_exit_one_with_the_trace(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", str(FIXTURES / "broken_invariant.yaml")]) == 1
    out = capsys.readouterr().out
    assert "invariant plan_before_review broken after 4 steps" in out
    assert "4. [planning] parent takes propose -> review" in out


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", str(FIXTURES / "dead_end.yaml"), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["file"].endswith("dead_end.yaml")
    assert data["exhaustive"] is True
    assert [d["phase"] for d in data["dead_ends"]] == ["meeting"]


def test_reaching_the_bound_is_not_sound(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", str(FIXTURES / "sound.yaml"), "--depth", "2"]) == 1
    out = capsys.readouterr().out
    assert "NOT exhaustive" in out
    assert "not proven" in out


def test_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", str(FIXTURES / "no_such.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_depth_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["explore", str(FIXTURES / "sound.yaml"), "--depth", "0"])
    assert exit_info.value.code == 2
    assert "at least 1" in capsys.readouterr().err


def test_a_file_that_does_not_load_exits_one(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nversion: 1\n", encoding="utf-8")
    assert main(["explore", str(broken)]) == 1
    assert "does not load" in capsys.readouterr().err
