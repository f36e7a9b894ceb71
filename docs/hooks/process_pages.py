"""MkDocs hook: each shipped process's page, generated from its file at build time.

For every ``processes/*.yaml`` the site gets ``processes/<id>.md``: the
tables of ``kwflow.authoring.render_process_page`` with the process's
diagram in Czech and English (``kwflow.authoring.mermaid_diagram``). The
page is made from the file on every build and replaces any copy in
``docs/processes/``, so the site can never show a process other than the one
the engine runs. A file that does not load fails the build, naming every
problem with its line and column.

``processes/index.md`` lists the processes. ``mkdocs serve`` also watches
``processes/``, so a methodologist editing a file sees its page change.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

    from kwflow.definition import Process

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
DIAGRAM_MARKER = "```mermaid"
# The language sections of a page made by render_process_page.
SECTIONS = {"## Česky": "cs", "## English": "en"}

log = logging.getLogger("mkdocs.hooks.process_pages")


def load_processes() -> dict[Path, Process]:
    """Every process file under ``processes/``, loaded and checked."""
    from kwflow.definition import load_process
    from kwflow.exceptions import DefinitionError

    processes = {}
    for path in sorted(PROCESSES.glob("*.yaml")):
        try:
            processes[path] = load_process(path)
        except DefinitionError as exc:
            raise PluginError(f"process file {path} does not load:\n{exc}") from None
    return processes


def scenarios_of(path: Path) -> list[tuple[str, str]]:
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
            if not isinstance(title, str):  # {cs: ..., en: ...}, as the page's headings
                title = f"{title.text('cs')} / {title.text('en')}"
            found.append((title, f"processes/scenarios/{file.name}"))
    return found


def diagram(process: Process, lang: str, level: int) -> str:
    """The process's diagram in one language, under a heading of ``level``."""
    from kwflow.authoring import mermaid_diagram

    text = mermaid_diagram(process, lang=lang, title=False)  # type: ignore[arg-type]
    return f"{'#' * level} Diagram\n\n{DIAGRAM_MARKER}\n{text}```\n\n"


def process_page(process: Process) -> str:
    """The whole page: ``render_process_page``'s tables with the diagrams added.

    The page has a section per language (``## Česky``, ``## English``); each
    gets the diagram in its language as its first subsection, before the
    tables. A page renderer that already embeds diagrams is left alone.
    """
    from kwflow.authoring import render_process_page

    page = render_process_page(process)
    if DIAGRAM_MARKER in page:
        return page
    lines = page.splitlines(keepends=True)
    out: list[str] = []
    pending: str | None = None
    for line in lines:
        heading = line.rstrip("\n")
        if heading in SECTIONS:
            pending = SECTIONS[heading]
        elif pending is not None and heading.startswith("### "):
            out.append(diagram(process, pending, 3))
            pending = None
        out.append(line)
    if pending is not None:
        out.append("\n" + diagram(process, pending, 3))
    page = "".join(out)
    if DIAGRAM_MARKER not in page:
        raise PluginError(
            f"the page of {process.id} has no '## Česky' / '## English' sections "
            "to put its diagrams in; update docs/hooks/process_pages.py"
        )
    return page


def index_page(processes: dict[Path, Process]) -> str:
    """The list of shipped processes, with the scenario files that play each."""
    lines = [
        "# Shipped processes",
        "",
        (
            "Each page is generated from its file under `processes/` when this site "
            "is built, so it always shows the process the engine runs."
        ),
        "",
        "| process | id | version | file |",
        "|---|---|---|---|",
    ]
    for path, process in processes.items():
        title = f"{process.title.text('cs')} / {process.title.text('en')}"
        lines.append(
            f"| [{title}]({process.id}.md) | `{process.id}` | {process.version} "
            f"| `processes/{path.name}` |"
        )
    lines += [
        "",
        "## Scenarios",
        "",
        (
            "Realistic cases played through each process step by step, with what "
            "is expected along the way. Run one with `kwflow simulate FILE` "
            "([command line](../cli.md#kwflow-simulate)); the test suite runs them all."
        ),
        "",
    ]
    for path, process in processes.items():
        lines += [f"### {process.title.text('cs')} / {process.title.text('en')}", ""]
        lines += [f"- {title}: `{file}`" for title, file in scenarios_of(path)]
        lines.append("")
    return "\n".join(lines)


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Replace or add the generated process pages."""
    processes = load_processes()
    generated = {f"processes/{p.id}.md": process_page(p) for p in processes.values()}
    generated["processes/index.md"] = index_page(processes)
    for uri, content in generated.items():
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=content))
    log.debug("generated %d process pages", len(generated))
    return files


def on_serve(
    server: LiveReloadServer,
    *,
    config: MkDocsConfig,  # noqa: ARG001 - MkDocs passes it by name
    builder: Any,  # noqa: ARG001 - MkDocs passes it by name
) -> None:
    """Rebuild the site when a process file changes."""
    server.watch(str(PROCESSES))
