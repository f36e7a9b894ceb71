"""The documentation site: builds with warnings as errors, in two languages, offline.

mkdocs is in the ``dev`` extra that the test command installs, so the build
always runs. A broken link, a page missing from the navigation, a docstring
mkdocstrings cannot read or a process file that does not load fails it.

The browser check opens the shipped processes' pages, Czech and English, in
a real headless Chromium served from a local port: each diagram must be
drawn (an ``svg`` where the Mermaid text was, no ``stateDiagram-v2`` text
left on the page) and no request may go anywhere but the local server (the
site must read the same on an intranet or offline). It needs Debian's
``chromium`` and ``chromium-driver`` (``bash scripts/browser`` installs
them; ``scripts/test`` runs it under ``CI=true``): locally it is skipped
without them, under ``CI=true`` it fails.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import subprocess
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.browser import Quiet, headless_chromium, serving
from tests.support.paths import PROCESS_FILES, ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

HOOK = ROOT / "docs" / "hooks" / "process_pages.py"
# (site folder of the language version, what Material calls the search box)
VERSIONS = {"en": ("", "Search"), "cs": ("cs/", "Hledat")}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as CI builds it: ``mkdocs build --strict``."""
    site = tmp_path_factory.mktemp("docs") / "site"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    return site


def _page(site: Path, lang: str, process: Path) -> str:
    folder, _ = VERSIONS[lang]
    return (site / f"{folder}processes" / process.stem / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_documentation_site_builds_strict(site: Path) -> None:
    for process in PROCESS_FILES:
        for lang in VERSIONS:
            html = _page(site, lang, process)
            # One diagram per page, in the page's language, drawn by the
            # script shipped with the site (not Material's CDN loader).
            assert html.count('<div class="kwflow-diagram">') == 1, (lang, process)
            assert '<pre class="mermaid">' not in html
            assert f'<html lang="{lang}"' in html


@pytest.mark.slow
def test_the_czech_version_is_czech(site: Path) -> None:
    family = next(p for p in PROCESS_FILES if p.stem == "family_conference")
    czech = _page(site, "cs", family)
    english = _page(site, "en", family)
    assert "<title>Rodinná konference - kwflow</title>" in czech
    assert "## English" not in czech
    assert "Roles" not in czech.split('<article class="md-content__inner')[1]
    assert 'placeholder="Hledat"' in czech  # Material's own labels, in Czech
    assert ">Obsah<" in czech.replace("\n", "").replace(" ", "")
    assert 'placeholder="Search"' in english
    assert "Rodinná konference" not in english.split('<article class="md-content__inner')[1]
    # The Czech guide sends a methodologist to the Czech process pages.
    guide = (site / "cs" / "pro-metodiky" / "index.html").read_text(encoding="utf-8")
    assert 'href="../processes/family_conference/"' in guide
    assert (site / "cs" / "processes" / "index.html").read_text(encoding="utf-8").count(
        "Dodávané procesy"
    ) >= 1


@pytest.mark.slow
def test_the_site_ships_its_diagram_renderer(site: Path) -> None:
    # The renderer is a file of the site, and no page names a CDN.
    assert (site / "javascripts" / "vendor" / "mermaid.min.js").stat().st_size > 1_000_000
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for cdn in ("unpkg.com", "cdn.jsdelivr.net", "fonts.googleapis.com"):
            assert cdn not in html, (page, cdn)


# ------------------------------------------------------------------ the browser


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The built site on a local port, as ``http://127.0.0.1:PORT/``."""

    class Handler(Quiet, SimpleHTTPRequestHandler):
        pass

    with serving(
        ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=site))
    ) as url:
        yield f"{url}/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Every request a page makes, from the DevTools protocol's Network domain.
    with headless_chromium(
        window=(1280, 1000), capabilities={"goog:loggingPrefs": {"performance": "ALL"}}
    ) as driver:
        yield driver


def _requests(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@pytest.mark.slow
@pytest.mark.parametrize("lang", list(VERSIONS))
@pytest.mark.parametrize("process", PROCESS_FILES, ids=lambda p: p.stem)
def test_process_page_draws_its_diagram_offline(
    browser: Any, served: str, lang: str, process: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    folder, search_label = VERSIONS[lang]
    browser.get_log("performance")  # forget the previous page's requests
    browser.get(f"{served}{folder}processes/{process.stem}/")

    def settled(driver: Any) -> bool:
        blocks = driver.find_elements(By.CSS_SELECTOR, "div.kwflow-diagram")
        return bool(blocks) and all(
            b.get_attribute("data-failed") is not None or b.find_elements(By.CSS_SELECTOR, "svg")
            for b in blocks
        )

    WebDriverWait(browser, 30).until(settled)
    (block,) = browser.find_elements(By.CSS_SELECTOR, "div.kwflow-diagram")
    assert block.get_attribute("data-failed") is None, block.text
    svg = block.find_element(By.CSS_SELECTOR, "svg")
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "stateDiagram-v2" not in text
    assert "classDef" not in text
    # An overview fitted to the column; a click shows the natural size.
    natural = float(svg.get_attribute("width"))
    fitted = svg.size["width"]
    assert 300 < fitted <= block.size["width"] + 1
    block.click()
    assert svg.size["width"] == pytest.approx(natural, abs=2)
    block.click()
    assert svg.size["width"] == pytest.approx(fitted, abs=2)
    # The link to the full-size drawing: a well-formed SVG image made in the page.
    link = browser.find_element(By.CSS_SELECTOR, "a.kwflow-diagram-full")
    assert (
        link.text
        == {"en": "Open the diagram full size", "cs": "Otevřít diagram v plné velikosti"}[lang]
    )
    assert link.get_attribute("href").startswith("blob:")
    parsed = browser.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.text()).then(xml => {
          const doc = new DOMParser().parseFromString(xml, "image/svg+xml");
          done([doc.documentElement.nodeName, doc.getElementsByTagName("parsererror").length]);
        });""",
        link.get_attribute("href"),
    )
    assert parsed == ["svg", 0]
    assert (
        browser.find_element(By.CSS_SELECTOR, "input.md-search__input").get_attribute("placeholder")
        == search_label
    )
    # Ids in table cells (`referrer`, `private_family_time`) never break mid-word.
    cell_id = browser.find_element(By.CSS_SELECTOR, "article table td code")
    assert cell_id.value_of_css_property("white-space") == "nowrap"
    requests = _requests(browser)
    assert any(url.endswith("mermaid.min.js") for url in requests)
    elsewhere = [
        url for url in requests if not url.startswith((served, "data:", "blob:", "about:"))
    ]
    assert elsewhere == [], f"requests outside the local server: {elsewhere}"


# ------------------------------------------------------------------- the hook


def _hook() -> Any:
    spec = importlib.util.spec_from_file_location("process_pages", HOOK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_site_without_its_diagram_renderer_does_not_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import Files

    hook = _hook()
    monkeypatch.setattr(hook, "RENDERER", tmp_path / "mermaid.min.js")
    with pytest.raises(PluginError, match=r"bash scripts/mermaid"):
        hook.on_files(Files([]), config=None)


def test_a_process_without_its_pages_does_not_build() -> None:
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import Files

    hook = _hook()
    if not hook.RENDERER.is_file():
        pytest.skip("no renderer: run 'bash scripts/mermaid'")
    with pytest.raises(PluginError) as caught:
        hook.on_files(Files([]), config=None)
    message = str(caught.value)
    assert "processes/family_conference.cs.md" in message
    assert "python -m kwflow.authoring" in message
