"""Schedules in the store. Every change of state is one conditional UPDATE.

Several schedulers may share a store, on several hosts. None of them ever reads a row and
then writes it on the strength of what it read: each UPDATE repeats its precondition in
its WHERE clause (``status = 'pending' AND next_run_at <= now`` to claim, ``claimed_by =
me`` to finish) and the row count says who won. PostgreSQL and MySQL re-check the WHERE
clause against the committed row after a lock wait, and SQLite takes its write lock at
BEGIN, so two schedulers can never both claim one fire.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Engine, Table, select, update

from ..errors import UsageError
from ..store.schedule_models import STATUSES, Schedule
from .timing import format_time, iso_time

# A declarative model's __table__ is a Table; the cast tells mypy, which sees a FromClause.
TABLE = cast(Table, Schedule.__table__)
T = TABLE.c


@dataclass
class ScheduleView:
    """One schedule as plain data, with its times shown in its own zone."""

    id: int
    project: str
    name: str
    groups: list[str]
    mode: str
    owners: list[str]
    owners_from_groups: bool
    environment: str | None
    tz: str
    at: datetime | None
    cron: str | None
    next_run_at: datetime | None
    status: str
    runs: int
    last_run_id: str | None
    last_error: str | None
    claimed_by: str | None
    heartbeat_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> ScheduleView:
        mapping = row._mapping
        return cls(**{name: mapping[name] for name in cls.__dataclass_fields__})

    @property
    def pending(self) -> bool:
        return self.status == "pending"

    @property
    def next_time(self) -> str:
        return format_time(self.next_run_at, self.tz) if self.pending else "-"

    def to_dict(self) -> dict[str, Any]:
        """``list --format json``: the table's fields, ``runs`` for the count, times in ISO."""
        return {
            "id": self.id,
            "name": self.name,
            "groups": list(self.groups),
            "mode": self.mode,
            "owners": list(self.owners),
            "next_run_at": iso_time(self.next_run_at, self.tz) if self.pending else None,
            "status": self.status,
            "runs": self.runs,
            "environment": self.environment,
            "tz": self.tz,
            "cron": self.cron,
            "at": iso_time(self.at, self.tz),
            "project": self.project,
            "last_run_id": self.last_run_id,
            "last_error": self.last_error,
        }


def add(engine: Engine, now: datetime, **values: Any) -> int:
    """Insert a pending schedule; returns its id."""
    with engine.begin() as conn:
        result = conn.execute(
            TABLE.insert().values(
                status="pending", runs=0, created_at=now, updated_at=now, **values
            )
        )
        key = result.inserted_primary_key
        assert key is not None  # an INSERT of one row always has one
        return int(key[0])


def get(engine: Engine, schedule_id: int) -> ScheduleView | None:
    with engine.connect() as conn:
        row = conn.execute(select(TABLE).where(T.id == schedule_id)).first()
    return ScheduleView.from_row(row) if row else None


def list_schedules(engine: Engine, statuses: Sequence[str] = ()) -> list[ScheduleView]:
    query = select(TABLE).order_by(T.id)
    if statuses:
        query = query.where(T.status.in_(list(statuses)))
    with engine.connect() as conn:
        return [ScheduleView.from_row(row) for row in conn.execute(query)]


def _only_pending(engine: Engine, schedule_id: int, verb: str) -> UsageError:
    """The error for an update or cancel that matched no pending row: say why."""
    found = get(engine, schedule_id)
    if found is None:
        return UsageError(f"no schedule with id {schedule_id} (`orbit schedule list` shows them)")
    return UsageError(
        f"schedule {schedule_id} ({found.name}) is {found.status}: only a pending schedule "
        f"can be {verb}"
    )


def change_pending(engine: Engine, schedule_id: int, now: datetime, **values: Any) -> None:
    """``update``: change a schedule that has not started; a race with a claim loses cleanly."""
    with engine.begin() as conn:
        result = conn.execute(
            update(TABLE)
            .where(T.id == schedule_id, T.status == "pending")
            .values(updated_at=now, **values)
        )
    if result.rowcount != 1:
        raise _only_pending(engine, schedule_id, "updated")


def cancel(engine: Engine, schedule_id: int, now: datetime) -> None:
    with engine.begin() as conn:
        result = conn.execute(
            update(TABLE)
            .where(T.id == schedule_id, T.status == "pending")
            .values(status="cancelled", updated_at=now)
        )
    if result.rowcount != 1:
        raise _only_pending(engine, schedule_id, "cancelled")


def check_statuses(statuses: Sequence[str]) -> list[str]:
    for status in statuses:
        if status not in STATUSES:
            raise UsageError(
                f"unknown status '{status}' for --status; choose from {', '.join(STATUSES)}"
            )
    return list(statuses)


# --- the scheduler's side -----------------------------------------------------------------


def due(engine: Engine, project: str, now: datetime) -> list[ScheduleView]:
    """Pending schedules of ``project`` whose time has come, oldest first (a read: no claim)."""
    query = (
        select(TABLE)
        .where(T.project == project, T.status == "pending", T.next_run_at <= now)
        .order_by(T.next_run_at, T.id)
    )
    with engine.connect() as conn:
        return [ScheduleView.from_row(row) for row in conn.execute(query)]


def move_pending(engine: Engine, schedule: ScheduleView, now: datetime, **values: Any) -> bool:
    """Change a pending schedule only if nobody has touched its next time since we read it."""
    with engine.begin() as conn:
        result = conn.execute(
            update(TABLE)
            .where(
                T.id == schedule.id,
                T.status == "pending",
                T.next_run_at == schedule.next_run_at,
            )
            .values(updated_at=now, **values)
        )
    return bool(result.rowcount == 1)


def claim(engine: Engine, schedule_id: int, worker: str, run_id: str, now: datetime) -> bool:
    """Take a due schedule for this scheduler; False when another one was first."""
    with engine.begin() as conn:
        result = conn.execute(
            update(TABLE)
            .where(T.id == schedule_id, T.status == "pending", T.next_run_at <= now)
            .values(
                status="running",
                claimed_by=worker,
                heartbeat_at=now,
                last_run_id=run_id,
                last_run_at=now,
                last_error=None,
                updated_at=now,
            )
        )
    return bool(result.rowcount == 1)


def heartbeat(engine: Engine, schedule_id: int, worker: str, now: datetime) -> bool:
    """Say "still running"; False when the schedule is no longer ours (reaped as abandoned)."""
    with engine.begin() as conn:
        result = conn.execute(
            update(TABLE)
            .where(T.id == schedule_id, T.status == "running", T.claimed_by == worker)
            .values(heartbeat_at=now)
        )
    return bool(result.rowcount == 1)


def finish(
    engine: Engine,
    schedule_id: int,
    worker: str,
    now: datetime,
    *,
    status: str,
    next_run_at: datetime | None,
    error: str | None,
) -> bool:
    """Record the run's end and count it; False when a reaper got there first."""
    with engine.begin() as conn:
        result = conn.execute(
            update(TABLE)
            .where(T.id == schedule_id, T.status == "running", T.claimed_by == worker)
            .values(
                status=status,
                next_run_at=next_run_at,
                runs=T.runs + 1,
                claimed_by=None,
                last_error=error,
                updated_at=now,
            )
        )
    return bool(result.rowcount == 1)


def reap_abandoned(engine: Engine, now: datetime, lease: timedelta) -> list[ScheduleView]:
    """Mark failed every running schedule whose scheduler stopped heartbeating.

    It is never run again for that fire: its run may have half-happened, and running it
    twice is worse than reporting it. Returns the schedules this call marked.
    """
    cutoff = now - lease
    query = select(TABLE).where(T.status == "running", T.heartbeat_at < cutoff)
    with engine.connect() as conn:
        stale = [ScheduleView.from_row(row) for row in conn.execute(query)]
    reaped = []
    for schedule in stale:
        seen = format_time(schedule.heartbeat_at, schedule.tz)
        error = (
            f"abandoned: scheduler {schedule.claimed_by} stopped heartbeating at {seen} "
            f"(lease {int(lease.total_seconds())}s)"
        )
        with engine.begin() as conn:
            result = conn.execute(
                update(TABLE)
                .where(T.id == schedule.id, T.status == "running", T.heartbeat_at < cutoff)
                .values(
                    status="failed",
                    claimed_by=None,
                    runs=T.runs + 1,
                    last_error=error,
                    updated_at=now,
                )
            )
        if result.rowcount == 1:
            schedule.status, schedule.last_error = "failed", error
            reaped.append(schedule)
    return reaped
