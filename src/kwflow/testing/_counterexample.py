"""Explorer traces as people would give them: commands, and scenario files to keep.

The explorer speaks of roles ("a worker assigns a parent", "the parent
submits the plan [goal present]"); a host's engine and ``kwflow simulate``
speak of people and data. This module invents one person per holder of a
role (``worker_1``, ``parent_1``, ``parent_2``...), keeps track of who holds
what as the trace goes, and writes each submitted version with data meeting
exactly the conditions the step names. The result is the list of commands
an engine executes (:func:`trace_commands`), or a scenario file that
``kwflow simulate`` replays (:func:`trace_to_scenario`), with the phase
the explorer says each step leads to as its expectation.

Named guards are host code the explorer assumes able to pass, so a
scenario sets every guard to pass.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from kwflow.engine import Act, Assign, CallIn, Dismiss, OpenCase, Replace, Submit, Unassign
from kwflow.exceptions import InvalidTrace
from kwflow.i18n import LANGUAGES, Catalogue, render, say

from ._conditions import artifact_classes, concrete, process_conditions
from ._organisations import chosen_kinds, organisation_of
from ._phases import shape_of
from ._scenario_yaml import Inline, dump_scenario, scenario_step

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from kwflow.definition import FieldCondition, Process
    from kwflow.engine import Command, Organisation

    from ._report import ExplorationReport, Finding, Step, Violation

__all__ = [
    "SCENARIO_START",
    "report_scenarios",
    "step_words",
    "trace_commands",
    "trace_to_scenario",
]

SCENARIO_START = datetime(2026, 10, 26, 9, 0)  # noqa: DTZ001 (local time of the process)
"""When a counterexample's case opens, in the process's local time: a Monday."""

_WORDS: Catalogue = {
    "outcome_title": {
        "cs": "Nejkratší cesta k výsledku {code}",
        "en": "The shortest way to the outcome {code}",
    },
    "outcome_text": {
        "cs": "Případ skončí výsledkem {code} po {n:plural:kroku|krocích|krocích}; "
        "kratší cesta není.",
        "en": "The case ends with the outcome {code} after {n:plural:step|steps}; "
        "there is no shorter way.",
    },
    "invariant_title": {
        "cs": "Porušený invariant {id}",
        "en": "Invariant {id} broken",
    },
    "invariant_text": {
        "cs": "Poslední krok poruší invariant {id} ({label}); kratší cesta k porušení není.",
        "en": "The last step breaks the invariant {id} ({label}): {message}; "
        "no shorter sequence of steps breaks it.",
    },
    "dead_end_title": {"cs": "Slepá ulička ve fázi {phase}", "en": "Dead end in {phase}"},
    "dead_end_text": {
        "cs": "Po posledním kroku nemůže nikdo přítomný udělat nic (žádnou akci, "
        "odevzdání, přidělení ani přivolání) a případ přitom neskončil.",
        "en": "After the last step {message}, and the case has not ended.",
    },
    "stuck_title": {"cs": "Uvázlý případ ve fázi {phase}", "en": "Stuck in {phase}"},
    "stuck_text": {
        "cs": "Po posledním kroku lze ještě něco udělat, ale k žádnému výsledku "
        "už žádná cesta nevede.",
        "en": "After the last step {message}.",
    },
    "breaks": {"cs": "poruší invariant {id}", "en": "breaks the invariant {id}: {message}"},
}

# The explorer's reading of a step in Czech; its English is `Step.__str__`.
_STEP_CS: dict[str, str] = {
    "open": "{actor} založí případ",
    "assign": "{actor} přidělí roli {target}",
    "assign_holder": "{actor} přidělí roli {target} držiteli role {holder}",
    "unassign": "{actor} odebere roli {target}",
    "replace": "{actor} předá roli {target}",
    "replace_holder": "{actor} předá roli {target} držiteli role {holder}",
    "submit": "{actor} odevzdá {target}{version}",
    "act": "{actor} provede {target}",
    "act_recording": "{actor} provede {target} se záznamem{version}",
    "call_in": "{actor} přivolá {target}",
    "dismiss": "{actor} propustí {target}",
    "also": "{role} (zároveň {also})",
}

_HEADER = """\
# A counterexample found by `kwflow explore`{about}.
# The people are invented, one per holder of a role; each document's data
# meets exactly the conditions the step names; every guard passes.
# Each step expects the phase the explorer says it leads to.
# Run it with: kwflow simulate THIS_FILE
"""


class _Cast:
    """The people of a trace: invented per role, and who holds what after each step."""

    def __init__(self, opener_role: str) -> None:
        self.counts: dict[str, int] = {}
        self.holders: dict[str, list[str]] = {}  # role -> people, in the order assigned
        self.held: dict[str, list[str]] = {}  # person -> roles now
        self.ever: dict[str, list[str]] = {}  # person -> every role held, for the file
        self.opener = self.new_person(opener_role)
        self.assign(self.opener, opener_role)

    def new_person(self, role: str) -> str:
        self.counts[role] = self.counts.get(role, 0) + 1
        return f"{role}_{self.counts[role]}"

    def assign(self, person: str, role: str) -> None:
        self.holders.setdefault(role, []).append(person)
        self.held.setdefault(person, []).append(role)
        roles = self.ever.setdefault(person, [])
        if role not in roles:
            roles.append(role)

    def unassign(self, person: str, role: str) -> None:
        self.holders[role].remove(person)
        self.held[person].remove(role)
        if not self.held[person]:
            del self.held[person]

    def holder(self, role: str, also: str = "", *, without: str = "") -> str:
        """Someone holding ``role`` (and ``also``, if given; not ``without``)."""
        for person in self.holders.get(role, ()):
            roles = self.held[person]
            if (also and also not in roles) or (without and without in roles):
                continue
            return person
        if also:
            raise InvalidTrace("no-holder-of-both", role=role, also=also)
        raise InvalidTrace("no-holder", role=role)

    def leaving(self, role: str) -> str:
        """Who is unassigned from ``role``: the last one assigned who holds nothing else."""
        holders = self.holders.get(role, [])
        single = [p for p in holders if len(self.held[p]) == 1] or holders
        if not single:
            raise InvalidTrace("nobody-to-unassign", role=role)
        return single[-1]

    def holders_of(self, roles: Sequence[str]) -> list[str]:
        """The people holding one of ``roles`` now, role by role, each once."""
        found: dict[str, None] = {}
        for role in roles:
            for person in self.holders.get(role, ()):
                found.setdefault(person, None)
        return list(found)

    def participants(self) -> dict[str, tuple[str, ...]]:
        return {person: tuple(roles) for person, roles in self.held.items()}


class _Translation:
    """A trace turned into commands, one by one, with the cast kept up to date."""

    def __init__(self, process: Process, case_id: str) -> None:
        self.process = process
        self.case_id = case_id
        self.cast = _Cast(process.opener)
        self.conditions: Mapping[str, list[FieldCondition]] = process_conditions(process)
        self.kinds = chosen_kinds(process)
        # Person -> the organisation they were given when they joined (for the people list).
        self.organisations: dict[str, Organisation] = {}

    def organisation(self, person: str, role: str) -> Organisation | None:
        """A new person's own organisation, of the kind chosen for ``role``."""
        found = organisation_of(person, self.kinds.get(role))
        if found is not None:
            self.organisations[person] = found
        return found

    def _data(self, artifact_id: str, version: str) -> dict[str, Any]:
        artifact = self.process.artifact(artifact_id)
        if artifact is None:
            raise InvalidTrace("unknown-artifact", artifact=artifact_id)
        classes = artifact_classes(artifact, self.conditions.get(artifact_id, []))
        kind = next((c for c in classes.classes if c.description == version), None)
        if kind is None:
            raise InvalidTrace("unknown-version", artifact=artifact_id, version=version)
        data = concrete(dict(kind.data), self.cast.participants())
        if data is None:
            raise InvalidTrace("nobody-to-name", artifact=artifact_id, version=version)
        return dict(data)

    def commands(self, step: Step) -> tuple[Command, ...]:
        """The commands of ``step``: one, or one per holder for a per-person artifact."""
        found = self.command(step)
        return found if isinstance(found, tuple) else (found,)

    def command(self, step: Step) -> Command | tuple[Command, ...]:
        """The command of ``step``; the cast then holds the roles it gives or takes."""
        cast, case_id = self.cast, self.case_id
        if step.kind == "open":
            return OpenCase(
                process=self.process.id,
                version=self.process.version,
                by=cast.opener,
                case_id=case_id,
                organisation=self.organisation(cast.opener, self.process.opener),
            )
        by = cast.holder(step.role, step.also)
        if step.kind == "assign":
            # Someone already in the case keeps the organisation they have.
            organisation = None
            if step.holder:
                person = cast.holder(step.holder, without=step.target)
            else:
                person = cast.new_person(step.target)
                organisation = self.organisation(person, step.target)
            cast.assign(person, step.target)
            return Assign(
                case_id=case_id,
                person=person,
                role=step.target,
                by=by,
                organisation=organisation,
            )
        if step.kind == "unassign":
            person = cast.leaving(step.target)
            cast.unassign(person, step.target)
            return Unassign(case_id=case_id, person=person, role=step.target, by=by)
        if step.kind == "replace":
            person = cast.leaving(step.target)
            organisation = None
            if step.holder:
                successor = cast.holder(step.holder, without=step.target)
            else:
                successor = cast.new_person(step.target)
                organisation = self.organisation(successor, step.target)
            cast.unassign(person, step.target)
            cast.assign(successor, step.target)
            return Replace(
                case_id=case_id,
                role=step.target,
                person=person,
                successor=successor,
                by=by,
                reason="předání role",
                organisation=organisation,
            )
        if step.kind == "submit":
            data = self._data(step.target, step.version)
            artifact = self.process.artifact(step.target)
            if artifact is not None and artifact.per_person:
                # The explorer writes a per-person artifact about every holder at once.
                about = self.cast.holders_of(artifact.per_person)
                return tuple(
                    Submit(case_id=case_id, artifact=step.target, data=data, by=by, about=person)
                    for person in about
                )
            return Submit(case_id=case_id, artifact=step.target, data=data, by=by)
        if step.kind == "act":
            action = self.process.action(step.target)
            if action is None:
                raise InvalidTrace("unknown-action", action=step.target)
            payload = self._data(action.records, step.version) if action.records else None
            return Act(case_id=case_id, action=step.target, by=by, data=payload)
        if step.kind == "call_in":
            return CallIn(case_id=case_id, role=step.target, by=by)
        if step.kind == "dismiss":
            return Dismiss(case_id=case_id, role=step.target, by=by)
        raise InvalidTrace("unknown-step", kind=step.kind)


def trace_commands(
    process: Process, trace: Sequence[Step], *, case_id: str = "case"
) -> tuple[Command, ...]:
    """The commands a host would send to carry out an explorer ``trace``, in order.

    The first step opens the case (an `OpenCase` for ``case_id``); people
    are invented per role (``worker_1``...), and submitted data meets
    exactly the conditions each step names (a per-person artifact is
    submitted about every holder of its roles, one command each). Raises
    `InvalidTrace` (a ``ValueError``) for a
    trace that is not one of ``process``'s (a step by a role nobody holds).
    """
    return _translate(process, trace, case_id)[0]


def _translate(
    process: Process, trace: Sequence[Step], case_id: str
) -> tuple[tuple[Command, ...], _Translation]:
    if not trace or trace[0].kind != "open":
        raise InvalidTrace("not-opened")
    commands, translation = _translate_steps(process, trace, case_id)
    return tuple(command for step in commands for command in step), translation


def _translate_steps(
    process: Process, trace: Sequence[Step], case_id: str
) -> tuple[tuple[tuple[Command, ...], ...], _Translation]:
    """Per step of ``trace``, its commands (see `_Translation.commands`)."""
    if not trace or trace[0].kind != "open":
        raise InvalidTrace("not-opened")
    translation = _Translation(process, case_id)
    return tuple(translation.commands(step) for step in trace), translation


def trace_to_scenario(
    process: Process,
    trace: Sequence[Step],
    *,
    process_file: str | None = None,
    violation: Violation | None = None,
    finding: Finding | None = None,
) -> str:
    """An explorer ``trace`` as the text of a scenario file that ``kwflow simulate`` replays.

    ``process_file`` is the path of the process file relative to where the
    scenario will be saved; without it the scenario names the process by
    ``{id, version}`` (a registered process, such as a shipped one). Each
    step's ``note`` is the explorer's reading of it and its ``expect`` the
    phase it leads to; the last step of a trace to an outcome expects the
    outcome. Give the ``violation`` whose trace this is and the file says,
    in its title and in the last step's note, which invariant that step
    breaks; give a dead-end or stuck ``finding`` and it says that.
    """
    per_step, translation = _translate_steps(process, trace, "case")
    cast = translation.cast
    shape = shape_of(process)
    leaf = trace[0].phase
    steps: list[dict[str, Any]] = []
    outcome: str | None = None
    for step, commands in zip(trace[1:], per_step[1:], strict=True):
        leaf = step.to or leaf
        outcome = shape.outcome(leaf)
        for command in commands:
            expect = Inline({"phase": leaf})
            if outcome is not None:
                expect["outcome"] = outcome
            steps.append({"note": step_words(step), **scenario_step(command), "expect": expect})
    if not steps:
        # A scenario needs a step: a trace of the opening alone gets one that
        # changes nothing (the engine is told the time), noting the opening.
        steps.append(
            {
                "note": step_words(trace[0]),
                "check_deadlines": True,
                "expect": Inline({"phase": leaf}),
            }
        )
    if violation is not None:
        broken = _both("breaks", id=violation.invariant, message=violation.message)
        note = steps[-1]["note"]
        steps[-1]["note"] = {lang: f"{note[lang]}: {text}" for lang, text in broken.items()}
    title, description = _words(process, trace, outcome, violation, finding)
    document: dict[str, Any] = {
        "title": title,
        "description": description,
        "process": process_file
        if process_file is not None
        else {"id": process.id, "version": process.version},
        "start": SCENARIO_START.strftime("%Y-%m-%d %H:%M"),
        "opened_by": cast.opener,
        "people": {
            person: Inline(_person_entry(roles, translation.organisations.get(person)))
            for person, roles in cast.ever.items()
        },
    }
    if process.guards:
        document["guards"] = Inline({guard.id: True for guard in process.guards})
    document["steps"] = steps
    document["expect"] = Inline({"outcome": outcome} if outcome is not None else {"phase": leaf})
    about = f" in {process.id} version {process.version}"
    return dump_scenario(document, _HEADER.format(about=about))


def _person_entry(roles: list[str], organisation: Organisation | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"roles": roles}
    if organisation is not None:
        entry["organisation"] = {"id": organisation.id, "kind": organisation.kind}
    return entry


def report_scenarios(
    process: Process, report: ExplorationReport, *, process_file: str | None = None
) -> dict[str, str]:
    """Every trace of ``report`` as a scenario file: file name -> text.

    One file per outcome reached (``outcome-CODE.yaml``), per broken
    invariant (``invariant-ID.yaml``), per dead end and per stuck state
    (``dead-end-PHASE.yaml``, ``stuck-PHASE.yaml``). ``process_file`` as in
    :func:`trace_to_scenario`.
    """
    files: dict[str, str] = {}
    for code, trace in report.outcomes.items():
        files[f"outcome-{code}.yaml"] = trace_to_scenario(process, trace, process_file=process_file)
    for violation in report.violations:
        files[f"invariant-{violation.invariant}.yaml"] = trace_to_scenario(
            process, violation.trace, process_file=process_file, violation=violation
        )
    for finding in (*report.dead_ends, *report.stuck):
        name = f"{finding.kind.replace('_', '-')}-{finding.phase}.yaml"
        files[name] = trace_to_scenario(
            process, finding.trace, process_file=process_file, finding=finding
        )
    return files


# ------------------------------------------------------------------ helpers


def step_words(step: Step) -> dict[str, str]:
    """The explorer's reading of ``step`` in Czech and English (``[phase] who does what``)."""
    actor = step.role
    if step.also:
        actor = render(_STEP_CS["also"], {"role": step.role, "also": step.also})
    key = step.kind
    if step.kind in ("assign", "replace") and step.holder:
        key = f"{step.kind}_holder"
    elif step.kind == "act" and step.version:
        key = "act_recording"
    version = f" [{step.version}]" if step.version else ""
    facts = {"actor": actor, "target": step.target, "holder": step.holder, "version": version}
    text = render(_STEP_CS[key], facts)
    if step.kind == "act" and step.to:
        text += f" -> {step.to}"
    return {"cs": f"[{step.phase}] {text}", "en": str(step)}


def _both(key: str, **facts: str) -> dict[str, str]:
    return {lang: say(_WORDS, key, lang, **facts) for lang in LANGUAGES}


def _words(
    process: Process,
    trace: Sequence[Step],
    outcome: str | None,
    violation: Violation | None,
    finding: Finding | None,
) -> tuple[dict[str, str], dict[str, str]]:
    """The scenario's title and description, in Czech and English."""
    if violation is not None:
        declared = next((i for i in process.invariants if i.id == violation.invariant), None)
        labels = {
            lang: declared.label.text(lang) if declared is not None else violation.label
            for lang in LANGUAGES
        }
        title = _both("invariant_title", id=violation.invariant)
        description: dict[str, str] = {
            lang: say(
                _WORDS,
                "invariant_text",
                lang,
                id=violation.invariant,
                label=labels[lang],
                message=violation.message,
            )
            for lang in LANGUAGES
        }
        return title, description
    if finding is not None:
        kind = "dead_end" if finding.kind == "dead_end" else "stuck"
        return (
            _both(f"{kind}_title", phase=finding.phase),
            _both(f"{kind}_text", message=finding.message),
        )
    code = outcome or trace[-1].phase
    return (
        _both("outcome_title", code=code),
        _both("outcome_text", code=code, n=str(len(trace))),
    )
