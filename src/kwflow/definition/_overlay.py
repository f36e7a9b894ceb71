"""Overlay files: a provider's variant of a process, written as its differences.

An overlay names the process it varies (``base``), the id and version the
variant gets, and then reads like a short process file holding only what
changes. Merging is generic over the data of a process file, so a key the
language gains later merges without a change here:

- a mapping is changed key by key, at any depth; ``key: null`` removes a key;
- a list of items that have an ``id`` (roles, phases, actions, artifacts,
  fields, deadlines, enum values...) is changed by id, through a mapping of
  ``add`` (items appended, in order), ``change`` (items changed key by key,
  as above) and ``remove`` (ids);
- anything else (text, numbers, lists of names, lists of conditions) is
  replaced whole.

The variant's id is the base's id, two underscores and a name of the
provider's choosing (``case_conference__rodinny_kruh``). Shipped process ids
never hold ``__``, so a variant never takes the id of a shipped process,
present or future, and counts its versions on its own; `variant_base_id`
reads the base back from the id (kwflow's built-in guards keep their meaning
in a variant).

The merged process is checked like any process file. Its source map points
each value at the file it came from: the overlay where the overlay gave it,
the base file otherwise; a problem of the overlay itself (a change of an id
the base lacks, a removal that leaves references behind) points into the
overlay.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from kwflow.exceptions import DefinitionError, Problem

from ._checks import check_process
from ._loaded import LoadedProcess
from ._loader import read_definition_file, translate_errors
from ._models import Process
from ._yaml import SourceMap, parse_yaml

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from ._yaml import DocPath, Position

__all__ = [
    "OVERLAY_SUFFIXES",
    "VARIANT_SEPARATOR",
    "AppliedOverlay",
    "Overlay",
    "ProcessDocument",
    "apply_overlay",
    "apply_overlays",
    "is_overlay_file",
    "parse_overlay",
    "parse_overlay_file",
    "unknown_base",
    "variant_base_id",
]

OVERLAY_SUFFIXES = (".overlay.yaml", ".overlay.yml")
"""How the name of an overlay file ends; other ``*.yaml`` files are process files."""

VARIANT_SEPARATOR = "__"
"""What joins a base process's id and the provider's name in a variant's id."""

_PATCH_KEYS = ("add", "change", "remove")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_ID = 64  # as the language's identifiers


def is_overlay_file(path: str | Path) -> bool:
    """Whether ``path`` names an overlay file (``*.overlay.yaml`` or ``*.overlay.yml``)."""
    return Path(path).name.endswith(OVERLAY_SUFFIXES)


def variant_base_id(process_id: str) -> str | None:
    """The id of the process a variant's id names (``a__b`` -> ``a``); None for others."""
    head, separator, rest = process_id.partition(VARIANT_SEPARATOR)
    return head if separator and head and rest else None


@dataclass(frozen=True)
class ProcessDocument:
    """A process file's data as read, with where each value stands.

    An overlay merges into this, not into the validated `Process`: the data
    is what the author wrote, in its order and with its positions.
    """

    data: Mapping[str, Any]
    source: SourceMap

    @classmethod
    def of_process(cls, process: Process) -> ProcessDocument:
        """The document of a process that was not read from a file (no positions)."""
        dumped = process.model_dump(mode="python", by_alias=True, exclude_unset=True)
        return cls(_as_lists(dumped), SourceMap(f"<process {process.id} v{process.version}>"))


@dataclass(frozen=True)
class Overlay:
    """An overlay file as read: its base, the variant's key, and its changes."""

    file: str
    data: Mapping[str, Any]
    """The whole document, ``base`` included."""
    source: SourceMap
    base: tuple[str, int]
    """``(id, version)`` of the process it varies."""
    key: tuple[str, int]
    """``(id, version)`` of the variant."""


@dataclass(frozen=True)
class AppliedOverlay:
    """The result of merging an overlay into its base.

    ``loaded`` and ``document`` are None when the merge or the models
    refused it; ``problems`` holds every problem, the static checks'
    warnings included.
    """

    overlay: Overlay
    loaded: LoadedProcess | None
    document: ProcessDocument | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether no problem is an error."""
        return self.loaded is not None and not any(p.severity == "error" for p in self.problems)


# ------------------------------------------------------------------ reading


def parse_overlay_file(path: str | Path) -> Overlay:
    """Read an overlay file; raises `DefinitionError` with every problem of its head."""
    return parse_overlay(read_definition_file(path), str(path))


def parse_overlay(text: str | bytes, filename: str = "<string>") -> Overlay:
    """Read an overlay's text: its ``base``, ``id`` and ``version`` are checked here.

    The rest is checked when it is merged (`apply_overlay`), against its base.
    """
    data, source = parse_yaml(text, filename)
    problems: list[Problem] = []
    base = _base_of(data, source, problems)
    key = _variant_key(data, source, base, problems)
    if problems:
        raise DefinitionError(problems)
    assert base is not None
    assert key is not None
    return Overlay(filename, data, source, base, key)


def _base_of(
    data: Mapping[str, Any], source: SourceMap, problems: list[Problem]
) -> tuple[str, int] | None:
    value = data.get("base")
    if isinstance(value, dict) and set(value) == {"process", "version"}:
        process, version = value["process"], value["version"]
        if isinstance(process, str) and _IDENTIFIER.match(process) and _version(version):
            return process, version
    problems.append(
        source.problem(
            ("base",),
            "an overlay names the process it varies in 'base'",
            expected="base: {process: case_conference, version: 2}",
            rule="overlay",
            code="overlay.base",
            key="base" in data,
        )
    )
    return None


def _variant_key(
    data: Mapping[str, Any],
    source: SourceMap,
    base: tuple[str, int] | None,
    problems: list[Problem],
) -> tuple[str, int] | None:
    variant_id, version = data.get("id"), data.get("version")
    key: tuple[str, int] | None = None
    if base is not None:
        prefix = base[0] + VARIANT_SEPARATOR
        example = prefix + "provider"
        right = (
            isinstance(variant_id, str)
            and variant_id.startswith(prefix)
            and len(variant_id) > len(prefix)
            and len(variant_id) <= _MAX_ID
            and _IDENTIFIER.match(variant_id) is not None
        )
        if not right:
            problems.append(
                source.problem(
                    ("id",),
                    f"a variant's id is the base's id, '{VARIANT_SEPARATOR}' and a name "
                    f"of your own, at most {_MAX_ID} characters",
                    expected=f"id: {example}",
                    hint="a variant never takes the id of a shipped process, so it never "
                    "collides with a later version of it",
                    rule="overlay",
                    code="overlay.variant-id",
                    params={"example": example, "limit": str(_MAX_ID)},
                )
            )
        elif isinstance(variant_id, str) and isinstance(version, int) and _version(version):
            key = (variant_id, version)
    if not _version(version):
        problems.append(
            source.problem(
                ("version",),
                "a variant has its own version, a whole number from 1",
                expected="version: 1",
                hint="raise it whenever the overlay or its base changes",
                rule="overlay",
                code="overlay.version",
            )
        )
    return key


def _version(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def unknown_base(overlay: Overlay, versions: Mapping[str, list[int]]) -> Problem:
    """The problem of an overlay whose base process is not loaded.

    ``versions`` are the versions loaded of each process id.
    """
    process_id, version = overlay.base
    known = ", ".join(str(v) for v in sorted(versions.get(process_id, ()))) or "-"
    return overlay.source.problem(
        ("base",),
        f"the base process {process_id!r} version {version} is not loaded "
        f"(versions loaded: {known})",
        rule="overlay",
        code="overlay.unknown-base",
        hint="check the process and version the overlay names, and load the base with it",
        params={"process": process_id, "version": str(version), "known": known},
    )


def apply_overlays(
    overlays: Iterable[Overlay],
    bases: Mapping[tuple[str, int], ProcessDocument],
    *,
    check: bool = True,
) -> list[AppliedOverlay]:
    """Apply each overlay to its base among ``bases``, in the order their bases allow.

    A variant one overlay makes may be the base of another, so overlays are
    applied while one of them finds its base; each left over gets the
    problem of an unknown base. The results are in the overlays' order.
    """
    waiting = list(overlays)
    order = {id(overlay): index for index, overlay in enumerate(waiting)}
    known = dict(bases)
    results: list[AppliedOverlay] = []
    while True:
        ready = [overlay for overlay in waiting if overlay.base in known]
        if not ready:
            break
        for overlay in ready:
            waiting.remove(overlay)
            applied = apply_overlay(overlay, known[overlay.base], check=check)
            results.append(applied)
            if applied.ok and applied.document is not None:
                known.setdefault(overlay.key, applied.document)
    versions: dict[str, list[int]] = {}
    for process_id, version in known:
        versions.setdefault(process_id, []).append(version)
    results.extend(_unapplied(overlay, versions) for overlay in waiting)
    results.sort(key=lambda applied: order[id(applied.overlay)])
    return results


def _unapplied(overlay: Overlay, versions: Mapping[str, list[int]]) -> AppliedOverlay:
    return AppliedOverlay(overlay, None, None, [unknown_base(overlay, versions)])


# ------------------------------------------------------------------ merging


def apply_overlay(overlay: Overlay, base: ProcessDocument, *, check: bool = True) -> AppliedOverlay:
    """Merge ``overlay`` into the document of its base process, and check the result.

    With ``check=True`` the static checks run on the merged process, as on
    any process file; a reference left dangling by a removal is reported at
    the removal, in the overlay.
    """
    merger = _Merger(base, overlay)
    changes = {key: value for key, value in overlay.data.items() if key != "base"}
    merged = merger.mapping(base.data, (), changes, (), ())
    if merger.problems:
        return AppliedOverlay(overlay, None, None, merger.problems)
    source = merger.source_map()
    try:
        process = Process.model_validate(merged)
    except ValidationError as exc:
        return AppliedOverlay(overlay, None, None, translate_errors(exc.errors(), merged, source))
    loaded = LoadedProcess(process, source, overlay.file)
    document = ProcessDocument(merged, source)
    if not check:
        return AppliedOverlay(overlay, loaded, document)
    problems = _dangling(check_process(loaded), merger.removals, overlay.source)
    return AppliedOverlay(overlay, loaded, document, problems)


@dataclass(frozen=True)
class _Removal:
    item_id: str
    at: DocPath  # in the overlay: the entry of 'remove' that names the item
    # The ids gone with it: its own and those of the items inside it (a
    # compound phase's sub-phases), which references may name as well.
    names: frozenset[str]


class _Merger:
    """One merge: the merged data is built while its source map is written."""

    def __init__(self, base: ProcessDocument, overlay: Overlay) -> None:
        self.base = base
        self.overlay = overlay
        self.values: dict[DocPath, Position] = {}
        self.keys: dict[DocPath, Position] = {}
        self.ids: dict[DocPath, str] = {}
        self.files: dict[DocPath, str] = {}
        self.problems: list[Problem] = []
        self.removals: list[_Removal] = []

    # -- positions

    def place(self, source: SourceMap, at: DocPath, to: DocPath) -> None:
        """Record the position of the one value ``at`` in ``source`` as that of ``to``."""
        if at in source.values:
            self.values[to] = source.values[at]
        if at in source.keys:
            self.keys[to] = source.keys[at]
        if at in source.ids:
            self.ids[to] = source.ids[at]
        self.files[to] = source.files.get(at, source.file)

    def copy(self, source: SourceMap, at: DocPath, value: Any, to: DocPath) -> Any:
        """Take ``value`` (at ``at`` in ``source``) whole, recording every position under it."""
        self.place(source, at, to)
        if isinstance(value, dict):
            for key, item in value.items():
                self.copy(source, (*at, key), item, (*to, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.copy(source, (*at, index), item, (*to, index))
        return value

    def source_map(self) -> SourceMap:
        """The merged document's map: the overlay's file, with the base's paths marked."""
        own = self.overlay.source
        texts = {**self.base.source.texts, self.base.source.file: self.base.source.text}
        texts.pop(own.file, None)
        files = {path: file for path, file in self.files.items() if file != own.file}
        return SourceMap(own.file, self.values, self.keys, self.ids, own.text, files, texts)

    def problem(
        self,
        at: DocPath,
        message: str,
        code: str,
        *,
        key: bool = False,
        expected: str | None = None,
        hint: str | None = None,
        **facts: str,
    ) -> None:
        self.problems.append(
            self.overlay.source.problem(
                at,
                message,
                key=key,
                rule="overlay",
                code=code,
                expected=expected,
                hint=hint,
                params=facts,
            )
        )

    # -- values

    def value(
        self, old: Any, old_at: DocPath | None, new: Any, new_at: DocPath, to: DocPath
    ) -> Any:
        """What ``new`` (from the overlay) makes of ``old`` (from the base, if it has one)."""
        overlay = self.overlay.source
        if isinstance(new, dict) and _is_patch(old, new):
            return self.patch(old or [], old_at, new, new_at, to)
        if isinstance(new, dict) and isinstance(old, dict) and old_at is not None:
            return self.mapping(old, old_at, new, new_at, to)
        if isinstance(new, list) and isinstance(old, list) and _has_ids(old):
            self.problem(
                new_at,
                "the items of this list have ids: change it with 'add', 'change' and 'remove'",
                "overlay.list-by-id",
                expected="add, change or remove",
                name=str(new_at[-1]) if new_at else "",
            )
            return old
        return self.copy(overlay, new_at, new, to)

    def mapping(
        self,
        old: Mapping[str, Any],
        old_at: DocPath,
        new: Mapping[str, Any],
        new_at: DocPath,
        to: DocPath,
    ) -> dict[str, Any]:
        """``old`` changed key by key; a key whose new value is null is removed.

        The mapping as a whole is placed where the overlay changes it: a
        problem of the merged mapping (a key missing, two keys that exclude
        each other) is the overlay's doing, the base being a valid process.
        """
        self.place(self.overlay.source, new_at, to)
        merged: dict[str, Any] = {}
        for key, value in old.items():
            here = (*to, key)
            if key not in new:
                merged[key] = self.copy(self.base.source, (*old_at, key), value, here)
            elif new[key] is not None:
                merged[key] = self.value(value, (*old_at, key), new[key], (*new_at, key), here)
        for key, value in new.items():
            if key not in old and value is not None:
                merged[key] = self.value(None, None, value, (*new_at, key), (*to, key))
        return merged

    def patch(
        self,
        old: list[Any],
        old_at: DocPath | None,
        new: Mapping[str, Any],
        new_at: DocPath,
        to: DocPath,
    ) -> list[Any]:
        """A list of items with ids, changed by ``add``, ``change`` and ``remove``."""
        if old_at is not None:
            self.place(self.base.source, old_at, to)
        else:
            self.place(self.overlay.source, new_at, to)
        for key in new:
            if key not in _PATCH_KEYS:
                self.problem(
                    (*new_at, key),
                    f"unknown key {key!r} in changes of a list",
                    "overlay.patch-key",
                    key=True,
                    expected="add, change or remove",
                    name=key,
                )
        entries = {key: self.entries(new, new_at, key) for key in _PATCH_KEYS}
        by_id = {item["id"]: index for index, item in enumerate(old) if _item_id(item)}
        known = ", ".join(str(item_id) for item_id in by_id) or "none"
        changes: dict[str, tuple[DocPath, Mapping[str, Any]]] = {}
        removed: set[str] = set()
        named: dict[str, DocPath] = {}
        for verb in ("change", "remove"):
            for at, entry in entries[verb]:
                item_id = entry if verb == "remove" else entry.get("id")
                if not isinstance(item_id, str):
                    self.problem(
                        at, f"each item of {verb!r} names an id", "overlay.no-id", verb=verb
                    )
                    continue
                id_at = at if verb == "remove" else (*at, "id")
                if item_id in named:
                    self.problem(
                        id_at,
                        f"{item_id!r} is named twice in the changes of this list",
                        "overlay.twice",
                        id=item_id,
                        first_line=str(self.overlay.source.locate(named[item_id])[0][0]),
                    )
                    continue
                named[item_id] = id_at
                if item_id not in by_id:
                    close = difflib.get_close_matches(item_id, list(by_id), n=1)
                    suggestion = close[0] if close else ""
                    self.problem(
                        id_at,
                        f"there is no {item_id!r} in this list of the base process to {verb}",
                        "overlay.unknown-id",
                        hint=(f"did you mean {suggestion!r}? " if suggestion else "")
                        + f"the list has: {known}",
                        id=item_id,
                        verb=verb,
                        known=known,
                        suggestion=suggestion,
                    )
                elif verb == "remove":
                    removed.add(item_id)
                    names = frozenset(_ids_in(old[by_id[item_id]]))
                    self.removals.append(_Removal(item_id, at, names))
                else:
                    changes[item_id] = (at, entry)
        merged: list[Any] = []
        for index, item in enumerate(old):
            item_id = item.get("id") if isinstance(item, dict) else None
            if item_id in removed:
                continue
            here = (*to, len(merged))
            item_at = (*old_at, index) if old_at is not None else None
            if isinstance(item_id, str) and item_id in changes and item_at is not None:
                change_at, change = changes[item_id]
                merged.append(self.mapping(item, item_at, change, change_at, here))
            elif item_at is not None:
                merged.append(self.copy(self.base.source, item_at, item, here))
        for at, entry in entries["add"]:
            item_id = entry.get("id")
            if not isinstance(item_id, str):
                self.no_id(at, "add")
                continue
            if item_id in by_id:
                self.problem(
                    (*at, "id"),
                    f"the base process already has {item_id!r} in this list",
                    "overlay.add-existing",
                    id=item_id,
                )
                continue
            merged.append(self.copy(self.overlay.source, at, entry, (*to, len(merged))))
        return merged

    def no_id(self, at: DocPath, verb: str) -> None:
        self.problem(at, f"each item of {verb!r} names an id", "overlay.no-id", verb=verb)

    def entries(
        self, new: Mapping[str, Any], new_at: DocPath, verb: str
    ) -> list[tuple[DocPath, Any]]:
        """The entries of ``add``, ``change`` or ``remove``, each with its path."""
        given = new.get(verb)
        if given is None:
            return []
        if not isinstance(given, list):
            self.problem(
                (*new_at, verb), f"{verb!r} holds a list", "overlay.patch-not-list", verb=verb
            )
            return []
        wanted = str if verb == "remove" else dict
        found: list[tuple[DocPath, Any]] = []
        for index, entry in enumerate(given):
            at = (*new_at, verb, index)
            if isinstance(entry, wanted):
                found.append((at, entry))
            else:
                self.no_id(at, verb)
        return found


def _item_id(item: object) -> bool:
    return isinstance(item, dict) and isinstance(item.get("id"), str)


def _has_ids(items: list[Any]) -> bool:
    return bool(items) and all(_item_id(item) for item in items)


def _is_patch(old: object, new: Mapping[str, Any]) -> bool:
    """Whether ``new`` changes a list by id: the base has a list there, or nothing yet."""
    if isinstance(old, list):
        return True
    return old is None and bool(new) and all(key in _PATCH_KEYS for key in new)


def _ids_in(value: Any) -> Iterator[str]:
    """The ids of the item ``value`` and of every item inside it."""
    if isinstance(value, dict):
        if isinstance(value.get("id"), str):
            yield value["id"]
        for item in value.values():
            yield from _ids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _ids_in(item)


def _as_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _as_lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_lists(item) for item in value]
    return value


# ------------------------------------------------------------------ dangling


def _dangling(
    problems: list[Problem], removals: list[_Removal], overlay: SourceMap
) -> list[Problem]:
    """Unknown names the removals caused, reported once per removal, in the overlay.

    The base was a valid process, so an unknown name in the merge comes from
    the overlay; one that names a removed item is that removal's doing.
    """
    kept: list[Problem] = []
    caused: dict[str, list[Problem]] = {removal.item_id: [] for removal in removals}
    for problem in problems:
        name = _unknown_name(problem)
        by = next((r for r in removals if name is not None and name in r.names), None)
        if by is not None:
            caused[by.item_id].append(problem)
        else:
            kept.append(problem)
    for removal in removals:
        left = caused[removal.item_id]
        if not left:
            continue
        places = "; ".join(f"{p.file}:{p.line} ({p.path})" for p in left)
        kept.append(
            overlay.problem(
                removal.at,
                f"removing {removal.item_id!r} leaves it named in {len(left)} place(s): {places}",
                rule="overlay",
                code="overlay.dangling",
                hint="remove or change those places in the overlay too",
                params={"id": removal.item_id, "count": str(len(left)), "places": places},
            )
        )
    kept.sort(key=lambda p: (p.file != overlay.file, p.file, p.line or 0, p.column or 0))
    return kept


def _unknown_name(problem: Problem) -> str | None:
    if problem.severity != "error" or not (problem.code or "").startswith("unknown-"):
        return None
    return problem.params.get("name") or problem.params.get("field")
