"""The scheduler's table, ``orbit_schedule``, on the results store's declarative base.

It lives in the store so that every scheduler of a team sees the same schedules and can
claim one with a conditional UPDATE; ``orbit_run.schedule_id`` points back here (no foreign
key: a run may outlive its schedule's row, and the store may be written before this table
exists in an older database).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime

STATUSES = ("pending", "running", "completed", "failed", "cancelled")
MODES = ("serial", "parallel")


class Schedule(Base):
    """A scheduled run of some case groups, one-shot (``at``) or repeating (``cron``)."""

    __tablename__ = "orbit_schedule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(200))
    groups: Mapped[list[str]] = mapped_column(JSON)
    mode: Mapped[str] = mapped_column(String(10), default="serial")
    owners: Mapped[list[str]] = mapped_column(JSON)
    # True when owners were taken from the groups: each then hears only of their own groups.
    owners_from_groups: Mapped[bool] = mapped_column(Boolean, default=False)
    environment: Mapped[str | None] = mapped_column(String(100))
    tz: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cron: Mapped[str | None] = mapped_column(String(200))
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    last_run_id: Mapped[str | None] = mapped_column(String(36))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
