"""Read the store for reports: runs, a run's groups and steps, trends and flaky groups.

Everything returned is plain data (``RunRow``, ``GroupRow``, ``StepRow``) with a
``to_dict`` in the names the contract fixes for JSON: a run's ``id, status, environment,
started_at, finished_at``; a group's ``group`` and ``pass_rate`` with ``passed, failed,
blocked, skipped, not_run, total``. Renderers never touch SQLAlchemy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, select
from sqlalchemy.orm import Session, selectinload

from .models import CaseGroup, GroupResult, Run, StepResult

GroupKey = tuple[str, str, str]  # file, group id, parameter id


@dataclass
class RunRow:
    id: str
    status: str
    environment: str
    started_at: datetime
    finished_at: datetime | None
    project: str
    trigger: str
    run_key: str | None
    schedule_id: int | None
    git_commit: str | None
    git_branch: str | None
    host: str | None
    groups_total: int
    groups_passed: int
    groups_failed: int
    steps_total: int
    steps_passed: int
    steps_failed: int
    steps_skipped: int
    partial: bool = False  # only part of the suite was selected; ``selection`` says how
    selection: str | None = None

    @property
    def pass_rate(self) -> float | None:
        """As a group's: passed steps over those that ran, were blocked or never ran."""
        counted = self.steps_total - self.steps_skipped
        return self.steps_passed / counted if counted else None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["started_at"] = self.started_at.isoformat()
        data["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        data["pass_rate"] = self.pass_rate
        return data


@dataclass
class StepRow:
    step: str
    order: int
    name: str
    outcome: str
    duration: float
    method: str | None
    url: str | None
    status_code: int | None
    message: str | None
    line: int | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class GroupRow:
    group: str  # the display id: checkout, or checkout[0] for a parameter row
    group_id: str
    param: str
    file: str
    title: str
    owners: list[str]
    tags: list[str]
    passed: int
    failed: int
    blocked: int
    skipped: int
    not_run: int
    total: int
    pass_rate: float | None
    duration: float
    worker: str | None
    steps: list[StepRow] = field(default_factory=list)
    partial: bool = False  # only some of its steps were selected in that run
    trend: list[float | None] = field(default_factory=list)  # oldest run first

    @property
    def key(self) -> GroupKey:
        return (self.file, self.group_id, self.param)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["steps"] = [step.to_dict() for step in self.steps]
        return data


def run_row(run: Run) -> RunRow:
    names = [f.name for f in dataclasses.fields(RunRow)]
    row = RunRow(**{name: getattr(run, name) for name in names})
    row.partial = bool(row.partial)
    return row


def group_filter(wanted: str) -> ColumnElement[bool]:
    """``checkout`` is every row of the group; ``checkout[abc]`` one parameter row."""
    if wanted.endswith("]") and "[" in wanted:
        key, _, param = wanted[:-1].partition("[")
        return and_(CaseGroup.group_key == key, CaseGroup.param_id == param)
    return CaseGroup.group_key == wanted


def _runs_query(
    environment: str | None,
    with_results: bool,
    group: str | None = None,
    include_partial: bool = True,
) -> Select[Run]:
    query = select(Run).order_by(Run.started_at.desc(), Run.id.desc())
    if not include_partial:
        query = query.where(Run.partial.is_(False))
    if environment:
        query = query.where(Run.environment == environment)
    if group:
        has_group = (
            select(GroupResult.id)
            .join(GroupResult.case_group)
            .where(GroupResult.run_id == Run.id, group_filter(group))
        )
        query = query.where(has_group.exists())
    elif with_results:
        query = query.where(exists().where(GroupResult.run_id == Run.id))
    return query


def runs(
    session: Session,
    *,
    limit: int | None = None,
    environment: str | None = None,
    with_results: bool = False,
    group: str | None = None,
    include_partial: bool = True,
) -> list[RunRow]:
    """The runs, newest first; with ``group``, those that ran it."""
    query = _runs_query(environment, with_results, group, include_partial).limit(limit)
    return [run_row(run) for run in session.scalars(query)]


def environments(session: Session, *, with_results: bool = False) -> list[str]:
    """The environments the store has runs of (with results, if asked), sorted."""
    query = select(Run.environment).distinct()
    if with_results:
        query = query.where(exists().where(GroupResult.run_id == Run.id))
    return sorted(name for name in session.scalars(query) if name)


def get_run(session: Session, run_id: str) -> RunRow | None:
    run = session.get(Run, run_id)
    return run_row(run) if run else None


def last_run(
    session: Session,
    *,
    environment: str | None = None,
    group: str | None = None,
    include_partial: bool = False,
) -> RunRow | None:
    """The newest full run that has results (a run that stored nothing is not "the last run");
    with ``include_partial``, partial runs count too."""
    found = runs(
        session,
        limit=1,
        environment=environment,
        with_results=True,
        group=group,
        include_partial=include_partial,
    )
    return found[0] if found else None


def group_results(
    session: Session, run_ids: Sequence[str], *, group: str | None = None, steps: bool = True
) -> dict[str, list[GroupRow]]:
    """Each run's group results (with steps), in file and group order."""
    query = (
        select(GroupResult)
        .join(GroupResult.case_group)
        .where(GroupResult.run_id.in_(list(run_ids)))
        .options(selectinload(GroupResult.case_group))
        .order_by(CaseGroup.file, CaseGroup.group_key, CaseGroup.param_id)
    )
    if steps:
        query = query.options(selectinload(GroupResult.steps))
    if group:
        query = query.where(group_filter(group))
    found: dict[str, list[GroupRow]] = {run_id: [] for run_id in run_ids}
    for result in session.scalars(query):
        found[result.run_id].append(group_row(result, steps))
    return found


def group_row(result: GroupResult, steps: bool) -> GroupRow:
    case_group = result.case_group
    return GroupRow(
        group=case_group.display_id,
        group_id=case_group.group_key,
        param=case_group.param_id,
        file=case_group.file,
        title=case_group.title,
        owners=list(case_group.owners or []),
        tags=list(case_group.tags or []),
        passed=result.steps_passed,
        failed=result.steps_failed,
        blocked=result.steps_blocked,
        skipped=result.steps_skipped,
        not_run=result.steps_not_run,
        total=result.steps_total,
        pass_rate=result.pass_rate,
        duration=result.duration,
        worker=result.worker,
        partial=bool(result.partial),
        steps=[_step_row(step) for step in result.steps] if steps else [],
    )


def _step_row(step: StepResult) -> StepRow:
    return StepRow(
        step=step.step_id,
        order=step.step_order,
        name=step.name,
        outcome=step.outcome,
        duration=step.duration,
        method=step.method,
        url=step.url,
        status_code=step.status_code,
        message=step.message,
        line=step.line,
    )


@dataclass
class History:
    """The last N runs with results (oldest first) and each group's rows in them."""

    runs: list[RunRow]
    groups: dict[GroupKey, dict[str, GroupRow]]  # group -> run id -> its result there

    def trend(self, key: GroupKey) -> list[float | None]:
        rows = self.groups.get(key, {})
        return [rows[run.id].pass_rate if run.id in rows else None for run in self.runs]


def history(
    session: Session,
    *,
    runs_back: int,
    environment: str | None = None,
    group: str | None = None,
    steps: bool = False,
    include_partial: bool = False,
) -> History:
    """Partial runs are left out unless asked for: a run of one step says nothing of the
    group's pass rate, and would pull its trend and average down."""
    recent = runs(
        session,
        limit=runs_back,
        environment=environment,
        with_results=True,
        group=group,
        include_partial=include_partial,
    )
    recent.reverse()
    by_run = group_results(session, [run.id for run in recent], group=group, steps=steps)
    groups: dict[GroupKey, dict[str, GroupRow]] = {}
    for run in recent:
        for row in by_run[run.id]:
            groups.setdefault(row.key, {})[run.id] = row
    return History(runs=recent, groups=groups)


def mean_durations(
    session: Session,
    *,
    runs_back: int,
    environment: str | None = None,
    exclude_run_key: str | None = None,
) -> dict[GroupKey, float]:
    """Each group's mean duration in seconds over the finished runs among the last ``runs_back``.

    Runs still going, and those of ``exclude_run_key`` (a run whose other shards may be
    writing right now), are left out, so shards starting together read the same runs.
    """
    recent = history(session, runs_back=runs_back, environment=environment)
    finished = {
        run.id
        for run in recent.runs
        if run.status != "running" and (exclude_run_key is None or run.run_key != exclude_run_key)
    }
    means: dict[GroupKey, float] = {}
    for key, rows in recent.groups.items():
        values = [row.duration for run_id, row in rows.items() if run_id in finished]
        if values:
            means[key] = sum(values) / len(values)
    return means
