"""Where a test run's records go: the database while it answers, the spool once it does not.

The first failure (unreachable, behind the code, any database error) switches the rest
of the session to the spool, with the run's own ``run`` record first so that a flush can
start the run it belongs to. Nothing here may raise into a test run: a broken store must
never fail the tests, so every error is caught and kept as ``problem`` for the terminal.

An SQLite file at the code's revision (the default store, once made) is opened with
``sqlite3`` alone (``dbapi.open_sqlite``), so a test run never loads SQLAlchemy for it;
any other store goes through ``db.open_store``. ``send`` may be called from any thread:
a lock keeps one batch at a time, in the order they were sent.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from . import records, spool
from .dbapi import reason, sqlite_file
from .writer import Target, deliver


class Sink:
    def __init__(self, url: str, spool_file: Path, *, auto_upgrade: bool = False) -> None:
        self.url = url
        self.spool_file = spool_file
        self.auto_upgrade = auto_upgrade
        self.store: Target | None = None  # db.Store or dbapi.SQLiteStore, on the first send
        self.problem: str | None = None  # why results went to the spool
        self.run_id: str | None = None  # the stored run's id (a run key's merged run)
        self._run_record: records.Record | None = None
        self._lock = threading.Lock()

    @property
    def display_url(self) -> str:
        if sqlite_file(self.url) is not None:
            return self.url  # no password to hide, and no SQLAlchemy to load for it
        from .db import display_url

        return display_url(self.url)

    def send(self, batch: Sequence[records.Record]) -> None:
        with self._lock:
            self._send(batch)

    def _send(self, batch: Sequence[records.Record]) -> None:
        for record in batch:
            if record["kind"] == records.RUN:
                self._run_record = record
        if self.problem is None:
            try:
                if self.store is None:
                    self.store = self._open()
                if batch:
                    self.run_id = deliver(self.store, batch)
                return
            # Any failure of the store, of whatever kind, must not fail the tests.
            except Exception as exc:
                self.problem = _describe(exc)
                pending = list(batch)
                if self._run_record is not None and self._run_record not in pending:
                    pending.insert(0, self._run_record)
                self._spool(pending)
                return
        self._spool(batch)

    def _open(self) -> Target:
        from . import migrate
        from .dbapi import open_sqlite

        store = open_sqlite(self.url, migrate.newest_revision)
        if store is not None:
            return store
        from .db import open_store  # a new or older store, or not SQLite: SQLAlchemy

        return open_store(self.url, auto_upgrade=self.auto_upgrade)

    def _spool(self, batch: Sequence[records.Record]) -> None:
        try:
            spool.append(self.spool_file, batch, db=self.display_url)
        except OSError as exc:
            self.problem = f"{self.problem}; and the spool file cannot be written: {exc}"

    def close(self) -> None:
        with self._lock:
            if self.store is not None:
                self.store.close()
                self.store = None


def _describe(exc: BaseException) -> str:
    from ..errors import OrbitError

    if isinstance(exc, OrbitError):
        return str(exc)
    return f"{type(exc).__name__}: {reason(exc)}"
