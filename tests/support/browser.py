"""Headless Chromium for the browser tests, and a local server for it to open.

The documentation site's check (``tests/authoring/test_docs_site.py``) and
the casework app's (``examples/casework/casework_tests``) drive the same
browser the same way: Debian's ``chromium`` and ``chromium-driver``, which
``scripts/browser`` installs. Without them a test is skipped locally, and
fails under ``CI=true``, where the browser check must run. Selenium is
imported inside the functions so that collecting the tests needs no browser.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from http.server import HTTPServer

# The switches every browser test needs: no window, no sandbox (CI runs as
# root), and nothing the browser would fetch on its own (updates, sync,
# default apps), so that a test sees only the requests its pages make.
_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
)


def chromium_and_driver() -> tuple[str, str]:
    """Chromium and chromedriver, or a skip (a failure under CI=true) naming the fix."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    reason = "no chromium/chromedriver: run 'bash scripts/browser' (Debian's packages)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def headless_chromium(
    *,
    window: tuple[int, int],
    arguments: Sequence[str] = (),
    capabilities: Mapping[str, Any] | None = None,
) -> Iterator[Any]:
    """A Selenium driver of headless Chromium, with a window of ``window`` pixels.

    ``arguments`` are Chromium switches beyond the shared ones (``--lang=cs``);
    ``capabilities`` are WebDriver capabilities (``goog:loggingPrefs``). The
    browser quits when the block ends.
    """
    chromium, driver_path = chromium_and_driver()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    width, height = window
    for argument in (*_ARGUMENTS, f"--window-size={width},{height}", *arguments):
        options.add_argument(argument)
    for name, value in (capabilities or {}).items():
        options.set_capability(name, value)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


class Quiet:
    """Mixed into a request handler: no access log in the test output."""

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serving(server: HTTPServer) -> Iterator[str]:
    """``server`` answering on its own thread, as ``http://127.0.0.1:PORT``; closed after."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
