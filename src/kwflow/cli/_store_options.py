"""The options that name a store and its processes, shared by the maintenance commands.

``--db PATH`` (a SQLite file; default: the file ``Engine()`` uses) or
``--postgres DSN`` (with ``--schema``); ``--keys FILE``, the key ring the
heads are authenticated with (SQLite's default: the key file beside the
database); ``--processes PATH`` adds process files or folders to the
shipped ones, for stores holding cases of the host's own processes;
``--lang``, the language of messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from kwflow.engine import Engine


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """``--db`` or ``--postgres`` (with ``--schema``), and ``--processes``."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db",
        metavar="PATH",
        help="the SQLite file (default: $KWFLOW_DB, else the file Engine() uses)",
    )
    where.add_argument("--postgres", metavar="DSN", help="a PostgreSQL connection string")
    parser.add_argument(
        "--schema",
        metavar="NAME",
        help="the PostgreSQL schema holding kwflow's tables (default: the current one)",
    )
    parser.add_argument(
        "--keys",
        metavar="FILE",
        help="the key ring file (default for SQLite: the key file beside the database)",
    )
    parser.add_argument(
        "--processes",
        metavar="PATH",
        action="append",
        default=[],
        help="process files or folders the cases run, besides the shipped ones (repeatable)",
    )
    parser.add_argument(
        "--lang", choices=("cs", "en"), default="cs", help="language of messages (default cs)"
    )


def open_engine(args: argparse.Namespace) -> Engine:
    """An engine over the store and processes the options name (refusing a missing file)."""
    from pathlib import Path

    from kwflow.definition import Registry
    from kwflow.engine import Engine
    from kwflow.exceptions import StorageError
    from kwflow.history import KeyRing
    from kwflow.store import PostgresStore, SqliteStore, default_sqlite_path

    registry = Registry.shipped()
    if args.processes:
        registry.load_paths(args.processes)
    keys = KeyRing.read(Path(args.keys)) if args.keys else None
    if args.postgres:
        store = PostgresStore(args.postgres, schema=args.schema, keys=keys)
        return Engine(registry, store=store)
    path = Path(args.db) if args.db else default_sqlite_path()
    if not path.exists():
        # Opening would create an empty database: surely not what was meant.
        raise StorageError(f"{path}: no such database file")
    return Engine(registry, store=SqliteStore(path, keys=keys if keys is not None else "file"))
