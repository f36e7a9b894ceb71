"""Hypothesis profiles for the whole suite.

``quick`` (the default on a developer's machine) keeps a run short;
``thorough`` (the default in CI, where ``CI=true``) tries many more examples
and longer stateful runs. Choose one explicitly with ``HYPOTHESIS_PROFILE``:

    HYPOTHESIS_PROFILE=thorough .venv/bin/pytest tests/testing
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# Neither profile has a deadline: the engine's first call compiles a state
# machine, and CI machines vary too much for per-example timing to mean anything.
settings.register_profile(
    "quick",
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
)
settings.register_profile(
    "thorough",
    max_examples=200,
    stateful_step_count=60,
    deadline=None,
    # Generated processes and long stateful runs are slow by nature, not by accident.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)

_default = "thorough" if os.environ.get("CI", "").lower() == "true" else "quick"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default))


@pytest.fixture(scope="session", autouse=True)
def _no_default_database_of_the_developer(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """The same, for module- and session-scoped fixtures, which run before the one below."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("default-db")
        patch.setenv("KWFLOW_DB", os.fspath(folder / "default-cases.sqlite3"))
        yield


@pytest.fixture(autouse=True)
def _private_default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ``Engine()`` without a store uses SQLite at ``$KWFLOW_DB``: a test's own file.

    Without this, tests would write cases into the developer's real default
    database under ``~/.local/share/kwflow``.
    """
    monkeypatch.setenv("KWFLOW_DB", os.fspath(tmp_path / "default-cases.sqlite3"))
