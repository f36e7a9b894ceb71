"""Running a scenario: its steps through the real engine, on a simulated clock.

The engine is the one a host embeds, with an in-memory store and a clock the
scenario moves forward step by step. Nothing is mocked: what a scenario
shows is what the engine does with the process file. Every step's result
(accepted, or refused with the engine's own message) becomes a timeline
entry; the first step that is refused unexpectedly, or after which an
expectation does not hold, ends the run and is named in the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kwflow.engine import (
    Act,
    Assign,
    CallIn,
    CheckDeadlines,
    Dismiss,
    OpenCase,
    Organisation,
    Replace,
    Submit,
    Unassign,
)
from kwflow.exceptions import DefinitionError, InvalidValue, KwflowError, Problem

from ._describe import describe_command
from ._scenario import (
    Expectation,
    LoadedScenario,
    ProcessRef,
    RelativeTime,
    Scenario,
    Step,
    text_in,
)

if TYPE_CHECKING:
    from kwflow.definition import Process, Registry
    from kwflow.engine import Command
    from kwflow.i18n import Language
    from kwflow.store import CaseStore

__all__ = [
    "DeadlineView",
    "ScenarioResult",
    "StepFailure",
    "TimelineEntry",
    "TimelineRecorder",
    "follow_up_processes",
    "format_timeline",
    "run_scenario",
    "scenario_process",
    "step_command",
]

_RELATIVE_PART = re.compile(r"(\d+)([wdhm])")


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class DeadlineView:
    """A deadline of the case as the timeline shows it (times are local)."""

    id: str
    label: str
    status: str
    target_at: datetime | None
    limit_at: datetime | None
    planned_at: datetime | None = None
    planned_late: str | None = None


@dataclass(frozen=True)
class NoticeView:
    """A reminder or escalation that fell due, as the timeline shows it (its time is local).

    ``people`` are the persons told (the holders of ``roles`` when it was
    written); ``text`` is the notification's message in the timeline's language.
    """

    at: datetime
    kind: str
    deadline: str
    roles: tuple[str, ...]
    people: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class TimelineEntry:
    """One step of the run: what was done, and the case right after it.

    ``number`` counts the scenario's steps from 1; ``0`` is the opening of
    the case. ``refused`` holds the engine's message when the step was
    refused, and ``refusal_expected`` whether the scenario said it would be.
    ``changed`` names the deadlines whose status or times the step changed.
    ``suspended_from`` is the label of the phase a suspended case was
    suspended from (``None``: not suspended), with ``suspended_since`` and
    ``suspension_deadlines`` (``"pause"`` or ``"run"``);
    ``suspended_working_days`` says, on the step that ended a suspension,
    how many working days it lasted.
    """

    number: int
    at: datetime
    who: str | None
    what: str
    note: str | None
    phase: str
    phase_label: str
    outcome: str | None
    refused: str | None
    deadlines: tuple[DeadlineView, ...]
    changed: tuple[str, ...]
    refusal_expected: bool = False
    suspended_from: str | None = None
    suspended_since: datetime | None = None
    suspension_deadlines: str | None = None
    suspended_working_days: int | None = None
    notices: tuple[NoticeView, ...] = ()
    """Reminders and escalations that fell due after the previous entry, before this step."""


@dataclass(frozen=True)
class StepFailure:
    """The step at which the scenario failed, and every way it failed.

    ``number`` is the step's number (from 1), or ``-1`` for the scenario's
    final expectations; ``problems`` are worded in ``lang``.
    """

    number: int
    note: str | None
    problems: tuple[str, ...]
    lang: Language = "en"

    def __str__(self) -> str:
        words = {key: value[self.lang] for key, value in _UNMET.items()}
        name = words["final"] if self.number < 0 else words["step"].format(number=self.number)
        if self.note:
            name += f" ({self.note})"
        return f"{name}: " + "; ".join(self.problems)


@dataclass(frozen=True)
class ScenarioResult:
    """What running a scenario gave: the timeline and, if it failed, where."""

    title: str
    file: Path | None
    process: Process
    entries: tuple[TimelineEntry, ...]
    failure: StepFailure | None

    @property
    def ok(self) -> bool:
        """Whether every step ran as the scenario expected."""
        return self.failure is None


# ---------------------------------------------------------------- resolving


def scenario_process(loaded: LoadedScenario, registry: Registry | None = None) -> Process:
    """The process a scenario plays, loaded and checked.

    A path is relative to the scenario file (an overlay file, ``*.overlay.yaml``,
    gives the variant it makes of a shipped process); ``{id, version}`` is looked up
    in ``registry`` (kwflow's shipped processes when it is ``None``).
    Raises `DefinitionError` when the process file has problems,
    `ProcessNotFound` when the id is not registered.
    """
    from kwflow.definition import Registry

    ref = loaded.scenario.process
    if isinstance(ref, ProcessRef):
        return (registry or Registry.shipped()).get(ref.id, ref.version)
    base = loaded.file.parent if loaded.file is not None else Path()
    path = base / ref
    if not path.is_file():
        raise DefinitionError(
            [
                loaded.source.problem(
                    ("process",),
                    f"the process file {str(path)!r} does not exist",
                    expected="a path relative to the scenario file, or {id: ..., version: ...}",
                    rule="scenario",
                    code="scenario.no-process-file",
                    params={"path": repr(str(path))},
                )
            ]
        )
    return _process_at(path)


def _process_at(path: Path) -> Process:
    """The process of a process file, or the variant an overlay file makes of a shipped process."""
    from kwflow.definition import Registry, is_overlay_file, load_process

    if not is_overlay_file(path):
        return load_process(path)
    registry = Registry.shipped()
    (variant,) = registry.load_path(path)
    return variant


def follow_up_processes(
    loaded: LoadedScenario, registry: Registry | None = None
) -> dict[int, Process]:
    """The process of each ``follow_up`` step, by the step's index (from 0).

    A value ending in ``.yaml`` or ``.yml`` is a process file relative to the
    scenario file; any other is the id of a process in ``registry`` (kwflow's
    shipped processes when it is ``None``), its newest version. Raises
    `DefinitionError` for a file that is missing or has problems,
    `ProcessNotFound` for an id not registered.
    """
    from kwflow.definition import Registry

    found: dict[int, Process] = {}
    base = loaded.file.parent if loaded.file is not None else Path()
    for index, step in enumerate(loaded.scenario.steps):
        name = step.follow_up
        if name is None:
            continue
        if not name.endswith((".yaml", ".yml")):
            found[index] = (registry or Registry.shipped()).get(name)
            continue
        path = base / name
        if not path.is_file():
            raise DefinitionError(
                [
                    loaded.source.problem(
                        ("steps", index, "follow_up"),
                        f"the process file {str(path)!r} does not exist",
                        expected="a path relative to the scenario file, or a process id",
                        rule="scenario",
                        code="scenario.no-process-file",
                        params={"path": repr(str(path))},
                    )
                ]
            )
        found[index] = _process_at(path)
    return found


@dataclass(frozen=True)
class _Known:
    """The names one process declares, as the reference checks look them up."""

    roles: set[str]
    phases: set[str]
    outcomes: set[str]
    actions: set[str]
    artifacts: set[str]
    deadlines: set[str]

    @classmethod
    def of(cls, process: Process) -> _Known:
        return cls(
            roles={role.id for role in process.roles},
            phases={info.phase.id for info in process.all_phases()},
            outcomes={info.phase.outcome for info in process.all_phases() if info.phase.outcome},
            actions={action.id for action in process.actions},
            artifacts={artifact.id for artifact in process.artifacts},
            deadlines={deadline.id for deadline in process.deadlines},
        )


def reference_problems(
    loaded: LoadedScenario, process: Process, follow_ups: Mapping[int, Process] | None = None
) -> list[Problem]:
    """Every name in the scenario that the process or the cast does not know.

    Steps after a ``follow_up`` step (``follow_ups``: its process by step
    index) are checked against the follow-up's process.
    """
    scenario = loaded.scenario
    source = loaded.source
    problems: list[Problem] = []
    known = _Known.of(process)
    roles, phases, outcomes = known.roles, known.phases, known.outcomes
    actions, artifacts, deadlines = known.actions, known.artifacts, known.deadlines
    every_role = set(roles) | {
        role.id for other in (follow_ups or {}).values() for role in other.roles
    }

    def unknown(path: tuple[str | int, ...], kind: str, name: str, known: set[str]) -> None:
        problems.append(
            source.problem(
                path,
                f"the process has no {kind} {name!r}",
                expected="one of " + ", ".join(sorted(known)),
                rule="scenario",
                code="scenario.unknown-name",
                params={"kind": kind, "name": name, "known": ", ".join(sorted(known))},
            )
        )

    for person_id, person in scenario.people.items():
        for index, role in enumerate(person.roles):
            if role not in every_role:
                unknown(("people", person_id, "roles", index), "role", role, every_role)

    def check_expectation(path: tuple[str | int, ...], expect: Expectation | None) -> None:
        if expect is None:
            return
        if expect.phase is not None and expect.phase not in phases:
            unknown((*path, "phase"), "phase", expect.phase, phases)
        if expect.outcome is not None and expect.outcome not in outcomes:
            unknown((*path, "outcome"), "outcome", expect.outcome, outcomes)
        for deadline_id in expect.deadlines:
            if deadline_id not in deadlines:
                unknown((*path, "deadlines", deadline_id), "deadline", deadline_id, deadlines)

    declared_guards = {guard.id for guard in process.guards}
    for guard_id in scenario.guards:
        if guard_id not in declared_guards:
            unknown(("guards", guard_id), "guard", guard_id, declared_guards)

    people = set(scenario.people)
    for index, step in enumerate(scenario.steps):
        path: tuple[str | int, ...] = ("steps", index)
        follow_up = (follow_ups or {}).get(index)
        if follow_up is not None:
            # From here on the steps play the follow-up case.
            known = _Known.of(follow_up)
            roles, phases, outcomes = known.roles, known.phases, known.outcomes
            actions, artifacts, deadlines = known.actions, known.artifacts, known.deadlines
        if step.who is not None and step.who not in people:
            _unknown_person(problems, loaded, (*path, "who"), step.who)
        command, target = step.command, step.target
        if command in ("call_in", "dismiss") and target not in roles:
            unknown((*path, command), "role", str(target), roles)
        elif command == "act" and target not in actions:
            unknown((*path, "act"), "action", str(target), actions)
        elif command == "submit" and target not in artifacts:
            unknown((*path, "submit"), "artifact", str(target), artifacts)
        elif command == "replace":
            for key, name in (("replace", target), ("successor", step.successor)):
                if name not in people:
                    _unknown_person(problems, loaded, (*path, key), str(name))
            if step.role not in roles:
                unknown((*path, "role"), "role", str(step.role), roles)
        elif command in ("assign", "unassign"):
            assert target is not None
            if target not in people:
                _unknown_person(problems, loaded, (*path, command), target)
            elif step.role is not None and step.role not in roles:
                unknown((*path, "role"), "role", step.role, roles)
            elif step.role is None and len(scenario.people[target].roles) != 1:
                problems.append(
                    source.problem(
                        (*path, command),
                        f"say which role: {target!r} has "
                        f"{len(scenario.people[target].roles)} roles in 'people'",
                        expected="'role: ...' in this step",
                        rule="scenario",
                        code="scenario.which-role",
                        params={
                            "name": target,
                            "roles": str(len(scenario.people[target].roles)),
                        },
                    )
                )
        check_expectation((*path, "expect"), step.expect)
    if scenario.expect is not None:
        if scenario.expect.refused is not None:
            problems.append(
                source.problem(
                    ("expect", "refused"),
                    "the final expectations cannot expect a refusal",
                    hint="put 'refused' in the 'expect' of the step that is refused",
                    rule="scenario",
                    code="scenario.final-refusal",
                )
            )
        check_expectation(("expect",), scenario.expect)
    return problems


def _unknown_person(
    problems: list[Problem], loaded: LoadedScenario, path: tuple[str | int, ...], name: str
) -> None:
    problems.append(
        loaded.source.problem(
            path,
            f"{name!r} is not among 'people'",
            expected="one of " + ", ".join(sorted(loaded.scenario.people)),
            rule="scenario",
            code="scenario.unknown-person",
            params={"name": name, "known": ", ".join(sorted(loaded.scenario.people))},
        )
    )


# ----------------------------------------------------------------- the time


def _local(value: datetime | str, zone: ZoneInfo) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None or moment.utcoffset() is None:
        # Local wall time in the process's zone; fold=0 takes the first of
        # a repeated hour, as a reader of "02:30" on the autumn change would.
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _step_time(step: Step, previous: datetime, zone: ZoneInfo, calendar_id: str) -> datetime:
    when = step.when
    if when is None:
        return previous
    if isinstance(when, RelativeTime):
        return _relative(when, previous, zone, calendar_id)
    if isinstance(when, str) and when.startswith("+"):
        moment = previous
        for amount, unit in _RELATIVE_PART.findall(when):
            n = int(amount)
            if unit in ("m", "h"):
                # Elapsed time: across a daylight-saving change too.
                delta = timedelta(minutes=n) if unit == "m" else timedelta(hours=n)
                moment = (moment.astimezone(UTC) + delta).astimezone(zone)
            else:
                days = n * 7 if unit == "w" else n
                moment = _at_day(moment.date() + timedelta(days=days), moment.time(), zone)
        return moment
    return _local(when, zone)


def _relative(when: RelativeTime, previous: datetime, zone: ZoneInfo, calendar_id: str) -> datetime:
    moment = previous
    if when.minutes or when.hours:
        delta = timedelta(minutes=when.minutes or 0, hours=when.hours or 0)
        moment = (moment.astimezone(UTC) + delta).astimezone(zone)
    elif when.days or when.weeks:
        days = (when.days or 0) + 7 * (when.weeks or 0)
        moment = _at_day(moment.date() + timedelta(days=days), moment.time(), zone)
    elif when.working_days:
        from kwflow.calendars import get_calendar

        day = get_calendar(calendar_id).add_working_days(moment.date(), when.working_days)
        moment = _at_day(day, moment.time(), zone)
    if when.time is not None:
        hours, minutes = (int(part) for part in when.time.split(":"))
        moment = _at_day(moment.date(), time(hours, minutes), zone)
    return moment


def _at_day(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=zone)


def _localize_data(value: Any, zone: ZoneInfo) -> Any:
    """Artifact data with naive datetimes read as the process's local time."""
    if isinstance(value, datetime):
        return _local(value, zone)
    if isinstance(value, Mapping):
        return {key: _localize_data(item, zone) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_localize_data(item, zone) for item in value]
    return value


# ------------------------------------------------------------------ running


def run_scenario(
    loaded: LoadedScenario,
    *,
    registry: Registry | None = None,
    lang: Language = "cs",
    store: CaseStore | None = None,
    case_id: str | None = None,
    show_names: bool = False,
) -> ScenarioResult:
    """Play a scenario through the engine and check its expectations.

    The case is kept in ``store`` (a new in-memory store when it is
    ``None``; the caller closes a store it gives) under ``case_id`` (made
    from the title when it is ``None``). The timeline shows who gave each
    step by id, as the engine records them, or with ``show_names`` by
    their name in ``people``.

    Raises `DefinitionError` when the scenario names something the process
    or its own cast does not have, or when its process file has problems;
    those are mistakes in files, found before anything runs. A scenario that
    runs but does not go as expected returns a result whose ``failure``
    names the step.
    """
    from kwflow import Engine, SimulatedClock
    from kwflow.definition import Registry as ProcessRegistry
    from kwflow.store import MemoryStore

    scenario = loaded.scenario
    process = scenario_process(loaded, registry)
    follow_ups = follow_up_processes(loaded, registry)
    problems = reference_problems(loaded, process, follow_ups)
    if problems:
        raise DefinitionError(problems)

    zone = ZoneInfo(process.timezone)
    current = _local(scenario.start, zone)
    clock = SimulatedClock(current)
    engine_registry = ProcessRegistry()
    engine_registry.add(process)
    for other in follow_ups.values():
        if other.key not in engine_registry:
            engine_registry.add(other)
    engine = Engine(
        engine_registry,
        store=store if store is not None else MemoryStore(),
        clock=clock,
        guards={name: _fixed_guard(answer) for name, answer in scenario.guards.items()},
    )
    names = _Names(process, scenario, lang)
    shown = names.person if show_names else _as_given
    first_process = process

    opening = OpenCase(
        process=process.id,
        version=process.version,
        by=scenario.opened_by,
        case_id=case_id if case_id is not None else _case_id(scenario),
        organisation=_organisation(scenario, scenario.opened_by, None),
    )
    case = engine.execute(opening)
    timeline = TimelineRecorder(engine, case.id, process, lang=lang)
    timeline.record(current, shown(scenario.opened_by), names.command(opening))

    failure: StepFailure | None = None
    for number, step in enumerate(scenario.steps, start=1):
        note = text_in(step.note, lang)
        moment = _step_time(step, current, zone, process.calendar)
        if moment < current:
            backwards = _UNMET["backwards"][lang].format(
                at=_show_time(moment, lang), previous=_show_time(current, lang)
            )
            failure = StepFailure(number, note, (backwards,), lang)
            break
        current = moment
        clock.set(moment)
        # What a host's sender would have sent by now, shown before the step.
        notices = timeline.due_notices(moment)
        follow_up = follow_ups.get(number - 1)
        command = step_command(step, case.id, scenario, zone, follow_up=follow_up)
        refusal: KwflowError | None = None
        try:
            done = engine.execute(command)
        except KwflowError as exc:
            refusal = exc
        else:
            if follow_up is not None:
                # The steps after it play the follow-up, in its own words.
                case, process = done, follow_up
                timeline.follow(case.id, process)
                names.process = process
        entry = timeline.record(
            current,
            shown(step.who) if step.who is not None else None,
            names.command(command),
            note,
            refusal.render(lang) if refusal is not None else None,
            refusal_expected=step.expect is not None and step.expect.refused is not None,
            notices=notices,
        )
        problems_here = _unmet(step.expect, entry, refusal, process, lang)
        if problems_here:
            failure = StepFailure(number, note, tuple(problems_here), lang)
            break
    else:
        if scenario.expect is not None:
            last = timeline.entries[-1]
            problems_here = _unmet(scenario.expect, last, None, process, lang)
            if problems_here:
                failure = StepFailure(-1, None, tuple(problems_here), lang)

    return ScenarioResult(
        title=text_in(scenario.title, lang) or "",
        file=loaded.file,
        process=first_process,
        entries=tuple(timeline.entries),
        failure=failure,
    )


def _fixed_guard(answer: bool) -> Any:
    """A host guard that always gives the scenario's answer."""

    def guard(context: object) -> bool | str:
        del context
        return True if answer else "the scenario says this guard refuses"

    return guard


def _as_given(person_id: str) -> str:
    return person_id


def _case_id(scenario: Scenario) -> str:
    title = text_in(scenario.title, "cs") or ""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return f"scenario-{slug[:40] or 'case'}"


def _organisation(scenario: Scenario, person: str, step: Step | None) -> Organisation | None:
    """The organisation a step names, else the one the cast gives ``person``, else none."""
    found = step.organisation if step is not None else None
    if found is None:
        cast = scenario.people.get(person)
        found = cast.organisation if cast is not None else None
    return None if found is None else Organisation(found.id, found.kind)


def step_command(
    step: Step,
    case_id: str,
    scenario: Scenario,
    zone: ZoneInfo,
    *,
    follow_up: Process | None = None,
) -> Command:
    """The command a scenario step gives, as the record the engine executes.

    Dates and times in the step's data are local times of the process's
    ``zone``; an ``assign`` without ``role`` gives the person's first role
    in the scenario's cast. A ``follow_up`` step opens a case of
    ``follow_up`` (its process, from `follow_up_processes`) following
    ``case_id``, under the id ``<case_id>-follow-up``.
    """
    who = step.who or ""
    target = step.target or ""
    data = _localize_data(step.data, zone) if step.data is not None else None
    match step.command:
        case "follow_up":
            if follow_up is None:
                raise InvalidValue("follow_up", "follow-up-process", "None")
            return OpenCase(
                process=follow_up.id,
                version=follow_up.version,
                by=who,
                case_id=f"{case_id[:180]}-follow-up",
                follows=case_id,
                organisation=_organisation(scenario, who, step),
            )
        case "act":
            return Act(case_id=case_id, action=target, by=who, data=data)
        case "submit":
            return Submit(
                case_id=case_id, artifact=target, data=data or {}, by=who, about=step.about
            )
        case "assign":
            role = step.role or scenario.people[target].roles[0]
            organisation = _organisation(scenario, target, step)
            return Assign(
                case_id=case_id, person=target, role=role, by=who, organisation=organisation
            )
        case "unassign":
            role = step.role or scenario.people[target].roles[0]
            return Unassign(case_id=case_id, person=target, role=role, by=who)
        case "replace":
            successor = step.successor or ""
            return Replace(
                case_id=case_id,
                role=step.role or "",
                person=target,
                successor=successor,
                by=who,
                reason=step.reason or "",
                organisation=_organisation(scenario, successor, step),
            )
        case "call_in":
            return CallIn(case_id=case_id, role=target, by=who)
        case "dismiss":
            return Dismiss(case_id=case_id, role=target, by=who)
        case _:
            return CheckDeadlines(case_id=case_id)


class TimelineRecorder:
    """Timeline entries of a live case: a step's words, then the case's phase and deadlines.

    `run_scenario` records through it (for ``kwflow simulate`` and ``kwflow
    demo``); a tool that drives an engine itself may too, to show the same
    facts in the same words. ``who`` and ``what`` are the text to
    show; the phase, the outcome and every deadline (with which of them
    changed since the previous entry) are read from the engine.
    """

    def __init__(self, engine: Any, case_id: str, process: Process, *, lang: Language) -> None:
        self.engine = engine
        self.case_id = case_id
        self.process = process
        self.lang: Language = lang
        self.zone = ZoneInfo(process.timezone)
        self.entries: list[TimelineEntry] = []
        self._shown: dict[str, DeadlineView] = {}
        self._told: set[str] = set()

    def follow(self, case_id: str, process: Process) -> None:
        """Record the entries from now on from ``case_id`` (a follow-up, of ``process``)."""
        self.case_id = case_id
        self.process = process
        self.zone = ZoneInfo(process.timezone)
        self._shown = {}

    def record(
        self,
        at: datetime,
        who: str | None,
        what: str,
        note: str | None = None,
        refused: str | None = None,
        *,
        refusal_expected: bool = False,
        notices: tuple[NoticeView, ...] = (),
    ) -> TimelineEntry:
        """Add the entry of a step taken at ``at`` (refused: the engine's message).

        ``notices`` are the reminders and escalations that fell due before
        the step (`due_notices`).
        """
        case = self.engine.get_unfiltered(self.case_id)
        views = tuple(self._deadline_views())
        changed = tuple(view.id for view in views if self._shown.get(view.id) != view)
        self._shown = {view.id: view for view in views}
        info = self.process.phase_info(case.phase.id)
        suspension = case.suspension
        ended: int | None = None
        if self.entries and self.entries[-1].suspended_from is not None and suspension is None:
            last = self.engine.history_unfiltered(self.case_id)[-1].payload.get("suspension_ended")
            ended = None if last is None else int(last["working_days"])
        left = None
        if suspension is not None:
            left_info = self.process.phase_info(suspension.from_phase.id)
            left = (
                left_info.phase.label.text(self.lang)
                if left_info is not None
                else suspension.from_phase.id
            )
        entry = TimelineEntry(
            number=len(self.entries),
            at=at.astimezone(self.zone),
            who=who,
            what=what,
            note=note,
            phase=case.phase.id,
            phase_label=info.phase.label.text(self.lang) if info is not None else case.phase.id,
            outcome=case.outcome,
            refused=refused,
            deadlines=views,
            changed=changed,
            refusal_expected=refusal_expected,
            suspended_from=left,
            suspended_since=None if suspension is None else suspension.since.astimezone(self.zone),
            suspension_deadlines=None if suspension is None else suspension.deadlines,
            suspended_working_days=ended,
            notices=notices,
        )
        self.entries.append(entry)
        return entry

    def due_notices(self, now: datetime) -> tuple[NoticeView, ...]:
        """The case's reminders and escalations due by ``now`` and not shown yet, earliest first.

        Read from the outbox without claiming them (a store shared with a
        host's sender is left as it is): those still waiting are exactly
        what a sender running until ``now`` would have sent.
        """
        found: list[NoticeView] = []
        for notification in self.engine.notifications(self.case_id):
            if notification.due_at > now or notification.key in self._told:
                continue
            self._told.add(notification.key)
            found.append(
                NoticeView(
                    at=notification.due_at.astimezone(self.zone),
                    kind=notification.kind,
                    deadline=notification.deadline_id,
                    roles=notification.roles,
                    people=notification.people,
                    text=str(notification.message.get(self.lang, "")),
                )
            )
        return tuple(found)

    def _deadline_views(self) -> list[DeadlineView]:
        views = []
        for state in self.engine.deadlines(self.case_id):
            deadline = self.process.deadline(state.id)
            views.append(
                DeadlineView(
                    id=state.id,
                    label=deadline.label.text(self.lang) if deadline is not None else state.id,
                    status=str(state.status),
                    target_at=state.target.astimezone(self.zone) if state.target else None,
                    limit_at=state.limit.astimezone(self.zone) if state.limit else None,
                    planned_at=(
                        state.planned_at.astimezone(self.zone) if state.planned_at else None
                    ),
                    planned_late=state.planned_late,
                )
            )
        return views


_UNMET: dict[str, dict[Language, str]] = {
    "refused": {"cs": "krok byl odmítnut: {message}", "en": "refused: {message}"},
    "accepted": {
        "cs": "scénář čekal odmítnutí ({kind}), krok ale prošel",
        "en": "expected the step to be refused ({kind}), but it was accepted",
    },
    "kind": {
        "cs": "scénář čekal odmítnutí {kind}, přišlo {found}: {message}",
        "en": "expected a refusal of the kind {kind}, got {found}: {message}",
    },
    "reason": {
        "cs": "scénář čekal, že odmítnutí zmíní {reason!r}; zní: {message}",
        "en": "expected the refusal to say {reason!r}; it says: {message}",
    },
    "phase": {
        "cs": "scénář čekal fázi {expected}, případ je ve fázi {found}",
        "en": "expected phase {expected}, the case is in {found}",
    },
    "outcome": {
        "cs": "scénář čekal výsledek {expected}, výsledek je {found}",
        "en": "expected outcome {expected}, found {found}",
    },
    "open": {"cs": "žádný (případ běží)", "en": "none (the case is open)"},
    "deadline": {
        "cs": "scénář čekal lhůtu {id} ve stavu {expected}, je ve stavu {found}",
        "en": "expected deadline {id} {expected}, it is {found}",
    },
    "backwards": {
        "cs": "krok je v {at}, dříve než předchozí ({previous}); čas běží jen dopředu",
        "en": "the step is at {at}, before the previous one ({previous}); time only goes forward",
    },
    "step": {"cs": "krok {number}", "en": "step {number}"},
    "final": {"cs": "závěrečná očekávání", "en": "the final expectations"},
}


def _unmet(
    expect: Expectation | None,
    entry: TimelineEntry,
    refusal: KwflowError | None,
    process: Process,
    lang: Language,
) -> list[str]:
    """Every way the case after a step differs from what was expected."""
    words = {key: value[lang] for key, value in _UNMET.items()}
    problems: list[str] = []
    wanted = expect.refused if expect is not None else None
    said = refusal.render(lang) if refusal is not None else ""
    if refusal is not None and wanted is None:
        return [words["refused"].format(message=said)]
    if wanted is not None:
        if refusal is None:
            problems.append(words["accepted"].format(kind=wanted))
        elif type(refusal).__name__ != wanted:
            found = type(refusal).__name__
            problems.append(words["kind"].format(kind=wanted, found=found, message=said))
        elif (
            expect is not None
            and expect.reason
            # A scenario may quote the refusal in English (its str) or in its own language.
            and expect.reason not in str(refusal)
            and expect.reason not in said
        ):
            problems.append(words["reason"].format(reason=expect.reason, message=said))
    if expect is None:
        return problems
    if expect.phase is not None:
        info = process.phase_info(entry.phase)
        inside = info.path if info is not None else (entry.phase,)
        if expect.phase not in inside:
            problems.append(words["phase"].format(expected=expect.phase, found=entry.phase))
    if expect.outcome is not None and entry.outcome != expect.outcome:
        found = entry.outcome or words["open"]
        problems.append(words["outcome"].format(expected=expect.outcome, found=found))
    statuses = {view.id: view.status for view in entry.deadlines}
    for deadline_id, status in expect.deadlines.items():
        found = statuses.get(deadline_id, "not_started")
        if found != status:
            problems.append(words["deadline"].format(id=deadline_id, expected=status, found=found))
    return problems


# -------------------------------------------------------------- the wording


class _Names:
    """A scenario's steps in the timeline's language."""

    def __init__(self, process: Process, scenario: Scenario, lang: Language) -> None:
        self.process = process
        self.scenario = scenario
        self.lang = lang

    def person(self, person_id: str) -> str:
        person = self.scenario.people.get(person_id)
        name = text_in(person.name, self.lang) if person is not None else None
        return name or person_id

    def command(self, command: Command) -> str:
        return describe_command(self.process, command, lang=self.lang, person_name=self.person)


# ------------------------------------------------------------------ printing

_WEEKDAYS: dict[Language, tuple[str, ...]] = {
    "cs": ("po", "út", "st", "čt", "pá", "so", "ne"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}

_STATUS: dict[str, dict[Language, str]] = {
    "not_started": {"cs": "nezačala", "en": "not started"},
    "pending": {"cs": "běží", "en": "pending"},
    "met_on_time": {"cs": "splněna včas", "en": "met on time"},
    "met_late": {"cs": "splněna pozdě", "en": "met late"},
    "breached": {"cs": "PORUŠENA", "en": "BREACHED"},
    "cancelled": {"cs": "zrušena", "en": "cancelled"},
}

_LABELS: dict[str, dict[Language, str]] = {
    "scenario": {"cs": "Scénář", "en": "Scenario"},
    "process": {"cs": "proces", "en": "process"},
    "version": {"cs": "verze", "en": "version"},
    "phase": {"cs": "fáze", "en": "phase"},
    "outcome": {"cs": "výsledek", "en": "outcome"},
    "deadline": {"cs": "lhůta", "en": "deadline"},
    "target": {"cs": "cíl", "en": "target"},
    "limit": {"cs": "limit", "en": "limit"},
    "planned": {"cs": "naplánováno na", "en": "planned for"},
    "planned_after_limit": {"cs": "až po limitu", "en": "after the limit"},
    "planned_after_target": {"cs": "až po cíli", "en": "after the target"},
    "refused": {"cs": "ODMÍTNUTO", "en": "REFUSED"},
    "refused_expected": {
        "cs": "odmítnuto, jak scénář čeká",
        "en": "refused, as the scenario expects",
    },
    "deadlines": {"cs": "Lhůty na konci", "en": "Deadlines at the end"},
    "ok": {"cs": "vše proběhlo podle očekávání", "en": "everything went as expected"},
    "failed": {"cs": "SELHALO", "en": "FAILED"},
    "steps": {"cs": "kroků", "en": "steps"},
    "suspended": {
        "cs": "pozastaveno od {since}; obnovení vrátí případ do fáze {phase}",
        "en": "suspended since {since}; resuming returns the case to {phase}",
    },
    "pause": {"cs": "lhůty stojí", "en": "deadlines paused"},
    "run": {"cs": "lhůty běží dál", "en": "deadlines keep running"},
    "suspension_ended": {
        "cs": "pozastavení skončilo; pracovních dní pozastavení: {days}",
        "en": "the suspension ended; working days suspended: {days}",
    },
}


def _show_time(moment: datetime, lang: Language) -> str:
    return f"{_WEEKDAYS[lang][moment.weekday()]} {moment:%Y-%m-%d %H:%M}"


def format_timeline(result: ScenarioResult, *, lang: Language = "cs", quiet: bool = False) -> str:
    """The timeline as text: one block per step, then every deadline, then the verdict.

    Times are local to the process. With ``quiet`` only the header, the
    failure (if any) and the verdict are written.
    """
    words = {key: value[lang] for key, value in _LABELS.items()}
    process = result.process
    where = f" ({result.file})" if result.file is not None else ""
    lines = [
        f"{words['scenario']}: {result.title}{where}",
        (
            f"  {words['process']} {process.id}, {words['version']} {process.version}, "
            f"{process.timezone}"
        ),
        "",
    ]
    if not quiet:
        for entry in result.entries:
            who = f" · {entry.who}" if entry.who else ""
            for notice in entry.notices:
                told = ", ".join(notice.people or notice.roles)
                lines.append(f"[!] {_show_time(notice.at, lang)} → {told} · {notice.text}")
            head = f"[{entry.number}] {_show_time(entry.at, lang)}{who} · {entry.what}"
            lines.append(head)
            if entry.note:
                lines.append(f"    {entry.note}")
            if entry.refused is not None:
                kind = "refused_expected" if entry.refusal_expected else "refused"
                lines.append(f"    {words[kind]}: {entry.refused}")
            state = f"{words['phase']}: {entry.phase_label}"
            if entry.outcome is not None:
                state += f" · {words['outcome']}: {entry.outcome}"
            lines.append(f"    {state}")
            lines.extend(f"    {line}" for line in _suspension_lines(entry, lang))
            changed = [
                view
                for view in entry.deadlines
                if view.id in entry.changed and view.status != "not_started"
            ]
            lines.extend(f"    {_deadline_line(view, lang)}" for view in changed)
        if result.entries:
            lines += ["", f"{words['deadlines']}:"]
            lines.extend(f"  {_deadline_line(view, lang)}" for view in result.entries[-1].deadlines)
            lines.append("")
    if result.failure is not None:
        lines.append(f"{words['failed']}: {result.failure}")
    else:
        steps = len(result.entries) - 1
        lines.append(f"OK: {steps} {words['steps']}, {words['ok']}")
    return "\n".join(lines) + "\n"


def _suspension_lines(entry: TimelineEntry, lang: Language) -> list[str]:
    words = {key: value[lang] for key, value in _LABELS.items()}
    lines = []
    if entry.suspended_working_days is not None:
        lines.append(words["suspension_ended"].format(days=entry.suspended_working_days))
    if entry.suspended_from is not None and entry.suspended_since is not None:
        text = words["suspended"].format(
            since=_show_time(entry.suspended_since, lang), phase=entry.suspended_from
        )
        if entry.suspension_deadlines in ("pause", "run"):
            text += f" · {words[entry.suspension_deadlines]}"
        lines.append(text)
    return lines


def _deadline_line(view: DeadlineView, lang: Language) -> str:
    words = {key: value[lang] for key, value in _LABELS.items()}
    status = _STATUS.get(view.status, {}).get(lang, view.status)
    text = f"{words['deadline']} {view.label} ({view.id}): {status}"
    times: Sequence[str] = [
        f"{words[kind]} {_show_time(moment, lang)}"
        for kind, moment in (("target", view.target_at), ("limit", view.limit_at))
        if moment is not None
    ]
    if times:
        text += " · " + ", ".join(times)
    if view.planned_late is not None and view.planned_at is not None:
        beyond = words[f"planned_after_{view.planned_late}"]
        text += f" · {words['planned']} {_show_time(view.planned_at, lang)}, {beyond}"
    return text
