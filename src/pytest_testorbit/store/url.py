"""Which results store a test run or an ``orbit`` command uses: string work, no SQLAlchemy.

The choice is the same everywhere, so ``orbit report`` reads what ``pytest`` wrote: the
explicit option (``--orbit-db``, ``--db``), else ``$ORBIT_DB_URL``, else ``database:`` of
``orbit.yaml``, else ``.orbit/results.db`` in the project's folder. A relative SQLite path
is relative to where it was written: the current folder for an option or the environment,
the project's folder for ``orbit.yaml`` and the default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE = "sqlite:///.orbit/results.db"
ENV_VAR = "ORBIT_DB_URL"
_SQLITE = "sqlite:///"


@dataclass(frozen=True)
class Choice:
    url: str
    # Only the project's own default SQLite file migrates itself (after a backup): a store
    # someone named may be shared, and its owner upgrades it with ``orbit db upgrade``.
    auto_upgrade: bool


def resolve(url: str, root: Path) -> str:
    """``url`` with a relative SQLite path made absolute against ``root``."""
    if url.startswith(_SQLITE) and not url.startswith(_SQLITE + "/") and ":memory:" not in url:
        return _SQLITE + str((root / url[len(_SQLITE) :]).resolve())
    return url


def default_url(root: Path) -> str:
    """The project's own store: ``.orbit/results.db`` in its folder."""
    return resolve(DEFAULT_DATABASE, root)


def may_auto_upgrade(url: str, root: Path) -> bool:
    return url == default_url(root)


def choose(
    explicit: str | None,
    *,
    database: str | None,
    root: Path,
    cwd: Path,
    environ: Mapping[str, str] = os.environ,
) -> Choice:
    """The store's URL: ``explicit``, else $ORBIT_DB_URL, else ``database``, else the default.

    ``database`` is orbit.yaml's ``database:`` as rendered (None when it has none) and
    ``root`` the project's folder; ``explicit`` and the environment resolve against ``cwd``.
    """
    chosen = explicit or environ.get(ENV_VAR)
    if chosen:
        url = resolve(str(chosen), cwd)
    else:
        url = resolve(DEFAULT_DATABASE if database is None else database, root)
    return Choice(url, auto_upgrade=may_auto_upgrade(url, root))
