"""Overlay files for the tests: the shipped example, and one broken overlay per kind of problem."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.definition import (
    ProcessDocument,
    apply_overlay,
    parse_overlay,
    parse_process_file,
)
from kwflow.exceptions import DefinitionError

from .paths import PROCESSES

if TYPE_CHECKING:
    from pathlib import Path

    from kwflow.definition import AppliedOverlay
    from kwflow.exceptions import Problem

OVERLAYS = PROCESSES / "overlays"
EXAMPLE = OVERLAYS / "case_conference__vzorovy_poskytovatel.overlay.yaml"
"""The shipped example: a facilitation provider's variant of the case conference."""
EXAMPLE_SCENARIO = OVERLAYS / "scenarios" / "case_conference__vzorovy_poskytovatel_held.yaml"
BASE_FILE = PROCESSES / "case_conference.yaml"

HEAD = "base: {process: case_conference, version: 2}\nid: case_conference__test\nversion: 1\n"
"""The head of a valid overlay of the shipped case conference."""


def base_document(path: Path = BASE_FILE) -> ProcessDocument:
    """The document of a process file, as an overlay merges into it."""
    loaded = parse_process_file(path)
    assert loaded.data is not None
    return ProcessDocument(loaded.data, loaded.source)


def applied(text: str, base: ProcessDocument | None = None) -> AppliedOverlay:
    """``text`` (an overlay) applied to the case conference (or ``base``)."""
    return apply_overlay(parse_overlay(text, "test.overlay.yaml"), base or base_document())


def overlay_problems(text: str, base: ProcessDocument | None = None) -> list[Problem]:
    """Every problem reading and applying the overlay ``text`` reports."""
    try:
        overlay = parse_overlay(text, "test.overlay.yaml")
    except DefinitionError as exc:
        return list(exc.problems)
    return apply_overlay(overlay, base or base_document()).problems


BROKEN: dict[str, str] = {
    "overlay.base": "base: case_conference\nid: case_conference__x\nversion: 1\n",
    "overlay.variant-id": "base: {process: case_conference, version: 2}\n"
    "id: case_conference\nversion: 1\n",
    "overlay.version": "base: {process: case_conference, version: 2}\n"
    "id: case_conference__x\nversion: 0\n",
    "overlay.unknown-id": HEAD + "roles:\n  change:\n    - {id: facilitatr, min: 1}\n",
    "overlay.add-existing": HEAD
    + "roles:\n  add:\n    - {id: recorder, label: {cs: Z, en: R}, kind: independent}\n",
    "overlay.twice": HEAD + "deadlines:\n  change:\n    - {id: meeting_length, limit: {hours: 3}}\n"
    "  remove: [meeting_length]\n",
    "overlay.no-id": HEAD + "roles:\n  change:\n    - {min: 1}\n",
    "overlay.patch-key": HEAD + "roles:\n  replace: []\n",
    "overlay.patch-not-list": HEAD + "roles:\n  remove: recorder\n",
    "overlay.list-by-id": HEAD + "deadlines:\n  - {id: meeting_length, limit: {hours: 3}}\n",
    "overlay.dangling": HEAD + "actions:\n  remove: [facilitator_arrived]\n",
}
"""One overlay of the case conference per kind of overlay problem, by its code."""

UNKNOWN_BASE = "base: {process: case_conference, version: 9}\nid: case_conference__x\nversion: 1\n"
"""An overlay of a version that does not exist (reported when the registry loads it)."""
