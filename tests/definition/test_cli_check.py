"""`kwflow check` and `kwflow schema`: output, exit codes, JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from kwflow.cli import main
from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from kwflow.definition import process_json_schema
from tests.support.definition import FIXTURES
from tests.support.paths import PROCESS_FILES

if TYPE_CHECKING:
    from pathlib import Path

MINIMAL = (FIXTURES / "valid_minimal.yaml").read_text(encoding="utf-8")
PROBLEM_KEYS = {
    "file",
    "line",
    "column",
    "path",
    "message",
    "severity",
    "rule",
    "expected",
    "found",
    "hint",
}
# The same in Czech (`kwflow check --lang cs`), next to the English fields.
CZECH_KEYS = {"message_cs", "expected_cs", "found_cs", "hint_cs"}
# For people: the place counted from 1 and named, the quoted line, the reference.
PEOPLE_KEYS = {"place", "place_cs", "line_text", "reference"}


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def broken() -> str:
    return MINIMAL.replace("to: closed", "to: clossed").replace("kind: professional", "kind: pro")


def test_clean_files_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "ok.yaml", MINIMAL)
    assert main(["check", str(path), str(FIXTURES / "valid_full.yaml")]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"{path}: ok" in out
    assert out.strip().endswith("2 file(s) checked, 0 with problems: 0 error(s), 0 warning(s)")


def test_problems_exit_1_with_file_line_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad.yaml", broken())
    assert main(["check", str(tmp_path)]) == EXIT_PROBLEMS
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"{path}:9:11: error: this value is not one of the allowed choices "
        "(at role 1 ('worker') → kind); "
        "expected one of family, child, support, professional, authority, independent, "
        "found 'pro'; see docs/process-format.md#role [schema]"
    )
    assert lines[-1] == "1 file(s) checked, 1 with problems: 1 error(s), 0 warning(s)"


def test_warnings_alone_exit_0_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "w.yaml", MINIMAL.replace("{cs: Uzavřít, en: Close}", "{cs: Uzavřít}"))
    assert main(["check", str(tmp_path)]) == EXIT_OK
    assert "warning: this label has no English text" in capsys.readouterr().out
    assert main(["check", "--strict", str(tmp_path)]) == EXIT_PROBLEMS


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope.yaml")]) == EXIT_USAGE
    assert "no such file or directory" in capsys.readouterr().err
    assert main(["check", str(tmp_path)]) == EXIT_USAGE
    assert "no process files" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["check", "--format", "xml"])
    assert caught.value.code == EXIT_USAGE


def test_the_default_path_is_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "processes", "p.yaml", MINIMAL)
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == EXIT_OK
    assert "processes/p.yaml: ok" in capsys.readouterr().out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "a_good.yaml", MINIMAL)
    bad = write(
        tmp_path,
        "b_bad.yaml",
        MINIMAL.replace("by: [worker]", "by: [workr]").replace("version: 1", "version: 2"),
    )
    assert main(["check", "--format", "json", str(tmp_path)]) == EXIT_PROBLEMS
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False
    assert document["summary"] == {"files": 2, "errors": 1, "warnings": 0}
    files = {entry["file"]: entry for entry in document["files"]}
    assert files[str(good)]["ok"] is True
    assert files[str(good)]["process"]["id"] == "minimal"
    assert len(files[str(good)]["process"]["content_hash"]) == 64
    assert files[str(bad)]["ok"] is False
    [problem] = document["problems"]
    assert set(problem) == PROBLEM_KEYS | CZECH_KEYS | PEOPLE_KEYS
    assert problem["rule"] == "unknown-role"
    assert (problem["file"], problem["line"], problem["column"]) == (str(bad), 23, 10)
    assert problem["hint"] == "did you mean 'worker'?"
    # The machine path stays as it was; people get the place counted from 1.
    assert problem["path"].startswith("actions[0]")
    assert problem["place"].startswith("action 1 (")
    assert problem["place_cs"].startswith("krok 1 (")


def test_json_for_an_unreadable_file_has_no_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "x.yaml", "id: [\n")
    assert main(["check", "--format", "json", str(tmp_path)]) == EXIT_PROBLEMS
    [entry] = json.loads(capsys.readouterr().out)["files"]
    assert entry["process"] is None
    assert entry["ok"] is False


def test_the_same_process_in_two_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = write(tmp_path, "a.yaml", MINIMAL)
    second = write(tmp_path, "b.yaml", MINIMAL)
    assert main(["check", str(tmp_path)]) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert (
        f"{second}:2:5: error: process 'minimal' version 1 is defined twice: here and in {first}:2"
        in out
    )


def test_the_shipped_processes_check_clean(capsys: pytest.CaptureFixture[str]) -> None:
    files = PROCESS_FILES
    if not files:
        pytest.skip("processes/ has no process files yet")
    assert main(["check", *map(str, files)]) == EXIT_OK, capsys.readouterr().out


def test_python_dash_m_kwflow_check_in_a_subprocess(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", broken())
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "kwflow", "check", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == EXIT_PROBLEMS, result.stderr
    assert json.loads(result.stdout)["summary"]["errors"] == 1
    usage = subprocess.run(
        [sys.executable, "-m", "kwflow", "check", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert usage.returncode == EXIT_USAGE


# ------------------------------------------------------------------- schema


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == process_json_schema()


def test_schema_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    assert main(["schema", "--output", str(target)]) == EXIT_OK
    assert json.loads(target.read_text(encoding="utf-8")) == process_json_schema()
    assert main(["schema", "--output", str(tmp_path / "missing" / "s.json")]) == EXIT_USAGE


def test_schema_as_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--format", "markdown"]) == EXIT_OK
    assert "| `exclusive_with` |" in capsys.readouterr().out
