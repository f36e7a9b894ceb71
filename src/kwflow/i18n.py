"""The languages kwflow speaks, and how its texts are written down in them.

Every text a person reads (a problem with a process or scenario file, a
timeline, a diagram, a process page, a line of the command line) comes in
Czech and English. This module is the one place that says what a language
is, how Czech counts things, and how a text with holes for its facts is
written; it sits beside `kwflow.exceptions`, below every layer, so each
layer keeps its own texts (see `Catalogue`) in the same shape.

A `Template` is a `str.format` string over the facts of one occurrence,
all of them text, with two extra format specs: ``{x:or:nikdo}`` shows
``nikdo`` for an empty value, and ``{n:plural:položku|položky|položek}``
shows ``n`` followed by the form of the noun for that count (three forms:
Czech, see `czech_plural`; two forms: English, see `english_plural`).
Where the wording depends on the facts beyond filling holes, a template is
a function of the facts instead.

Examples:
    >>> render("{n:plural:položku|položky|položek}, {who:or:nikdo}", {"n": "3", "who": ""})
    '3 položky, nikdo'
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "LANGUAGES",
    "Catalogue",
    "Language",
    "Noun",
    "Template",
    "czech_plural",
    "english_plural",
    "render",
    "say",
]

Language = Literal["cs", "en"]
"""A language of kwflow's texts: Czech or English."""

LANGUAGES: tuple[Language, ...] = ("cs", "en")
"""Every `Language`, Czech first (the language of the people who run cases)."""

Template = str | Callable[[Mapping[str, str]], str]
"""A text with ``{holes}`` for its facts, or a function of the facts (see the module)."""

Catalogue = Mapping[str, Mapping[Language, Template]]
"""A layer's texts: for each key, the template in every language.

``{"ok": {"cs": "{file}: v pořádku", "en": "{file}: ok"}}``; look a text
up with `say`. Problems with files are the one kind of text whose English
is not in a catalogue: a `kwflow.exceptions.Problem` carries its English
and the facts to word it in Czech (see `kwflow.definition.ProblemTemplate`).
"""


# ------------------------------------------------------------------ counting


def czech_plural(count: int, one: str, few: str, many: str) -> str:
    """The Czech form of a noun for ``count``: 1, 2 to 4, or 0 and 5 and more.

    Examples:
        >>> [czech_plural(n, "den", "dny", "dní") for n in (0, 1, 2, 4, 5, 21)]
        ['dní', 'den', 'dny', 'dny', 'dní', 'dní']
    """
    if count == 1:
        return one
    if 2 <= count <= 4:
        return few
    return many


def english_plural(count: int, one: str, other: str) -> str:
    """The English form of a noun for ``count``: 1, or any other count."""
    return one if count == 1 else other


@dataclass(frozen=True)
class Noun:
    """A noun that is counted, with its forms in each language.

    Examples:
        >>> days = Noun(cs=("den", "dny", "dní"), en=("day", "days"))
        >>> days.counted(5, "cs"), days.counted(1, "en")
        ('5 dní', '1 day')
    """

    cs: tuple[str, str, str]
    """The forms for 1, for 2 to 4, and for 0 and 5 and more."""
    en: tuple[str, str]
    """The forms for 1 and for any other count."""

    def form(self, count: int, lang: Language) -> str:
        """The form of the noun that goes with ``count``."""
        if lang == "cs":
            return czech_plural(count, *self.cs)
        return english_plural(count, *self.en)

    def counted(self, count: int, lang: Language) -> str:
        """``count`` and the noun: ``5 dní``, ``1 day``."""
        return f"{count} {self.form(count, lang)}"


# ------------------------------------------------------------------ templates


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("or:"):
            return str(value) or format_spec[3:]
        if format_spec.startswith("plural:"):
            count = int(value)
            forms = format_spec[7:].split("|")
            if len(forms) == 2:
                return f"{value} {english_plural(count, *forms)}"
            return f"{value} {czech_plural(count, *forms)}"
        return str(super().format_field(value, format_spec))


_FORMATTER = _Formatter()


def render(template: Template, facts: Mapping[str, str]) -> str:
    """The template with its holes filled from ``facts``.

    Raises `KeyError` when the template needs a fact that is not given.
    """
    if callable(template):
        return template(facts)
    return _FORMATTER.vformat(template, (), facts)


def say(catalogue: Catalogue, key: str, lang: Language, /, **facts: str) -> str:
    """The text of ``key`` in ``lang``, its holes filled from ``facts``."""
    return render(catalogue[key][lang], facts)
