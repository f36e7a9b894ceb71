"""Checks of ``follows`` across processes: the earlier process is another file.

A process file alone cannot know the process it follows up, so its own
checks (``_checks``) only see that carried fields exist in its artifacts.
When the earlier process is loaded into the same registry, these checks
compare the two: the outcomes named are outcomes of the earlier process,
the ``from`` artifacts and fields exist there, and each carried field has
the same type on both sides. An earlier process not (yet) registered is not
a problem: it may be loaded later, and opening a follow-up needs it anyway.

Each registered version of the earlier process is compared, since a case
of any of them may be followed up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kwflow.exceptions import Problem

from ._yaml import format_path

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from ._models import ArtifactField, Process
    from ._yaml import DocPath, SourceMap

__all__ = ["FOLLOWS_CODES", "follows_problems"]

FOLLOWS_CODES = (
    "follows-unknown-outcome",
    "follows-unknown-artifact",
    "follows-unknown-field",
    "follows-field-type",
)
"""The codes of the problems these checks report (each has a Czech template)."""


def _outcomes(process: Process) -> set[str]:
    return {info.phase.outcome for info in process.all_phases() if info.phase.outcome is not None}


def _type(field: ArtifactField) -> str:
    return field.type


def follows_problems(
    process: Process,
    earlier_versions: Mapping[str, Iterable[Process]],
    *,
    source: SourceMap | None = None,
    file: str | None = None,
) -> list[Problem]:
    """Every problem of ``process``'s ``follows`` against the earlier processes registered.

    ``earlier_versions`` maps a process id to its registered versions;
    ``source`` (when the process was read from a file) positions each problem.
    """
    problems: list[Problem] = []

    def problem(path: DocPath, code: str, message: str, params: dict[str, str]) -> None:
        if source is not None:
            problems.append(source.problem(path, message, rule=code, code=code, params=params))
        else:
            problems.append(
                Problem(
                    file=file or f"<process {process.id}>",
                    line=None,
                    column=None,
                    path=format_path(path),
                    message=message,
                    rule=code,
                    code=code,
                    params=params,
                )
            )

    for i, rule in enumerate(process.follows):
        for earlier in earlier_versions.get(rule.process, ()):
            for path, code, message, params in _problems_against(process, i, earlier):
                problem(path, code, message, params)
    return problems


def _problems_against(
    process: Process, index: int, earlier: Process
) -> Iterator[tuple[DocPath, str, str, dict[str, str]]]:
    rule = process.follows[index]
    here: DocPath = ("follows", index)
    which = f"{earlier.id} version {earlier.version}"
    base = {"process": earlier.id, "version": str(earlier.version)}
    known_outcomes = _outcomes(earlier)
    for j, outcome in enumerate(rule.outcomes):
        if outcome not in known_outcomes:
            yield (
                (*here, "outcomes", j),
                "follows-unknown-outcome",
                (
                    f"{which} has no outcome {outcome!r} (its outcomes: "
                    f"{', '.join(sorted(known_outcomes))})"
                ),
                {**base, "outcome": outcome, "known": ", ".join(sorted(known_outcomes))},
            )
    for j, carry in enumerate(rule.carry_over):
        at: DocPath = (*here, "carry_over", j)
        theirs = earlier.artifact(carry.from_)
        if theirs is None:
            yield (
                (*at, "from"),
                "follows-unknown-artifact",
                f"{which} has no artifact {carry.from_!r} to carry over",
                {**base, "artifact": carry.from_},
            )
            continue
        mine = process.artifact(carry.artifact)
        if mine is None:
            continue  # reported by the file's own unknown-artifact check
        pairs = (
            carry.fields.items()
            if carry.fields is not None
            else ((f.id, f.id) for f in mine.fields if theirs.field(f.id) is not None)
        )
        for my_id, their_id in pairs:
            my_field = mine.field(my_id)
            their_field = theirs.field(their_id)
            path = (*at, "fields", my_id) if carry.fields is not None else (*at, "artifact")
            if their_field is None:
                yield (
                    path,
                    "follows-unknown-field",
                    f"the artifact {carry.from_!r} of {which} has no field {their_id!r}",
                    {**base, "artifact": carry.from_, "field": their_id},
                )
            elif my_field is not None and _type(my_field) != _type(their_field):
                yield (
                    path,
                    "follows-field-type",
                    (
                        f"the {_type(my_field)} field {my_id!r} cannot take the "
                        f"{_type(their_field)} field {their_id!r} of {carry.from_!r} in {which}"
                    ),
                    {
                        **base,
                        "field": my_id,
                        "type": _type(my_field),
                        "other_field": their_id,
                        "other_type": _type(their_field),
                        "artifact": carry.from_,
                    },
                )
