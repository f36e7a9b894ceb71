"""`kwflow check`: check process files and report every problem.

Exit status: 0 when no file has an error (warnings alone are fine, unless
``--strict``), 1 when some file has a problem, 2 for a usage error (a path
that does not exist, no process files found).

``--strict`` makes every warning an error, in any language: it is printed,
counted and reported in JSON as an error. So ``--lang cs --strict`` refuses
a label without its Czech text (``missing-translation``), as a Czech team
publishing a process wants.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping
    from pathlib import Path

    from kwflow.definition import LoadedProcess, Process, ProcessDocument
    from kwflow.exceptions import Problem
    from kwflow.i18n import Catalogue

DEFAULT_PATH = "processes"

# What the command itself says, by language; the problems are worded by
# `kwflow.definition.problem_text`.
_SAY: Catalogue = {
    "ok": {"en": "{file}: ok", "cs": "{file}: v pořádku"},
    "summary": {
        "en": "{files} file(s) checked, {bad} with problems: "
        "{errors} error(s), {warnings} warning(s)",
        "cs": "{files:plural:soubor zkontrolován|soubory zkontrolovány|souborů zkontrolováno}, "
        "{bad} s problémy: {errors:plural:chyba|chyby|chyb}, {warnings} varování",
    },
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=f"process files or directories of *.yaml/*.yml files (default: {DEFAULT_PATH}/)",
    )
    parser.add_argument(
        "--format",
        choices=("human", "json"),
        default="human",
        help="human-readable lines (file:line:column: ...) or one JSON document for tools",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="make every warning an error (a label without its Czech text, an unused role...)",
    )
    parser.add_argument(
        "--effective",
        metavar="OVERLAY",
        help="print the process an overlay file makes (merged into its base, as YAML) "
        "instead of checking; its base is looked up among PATH and the shipped processes",
    )
    parser.add_argument(
        "--lang",
        choices=("en", "cs"),
        default="en",
        help="language of the human-readable output (JSON carries both)",
    )


def run(args: argparse.Namespace) -> int:
    # Imports stay here: `kwflow --help` and other subcommands need none of this.
    import dataclasses
    import json
    from pathlib import Path

    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from kwflow.definition import (
        check_process,
        czech,
        describe_place,
        follows_problems,
        is_overlay_file,
        parse_process_file,
        plan_files,
        problem_text,
        process_files,
    )
    from kwflow.exceptions import DefinitionError, Problem
    from kwflow.i18n import say

    if args.effective is not None:
        return _effective(args)
    paths = [Path(p) for p in (args.paths or [DEFAULT_PATH])]
    files: list[Path] = []
    plans: list[Path] = []
    for path in paths:
        try:
            found = process_files(path)
        except FileNotFoundError:
            print(f"kwflow check: no such file or directory: {path}", file=sys.stderr)
            return EXIT_USAGE
        found_plans = plan_files(path)
        if not found and not found_plans:
            print(f"kwflow check: no process files (*.yaml, *.yml) in {path}", file=sys.stderr)
            return EXIT_USAGE
        files.extend(f for f in found if f not in files)
        plans.extend(f for f in found_plans if f not in plans)

    results: dict[str, list[Problem]] = {}
    processes: dict[str, dict[str, object]] = {}
    first_of: dict[tuple[str, int], tuple[str, int | None]] = {}
    loaded_files: dict[str, LoadedProcess] = {}
    checked: list[tuple[str, LoadedProcess | None, list[Problem]]] = []
    for file in files:
        if is_overlay_file(file):
            continue
        try:
            loaded = parse_process_file(file)
        except DefinitionError as exc:
            checked.append((str(file), None, list(exc.problems)))
            continue
        checked.append((str(file), loaded, check_process(loaded)))
    # Overlays among the files: each is merged into its base (a file given, or
    # a shipped process) and its variant checked like the other files.
    overlays = [file for file in files if is_overlay_file(file)]
    if overlays:
        given = [loaded for _, loaded, _ in checked if loaded is not None]
        checked += _check_overlays(overlays, given)
    for name, maybe_loaded, problems in checked:
        if maybe_loaded is None:
            results[name] = problems
            continue
        loaded = maybe_loaded
        process = loaded.process
        loaded_files[name] = loaded
        processes[name] = {
            "id": process.id,
            "version": process.version,
            "content_hash": process.content_hash,
        }
        (line, column), _ = loaded.source.locate(("id",))
        if process.key in first_of:
            other, other_line = first_of[process.key]
            problems.insert(
                0,
                Problem(
                    file=name,
                    line=line,
                    column=column,
                    path="id",
                    message=f"process {process.id!r} version {process.version} is defined "
                    f"twice: here and in {other}:{other_line}",
                    rule="duplicate-process",
                    hint="raise the version of the newer file",
                    code="duplicate-process",
                    params={
                        "id": process.id,
                        "version": str(process.version),
                        "other": f"{other}:{other_line}",
                    },
                ),
            )
        else:
            first_of[process.key] = (name, line)
        results[name] = problems
    # Files checked together are compared as a registry would: a follow-up
    # process against the process it follows, when both are given.
    versions: dict[str, list[Process]] = {}
    for loaded in loaded_files.values():
        versions.setdefault(loaded.process.id, []).append(loaded.process)
    for name, loaded in loaded_files.items():
        results[name] += follows_problems(loaded.process, versions, source=loaded.source)
    # Migration plans, against the versions given here or else the shipped ones.
    for file in plans:
        results[str(file)], described = _plan_results(file, loaded_files)
        if described is not None:
            processes[str(file)] = described

    if args.strict:
        results = {
            name: [
                dataclasses.replace(p, severity="error") if p.severity != "error" else p
                for p in problems
            ]
            for name, problems in results.items()
        }

    def failing(problem: Problem) -> bool:
        return problem.severity == "error"

    every = [p for problems in results.values() for p in problems]
    errors = sum(p.severity == "error" for p in every)
    warnings = len(every) - errors
    ok = not any(failing(p) for p in every)

    def as_json(problem: Problem) -> dict[str, object]:
        # The English fields as they always were, then the same in Czech.
        cs = czech(problem)
        ids = problem.params.get("place_ids", "")
        return {
            **problem.as_dict(),
            # The path for people: counted from 1, items named by their ids.
            "place": describe_place(problem.path, ids, "en"),
            "place_cs": describe_place(problem.path, ids, "cs"),
            "line_text": problem.params.get("line_text"),
            "reference": problem.params.get("reference"),
            "message_cs": cs.message,
            "expected_cs": cs.expected,
            "found_cs": cs.found,
            "hint_cs": cs.hint,
        }

    if args.format == "json":
        document = {
            "ok": ok,
            "files": [
                {
                    "file": name,
                    "ok": not any(failing(p) for p in problems),
                    "process": processes.get(name),
                    "errors": sum(p.severity == "error" for p in problems),
                    "warnings": sum(p.severity != "error" for p in problems),
                }
                for name, problems in results.items()
            ],
            "problems": [as_json(p) for p in every],
            "summary": {"files": len(results), "errors": errors, "warnings": warnings},
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for name, problems in results.items():
            if not problems:
                print(say(_SAY, "ok", args.lang, file=name))
                continue
            for problem in problems:
                print(problem_text(problem, args.lang, for_people=True))
            print()
        bad = sum(any(failing(p) for p in problems) for problems in results.values())
        counts = {"files": len(results), "bad": bad, "errors": errors, "warnings": warnings}
        print(say(_SAY, "summary", args.lang, **{name: str(n) for name, n in counts.items()}))
    return EXIT_OK if ok else EXIT_PROBLEMS


def _bases(given: list[LoadedProcess]) -> dict[tuple[str, int], ProcessDocument]:
    """The processes overlays may vary: the files given, then every shipped version."""
    from kwflow.definition import (
        ProcessDocument,
        is_overlay_file,
        parse_process_file,
        process_files,
        shipped_process_paths,
    )
    from kwflow.exceptions import DefinitionError, ProcessFilesMissing

    bases = {
        loaded.process.key: ProcessDocument(loaded.data, loaded.source)
        for loaded in given
        if loaded.data is not None
    }
    try:
        shipped = [f for path in shipped_process_paths() for f in process_files(path)]
    except ProcessFilesMissing:
        shipped = []
    for file in shipped:
        if is_overlay_file(file):
            continue
        try:
            loaded = parse_process_file(file)
        except DefinitionError:
            continue  # a broken shipped file is the shipped tests' business
        if loaded.data is not None:
            bases.setdefault(loaded.process.key, ProcessDocument(loaded.data, loaded.source))
    return bases


def _check_overlays(
    files: list[Path], given: list[LoadedProcess]
) -> list[tuple[str, LoadedProcess | None, list[Problem]]]:
    from kwflow.definition import Overlay, apply_overlays, parse_overlay_file
    from kwflow.exceptions import DefinitionError

    results: dict[str, tuple[str, LoadedProcess | None, list[Problem]]] = {}
    overlays: list[Overlay] = []
    for file in files:
        try:
            overlays.append(parse_overlay_file(file))
        except DefinitionError as exc:
            results[str(file)] = (str(file), None, list(exc.problems))
    for applied in apply_overlays(overlays, _bases(given)):
        name = applied.overlay.file
        results[name] = (name, applied.loaded, applied.problems)
    return [results[str(file)] for file in files]


def _effective(args: argparse.Namespace) -> int:
    """``--effective``: the merged process of one overlay, as YAML on stdout."""
    from pathlib import Path

    from kwflow.cli._main import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from kwflow.definition import (
        apply_overlays,
        dump_yaml,
        is_overlay_file,
        parse_overlay_file,
        parse_process_file,
        problem_text,
        process_files,
    )
    from kwflow.exceptions import DefinitionError

    overlay_path = Path(args.effective)
    if not overlay_path.is_file() or not is_overlay_file(overlay_path):
        print(
            f"kwflow check: --effective needs an overlay file (*.overlay.yaml): {overlay_path}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    given: list[LoadedProcess] = []
    overlays = []
    try:
        for path in args.paths:
            for file in process_files(path):
                if is_overlay_file(file):
                    if file.resolve() != overlay_path.resolve():
                        overlays.append(parse_overlay_file(file))
                else:
                    given.append(parse_process_file(file))
        overlays.append(parse_overlay_file(overlay_path))
    except FileNotFoundError as exc:
        print(f"kwflow check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DefinitionError as exc:
        for problem in exc.problems:
            print(problem_text(problem, args.lang, for_people=True), file=sys.stderr)
        return EXIT_PROBLEMS
    applied = apply_overlays(overlays, _bases(given))[-1]
    if not applied.ok or applied.document is None:
        for problem in applied.problems:
            print(problem_text(problem, args.lang, for_people=True), file=sys.stderr)
        return EXIT_PROBLEMS
    for problem in applied.problems:  # warnings: the merged process is still printed
        print(problem_text(problem, args.lang, for_people=True), file=sys.stderr)
    base_id, base_version = applied.overlay.base
    print(
        f"# The process {overlay_path} makes of {base_id} version {base_version}\n"
        "# (kwflow check --effective); read it, do not edit it: edit the overlay."
    )
    print(dump_yaml(applied.document.data), end="")
    return EXIT_OK


def _plan_results(
    file: Path, loaded_files: Mapping[str, LoadedProcess]
) -> tuple[list[Problem], dict[str, object] | None]:
    """The problems of one migration plan, and what the JSON says it is.

    Its names and types are checked against the two versions (given in the
    same run, or shipped with kwflow); then, with no error among those,
    every reachable state of the old version is read through it (the
    explorer, ``kwflow.testing.migration_problems``).
    """
    from kwflow.definition import Registry, parse_plan_file, plan_problems
    from kwflow.exceptions import DefinitionError
    from kwflow.testing import migration_problems

    try:
        loaded = parse_plan_file(file)
    except DefinitionError as exc:
        return list(exc.problems), None
    plan = loaded.plan
    versions = {loaded.process.key: loaded.process for loaded in loaded_files.values()}
    needed = {(plan.process, plan.from_), (plan.process, plan.to)}
    if not needed <= set(versions):
        # A version not given in this run (the earlier one in processes/previous/).
        try:
            shipped = Registry.shipped(check=False)
        except DefinitionError:
            shipped = Registry()
        for process in shipped:
            versions.setdefault(process.key, process)
    problems = plan_problems(loaded, versions)
    described: dict[str, object] = {
        "plan": plan.id,
        "process_id": plan.process,
        "from": plan.from_,
        "to": plan.to,
        "content_hash": plan.content_hash,
    }
    if any(p.severity == "error" for p in problems):
        return problems, described
    old, new = versions[(plan.process, plan.from_)], versions[(plan.process, plan.to)]
    return problems + migration_problems(loaded, old, new), described
