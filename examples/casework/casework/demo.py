"""Demo users and cases, so that a new user can log in and run a case.

The users are the casts of two of kwflow's shipped scenarios (their person
ids, names and organisations), one more family member and a stranger who
takes part in nothing. The cases: the two scenarios played into the app's
store (a family conference that ended after its review, a case conference
that was held, which a control conference can follow), and a family
conference just referred, for the demo users to run on.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from django.contrib.auth import get_user_model

import kwflow
from kwflow.authoring import (
    LoadedScenario,
    ProcessRef,
    load_scenario,
    run_scenario,
    scenario_process,
)

from .models import Person

# processes/scenarios of the kwflow checkout this example lives in.
SCENARIOS = Path(__file__).resolve().parents[3] / "processes" / "scenarios"
PLAYED = {
    "RK-DEMO-HOTOVO": "family_conference_plan_approved.yaml",
    "PK-DEMO-KONANA": "case_conference_held.yaml",
}
# The case left in its referral for the demo users to go on with.
LIVE_CASE = "RK-DEMO-1"
REFERRAL = {
    "referred_on": None,  # today, filled in when the demo is made
    "concerns": "Ema (5 let) často zůstává bez dozoru dospělého.",
    "question": "Jak rodina zajistí, že Ema bude vždy v péči dospělého?",
    "bottom_lines": [{"condition": "Ema není doma sama ani krátce."}],
    "child_age_band": "under_seven",
    "child_attendance": "in_part",
}
STRANGER = ("cizi", "Cizí Osoba")
EXTRA_PEOPLE = {"jitka": ("Jitka (teta)", None)}


def users() -> dict[str, tuple[str, kwflow.Organisation | None]]:
    """Person id -> (name, organisation), from the scenarios' casts."""
    found: dict[str, tuple[str, kwflow.Organisation | None]] = {}
    for file in PLAYED.values():
        for person_id, person in load_scenario(SCENARIOS / file).scenario.people.items():
            organisation = (
                kwflow.Organisation(person.organisation.id, person.organisation.kind)
                if person.organisation is not None
                else None
            )
            name = person.name if isinstance(person.name, str) else None
            if person.name is not None and name is None:
                name = person.name.text("cs")
            found.setdefault(person_id, (name or person_id, organisation))
    found.update(EXTRA_PEOPLE)
    found[STRANGER[0]] = (STRANGER[1], None)
    return found


def make_users(password: str) -> list[str]:
    """Create (or update) each demo user with ``password``; their usernames."""
    user_model = get_user_model()
    made = []
    for person_id, (name, organisation) in users().items():
        user, _ = user_model.objects.get_or_create(username=person_id)
        user.first_name = name
        user.set_password(password)
        user.save()
        Person.objects.update_or_create(
            user=user,
            defaults={
                "person_id": person_id,
                "organisation_id": organisation.id if organisation else "",
                "organisation_kind": organisation.kind if organisation else "",
            },
        )
        made.append(person_id)
    return made


def make_cases(engine: kwflow.Engine) -> list[str]:
    """Play the scenarios and open the live case, unless they exist already."""
    existing = set(engine.store.case_ids())
    made = []
    for case_id, file in PLAYED.items():
        if case_id in existing:
            continue
        result = run_scenario(
            _on_registry(load_scenario(SCENARIOS / file)),
            registry=engine.registry,
            store=engine.store,
            case_id=case_id,
        )
        if result.failure is not None:
            raise RuntimeError(f"the demo scenario {file} failed: {result.failure}")
        made.append(case_id)
    if LIVE_CASE not in existing:
        cast = users()
        referrer = "jana"
        engine.open_case(
            "family_conference", by=referrer, case_id=LIVE_CASE, organisation=cast[referrer][1]
        )
        engine.assign(LIVE_CASE, "marie", "family_member", by=referrer)
        today = engine.clock.now().date().isoformat()
        engine.submit(LIVE_CASE, "referral", {**REFERRAL, "referred_on": today}, by=referrer)
        made.append(LIVE_CASE)
    return made


def _on_registry(loaded: LoadedScenario) -> LoadedScenario:
    """The scenario, playing its process as the engine's registry has it.

    A scenario names its process file; the app's cases must run on the
    process its engine registered (the same id and version), or the
    engine would refuse them later as opened on another file.
    """
    played = scenario_process(loaded)
    ref = ProcessRef(id=played.id, version=played.version)
    return dataclasses.replace(loaded, scenario=loaded.scenario.model_copy(update={"process": ref}))
