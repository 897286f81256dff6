"""Open the results store: an engine for the URL, its schema current, sessions on demand.

``open_store`` is the one way in, for the pytest plugin, the ``orbit`` command and the
scheduler alike, so every user of the store creates it the same way on first use.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import StoreError
from . import migrate
from .dbapi import SQLITE_BUSY_TIMEOUT, Connection, reason

__all__ = ["Store", "display_url", "make_engine", "open_store", "reason"]

CONNECT_TIMEOUT = 5  # seconds: an unreachable store must not hold up a test run


def display_url(url: str) -> str:
    """The URL with its password hidden, for messages, the spool and the terminal."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class Store:
    """A migrated database: its engine and a session factory."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.display_url = display_url(url)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """The pool's driver connection, for the writer (``dbapi``); returned after."""
        raw = self.engine.raw_connection()
        try:
            yield Connection(raw, self.engine.dialect.name, self.engine.dialect.loaded_dbapi)
        finally:
            raw.close()

    def close(self) -> None:
        self.engine.dispose()


def make_engine(url: str) -> Engine:
    """An engine with short connect timeouts and SQLite writers that queue politely."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {url!r}") from None
    backend = parsed.get_backend_name()
    connect_args: dict[str, Any] = {}
    if backend == "postgresql" or backend in ("mysql", "mariadb"):
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    elif backend == "sqlite":
        connect_args["timeout"] = SQLITE_BUSY_TIMEOUT
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        hint = {
            "postgresql": " (install psycopg: pip install 'pytest-testorbit[postgresql]')",
            "mysql": " (install PyMySQL: pip install 'pytest-testorbit[mysql]')",
        }.get(backend, "")
        raise StoreError(f"cannot use {display_url(url)}: {exc}{hint}") from None
    if backend == "sqlite":
        _sqlite_immediate(engine)
    return engine


def _sqlite_immediate(engine: Engine) -> None:
    """Begin every SQLite transaction IMMEDIATE, with foreign keys on.

    pysqlite's deferred BEGIN lets two writers both read, then fail with "database is
    locked" when they upgrade; taking the write lock up front makes the second one wait
    (busy timeout) instead. Shards of one run key on one SQLite file depend on it.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def open_store(url: str, *, auto_upgrade: bool = False) -> Store:
    """The store at ``url``, its tables created on first use.

    A store behind the code raises ``StoreBehind`` unless ``auto_upgrade`` (the default
    SQLite file of a project, which is backed up first). A store that cannot be reached
    raises ``StoreError`` with the driver's reason.
    """
    from sqlalchemy.exc import DBAPIError, OperationalError

    engine = make_engine(url)
    try:
        migrate.ensure_schema(engine, display_url(url), auto_upgrade=auto_upgrade)
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        shown = display_url(url)
        raise StoreError(f"cannot reach the results store at {shown}: {reason(exc)}") from None
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, url)
