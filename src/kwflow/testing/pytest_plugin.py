"""kwflow's pytest plugin: hypothesis profiles, an engine for any process file, coverage.

pytest loads it by itself wherever kwflow is installed (the ``pytest11``
entry point). It gives a test suite of a process file:

- two hypothesis profiles, ``kwflow-quick`` and ``kwflow-thorough``
  (choose one with ``--hypothesis-profile=kwflow-thorough`` or
  ``settings.load_profile(...)`` in a conftest);
- fixtures: ``kwflow_clock`` (a simulated clock), ``kwflow_store`` (a
  SQLite store in a temporary file) and ``kwflow_engine_for`` (an engine
  for any process file on those two);
- at the end of the session, what the stateful tests
  (`kwflow.testing.process_state_machine`) reached: actions taken, phases
  entered, outcomes, deadline statuses, and what was never reached
  (``--no-kwflow-coverage`` leaves it out).

Nothing is imported at pytest's start beyond pytest itself: hypothesis and
the rest of kwflow load only when a fixture or a stateful test needs them,
so the plugin costs nothing in a suite that does not use kwflow.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from kwflow.engine import Engine, GuardContext, SimulatedClock
    from kwflow.store import SqliteStore

    EngineFor = Callable[..., Engine]

__all__ = [
    "PROFILES",
    "kwflow_clock",
    "kwflow_engine_for",
    "kwflow_store",
    "register_profiles",
]

PROFILES = ("kwflow-quick", "kwflow-thorough")
"""The hypothesis profiles the plugin registers."""


def register_profiles() -> None:
    """Register the hypothesis profiles ``kwflow-quick`` and ``kwflow-thorough``.

    ``kwflow-quick``: 25 examples, 25 steps per stateful run, for a
    developer's machine; ``kwflow-thorough``: 200 examples, 60 steps, for CI.
    Neither has a deadline: a run's first command compiles the process, and
    timings on shared CI machines mean little.
    """
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "kwflow-quick", max_examples=25, stateful_step_count=25, deadline=None
    )
    settings.register_profile(
        "kwflow-thorough",
        max_examples=200,
        stateful_step_count=60,
        deadline=None,
        # Generated processes and long stateful runs are slow by nature, not by accident.
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kwflow")
    group.addoption(
        "--no-kwflow-coverage",
        action="store_true",
        default=False,
        help="leave out the summary of what kwflow's stateful tests reached",
    )


# First, so that hypothesis's own plugin finds the profiles when
# ``--hypothesis-profile=kwflow-...`` asks for one.
@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    del config
    try:
        register_profiles()
    except ImportError:  # kwflow without its test extra: no hypothesis, no profiles
        return


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    del exitstatus
    if config.getoption("no_kwflow_coverage"):
        return
    # Only a session that ran a stateful test has imported the coverage.
    if "kwflow.testing._coverage" not in sys.modules:
        return
    from kwflow.testing import stateful_coverage

    coverage = stateful_coverage()
    if not coverage.processes:
        return
    terminalreporter.write_sep("-", "kwflow: what the stateful tests reached")
    terminalreporter.write_line(coverage.to_text())


@pytest.fixture
def kwflow_clock() -> SimulatedClock:
    """A simulated clock at the stateful test's start: Monday 26 October 2026, 08:00 UTC.

    Move it with ``kwflow_clock.advance(timedelta(days=3))`` or ``.set(moment)``.
    """
    from kwflow.engine import SimulatedClock
    from kwflow.testing import START

    return SimulatedClock(START)


@pytest.fixture
def kwflow_store(tmp_path: Path) -> Iterator[SqliteStore]:
    """A SQLite store in a file of the test's temporary folder, closed afterwards."""
    from kwflow.store import SqliteStore

    store = SqliteStore(tmp_path / "kwflow-cases.sqlite3")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def kwflow_engine_for(kwflow_clock: SimulatedClock, kwflow_store: SqliteStore) -> EngineFor:
    """Make an engine for a process: ``kwflow_engine_for("processes/my.yaml")``.

    The argument is a process file's path or a loaded `Process`; ``guards=``
    gives the host's named guards. Every engine the test makes shares the
    test's ``kwflow_clock`` and ``kwflow_store``, and knows every process
    given so far.
    """
    from kwflow.definition import Process, Registry, load_process
    from kwflow.engine import Engine

    registry = Registry()

    def engine_for(
        process: str | os.PathLike[str] | Process,
        *,
        guards: Mapping[str, Callable[[GuardContext], bool | str]] | None = None,
    ) -> Engine:
        loaded = load_process(Path(process)) if isinstance(process, str | os.PathLike) else process
        # The same process again is fine; another one under its id and version is not.
        if loaded.key not in registry or registry.get(*loaded.key) != loaded:
            registry.add(loaded, source=str(process) if not isinstance(process, Process) else None)
        return Engine(registry, store=kwflow_store, clock=kwflow_clock, guards=guards)

    return engine_for
