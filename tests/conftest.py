"""The whole suite's settings: a hypothesis profile, and no developer's database touched.

The profiles are those of kwflow's pytest plugin (`kwflow.testing.pytest_plugin`,
loaded through its ``pytest11`` entry point): ``kwflow-quick`` (the default on a
developer's machine) keeps a run short; ``kwflow-thorough`` (the default in CI,
where ``CI=true``) tries many more examples and longer stateful runs. Choose one
explicitly with ``HYPOTHESIS_PROFILE`` or ``--hypothesis-profile``:

    HYPOTHESIS_PROFILE=kwflow-thorough .venv/bin/pytest tests/testing
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# pytester runs pytest inside a test: how the plugin is tested.
pytest_plugins = ["pytester"]


def pytest_configure(config: pytest.Config) -> None:
    """Load the suite's profile; the plugin registered them before (its hook runs first)."""
    del config
    default = "kwflow-thorough" if os.environ.get("CI", "").lower() == "true" else "kwflow-quick"
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", default))


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
