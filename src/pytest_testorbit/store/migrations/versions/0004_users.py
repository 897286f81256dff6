"""The server's users, tokens and project memberships: orbit_user, orbit_token, orbit_membership.

Schedules already carry their project (orbit_schedule.project, from orbit.yaml), which is what
membership is checked against, so orbit_schedule is unchanged.

Revision ID: 0004_users
Revises: 0003_partial_runs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pytest_testorbit.store.models import UTCDateTime

revision = "0004_users"
down_revision = "0003_partial_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orbit_user",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_login", UTCDateTime()),
    )
    op.create_table(
        "orbit_token",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("orbit_user.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("retired_at", UTCDateTime()),
    )
    op.create_table(
        "orbit_membership",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("orbit_user.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("project", sa.String(100), nullable=False, index=True),
        sa.UniqueConstraint("user_id", "project", name="uq_orbit_membership"),
    )


def downgrade() -> None:
    op.drop_table("orbit_membership")
    op.drop_table("orbit_token")
    op.drop_table("orbit_user")
