"""Every exception kwflow raises through its public API is a `KwflowError`.

The source of ``src/kwflow`` is read (not imported) and every ``raise`` of
a builtin exception class is a failure naming its file and line, unless it
is in `ALLOWED` below with the reason it never reaches a host as it is.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "kwflow"

BUILTIN_ERRORS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)

# (file under src/kwflow, function) -> why a builtin is right there.
ALLOWED: dict[tuple[str, str], str] = {
    # Pydantic validators of the process-file models: pydantic turns the
    # ValueError into a validation error, which the loader reports as a
    # `Problem` of a `DefinitionError`; it never leaves kwflow as it is.
    **{
        ("definition/_models.py", name): "pydantic validator: becomes a DefinitionError problem"
        for name in (
            "_one_language_at_least",
            "_min_not_above_max",
            "_exactly_one_operator",
            "_exactly_one_unit",
            "_exactly_one",
            "_target_or_limit",
            "_one_moment",
            "_known_timezone",
        )
    },
    # The same, for the models of migration plans (read by the same loader).
    **{
        ("definition/_migration.py", name): "pydantic validator: becomes a DefinitionError problem"
        for name in ("_to_or_drop", "_drop_alone")
    },
    # A signal inside the YAML reader: `_scalar` catches it and reports a problem.
    ("definition/_yaml.py", "_scalar_value"): "caught by _scalar, reported as a Problem",
    # Signals inside the Czech wording of problems: `czech` catches them and
    # keeps the English part, listing it as missing.
    ("definition/_messages.py", "_syntax_hint"): "caught by czech(): the part stays English",
    ("definition/_messages.py", "_render"): "caught by czech(): the part stays English",
    # kwflow's own consistency: every field type has a handler in every table
    # (tests/definition find a missing one), so no host input reaches it.
    ("definition/_field_types.py", "of"): "a missing handler is a bug in kwflow itself",
    # A stateful property test fails by AssertionError: that is how pytest and
    # hypothesis know a test failed (kwflow.testing is for a host's tests).
    ("testing/_stateful.py", "*"): "a failing property test raises AssertionError",
}


def _raises_of_builtins() -> list[tuple[str, str, int, str]]:
    """(file, enclosing function, line, exception) of every raise of a builtin class."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += _raises_in(relative, tree, "<module>")
    return found


def _raises_in(file: str, node: ast.AST, function: str) -> list[tuple[str, str, int, str]]:
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            found += _raises_in(file, child, child.name)
            continue
        if isinstance(child, ast.Raise) and child.exc is not None:
            raised = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
            if isinstance(raised, ast.Name) and raised.id in BUILTIN_ERRORS:
                found.append((file, function, child.lineno, raised.id))
        found += _raises_in(file, child, function)
    return found


def _allowed(file: str, function: str) -> bool:
    return (file, function) in ALLOWED or (file, "*") in ALLOWED


def test_kwflow_raises_only_its_own_errors_outside_the_allow_list() -> None:
    offending = [
        f"src/kwflow/{file}:{line}: raise {name} (in {function})"
        for file, function, line, name in _raises_of_builtins()
        if not _allowed(file, function)
    ]
    assert offending == [], "raise a KwflowError subclass instead:\n" + "\n".join(offending)


def test_every_entry_of_the_allow_list_is_still_needed() -> None:
    used = {(file, function) for file, function, _, _ in _raises_of_builtins()}
    used |= {(file, "*") for file, _ in used}
    assert set(ALLOWED) <= used, set(ALLOWED) - used


def test_the_scan_finds_a_raise_of_a_builtin() -> None:
    tree = ast.parse("def f():\n    if x:\n        raise ValueError('no')\n    raise KwErr()\n")
    assert _raises_in("x.py", tree, "<module>") == [("x.py", "f", 3, "ValueError")]
