"""Reading YAML safely into plain data, remembering where every value came from.

PyYAML's composer gives a node tree with a position on every node; this module
builds plain Python data from that tree itself instead of using PyYAML's
constructor, so that it can (a) record ``path -> (line, column)`` for every
mapping key, value and sequence item, (b) refuse what PyYAML silently accepts
(a duplicate key keeps the last value; ``!!python/...`` tags build objects),
and (c) bound the work an alias can cause. Whatever the input, the only
exception that leaves this module is `DefinitionError`.

Scalars are resolved with the YAML 1.2 core schema, the one editors and the
JSON Schema speak: ``yes``, ``no``, ``on`` and ``off`` are text, not booleans
(an enum value ``no`` stays ``"no"``), and ``010`` is ten, not eight. Dates and
timestamps (``2026-10-27``) are read as dates, which field conditions use.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kwflow.exceptions import DefinitionError, Problem

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "DocPath",
    "Position",
    "SourceMap",
    "describe",
    "describe_params",
    "dump_yaml",
    "format_path",
    "parse_path",
    "parse_yaml",
]

Position = tuple[int, int]
"""A 1-based ``(line, column)`` in the source text."""

DocPath = tuple[str | int, ...]
"""A location inside the document: mapping keys and sequence indexes."""

MAX_NODES = 200_000
"""Most values one document may expand to, counting every use of an alias.

A real process file has a few thousand; the limit stops an alias bomb
("billion laughs") from eating memory, while leaving room for honest reuse.
"""

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest process file read, in bytes of UTF-8 (5 MiB).

The shipped processes are about 30 kB; the limit leaves room for a hundred
times that while keeping a mistaken or hostile file (a log, a dump) from
costing seconds and hundreds of megabytes before it is refused. Reading is
linear in the size below it, whatever the shape of the file.
"""

_MAX_DEPTH = 100
"""Deepest nesting accepted; process files nest a handful of levels."""

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


def format_path(path: DocPath) -> str:
    """Render a document path as ``actions[3].requires.artifacts[0]``."""
    text = ""
    for segment in path:
        if isinstance(segment, int):
            text += f"[{segment}]"
        else:
            text += f".{segment}" if text else segment
    return text


_SEGMENT = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def parse_path(text: str) -> DocPath:
    """The document path `format_path` rendered (keys without dots or brackets)."""
    return tuple(
        int(index) if index else key for index, key in _SEGMENT.findall(text) if index or key
    )


@dataclass(frozen=True)
class SourceMap:
    """Where each part of a document is in its file.

    ``values`` maps a document path to the start of the value there (for the
    root, ``()``, the start of the top-level mapping); ``keys`` maps the path
    of a mapping entry to the start of its key. Positions are 1-based.
    """

    file: str
    values: Mapping[DocPath, Position] = field(default_factory=dict)
    keys: Mapping[DocPath, Position] = field(default_factory=dict)
    ids: Mapping[DocPath, str] = field(default_factory=dict)
    """The ``id`` of each list item that has one, by the item's path."""
    text: str = field(default="", repr=False)
    """The text the document was read from, for quoting a line."""
    files: Mapping[DocPath, str] = field(default_factory=dict, repr=False)
    """The file of each path whose value was read from another file than ``file``.

    A process merged from an overlay and its base (``_overlay``) has values
    from both; a problem is reported in the file its value came from.
    """
    texts: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The texts of the other files of ``files``, by file name."""

    def line_text(self, line: int, file: str | None = None) -> str:
        """Line ``line`` (1-based) of the text of ``file`` (this map's own by default).

        Without its line break; ``""`` past the end.
        """
        if file is None or file == self.file:
            return _line_of(self.text, line)
        return _line_of(self.texts.get(file, ""), line)

    def where(self, path: DocPath, *, key: bool = False) -> tuple[str, Position]:
        """The file and position of ``path`` (or of its nearest ancestor); see `locate`."""
        position, found = self.locate(path, key=key)
        return self.files.get(found, self.file), position

    def place_ids(self, path: DocPath) -> str:
        """The ids of the list items along ``path``, as the ``place_ids`` param.

        One entry per index in the path, joined with ``|``; an item without
        an id gives an empty entry. Messages name places from it
        (``phase 2 ('scheduling')``) in any language.
        """
        return place_ids(path, self.ids)

    def locate(self, path: DocPath, *, key: bool = False) -> tuple[Position, DocPath]:
        """The position of ``path``, or of its nearest ancestor in the document.

        With ``key=True`` a mapping entry is located at its key (where an
        unknown or misplaced key is best pointed at) rather than its value.
        Returns the position and the path it belongs to; a path outside any
        document falls back to line 1, column 1.
        """
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if key and prefix in self.keys:
                return self.keys[prefix], prefix
            if prefix in self.values:
                return self.values[prefix], prefix
        return (1, 1), ()

    def problem(
        self,
        path: DocPath,
        message: str,
        *,
        key: bool = False,
        severity: str = "error",
        rule: str = "schema",
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
        code: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Problem:
        """A `Problem` about ``path``, positioned through this map."""
        file, (line, column) = self.where(path, key=key)
        facts = dict(params or {})
        if any(isinstance(segment, int) for segment in path):
            facts.setdefault("place_ids", self.place_ids(path))
        return Problem(
            file=file,
            line=line,
            column=column,
            path=format_path(path),
            message=message,
            severity=severity,
            rule=rule,
            expected=expected,
            found=found,
            hint=hint,
            code=code,
            params=facts,
        )


def place_ids(path: DocPath, ids: Mapping[DocPath, str]) -> str:
    """The ids of the list items along ``path`` (see `SourceMap.place_ids`)."""
    return "|".join(
        ids.get(path[: i + 1], "") for i, segment in enumerate(path) if isinstance(segment, int)
    )


def _line_of(text: str, line: int) -> str:
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)].rstrip("\r")


def parse_yaml(text: str | bytes, filename: str = "<string>") -> tuple[dict[str, Any], SourceMap]:
    """Parse one YAML document into plain data and its source map.

    The top level must be a mapping. Raises `DefinitionError` listing
    every duplicate key and unsupported tag at once; a syntax error stops
    reading, so it is reported alone.
    """
    _refuse_too_large(text, filename)
    decoded = _decode(text, filename)
    try:
        root = _compose(decoded)
    except yaml.MarkedYAMLError as exc:
        raise DefinitionError([syntax_problem(exc, decoded, filename)]) from None
    except yaml.reader.ReaderError as exc:
        line, column = _position_of(decoded, exc.position)
        raise DefinitionError(
            [
                Problem(
                    file=filename,
                    line=line,
                    column=column,
                    path="",
                    message=f"the file contains a character YAML does not allow "
                    f"(code point {exc.character!r})",
                    rule="yaml",
                    hint="remove control characters; save the file as UTF-8 text",
                    code="yaml.bad-character",
                    params={"character": repr(exc.character)},
                )
            ]
        ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        # The composer recurses once per nesting level; absurd nesting ends
        # here rather than as a crash.
        raise DefinitionError(
            [
                Problem(
                    file=filename,
                    line=1,
                    column=1,
                    path="",
                    message=f"the file cannot be read as YAML: {_first_line(exc)}",
                    rule="yaml",
                    code="yaml.unreadable",
                    params={"detail": _first_line(exc)},
                )
            ]
        ) from None
    # "---" alone composes to a null document: as empty as no text at all.
    if root is None or (isinstance(root, ScalarNode) and root.tag == _TAG + "null"):
        raise DefinitionError(
            [
                Problem(
                    file=filename,
                    line=1,
                    column=1,
                    path="",
                    message="the file is empty",
                    rule="yaml",
                    expected="a process: a mapping with 'id', 'version', 'title'...",
                    code="yaml.empty",
                )
            ]
        )
    builder = _Builder(filename)
    data = builder.build(root)
    if not isinstance(data, dict) and not builder.problems:
        line, column = _mark(root)
        builder.problems.append(
            Problem(
                file=filename,
                line=line,
                column=column,
                path="",
                message="the top level of a process file must be a mapping of keys to values",
                rule="yaml",
                expected="a mapping (id: ..., version: ...)",
                found=describe(data),
                code="yaml.top-not-mapping",
                params=describe_params(data),
            )
        )
    if builder.problems:
        raise DefinitionError(
            [
                replace(
                    p,
                    params={**p.params, "place_ids": place_ids(parse_path(p.path), builder.ids)},
                )
                if any(isinstance(s, int) for s in parse_path(p.path))
                else p
                for p in builder.problems
            ]
        )
    assert isinstance(data, dict)
    return data, SourceMap(filename, builder.values, builder.keys, builder.ids, decoded)


def _refuse_too_large(text: str | bytes, filename: str) -> None:
    # Characters never outnumber UTF-8 bytes, and a character is at most
    # four bytes: encode only when the count alone cannot decide.
    size = len(text)
    if isinstance(text, str) and size <= MAX_FILE_BYTES < 4 * size:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_FILE_BYTES:
        return
    raise DefinitionError(
        [
            Problem(
                file=filename,
                line=None,
                column=None,
                path="",
                message=f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB "
                f"({MAX_FILE_BYTES} bytes), the most a process file may be",
                rule="yaml",
                hint="a process file describes one process in a few hundred kB at most: "
                "check that this is the file you meant",
                code="yaml.too-large",
                params={
                    "limit_mib": str(MAX_FILE_BYTES // (1024 * 1024)),
                    "limit": str(MAX_FILE_BYTES),
                },
            )
        ]
    )


def describe(value: object) -> str:
    """How a value reads to a process author: ``a mapping``, ``'abc'``, ``true``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, datetime):
        return f"the timestamp {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    return str(value)


def describe_params(value: object) -> dict[str, str]:
    """What `describe` says, as data: ``found_kind`` and ``found_value``.

    Kinds: ``null``, ``true``, ``false``, ``mapping``, ``list``, ``text``
    (the value quoted as `describe` shows it), ``date``, ``timestamp`` and
    ``value`` (a number, shown as it is).
    """
    if value is None:
        return {"found_kind": "null", "found_value": ""}
    if isinstance(value, bool):
        return {"found_kind": "true" if value else "false", "found_value": ""}
    if isinstance(value, Mapping):
        return {"found_kind": "mapping", "found_value": ""}
    if isinstance(value, list | tuple):
        return {"found_kind": "list", "found_value": ""}
    if isinstance(value, str):
        return {"found_kind": "text", "found_value": describe(value)}
    if isinstance(value, datetime):
        return {"found_kind": "timestamp", "found_value": value.isoformat()}
    if isinstance(value, date):
        return {"found_kind": "date", "found_value": value.isoformat()}
    return {"found_kind": "value", "found_value": str(value)}


# ------------------------------------------------------------------- internals


class _Loader(yaml.SafeLoader):
    """A safe loader whose implicit types follow the YAML 1.2 core schema."""


# Replace (not extend) the YAML 1.1 resolvers inherited from SafeLoader.
_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(
    _TAG + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    _TAG + "int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    _TAG + "float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
_Loader.add_implicit_resolver(
    _TAG + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Loader.add_implicit_resolver(
    _TAG + "timestamp",
    re.compile(
        r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
    ),
    list("0123456789"),
)
# The merge key '<<' is left unresolved on purpose: it reads as an ordinary
# (unknown) key instead of copying entries whose positions would mislead.


class _Dumper(yaml.SafeDumper):
    """A safe dumper that quotes exactly the text this module's reader would not read as text."""


_Dumper.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _no_aliases(dumper: yaml.SafeDumper, data: object) -> bool:  # noqa: ARG001
    return True


# A merged process shares values between its parts; written out, each is written in full.
_Dumper.ignore_aliases = _no_aliases  # type: ignore[method-assign,assignment]


def dump_yaml(data: Mapping[str, Any]) -> str:
    """Plain data as YAML text that `parse_yaml` reads back to the same data.

    Keys keep their order; text is quoted wherever the YAML 1.2 core schema
    this module reads with would take it for a number, a date, a boolean or null.
    """
    text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return text


# libyaml composes about ten times faster than the pure-Python reader (16 ms
# against 150 ms for a shipped process), with the same marks, tags and values
# (a test compares them). But it recurses in C: about 100,000 nested brackets
# crash the interpreter. So it is used only when the nesting depth is surely
# small, and any failure is read again by the pure-Python reader, whose
# messages are the ones the documentation shows.
_FAST_DEPTH_LIMIT = 2_000

if yaml.__with_libyaml__:

    class _FastLoader(yaml.CSafeLoader):
        """libyaml's safe loader with the same YAML 1.2 core resolvers."""

    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _FAST: type[yaml.CSafeLoader] | None = _FastLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _FAST = None


def _nesting_bound(text: str) -> int:
    """An upper bound of how deeply ``text`` can nest collections, found cheaply.

    A block collection nested in another is indented further or starts
    after a ``- `` on the same line, so block nesting is at most twice the
    longest line; each flow level needs its own bracket. The bound is loose
    for long lines and many brackets (a file written on one line, flow-style
    labels on every line); `_nesting_depth` then measures exactly.
    """
    longest = max((len(line) for line in text.splitlines()), default=0)
    return 2 * (longest + 1) + text.count("[") + text.count("{")


def _nesting_depth(text: str, limit: int) -> int:
    """How deeply ``text`` nests collections, counting no further than past ``limit``.

    libyaml's parser keeps its own stack (only its composer recurses in C),
    so reading the events is safe at any depth and linear in the text.
    Raises `yaml.YAMLError` when the text is not YAML.
    """
    assert _FAST is not None
    depth = deepest = 0
    for event in yaml.parse(text, Loader=_FAST):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


def _fast_is_safe(text: str) -> bool:
    if _nesting_bound(text) <= _FAST_DEPTH_LIMIT:
        return True
    try:
        return _nesting_depth(text, _FAST_DEPTH_LIMIT) <= _FAST_DEPTH_LIMIT
    except yaml.YAMLError:
        return False  # the reference reader words the error


def _compose(text: str) -> Node | None:
    if _FAST is not None and _fast_is_safe(text):
        try:
            root: Node | None = yaml.compose(text, Loader=_FAST)
        except Exception:  # noqa: BLE001, S110 - the reference reader below reports it
            pass
        else:
            return root
    return yaml.compose(text, Loader=_Loader)


class _TooBigError(Exception):
    """Raised inside the builder when the expansion limit is passed."""


class _Builder:
    """Turns a composed node tree into plain data, collecting problems."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.values: dict[DocPath, Position] = {}
        self.keys: dict[DocPath, Position] = {}
        self.ids: dict[DocPath, str] = {}
        self.problems: list[Problem] = []
        self._count = 0
        self._active: set[int] = set()
        # Used only for timestamps, whose parsing rules it already implements.
        self._constructor = SafeConstructor()

    def build(self, root: Node) -> Any:
        try:
            return self._node(root, ())
        except _TooBigError:
            self.problems.append(
                self._problem(
                    root,
                    (),
                    f"the document expands to more than {MAX_NODES} values "
                    "(aliases repeat what they point to)",
                    hint="write the repeated parts out, or use fewer nested aliases",
                    code="yaml.too-big",
                    params={"limit": str(MAX_NODES)},
                )
            )
            return None
        except RecursionError:
            self.problems.append(
                self._problem(root, (), "the document is nested too deeply", code="yaml.too-deep")
            )
            return None

    def _problem(
        self,
        node: Node,
        path: DocPath,
        message: str,
        *,
        rule: str = "yaml",
        hint: str | None = None,
        expected: str | None = None,
        found: str | None = None,
        code: str,
        params: Mapping[str, str] | None = None,
    ) -> Problem:
        line, column = _mark(node)
        return Problem(
            file=self.filename,
            line=line,
            column=column,
            path=format_path(path),
            message=message,
            rule=rule,
            hint=hint,
            expected=expected,
            found=found,
            code=code,
            params=params or {},
        )

    def _node(self, node: Node, path: DocPath) -> Any:
        self._count += 1
        if self._count > MAX_NODES:
            raise _TooBigError
        if len(path) > _MAX_DEPTH:
            self.problems.append(
                self._problem(node, path, "the document is nested too deeply", code="yaml.too-deep")
            )
            return None
        self.values.setdefault(path, _mark(node))
        if node.tag not in _ALLOWED_TAGS:
            self.problems.append(
                self._problem(
                    node,
                    path,
                    f"the tag {_show_tag(node.tag)} is not allowed in a process file",
                    rule="yaml-tag",
                    hint="process files hold plain data only: remove the tag",
                    code="yaml-tag",
                    params={"tag": _show_tag(node.tag)},
                )
            )
            return None
        # A node that contains itself (`&a [*a]`) would expand forever.
        if id(node) in self._active:
            self.problems.append(
                self._problem(
                    node,
                    path,
                    "an alias refers to a value that contains it",
                    code="yaml.alias-cycle",
                )
            )
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                items = [self._node(item, (*path, i)) for i, item in enumerate(node.value)]
                for i, item in enumerate(items):
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        self.ids[(*path, i)] = item["id"]
                return items
            assert isinstance(node, MappingNode)
            return self._mapping(node, path)
        finally:
            self._active.discard(id(node))

    def _mapping(self, node: MappingNode, path: DocPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problems.append(
                    self._problem(
                        key_node,
                        path,
                        "a key must be plain text, not a list or mapping",
                        code="yaml.key-not-text",
                    )
                )
                continue
            if key_node.tag not in _ALLOWED_TAGS:
                self.problems.append(
                    self._problem(
                        key_node,
                        path,
                        f"the tag {_show_tag(key_node.tag)} is not allowed in a process file",
                        rule="yaml-tag",
                        hint="process files hold plain data only: remove the tag",
                        code="yaml-tag",
                        params={"tag": _show_tag(key_node.tag)},
                    )
                )
                continue
            # Keys are names; `1:` or `true:` are read as the text they show.
            key = str(key_node.value)
            child = (*path, key)
            if key in first_seen:
                line, column = _mark(first_seen[key])
                self.problems.append(
                    self._problem(
                        key_node,
                        child,
                        f"the key {key!r} is given twice in this mapping",
                        rule="duplicate-key",
                        hint=f"it was first given at line {line}, column {column}; "
                        "YAML would silently keep only the last one: remove one",
                        code="duplicate-key",
                        params={"key": key, "line": str(line), "column": str(column)},
                    )
                )
                continue
            first_seen[key] = key_node
            self.keys[child] = _mark(key_node)
            result[key] = self._node(value_node, child)
        return result

    def _scalar(self, node: ScalarNode, path: DocPath) -> Any:
        try:
            return _scalar_value(node, self._constructor)
        except (ValueError, TypeError, OverflowError, AttributeError, ConstructorError):
            text = str(node.value)
            self.problems.append(
                self._problem(
                    node,
                    path,
                    f"{text!r} is not a valid {_show_tag(node.tag)} value",
                    found=repr(text),
                    code="yaml.bad-scalar",
                    params={
                        "text": repr(text),
                        "tag": _show_tag(node.tag),
                        "found_kind": "quoted",
                        "found_value": repr(text),
                    },
                )
            )
            return None


def _scalar_value(node: ScalarNode, constructor: SafeConstructor) -> Any:
    """The value of a scalar whose tag is allowed; raises ValueError if it does not fit."""
    text: str = node.value
    tag = node.tag.removeprefix(_TAG)
    if tag == "str":
        return text
    if tag == "null":
        if text not in ("", "~", "null", "Null", "NULL"):
            raise ValueError(text)
        return None
    if tag == "bool":
        if text.lower() not in ("true", "false"):
            raise ValueError(text)
        return text.lower() == "true"
    if tag == "int":
        return _int(text)
    if tag == "float":
        return _float(text)
    value = constructor.construct_yaml_timestamp(node)
    if not isinstance(value, date):
        raise TypeError(text)
    return value


def _int(text: str) -> int:
    cleaned = text.replace("_", "")
    sign = -1 if cleaned.startswith("-") else 1
    digits = cleaned.lstrip("+-")
    # The core schema reads 010 as ten; only an explicit 0o or 0x changes the base.
    base = 0 if digits[:2] in ("0o", "0x") else 10
    return sign * int(digits, base)


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    return float(text)


def _show_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _mark(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _decode(text: str | bytes, filename: str) -> str:
    if isinstance(text, str):
        return text.removeprefix("\ufeff")
    try:
        return text.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = text[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise DefinitionError(
            [
                Problem(
                    file=filename,
                    line=line,
                    column=column,
                    path="",
                    message=f"the file is not UTF-8 text (byte 0x{text[exc.start]:02x} "
                    f"at offset {exc.start})",
                    rule="yaml",
                    expected="UTF-8 text",
                    hint="save the file as UTF-8",
                    code="yaml.not-utf8",
                    params={"byte": f"0x{text[exc.start]:02x}", "offset": str(exc.start)},
                )
            ]
        ) from None


def _position_of(text: str, offset: int) -> Position:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, filename: str) -> Problem:
    """A YAML syntax error as a problem a person can act on.

    PyYAML words its errors in terms of its own machinery ("expected
    <block end>, but found '<block mapping start>'"). The usual mistakes of
    a person writing a process file — indentation, a tab, a missing colon,
    a colon inside unquoted text, an unclosed bracket or quote — are
    recognised here and named in plain words, with the line they are on
    (``line_text``) and, where there is one, the right form. Anything else
    keeps PyYAML's words, translated phrase by phrase into Czech.
    """
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    recognised = _plain_syntax_problem(exc, text, filename, line, column)
    if recognised is not None:
        return recognised
    parts = [p for p in (exc.context, exc.problem) if p]
    detail = "; ".join(parts) if parts else _first_line(exc)
    message = "YAML syntax error: " + detail
    params = {"detail": detail, "context": exc.context or "", "problem": exc.problem or ""}
    hint = None
    if "expected a single document" in message:
        hint = "a process file holds one document: remove the '---' separator"
        params["advice"] = "one-document"
    context = exc.context_mark
    if context is not None and mark is not None and context.line != mark.line:
        # The parser notices late: an unclosed bracket is found lines later.
        started = f"it began at line {context.line + 1}, column {context.column + 1}"
        hint = f"{started}; {hint}" if hint else started
        params["began_line"] = str(context.line + 1)
        params["began_column"] = str(context.column + 1)
    params.update(line=str(line), line_text=_line_of(text, line))
    return Problem(
        file=filename,
        line=line,
        column=column,
        path="",
        message=message,
        rule="yaml",
        hint=hint,
        code="yaml.syntax",
        params=params,
    )


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _key_of(text: str) -> str:
    """The key a line starts with (``- `` items and quotes aside), or ``""``."""
    body = text.strip()
    while body.startswith("- "):
        body = body[2:].lstrip()
    key, colon, _ = body.partition(":")
    return key.strip().strip("'\"") if colon else ""


def _open_levels(text: str, line: int) -> list[tuple[int, int]]:
    """The indentations still open before ``line``: ``(spaces, line)``, nearest first.

    Walking up from the line, each line indented less than every line seen
    so far opens a level; an item ``- key: ...`` opens two, the dash's and
    its key's.
    """
    lines = text.split("\n")[: line - 1]
    levels: list[tuple[int, int]] = []
    current = 1 << 30
    for number in range(len(lines), 0, -1):
        body = lines[number - 1].rstrip("\r")
        stripped = body.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = _indent(body)
        inner = indent
        while body[inner:].startswith("- "):
            inner += 2 + _indent(body[inner + 2 :])
        if inner != indent and _key_of(body) and inner < current:
            levels.append((inner, number))
        if indent < current:
            levels.append((indent, number))
            current = indent
        if indent == 0:
            break
    return levels


def _levels_text(levels: list[tuple[int, int]]) -> str:
    spaces = sorted({indent for indent, _ in levels}, reverse=True)
    return ", ".join(str(n) for n in spaces)


def _plain_syntax_problem(
    exc: yaml.MarkedYAMLError, text: str, filename: str, line: int, column: int
) -> Problem | None:
    problem = exc.problem or ""
    context = exc.context or ""
    context_mark = exc.context_mark

    # The problem stays where the reader stopped (as editors mark it); the
    # message names the line the mistake is on, and ``line_text`` quotes it.
    stopped_line, stopped_column = line, column

    def make(
        at: int,
        code: str,
        message: str,
        *,
        hint: str | None = None,
        expected: str | None = None,
        **facts: str,
    ) -> Problem:
        line_text = _line_of(text, at)
        return Problem(
            file=filename,
            line=stopped_line,
            column=stopped_column,
            path="",
            message=message,
            rule="yaml",
            expected=expected,
            hint=hint,
            code=code,
            params={"line": str(at), "line_text": line_text, **facts},
        )

    if "found character '\\t'" in problem:
        return make(
            line,
            "yaml.tab",
            f"line {line} is indented with a tab; YAML indents with spaces only",
            hint="replace the tab with spaces (two per level, as the lines around)",
        )
    if problem == "mapping values are not allowed here":
        body = _line_of(text, line)
        key = _key_of(body)
        first_colon = body.find(": ")
        if (
            key
            and first_colon >= 0
            and exc.problem_mark is not None
            and (first_colon < exc.problem_mark.column)
        ):
            value = body[first_colon + 2 :].strip()
            right = f'{key}: "{value.replace(chr(34), chr(92) + chr(34))}"'
            return make(
                line,
                "yaml.colon-in-text",
                f"the text of {key!r} on line {line} contains ': ', which YAML reads "
                "as the start of another key",
                expected=f"the text in quotes: {right}",
                key=key,
                right=right,
            )
        above = [
            n
            for n in range(line - 1, 0, -1)
            if _line_of(text, n).strip() and not _line_of(text, n).strip().startswith("#")
        ]
        if above:
            previous = above[0]
            want = _indent(_line_of(text, previous))
            right = " " * want + body.strip()
            return make(
                line,
                "yaml.indentation.deeper",
                f"wrong indentation on line {line}: {key!r} is indented deeper than "
                f"the line above, whose key already has its value",
                expected=f"{key!r} indented by {want} spaces, as on line {previous}: {right}",
                hint="a key indented deeper belongs to the key above it, which can then "
                "have no value on its own line",
                key=key,
                spaces=str(want),
                previous=str(previous),
                right=right,
            )
    if problem.startswith("expected <block end>"):
        body = _line_of(text, line)
        key = _key_of(body) or body.strip()
        indent = _indent(body)
        levels = _open_levels(text, line)
        facts = {"key": key, "indent": str(indent), "levels": _levels_text(levels)}
        if (
            "block collection" in context
            and context_mark is not None
            and not body.lstrip().startswith("- ")
        ):
            dash = context_mark.column
            item_keys = [n for n, at in levels if n > dash]
            want = min(item_keys) if item_keys else dash + 2
            right = " " * want + body.strip()
            return make(
                line,
                "yaml.indentation.list",
                f"wrong indentation on line {line}: {key!r} starts where the items of "
                f"the list above start ('- ' at {dash} spaces), where only a new item "
                "can begin",
                expected=f"a key of the list's last item indented by {want} spaces: {right}",
                hint="a key of the mapping that holds the list is indented less than its '- '",
                **facts,
                spaces=str(want),
                right=right,
            )
        return make(
            line,
            "yaml.indentation",
            f"wrong indentation on line {line}: it is indented by {_spaces(indent)}, which "
            f"does not line up with the lines above (indented by {facts['levels']} spaces)",
            hint="keys of one mapping, and the '- ' of one list's items, start in "
            "the same column: indent the line like the keys it belongs with",
            **facts,
        )
    if problem == "could not find expected ':'" and context_mark is not None:
        at = context_mark.line + 1
        body = _line_of(text, at)
        return make(
            at,
            "yaml.missing-colon",
            f"line {at} has no ':' after its key",
            expected="key: value",
            hint="write a colon and a space between the key and its value; text "
            "that continues a value on the next line must be indented deeper",
            key=body.strip(),
        )
    if context.startswith("while parsing a flow") and context_mark is not None:
        at = context_mark.line + 1
        bracket = "[" if "sequence" in context else "{"
        closing = "]" if bracket == "[" else "}"
        return make(
            at,
            "yaml.unclosed",
            f"the bracket {bracket!r} opened on line {at} is not closed with "
            f"{closing!r}, or a ',' is missing between its items",
            hint=f"the reader noticed it on line {line}",
            bracket=bracket,
            closing=closing,
            noticed=str(line),
        )
    if "quoted scalar" in context and context_mark is not None:
        at = context_mark.line + 1
        return make(
            at,
            "yaml.unclosed-quote",
            f"the quotation mark opened on line {at} is never closed",
            hint="end the text with the same quotation mark it starts with",
        )
    return None


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"
