"""Process pages word per-person documents and quantified conditions in Czech and English."""

from __future__ import annotations

from kwflow.authoring._process_page import render_process_page
from tests.support.runtime import fixture_process

INVITATIONS = fixture_process("invitations")


def test_the_czech_page_says_whose_copies_and_which_items() -> None:
    page = render_process_page(INVITATIONS, lang="cs")
    assert "Vede se zvlášť o každé osobě v rolích Člen rodiny, Dítě" in page
    assert "Dokumenty: Pozvánka (o každé osobě v rolích Člen rodiny, Dítě)" in page
    assert "u každé osoby: Pozvánka › Informován o konferenci = ano" in page
    assert "alespoň u jedné osoby: Pozvánka › Pro dítě = ano" in page
    assert "u každé položky: Prezence › Přítomní › Potvrzeno = ano" in page
    assert "u žádné položky: Prezence › Přítomní › Role = „Dítě“" in page
    assert "u žádné osoby: Pozvánka › Informován o konferenci = ne" in page


def test_the_english_page_says_whose_copies_and_which_items() -> None:
    page = render_process_page(INVITATIONS, lang="en")
    assert "Kept separately about each person in the roles Family member, Child" in page
    assert "for every person: Invitation › Informed about the conference = yes" in page
    assert "for at least one item: Attendance › Attendees › Role = “Child”" in page
    assert "for no person: Invitation › Informed about the conference = no" in page
