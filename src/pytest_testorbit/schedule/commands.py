"""What each ``orbit schedule`` sub-command and ``orbit scheduler`` does with its arguments.

The rules for a schedule's values live in ``spec``, shared with ``POST/PUT /api/schedules``;
here only the command line is read (comma lists, which options were given).

Every wrong value is a ``UsageError`` whose message quotes it and says what would be right;
the ``orbit`` entry point prints it on one line and exits 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cases.project import Project, load_project
from ..cases.project_path import PROJECT_FILE
from ..errors import OrbitError, UsageError
from ..store import url as store_url
from . import service, spec
from .service import ScheduleView
from .timing import next_fire, zone

if TYPE_CHECKING:
    from ..store.db import Store


@dataclass
class Context:
    project: Project
    url: str
    auto_upgrade: bool

    def store(self) -> Store:
        from ..store import open_store

        return open_store(self.url, auto_upgrade=self.auto_upgrade)


def context(args: argparse.Namespace) -> Context:
    """The project (``--project`` or the current folder) and its store, as ``orbit db`` picks."""
    root = Path(args.project or ".").resolve()
    if not root.is_dir():
        raise UsageError(f"--project {args.project}: no such folder")
    project_file = root / PROJECT_FILE
    project = load_project(project_file if project_file.is_file() else None, default_root=root)
    chosen = store_url.choose(args.db, database=project.database, root=project.root, cwd=Path.cwd())
    return Context(project, chosen.url, auto_upgrade=chosen.auto_upgrade)


def now() -> datetime:
    return datetime.now(timezone.utc)


def split_list(value: str, option: str) -> list[str]:
    items = [item.strip() for item in value.split(",")]
    if not value.strip() or any(not item for item in items):
        raise UsageError(f"{option} {value!r} has an empty entry: write names separated by commas")
    return list(dict.fromkeys(items))


def check_owners(value: str) -> list[str]:
    return spec.check_owners(split_list(value, "--owners"))


def add(args: argparse.Namespace) -> int:
    if not args.groups:
        raise UsageError(
            "--groups is required: the case group ids to run (--groups checkout,login)"
        )
    ctx = context(args)
    asked = spec.ScheduleSpec(
        groups=split_list(args.groups, "--groups"),
        name=args.name,
        mode=args.mode or "serial",
        owners=split_list(args.owners, "--owners") if args.owners else None,
        environment=args.env,
        tz=args.tz,
        at=args.at,
        cron=args.cron,
    )
    values = spec.columns(ctx.project, asked, now())
    store = ctx.store()
    try:
        new_id = service.add(store.engine, now(), project=ctx.project.name, **values)
    finally:
        store.close()
    print(new_id)
    return 0


def update(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    ctx = context(args)
    store = ctx.store()
    try:
        current = service.get(store.engine, args.id)
        if current is None:
            raise UsageError(f"no schedule with id {args.id} (`orbit schedule list` shows them)")
        if args.name:
            changes["name"] = args.name
        if args.mode:
            changes["mode"] = args.mode
        if args.env:
            changes["environment"] = spec.check_env(ctx.project, args.env)
        if args.groups:
            changes["groups"] = split_list(args.groups, "--groups")
            group_owners = spec.check_groups(ctx.project, changes["groups"])
            if not args.owners and current.owners_from_groups:
                changes["owners"] = group_owners
        if args.owners:
            changes.update(owners=check_owners(args.owners), owners_from_groups=False)
        tz_name = zone(args.tz).key if args.tz else current.tz
        if args.tz:
            changes["tz"] = tz_name
        if args.at or args.cron is not None:
            changes.update(spec.timing(tz_name, args.at, args.cron, now()))
        elif args.tz and current.cron:
            changes["next_run_at"] = next_fire(current.cron, tz_name, now())
        if not changes:
            raise UsageError(
                "nothing to change: give --groups, --at, --cron, --tz, --parallel/--serial, "
                "--owners, --env or --name"
            )
        service.change_pending(store.engine, args.id, now(), **changes)
    finally:
        store.close()
    print(f"updated schedule {args.id}")
    return 0


def cancel(args: argparse.Namespace) -> int:
    store = context(args).store()
    try:
        service.cancel(store.engine, args.id, now())
    finally:
        store.close()
    print(f"cancelled schedule {args.id}")
    return 0


def list_(args: argparse.Namespace) -> int:
    statuses = [s for value in args.status or [] for s in split_list(value, "--status")]
    store = context(args).store()
    try:
        schedules = service.list_schedules(store.engine, service.check_statuses(statuses))
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps([s.to_dict() for s in schedules], indent=2, ensure_ascii=False))
    else:
        print(render_table(schedules))
    return 0


HEADERS = ("ID", "NAME", "GROUPS", "MODE", "OWNERS", "NEXT RUN", "STATUS", "RUNS")


def _row(schedule: ScheduleView) -> tuple[str, ...]:
    return (
        str(schedule.id),
        schedule.name,
        ",".join(schedule.groups),
        schedule.mode,
        ",".join(schedule.owners) or "-",
        schedule.next_time,
        schedule.status,
        str(schedule.runs),
    )


def render_table(schedules: Sequence[ScheduleView]) -> str:
    """Columns padded to their widest cell; "No schedules." when there is none."""
    if not schedules:
        return "No schedules."
    from ..tables import table  # aligned by display width: names may be CJK

    return "\n".join(table([list(HEADERS), *(list(_row(s)) for s in schedules)]))


def _seconds(value: float, option: str, *, zero: bool = False) -> float:
    if value < 0 or (value == 0 and not zero):
        raise UsageError(f"{option} must be a positive number of seconds, not {value:g}")
    return value


def scheduler(args: argparse.Namespace) -> int:
    from .scheduler import Scheduler

    interval = _seconds(args.interval, "--interval")
    lease = _seconds(args.lease, "--lease")
    grace = _seconds(args.grace, "--grace", zero=True)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its migration chatter is noise here
    ctx = context(args)
    store = ctx.store()
    runner = Scheduler(
        store,
        ctx.project,
        lease=timedelta(seconds=lease),
        grace=timedelta(seconds=grace),
        notify=None if args.no_notify else _notifier(ctx.project, store),
    )
    try:
        if args.once:
            runner.run_once()
            return 0
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: runner.shutdown())
        runner.run_forever(interval)
        return 0
    finally:
        store.close()


def _notifier(project: Project, store: Store) -> Any:
    """The scheduler's after-run callback: read the run back, tell the owners."""
    from ..notify.dispatch import Notifier
    from .results import run_summary

    log = logging.getLogger("pytest_testorbit.notify")

    def notify(schedule: ScheduleView, run_id: str, error: str | None) -> None:
        try:
            config = project.notify  # rendered now: SMTP_PASSWORD lives on the scheduler's host
        except OrbitError as exc:
            log.error("notifications are off: %s", exc)
            return
        if not config:
            return
        summary = run_summary(store, run_id, schedule, error)
        Notifier(config).notify_run(
            summary, list(schedule.owners), owners_from_groups=schedule.owners_from_groups
        )

    return notify
