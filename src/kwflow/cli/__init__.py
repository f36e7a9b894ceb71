"""The ``kwflow`` command; each subcommand lives in its own module."""

from ._main import main

__all__ = ["main"]
