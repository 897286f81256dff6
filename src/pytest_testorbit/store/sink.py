"""Where a test run's records go: the database while it answers, the spool once it does not.

The first failure (unreachable, behind the code, any database error) switches the rest
of the session to the spool, with the run's own ``run`` record first so that a flush can
start the run it belongs to. Nothing here may raise into a test run: a broken store must
never fail the tests, so every error is caught and kept as ``problem`` for the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import records, spool

if TYPE_CHECKING:
    from .db import Store


class Sink:
    def __init__(self, url: str, spool_file: Path, *, auto_upgrade: bool = False) -> None:
        self.url = url
        self.spool_file = spool_file
        self.auto_upgrade = auto_upgrade
        self.store: Store | None = None
        self.problem: str | None = None  # why results went to the spool
        self.run_id: str | None = None  # the stored run's id (a run key's merged run)
        self._run_record: records.Record | None = None

    @property
    def display_url(self) -> str:
        from .db import display_url

        return display_url(self.url)

    def send(self, batch: Sequence[records.Record]) -> None:
        for record in batch:
            if record["kind"] == records.RUN:
                self._run_record = record
        if self.problem is None:
            try:
                if self.store is None:
                    from .db import open_store

                    self.store = open_store(self.url, auto_upgrade=self.auto_upgrade)
                self._deliver(self.store, batch)
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

    def _deliver(self, store: Store, batch: Sequence[records.Record]) -> None:
        """Write ``batch`` in order; consecutive groups of one run share a transaction."""
        from .writer import apply, apply_groups

        groups: list[records.Record] = []
        for record in batch:
            is_group = record["kind"] == records.GROUP
            if is_group and (not groups or record["run_id"] == groups[0]["run_id"]):
                groups.append(record)
                continue
            if groups:
                self.run_id = apply_groups(store, groups)
            groups = [record] if is_group else []
            if not is_group:
                self.run_id = apply(store, record)
        if groups:
            self.run_id = apply_groups(store, groups)

    def _spool(self, batch: Sequence[records.Record]) -> None:
        try:
            spool.append(self.spool_file, batch, db=self.display_url)
        except OSError as exc:
            self.problem = f"{self.problem}; and the spool file cannot be written: {exc}"

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def _describe(exc: BaseException) -> str:
    from ..errors import OrbitError
    from .db import reason

    if isinstance(exc, OrbitError):
        return str(exc)
    return f"{type(exc).__name__}: {reason(exc)}"
