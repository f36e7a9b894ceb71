"""``process_definitions()``: every generated process is valid, and survives its own file format."""

from __future__ import annotations

import yaml
from hypothesis import given

from kwflow.definition import Process, check_process, load_process_text
from kwflow.testing import process_definitions


@given(process_definitions())
def test_generated_processes_pass_every_static_check(process: Process) -> None:
    # Not even a warning: a generated process is what a careful author writes.
    assert check_process(process) == []


@given(process_definitions(invariants=True))
def test_generated_invariants_refer_to_what_exists(process: Process) -> None:
    assert [p for p in check_process(process) if p.severity == "error"] == []


@given(process_definitions())
def test_generated_processes_load_from_their_yaml(process: Process) -> None:
    text = yaml.safe_dump(
        process.model_dump(mode="json", by_alias=True, exclude_defaults=True),
        allow_unicode=True,
        sort_keys=False,
    )
    loaded = load_process_text(text)

    assert loaded == process
    assert loaded.content_hash == process.content_hash


def test_max_phases_is_checked() -> None:
    import pytest

    from kwflow.exceptions import InvalidValue

    with pytest.raises(InvalidValue) as caught:
        process_definitions(max_phases=0)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == "max_phases must be a whole number from 1 to 8, not 0"
    assert caught.value.render("cs") == "'max_phases' musí být celé číslo od 1 do 8, ne 0"
    # The range the message names is the one checked.
    process_definitions(max_phases=8)
    with pytest.raises(InvalidValue, match="from 1 to 8, not 9"):
        process_definitions(max_phases=9)
