"""The registry: versions side by side, all-or-nothing loading, entry points."""

from __future__ import annotations

import shutil
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from kwflow.definition import (
    ENTRY_POINT_GROUP,
    Registry,
    load_process,
    load_process_text,
    problem_text,
    shipped_process_paths,
    shipped_processes_dir,
)
from kwflow.exceptions import DefinitionError, ProcessNotFound
from tests.support.definition import FIXTURES
from tests.support.paths import PREVIOUS_PROCESS_FILES, PROCESS_FILES, PROCESSES

MINIMAL = (FIXTURES / "valid_minimal.yaml").read_text(encoding="utf-8")


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def version(n: int) -> str:
    return MINIMAL.replace("version: 1", f"version: {n}")


def test_versions_coexist_and_get_returns_the_highest(tmp_path: Path) -> None:
    write(tmp_path, "v1.yaml", version(1))
    write(tmp_path, "v3.yml", version(3))
    write(tmp_path, "v2.yaml", version(2))
    write(tmp_path, "notes.txt", "not a process")
    registry = Registry.from_paths(tmp_path)
    assert registry.versions("minimal") == (1, 2, 3)
    assert registry.get("minimal").version == 3
    assert registry.get("minimal", 1).version == 1
    assert [p.key for p in registry] == [("minimal", 1), ("minimal", 2), ("minimal", 3)]
    assert len(registry) == 3
    assert "minimal" in registry
    assert ("minimal", 2) in registry
    assert ("minimal", 9) not in registry
    assert registry.ids() == ("minimal",)
    assert registry.source("minimal", 2) == str(tmp_path / "v2.yaml")
    assert repr(registry) == "Registry(minimal v1, minimal v2, minimal v3)"


def test_an_unknown_process_or_version_is_not_found() -> None:
    registry = Registry()
    registry.add(load_process_text(MINIMAL))
    with pytest.raises(ProcessNotFound) as caught:
        registry.get("nothing")
    assert isinstance(caught.value, LookupError)
    assert caught.value.process_id == "nothing"
    with pytest.raises(ProcessNotFound, match="minimal version 7"):
        registry.get("minimal", 7)
    with pytest.raises(ProcessNotFound):
        registry.source("minimal", 7)
    assert registry.versions("nothing") == ()


def test_a_duplicate_names_both_files_and_adds_nothing(tmp_path: Path) -> None:
    first = write(tmp_path / "a", "one.yaml", MINIMAL)
    second = write(tmp_path / "b", "two.yaml", "# same again\n" + MINIMAL)
    write(tmp_path / "b", "other.yaml", version(5))
    registry = Registry()
    with pytest.raises(DefinitionError) as caught:
        registry.load_paths([tmp_path / "a", tmp_path / "b"])
    [problem] = caught.value.problems
    assert problem.rule == "duplicate-process"
    assert problem.file == str(second)
    assert (problem.line, problem.column) == (3, 5)
    assert str(first) in problem.message
    assert str(first) in str(caught.value)
    assert str(second) in str(caught.value)
    assert len(registry) == 0, "nothing is added when anything fails"
    czech = problem_text(problem, "cs")
    assert f"je definován dvakrát: zde a v {first}:2" in czech
    assert "novějšímu souboru zvyšte verzi" in czech


def test_a_duplicate_of_an_already_registered_process(tmp_path: Path) -> None:
    registry = Registry.from_paths(write(tmp_path, "one.yaml", MINIMAL))
    second = write(tmp_path, "again.yaml", MINIMAL)
    with pytest.raises(DefinitionError) as caught:
        registry.load_path(second)
    assert str(tmp_path / "one.yaml") in caught.value.problems[0].message
    with pytest.raises(DefinitionError, match="defined twice"):
        registry.add(load_process_text(MINIMAL))
    registry.add(load_process_text(version(2)), source="in code")
    assert registry.source("minimal", 2) == "in code"


def test_one_file_named_twice_is_loaded_once(tmp_path: Path) -> None:
    path = write(tmp_path, "one.yaml", MINIMAL)
    registry = Registry.from_paths(tmp_path, path, tmp_path / "." / "one.yaml")
    assert len(registry) == 1


def test_problems_of_every_file_come_together(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", MINIMAL)
    write(tmp_path, "bad_yaml.yaml", "id: [\n")
    write(tmp_path, "bad_check.yaml", version(2).replace("to: closed", "to: close"))
    registry = Registry()
    with pytest.raises(DefinitionError) as caught:
        registry.load_path(tmp_path)
    files = {Path(p.file).name for p in caught.value.problems}
    assert files == {"bad_yaml.yaml", "bad_check.yaml"}
    assert len(registry) == 0
    # Without the checks the broken reference loads.
    loose = Registry()
    with pytest.raises(DefinitionError):
        loose.load_path(tmp_path, check=False)
    (tmp_path / "bad_yaml.yaml").unlink()
    assert len(loose.load_path(tmp_path, check=False)) == 2


def test_a_missing_path_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        Registry.from_paths(tmp_path / "nowhere")
    [problem] = caught.value.problems
    assert problem.rule == "file"
    assert "nowhere" in problem.message


def test_shipped_processes_dir_in_a_checkout() -> None:
    assert shipped_processes_dir() == PROCESSES.resolve()


def test_the_shipped_registry_holds_every_shipped_file() -> None:
    registry = Registry.shipped()
    assert len(registry) == len(PROCESS_FILES) + len(PREVIOUS_PROCESS_FILES)
    for path in [*PROCESS_FILES, *PREVIOUS_PROCESS_FILES]:
        process = load_process(path)
        assert registry.get(process.id, process.version) == process


def test_the_shipped_registry_keeps_version_1_and_gives_the_newest_by_default() -> None:
    registry = Registry.shipped()
    for process_id in ("family_conference", "case_conference"):
        assert registry.versions(process_id) == (1, 2)
        assert registry.get(process_id).version == 2
        assert registry.source(process_id, 1) == str(
            PROCESSES / "previous" / f"{process_id}.v1.yaml"
        )


def test_shipped_process_paths_are_the_newest_then_the_previous_versions() -> None:
    assert shipped_process_paths() == [PROCESSES.resolve(), PROCESSES.resolve() / "previous"]


def test_kwflow_declares_its_own_entry_point() -> None:
    [point] = [p for p in entry_points(group=ENTRY_POINT_GROUP) if p.name == "shipped"]
    assert point.load() is shipped_process_paths


def test_from_entry_points_loads_kwflows_own_processes() -> None:
    registry = Registry.from_entry_points()
    assert [p.key for p in registry] == [p.key for p in Registry.shipped()]


# ------------------------------------------- a real distribution on sys.path


def install_distribution(
    root: Path, monkeypatch: pytest.MonkeyPatch, group: str, providers: dict[str, str]
) -> None:
    """Put a small real distribution (dist-info + module) on sys.path."""
    package = root / "kwflow_test_provider"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            from pathlib import Path

            HERE = Path(__file__).parent

            def one_dir():
                return HERE / "processes"

            def several():
                return [str(HERE / "more" / "v2.yaml"), HERE / "more" / "v3.yaml"]

            def broken():
                raise RuntimeError("no processes today")

            def odd():
                return 42

            def duplicate():
                return HERE / "copy"
            """
        ),
        encoding="utf-8",
    )
    write(package / "processes", "minimal.yaml", MINIMAL)
    write(package / "copy", "minimal.yaml", MINIMAL)
    write(package / "more", "v2.yaml", version(2))
    write(package / "more", "v3.yaml", version(3))
    info = root / "kwflow_test_provider-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kwflow-test-provider\nVersion: 1.0\n", encoding="utf-8"
    )
    lines = [f"[{group}]"] + [
        f"{name} = kwflow_test_provider:{func}" for name, func in providers.items()
    ]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(root))


GROUP = "kwflow_tests.processes"


def test_entry_points_of_a_real_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_distribution(tmp_path, monkeypatch, GROUP, {"a": "one_dir", "b": "several"})
    registry = Registry.from_entry_points(GROUP)
    assert registry.versions("minimal") == (1, 2, 3)


def test_failing_entry_points_are_reported_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_distribution(
        tmp_path,
        monkeypatch,
        GROUP,
        {"a": "one_dir", "b": "broken", "c": "odd", "d": "duplicate", "e": "missing"},
    )
    with pytest.raises(DefinitionError) as caught:
        Registry.from_entry_points(GROUP)
    messages = [p.message for p in caught.value.problems]
    assert any("no processes today" in m for m in messages)
    assert any("returned 42" in m for m in messages)
    assert any("missing" in p.file and "failed" in p.message for p in caught.value.problems)
    assert any("defined twice" in m for m in messages)


def test_a_copy_of_a_shipped_file_is_a_duplicate(tmp_path: Path) -> None:
    files = PROCESS_FILES
    if not files:
        pytest.skip("processes/ has no process files yet")
    shutil.copy(files[0], tmp_path / files[0].name)
    with pytest.raises(DefinitionError) as caught:
        Registry.from_paths(PROCESSES, tmp_path)
    [problem] = caught.value.problems
    assert (
        str(files[0].relative_to(PROCESSES.parent)) in problem.message
        or str(files[0]) in problem.message
    )
