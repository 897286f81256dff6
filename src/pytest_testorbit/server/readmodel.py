"""What the read API and the pages show, read from the store in a few aggregated queries.

Built for a store of 1,000 groups and 500 runs: every list is counted and paged in SQL
(``LIMIT``/``OFFSET`` with a total), a run's groups are filtered and sorted failures first
in SQL, and steps are loaded only for the groups on the page. The rows are the store's own
``RunRow``, ``GroupRow`` and ``StepRow`` (``store/queries.py``), so JSON and pages name
things as ``orbit report --format json`` does. Trends and flaky groups live in
``readtrends.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..store.models import CaseGroup, GroupResult, Run
from ..store.queries import GroupRow, RunRow, group_row, run_row

# A run's group shows as failed when any step failed, was blocked or never ran; as skipped
# when nothing was counted (every step skipped); else as passed: report/flaky.py's rule.
GROUP_STATUSES = ("failed", "passed", "skipped")


@dataclass
class Page:
    """One page of a longer list, and how long the list is."""

    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "next_offset": self.next_offset,
        }


@dataclass
class RunFilter:
    project: str | None = None
    environment: str | None = None
    branch: str | None = None
    trigger: str | None = None
    include_partial: bool = True  # a list of runs shows partial runs, marked

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        for column, value in (
            (Run.project, self.project),
            (Run.environment, self.environment),
            (Run.git_branch, self.branch),
            (Run.trigger, self.trigger),
        ):
            if value:
                found.append(column == value)
        if not self.include_partial:
            found.append(Run.partial.is_(False))
        return found


@dataclass
class RunList:
    runs: list[RunRow]
    page: Page


def list_runs(session: Session, wanted: RunFilter, *, limit: int, offset: int) -> RunList:
    """The runs that match, newest first, one page of them, with the count of all."""
    conditions = wanted.conditions()
    total = session.scalar(select(func.count(Run.id)).where(*conditions)) or 0
    query = (
        select(Run)
        .where(*conditions)
        .order_by(Run.started_at.desc(), Run.id.desc())
        .limit(limit)
        .offset(offset)
    )
    rows = [run_row(run) for run in session.scalars(query)]
    return RunList(rows, Page(total, limit, offset))


@dataclass
class Choices:
    """The values the runs filter can take, for the filter form's lists."""

    projects: list[str] = field(default_factory=list)
    environments: list[str] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)


def choices(session: Session) -> Choices:
    def distinct(column: Any) -> list[str]:
        return sorted(value for value in session.scalars(select(column).distinct()) if value)

    return Choices(
        projects=distinct(Run.project),
        environments=distinct(Run.environment),
        branches=distinct(Run.git_branch),
        triggers=distinct(Run.trigger),
    )


def is_failed() -> ColumnElement[bool]:
    """A group result that counts as failed (a step failed, was blocked or never ran)."""
    return (GroupResult.steps_failed + GroupResult.steps_blocked + GroupResult.steps_not_run) > 0


def _status_condition(status: str) -> ColumnElement[bool]:
    if status == "failed":
        return is_failed()
    if status == "skipped":
        return and_(~is_failed(), GroupResult.pass_rate.is_(None))
    return and_(~is_failed(), GroupResult.pass_rate.is_not(None))


def _name_condition(text: str) -> ColumnElement[bool]:
    """Part of the group id, its parameter id, title or file, any case."""
    pattern = f"%{text.lower()}%"
    return or_(
        *(
            func.lower(column).like(pattern)
            for column in (CaseGroup.group_key, CaseGroup.param_id, CaseGroup.title, CaseGroup.file)
        )
    )


@dataclass
class RunGroups:
    """A page of one run's groups (failures first), with its steps, and the run's counts."""

    groups: list[tuple[int, GroupRow]]  # the case group's id (for its page), its result
    page: Page
    counts: dict[str, int]  # each status -> how many of the run's groups have it


def run_groups(
    session: Session,
    run_id: str,
    *,
    status: str | None = None,
    name: str | None = None,
    limit: int,
    offset: int,
) -> RunGroups:
    base = _run_groups_query(run_id)
    counts = _status_counts(session, run_id)
    if status:
        base = base.where(_status_condition(status))
    if name:
        base = base.where(_name_condition(name))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    query = (
        base.options(selectinload(GroupResult.case_group), selectinload(GroupResult.steps))
        .order_by(
            is_failed().desc(),
            CaseGroup.file,
            CaseGroup.group_key,
            CaseGroup.param_id,
        )
        .limit(limit)
        .offset(offset)
    )
    groups = [(result.case_group_id, group_row(result, True)) for result in session.scalars(query)]
    return RunGroups(groups, Page(total, limit, offset), counts)


def _run_groups_query(run_id: str) -> Select[GroupResult]:
    return select(GroupResult).join(GroupResult.case_group).where(GroupResult.run_id == run_id)


def _status_counts(session: Session, run_id: str) -> dict[str, int]:
    failed = is_failed()
    skipped = and_(~failed, GroupResult.pass_rate.is_(None))
    row = session.execute(
        select(
            func.count(GroupResult.id),
            func.sum(case((failed, 1), else_=0)),
            func.sum(case((skipped, 1), else_=0)),
        ).where(GroupResult.run_id == run_id)
    ).one()
    total, failed_count, skipped_count = (int(value or 0) for value in row)
    return {
        "failed": failed_count,
        "passed": total - failed_count - skipped_count,
        "skipped": skipped_count,
    }


def get_run(session: Session, run_id: str) -> RunRow | None:
    run = session.get(Run, run_id)
    return run_row(run) if run else None


def case_groups(session: Session, ids: Sequence[int]) -> dict[int, CaseGroup]:
    if not ids:
        return {}
    found = session.scalars(select(CaseGroup).where(CaseGroup.id.in_(list(ids))))
    return {group.id: group for group in found}
