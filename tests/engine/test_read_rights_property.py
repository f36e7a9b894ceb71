"""Property: `view` and `history_for` show each participant exactly what their roles may read.

After a random sequence of commands (shipped processes and generated
ones), for every participant of the case the documents and fields they are
shown are computed here, from the process file alone: a document whose
``read`` or ``write`` lists one of their roles is read whole, one whose
``read_fields`` lists one of them only those fields, a per-person copy
about them whole, anything else not at all. The engine's own filtering
(`kwflow.engine` `Reader`, `visible_data`, `redact_event`) is never called.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings
from hypothesis import event as count_event
from hypothesis import strategies as st

from kwflow import Engine, MemoryStore, OpenCase, Organisation, SimulatedClock
from kwflow.definition import Registry
from kwflow.exceptions import KwflowError
from kwflow.history import EventType
from kwflow.testing import AdvanceClock, commands, organisations, process_definitions

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kwflow import Case
    from kwflow.definition import Artifact, Process

START = datetime(2026, 10, 5, 8, tzinfo=UTC)
# A small pool, so that people assigned to roles are the ones who then act.
PEOPLE = ("ana", "bo", "cy", "dana")
CASE = "case"
_SUBMITTED = EventType.ARTIFACT_SUBMITTED.value
_ACTED = EventType.ACTION_TAKEN.value


def _rights(artifact: Artifact, roles: tuple[str, ...]) -> tuple[bool, frozenset[str]]:
    """Whether ``roles`` read the artifact whole, and the fields they read of it otherwise."""
    whole = any(role in artifact.read or role in artifact.write for role in roles)
    some: set[str] = set()
    for rule in artifact.read_fields:
        if rule.role in roles:
            some.update(rule.fields)
    return whole, frozenset(some)


def _expected(
    artifact: Artifact, roles: tuple[str, ...], person: str, about: object, data: Mapping[str, Any]
) -> dict[str, Any] | None:
    """What of one version ``person`` is shown: all of it, some fields, or nothing (``None``)."""
    whole, some = _rights(artifact, roles)
    if whole or (about is not None and about == person):
        return dict(data)
    if some:
        return {name: value for name, value in data.items() if name in some}
    return None


def _run(
    process: Process, steps: list[Any], organisation: Organisation | None
) -> tuple[Engine, Case] | None:
    registry = Registry()
    registry.add(process)
    clock = SimulatedClock(START)
    engine = Engine(registry, store=MemoryStore(), clock=clock, read_log=False)
    try:
        engine.execute(
            OpenCase(
                process=process.id,
                version=process.version,
                by="ana",
                case_id=CASE,
                organisation=organisation,
            )
        )
    except KwflowError:
        return None
    for step in steps:
        if isinstance(step, AdvanceClock):
            clock.advance(step.delta)
            continue
        # A refused step changes nothing: the next one goes on.
        with contextlib.suppress(KwflowError):
            engine.execute(step)
    return engine, engine.get_unfiltered(CASE)


def _check_reads(process: Process, engine: Engine, case: Case) -> int:
    """Check every participant's view and history; return how many document versions were shown."""
    shown = 0
    events = engine.history_unfiltered(CASE)
    for person, roles in case.participants.items():
        view = engine.view(CASE, person)
        history = engine.history_for(CASE, person)
        # The view: per document, exactly the versions and fields expected.
        for artifact_id, versions in case.artifacts.items():
            artifact = process.artifact(artifact_id)
            assert artifact is not None
            expected = [
                (version.number, data)
                for version in versions
                if (data := _expected(artifact, roles, person, version.about, version.data))
                is not None
            ]
            got = [
                (version.number, dict(version.data))
                for version in view.artifacts.get(artifact_id, ())
            ]
            assert got == expected, (person, roles, artifact_id)
            assert (artifact_id in view.hidden) == (not expected)
            shown += len(expected)
        assert set(view.artifacts) <= set(case.artifacts)
        # The history: every event, each document's data cut the same way.
        assert [entry.sequence for entry in history] == [event.sequence for event in events]
        for event, entry in zip(events, history, strict=True):
            payload = dict(event.payload)
            if event.type == _SUBMITTED:
                document, inside = payload, None
            elif event.type == _ACTED and payload.get("records") is not None:
                document, inside = dict(payload["records"]), "records"
            else:
                assert dict(entry.payload) == payload
                continue
            artifact = process.artifact(document["artifact"])
            assert artifact is not None
            data = _expected(artifact, roles, person, document.get("about"), document["data"])
            seen = dict(entry.payload[inside]) if inside else dict(entry.payload)
            assert seen.get("data") == data, (person, roles, event.sequence)
            rest = {key: value for key, value in document.items() if key != "data"}
            assert {key: value for key, value in seen.items() if key != "data"} == rest
    return shown


def _steps(process: Process) -> st.SearchStrategy[list[Any]]:
    return st.lists(commands(process, case_id=CASE, who=st.sampled_from(PEOPLE)), max_size=30)


_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_SETTINGS
@given(data=st.data())
def test_views_and_histories_of_generated_processes_show_exactly_the_read_rights(
    data: st.DataObject,
) -> None:
    process = data.draw(process_definitions(max_phases=3))
    steps = data.draw(_steps(process))
    ran = _run(process, steps, data.draw(organisations(process)))
    if ran is None:
        return
    shown = _check_reads(process, *ran)
    count_event("a document was shown" if shown else "nothing was shown")


@_SETTINGS
@given(
    name=st.sampled_from(["family_conference", "case_conference"]),
    data=st.data(),
)
def test_views_and_histories_of_the_shipped_processes_show_exactly_the_read_rights(
    name: str, data: st.DataObject
) -> None:
    process = Registry.shipped().get(name)
    steps = data.draw(_steps(process))
    ran = _run(process, steps, Organisation("ospod_brno", "ospod"))
    assert ran is not None
    shown = _check_reads(process, *ran)
    count_event("a document was shown" if shown else "nothing was shown")


PER_PERSON_IN_PART = """
id: per_person_in_part
version: 1
title: {cs: Pozvánky, en: Invitations}
opener: worker
roles:
  - {id: worker, label: {cs: Pracovník, en: Worker}, kind: authority, min: 1, max: 1}
  - {id: parent, label: {cs: Rodič, en: Parent}, kind: family, max: 2, assigned_by: [worker]}
artifacts:
  - id: invitation
    label: {cs: Pozvánka, en: Invitation}
    write: [worker]
    per_person: [parent]
    read_fields: [{role: parent, fields: [said]}]
    fields:
      - {id: said, label: {cs: Řečeno, en: Said}, type: text}
      - {id: internal, label: {cs: Interní, en: Internal}, type: text}
phases:
  - {id: open, label: {cs: Otevřeno, en: Open}, initial: true, present: [worker]}
  - {id: closed, label: {cs: Uzavřeno, en: Closed}, outcome: done}
actions:
  - {id: close, label: {cs: Uzavřít, en: Close}, from: [open], to: closed, by: [worker]}
"""


def test_a_copy_about_the_reader_is_read_whole_even_by_a_role_reading_in_part() -> None:
    from kwflow import Assign, Submit
    from kwflow.definition import load_process_text

    process = load_process_text(PER_PERSON_IN_PART)
    steps = [
        Assign(case_id=CASE, person="mia", role="parent", by="ana"),
        Assign(case_id=CASE, person="dan", role="parent", by="ana"),
        Submit(
            case_id=CASE,
            artifact="invitation",
            data={"said": "a", "internal": "b"},
            by="ana",
            about="mia",
        ),
        Submit(
            case_id=CASE,
            artifact="invitation",
            data={"said": "c", "internal": "d"},
            by="ana",
            about="dan",
        ),
    ]
    ran = _run(process, steps, None)
    assert ran is not None
    engine, case = ran
    assert _check_reads(process, engine, case) == 2 + 2 + 2  # ana both whole, each parent both
    mine, theirs = engine.view(CASE, "mia").artifacts["invitation"]
    assert dict(mine.data) == {"said": "a", "internal": "b"}
    assert dict(theirs.data) == {"said": "c"}
