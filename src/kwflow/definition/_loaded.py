"""A process file as read: the `Process` and where each of its parts stands in the file.

The loader makes it and the static checks read it, so it is neither's: both
import it from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._models import Process
    from ._yaml import SourceMap

__all__ = ["LoadedProcess"]


@dataclass(frozen=True)
class LoadedProcess:
    """A process together with where it came from, as the checks need it.

    ``source`` maps every place in the document to its line and column, so
    a check can point at the exact reference that is wrong.
    """

    process: Process
    source: SourceMap
    file: str
    data: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    """The document as read, before validation: what an overlay merges into."""
