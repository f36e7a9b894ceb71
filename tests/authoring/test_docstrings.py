"""The examples in the authoring modules' docstrings run (they appear in the API reference)."""

from __future__ import annotations

import doctest
from typing import TYPE_CHECKING

import pytest

from kwflow.authoring import _diagram, _scenario

if TYPE_CHECKING:
    from types import ModuleType


@pytest.mark.parametrize("module", [_diagram, _scenario], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
