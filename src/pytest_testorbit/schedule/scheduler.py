"""``orbit scheduler``: claim due schedules, run pytest for them, record and announce.

One scheduler runs one schedule at a time and claims the next only when it is free, so
several schedulers on one store share the work. A claimed schedule is ``running`` with a
heartbeat that a thread refreshes while pytest runs; a scheduler that dies stops the
heartbeat, and the next scheduler to look marks the schedule failed (abandoned) once the
heartbeat is older than the lease. It never runs that fire again: half a run already
happened, and the owners would rather hear about it than get it twice.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import service
from .suite import scan
from .timing import format_time, next_fire

if TYPE_CHECKING:
    from ..cases.project import Project
    from ..store.db import Store
    from .service import ScheduleView

log = logging.getLogger("pytest_testorbit.schedule")

Clock = Callable[[], datetime]
CommandBuilder = Callable[["ScheduleView", list[str]], list[str]]

# pytest's exit codes that mean the run was not made, with what to tell the owners.
NOT_MADE = {
    2: "pytest was interrupted (exit code 2): a collection error, or the run was stopped",
    3: "pytest had an internal error (exit code 3)",
    4: "pytest was called wrongly (exit code 4, a usage error)",
    5: "pytest collected no tests (exit code 5)",
}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def pytest_command(schedule: ScheduleView, node_ids: list[str]) -> list[str]:
    """``python -m pytest`` with this interpreter, the groups' node ids and the run's options.

    The store's URL is not among them: a command line is visible to every user in ``ps``,
    password and all. It goes to pytest in ORBIT_DB_URL (see ``Scheduler._run``).
    """
    command = [sys.executable, "-m", "pytest", *node_ids]
    if schedule.environment:
        command += ["--orbit-env", schedule.environment]
    if schedule.mode == "parallel":
        command += ["-n", "auto"]
    return command


@dataclass
class Outcome:
    status: str  # completed or failed
    error: str | None = None


@dataclass
class Scheduler:
    store: Store
    project: Project
    lease: timedelta = timedelta(minutes=5)
    grace: timedelta = timedelta(hours=1)
    heartbeat_every: float | None = None  # seconds; default a fifth of the lease
    command: CommandBuilder = pytest_command
    clock: Clock = utc_now
    notify: Callable[[ScheduleView, str, str | None], None] | None = None
    worker: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    )
    stop: threading.Event = field(default_factory=threading.Event)
    _child: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def engine(self) -> Any:
        return self.store.engine

    def run_once(self) -> int:
        """Reap abandoned schedules, then run every due one this scheduler can claim."""
        for reaped in service.reap_abandoned(self.engine, self.clock(), self.lease):
            log.error(
                "schedule %d (%s) marked failed: %s", reaped.id, reaped.name, reaped.last_error
            )
        count = 0
        while not self.stop.is_set():
            ran = False
            for schedule in service.due(self.engine, self.project.name, self.clock()):
                if self.stop.is_set() or not self._within_grace(schedule):
                    continue
                if self.execute(schedule):
                    count += 1
                    ran = True
                    break  # time has passed: read what is due again
            if not ran:
                break
        return count

    def run_forever(self, interval: float) -> None:
        log.info("scheduler %s polling %s every %ss", self.worker, self.store.display_url, interval)
        while not self.stop.is_set():
            try:
                self.run_once()
            except Exception:  # a store hiccup must not end a long-running scheduler
                log.exception("scheduler pass failed; trying again in %ss", interval)
            self.stop.wait(interval)

    def shutdown(self) -> None:
        """Stop after the current run; a running pytest is asked to stop (SIGTERM) now."""
        self.stop.set()
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()

    def _within_grace(self, schedule: ScheduleView) -> bool:
        """Skip fires missed by more than the grace period (the scheduler was down)."""
        now = self.clock()
        assert schedule.next_run_at is not None  # due() only returns scheduled rows
        if schedule.next_run_at >= now - self.grace:
            return True
        missed = format_time(schedule.next_run_at, schedule.tz)
        if schedule.cron:
            upcoming = next_fire(schedule.cron, schedule.tz, now - self.grace)
            if service.move_pending(self.engine, schedule, now, next_run_at=upcoming):
                log.warning(
                    "schedule %d (%s): skipped fires missed since %s (grace %ss); next %s",
                    schedule.id,
                    schedule.name,
                    missed,
                    int(self.grace.total_seconds()),
                    format_time(upcoming, schedule.tz),
                )
            return False  # read again: the new time may be due already
        error = (
            f"missed: its time {missed} passed more than "
            f"{int(self.grace.total_seconds())}s ago while no scheduler was running"
        )
        if service.move_pending(
            self.engine, schedule, now, status="failed", last_error=error, next_run_at=None
        ):
            log.warning("schedule %d (%s) %s", schedule.id, schedule.name, error)
        return False

    def execute(self, schedule: ScheduleView) -> bool:
        """Claim and run one schedule; False when another scheduler claimed it first."""
        run_id = str(uuid.uuid4())
        if not service.claim(self.engine, schedule.id, self.worker, run_id, self.clock()):
            return False
        log.info("schedule %d (%s): run %s started", schedule.id, schedule.name, run_id)
        beat = threading.Event()
        thread = threading.Thread(target=self._heartbeat, args=(schedule, beat), daemon=True)
        thread.start()
        try:
            outcome = self._run(schedule, run_id)
        except Exception as exc:  # whatever broke, the schedule must not stay running
            log.exception("schedule %d: the run could not be made", schedule.id)
            outcome = Outcome("failed", f"the run could not be made: {exc}")
        finally:
            beat.set()
            thread.join()
        self._finish(schedule, run_id, outcome)
        return True

    def _heartbeat(self, schedule: ScheduleView, done: threading.Event) -> None:
        every = self.heartbeat_every or max(self.lease.total_seconds() / 5, 0.05)
        while not done.wait(every):
            try:
                if not service.heartbeat(self.engine, schedule.id, self.worker, self.clock()):
                    log.error(
                        "schedule %d: lost its claim (marked abandoned elsewhere)", schedule.id
                    )
                    return
            except Exception:  # the store blinked: try again at the next beat
                log.warning("schedule %d: heartbeat failed", schedule.id, exc_info=True)

    def _run(self, schedule: ScheduleView, run_id: str) -> Outcome:
        suite = scan(self.project.root)
        missing = suite.missing(list(schedule.groups))
        found = [g for name in schedule.groups if name in suite.groups for g in suite.groups[name]]
        if missing:
            log.warning(
                "schedule %d: groups no longer in the suite: %s", schedule.id, ", ".join(missing)
            )
        if not found:
            return Outcome(
                "failed",
                f"none of its groups is in the suite any more: {', '.join(schedule.groups)}",
            )
        node_ids = [node for group in found for node in group.node_ids()]
        command = self.command(schedule, node_ids)
        env = {
            **os.environ,
            "ORBIT_DB_URL": self.store.url,  # in the environment, which only its user can read
            "ORBIT_TRIGGER": "schedule",
            "ORBIT_RUN_ID": run_id,
            "ORBIT_SCHEDULE_ID": str(schedule.id),
        }
        log_path = self.project.root / ".orbit" / "logs" / f"schedule-{schedule.id}-{run_id}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as output:
            try:
                self._child = subprocess.Popen(
                    command, cwd=self.project.root, env=env, stdout=output, stderr=subprocess.STDOUT
                )
            except OSError as exc:
                return Outcome("failed", f"pytest would not start: {exc}")
            code = self._child.wait()
            self._child = None
        log.info("schedule %d: pytest exited with %d (output in %s)", schedule.id, code, log_path)
        if code in (0, 1):
            return Outcome("completed", None)
        reason = NOT_MADE.get(code) or (
            f"pytest was killed by signal {-code}" if code < 0 else f"pytest exited with {code}"
        )
        return Outcome("failed", f"{reason}; see {log_path}\n{_tail(log_path)}".rstrip())

    def _finish(self, schedule: ScheduleView, run_id: str, outcome: Outcome) -> None:
        now = self.clock()
        status, next_run_at = outcome.status, None
        if schedule.cron and status == "completed":
            status, next_run_at = "pending", next_fire(schedule.cron, schedule.tz, now)
        if not service.finish(
            self.engine,
            schedule.id,
            self.worker,
            now,
            status=status,
            next_run_at=next_run_at,
            error=outcome.error,
        ):
            log.error(
                "schedule %d: finished after being marked abandoned; kept as failed", schedule.id
            )
        log.info(
            "schedule %d (%s): run %s %s%s",
            schedule.id,
            schedule.name,
            run_id,
            outcome.status,
            f", next {format_time(next_run_at, schedule.tz)}" if next_run_at else "",
        )
        if self.notify is not None:
            try:
                self.notify(schedule, run_id, outcome.error)
            except Exception:  # a notification never decides a run's fate
                log.exception("schedule %d: notifications failed", schedule.id)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
