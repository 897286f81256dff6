"""The scheduler's table: orbit_schedule.

Revision ID: 0002_schedules
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pytest_testorbit.store.models import UTCDateTime

revision = "0002_schedules"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orbit_schedule",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(100), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("owners", sa.JSON(), nullable=False),
        sa.Column("owners_from_groups", sa.Boolean(), nullable=False),
        sa.Column("environment", sa.String(100)),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime()),
        sa.Column("cron", sa.String(200)),
        sa.Column("next_run_at", UTCDateTime(), index=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.String(36)),
        sa.Column("last_run_at", UTCDateTime()),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("heartbeat_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text()),
    )


def downgrade() -> None:
    op.drop_table("orbit_schedule")
