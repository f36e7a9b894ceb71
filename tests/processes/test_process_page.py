"""The process pages: generated from the files, fresh, complete and valid Markdown tables."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from kwflow.authoring import (
    PAGE_LANGUAGES,
    process_page_name,
    render_process_page,
    write_process_pages,
)
from kwflow.authoring.__main__ import main
from kwflow.definition import Process, load_process
from tests.support.authoring import TRICKY
from tests.support.paths import PROCESSES
from tests.support.processes import PAGES, SHIPPED, shipped_path

if TYPE_CHECKING:
    from pathlib import Path

    from kwflow.i18n import Language


def _load(process_id: str) -> Process:
    return load_process(shipped_path(process_id))


@pytest.mark.parametrize("lang", PAGE_LANGUAGES)
@pytest.mark.parametrize("process_id", SHIPPED)
def test_committed_page_equals_a_fresh_render(process_id: str, lang: Language) -> None:
    # One page per language, for the site's Czech and English versions.
    process = _load(process_id)
    page = PAGES / process_page_name(process, lang)
    assert page.name == (f"{process_id}.md" if lang == "en" else f"{process_id}.{lang}.md")
    assert page.read_text(encoding="utf-8") == render_process_page(process, lang=lang), (
        f"{page} is out of date: run 'python -m kwflow.authoring'"
    )


def test_no_page_is_stale_and_the_generator_check_agrees() -> None:
    assert write_process_pages(PROCESSES, PAGES, check=True) == []
    assert main([str(PROCESSES), str(PAGES), "--check"]) == 0


def test_the_generator_writes_missing_pages_and_reports_them(tmp_path: Path) -> None:
    written = write_process_pages(PROCESSES, tmp_path)
    expected = [f"{pid}{suffix}" for pid in SHIPPED for suffix in (".cs.md", ".md")]
    assert sorted(p.name for p in written) == sorted(expected)
    assert write_process_pages(PROCESSES, tmp_path) == []
    (tmp_path / "case_conference.md").write_text("stale", encoding="utf-8")
    assert main([str(PROCESSES), str(tmp_path), "--check"]) == 1
    assert (tmp_path / "case_conference.md").read_text(encoding="utf-8") == "stale"


def test_the_generator_reports_a_missing_directory(tmp_path: Path) -> None:
    assert main([str(tmp_path / "nowhere"), str(tmp_path)]) == 2


@pytest.mark.parametrize("process_id", SHIPPED)
def test_the_page_names_everything_the_file_declares(process_id: str) -> None:
    process = _load(process_id)
    page = render_process_page(process)
    ids = [
        *(r.id for r in process.roles),
        *(info.phase.id for info in process.all_phases()),
        *(a.id for a in process.actions),
        *(a.id for a in process.artifacts),
        *(d.id for d in process.deadlines),
        *(g.id for g in process.guards),
        *(i.id for i in process.invariants),
    ]
    for name in ids:
        assert f"`{name}`" in page, name
    for info in process.all_phases():
        if info.phase.outcome:
            assert f"`{info.phase.outcome}`" in page


@pytest.mark.parametrize("process_id", SHIPPED)
def test_both_languages_each_in_their_own_section(process_id: str) -> None:
    process = _load(process_id)
    page = render_process_page(process)
    assert page.startswith(f"# {process.title.cs} / {process.title.en}\n")
    assert page.index("\n## Česky\n") < page.index("\n## English\n")
    czech, english = page.split("\n## English\n")
    assert "### Role" in czech
    assert "### Lhůty" in czech
    assert "### Roles" in english
    assert "### Deadlines" in english
    for role in process.roles:
        assert f"{role.label.cs} (`{role.id}`)" in czech
        assert f"{role.label.en} (`{role.id}`)" in english


@pytest.mark.parametrize("lang", PAGE_LANGUAGES)
def test_one_language_alone(lang: str) -> None:
    process = _load("case_conference")
    page = render_process_page(process, lang="cs" if lang == "cs" else "en")
    assert "## Česky" not in page
    assert "## English" not in page
    other = process.title.text("en" if lang == "cs" else "cs")
    assert other not in page.splitlines()[0]
    assert ("## Role\n" in page) == (lang == "cs")
    assert ("## Roles\n" in page) == (lang == "en")


def test_the_page_spells_out_the_time_rules_in_czech_and_english() -> None:
    page = render_process_page(_load("case_conference"))
    assert "5 pracovních dní" in page
    assert "5 working days" in page
    assert "30 minut" in page
    assert "2 hodiny" in page
    assert "3 týdny" in page
    assert "1 měsíc, konec ve dni volna se posouvá na pracovní den" in page
    assert "počítá se zpět, před ním" in page


def test_the_page_resolves_presence_and_writable_documents_through_the_tree() -> None:
    page = render_process_page(_load("family_conference"), lang="en")
    row = next(line for line in page.splitlines() if "(`private_family_time`)" in line)
    cells = _cells(row)
    assert cells[0] == "3.2"
    assert cells[2] == "Member of the family network, Child, Support person"
    assert cells[3] == "Independent coordinator"
    assert cells[4] == "Family plan"
    sharing = _cells(next(line for line in page.splitlines() if "(`information_sharing`)" in line))
    assert sharing[2].endswith("(as in the enclosing phase)")


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row, honouring escaped pipes."""
    inner = row.strip()[1:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


@pytest.mark.parametrize("path", [*(shipped_path(p) for p in SHIPPED), TRICKY], ids=str)
def test_every_table_row_has_as_many_cells_as_its_header(path: Path) -> None:
    page = render_process_page(load_process(path))
    header: list[str] | None = None
    for line in page.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        if header is None:
            header = _cells(line)
            continue
        assert len(_cells(line)) == len(header), line


def test_syntax_in_labels_is_escaped() -> None:
    page = render_process_page(load_process(TRICKY))
    assert "Pracovník #1 &lt;OSPOD&gt;" in page
    assert "<OSPOD>" not in page
    assert "Rodina &amp; přátelé" in page


def test_a_description_is_never_read_as_markdown_structure() -> None:
    from kwflow.authoring._process_page import _paragraph

    assert _paragraph("1. first") == "1\\. first"
    assert _paragraph("# not a heading") == "\\# not a heading"
    assert _paragraph("- not a list\nacross lines") == "\\- not a list across lines"
    assert _paragraph("a | b *c*") == "a \\| b \\*c\\*"
    assert _paragraph("> not a quote <b> &lt;") == "&gt; not a quote &lt;b&gt; &amp;lt;"


def test_rendering_is_deterministic() -> None:
    first = render_process_page(_load("family_conference"))
    assert first == render_process_page(_load("family_conference"))
    assert first.endswith("\n")
    assert not first.endswith("\n\n")
    assert "\n\n\n" not in first
