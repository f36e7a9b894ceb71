"""``process_state_machine(process)``: a ready hypothesis state machine for any process.

Each run opens one case on a real :class:`~kwflow.Engine` with a simulated
clock and sends it commands: assignments, valid and invalid artifacts,
actions that are allowed and actions that are not, calling in and
dismissing, time passing. Rules steer toward progress (taking allowed
actions, and removing what blocks one) so that deep phases are reached.

After every step the case is checked against the rules of
``docs/concepts.md``, independently of how the engine implements them:

- the case is in a leaf phase of the process, with the right path;
- a refused command changed nothing (the case and its history are as before);
- replaying the history, and a JSON round trip, give the live case;
- the history's hash chain verifies;
- an outcome, once reached, never changes and nothing more happens;
- no deadline falls due before its anchor (after it, for ``before``
  deadlines), and none stays pending past its due time once the engine was
  told the time;
- reading the history event by event: every step was taken by someone
  holding a role that permits it and present in the phase (or called in),
  in a phase where it may be taken, and each action led to the phase the
  process says;
- the process's declared invariants hold.
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs
from hypothesis import currently_in_test_context, note
from hypothesis import strategies as st
from hypothesis.control import current_build_context
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kwflow.authoring import describe_command
from kwflow.definition import Quantifier, Registry
from kwflow.engine import (
    SYSTEM_ACTOR,
    Act,
    Assign,
    CallIn,
    Case,
    CheckDeadlines,
    Command,
    Dismiss,
    Engine,
    Organisation,
    ReasonCode,
    Replace,
    SimulatedClock,
    Submit,
    Unassign,
    fold,
)
from kwflow.exceptions import ActionNotAllowed, ArtifactInvalid, KwflowError
from kwflow.history import verify_history
from kwflow.store import MemoryStore

from ._commands import AdvanceClock, Input, commands
from ._conditions import artifact_classes, concrete, process_conditions
from ._coverage import ProcessCoverage, stateful_coverage
from ._history import KINDS, InvariantViolation, observation, read_events
from ._invariants import RECORD_KINDS, InvariantMonitor, Observation
from ._organisations import (
    chosen_kinds,
    fitting_organisations,
    organisation_of,
    organisation_refusals,
    organisations,
)
from ._phases import shape_of
from ._strategies import (
    InvalidArtifactData,
    artifact_data,
    fillable,
    invalid_artifact_data,
    people,
)
from ._transcript import DONE, REFUSED, SHOULD_BE_DONE, SHOULD_BE_REFUSED, Sent, Transcript

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping, Sequence

    from kwflow.definition import Action, Artifact, Process
    from kwflow.engine import ActionOption, GuardContext, Reason
    from kwflow.history import Event
    from kwflow.store import CaseStore

__all__ = ["START", "CaseInvariant", "ProcessMachine", "process_state_machine"]


def _holders(case: Case, roles: Sequence[str]) -> list[str]:
    """The people holding one of ``roles`` in ``case``, role by role, each once."""
    found: dict[str, None] = {}
    for role in roles:
        for person in case.roles.get(role, ()):
            found.setdefault(person, None)
    return list(found)


START = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
"""When every simulated case opens: a Monday, two days before a Czech public holiday."""

ENDING_WEIGHTS = (0, 0, 0, 1, 2)
"""How readily a run's progress rules end the case: most runs never choose to."""

_JUMPS = (
    timedelta(minutes=31),
    timedelta(hours=2, minutes=1),
    timedelta(days=1),
    timedelta(days=6),
    timedelta(days=22),
    timedelta(days=32),
    timedelta(days=190),
)


_ORGANISATION_CODES = frozenset(
    code.value
    for code in (
        ReasonCode.ORGANISATION_MISSING,
        ReasonCode.ORGANISATION_KIND_NOT_ALLOWED,
        ReasonCode.ORGANISATION_KIND_FORBIDDEN,
        ReasonCode.SAME_ORGANISATION,
        ReasonCode.UNKNOWN_ORGANISATION_KIND,
        ReasonCode.ORGANISATION_CHANGED,
        ReasonCode.NOT_ASSIGNABLE_IN_PHASE,
    )
)
"""The reason codes of the rules `organisation_refusals` reads on its own."""


class ProcessMachine(RuleBasedStateMachine):
    """The rules and checks of :func:`process_state_machine`, for one case of one process.

    A subclass opens the case in its ``initialize`` rule by calling
    :meth:`start`; everything else works from ``self.process``.
    """

    host_guards: Mapping[str, Callable[[GuardContext], bool | str]] | None = None
    extra_invariants: Sequence[CaseInvariant] = ()
    """Invariants of the test's own, checked on the case after every step."""
    process_file: str | None = None
    """The process file's path, for the scenario file a failing run prints."""
    record_coverage: bool = True
    """Whether runs count towards `stateful_coverage` (off for throwaway processes)."""
    store_factory: Callable[[], CaseStore] = MemoryStore
    """Makes the store of each run: in memory by default, never the host's real database."""

    def __init__(self) -> None:
        super().__init__()
        self.started = False
        self.refusal: KwflowError | None = None  # how the last command sent was refused

    # ------------------------------------------------------------ set-up

    def start(
        self,
        process: Process,
        opener: str,
        *,
        ending: int = 1,
        organisation: Organisation | None = None,
    ) -> None:
        """Build an engine for ``process`` and open the case, ``opener`` opening it.

        ``ending`` weighs how readily the progress rules pursue an action
        that ends the case (0: never; moving on weighs 6): runs that never
        end early are the ones that reach deep phases. ``organisation`` is
        the opener's; left out, an organisation of their own of a kind the
        opener role's rules allow (none when the process declares no kinds).
        """
        self.process = process
        self.ending = ending
        self.shape = shape_of(process)
        self.monitor = InvariantMonitor(process)
        self.memory = self.monitor.start
        self.clock = SimulatedClock(START)
        names = {g.id for g in process.guards} | {
            g for a in process.actions for g in a.requires.guards
        }
        # Guards the host did not give are switches the rules flip, so both
        # a passing and a refusing guard are tried.
        self.guard_open = dict.fromkeys(sorted(names), True)
        guards: dict[str, Callable[[GuardContext], bool | str]] = {
            name: self._switch(name) for name in self.guard_open
        }
        if self.host_guards is not None:
            guards.update(self.host_guards)
            for name in self.host_guards:
                self.guard_open.pop(name, None)
        registry = Registry()
        registry.add(process)
        self.store = type(self).store_factory()
        self.engine = Engine(registry, store=self.store, clock=self.clock, guards=guards)
        if organisation is None:
            organisation = organisation_of(opener, chosen_kinds(process).get(process.opener))
        case = self.engine.open_case(
            process.id, by=opener, version=process.version, organisation=organisation
        )
        self.case_id = case.id
        self.seen = 0  # events of the history already read by the checks
        self.folded: Case | None = None  # the case after those events
        self.closed: Case | None = None
        self.transcript = Transcript(process, case.id, opener, case.opened_at)
        # Only runs hypothesis makes count: a trace replayed by hand is no sample.
        self.coverage: ProcessCoverage | None = None
        if self.record_coverage and currently_in_test_context():
            self.coverage = stateful_coverage().of(process)
            self.coverage.runs += 1
            self.coverage.saw(case)
        self.started = True
        _note(f"opened {process.id} by {opener!r}")

    def _switch(self, name: str) -> Callable[[GuardContext], bool | str]:
        def guard(_: GuardContext) -> bool | str:
            return True if self.guard_open.get(name, True) else f"switched off by the test ({name})"

        return guard

    # ------------------------------------------------------------ helpers

    @property
    def case(self) -> Case:
        return self.engine.get_unfiltered(self.case_id)

    def _present(self, case: Case) -> frozenset[str]:
        return self.shape.present(case.phase.id) | frozenset(case.called_in)

    def _people_acting(self, case: Case, roles: Sequence[str]) -> list[str]:
        """Participants who may act through one of ``roles`` now (they hold it, it is present)."""
        present = self._present(case)
        return sorted(
            person for person, held in case.participants.items() if set(held) & set(roles) & present
        )

    def _anyone(self, case: Case) -> st.SearchStrategy[str]:
        """A participant, mostly; now and then someone from outside the case."""
        if not case.participants:
            return people()
        return st.sampled_from(sorted(case.participants)) | people()

    def _participants(self, case: Case) -> dict[str, tuple[str, ...]]:
        return {person: tuple(held) for person, held in case.participants.items()}

    def _send(
        self,
        command: Command,
        *,
        must_succeed: bool = False,
        refused_with: type[KwflowError] | None = None,
    ) -> bool:
        """Execute ``command``; a refusal must change nothing. Returns whether it was done."""
        what = self._describe(command)
        before = self.engine.get_unfiltered(self.case_id)
        history = self.engine.history_unfiltered(self.case_id)
        at = self.clock.now()
        self.refusal = None
        try:
            self.engine.execute(command)
        except KwflowError as exc:
            self.refusal = exc
            self._write_down(at, command, SHOULD_BE_DONE if must_succeed else REFUSED, str(exc))
            assert self.engine.get_unfiltered(self.case_id) == before, (
                f"refused {what} changed the case"
            )
            assert self.engine.history_unfiltered(self.case_id) == history, (
                f"refused {what} changed the history"
            )
            if must_succeed:
                raise AssertionError(f"{what} should have been carried out: {exc}") from exc
            if refused_with is not None and not isinstance(exc, refused_with):
                raise AssertionError(
                    f"{what} was refused with {type(exc).__name__}, expected "
                    f"{refused_with.__name__}: {exc}"
                ) from exc
            _note(f"refused: {what}: {exc}")
            return False
        if refused_with is not None:
            self._write_down(at, command, SHOULD_BE_REFUSED, refusal=refused_with.__name__)
            raise AssertionError(f"{what} should have been refused with {refused_with.__name__}")
        self._write_down(at, command, DONE)
        _note(f"done: {what}")
        return True

    def _write_down(
        self, at: datetime, command: Command, result: str, reason: str = "", refusal: str = ""
    ) -> None:
        """Add a command sent to this run's transcript, with the case's phase after it."""
        case = self.case
        self.transcript.add(Sent(at, command, result, case.phase.id, case.outcome, reason, refusal))

    def _describe(self, command: Command) -> str:
        by = getattr(command, "by", SYSTEM_ACTOR)
        return f"{by!r}: {describe_command(self.process, command, lang='en')}"

    def _options(self, case: Case) -> list[tuple[str, ActionOption]]:
        """(person, option) for every participant and every action of the current phase."""
        return [
            (person, option)
            for person in sorted(case.participants)
            for option in self.engine.available_actions(self.case_id, person)
        ]

    def _artifact_ids(self) -> list[str]:
        return [artifact.id for artifact in self.process.artifacts]

    def _artifact(self, artifact_id: str) -> Artifact:
        artifact = self.process.artifact(artifact_id)
        assert artifact is not None, f"the process has no artifact {artifact_id!r}"
        return artifact

    def _readable_input(self, drawn: Input) -> _Readable:
        if isinstance(drawn, AdvanceClock):
            return _Readable(drawn, f"time passes: {drawn.delta}")
        return _Readable(drawn, self._describe(drawn))

    def _action(self, action_id: str | None) -> Action:
        action = self.process.action(action_id or "")
        assert action is not None, f"the process has no action {action_id!r}"
        return action

    def _ends(self, action_id: str) -> bool:
        action = self.process.action(action_id)
        if action is None or action.to is None:
            return False
        return self.shape.outcome(self.shape.entry_leaf(action.to)) is not None

    def _data_for(self, data: st.DataObject, artifact_id: str, case: Case) -> Any:
        participants = self._participants(case)
        if not fillable(self.process, artifact_id, participants):
            return None
        return data.draw(artifact_data(self.process, artifact_id, participants=participants))

    # ------------------------------------------------------------ rules

    # Progress has four rules of its own, so that about a third of all steps
    # push the case on and deep phases are reached within a run.

    @rule(data=st.data())
    def progress(self, data: st.DataObject) -> None:
        """Pursue an action of the current phase: take it if allowed, else remove a blocker."""
        self._progress(data)

    @rule(data=st.data())
    def progress_again(self, data: st.DataObject) -> None:
        """The same as ``progress`` (a second rule, to weight progress)."""
        self._progress(data)

    @rule(data=st.data())
    def progress_more(self, data: st.DataObject) -> None:
        """The same as ``progress`` (a third rule, to weight progress)."""
        self._progress(data)

    @rule(data=st.data())
    def progress_still(self, data: st.DataObject) -> None:
        """The same as ``progress`` (a fourth rule, to weight progress)."""
        self._progress(data)

    def _progress(self, data: st.DataObject) -> None:
        case = self.case
        if case.closed:
            return
        options = self._options(case)
        by_action: dict[str, list[tuple[str, ActionOption]]] = {}
        for person, option in options:
            by_action.setdefault(option.action, []).append((person, option))
        if not by_action:
            self._bring_in(data, case)
            return
        # Moving on is likelier than staying, and ending the case likelier
        # still never, so that cases live long enough to reach deep phases.
        weighted = [
            action_id
            for action_id, pairs in sorted(by_action.items())
            for _ in range(
                self.ending if self._ends(action_id) else 2 if pairs[0][1].to is None else 6
            )
        ]
        if not weighted:
            return
        target = data.draw(st.sampled_from(weighted))
        allowed = {p: o for p, o in by_action[target] if o.allowed}
        if allowed:
            # Draw the person's id, not the option: hypothesis prints what is drawn.
            person = data.draw(st.sampled_from(sorted(allowed)), label=f"who takes {target}")
            self._take(data, case, person, allowed[person])
            return
        self._unblock(data, case, target, by_action[target])

    def _take(self, data: st.DataObject, case: Case, person: str, option: ActionOption) -> None:
        payload = None
        if option.records is not None:
            payload = self._data_for(data, option.records, case)
            if payload is None:
                return
        self._send(
            Act(case_id=self.case_id, action=option.action, by=person, data=payload),
            must_succeed=True,
        )

    def _unblock(
        self,
        data: st.DataObject,
        case: Case,
        action_id: str,
        options: Sequence[tuple[str, ActionOption]],
    ) -> None:
        """Remove the reasons ``action_id`` is refused, for the participant closest to taking it.

        Each fix is one command, checked like any other; a fix that is
        refused (someone who may assign is absent) leaves the reason for later.
        """
        action = self.process.action(action_id)
        assert action is not None

        def distance(pair: tuple[str, ActionOption]) -> tuple[int, int, str]:
            permission = sum(r.code.permission for r in pair[1].reasons)
            return (permission, len(pair[1].reasons), pair[0])

        _, option = min(options, key=distance)
        fixable = [
            r
            for r in option.reasons
            if r.code not in (ReasonCode.CLOSED, ReasonCode.WRONG_PHASE, ReasonCode.ALREADY_TAKEN)
        ]
        # Permission first: once someone suitable is present, the rest follows.
        for reason in sorted(fixable, key=lambda r: not r.code.permission):
            self._fix(data, case, action, reason)
            case = self.case

    def _fix(self, data: st.DataObject, case: Case, action: Action, reason: Reason) -> None:
        code = reason.code
        unheld = (ReasonCode.ROLE_NOT_ASSIGNED, ReasonCode.ORGANISATION_REQUIREMENT_UNHELD)
        if code in unheld and reason.role is not None:
            self._assign(data, case, data.draw(people()), reason.role)
        elif code is ReasonCode.LACKS_ROLE:
            # Nobody suitable takes part yet: bring in someone holding a role
            # that may take the action, present if possible.
            present = self._present(case) | self.shape.on_call(case.phase.id)
            roles = [r for r in action.by if r in present] or list(action.by)
            self._assign(data, case, data.draw(people()), data.draw(st.sampled_from(roles)))
        elif code is ReasonCode.NOT_PRESENT and reason.role in self.shape.on_call(case.phase.id):
            self._call_in(data, case, reason.role)
        elif code in (ReasonCode.MISSING_ARTIFACT, ReasonCode.FIELD_CONDITION):
            assert reason.artifact is not None
            self._meet(data, case, action, reason.artifact)
        elif code is ReasonCode.GUARD_REFUSED and reason.guard in self.guard_open:
            self.guard_open[reason.guard] = True
            _note(f"guard {reason.guard} switched on")

    def _bring_in(self, data: st.DataObject, case: Case) -> None:
        """No action here at all (a phase with none): assign someone, so that others can act."""
        roles = sorted(self.shape.present(case.phase.id))
        if roles:
            self._assign(data, case, data.draw(people()), data.draw(st.sampled_from(roles)))

    def _assign(self, data: st.DataObject, case: Case, person: str, role: str) -> None:
        definition = self.process.role(role)
        if definition is None:
            return
        assigners = self._people_acting(case, definition.assigned_by)
        if not assigners:
            return
        by = data.draw(st.sampled_from(assigners))
        # Someone in the case keeps their organisation; a newcomer brings one that fits.
        organisation = None
        if person not in case.organisations:
            organisation = data.draw(fitting_organisations(self.process, role))
        self._send_judged(
            Assign(
                case_id=self.case_id, person=person, role=role, by=by, organisation=organisation
            ),
            case,
        )

    def _send_judged(self, command: Assign | Replace, case: Case) -> None:
        """Send an assignment or a handover, and compare its fate with `organisation_refusals`.

        The test tools read the organisation rules on their own: when the
        engine decided the command (it was done, or refused for reasons of
        the case rather than of who asked), both readings agree on which
        rules refuse it.
        """
        if isinstance(command, Assign):
            person, leaving, assigning = command.person, None, True
        else:
            person, leaving, assigning = command.successor, command.person, False
        expected = organisation_refusals(
            self.process,
            case,
            person,
            command.role,
            command.organisation,
            leaving=leaving,
            assigning=assigning,
        )
        done = self._send(command)
        refusal = self.refusal
        if done:
            assert not expected, f"{self._describe(command)} was done, but {sorted(expected)}"
        elif isinstance(refusal, ActionNotAllowed) and self.process.role(command.role):
            found = {r.code.value for r in refusal.reasons} & _ORGANISATION_CODES
            # A closed case, or a role nobody may hand over, is refused before the rules are read.
            early = {ReasonCode.CLOSED, ReasonCode.NOT_REPLACEABLE}
            if not any(r.code in early for r in refusal.reasons):
                assert found == expected, (
                    f"{self._describe(command)}: the engine refused for {sorted(found)}, "
                    f"the rules say {sorted(expected)}"
                )

    def _meet(self, data: st.DataObject, case: Case, action: Action, artifact_id: str) -> None:
        """Submit a version of ``artifact_id`` that meets ``action``'s conditions on it."""
        artifact = self.process.artifact(artifact_id)
        if artifact is None:
            return
        writable = self.shape.writable(case.phase.id)
        if writable is not None and artifact_id not in writable:
            return
        writers = self._people_acting(case, artifact.write)
        if not writers:
            return
        classes = artifact_classes(artifact, process_conditions(self.process).get(artifact_id, []))
        wanted = frozenset(range(len(classes.classes)))
        for condition in action.requires.fields:
            if condition.artifact == artifact_id and condition in classes.conditions:
                holding = classes.holding(condition)
                if artifact.per_person and condition.for_ is Quantifier.NONE:
                    # Every copy alike and none meeting it: each copy misses it.
                    holding = frozenset(range(len(classes.classes))) - holding
                wanted &= holding
        if not wanted:
            return
        versions = {classes.classes[i].description: classes.classes[i] for i in sorted(wanted)}
        kind = versions[data.draw(st.sampled_from(sorted(versions)), label=f"{artifact_id} as")]
        values = concrete(dict(kind.data), self._participants(case))
        if values is None:
            return
        by = data.draw(st.sampled_from(writers))
        # Data meeting ``action``'s conditions on the artifact: of a per-person
        # artifact, a copy of it about every holder of its roles.
        about: list[str | None] = [None]
        if artifact.per_person:
            about = list(_holders(case, artifact.per_person))
        for person in about:
            command = Submit(
                case_id=self.case_id, artifact=artifact_id, data=values, by=by, about=person
            )
            self._send(command)

    def _call_in(self, data: st.DataObject, case: Case, role: str) -> None:
        callers = self._people_acting(case, sorted(self._present(case)))
        if not callers:
            return
        by = data.draw(st.sampled_from(callers))
        self._send(CallIn(case_id=self.case_id, role=role, by=by))

    @rule(data=st.data())
    def assign(self, data: st.DataObject) -> None:
        """Someone (usually allowed to) assigns a new or existing person a role."""
        case = self.case
        role = data.draw(st.sampled_from([r.id for r in self.process.roles]))
        person = data.draw(people() | st.sampled_from(sorted(case.participants)))
        definition = self.process.role(role)
        assert definition is not None
        assigners = self._people_acting(case, definition.assigned_by)
        by = data.draw(st.sampled_from(assigners) if assigners else people())
        organisation = data.draw(
            organisations(self.process) | fitting_organisations(self.process, role)
        )
        command = Assign(
            case_id=self.case_id, person=person, role=role, by=by, organisation=organisation
        )
        self._send_judged(command, case)

    @rule(data=st.data())
    def unassign(self, data: st.DataObject) -> None:
        """Someone takes a role away from a participant."""
        case = self.case
        held = [(person, role) for person, roles in case.participants.items() for role in roles]
        if not held:
            return
        person, role = data.draw(st.sampled_from(sorted(held)))
        definition = self.process.role(role)
        assert definition is not None
        assigners = self._people_acting(case, definition.assigned_by)
        by = data.draw(st.sampled_from(assigners) if assigners else st.sampled_from([person]))
        self._send(Unassign(case_id=self.case_id, person=person, role=role, by=by))

    @rule(data=st.data())
    def replace(self, data: st.DataObject) -> None:
        """Someone (usually allowed to) hands a participant's role over to another person."""
        case = self.case
        held = [(person, role) for person, roles in case.participants.items() for role in roles]
        if not held:
            return
        person, role = data.draw(st.sampled_from(sorted(held)))
        definition = self.process.role(role)
        assert definition is not None
        successor = data.draw(people() | st.sampled_from(sorted(case.participants)))
        replacers = self._people_acting(case, definition.replaced_by)
        by = data.draw(st.sampled_from(replacers) if replacers else st.sampled_from([person]))
        command = Replace(
            case_id=self.case_id,
            role=role,
            person=person,
            successor=successor,
            by=by,
            reason="předání v průběhu případu",
            organisation=data.draw(
                organisations(self.process) | fitting_organisations(self.process, role)
            ),
        )
        self._send_judged(command, case)

    @rule(data=st.data())
    def submit(self, data: st.DataObject) -> None:
        """A writer submits valid data: kept whenever they are present and the phase allows it."""
        if not self.process.artifacts:
            return
        case = self.case
        artifact = self._artifact(data.draw(st.sampled_from(self._artifact_ids())))
        values = self._data_for(data, artifact.id, case)
        if values is None:
            return
        writers = self._people_acting(case, artifact.write)
        by = data.draw(st.sampled_from(writers) if writers else self._anyone(case))
        writable = self.shape.writable(case.phase.id)
        expected = (
            not case.closed and by in writers and (writable is None or artifact.id in writable)
        )
        about = None
        if artifact.per_person:
            # A copy about a holder of its roles; now and then about someone else (refused).
            holders = _holders(case, artifact.per_person)
            about = data.draw(st.sampled_from(holders) if holders else self._anyone(case))
            expected = expected and about in holders
        self._send(
            Submit(case_id=self.case_id, artifact=artifact.id, data=values, by=by, about=about),
            must_succeed=expected,
        )

    @rule(data=st.data())
    def submit_invalid(self, data: st.DataObject) -> None:
        """A writer submits data with one thing wrong: it is refused, naming that field."""
        if not self.process.artifacts:
            return
        case = self.case
        artifact = self._artifact(data.draw(st.sampled_from(self._artifact_ids())))
        participants = self._participants(case)
        if not fillable(self.process, artifact.id, participants):
            return
        drawn = data.draw(
            invalid_artifact_data(self.process, artifact.id, participants=participants).map(
                _Readable.of_invalid
            )
        )
        invalid = drawn.value
        writers = self._people_acting(case, artifact.write)
        writable = self.shape.writable(case.phase.id)
        permitted = (
            not case.closed and bool(writers) and (writable is None or artifact.id in writable)
        )
        by = data.draw(st.sampled_from(writers) if writers else self._anyone(case))
        about = None
        if artifact.per_person:
            holders = _holders(case, artifact.per_person)
            if not holders:
                return  # refused for want of someone to be about, not for the data
            about = data.draw(st.sampled_from(holders))
        error: KwflowError | None = None
        command = Submit(
            case_id=self.case_id, artifact=artifact.id, data=invalid.data, by=by, about=about
        )
        at = self.clock.now()
        try:
            self.engine.execute(command)
        except KwflowError as exc:
            error = exc
            self._write_down(at, command, REFUSED, str(exc))
        if error is None:
            self._write_down(at, command, SHOULD_BE_REFUSED, refusal="ArtifactInvalid")
            raise AssertionError(f"invalid data was accepted: {invalid.reason}: {invalid.data!r}")
        assert self.engine.get_unfiltered(self.case_id) == case, "refused data changed the case"
        if isinstance(error, ArtifactInvalid):
            top = invalid.field.split("[")[0].split(".")[0]
            paths = [problem.path for problem in error.errors]
            assert any(path.split("[")[0].split(".")[0] == top for path in paths), (
                f"{invalid.reason}: the error names {paths}, not {invalid.field!r}"
            )
            _note(f"refused as expected: {invalid.reason}")
        else:
            # Refused before the data was read: only when the writer may not write now.
            assert not permitted, f"{invalid.reason}: refused with {type(error).__name__}: {error}"

    @rule(data=st.data())
    def act_anyhow(self, data: st.DataObject) -> None:
        """Anyone tries any action of the process: it succeeds exactly when it is allowed."""
        case = self.case
        action = self._action(data.draw(st.sampled_from([a.id for a in self.process.actions])))
        person = data.draw(self._anyone(case))
        options: dict[str, ActionOption] = {}
        if person in case.participants:
            # Someone taking no part may not even ask what they could do.
            options = {o.action: o for o in self.engine.available_actions(self.case_id, person)}
        option = options.get(action.id)
        allowed = option is not None and option.allowed
        payload = None
        if action.records is not None:
            payload = self._data_for(data, action.records, case)
            if payload is None:
                return
        command = Act(case_id=self.case_id, action=action.id, by=person, data=payload)
        done = self._send(command, must_succeed=allowed)
        if done and not allowed:
            last = self.transcript.sent[-1]
            self.transcript.sent[-1] = attrs.evolve(
                last, result=SHOULD_BE_REFUSED, refusal="ActionNotAllowed"
            )
            raise AssertionError(f"{action.id} was taken by {person!r} though not allowed")

    @rule(data=st.data())
    def call_in_or_dismiss(self, data: st.DataObject) -> None:
        """A participant calls in, or dismisses, a role on call in this phase (or any role)."""
        case = self.case
        on_call = sorted(self.shape.on_call(case.phase.id))
        role = data.draw(
            st.sampled_from(on_call) if on_call else st.sampled_from(self.shape.role_ids)
        )
        by = data.draw(self._anyone(case))
        kind = CallIn if data.draw(st.booleans()) else Dismiss
        self._send(kind(case_id=self.case_id, role=role, by=by))

    @rule(delta=st.sampled_from(_JUMPS))
    def time_passes(self, delta: timedelta) -> None:
        """The clock moves on, and the host's scheduler records what fell due."""
        now = self.clock.advance(delta)
        _note(f"time passes: {delta} (now {now.isoformat()})")
        events = len(self.engine.history_unfiltered(self.case_id))
        self.engine.record_case_breaches(self.case_id)
        if len(self.engine.history_unfiltered(self.case_id)) > events:
            # What the host's scheduler did is a step a scenario can take too.
            self._write_down(now, CheckDeadlines(case_id=self.case_id), DONE)
        case = self.case
        # A paused deadline waits for its case to be resumed, however late it is.
        paused = case.suspension.paused if case.suspension is not None else ()
        for state in case.deadlines.values():
            if state.id in paused:
                continue
            assert not (state.open and state.due is not None and state.due < now), (
                f"deadline {state.id} is still pending at {now.isoformat()}, "
                f"past its due time {state.due.isoformat()}"
            )

    @rule(data=st.data())
    def flip_guard(self, data: st.DataObject) -> None:
        """A host guard (one the test plays) changes its mind."""
        if not self.guard_open:
            return
        name = data.draw(st.sampled_from(sorted(self.guard_open)))
        self.guard_open[name] = not self.guard_open[name]
        _note(f"guard {name} {'passes' if self.guard_open[name] else 'refuses'} now")

    @rule(data=st.data())
    def any_command(self, data: st.DataObject) -> None:
        """Any command a host could send, any names and data: carried out or refused cleanly."""
        case = self.case
        who = self._anyone(case)
        shown = data.draw(
            commands(self.process, case_id=self.case_id, who=who).map(self._readable_input)
        )
        drawn: Input = shown.value
        if isinstance(drawn, AdvanceClock):
            self.clock.advance(drawn.delta)
            _note(f"time passes: {drawn.delta}")
            return
        self._send(drawn)

    # ------------------------------------------------------------ checks

    @invariant()
    def sound(self) -> None:
        """Everything ``docs/testing.md`` lists under "What the stateful test checks"."""
        if not self.started:
            return
        try:
            broken = self.check()
            assert not broken, "; ".join(broken)
        except AssertionError as exc:
            self.transcript.failure = str(exc)
            raise

    def teardown(self) -> None:
        """When hypothesis reports this run as failing: its steps in words and as a scenario."""
        if not getattr(self, "started", False) or not _reported():
            return
        _note("The case's steps:\n" + "\n".join(self.transcript.lines()))
        scenario = self.transcript.scenario(process_file=self.process_file)
        _note(f"The case as a scenario file:\n{_CUT}\n{scenario}{_CUT}")

    def check(self) -> list[str]:
        """Check the case now; return the declared invariants broken since the last check.

        Every other check raises ``AssertionError`` at once.
        """
        case = self.case
        history = self.engine.history_unfiltered(self.case_id)
        process = self.process
        info = process.phase_info(case.phase.id)
        assert info is not None, f"{case.phase.id!r} is not a phase of the process"
        assert not info.phase.phases, f"{case.phase.id!r} is not a leaf phase"
        assert case.phase.path == info.path, f"{case.phase.path} is not the path of the phase"
        # The chain covers the events as stored (personal values sealed);
        # the history read back (values revealed) replays to the case.
        verify_history(self.engine.store.events(self.case_id), case_id=self.case_id)
        assert fold(process, history) == case, "replaying the history gives another case"
        as_json = json.loads(json.dumps(case.to_dict()))
        assert Case.from_dict(as_json) == case, "the case does not survive a JSON round trip"
        if self.closed is not None:
            assert case == self.closed, "something happened to a case that had ended"
        if case.outcome is not None:
            assert case.outcome == self.shape.outcome(case.phase.id)
            self.closed = case
        self._check_deadlines(case)
        found = self._read_history(history)
        for extra in self.extra_invariants:
            reason = extra(case)
            if reason:
                name = getattr(extra, "__name__", repr(extra))
                raise AssertionError(f"invariant {name} (of the test) broken: {reason}")
        return found

    def _check_deadlines(self, case: Case) -> None:
        for state in case.deadlines.values():
            definition = self.process.deadline(state.id)
            assert definition is not None
            if state.anchor_at is None:
                continue
            for due in (state.target, state.limit):
                if due is None:
                    continue
                if definition.direction == "after":
                    assert due >= state.anchor_at, (
                        f"deadline {state.id} falls due at {due.isoformat()}, before its "
                        f"anchor {state.anchor_at.isoformat()}"
                    )
                else:
                    assert due <= state.anchor_at, (
                        f"deadline {state.id} counts back from {state.anchor_at.isoformat()} "
                        f"but falls due after it, at {due.isoformat()}"
                    )
            if state.breached_at is not None and state.due is not None:
                assert state.breached_at > state.due, f"deadline {state.id} breached before due"

    def _read_history(self, history: Sequence[Event]) -> list[str]:
        """Check the events not read yet, one by one, against the case before each."""
        found: list[str] = []
        for before, event, after in read_events(
            self.process, history[self.seen :], before=self.folded
        ):
            step = observation(self.shape, before, event, after)
            self._check_step(before, event, after, step)
            if self.coverage is not None:
                self.coverage.saw(after, action=step.action)
            self.memory, broken = self.monitor.observe(self.memory, step)
            found += [
                str(InvariantViolation(invariant.id, event.sequence, reason))
                for invariant, reason in broken
            ]
            self.folded = after
        self.seen = len(history)
        return found

    def _check_step(
        self, before: Case | None, event: Event, after: Case, step: Observation
    ) -> None:
        """``event`` was taken by someone permitted and present, where it may be taken."""
        kind = KINDS[event.type]
        if kind == "open":
            assert before is None, "a case was opened twice"
            return
        assert before is not None, f"event {event.sequence} comes before the case was opened"
        if kind == "breach":
            assert event.actor == SYSTEM_ACTOR, f"a breach recorded by {event.actor!r}"
            paused = before.suspension.paused if before.suspension is not None else ()
            assert _payload_deadline(event) not in paused, (
                f"deadline {_payload_deadline(event)} was breached while the case was suspended "
                "with its deadlines paused"
            )
            return
        if kind in RECORD_KINDS:
            # Records about the case kept by whoever the host lets keep them
            # (a DPO, an archivist): not a step of the process.
            return
        assert before.outcome is None, f"event {event.sequence} happened after the case ended"
        payload = event.payload
        leaf = before.phase.id
        present = self.shape.present(leaf) | frozenset(before.called_in)
        emergency = False
        if kind == "act":
            action = self._action(str(payload["action"]))
            assert leaf in self.shape.action_leaves(action), (
                f"{action.id} was taken in {leaf!r}, outside its phases"
            )
            allowed = frozenset(action.by)
            emergency = not action.requires_presence
            back = before.suspension.from_phase.id if before.suspension is not None else None
            if action.resume:
                assert back is not None, f"{action.id} resumed a case that was not suspended"
            new_leaf, _ = self.shape.transition(leaf, action, back)
            assert after.phase.id == new_leaf, (
                f"{action.id} from {leaf!r} led to {after.phase.id!r}, not {new_leaf!r}"
            )
            if self.shape.suspension(new_leaf) is not None and back is None:
                assert after.suspension is not None, f"{action.id} suspended nothing"
                assert after.suspension.from_phase == before.phase, (
                    f"{action.id} suspended the case from {leaf!r} but remembers "
                    f"{after.suspension.from_phase.id!r}"
                )
        elif kind == "submit":
            artifact = self.process.artifact(str(payload["artifact"]))
            assert artifact is not None
            allowed = frozenset(artifact.write)
            writable = self.shape.writable(leaf)
            assert writable is None or artifact.id in writable, (
                f"{artifact.id} was written in {leaf!r}, which does not allow it"
            )
        elif kind in ("assign", "unassign"):
            role = self.process.role(str(payload["role"]))
            assert role is not None
            allowed = frozenset(role.assigned_by)
        elif kind == "replace":
            role = self.process.role(str(payload["role"]))
            assert role is not None
            allowed = frozenset(role.replaced_by)
            assert len(after.roles.get(role.id, ())) == len(before.roles.get(role.id, ())), (
                f"handing {role.id} over changed how many people hold it"
            )
        else:  # call_in, dismiss
            allowed = present | self.shape.on_call(leaf)
            if kind == "call_in":
                assert payload["role"] in self.shape.on_call(leaf), (
                    f"{payload['role']} was called in to {leaf!r}, where it is not on call"
                )
        acting = step.actor_roles & allowed
        assert acting, (
            f"{event.actor!r} ({', '.join(sorted(step.actor_roles)) or 'no role'}) took a "
            f"step ({event.type}) that needs one of {', '.join(sorted(allowed))}"
        )
        assert emergency or acting & present, (
            f"{event.actor!r} took a step ({event.type}) as {', '.join(sorted(acting))}, "
            f"absent from {leaf!r}"
        )


_CUT = "--- 8< ---"
"""The line around the scenario file in a failure report, to cut it out along."""

CaseInvariant = Callable[[Case], "str | None"]
"""An invariant of a test's own: given the case after a step, why it is broken, or ``None``."""


class _Readable:
    """A drawn value that hypothesis prints in words, not as an object's ``repr``."""

    def __init__(self, value: Any, text: str) -> None:
        self.value = value
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        del cycle
        printer.text(self.text)

    @classmethod
    def of_invalid(cls, invalid: InvalidArtifactData) -> _Readable:
        return cls(invalid, f"invalid data ({invalid.reason}): {invalid.data!r}")


def _reported() -> bool:
    """Whether this run is the one hypothesis reports (its notes are printed)."""
    if not currently_in_test_context():
        return False
    context = current_build_context()
    return bool(getattr(context, "is_final", True))


def _note(text: str) -> None:
    """Say what a step did, in hypothesis's report of a failing run (outside one: nothing)."""
    if currently_in_test_context():
        note(text)


def process_state_machine(
    process: Process,
    *,
    guards: Mapping[str, Callable[[GuardContext], bool | str]] | None = None,
    base: type[ProcessMachine] = ProcessMachine,
    store: Callable[[], CaseStore] | None = None,
    extra_invariants: Sequence[CaseInvariant] = (),
    process_file: str | os.PathLike[str] | None = None,
) -> type[ProcessMachine]:
    """A hypothesis state machine that runs cases of ``process`` and checks them after every step.

    ``guards`` are the host's named guards; those not given are played by
    the test, passing or refusing as its rules decide. ``base`` is a
    subclass of :class:`ProcessMachine` with rules or checks of your own
    (override ``check`` and call ``super().check()``). ``store`` makes the
    store of each run (default: a fresh ``MemoryStore``); give one to run
    the same checks on SQLite or PostgreSQL. ``extra_invariants`` are
    invariants of your own: each is called with the case after every step
    and returns why it is broken, or ``None`` (see `CaseInvariant`).
    ``process_file`` is the path of the process file, which the scenario
    file a failing run prints then names (an absolute path). Run it with pytest::

        TestMyProcess = process_state_machine(load_process("my.yaml")).TestCase

    or with ``hypothesis.stateful.run_state_machine_as_test``.
    """
    given_guards = dict(guards) if guards is not None else None

    @initialize(opener=people(), ending=st.sampled_from(ENDING_WEIGHTS))
    def open_case(self: ProcessMachine, opener: str, ending: int) -> None:
        self.start(process, opener, ending=ending)

    def body(namespace: dict[str, Any]) -> None:
        namespace["host_guards"] = given_guards
        namespace["extra_invariants"] = tuple(extra_invariants)
        if process_file is not None:
            namespace["process_file"] = Path(process_file).resolve().as_posix()
        if store is not None:
            namespace["store_factory"] = staticmethod(store)
        namespace["open_case"] = open_case
        namespace["__doc__"] = f"Cases of the process {process.id!r} version {process.version}."

    # types.new_class, not a class statement: ``base`` is a parameter, and
    # hypothesis's machinery must see an ordinary subclass.
    machine = types.new_class(f"{_camel(process.id)}Machine", (base,), exec_body=body)
    return cast("type[ProcessMachine]", machine)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) or "Process"


def _payload_deadline(event: Event) -> str:
    """The deadline a ``deadline_breached`` event names."""
    return str(event.payload["deadline"])
