"""Every screen of the casework app through Django's test client.

Each test works on a case of its own, opened through kwflow's public API
as the demo user ``jana`` (a referrer of the OSPOD in Tábor), and checks
what the page shows and what kwflow stored: a refused command stores
nothing, a double post stores once, a stale form loses nothing.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import kwflow

OSPOD = kwflow.Organisation("ospod_tabor", "ospod")
COORDINATION = kwflow.Organisation("rodinne_konference_jih", "coordination_service")
REFERRAL = {
    "referred_on": "2026-12-01",
    "concerns": "Ema často zůstává bez dozoru.",
    "question": "Jak rodina zajistí, že Ema bude v péči dospělého?",
    "bottom_lines": [{"condition": "Ema není doma sama."}],
    "child_age_band": "under_seven",
    "child_attendance": "in_part",
}


def _referred(engine: Any) -> str:
    """A family conference in its referral: jana refers, marie is the family."""
    case_id = f"T-{uuid.uuid4().hex[:10]}"
    engine.open_case("family_conference", by="jana", case_id=case_id, organisation=OSPOD)
    engine.assign(case_id, "marie", "family_member", by="jana")
    engine.submit(case_id, "referral", REFERRAL, by="jana")
    return case_id


def _consented(engine: Any, case_id: str) -> None:
    engine.submit(
        case_id,
        "consent",
        {"decision": "given", "decided_by": "marie", "decided_at": datetime.now(UTC)},
        by="marie",
    )


def _in_preparation(engine: Any) -> str:
    case_id = _referred(engine)
    _consented(engine, case_id)
    engine.act(case_id, "start_preparation", by="jana")
    engine.assign(case_id, "petr", "coordinator", by="jana", organisation=COORDINATION)
    return case_id


def _in_private_time(engine: Any) -> str:
    """A family conference in the family's private time: petr waits outside, on call."""
    case_id = _in_preparation(engine)
    invitee = {"name": "Marie", "relationship": "matka", "role": "family_member", "confirmed": True}
    engine.submit(case_id, "invitation_list", {"invitees": [invitee]}, by="petr")
    engine.submit(
        case_id, "invitation", {"informed": True, "confirmed": True}, by="petr", about="marie"
    )
    arrangements = {"place": "Komunitní centrum, Lipová 12", "starts_at": "2027-01-10T16:00+01:00"}
    engine.submit(case_id, "arrangements", arrangements, by="petr")
    engine.act(case_id, "open_conference", by="petr")
    engine.act(case_id, "start_private_time", by="petr")
    return case_id


def _text(response: Any) -> str:
    """The page's text, tags and entities gone, white space squeezed."""
    html = response.content.decode()
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&quot;", '"')
    return re.sub(r"\s+", " ", text)


def _hidden(response: Any, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', response.content.decode())
    assert found is not None, name
    return found.group(1)


# ------------------------------------------------------------------ login and language


def test_a_visitor_is_sent_to_the_czech_login(django_site: Any) -> None:
    from django.test import Client

    client = Client()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    page = client.get("/login/")
    assert page.status_code == 200
    assert "Přihlásit" in _text(page)
    assert "Heslo" in _text(page)
    wrong = client.post("/login/", {"username": "jana", "password": "nope"})
    assert "Špatné uživatelské jméno nebo heslo." in _text(wrong)


def test_the_language_switch_turns_the_app_and_kwflow_labels_english(
    engine: Any, client_for: Any
) -> None:
    case_id = _referred(engine)
    client = client_for("jana")
    czech = _text(client.get(f"/cases/{case_id}/"))
    assert "Rodinná konference" in czech
    assert "Fáze: Zadání" in czech
    assert "Kroky" in czech
    client.post("/language/", {"language": "en", "next": "/"})
    english = _text(client.get(f"/cases/{case_id}/"))
    assert "Family group conference" in english
    assert "Phase: Referral" in english
    assert "Steps" in english
    assert "Kroky" not in english
    # kwflow's reasons come in the chosen language too.
    assert "the artifact 'consent' is missing" in english


# ------------------------------------------------------------------ lists


def test_my_tasks_lists_what_waits_for_the_person(engine: Any, client_for: Any) -> None:
    case_id = _referred(engine)
    page = client_for("jana").get("/")
    assert page.status_code == 200
    text = _text(page)
    assert "Moje úkoly" in text
    assert case_id in text
    assert "Zasáhnout k ochraně dítěte" in text  # the one step jana may take now
    # The stranger takes part in nothing: nothing waits for them.
    assert "Teď na vás nic nečeká." in _text(client_for("cizi").get("/"))


def test_the_case_list_filters_by_process_phase_open_and_role(engine: Any, client_for: Any) -> None:
    referred = _referred(engine)
    preparing = _in_preparation(engine)
    client = client_for("jana")

    def listed(**filters: str) -> str:
        response = client.get("/cases/", filters)
        assert response.status_code == 200
        return _text(response)

    everything = listed()
    assert referred in everything
    assert preparing in everything
    assert "RK-DEMO-HOTOVO" in everything  # the played demo case, ended
    in_referral = listed(phase="referral")
    assert referred in in_referral
    assert preparing not in in_referral
    running = listed(open="yes")
    assert referred in running
    assert "RK-DEMO-HOTOVO" not in running
    assert "RK-DEMO-HOTOVO" in listed(open="no")
    assert referred not in listed(open="no")
    assert referred in listed(process="family_conference")
    assert referred not in listed(process="case_conference")
    assert referred in listed(role="referrer")
    assert referred not in listed(role="coordinator")
    # petr sees the case he coordinates, never the one still in its referral.
    petr = _text(client_for("petr").get("/cases/", {"role": "coordinator"}))
    assert preparing in petr
    assert referred not in petr
    # The stranger's list is empty.
    assert "Žádný případ neodpovídá." in _text(client_for("cizi").get("/cases/"))


def test_a_filter_kwflow_cannot_take_is_shown_not_crashed(client_for: Any) -> None:
    response = client_for("jana").get("/cases/", {"after": "not-a-cursor"})
    assert response.status_code == 400
    assert "after" in _text(response)


def test_opening_a_case_from_the_list_stores_one_case_on_a_double_post(
    engine: Any, client_for: Any
) -> None:
    client = client_for("jana")
    key = _hidden(client.get("/cases/"), "idempotency_key")
    before = len(engine.find_cases(person="jana", limit=1000))
    first = client.post("/cases/open/", {"process": "family_conference", "idempotency_key": key})
    second = client.post("/cases/open/", {"process": "family_conference", "idempotency_key": key})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert len(engine.find_cases(person="jana", limit=1000)) == before + 1
    case_id = first["Location"].strip("/").split("/")[-1]
    assert engine.get_unfiltered(case_id).roles_of("jana") == ("referrer",)


# ------------------------------------------------------------------ the case page


def test_the_case_page_shows_phase_people_documents_deadlines_steps_and_timeline(
    engine: Any, client_for: Any
) -> None:
    case_id = _referred(engine)
    text = _text(client_for("jana").get(f"/cases/{case_id}/"))
    assert "Fáze: Zadání" in text
    assert "Účastníte se jako: Zadavatel" in text
    assert "Marie (matka) Člen rodinné sítě" in text  # participants, by name
    assert "ospod_tabor (OSPOD)" in text  # jana's organisation
    assert "Nepodkročitelné podmínky Ema není doma sama." in text  # the referral's fields
    # The deadline runs from the referral date: due 8 weeks later, in Prague time.
    assert "Konference do 8 týdnů od zadání Nezávislý koordinátor 26.01.2027 23:59 běží" in text
    # A blocked step says why, in Czech; the allowed one is a button.
    assert "Zahájit přípravu — teď ne: chybí dokument 'consent'" in text
    assert "založil(a) případ jako Zadavatel" in text  # the timeline
    assert "zapsal(a) dokument Zadání konference (verze 1)" in text


def test_the_family_sees_only_what_the_process_lets_it_read(engine: Any, client_for: Any) -> None:
    case_id = _in_preparation(engine)
    engine.submit(
        case_id,
        "coordinator_notes",
        {"conversations": [{"held_on": "2026-12-02", "with_whom": "Marie", "notes": "Tajné."}]},
        by="petr",
    )
    marie = _text(client_for("marie").get(f"/cases/{case_id}/"))
    assert "Ema často zůstává bez dozoru." in marie  # the referral is hers to read
    assert "Tajné." not in marie
    html = client_for("marie").get(f"/cases/{case_id}/").content.decode()
    assert 'data-artifact="coordinator_notes"' not in html  # no document shown
    # The timeline says a note was written, without its content.
    assert "Poznámky koordinátora z přípravy (verze 1) (obsah vám není přístupný)" in marie
    petr = _text(client_for("petr").get(f"/cases/{case_id}/"))
    assert "Tajné." in petr


def test_a_stranger_cannot_open_a_case_nor_act_in_it(engine: Any, client_for: Any) -> None:
    case_id = _referred(engine)
    version = engine.get_unfiltered(case_id).version
    stranger = client_for("cizi")
    page = stranger.get(f"/cases/{case_id}/")
    assert page.status_code == 403
    text = _text(page)
    assert "Tohoto případu se neúčastníte" in text
    assert "Ema" not in text
    assert "Zadání" not in text
    assert stranger.get(f"/cases/{case_id}/documents/referral/").status_code == 403
    refused = stranger.post(f"/cases/{case_id}/act/", {"action": "intervene"})
    assert refused.status_code == 403
    assert engine.get_unfiltered(case_id).version == version
    assert stranger.get("/cases/no-such-case/").status_code == 404


def test_a_refused_step_shows_its_czech_reason_and_stores_nothing(
    engine: Any, client_for: Any
) -> None:
    case_id = _referred(engine)
    version = engine.get_unfiltered(case_id).version
    response = client_for("jana").post(
        f"/cases/{case_id}/act/",
        {"action": "start_preparation", "expected_version": str(version)},
    )
    assert response.status_code == 409
    text = _text(response)
    assert "není nyní povolen" in text or "nelze" in text or "nyní" in text
    assert "chybí dokument 'consent'" in text
    assert engine.get_unfiltered(case_id).version == version


def test_a_step_taken_from_the_page_moves_the_case_once_on_a_double_click(
    engine: Any, client_for: Any
) -> None:
    case_id = _referred(engine)
    _consented(engine, case_id)
    client = client_for("jana")
    page = client.get(f"/cases/{case_id}/")
    key = _hidden(page, "idempotency_key")  # the first form on the page: the step's
    version = _hidden(page, "expected_version")
    posted = {"action": "start_preparation", "expected_version": version}
    key = re.search(r'value="([^"]*-start_preparation)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    first = client.post(f"/cases/{case_id}/act/", {**posted, "idempotency_key": key})
    second = client.post(f"/cases/{case_id}/act/", {**posted, "idempotency_key": key})
    assert first.status_code == second.status_code == 302
    case = engine.get_unfiltered(case_id)
    assert case.phase.id == "preparation"
    assert [action.action for action in case.actions] == ["start_preparation"]
    assert "Hotovo." in _text(client.get(f"/cases/{case_id}/"))


# ------------------------------------------------------------------ documents


def test_a_document_form_is_made_from_the_artifact_fields(engine: Any, client_for: Any) -> None:
    case_id = _referred(engine)
    page = client_for("jana").get(f"/cases/{case_id}/documents/referral/")
    assert page.status_code == 200
    html = page.content.decode()
    # Each field by its type: a date, a list of records, an enum with Czech labels.
    assert 'type="date" id="f-referred_on" name="referred_on" value="2026-12-01"' in html
    assert 'name="bottom_lines[0].condition"' in html
    assert 'name="bottom_lines[1].condition"' in html
    assert ">Mladší 7 let</option>" in html
    assert "Věk (nejmladšího) dítěte" in _text(page)


def test_kwflow_field_errors_are_shown_at_their_fields_in_czech(
    engine: Any, client_for: Any
) -> None:
    case_id = _referred(engine)
    client = client_for("marie")
    page = client.get(f"/cases/{case_id}/documents/consent/")
    version = engine.get_unfiltered(case_id).version
    response = client.post(
        f"/cases/{case_id}/documents/consent/",
        {
            "expected_version": _hidden(page, "expected_version"),
            "idempotency_key": _hidden(page, "idempotency_key"),
            "decision": "",
            "decided_by": "marie",
            "decided_at": "not a time",
            "note": "Souhlasíme.",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    decision = html.split('data-field="decision"')[1].split('data-field="decided_by"')[0]
    assert "hodnota je povinná" in decision
    decided_at = html.split('data-field="decided_at"')[1].split('data-field="note"')[0]
    assert "errorlist" in decided_at
    assert "Souhlasíme." in html  # what the user typed is kept
    assert engine.get_unfiltered(case_id).version == version
    assert engine.get_unfiltered(case_id).latest("consent") is None


def test_a_document_is_stored_once_on_a_double_post(engine: Any, client_for: Any) -> None:
    case_id = _referred(engine)
    client = client_for("marie")
    page = client.get(f"/cases/{case_id}/documents/consent/")
    posted = {
        "expected_version": _hidden(page, "expected_version"),
        "idempotency_key": _hidden(page, "idempotency_key"),
        "decision": "given",
        "decided_by": "marie",
        "decided_at": "2026-12-03T10:30",
    }
    first = client.post(f"/cases/{case_id}/documents/consent/", posted)
    second = client.post(f"/cases/{case_id}/documents/consent/", posted)
    assert first.status_code == second.status_code == 302
    case = engine.get_unfiltered(case_id)
    consent = case.latest("consent")
    assert consent is not None
    assert consent.number == 1
    # The local time typed is Prague time (the process's), stored as UTC.
    assert consent.data["decided_at"].startswith("2026-12-03T09:30")


def test_a_stale_form_shows_a_conflict_and_loses_nothing(engine: Any, client_for: Any) -> None:
    case_id = _referred(engine)
    client = client_for("jana")
    page = client.get(f"/cases/{case_id}/documents/referral/")
    stale = _hidden(page, "expected_version")
    engine.submit(
        case_id,
        "consent",
        {"decision": "refused", "decided_by": "marie", "decided_at": datetime.now(UTC)},
        by="marie",
    )
    version = engine.get_unfiltered(case_id).version
    posted = {
        **{k: v for k, v in REFERRAL.items() if isinstance(v, str)},
        "bottom_lines[0].condition": "Nová podmínka z formuláře.",
        "concerns": "Upravené obavy.",
        "expected_version": stale,
        "idempotency_key": _hidden(page, "idempotency_key"),
    }
    response = client.post(f"/cases/{case_id}/documents/referral/", posted)
    assert response.status_code == 409
    text = _text(response)
    assert "Případ se mezitím změnil." in text
    assert "Upravené obavy." in text
    assert "Nová podmínka z formuláře." in text
    assert engine.get_unfiltered(case_id).version == version  # nothing stored
    assert engine.get_unfiltered(case_id).latest("referral").number == 1  # type: ignore[union-attr]
    # The form now carries the current version: sending it again is the user's decision.
    again = client.post(
        f"/cases/{case_id}/documents/referral/",
        {**posted, "expected_version": _hidden(response, "expected_version")},
    )
    assert again.status_code == 302
    assert engine.get_unfiltered(case_id).latest("referral").data["concerns"] == "Upravené obavy."  # type: ignore[union-attr]


# ------------------------------------------------------------------ people


def test_assigning_a_coordinator_from_the_page(engine: Any, client_for: Any) -> None:
    case_id = _referred(engine)
    _consented(engine, case_id)
    engine.act(case_id, "start_preparation", by="jana")
    client = client_for("jana")
    page = client.get(f"/cases/{case_id}/")
    key = re.search(r'value="([^"]*-assign)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    response = client.post(
        f"/cases/{case_id}/assign/",
        {
            "person": "petr",
            "role": "coordinator",
            "idempotency_key": key,
            "expected_version": _hidden(page, "expected_version"),
        },
    )
    assert response.status_code == 302
    case = engine.get_unfiltered(case_id)
    assert case.people_in("coordinator") == ("petr",)
    assert case.organisations["petr"].kind == "coordination_service"  # from his Person row


def test_an_assignment_kwflow_refuses_shows_the_czech_reason(engine: Any, client_for: Any) -> None:
    case_id = _referred(engine)  # before consent no coordinator is assigned
    version = engine.get_unfiltered(case_id).version
    response = client_for("jana").post(
        f"/cases/{case_id}/assign/", {"person": "petr", "role": "coordinator"}
    )
    assert response.status_code == 409
    assert "Nezávislý koordinátor" not in _text(response).split("Účastníci")[1].split("Přidělit")[0]
    assert engine.get_unfiltered(case_id).version == version


def test_handing_the_referrer_over_to_a_colleague(engine: Any, client_for: Any) -> None:
    case_id = _referred(engine)
    client = client_for("jana")
    page = client.get(f"/cases/{case_id}/")
    assert "Předat roli" in _text(page)
    response = client.post(
        f"/cases/{case_id}/handover/",
        {
            "role": "referrer",
            "person": "jana",
            "successor": "olga",
            "reason": "Jana odchází na jiné oddělení.",
            "expected_version": _hidden(page, "expected_version"),
        },
    )
    assert response.status_code == 302
    case = engine.get_unfiltered(case_id)
    assert case.people_in("referrer") == ("olga",)
    olga = _text(client_for("olga").get(f"/cases/{case_id}/"))
    assert "předal(a) roli Zadavatel od osoby Jana (zadavatelka OSPOD)" in olga
    assert "Jana odchází na jiné oddělení." in olga
    # jana takes no part any more.
    assert client.get(f"/cases/{case_id}/").status_code == 403


def test_a_handover_without_a_reason_is_refused_in_czech(engine: Any, client_for: Any) -> None:
    case_id = _referred(engine)
    version = engine.get_unfiltered(case_id).version
    response = client_for("jana").post(
        f"/cases/{case_id}/handover/",
        {"role": "referrer", "person": "jana", "successor": "olga", "reason": ""},
    )
    assert response.status_code >= 400
    assert 'id="refusal"' in response.content.decode()
    assert engine.get_unfiltered(case_id).version == version


def _unassign_choices(response: Any) -> list[str]:
    """The "role|holder" choices of the page's take-away form (none when not offered)."""
    html = response.content.decode()
    if 'id="unassign-form"' not in html:
        return []
    form = html.split('id="unassign-form"')[1].split("</form>")[0]
    return re.findall(r'<option value="([^"]*)"', form)


def test_taking_a_role_away_where_the_process_allows_it(engine: Any, client_for: Any) -> None:
    case_id = _in_preparation(engine)
    engine.assign(case_id, "ema", "child", by="jana")
    client = client_for("jana")
    page = client.get(f"/cases/{case_id}/")
    # jana assigns the child, the family and the coordinator; the family and the
    # coordinator have one holder each, their minimum, so only the child is offered.
    assert _unassign_choices(page) == ["child|ema"]
    assert "Odebrat roli" in _text(page)
    # The family member assigns no one: no form for her.
    assert _unassign_choices(client_for("marie").get(f"/cases/{case_id}/")) == []
    posted = {
        "unassign": "child|ema",
        "expected_version": _hidden(page, "expected_version"),
        "idempotency_key": _button_key(page, "unassign"),
    }
    first = client.post(f"/cases/{case_id}/unassign/", posted)
    second = client.post(f"/cases/{case_id}/unassign/", posted)  # a double click
    assert first.status_code == second.status_code == 302
    case = engine.get_unfiltered(case_id)
    assert case.people_in("child") == ()
    assert [e.type for e in engine.history_unfiltered(case_id)].count("role_unassigned") == 1
    after = client.get(f"/cases/{case_id}/")
    assert "odebral(a) osobě Ema (dítě) roli Dítě" in _text(after)
    assert _unassign_choices(after) == []
    # ema takes no part any more.
    assert client_for("ema").get(f"/cases/{case_id}/").status_code == 403


def test_taking_a_role_away_that_kwflow_refuses_stores_nothing(
    engine: Any, client_for: Any
) -> None:
    case_id = _in_preparation(engine)
    engine.assign(case_id, "ema", "child", by="jana")
    version = engine.get_unfiltered(case_id).version
    # The family's one member: the role would fall below its minimum.
    below = client_for("jana").post(
        f"/cases/{case_id}/unassign/", {"role": "family_member", "person": "marie"}
    )
    assert below.status_code == 409
    assert 'id="refusal"' in below.content.decode()
    assert "roli 'family_member' musí mít alespoň 1 osoba" in _text(below)
    # The family member may not take anyone's role away.
    refused = client_for("marie").post(
        f"/cases/{case_id}/unassign/", {"role": "child", "person": "ema"}
    )
    assert refused.status_code == 403
    assert "'marie' nesmí odebírat roli 'child'" in _text(refused)
    stranger = client_for("cizi").post(
        f"/cases/{case_id}/unassign/", {"role": "child", "person": "ema"}
    )
    assert stranger.status_code == 403
    assert "Tohoto případu se neúčastníte" in _text(stranger)
    assert engine.get_unfiltered(case_id).version == version
    assert engine.get_unfiltered(case_id).people_in("child") == ("ema",)


def test_suspension_and_resumption_are_ordinary_steps(engine: Any, client_for: Any) -> None:
    case_id = _in_preparation(engine)
    client = client_for("jana")
    form = client.get(f"/cases/{case_id}/actions/intervene/")
    assert form.status_code == 200
    assert "Záznam o zásahu OSPOD" in _text(form)
    response = client.post(
        f"/cases/{case_id}/actions/intervene/",
        {
            "expected_version": _hidden(form, "expected_version"),
            "idempotency_key": _hidden(form, "idempotency_key"),
            "reason": "Dítě bylo v noci samo doma.",
            "measure": "Dočasně u babičky.",
            "decided_at": "2026-12-04T22:15",
        },
    )
    assert response.status_code == 302
    assert engine.get_unfiltered(case_id).phase.id == "suspended"
    page = client.get(f"/cases/{case_id}/")
    assert "pozastaven" in _text(page)
    key = re.search(r'value="([^"]*-resume)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    resumed = client.post(
        f"/cases/{case_id}/act/",
        {
            "action": "resume",
            "idempotency_key": key,
            "expected_version": _hidden(page, "expected_version"),
        },
    )
    assert resumed.status_code == 302
    assert engine.get_unfiltered(case_id).phase.id == "preparation"


def test_opening_a_follow_up_conference_of_a_held_one(engine: Any, client_for: Any) -> None:
    client = client_for("olga")
    page = client.get("/cases/PK-DEMO-KONANA/")
    assert "Založit navazující případ: Případová konference" in _text(page)
    assert "Navazující" in _text(page)
    key = re.search(r'value="([^"]*-follow-case_conference)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    first = client.post(
        "/cases/PK-DEMO-KONANA/follow-up/", {"process": "case_conference", "idempotency_key": key}
    )
    second = client.post(
        "/cases/PK-DEMO-KONANA/follow-up/", {"process": "case_conference", "idempotency_key": key}
    )
    assert first.status_code == 302
    assert first["Location"] == second["Location"]
    follow_up = first["Location"].strip("/").split("/")[-1]
    assert engine.get_unfiltered(follow_up).follows == "PK-DEMO-KONANA"
    assert [s.id for s in engine.follow_ups("PK-DEMO-KONANA")] == [follow_up]
    assert "Navazuje na případ PK-DEMO-KONANA" in _text(client.get(f"/cases/{follow_up}/"))
    # A running case offers no follow-up.
    running = _referred(engine)
    assert "follow-up-button" not in client_for("jana").get(f"/cases/{running}/").content.decode()


def _button_key(response: Any, suffix: str) -> str | None:
    """The idempotency key of the page's form whose key ends with ``suffix``, if offered."""
    found = re.search(rf'value="([^"]*-{re.escape(suffix)})"', response.content.decode())
    return found.group(1) if found else None


def test_the_family_calls_the_coordinator_in_and_sends_him_out(
    engine: Any, client_for: Any
) -> None:
    case_id = _in_private_time(engine)
    marie = client_for("marie")
    page = marie.get(f"/cases/{case_id}/")
    assert "Přivolat: Nezávislý koordinátor" in _text(page)
    assert "Propustit:" not in _text(page)
    called = marie.post(
        f"/cases/{case_id}/call-in/",
        {
            "role": "coordinator",
            "expected_version": _hidden(page, "expected_version"),
            "idempotency_key": _button_key(page, "call-coordinator"),
        },
    )
    assert called.status_code == 302
    assert engine.get_unfiltered(case_id).called_in == ("coordinator",)
    # Recorded through the role, never the person (nothing of private time is kept).
    assert engine.history_unfiltered(case_id)[-1].actor == "role:family_member"
    after = marie.get(f"/cases/{case_id}/")
    text = _text(after)
    assert "Propustit: Nezávislý koordinátor" in text
    assert "Přivolat: Nezávislý koordinátor" not in text
    assert "někdo přítomný jako Člen rodinné sítě přivolal(a) roli Nezávislý koordinátor" in text
    assert "Marie (matka) přivolal(a)" not in text
    # The coordinator, called in, is present now: he sees the same line and may be sent out.
    petr = _text(client_for("petr").get(f"/cases/{case_id}/"))
    assert "někdo přítomný jako Člen rodinné sítě přivolal(a) roli Nezávislý koordinátor" in petr
    assert "Propustit: Nezávislý koordinátor" in petr
    dismissed = marie.post(
        f"/cases/{case_id}/call-in/",
        {
            "role": "coordinator",
            "dismiss": "1",
            "expected_version": _hidden(after, "expected_version"),
            "idempotency_key": _button_key(after, "dismiss-coordinator"),
        },
    )
    assert dismissed.status_code == 302
    assert engine.get_unfiltered(case_id).called_in == ()
    final = _text(marie.get(f"/cases/{case_id}/"))
    assert "někdo přítomný jako Člen rodinné sítě propustil(a) roli Nezávislý koordinátor" in final
    assert "Přivolat: Nezávislý koordinátor" in final


def test_a_call_in_twice_on_a_double_click_stores_once(engine: Any, client_for: Any) -> None:
    case_id = _in_private_time(engine)
    marie = client_for("marie")
    page = marie.get(f"/cases/{case_id}/")
    posted = {
        "role": "coordinator",
        "expected_version": _hidden(page, "expected_version"),
        "idempotency_key": _button_key(page, "call-coordinator"),
    }
    first = marie.post(f"/cases/{case_id}/call-in/", posted)
    second = marie.post(f"/cases/{case_id}/call-in/", posted)
    assert first.status_code == second.status_code == 302
    called = [e for e in engine.history_unfiltered(case_id) if e.type == "called_in"]
    assert len(called) == 1


def test_someone_absent_in_private_time_may_not_call_in_nor_dismiss(
    engine: Any, client_for: Any
) -> None:
    case_id = _in_private_time(engine)
    version = engine.get_unfiltered(case_id).version
    for absent in ("jana", "petr"):
        client = client_for(absent)
        # Neither is offered the button: they are not present in private time.
        page = client.get(f"/cases/{case_id}/")
        assert page.status_code == 200
        assert _button_key(page, "call-coordinator") is None
        refused = client.post(f"/cases/{case_id}/call-in/", {"role": "coordinator"})
        assert refused.status_code == 403
        text = _text(refused)
        assert 'id="refusal"' in refused.content.decode()
        assert f"'{absent}' nesmí přizvat roli 'coordinator'" in text
        assert "není ve fázi 'private_family_time' přítomen" in text
    stranger = client_for("cizi").post(f"/cases/{case_id}/call-in/", {"role": "coordinator"})
    assert stranger.status_code == 403
    assert "Tohoto případu se neúčastníte" in _text(stranger)
    assert engine.get_unfiltered(case_id).version == version  # nothing stored
    # With the coordinator called in, the referrer still may not send him out.
    engine.call_in(case_id, "coordinator", by="marie")
    version = engine.get_unfiltered(case_id).version
    refused = client_for("jana").post(
        f"/cases/{case_id}/call-in/", {"role": "coordinator", "dismiss": "1"}
    )
    assert refused.status_code == 403
    assert "'jana' není ve fázi 'private_family_time' přítomen" in _text(refused)
    assert engine.get_unfiltered(case_id).version == version
    assert engine.get_unfiltered(case_id).called_in == ("coordinator",)


def test_a_call_in_kwflow_refuses_shows_its_czech_reason(engine: Any, client_for: Any) -> None:
    case_id = _in_preparation(engine)  # preparation: no one is on call
    version = engine.get_unfiltered(case_id).version
    page = client_for("jana").get(f"/cases/{case_id}/")
    assert _button_key(page, "call-coordinator") is None
    refused = client_for("jana").post(f"/cases/{case_id}/call-in/", {"role": "coordinator"})
    assert refused.status_code == 409
    assert 'id="refusal"' in refused.content.decode()
    assert "role 'coordinator' není ve fázi 'preparation' na zavolání" in _text(refused)
    assert engine.get_unfiltered(case_id).version == version


# ------------------------------------------------------------------ every view


def test_logging_out_ends_the_session(django_site: Any, client_for: Any) -> None:
    client = client_for("jana")
    assert client.get("/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login")
    after = client.get("/")
    assert after.status_code == 302
    assert after["Location"].startswith("/login/")


def test_a_follow_up_kwflow_refuses_shows_why_and_opens_nothing(
    engine: Any, client_for: Any
) -> None:
    running = _referred(engine)
    before = len(engine.find_cases(person="jana", limit=1000))
    response = client_for("jana").post(
        f"/cases/{running}/follow-up/", {"process": "case_conference"}
    )
    assert response.status_code >= 400
    assert 'id="refusal"' in response.content.decode()
    # The family conference's file names no follow-up of the case conference's kind.
    assert f"nemůže navázat na případ '{running}'" in _text(response)
    assert engine.follow_ups(running) == []
    assert len(engine.find_cases(person="jana", limit=1000)) == before


def test_opening_a_case_of_an_unknown_process_says_so_and_opens_nothing(
    engine: Any, client_for: Any
) -> None:
    client = client_for("jana")
    before = len(engine.find_cases(person="jana", limit=1000))
    response = client.post("/cases/open/", {"process": "no_such_process"}, follow=True)
    assert response.status_code == 200
    assert "proces 'no_such_process' není registrován" in _text(response)
    assert len(engine.find_cases(person="jana", limit=1000)) == before


def test_an_action_form_is_only_for_steps_that_record_a_document(
    engine: Any, client_for: Any
) -> None:
    case_id = _referred(engine)
    jana = client_for("jana")
    assert jana.get(f"/cases/{case_id}/actions/start_preparation/").status_code == 404
    assert jana.get(f"/cases/{case_id}/actions/no_such_step/").status_code == 404
    assert jana.get("/cases/no-such-case/actions/intervene/").status_code == 404
    version = engine.get_unfiltered(case_id).version
    stranger = client_for("cizi")
    assert stranger.get(f"/cases/{case_id}/actions/intervene/").status_code == 403
    refused = stranger.post(f"/cases/{case_id}/actions/intervene/", {"reason": "x"})
    assert refused.status_code == 403
    assert engine.get_unfiltered(case_id).version == version


def test_every_view_of_the_app_has_a_test_here(django_site: Any) -> None:
    """Each route of casework/urls.py and of the site (login, logout, language) has a test."""
    from casework import urls
    from casework_site import urls as site_urls
    from django.urls import URLPattern

    source = Path(__file__).read_text(encoding="utf-8")
    routes = [*urls.urlpatterns, *site_urls.urlpatterns]
    for pattern in (route for route in routes if isinstance(route, URLPattern)):
        route = str(pattern.pattern)
        # "cases/<str:case_id>/call-in/" is requested as "/cases/{case_id}/call-in/"
        # (or with a literal id): a string of the test source, whole.
        parts = [re.escape(part) for part in re.split(r"<[^>]+>", route)]
        requested = '"/' + '[^/"]+'.join(parts) + '"'
        assert re.search(requested, source), f"no test requests {route!r}"


# ------------------------------------------------------------------ notifications


def test_the_notifications_page_lists_what_was_delivered_to_the_person(
    django_site: Any, client_for: Any
) -> None:
    from casework.models import Delivery

    Delivery.objects.create(
        person_id="petr",
        notification_key="n-1",
        case_id="RK-DEMO-1",
        text_cs="Blíží se lhůta konference.",
        text_en="The conference deadline is near.",
        due=datetime.now(UTC) + timedelta(days=3),
    )
    assert "Blíží se lhůta konference." in _text(client_for("petr").get("/notifications/"))
    assert "The conference deadline is near." in _text(
        client_for("petr", "en").get("/notifications/")
    )
    assert "Blíží se lhůta konference." not in _text(client_for("marie").get("/notifications/"))


def test_the_outbox_drainer_delivers_or_says_the_outbox_is_missing(
    engine: Any, client_for: Any
) -> None:
    import io

    from casework import outbox
    from casework.models import Delivery
    from django.core.management import call_command
    from django.core.management.base import CommandError

    if not outbox.available(engine):
        with pytest.raises(CommandError, match="no notification outbox"):
            call_command("drain_outbox")
        assert 'id="no-outbox"' in client_for("petr").get("/notifications/").content.decode()
        return
    # A referral ten weeks old: the conference is late, so the referrer is
    # told (the escalation of the eight-week rule) when the outbox is drained.
    case_id = f"T-{uuid.uuid4().hex[:10]}"
    engine.open_case("family_conference", by="jana", case_id=case_id, organisation=OSPOD)
    engine.assign(case_id, "marie", "family_member", by="jana")
    ten_weeks_ago = (datetime.now(UTC) - timedelta(weeks=10)).date().isoformat()
    engine.submit(case_id, "referral", {**REFERRAL, "referred_on": ten_weeks_ago}, by="jana")
    out = io.StringIO()
    call_command("drain_outbox", stdout=out)
    assert out.getvalue().startswith("delivered ")
    delivered = Delivery.objects.filter(case_id=case_id, person_id="jana")
    assert delivered.count() >= 1
    assert all(d.text_cs and d.text_en for d in delivered)
    page = _text(client_for("jana").get("/notifications/"))
    assert case_id in page
    assert case_id not in _text(client_for("marie").get("/notifications/"))
    # Drained: a second round delivers nothing more for the case.
    before = Delivery.objects.filter(case_id=case_id).count()
    call_command("drain_outbox", stdout=io.StringIO())
    assert Delivery.objects.filter(case_id=case_id).count() == before


# ------------------------------------------------------------------ PostgreSQL


@pytest.mark.postgres
def test_the_cases_move_to_postgresql_with_one_setting(django_site: Any, client_for: Any) -> None:
    """kwflow's store on the PostgreSQL server, in a schema of its own, dropped after."""
    import os

    from casework import cases
    from django.test import override_settings

    from tests.support.store import pg_dsn

    dsn = pg_dsn()
    try:
        import psycopg

        psycopg.connect(dsn, connect_timeout=3).close()
    except Exception as unreachable:  # noqa: BLE001 - any failure means "not reachable"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL at {dsn} is unreachable and CI=true: {unreachable}")
        pytest.skip(f"PostgreSQL at {dsn} is unreachable: {unreachable}")
    schema = f"casework_test_{uuid.uuid4().hex[:12]}"
    cases.close()
    try:
        with override_settings(KWFLOW_POSTGRES_DSN=dsn, KWFLOW_SCHEMA=schema):
            engine = cases.engine()
            assert isinstance(engine.store, kwflow.PostgresStore)
            case_id = _referred(engine)
            text = _text(client_for("jana").get(f"/cases/{case_id}/"))
            assert "Fáze: Zadání" in text
            assert "Ema často zůstává bez dozoru." in text
            cases.close()
        assert case_id not in set(cases.engine().store.case_ids())  # back on SQLite
    finally:
        cases.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
