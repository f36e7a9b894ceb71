"""Process pages word per-person documents and quantified conditions in Czech and English."""

from __future__ import annotations

from kwflow.authoring._process_page import render_process_page
from tests.support.runtime import fixture_process

INVITATIONS = fixture_process("invitations")
OF = "\u203a"  # how a page says "document > field"


def test_the_czech_page_says_whose_copies_and_which_items() -> None:
    page = render_process_page(INVITATIONS, lang="cs")
    assert "Vede se zvlášť o každé osobě v rolích Člen rodiny, Dítě" in page
    assert "Dokumenty: Pozvánka (o každé osobě v rolích Člen rodiny, Dítě)" in page
    assert f"u každé osoby: Pozvánka {OF} Informován o konferenci = ano" in page
    assert f"alespoň u jedné osoby: Pozvánka {OF} Pro dítě = ano" in page
    assert f"u každé položky: Prezence {OF} Přítomní {OF} Potvrzeno = ano" in page
    assert f"u žádné položky: Prezence {OF} Přítomní {OF} Role = „Dítě“" in page
    assert f"u žádné osoby: Pozvánka {OF} Informován o konferenci = ne" in page


def test_the_english_page_says_whose_copies_and_which_items() -> None:
    page = render_process_page(INVITATIONS, lang="en")
    assert "Kept separately about each person in the roles Family member, Child" in page
    assert f"for every person: Invitation {OF} Informed about the conference = yes" in page
    assert f"for at least one item: Attendance {OF} Attendees {OF} Role = “Child”" in page
    assert f"for no person: Invitation {OF} Informed about the conference = no" in page
