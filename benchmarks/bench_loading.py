"""Loading benchmark: seconds to read a large process file, one-line and pretty.

Run: ``.venv/bin/python benchmarks/bench_loading.py`` (``--quick`` for
smaller sizes, ``--no-write`` to print only). Prints a Markdown table and
writes it into ``docs/performance.md`` between the markers
``<!-- bench_loading:start -->`` and ``<!-- bench_loading:end -->``.

What is measured: `kwflow.definition.parse_process` (read the YAML, build
the source map, validate against the models; no static checks) of the
shipped family conference grown to about 1 MB and about 5 MB (the largest
file accepted is `kwflow.definition.MAX_FILE_BYTES`, 5 MiB) by adding roles
with long descriptions, written two ways: as one line of JSON (which is
YAML) and as block YAML, one key per line. The best of three runs. Before
issue 15 a one-line file went to the pure-Python reader because its nesting
was estimated from the longest line: 3.9 s for 2 MB, 5-9 s for 10 MB.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import yaml

from _support import ROOT, write_section
from kwflow.definition import MAX_FILE_BYTES, parse_process, parse_yaml

if TYPE_CHECKING:
    from collections.abc import Sequence

SOURCE = ROOT / "processes" / "family_conference.yaml"


def grown(target_bytes: int) -> dict[str, Any]:
    """The family conference with roles added until its JSON is about ``target_bytes``."""
    data, _ = parse_yaml(SOURCE.read_bytes())
    base_roles = list(data["roles"])
    data["roles"] = list(base_roles)
    size = len(json.dumps(data, ensure_ascii=False, default=str).encode())
    extra = 0
    while size < target_bytes:
        for role in base_roles:
            copy = dict(role, id=f"{role['id']}_{extra}")
            copy["description"] = {"cs": "Popis role. " * 80, "en": "About the role. " * 80}
            data["roles"].append(copy)
            size += len(json.dumps(copy, ensure_ascii=False).encode()) + 1
        extra += 1
    return data


def best_of(text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        parse_process(text, "bench.yaml")
        best = min(best, time.perf_counter() - started)
    return best


def measure(quick: bool) -> list[tuple[str, str, int, float]]:
    sizes = (200_000, 1_000_000) if quick else (1_000_000, 4_800_000)
    rows: list[tuple[str, str, int, float]] = []
    for target in sizes:
        data = grown(target)
        one_line = json.dumps(data, ensure_ascii=False, default=str)
        pretty = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        for shape, text in (("one line (JSON)", one_line), ("pretty (block YAML)", pretty)):
            size = len(text.encode())
            assert size <= MAX_FILE_BYTES, size
            label = f"~{round(target / 1_000_000, 1):g} MB"
            rows.append((label, shape, size, best_of(text)))
    return rows


def section(rows: list[tuple[str, str, int, float]]) -> str:
    when = datetime.now(UTC).date().isoformat()
    lines = [
        "## Loading large process files (`benchmarks/bench_loading.py`)",
        "",
        (
            f"Measured {when} on {platform.machine()}, Python {platform.python_version()}, "
            f"PyYAML {yaml.__version__} (libyaml: {yaml.__with_libyaml__}). `parse_process` of the "
            "family conference grown by roles with long descriptions; best of three runs. "
            f"Files past {MAX_FILE_BYTES:,} bytes (5 MiB) are refused before they are read "
            "(`yaml.too-large`)."
        ),
        "",
        "| size | shape | bytes | seconds |",
        "|---|---|---|---|",
    ]
    lines += [f"| {label} | {shape} | {size:,} | {secs:.2f} |" for label, shape, size, secs in rows]
    lines += [
        "",
        (
            "A one-line file costs one extra pass of libyaml's parser (which keeps its own "
            "stack) to measure its nesting exactly before libyaml composes it; before issue 15 "
            "such a file went to the pure-Python reader: 3.9 s for 2 MB, 5-9 s for 10 MB."
        ),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller files")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    text = section(measure(args.quick))
    print(text)
    if not args.no_write and not args.quick:
        write_section("bench_loading", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
