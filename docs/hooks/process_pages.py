"""MkDocs hook: each shipped process's pages, generated from its file at build time.

For every ``processes/*.yaml`` the site has a page per language:
``processes/<id>.md`` (English) and ``processes/<id>.cs.md`` (Czech, in the
Czech version of the site), written by ``python -m kwflow.authoring`` and
kept fresh by the test suite. On every build this hook replaces their text
with ``kwflow.authoring.render_process_page`` in the page's language and the
process's diagram (``kwflow.authoring.mermaid_diagram``) above the tables,
so the site can never show a process other than the one the engine runs. A
file that does not load fails the build, naming every problem with its line
and column; a process without its pages, or a site without its diagram
renderer, fails it, naming the command that makes them.

``processes/index.md`` and ``processes/index.cs.md`` list the processes,
and the earlier versions kept in ``processes/previous/`` (no pages of their
own: cases opened on them keep running, but nobody writes new ones).
``mkdocs serve`` also watches ``processes/``, so a methodologist editing a
file sees its page change.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from kwflow.definition import Process
    from kwflow.i18n import Language

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
PREVIOUS = PROCESSES / "previous"
# The Mermaid renderer the site ships (no CDN), fetched by scripts/mermaid.
RENDERER = Path(__file__).resolve().parents[1] / "javascripts" / "vendor" / "mermaid.min.js"
DIAGRAM_MARKER = "```mermaid"
# processes/<id>.md is the English page, processes/<id>.cs.md the Czech one.
PAGE = re.compile(r"^processes/(?P<name>[^/.]+)(?:\.(?P<lang>cs))?\.md$")
# What the index says, in the language of its version of the site.
WORDS: dict[str, dict[str, str]] = {
    "title": {"cs": "Dodávané procesy", "en": "Shipped processes"},
    "intro": {
        "cs": (
            "Každá stránka se vytváří ze souboru procesu v `processes/` při každém "
            "sestavení tohoto webu, takže vždy ukazuje proces, který engine spouští."
        ),
        "en": (
            "Each page is generated from its file under `processes/` when this site "
            "is built, so it always shows the process the engine runs."
        ),
    },
    "header": {"cs": "| proces | id | verze | soubor |", "en": "| process | id | version | file |"},
    "scenarios": {"cs": "Scénáře", "en": "Scenarios"},
    "previous": {"cs": "Dřívější verze", "en": "Earlier versions"},
    "version": {"cs": "verze", "en": "version"},
    "previous_intro": {
        "cs": (
            "Případ zůstává na verzi, na které byl založen, proto kwflow dodává i "
            "dřívější verze, beze změny, v `processes/previous/`. Co se ve verzi 2 "
            "změnilo, popisuje [průvodce pro metodiky](../pro-metodiky.md)."
        ),
        "en": (
            "A case stays on the version it was opened with, so kwflow also ships "
            "the earlier versions, unchanged, in `processes/previous/`. What changed "
            "in version 2 is in the [guide for methodologists](../pro-metodiky.md) "
            "and the changelog."
        ),
    },
    "scenarios_intro": {
        "cs": (
            "Realistické případy přehrané procesem krok za krokem, s tím, co se má "
            "po cestě stát. Jeden spustíte příkazem `kwflow simulate SOUBOR` "
            "([příkazová řádka](../cli.md#kwflow-simulate)); testy je přehrají všechny."
        ),
        "en": (
            "Realistic cases played through each process step by step, with what "
            "is expected along the way. Run one with `kwflow simulate FILE` "
            "([command line](../cli.md#kwflow-simulate)); the test suite runs them all."
        ),
    },
}

log = logging.getLogger("mkdocs.hooks.process_pages")


def load_processes() -> dict[Path, Process]:
    """Every process file under ``processes/``, loaded and checked (not the migration plans)."""
    from kwflow.definition import is_plan_file

    return _load(sorted(p for p in PROCESSES.glob("*.yaml") if not is_plan_file(p)))


def load_previous() -> dict[Path, Process]:
    """Every earlier version kept under ``processes/previous/``, loaded and checked."""
    return _load(sorted(PREVIOUS.glob("*.yaml")))


def _load(paths: list[Path]) -> dict[Path, Process]:
    from kwflow.definition import load_process
    from kwflow.exceptions import DefinitionError

    processes = {}
    for path in paths:
        try:
            processes[path] = load_process(path)
        except DefinitionError as exc:
            raise PluginError(f"process file {path} does not load:\n{exc}") from None
    return processes


def scenarios_of(path: Path, lang: Language) -> list[tuple[str, str]]:
    """The scenario files under ``processes/scenarios/`` that play ``path``: (title, file)."""
    from kwflow.authoring import load_scenario
    from kwflow.exceptions import DefinitionError

    found = []
    for file in sorted((PROCESSES / "scenarios").glob("*.yaml")):
        try:
            scenario = load_scenario(file).scenario
        except DefinitionError as exc:
            raise PluginError(f"scenario file {file} does not load:\n{exc}") from None
        if isinstance(scenario.process, str) and (file.parent / scenario.process).resolve() == path:
            title = scenario.title
            if not isinstance(title, str):  # {cs: ..., en: ...}
                title = title.text(lang)
            found.append((title, f"processes/scenarios/{file.name}"))
    return found


def diagram(process: Process, lang: Language) -> str:
    """The process's diagram in ``lang``, under its own heading."""
    from kwflow.authoring import mermaid_diagram

    text = mermaid_diagram(process, lang=lang, title=False)
    return f"## Diagram\n\n{DIAGRAM_MARKER}\n{text}```\n\n"


def process_page(process: Process, lang: Language) -> str:
    """The page in one language: ``render_process_page``'s tables, the diagram first."""
    from kwflow.authoring import render_process_page

    page = render_process_page(process, lang=lang)
    if DIAGRAM_MARKER in page:  # a page renderer that embeds diagrams itself
        return page
    first_section = page.find("\n## ")
    if first_section < 0:
        raise PluginError(
            f"the page of {process.id} has no '## ' section to put its diagram "
            "before; update docs/hooks/process_pages.py"
        )
    return page[: first_section + 1] + diagram(process, lang) + page[first_section + 1 :]


def index_page(processes: dict[Path, Process], lang: Language) -> str:
    """The list of shipped processes, with the scenario files that play each."""
    lines = [
        f"# {WORDS['title'][lang]}",
        "",
        WORDS["intro"][lang],
        "",
        WORDS["header"][lang],
        "|---|---|---|---|",
    ]
    for path, process in processes.items():
        lines.append(
            f"| [{process.title.text(lang)}]({process.id}.md) | `{process.id}` "
            f"| {process.version} | `processes/{path.name}` |"
        )
    lines += ["", f"## {WORDS['scenarios'][lang]}", "", WORDS["scenarios_intro"][lang], ""]
    for path, process in processes.items():
        lines += [f"### {process.title.text(lang)}", ""]
        lines += [f"- {title}: `{file}`" for title, file in scenarios_of(path, lang)]
        lines.append("")
    previous = load_previous()
    if previous:
        lines += [f"## {WORDS['previous'][lang]}", "", WORDS["previous_intro"][lang], ""]
        lines += [WORDS["header"][lang], "|---|---|---|---|"]
        for path, process in previous.items():
            lines.append(
                f"| {process.title.text(lang)} | `{process.id}` | {process.version} "
                f"| `processes/previous/{path.name}` |"
            )
        lines.append("")
        for path, process in previous.items():
            played = scenarios_of(path, lang)
            if played:
                heading = f"{process.title.text(lang)}, {WORDS['version'][lang]} {process.version}"
                lines += [f"### {heading}", ""]
                lines += [f"- {title}: `{file}`" for title, file in played]
                lines.append("")
    return "\n".join(lines)


def page_of(src_uri: str) -> tuple[str, Language] | None:
    """(process id or ``index``, language) of a generated page's source, else None."""
    match = PAGE.match(src_uri)
    if match is None:
        return None
    lang: Language = "cs" if match["lang"] == "cs" else "en"
    return match["name"], lang


def on_files(files: Files, *, config: MkDocsConfig) -> Files:  # noqa: ARG001 - by name
    """Fail the build when a shipped process has no page in some language.

    Or when the diagram renderer is missing: the site would show the
    diagrams as Mermaid text.
    """
    from kwflow.authoring import PAGE_LANGUAGES, process_page_name

    if not RENDERER.is_file():
        raise PluginError(
            f"the site's diagram renderer {RENDERER} is missing: run 'bash scripts/mermaid' "
            "(scripts/setup dev runs it), which fetches it with npm"
        )

    missing = [
        f"processes/{process_page_name(process, lang)}"
        for process in load_processes().values()
        for lang in PAGE_LANGUAGES
        if files.get_file_from_path(f"processes/{process_page_name(process, lang)}") is None
    ]
    if missing:
        raise PluginError(
            f"no page in docs/ for {', '.join(missing)}: run 'python -m kwflow.authoring'"
        )
    return files


def on_page_markdown(
    markdown: str,
    *,
    page: Page,
    config: MkDocsConfig,  # noqa: ARG001 - MkDocs passes it by name
    files: Files,  # noqa: ARG001 - MkDocs passes it by name
) -> str:
    """The generated text of a process page or of the processes' index."""
    found = page_of(page.file.src_uri)
    if found is None:
        return markdown
    name, lang = found
    processes = load_processes()
    if name == "index":
        return index_page(processes, lang)
    for process in processes.values():
        if process.id == name:
            log.debug("generated the %s page of %s", lang, name)
            return process_page(process, lang)
    return markdown


def on_serve(
    server: LiveReloadServer,
    *,
    config: MkDocsConfig,  # noqa: ARG001 - MkDocs passes it by name
    builder: Any,  # noqa: ARG001 - MkDocs passes it by name
) -> None:
    """Rebuild the site when a process file changes."""
    server.watch(str(PROCESSES))
