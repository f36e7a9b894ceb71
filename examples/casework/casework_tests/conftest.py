"""Django for the casework app's tests: its settings, on files in a temporary folder.

Django is set up once per test run, with its database and kwflow's store
in a fresh folder, migrated, with the demo users and cases made as
``scripts/host`` makes them. Each test opens cases of its own (ids made
from the test's name), so tests never share a case they change.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

APP = Path(__file__).resolve().parents[1]
PASSWORD = "kwflow-demo-test"


@pytest.fixture(scope="session")
def django_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Django on a temporary folder, with the demo users and cases; the app's engine module."""
    data = tmp_path_factory.mktemp("casework")
    os.environ["CASEWORK_DATA"] = str(data)
    os.environ["DJANGO_SETTINGS_MODULE"] = "casework_site.settings"
    os.environ.pop("CASEWORK_DATABASE_URL", None)
    if str(APP) not in sys.path:
        sys.path.insert(0, str(APP))
    import django
    from django.core.management import call_command
    from django.test.utils import setup_test_environment, teardown_test_environment

    django.setup()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("casework_demo", password=PASSWORD, stdout=io.StringIO())
    from casework import cases

    try:
        yield cases
    finally:
        cases.close()
        teardown_test_environment()


@pytest.fixture
def engine(django_site: Any) -> Any:
    """The app's kwflow engine (the one its views use, made anew after a settings change)."""
    return django_site.engine()


@pytest.fixture
def client_for(django_site: Any) -> Any:
    """A logged-in Django test client for a demo user, in Czech unless told."""
    from django.test import Client

    def make(username: str, lang: str = "cs") -> Client:
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        client.cookies["django_language"] = lang
        return client

    return make


# The browser test's screenshots, for the line the run ends with.
SCREENSHOTS: list[Path] = []


@pytest.fixture
def screenshots() -> list[Path]:
    """Where a test adds the screenshots it saved (the run prints their folder)."""
    return SCREENSHOTS


@pytest.fixture
def demo_password() -> str:
    """The password of every demo user in the tests."""
    return PASSWORD


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say where the browser test's screenshots are."""
    if SCREENSHOTS:
        terminalreporter.write_line(f"casework screenshots: {SCREENSHOTS[0].parent}")
