"""The tables of the results store, all prefixed ``orbit_`` so they can share a database.

A case group's identity is stable across runs (project + file + group id + parameter id),
so the history of one group is one row here and many rows in ``orbit_group_result``.
Every time is stored in UTC; ``UTCDateTime`` hands back aware datetimes on every backend,
including SQLite, which keeps no zone of its own.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..outcomes import display_id


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime in, an aware UTC datetime out, on every backend.

    MySQL's DATETIME drops fractions of a second unless asked (fsp=6), and SQLite stores
    a naive text: both are normalised here so callers never see a naive time.
    """

    impl = DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        # MySQL refuses an offset in a DATETIME literal; SQLite would keep it as text.
        return value.replace(tzinfo=None) if dialect.name != "postgresql" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - only a hand-edited SQLite file
            value = datetime.fromisoformat(value)
        moment: datetime = value  # the driver hands back a datetime for a DateTime column
        if moment.tzinfo is None:
            return moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)


class Base(DeclarativeBase):
    """The declarative base of every orbit table (the scheduler's tables use it too)."""


class Run(Base):
    """One test run; the shards of one ``--orbit-run-key`` are one run."""

    __tablename__ = "orbit_run"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    run_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    project: Mapped[str] = mapped_column(String(100))
    environment: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    schedule_id: Mapped[int | None] = mapped_column(Integer, index=True)
    git_commit: Mapped[str | None] = mapped_column(String(64))
    git_branch: Mapped[str | None] = mapped_column(String(255))
    host: Mapped[str | None] = mapped_column(String(255))
    groups_total: Mapped[int] = mapped_column(Integer, default=0)
    groups_passed: Mapped[int] = mapped_column(Integer, default=0)
    groups_failed: Mapped[int] = mapped_column(Integer, default=0)
    steps_total: Mapped[int] = mapped_column(Integer, default=0)
    steps_passed: Mapped[int] = mapped_column(Integer, default=0)
    steps_failed: Mapped[int] = mapped_column(Integer, default=0)
    steps_skipped: Mapped[int] = mapped_column(Integer, default=0)
    steps_blocked: Mapped[int] = mapped_column(Integer, default=0)
    steps_not_run: Mapped[int] = mapped_column(Integer, default=0)
    # Only part of the suite was selected; ``selection`` says how (migration 0003).
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    selection: Mapped[str | None] = mapped_column(Text)

    shards: Mapped[list[RunShard]] = relationship(back_populates="run", cascade="all")
    results: Mapped[list[GroupResult]] = relationship(back_populates="run", cascade="all")


class RunShard(Base):
    """One pytest process that wrote into a run (one for a plain run, N for N CI shards).

    The run's status is derived from its shards: running while any shard runs, then the
    worst of them. Keeping a row per process makes a re-delivered spool harmless.
    """

    __tablename__ = "orbit_run_shard"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the process's own run id
    run_id: Mapped[str] = mapped_column(ForeignKey("orbit_run.id", ondelete="CASCADE"), index=True)
    host: Mapped[str | None] = mapped_column(String(255))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")

    run: Mapped[Run] = relationship(back_populates="shards")


class CaseGroup(Base):
    """A case group's identity, the same row in every run that ran it."""

    __tablename__ = "orbit_case_group"
    __table_args__ = (UniqueConstraint("project", "file", "group_key", "param_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Lengths keep the unique index inside MySQL's 3072-byte limit in utf8mb4.
    project: Mapped[str] = mapped_column(String(100))
    file: Mapped[str] = mapped_column(String(300))
    group_key: Mapped[str] = mapped_column(String(150))
    param_id: Mapped[str] = mapped_column(String(150), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    owners: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)

    @property
    def display_id(self) -> str:
        return display_id(self.group_key, self.param_id)


class GroupResult(Base):
    """How one case group did in one run; written when the group finishes."""

    __tablename__ = "orbit_group_result"
    __table_args__ = (UniqueConstraint("run_id", "case_group_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("orbit_run.id", ondelete="CASCADE"))
    case_group_id: Mapped[int] = mapped_column(
        ForeignKey("orbit_case_group.id", ondelete="CASCADE"), index=True
    )
    steps_total: Mapped[int] = mapped_column(Integer, default=0)
    steps_passed: Mapped[int] = mapped_column(Integer, default=0)
    steps_failed: Mapped[int] = mapped_column(Integer, default=0)
    steps_skipped: Mapped[int] = mapped_column(Integer, default=0)
    steps_blocked: Mapped[int] = mapped_column(Integer, default=0)
    steps_not_run: Mapped[int] = mapped_column(Integer, default=0)
    pass_rate: Mapped[float | None] = mapped_column(Float)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    worker: Mapped[str | None] = mapped_column(String(50))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # True when some of its steps were filled in as not run at the end of the session.
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False)
    # True when only some of its steps were selected (migration 0003).
    partial: Mapped[bool] = mapped_column(Boolean, default=False)

    run: Mapped[Run] = relationship(back_populates="results")
    case_group: Mapped[CaseGroup] = relationship()
    steps: Mapped[list[StepResult]] = relationship(
        back_populates="group_result",
        cascade="all, delete-orphan",
        order_by="StepResult.step_order",
    )


class StepResult(Base):
    """One step's outcome; no request or response bodies, only masked URL and message."""

    __tablename__ = "orbit_step_result"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_result_id: Mapped[int] = mapped_column(
        ForeignKey("orbit_group_result.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[str] = mapped_column(String(150))
    step_order: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500), default="")
    outcome: Mapped[str] = mapped_column(String(20))
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    method: Mapped[str | None] = mapped_column(String(20))
    url: Mapped[str | None] = mapped_column(Text)
    status_code: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)

    group_result: Mapped[GroupResult] = relationship(back_populates="steps")
