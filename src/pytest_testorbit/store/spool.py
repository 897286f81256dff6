"""The spool: results kept in a local JSON-lines file while the store cannot be reached.

A test run never fails because its store is down. Its records (see ``records``) are
appended to ``.orbit/spool.jsonl`` under the project root instead, and ``orbit db flush``
delivers them later, in order. Delivery is idempotent, so a flush cut short is simply run
again; lines are removed from the file only once the database has them.

This module loads no SQLAlchemy until ``flush`` runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock

from .records import Record

if TYPE_CHECKING:
    from .db import Store

SPOOL_DIR = ".orbit"
SPOOL_NAME = "spool.jsonl"
_LOCK_TIMEOUT = 60  # seconds


def spool_path(root: Path) -> Path:
    return root / SPOOL_DIR / SPOOL_NAME


def _lock(path: Path) -> FileLock:
    return FileLock(f"{path}.lock", timeout=_LOCK_TIMEOUT)


def append(path: Path, records: Iterable[Record], *, db: str) -> None:
    """Add records to the spool; ``db`` (password hidden) says where they were headed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(
        json.dumps({**record, "db": db}, ensure_ascii=False) + "\n" for record in records
    )
    with _lock(path), path.open("a", encoding="utf-8") as handle:
        handle.write(lines)
        handle.flush()
        os.fsync(handle.fileno())


def read(path: Path) -> list[Record]:
    """The spooled records that can be read (a line cut short by a crash is left out)."""
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            found.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return found


@dataclass
class FlushResult:
    delivered: int = 0
    remaining: int = 0
    runs: tuple[str, ...] = ()
    error: str | None = None  # why delivery stopped, when it did
    damaged: int = 0  # lines that were not JSON (a write cut short), set aside
    damaged_path: Path | None = None


def flush(store: Store, path: Path) -> FlushResult:
    """Deliver every spooled record to ``store``; keep what could not be delivered."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..errors import StoreError
    from . import writer
    from .db import reason

    result = FlushResult()
    if not path.exists():
        return result
    with _lock(path):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        kept: list[str] = []
        damaged: list[str] = []
        runs: list[str] = []
        for index, line in enumerate(lines):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                damaged.append(line)
                continue
            record.pop("db", None)
            try:
                run_id = writer.apply(store, record)
            except (StoreError, SQLAlchemyError) as exc:
                result.error = reason(exc)
                kept = lines[index:]
                break
            result.delivered += 1
            if run_id not in runs:
                runs.append(run_id)
        result.runs = tuple(runs)
        result.remaining = len(kept)
        if damaged:
            result.damaged = len(damaged)
            result.damaged_path = path.with_name(path.name + ".damaged")
            with result.damaged_path.open("a", encoding="utf-8") as handle:
                handle.write("".join(line + "\n" for line in damaged))
        if kept:
            path.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
        else:
            path.unlink()
    return result
