"""The phase machine: one shared `transitions` machine per process, asked only for destinations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from transitions.extensions.nesting import NestedState

from kwflow.definition import Registry
from kwflow.engine._compiled import CompiledProcess, compiled
from kwflow.engine._machine import MoveRefused, PhaseMachine
from tests.support.runtime import (
    destinations_hold_from_threads,
    fixture_process,
    make_engine,
    rules_in_review,
)

if TYPE_CHECKING:
    from kwflow import Engine


def test_compiled_once_per_process_and_shared() -> None:
    process = fixture_process("rules")
    first = compiled(process)
    assert compiled(process) is first
    # an equal file loaded again shares the compiled process and its machine
    again = type(process).model_validate(process.model_dump(by_alias=True))
    assert again is not process
    assert compiled(again) is first
    assert first.key == ("rules", 1, process.content_hash)
    a = make_engine("rules")
    b = make_engine("rules")
    a.open_case("rules", by="x", case_id="one")
    b.open_case("rules", by="x", case_id="one")
    assert a._compiled_for("one", a.get_unfiltered("one").process) is b._compiled_for(
        "one", b.get_unfiltered("one").process
    )


def test_destinations() -> None:
    machine = compiled(fixture_process("rules")).machine
    assert machine.destination(("intake",), "begin") == ("work", "together")
    assert machine.destination(("work", "together"), "go_private") == ("work", "private")
    assert machine.destination(("work", "review"), "restart") == ("work", "together")
    assert machine.destination(("work", "review"), "stay_here") == ("work", "review")
    # a compound `from` stands for every sub-phase
    assert machine.destination(("work", "private"), "drop") == ("dropped",)
    assert machine.destination(("work", "review"), "finish") == ("done",)


def test_no_transitions_error_escapes() -> None:
    machine = compiled(fixture_process("rules")).machine
    with pytest.raises(MoveRefused):
        machine.destination(("intake",), "finish")
    with pytest.raises(MoveRefused):
        machine.destination(("intake",), "no_such_action")


def test_no_case_is_ever_registered_on_the_machine(rules: Engine) -> None:
    rules_in_review(rules)
    machine = compiled(fixture_process("rules")).machine._machine
    assert machine.models == []
    assert not hasattr(machine, "state")


def test_the_global_separator_is_untouched() -> None:
    PhaseMachine(fixture_process("rules"))
    assert NestedState.separator == "_"


def test_no_auto_transitions() -> None:
    machine = compiled(fixture_process("rules")).machine._machine
    assert not any(name.startswith("to_") for name in machine.events)
    assert set(machine.events) == {
        action.id for action in fixture_process("rules").actions if action.to is not None
    }


def test_machine_is_safe_from_many_threads() -> None:
    machine = compiled(fixture_process("rules")).machine
    pairs = [
        (("intake",), "begin", ("work", "together")),
        (("work", "together"), "go_private", ("work", "private")),
        (("work", "review"), "restart", ("work", "together")),
        (("work", "private"), "back", ("work", "review")),
    ] * 50
    assert destinations_hold_from_threads(machine, pairs)


def test_an_engine_compiles_its_registry_up_front() -> None:
    registry = Registry.shipped()
    from kwflow import Engine

    Engine(registry)
    for process in registry:
        assert isinstance(compiled(process), CompiledProcess)


def test_a_process_that_fails_the_checks_is_refused() -> None:
    from kwflow.exceptions import DefinitionError

    process = fixture_process("rules")
    broken = type(process).model_validate(
        {**process.model_dump(by_alias=True), "opener": "nobody", "version": 99}
    )
    with pytest.raises(DefinitionError):
        compiled(broken)
