"""What the benchmarks share: the PostgreSQL server, fresh databases, docs/performance.md.

The benchmarks are scripts, not a package: each imports this module by its
file name (``import _support``), which Python finds beside the script it
runs; ``tests/support/benchmarks.py`` puts this folder on ``sys.path`` for
the smoke tests, which load a benchmark from its file. kwflow is imported
inside the functions that need it, so that ``bench_trust.py`` and
``bench_privacy.py`` can time another kwflow's sources (``--baseline-src``)
in a process of their own (`run_on_sources`).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Self

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from kwflow.store import CaseStore

ROOT = Path(__file__).resolve().parents[1]
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
"""The page every benchmark writes its section into."""
_NEW_PAGE = (
    "# Performance\n\nMeasurements of kwflow on the project's test machine. Each "
    "section is written by the benchmark named in its title; rerun it to update.\n\n"
)


# ------------------------------------------------------------------ what is measured

REFERRAL: dict[str, Any] = {
    "referred_on": "2025-03-03",
    "concerns": "Opakovaně nechodí do školy; matka je nemocná.",
    "question": "Jak zajistí rodina, že dítě bude chodit do školy a bude v bezpečí?",
    "bottom_lines": [{"condition": "Dítě chodí pravidelně do školy."}],
    "child_age_band": "under_seven",
    "child_attendance": "in_part",
}
"""A referral of the family conference, about the size of a real one: what submits submit."""


def timed(ops: int, body: Callable[[], object]) -> float:
    """Run ``body`` (which does ``ops`` operations) once; ns per operation.

    The cyclic garbage collector is off while ``body`` runs, as in
    ``timeit``: otherwise a collection that happens to fall inside one
    measurement walks every object the benchmark keeps alive (thousands of
    cases), and the figure says more about the heap than about the code.
    """
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter_ns()
        body()
        return (time.perf_counter_ns() - started) / ops
    finally:
        gc.enable()


# ------------------------------------------------------------------ PostgreSQL


def pg_dsn() -> str:
    """The PostgreSQL server to measure: ``KWFLOW_TEST_POSTGRES_DSN``, as the tests use."""
    return os.environ.get("KWFLOW_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_reason() -> str | None:
    """Why PostgreSQL cannot be measured (its error, on one line), or None when it answers."""
    try:
        import psycopg

        with psycopg.connect(pg_dsn(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{exc.__class__.__name__}: {' '.join(str(exc).split())}"
    return None


def backends(*, no_postgres: bool) -> tuple[list[str], str | None]:
    """The kinds of database to measure, and why PostgreSQL is not among them (or None).

    A benchmark reports the reason in a "not run" row, so that a table
    without PostgreSQL says so rather than looking complete.
    """
    reason = "left out (--no-postgres)" if no_postgres else postgres_reason()
    return (["sqlite"] if reason is not None else ["sqlite", "postgres"]), reason


def drop_schema(schema: str) -> None:
    """Drop a benchmark's PostgreSQL schema with all it holds."""
    import psycopg

    with psycopg.connect(pg_dsn(), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


# ------------------------------------------------------------------ fresh databases


class Database(NamedTuple):
    """One benchmark database, as plain strings (a worker process gets it pickled)."""

    kind: str
    """``"sqlite"`` or ``"postgres"``."""
    where: str
    """The SQLite file, or PostgreSQL's DSN."""
    schema: str | None
    """PostgreSQL's schema; None for SQLite."""

    def open(self, *, synchronous: str | None = None, **options: Any) -> CaseStore:
        """Its store; ``synchronous`` is SQLite's (PostgreSQL has no such setting)."""
        from kwflow.store import PostgresStore, SqliteStore

        if self.kind == "sqlite":
            if synchronous is not None:
                options["synchronous"] = synchronous
            return SqliteStore(self.where, **options)
        return PostgresStore(self.where, schema=self.schema, **options)


class Databases:
    """Fresh databases of one kind: a new SQLite file or a new PostgreSQL schema each.

    Used as a context manager: on leaving, the schemas it made are dropped
    and its folder of SQLite files is removed.
    """

    def __init__(self, kind: str, prefix: str = "bench") -> None:
        self.kind = kind
        self.prefix = prefix
        self.folder = Path(tempfile.mkdtemp(prefix=f"kwflow-{prefix}-"))
        self.schemas: list[str] = []

    def fresh(self) -> Database:
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        if self.kind == "sqlite":
            return Database("sqlite", str(self.folder / f"{name}.sqlite3"), None)
        self.schemas.append(name)
        return Database("postgres", pg_dsn(), name)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            for schema in self.schemas:
                drop_schema(schema)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def run_on_sources(src: Path, script: str, args: list[str]) -> Any:
    """What ``script`` prints as JSON on its last line, run with kwflow from ``src``.

    A process of its own, ``src`` first on ``PYTHONPATH``: a benchmark times
    another kwflow's sources (``--baseline-src``) this way. The script calls
    `check_sources_from_path` before it measures.
    """
    out = subprocess.run(
        [sys.executable, script, *args],
        env={**os.environ, "PYTHONPATH": str(src)},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def check_sources_from_path() -> None:
    """In a `run_on_sources` process: stop unless kwflow came from ``PYTHONPATH``.

    An installed kwflow (an editable install finds its own sources first)
    must not stand in for the sources asked for.
    """
    import kwflow

    source = Path(kwflow.__file__).resolve()
    paths = [Path(part).resolve() for part in os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    if not any(path in source.parents for path in paths if str(path) != "."):
        raise SystemExit(f"kwflow came from {source}, not from PYTHONPATH")


def label(kind: str) -> str:
    """How the tables name a backend."""
    return "SQLite" if kind == "sqlite" else "PostgreSQL"


# ------------------------------------------------------------------ docs/performance.md


def machine() -> str:
    """The machine, for the line above a table: architecture, CPU model, CPUs, Python.

    The model is named because machines with the same architecture and CPU
    count have differed by more than twice in speed between sessions.
    """
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = f" ({line.split(':', 1)[1].strip()})"
                break
    return f"{platform.machine()}{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def markers(benchmark: str) -> tuple[str, str]:
    """The comments around ``benchmark``'s section of docs/performance.md."""
    return f"<!-- {benchmark}:start -->", f"<!-- {benchmark}:end -->"


def write_section(benchmark: str, section: str) -> None:
    """Put ``section`` between ``benchmark``'s markers in docs/performance.md.

    A section not there yet goes at the end of the page (a page not there
    yet is begun); the other benchmarks' sections are left as they are.
    """
    start, end = markers(benchmark)
    body = section.rstrip("\n")  # some sections end with a newline, some do not
    block = f"{start}\n{body}\n{end}"
    if PERFORMANCE_MD.exists():
        text = PERFORMANCE_MD.read_text(encoding="utf-8")
        if start in text and end in text:
            text = re.sub(
                re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.DOTALL
            )
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    else:
        text = f"{_NEW_PAGE}{block}\n"
    PERFORMANCE_MD.write_text(text, encoding="utf-8")
