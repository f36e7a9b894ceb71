"""The registry: every loaded process, addressed by ``(id, version)``.

Several versions of one process coexist, because a case stays on the version
it was opened with. Loading is all or nothing: when any file of a load has a
problem, the registry is left as it was and one `DefinitionError`
reports the problems of every file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from kwflow.exceptions import DefinitionError, Problem, ProcessFilesMissing, ProcessNotFound

from ._follows import follows_problems
from ._migration import LoadedPlan, MigrationPlan, is_plan_file, parse_plan_file, plan_problems
from ._overlay import (
    Overlay,
    ProcessDocument,
    apply_overlays,
    is_overlay_file,
    parse_overlay_file,
)
from ._yaml import SourceMap, parse_yaml

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from ._models import Process

__all__ = [
    "ENTRY_POINT_GROUP",
    "PREVIOUS_VERSIONS_DIR",
    "PROCESS_SUFFIXES",
    "Registry",
    "shipped_process_paths",
    "shipped_processes_dir",
]

ENTRY_POINT_GROUP = "kwflow.processes"
"""Entry point group through which packages ship process files.

Each entry point names a zero-argument callable returning a path, or an
iterable of paths, to process files or directories of them.
"""

PROCESS_SUFFIXES = (".yaml", ".yml")
"""File name endings of process files in a directory."""


def shipped_processes_dir() -> Path:
    """The directory of the process files kwflow itself ships.

    In an installed wheel they are the package data ``kwflow/_processes``; in
    a source checkout (or an editable install) they are ``processes/`` at the
    root of the repository.
    """
    package = Path(__file__).resolve().parent.parent
    installed = package / "_processes"
    if installed.is_dir():
        return installed
    checkout = package.parent.parent / "processes"
    if checkout.is_dir():
        return checkout
    raise ProcessFilesMissing(str(installed), shipped=True)


PREVIOUS_VERSIONS_DIR = "previous"
"""Subdirectory of the shipped processes holding their earlier versions.

A case stays on the version it was opened with, so an earlier version is
shipped, unchanged byte for byte, as long as cases may run on it; keeping it
apart leaves the top directory with one file per process, the newest.
"""


def shipped_process_paths() -> list[Path]:
    """The directories of every shipped process version: the newest, then the earlier ones.

    This is what the ``kwflow.processes`` entry point of kwflow itself
    returns, so `Registry.from_entry_points` loads every shipped version.
    """
    newest = shipped_processes_dir()
    previous = newest / PREVIOUS_VERSIONS_DIR
    return [newest, previous] if previous.is_dir() else [newest]


def process_files(path: str | Path) -> list[Path]:
    """The process files at ``path``: the file itself, or a directory's ``*.yaml``/``*.yml``.

    Directories are read one level deep, in name order, so that loading is
    deterministic. Overlay files (``*.overlay.yaml``) are among them; tell them
    apart with `is_overlay_file`. Raises `ProcessFilesMissing` (a
    ``FileNotFoundError``) for a missing path.
    """
    path = Path(path)
    if path.is_dir():
        return sorted(
            p
            for p in path.iterdir()
            if p.suffix in PROCESS_SUFFIXES and p.is_file() and not is_plan_file(p)
        )
    if path.exists():
        return [] if is_plan_file(path) else [path]
    raise ProcessFilesMissing(str(path))


def plan_files(path: str | Path) -> list[Path]:
    """The migration plans at ``path``: the file itself, or a directory's ``*.migration.yaml``.

    Plans live beside their process files, so a directory holds both kinds;
    `process_files` leaves the plans out and this takes only them.
    """
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if is_plan_file(p) and p.is_file())
    return [path] if is_plan_file(path) and path.exists() else []


@dataclass(frozen=True)
class _Entry:
    process: Process
    source: str | None
    line: int | None
    column: int | None
    # What an overlay of this process merges into: a variant keeps its merged
    # document; a file keeps only its text, read again when an overlay needs
    # it (the text is a tenth of the parsed data and its positions).
    document: ProcessDocument | None = None
    text: str | None = None
    # The process an overlay made this one from.
    base: tuple[str, int] | None = None


class Registry:
    """Processes addressed by ``(id, version)``; iterate it for all of them.

    >>> registry = Registry()
    >>> len(registry)
    0
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, int], _Entry] = {}
        self._plans: dict[tuple[str, int, int], LoadedPlan] = {}
        # Plans read before both of their versions were registered (say
        # `processes/` before `processes/previous/`): registered, and checked,
        # once both are; until then no case of the missing version can be
        # loaded here, so no case needs them. `kwflow check` checks every plan.
        self._waiting: dict[tuple[str, int, int], LoadedPlan] = {}

    # -- building

    def add(self, process: Process, *, source: str | None = None) -> None:
        """Register a process; ``source`` (a file name) is used in error messages.

        Raises `DefinitionError` if its ``(id, version)`` is taken.
        """
        problem = self._duplicate(process, source, None, None)
        if problem is not None:
            raise DefinitionError([problem])
        entry = _Entry(process, source, None, None)
        problems = self._follows_problems({process.key: entry}, {})
        if problems:
            raise DefinitionError(problems)
        self._entries[process.key] = entry

    def load_path(self, path: str | Path, *, check: bool = True) -> list[Process]:
        """Load a process file, or every ``*.yaml``/``*.yml`` file in a directory.

        Overlay files (``*.overlay.yaml``, see `apply_overlay`) among them add
        the variants they make of a process loaded with them or registered
        before. Returns the processes added. All files are read before any is added:
        problems of every file, and every duplicate ``(id, version)``, are
        raised together in one `DefinitionError`. With ``check=True``
        (the default) the static checks run and their errors count as problems.
        """
        return self.load_paths([path], check=check)

    def load_paths(self, paths: Iterable[str | Path], *, check: bool = True) -> list[Process]:
        """Load several files or directories at once; see `load_path`."""
        from ._checks import check_process
        from ._loader import parse_process_file

        paths = list(paths)
        problems: list[Problem] = []
        loaded: list[_Entry] = []
        sources: dict[tuple[str, int], SourceMap] = {}
        files: list[Path] = []
        for path in paths:
            try:
                files.extend(process_files(path))
            except FileNotFoundError as exc:
                problems.append(_file_problem(str(path), str(exc)))
        # A file named twice (itself and through its directory) is one file.
        unique = {file.resolve(): file for file in reversed(files)}
        files = [file for file in files if unique.get(file.resolve()) is file]
        overlays = [file for file in files if is_overlay_file(file)]
        files = [file for file in files if not is_overlay_file(file)]
        for file in files:
            try:
                result = parse_process_file(file)
            except DefinitionError as exc:
                problems.extend(exc.problems)
                continue
            if check:
                found = check_process(result)
                if any(p.severity == "error" for p in found):
                    problems.extend(found)
                    continue
            (line, column), _ = result.source.locate(("id",))
            text = result.source.text if result.data is not None else None
            loaded.append(_Entry(result.process, str(file), line, column, text=text))
            sources.setdefault(result.process.key, result.source)
        for entry, source in self._apply_overlays(overlays, loaded, problems, check=check):
            loaded.append(entry)
            sources.setdefault(entry.process.key, source)
        pending: dict[tuple[str, int], _Entry] = {}
        for entry in loaded:
            problem = self._duplicate(entry.process, entry.source, entry.line, entry.column)
            first = pending.get(entry.process.key)
            if problem is None and first is not None:
                problem = _duplicate_problem(entry, first)
            if problem is not None:
                problems.append(problem)
            else:
                pending[entry.process.key] = entry
        if check:
            problems.extend(self._follows_problems(pending, sources))
        plans = {**self._waiting, **self._read_plans(files_and_dirs=list(paths), problems=problems)}
        versions = {**{k: e.process for k, e in self._entries.items()}}
        versions.update({k: e.process for k, e in pending.items()})
        ready = {
            key: loaded_plan
            for key, loaded_plan in plans.items()
            if (key[0], key[1]) in versions and (key[0], key[2]) in versions
        }
        if check and not problems:
            for loaded_plan in ready.values():
                problems.extend(plan_problems(loaded_plan, versions))
        if problems:
            raise DefinitionError(problems)
        self._entries.update(pending)
        self._plans.update(ready)
        self._waiting = {key: p for key, p in plans.items() if key not in ready}
        return [entry.process for entry in pending.values()]

    def _apply_overlays(
        self, files: list[Path], loaded: list[_Entry], problems: list[Problem], *, check: bool
    ) -> list[tuple[_Entry, SourceMap]]:
        """The variants the overlay ``files`` make of the processes registered or ``loaded``."""
        overlays: list[Overlay] = []
        for file in files:
            try:
                overlays.append(parse_overlay_file(file))
            except DefinitionError as exc:
                problems.extend(exc.problems)
        if not overlays:
            return []
        entries: dict[tuple[str, int], _Entry] = {**self._entries}
        for entry in loaded:
            entries.setdefault(entry.process.key, entry)
        # Only the bases named are read again; the others' keys still count
        # among the versions an unknown base's problem lists.
        named = {overlay.base for overlay in overlays}
        bases = {
            key: _document_of(entry) if key in named else _UNREAD for key, entry in entries.items()
        }
        made: list[tuple[_Entry, SourceMap]] = []
        for applied in apply_overlays(overlays, bases, check=check):
            if not applied.ok or applied.loaded is None:
                problems.extend(applied.problems)
                continue
            overlay, source = applied.overlay, applied.loaded.source
            (line, column), _ = source.locate(("id",))
            entry = _Entry(
                applied.loaded.process,
                overlay.file,
                line,
                column,
                document=applied.document,
                base=overlay.base,
            )
            made.append((entry, source))
        return made

    def base_of(self, process_id: str, version: int) -> tuple[str, int] | None:
        """``(id, version)`` of the process a variant was made from by an overlay, if it was.

        Raises `ProcessNotFound`.
        """
        entry = self._entries.get((process_id, version))
        if entry is None:
            raise ProcessNotFound(process_id, version)
        return entry.base

    def _read_plans(
        self, *, files_and_dirs: list[str | Path], problems: list[Problem]
    ) -> dict[tuple[str, int, int], LoadedPlan]:
        """The plans among ``files_and_dirs``; their reading problems join ``problems``."""
        plans: dict[tuple[str, int, int], LoadedPlan] = {}
        for path in files_and_dirs:
            for file in plan_files(path):
                try:
                    loaded = parse_plan_file(file)
                except DefinitionError as exc:
                    problems.extend(exc.problems)
                    continue
                key = loaded.plan.key
                if key in plans or key in self._plans or key in self._waiting:
                    (line, column), _ = loaded.source.locate(("process",))
                    problems.append(
                        Problem(
                            file=str(file),
                            line=line,
                            column=column,
                            path="process",
                            message=f"a second plan from version {key[1]} to {key[2]} "
                            f"of {key[0]!r}",
                            rule="duplicate-plan",
                            code="duplicate-plan",
                            params={"process": key[0], "from": str(key[1]), "to": str(key[2])},
                        )
                    )
                    continue
                plans[key] = loaded
        return plans

    def add_plan(self, plan: MigrationPlan | LoadedPlan) -> None:
        """Register a migration plan; its processes must be registered already.

        Raises `DefinitionError` with the plan's problems (see `plan_problems`).
        """
        versions = {key: entry.process for key, entry in self._entries.items()}
        problems = plan_problems(plan, versions)
        if isinstance(plan, LoadedPlan):
            loaded = plan
        else:
            loaded = LoadedPlan(plan, _no_source(), f"<plan {plan.id}>")
        if loaded.plan.key in self._plans:
            problems.append(_file_problem(loaded.file, "the plan is registered already"))
        if problems:
            raise DefinitionError(problems)
        self._plans[loaded.plan.key] = loaded

    def _duplicate(
        self, process: Process, source: str | None, line: int | None, column: int | None
    ) -> Problem | None:
        existing = self._entries.get(process.key)
        if existing is None:
            return None
        return _duplicate_problem(_Entry(process, source, line, column), existing)

    def _follows_problems(
        self, new: Mapping[tuple[str, int], _Entry], sources: Mapping[tuple[str, int], SourceMap]
    ) -> list[Problem]:
        """Problems of ``follows`` between the processes registered and ``new`` ones.

        The new processes are checked against every version registered or
        new; the registered ones that follow a new process, against it.
        """
        everyone = {**self._entries, **new}
        by_id: dict[str, list[Process]] = {}
        for (process_id, _), entry in sorted(everyone.items()):
            by_id.setdefault(process_id, []).append(entry.process)
        problems: list[Problem] = []
        for key, entry in new.items():
            problems.extend(
                follows_problems(entry.process, by_id, source=sources.get(key), file=entry.source)
            )
        new_ids: dict[str, list[Process]] = {}
        for (process_id, _), entry in new.items():
            new_ids.setdefault(process_id, []).append(entry.process)
        for entry in self._entries.values():
            if any(rule.process in new_ids for rule in entry.process.follows):
                problems.extend(follows_problems(entry.process, new_ids, file=entry.source))
        return problems

    @classmethod
    def from_paths(cls, *paths: str | Path, check: bool = True) -> Registry:
        """A registry of the process files at ``paths`` (files or directories)."""
        registry = cls()
        registry.load_paths(paths, check=check)
        return registry

    @classmethod
    def from_entry_points(cls, group: str = ENTRY_POINT_GROUP, *, check: bool = True) -> Registry:
        """A registry of every process installed packages ship through ``group``.

        Each entry point's object is called without arguments and returns a
        path, or an iterable of paths, of process files or directories.
        """
        problems: list[Problem] = []
        paths: list[Path] = []
        for point in sorted(entry_points(group=group), key=lambda p: (p.name, p.value)):
            where = f"entry point {point.name!r} ({point.value}) in group {group!r}"
            try:
                provider = point.load()
                result = provider()
            except Exception as exc:  # noqa: BLE001 - any failure of foreign code is reported
                problems.append(_file_problem(where, f"it failed: {exc!r}"))
                continue
            if isinstance(result, str | Path):
                paths.append(Path(result))
            elif isinstance(result, Iterable):
                paths.extend(Path(item) for item in result)
            else:
                problems.append(
                    _file_problem(where, f"it returned {result!r}, not a path or paths")
                )
        registry = cls()
        try:
            registry.load_paths(paths, check=check)
        except DefinitionError as exc:
            problems.extend(exc.problems)
        if problems:
            raise DefinitionError(problems)
        return registry

    @classmethod
    def shipped(cls, *, check: bool = True) -> Registry:
        """A registry of the processes kwflow ships (``family_conference``, ``case_conference``).

        It holds every shipped version (the earlier ones from
        `PREVIOUS_VERSIONS_DIR`), so cases opened on an earlier version keep running;
        `get` without a version gives the newest.
        """
        return cls.from_paths(*shipped_process_paths(), check=check)

    # -- reading

    def get(self, process_id: str, version: int | None = None) -> Process:
        """The process with this id and version; without a version, the highest.

        Raises `ProcessNotFound`.
        """
        if version is not None:
            entry = self._entries.get((process_id, version))
            if entry is None:
                raise ProcessNotFound(process_id, version)
            return entry.process
        versions = self.versions(process_id)
        if not versions:
            raise ProcessNotFound(process_id)
        return self._entries[(process_id, versions[-1])].process

    def plan(self, process_id: str, from_version: int, to_version: int) -> MigrationPlan | None:
        """The migration plan from one version of a process to another, if one is registered."""
        found = self._plans.get((process_id, from_version, to_version))
        return None if found is None else found.plan

    def loaded_plan(self, process_id: str, from_version: int, to_version: int) -> LoadedPlan | None:
        """The plan with its source map (positions), as `plan`."""
        return self._plans.get((process_id, from_version, to_version))

    def plans(self) -> tuple[MigrationPlan, ...]:
        """Every registered migration plan, by process, from and to."""
        return tuple(self._plans[key].plan for key in sorted(self._plans))

    def versions(self, process_id: str) -> tuple[int, ...]:
        """The registered versions of a process, lowest first."""
        return tuple(sorted(v for (pid, v) in self._entries if pid == process_id))

    def source(self, process_id: str, version: int) -> str | None:
        """The file a process was loaded from, if it came from one."""
        entry = self._entries.get((process_id, version))
        if entry is None:
            raise ProcessNotFound(process_id, version)
        return entry.source

    def ids(self) -> tuple[str, ...]:
        """The registered process ids, sorted."""
        return tuple(sorted({pid for pid, _ in self._entries}))

    def __iter__(self) -> Iterator[Process]:
        """Every process, ordered by id and version."""
        return iter([self._entries[key].process for key in sorted(self._entries)])

    def __len__(self) -> int:
        """How many (id, version) pairs are registered."""
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        """``"id" in registry`` or ``("id", 2) in registry``."""
        if isinstance(key, str):
            return any(pid == key for pid, _ in self._entries)
        return key in self._entries

    def __repr__(self) -> str:
        listed = ", ".join(f"{pid} v{v}" for pid, v in sorted(self._entries))
        return f"Registry({listed})"


_UNREAD = ProcessDocument({}, SourceMap("<not read>"))
"""Stands for a registered process no overlay names (never merged into)."""


def _document_of(entry: _Entry) -> ProcessDocument:
    """What an overlay of ``entry``'s process merges into."""
    if entry.document is not None:
        return entry.document
    if entry.text is not None and entry.source is not None:
        data, source = parse_yaml(entry.text, entry.source)
        return ProcessDocument(data, source)
    return ProcessDocument.of_process(entry.process)


def _no_source() -> SourceMap:
    from ._yaml import SourceMap

    return SourceMap("")


def _file_problem(file: str, message: str) -> Problem:
    return Problem(file=file, line=None, column=None, path="", message=message, rule="file")


def _duplicate_problem(entry: _Entry, first: _Entry) -> Problem:
    pid, version = entry.process.key
    first_place = first.source or "a process added in code"
    if first.line is not None:
        first_place += f":{first.line}"
    return Problem(
        file=entry.source or "<added in code>",
        line=entry.line,
        column=entry.column,
        path="id",
        message=f"process {pid!r} version {version} is defined twice: here and in {first_place}",
        rule="duplicate-process",
        hint="raise the version of the newer file",
        code="duplicate-process",
        params={"id": pid, "version": str(version), "other": first_place},
    )
