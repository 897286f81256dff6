"""Bring a database's orbit tables to the code's revision, safely when several do it at once.

A new database (no version table) is created on first use. One behind the code is brought
forward only when asked (``orbit db upgrade``), or for the default SQLite file, which is
backed up first; anything else raises ``StoreBehind`` so that a team's shared store is never
migrated by whichever test run happens to have the newer plugin.

Concurrent upgrades wait for one another on a lock that lives where the data lives: an
advisory lock on PostgreSQL, ``GET_LOCK`` on MySQL/MariaDB, a lock file beside the SQLite
file. Inside the lock the revision is read again, so the second one finds nothing to do.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreBehind, StoreError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

# Alembic is imported only when a store is new or behind: every test run checks the
# revision, and reading one row is much cheaper than loading Alembic's script directory.
# SQLAlchemy too is imported inside the functions: a test run on an SQLite store at the
# code's revision reads ``newest_revision`` from here and never loads it (see ``dbapi``).

VERSION_TABLE = "orbit_alembic_version"
MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant 64-bit number: the PostgreSQL advisory lock orbit's migrations take.
_PG_LOCK_KEY = 0x6F7262697400
_MYSQL_LOCK_NAME = "orbit_migrate"
_LOCK_TIMEOUT = 300  # seconds to wait for another process's migration


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def code_heads() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def newest_revision() -> str:
    """The code's head without Alembic: the history is linear and each version file is named
    after its revision id (a test holds this equal to ``code_heads``)."""
    return max(path.stem for path in (MIGRATIONS / "versions").glob("[0-9]*.py"))


def current_revisions(connection: Connection) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return set(context.get_current_heads())


def _stored_revisions(engine: Engine) -> set[str] | None:
    """The revisions in the version table, or None when it cannot be read (a new store)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with engine.connect() as connection:  # a store that cannot be reached raises here
        try:
            rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            return {str(row[0]) for row in rows}
        except DBAPIError:
            return None  # no version table yet; the careful path below finds out the rest


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


def ensure_schema(engine: Engine, display_url: str, *, auto_upgrade: bool = False) -> None:
    """Create a new store, or check that an existing one is at the code's revision."""
    if _stored_revisions(engine) == {newest_revision()}:
        return
    # Another process may be creating the store right now: decide under the lock, where
    # its half-done work (MySQL commits DDL one statement at a time) cannot be seen.
    upgrade(engine, display_url, backup=True, existing=auto_upgrade)


def upgrade(
    engine: Engine, display_url: str, *, backup: bool = False, existing: bool = True
) -> bool:
    """Migrate to the code's heads under the lock; True when something was done.

    With ``existing`` False, only a new (empty) store is created; one behind the code
    raises ``StoreBehind``.
    """
    with _migration_lock(engine) as connection:
        current = current_revisions(connection)
        connection.commit()
        heads = code_heads()
        if current == heads:
            return False
        _check_not_ahead(current, display_url)
        if current and not existing:
            raise StoreBehind(
                f"the results store at {display_url} is at revision "
                f"{', '.join(sorted(current))}, this pytest-testorbit needs "
                f"{', '.join(sorted(heads))}: run `orbit db upgrade` to bring it forward"
            )
        if backup and current:
            backup_sqlite(engine, "-".join(sorted(current)))
        from alembic import command

        command.upgrade(alembic_config(connection), "heads")
        connection.commit()
        return True


def _check_not_ahead(current: set[str], display_url: str) -> None:
    unknown = current - known_revisions()
    if unknown:
        raise StoreError(
            f"the results store at {display_url} is at revision {', '.join(sorted(unknown))}, "
            f"made by a newer pytest-testorbit; upgrade pytest-testorbit to use it"
        )


def sqlite_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def backup_sqlite(engine: Engine, revision: str) -> Path | None:
    """Copy the SQLite file aside (``results.db.<revision>.<time>.bak``) before migrating it."""
    path = sqlite_path(engine)
    if path is None or not path.exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{revision}.{stamp}.bak")
    # The backup API copies a consistent snapshot even while another process writes.
    with (
        contextlib.closing(sqlite3.connect(path)) as source,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
    return target


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    from sqlalchemy import text

    name = engine.dialect.name
    if name == "sqlite":
        path = sqlite_path(engine)
        from filelock import FileLock

        lock = FileLock(f"{path}.lock", timeout=_LOCK_TIMEOUT) if path else None
        with lock or contextlib.nullcontext(), engine.connect() as connection:
            yield connection
        return
    with engine.connect() as connection:
        if name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
            release = text("SELECT pg_advisory_unlock(:key)")
            params: dict[str, object] = {"key": _PG_LOCK_KEY}
        elif name in ("mysql", "mariadb"):
            got = connection.execute(
                text("SELECT GET_LOCK(:name, :timeout)"),
                {"name": _MYSQL_LOCK_NAME, "timeout": _LOCK_TIMEOUT},
            ).scalar()
            if got != 1:
                raise StoreError(
                    f"another process has been migrating the results store for "
                    f"{_LOCK_TIMEOUT} seconds; try again when it has finished"
                )
            release = text("SELECT RELEASE_LOCK(:name)")
            params = {"name": _MYSQL_LOCK_NAME}
        else:  # an engine with no lock we know: migrate and hope nobody else does
            yield connection
            return
        connection.commit()  # the lock is the session's, not the transaction's
        try:
            yield connection
        finally:
            connection.rollback()
            connection.execute(release, params)
            connection.commit()
