"""A family conference from referral to an approved plan, in a real browser.

Three demo users take their turns against a live server, in headless
Chromium (Debian's ``chromium`` and ``chromium-driver``, which
``scripts/browser`` installs; locally the test is skipped without them,
under ``CI=true`` it fails): the referrer (jana) opens the case, brings in
the family and refers; the family (marie) consents; the referrer starts
the preparation and names the coordinator (petr), who invites the family,
arranges the meeting and opens the conference; the family writes its plan
in private time; the referrer approves it. After each turn the test checks
what that person sees, and saves a screenshot in the folder the test run
prints at its end.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.browser import Quiet, headless_chromium, serving

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(scope="module")
def live_server(django_site: Any) -> Iterator[str]:
    """The app on a local port, served by Django's threaded development server."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Handler(Quiet, WSGIRequestHandler):
        pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Handler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    with serving(server) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with headless_chromium(window=(1280, 1600), arguments=("--lang=cs",)) as driver:
        yield driver


class Turn:
    """One user's session in the browser: log in, open pages, fill forms, take steps."""

    def __init__(
        self, driver: Any, server: str, shots: Path, saved: list[Path], password: str
    ) -> None:
        self.driver = driver
        self.server = server
        self.shots = shots
        self.saved = saved
        self.password = password
        self.case_id = ""

    def login(self, username: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.delete_all_cookies()
        self.driver.get(f"{self.server}/login/")
        self.driver.find_element(By.ID, "id_username").send_keys(username)
        self.driver.find_element(By.ID, "id_password").send_keys(self.password)
        self._submit(self.driver.find_element(By.ID, "login-button"))
        assert self.driver.find_element(By.ID, "nav-inbox").text == "Moje úkoly"

    def _submit(self, button: Any) -> None:
        """Click a submit button and wait for the next page (a new window object)."""
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.execute_script("window.casework_old_page = true;")
        button.click()
        WebDriverWait(self.driver, 30).until(
            lambda driver: driver.execute_script(
                "return window.casework_old_page === undefined"
                " && document.readyState === 'complete';"
            )
        )

    def case_page(self) -> str:
        from selenium.webdriver.common.by import By

        self.driver.get(f"{self.server}/cases/{self.case_id}/")
        return str(self.driver.find_element(By.TAG_NAME, "main").text)

    def fill(self, values: dict[str, str], form: str = "#document-form") -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        for name, value in values.items():
            element = self.driver.find_element(By.CSS_SELECTOR, f'{form} [name="{name}"]')
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            else:  # date and time inputs too: their value, whatever the locale shows
                self.driver.execute_script("arguments[0].value = arguments[1];", element, value)

    def write(self, artifact: str, values: dict[str, str]) -> None:
        """Open a document's form from the case page, fill it in and save it."""
        from selenium.webdriver.common.by import By

        self.case_page()
        link = self.driver.find_element(
            By.CSS_SELECTOR, f'a.document-link[data-artifact="{artifact}"]'
        )
        self.driver.get(link.get_attribute("href"))  # the link the page offers
        self.fill(values)
        self._submit(self.driver.find_element(By.ID, "save"))
        main = self.driver.find_element(By.TAG_NAME, "main").text
        assert 'id="refusal"' not in self.driver.page_source, main
        assert self.driver.current_url.endswith(f"/cases/{self.case_id}/")

    def step(self, action: str) -> None:
        from selenium.webdriver.common.by import By

        self.case_page()
        button = self.driver.find_element(
            By.CSS_SELECTOR, f'div.action.allowed[data-action="{action}"] button'
        )
        self._submit(button)
        assert 'id="refusal"' not in self.driver.page_source

    def assign(self, person: str, role: str) -> None:
        from selenium.webdriver.common.by import By

        self.case_page()
        self.fill({"person": person, "role": role}, form="#assign-form")
        self._submit(self.driver.find_element(By.ID, "assign-button"))
        assert 'id="refusal"' not in self.driver.page_source

    def shot(self, name: str) -> None:
        path = self.shots / f"{len(self.saved) + 1:02d}-{name}.png"
        assert self.driver.save_screenshot(str(path))
        self.saved.append(path)


@pytest.mark.slow
def test_a_family_conference_from_referral_to_an_approved_plan(  # noqa: PLR0917 (pytest fixtures)
    browser: Any,
    live_server: str,
    engine: Any,
    tmp_path_factory: pytest.TempPathFactory,
    screenshots: list[Path],
    demo_password: str,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    shots = tmp_path_factory.mktemp("casework-screenshots")
    turn = Turn(browser, live_server, shots, screenshots, demo_password)
    today = datetime.now(ZoneInfo("Europe/Prague")).date()

    # The referrer opens a case, brings in the family and refers.
    turn.login("jana")
    browser.get(f"{live_server}/cases/")
    Select(browser.find_element(By.CSS_SELECTOR, "#open-case select")).select_by_value(
        "family_conference"
    )
    turn._submit(browser.find_element(By.CSS_SELECTOR, "#open-case button"))
    turn.case_id = browser.current_url.rstrip("/").split("/")[-1]
    assert engine.get_unfiltered(turn.case_id).roles_of("jana") == ("referrer",)
    turn.assign("marie", "family_member")
    turn.write(
        "referral",
        {
            "referred_on": today.isoformat(),
            "concerns": "Ema (5 let) často zůstává bez dozoru dospělého.",
            "question": "Jak rodina zajistí, že Ema bude vždy v péči dospělého?",
            "bottom_lines[0].condition": "Ema není doma sama ani krátce.",
            "child_age_band": "under_seven",
            "child_attendance": "whole",
        },
    )
    page = turn.case_page()
    assert "Fáze: Zadání" in page
    assert "Zahájit přípravu — teď ne" in page  # blocked, and why: no consent yet
    assert "chybí dokument 'consent'" in page
    turn.shot("jana-referral")

    # The family consents; it reads the referral, never the steps of OSPOD.
    turn.login("marie")
    page = turn.case_page()
    assert "Ema (5 let) často zůstává bez dozoru dospělého." in page
    assert "Účastníte se jako: Člen rodinné sítě" in page
    turn.write(
        "consent",
        {"decision": "given", "decided_by": "marie", "decided_at": f"{today.isoformat()}T10:00"},
    )
    turn.shot("marie-consent")

    # The referrer starts the preparation and names the coordinator.
    turn.login("jana")
    turn.step("start_preparation")
    turn.assign("petr", "coordinator")
    assert "Fáze: Příprava" in turn.case_page()
    turn.shot("jana-preparation")

    # The coordinator invites the family, arranges the meeting and opens it.
    turn.login("petr")
    page = turn.case_page()
    assert "Účastníte se jako: Nezávislý koordinátor" in page
    assert "Moje úkoly" in browser.find_element(By.ID, "nav-inbox").text
    turn.write(
        "invitation_list",
        {
            "invitees[0].name": "Marie",
            "invitees[0].relationship": "matka",
            "invitees[0].role": "family_member",
            "invitees[0].confirmed": "true",
        },
    )
    turn.write("invitation", {"about": "marie", "informed": "true", "confirmed": "true"})
    meeting = today + timedelta(days=14)
    turn.write(
        "arrangements",
        {"place": "Komunitní centrum, Lipová 12", "starts_at": f"{meeting.isoformat()}T16:00"},
    )
    turn.step("open_conference")
    turn.step("start_private_time")
    page = turn.case_page()
    assert "Soukromý čas rodiny" in page
    # In the family's private time the coordinator only waits to be called in.
    assert not browser.find_elements(By.CSS_SELECTOR, "div.action.allowed")
    turn.shot("petr-private-time")

    # The family writes its plan in private and asks the others back.
    turn.login("marie")
    turn.write(
        "family_plan",
        {
            "items[0].task": "Babička vyzvedává Emu ze školky.",
            "items[0].owner": "babička Božena",
            "items[0].due": (today + timedelta(days=30)).isoformat(),
            "monitoring": "Každý týden si rodina zavolá a koordinátor se zeptá.",
        },
    )
    assert "Seznam pozvaných" in turn.case_page()  # exists, but is not the family's to read
    turn.step("end_private_time")
    turn.shot("marie-plan")

    # The referrer approves the plan, with a review within six months.
    turn.login("jana")
    page = turn.case_page()
    assert "Babička vyzvedává Emu ze školky." in page
    turn.write(
        "approval_decision",
        {
            "decision": "approved",
            "decided_at": f"{today.isoformat()}T18:00",
            "review_on": (today + timedelta(days=90)).isoformat(),
        },
    )
    turn.step("approve_plan")
    page = turn.case_page()
    assert "Fáze: Plnění plánu" in page
    assert "První revize do 6 měsíců" in page
    assert "běží" in page
    turn.shot("jana-approved")
    assert engine.get_unfiltered(turn.case_id).phase.id == "implementation"

    # What the family and the coordinator see at the end.
    turn.login("marie")
    page = turn.case_page()
    assert "Fáze: Plnění plánu" in page
    assert "Schválen" in page
    turn.shot("marie-approved")
    turn.login("petr")
    page = turn.case_page()
    assert "Fáze: Plnění plánu" in page
    assert "schválit" not in page.lower().split("kroky")[1].split("dokumenty")[0]
    turn.shot("petr-approved")

    # English, switched in the header: the app's words and kwflow's labels.
    Select(browser.find_element(By.CSS_SELECTOR, "#language select")).select_by_value("en")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(lambda d: "Phase:" in d.find_element(By.TAG_NAME, "main").text)
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Carrying out the plan" in page
    assert "Family group conference" in page
    turn.shot("petr-english")
    assert len(screenshots) == 9
    assert all(path.stat().st_size > 1000 for path in screenshots)
