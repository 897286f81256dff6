"""The results store: runs, their shards, case groups, group results and step results.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pytest_testorbit.store.models import UTCDateTime

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orbit_run",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("run_key", sa.String(200), unique=True),
        sa.Column("project", sa.String(100), nullable=False),
        sa.Column("environment", sa.String(100), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("schedule_id", sa.Integer(), index=True),
        sa.Column("git_commit", sa.String(64)),
        sa.Column("git_branch", sa.String(255)),
        sa.Column("host", sa.String(255)),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "groups_total",
                "groups_passed",
                "groups_failed",
                "steps_total",
                "steps_passed",
                "steps_failed",
                "steps_skipped",
                "steps_blocked",
                "steps_not_run",
            )
        ),
    )
    op.create_table(
        "orbit_run_shard",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "run_id",
            sa.String(36),
            sa.ForeignKey("orbit_run.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("host", sa.String(255)),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_table(
        "orbit_case_group",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(100), nullable=False),
        sa.Column("file", sa.String(300), nullable=False),
        sa.Column("group_key", sa.String(150), nullable=False),
        sa.Column("param_id", sa.String(150), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("owners", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.UniqueConstraint("project", "file", "group_key", "param_id"),
    )
    op.create_table(
        "orbit_group_result",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "run_id",
            sa.String(36),
            sa.ForeignKey("orbit_run.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "case_group_id",
            sa.Integer(),
            sa.ForeignKey("orbit_case_group.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "steps_total",
                "steps_passed",
                "steps_failed",
                "steps_skipped",
                "steps_blocked",
                "steps_not_run",
            )
        ),
        sa.Column("pass_rate", sa.Float()),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("worker", sa.String(50)),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("incomplete", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("run_id", "case_group_id"),
    )
    op.create_table(
        "orbit_step_result",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "group_result_id",
            sa.Integer(),
            sa.ForeignKey("orbit_group_result.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("step_id", sa.String(150), nullable=False),
        sa.Column("step_order", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("method", sa.String(20)),
        sa.Column("url", sa.Text()),
        sa.Column("status_code", sa.Integer()),
        sa.Column("message", sa.Text()),
        sa.Column("line", sa.Integer()),
    )


def downgrade() -> None:
    for table in (
        "orbit_step_result",
        "orbit_group_result",
        "orbit_case_group",
        "orbit_run_shard",
        "orbit_run",
    ):
        op.drop_table(table)
