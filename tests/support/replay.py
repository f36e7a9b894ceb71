"""Replaying an explorer trace on the real engine, step by step, with every check.

The explorer works on abstract states; this turns each of its steps into the
command a host would send (fresh people for new assignments, a version of a
document that meets exactly the conditions the step says) and runs the
stateful test's checks after each one. It is how the suite shows that the
explorer's traces are real.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kwflow import Act, Assign, CallIn, Dismiss, Submit, Unassign
from kwflow.testing import ProcessMachine
from kwflow.testing._conditions import artifact_classes, concrete, process_conditions

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kwflow import Command
    from kwflow.definition import Process
    from kwflow.engine import Case
    from kwflow.testing import Step


class Replay:
    """One case of ``process`` on a real engine, driven by explorer steps."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.machine = ProcessMachine()
        self.machine.start(process, "p0", ending=0)
        self.people = 0
        self.opening = self.machine.check()

    @property
    def case(self) -> Case:
        return self.machine.case

    def _new_person(self) -> str:
        self.people += 1
        return f"p{self.people}"

    def _holder(self, role: str, also: str = "", *, without: str = "") -> str:
        """Someone holding ``role`` (and ``also``, if given; not ``without``)."""
        case = self.case
        for person in case.people_in(role):
            held = case.roles_of(person)
            if also and also not in held:
                continue
            if without and without in held:
                continue
            return person
        raise AssertionError(f"nobody holds {role!r}{f' and {also!r}' if also else ''}")

    def _data(self, artifact_id: str, version: str) -> Any:
        artifact = self.process.artifact(artifact_id)
        assert artifact is not None
        classes = artifact_classes(artifact, process_conditions(self.process).get(artifact_id, []))
        kind = next(c for c in classes.classes if c.description == version)
        participants = {p: tuple(r) for p, r in self.case.participants.items()}
        data = concrete(dict(kind.data), participants)
        assert data is not None, f"nobody can be named in {artifact_id} [{version}]"
        return data

    def step(self, step: Step) -> list[str]:
        """Carry out one explorer step (it must succeed); the invariants it broke."""
        case_id, machine = self.machine.case_id, self.machine
        by = self._holder(step.role, step.also)
        command: Command
        if step.kind == "assign":
            person = (
                self._holder(step.holder, without=step.target)
                if step.holder
                else self._new_person()
            )
            command = Assign(case_id=case_id, person=person, role=step.target, by=by)
        elif step.kind == "unassign":
            holders = self.case.people_in(step.target)
            # The last one assigned goes, never someone also holding a second role.
            single = [p for p in holders if len(self.case.roles_of(p)) == 1] or list(holders)
            command = Unassign(case_id=case_id, person=single[-1], role=step.target, by=by)
        elif step.kind == "submit":
            data = self._data(step.target, step.version)
            command = Submit(case_id=case_id, artifact=step.target, data=data, by=by)
        elif step.kind == "act":
            action = self.process.action(step.target)
            assert action is not None
            payload = self._data(action.records, step.version) if action.records else None
            command = Act(case_id=case_id, action=step.target, by=by, data=payload)
        elif step.kind == "call_in":
            command = CallIn(case_id=case_id, role=step.target, by=by)
        else:
            assert step.kind == "dismiss", step
            command = Dismiss(case_id=case_id, role=step.target, by=by)
        machine._send(command, must_succeed=True)
        return machine.check()

    def run(self, trace: Sequence[Step]) -> list[list[str]]:
        """Carry out a whole trace (its first step opens the case): what each step broke."""
        assert trace[0].kind == "open"
        return [self.opening, *(self.step(step) for step in trace[1:])]


def broken_ids(messages: Sequence[str]) -> set[str]:
    """The invariant ids in ``check()`` messages."""
    return {message.split()[1] for message in messages}
