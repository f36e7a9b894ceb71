"""Naming places in a process file the way people count and name them.

A problem's ``path`` (``phases[1].present``) is for tools: it counts list
items from zero and names lists by their keys. People count from one and
name things: ``phase 2 ('scheduling') → present`` or, in Czech,
``fáze 2 ('scheduling') → present``. The ids come from the problem's
``place_ids`` param (see `SourceMap.place_ids`), so the place can be named
in any language from the problem's data alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._yaml import parse_path

if TYPE_CHECKING:
    from kwflow.i18n import Language

__all__ = ["describe_place"]

# What one item of each list is called: (English, Czech).
_ITEM_NOUNS: dict[str, tuple[str, str]] = {
    "roles": ("role", "role"),
    "artifacts": ("artifact", "dokument"),
    "fields": ("field", "pole"),
    "values": ("choice", "hodnota výběru"),
    "phases": ("phase", "fáze"),
    "actions": ("action", "krok"),
    "deadlines": ("deadline", "lhůta"),
    "variants": ("variant", "varianta"),
    "guards": ("guard", "kontrola hostitele"),
    "invariants": ("invariant", "vlastnost"),
}
_ITEM = ("item", "položka")


def describe_place(path: str, place_ids: str = "", lang: Language = "en") -> str:
    """``phases[1].present`` as ``phase 2 ('scheduling') → present`` (or in Czech).

    ``place_ids`` holds the id of each list item along the path, ``|``
    separated (an empty entry for an item without one).
    """
    segments = parse_path(path)
    ids = place_ids.split("|") if place_ids else []
    words: list[str] = []
    index = 0
    which = 0 if lang == "en" else 1
    for i, segment in enumerate(segments):
        if isinstance(segment, int):
            owner = segments[i - 1] if i > 0 else ""
            noun = _ITEM_NOUNS.get(str(owner), _ITEM)[which]
            if words and str(owner) in _ITEM_NOUNS:
                words.pop()  # "phases → phase 2" says the list's name twice
            name = ids[index] if index < len(ids) else ""
            index += 1
            words.append(f"{noun} {segment + 1}" + (f" ({name!r})" if name else ""))
        else:
            words.append(segment)
    return " → ".join(words)
