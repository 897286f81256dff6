"""Alembic's environment for the orbit store, run programmatically (no alembic.ini).

``pytest_testorbit.store.migrate`` hands over an open connection in
``config.attributes["connection"]`` while it holds the migration lock; the version table is
``orbit_alembic_version`` so a project's own Alembic history in the same database is left alone.
"""

from __future__ import annotations

from alembic import context

from pytest_testorbit.store.migrate import VERSION_TABLE
from pytest_testorbit.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
