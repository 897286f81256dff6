"""The results store: SQLAlchemy models, migrations, writing, spooling and queries.

Importing this package is cheap; SQLAlchemy and Alembic load on the first call to
``open_store`` (or on import of ``.db``, ``.models``, ``.writer``, ``.queries``), so a pytest
run that never stores anything never pays for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .db import Store

__all__ = ["Store", "open_store"]


def open_store(url: str, *, auto_upgrade: bool = False) -> Store:
    """The store at ``url`` with its schema current; see ``db.open_store``."""
    from .db import open_store as _open

    return _open(url, auto_upgrade=auto_upgrade)


def __getattr__(name: str) -> object:
    if name == "Store":
        from .db import Store

        return Store
    raise AttributeError(name)
