"""The store's driver connection, for writing a test run's records without SQLAlchemy.

A test run writes a few rows per group; loading SQLAlchemy and the models to do it cost
more than the run's own requests in a short suite (0.4–0.7 s of CPU on the benchmark's
machine, against a 200-step chain of 1.6 s). So the writer speaks plain DB-API through a
``Connection``: for the default kind of store, an existing SQLite file at the code's
revision, the standard library's ``sqlite3`` opens it (``open_sqlite``) and SQLAlchemy is
never imported; every other store is opened by ``db.open_store`` (SQLAlchemy, Alembic for a
new or older schema), whose pool lends its driver connection the same way.

SQL is written once with ``:name`` parameters and the standard's quoting; ``Connection``
turns it into the driver's parameter style and hands over values as each backend keeps
them (``when`` for times, ``json`` for lists), the same values SQLAlchemy's column types
write, so ``queries`` reads rows from either path alike.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import StoreError

SQLITE_BUSY_TIMEOUT = 30  # seconds to wait for another process's write
_SQLITE_FILE = re.compile(r"sqlite(\+pysqlite)?:///(?P<path>[^?]+)")
_NAMED = re.compile(r"(?<![:\w]):(\w+)")

Params = dict[str, Any]


class DriverError(StoreError):
    """A database error while writing, in the driver's own words (``orig``)."""

    def __init__(self, orig: BaseException) -> None:
        super().__init__(f"{type(orig).__name__}: {reason(orig)}")
        self.orig = orig


def reason(exc: BaseException) -> str:
    """The driver's own words, first line only, without SQLAlchemy's background link."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


class Connection:
    """One driver connection and its backend's habits: parameter style, quoting, values."""

    def __init__(self, raw: Any, backend: str, driver: Any) -> None:
        self.raw = raw
        self.backend = "mysql" if backend == "mariadb" else backend
        self.integrity_error: type[BaseException] = driver.IntegrityError
        self.error: type[BaseException] = driver.Error
        self._pyformat = driver.paramstyle in ("pyformat", "format")
        self._sql: dict[str, str] = {}

    # -- statements ----------------------------------------------------------------------

    def sql(self, text: str) -> str:
        """``text`` in the driver's parameter style, with ``"trigger"`` quoted its way."""
        done = self._sql.get(text)
        if done is None:
            done = text
            if self.backend == "mysql":
                done = done.replace('"', "`")
            if self._pyformat:
                done = _NAMED.sub(r"%(\1)s", done)
            self._sql[text] = done
        return done

    def execute(self, text: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        cursor = self.raw.cursor()
        try:
            cursor.execute(self.sql(text), params or {})
            return list(cursor.fetchall()) if cursor.description else []
        finally:
            cursor.close()

    def row(self, text: str, params: Params | None = None) -> tuple[Any, ...] | None:
        rows = self.execute(text, params)
        return rows[0] if rows else None

    def insert(self, text: str, params: Params) -> int:
        """Run an INSERT and give the new row's id."""
        cursor = self.raw.cursor()
        try:
            if self.backend == "postgresql":
                cursor.execute(self.sql(text + " RETURNING id"), params)
                return int(cursor.fetchone()[0])
            cursor.execute(self.sql(text), params)
            return int(cursor.lastrowid)
        finally:
            cursor.close()

    def executemany(self, text: str, rows: Sequence[Params]) -> None:
        cursor = self.raw.cursor()
        try:
            cursor.executemany(self.sql(text), rows)
        finally:
            cursor.close()

    # -- transactions --------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Committed on success, rolled back on any error.

        SQLite begins IMMEDIATE: a deferred BEGIN lets two writers both read, then fail with
        "database is locked" when they upgrade; taking the write lock first makes the second
        wait (busy timeout). The other drivers begin on the first statement.
        """
        if self.backend == "sqlite":
            self.raw.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.raw.rollback()
            raise
        self.raw.commit()

    @contextmanager
    def savepoint(self, name: str) -> Iterator[None]:
        self.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.execute(f"ROLLBACK TO SAVEPOINT {name}")
            raise
        self.execute(f"RELEASE SAVEPOINT {name}")

    # -- values --------------------------------------------------------------------------

    def when(self, value: datetime | None) -> Any:
        """A time as the backend keeps it: UTC; naive text on SQLite, naive on MySQL."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        if self.backend == "postgresql":
            return value
        value = value.replace(tzinfo=None)
        if self.backend == "sqlite":  # SQLAlchemy's storage format, microseconds always
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    @staticmethod
    def json(value: object) -> str:
        return json.dumps(value)


class SQLiteStore:
    """An SQLite store opened with ``sqlite3`` alone; reconnects after ``close``."""

    def __init__(self, path: Path, url: str) -> None:
        self.path = path
        self.url = url
        self.display_url = url  # an SQLite URL has no password to hide
        self._connection: Connection | None = None

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        if self._connection is None:
            self._connection = Connection(_connect(self.path), "sqlite", sqlite3)
        yield self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.raw.close()
            self._connection = None


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL (no query options), else None."""
    match = _SQLITE_FILE.fullmatch(url)
    if match is None or match["path"] == ":memory:":
        return None
    return Path(match["path"])


def open_sqlite(url: str, current: Callable[[], str]) -> SQLiteStore | None:
    """The SQLite store at ``url`` when its file exists at revision ``current()``, else None.

    None sends the caller to ``db.open_store``: a new file is created there, an older one
    upgraded or refused, and any other URL understood, as before.
    """
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    raw = _connect(path)
    try:
        rows = raw.execute("SELECT version_num FROM orbit_alembic_version").fetchall()
    except sqlite3.DatabaseError:
        rows = []  # no version table: a file orbit has not made yet
    if {str(row[0]) for row in rows} != {current()}:
        raw.close()
        return None
    store = SQLiteStore(path, url)
    store._connection = Connection(raw, "sqlite", sqlite3)
    return store


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level None: transactions are begun by hand (``Connection.transaction``).
    # check_same_thread off: groups may be handed over from more than one thread; the sink
    # holds a lock around every use.
    raw = sqlite3.connect(
        path, timeout=SQLITE_BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
    )
    raw.execute("PRAGMA foreign_keys=ON")
    return raw
