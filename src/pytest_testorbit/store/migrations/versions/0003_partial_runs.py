"""Partial runs: orbit_run.partial and .selection, orbit_group_result.partial.

A run that selected only part of the suite (-k, -m, a node id, --lf, --sw, --deselect, a shard
without a run key) is marked, so trends, averages and flaky leave it out. Runs stored before
this revision are taken as full runs: the store never knew otherwise.

Revision ID: 0003_partial_runs
Revises: 0002_schedules
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_partial_runs"
down_revision = "0002_schedules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orbit_run") as table:
        table.add_column(
            sa.Column("partial", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        table.add_column(sa.Column("selection", sa.Text()))
    with op.batch_alter_table("orbit_group_result") as table:
        table.add_column(
            sa.Column("partial", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("orbit_group_result") as table:
        table.drop_column("partial")
    with op.batch_alter_table("orbit_run") as table:
        table.drop_column("selection")
        table.drop_column("partial")
