"""``orbit db upgrade`` and ``orbit db flush``, and the ``--db`` option every command shares.

The store a command uses: ``--db URL``, else ``$ORBIT_DB_URL``, else ``database:`` of
``orbit.yaml`` in the current folder, else ``.orbit/results.db`` there: the same choice a
test run makes, so ``orbit report`` reads what ``pytest`` wrote.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cases.project import load_project
from ..cases.project_path import PROJECT_FILE
from ..store import url as store_url


@dataclass
class Target:
    url: str
    root: Path  # the project's folder: where .orbit/ (spool, default store) lives
    auto_upgrade: bool  # the project's default SQLite file may migrate itself


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="The results store (default: $ORBIT_DB_URL, orbit.yaml's database, .orbit/results.db)",
    )


def target(args: argparse.Namespace) -> Target:
    cwd = Path.cwd()
    project_file = cwd / PROJECT_FILE
    project = load_project(project_file if project_file.is_file() else None, default_root=cwd)
    chosen = store_url.choose(
        getattr(args, "db", None), database=project.database, root=project.root, cwd=cwd
    )
    return Target(url=chosen.url, root=project.root, auto_upgrade=chosen.auto_upgrade)


def open_target(args: argparse.Namespace) -> Any:
    """The chosen store, its tables created on first use (``store.db.Store``)."""
    from ..store.db import open_store

    chosen = target(args)
    return open_store(chosen.url, auto_upgrade=chosen.auto_upgrade)


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="Migrate the results store or send spooled results")
    db.set_defaults(func=lambda _args: _help(db))
    commands = db.add_subparsers(dest="db_command", metavar="COMMAND")
    upgrade = commands.add_parser(
        "upgrade", help="Create the store's tables or bring them to this version"
    )
    add_db_argument(upgrade)
    upgrade.set_defaults(func=run_upgrade)
    flush = commands.add_parser("flush", help="Send results kept in the spool file to the store")
    add_db_argument(flush)
    flush.add_argument(
        "--spool", metavar="PATH", help="The spool file (default: .orbit/spool.jsonl)"
    )
    flush.set_defaults(func=run_flush)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_upgrade(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError

    from ..errors import StoreError
    from ..store import migrate
    from ..store.db import display_url, make_engine, reason

    chosen = target(args)
    shown = display_url(chosen.url)
    engine = make_engine(chosen.url)
    try:
        with engine.connect() as connection:
            before = migrate.current_revisions(connection)
        changed = migrate.upgrade(engine, shown, backup=True)
        with engine.connect() as connection:
            after = migrate.current_revisions(connection)
    except DBAPIError as exc:
        raise StoreError(f"cannot reach the results store at {shown}: {reason(exc)}") from None
    finally:
        engine.dispose()
    now = ", ".join(sorted(after))
    if not changed:
        print(f"The results store at {shown} is up to date (revision {now}).")
    elif before:
        print(f"Upgraded the results store at {shown} from {', '.join(sorted(before))} to {now}.")
    else:
        print(f"Created the results store at {shown} (revision {now}).")
    return 0


def run_flush(args: argparse.Namespace) -> int:
    from ..store import spool

    chosen = target(args)
    path = Path(args.spool) if args.spool else spool.spool_path(chosen.root)
    if not path.exists():
        print(f"Nothing to flush: there is no spool file at {path}.")
        return 0
    store = open_target(args)
    try:
        result = spool.flush(store, path)
    finally:
        store.close()
    runs = ", ".join(result.runs)
    print(
        f"Delivered {result.delivered} spooled record(s) to {store.display_url}"
        + (f" (runs: {runs})." if runs else ".")
    )
    if result.damaged:
        print(f"Set aside {result.damaged} damaged line(s) in {result.damaged_path}.")
    if result.remaining:
        print(f"{result.remaining} record(s) are still in {path}: {result.error}")
        return 1
    return 0
