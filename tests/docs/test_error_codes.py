"""docs/embedding.md lists every code a host may meet: errors, refusal reasons, field errors."""

from __future__ import annotations

import inspect
import re

from kwflow import exceptions
from kwflow._error_messages import DETAILS
from kwflow.authoring import GraphvizNotFound
from kwflow.exceptions import FIELD_ERROR_CODES, KwflowError, ReasonCode
from tests.support.paths import DOCS


def _section() -> str:
    text = (DOCS / "embedding.md").read_text(encoding="utf-8")
    start = text.index("## Errors, and what to tell the user")
    return text[start : text.index("\n## ", start + 1)]


def _table_codes() -> set[str]:
    """Every `code` in a table row of the section (the first two cells of each row)."""
    codes: set[str] = set()
    for line in _section().splitlines():
        if line.startswith("|"):
            cells = line.strip("|").split("|")[:2]
            codes.update(re.findall(r"`([\w.-]+)`", "|".join(cells)))
    return codes


def _subclasses(cls: type[KwflowError]) -> list[type[KwflowError]]:
    found = []
    for sub in cls.__subclasses__():
        # A private base (`_WithReason`) is never raised itself: its subclasses are listed.
        if sub.__module__.startswith("kwflow") and not sub.__name__.startswith("_"):
            found.append(sub)
        found += _subclasses(sub)
    return found


def test_the_docs_list_every_error_code() -> None:
    classes = [
        cls
        for cls in vars(exceptions).values()
        if inspect.isclass(cls)
        and issubclass(cls, KwflowError)
        and cls is not KwflowError
        and not cls.__name__.startswith("_")
    ]
    # Errors of the layers above (a diagram's) are listed too.
    classes += _subclasses(KwflowError)
    assert GraphvizNotFound in classes
    listed = _table_codes()
    assert {cls.code for cls in classes} <= listed
    assert {cls.__name__ for cls in classes} <= listed


def test_the_docs_list_every_reason_code() -> None:
    assert {code.value for code in ReasonCode} <= _table_codes()


def test_the_docs_list_every_field_error_code() -> None:
    assert set(FIELD_ERROR_CODES) <= _table_codes()


def test_the_docs_list_every_reason_code_of_an_error() -> None:
    listed = _table_codes()
    for code, reasons in DETAILS.items():
        assert set(reasons) <= listed, (code, set(reasons) - listed)
