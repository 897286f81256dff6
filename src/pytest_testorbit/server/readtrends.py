"""Trends over runs for the read API and the pages: a group's history, a project's
overview with each group's latest rate, flaky groups, and the badge's pass rate.

The store's rule holds here as in ``orbit report`` and ``orbit flaky``: partial runs (``-k``,
a node id, ``--lf`` ...) are left out unless ``include_partial`` is asked for, since a run
of one step says nothing of a group's pass rate. The queries read plain columns (no ORM
objects, no steps), so 1,000 groups over 20 runs is 20,000 small tuples, not 20,000 objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from ..outcomes import display_id
from ..report.flaky import FAIL, PASS, flips
from ..store.models import CaseGroup, GroupResult, Run
from ..store.queries import RunRow, run_row
from .readmodel import Page, is_failed


@dataclass
class Point:
    """One run of a group's history."""

    run_id: str
    started_at: datetime
    environment: str
    pass_rate: float | None
    duration: float
    failed: bool
    partial: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "environment": self.environment,
            "pass_rate": self.pass_rate,
            "duration": self.duration,
            "failed": self.failed,
            "partial": self.partial,
        }


def group_history(
    session: Session,
    case_group_id: int,
    *,
    limit: int,
    environment: str | None = None,
    include_partial: bool = False,
) -> list[Point]:
    """The group's results in its last ``limit`` runs, oldest first."""
    query = (
        select(
            GroupResult.run_id,
            Run.started_at,
            Run.environment,
            GroupResult.pass_rate,
            GroupResult.duration,
            is_failed(),
            Run.partial,
        )
        .join(Run, Run.id == GroupResult.run_id)
        .where(GroupResult.case_group_id == case_group_id)
        .order_by(Run.started_at.desc(), Run.id.desc())
        .limit(limit)
    )
    query = query.where(*_run_conditions(environment, include_partial))
    points = [
        Point(row[0], row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6]))
        for row in session.execute(query)
    ]
    points.reverse()
    return points


def _run_conditions(
    environment: str | None, include_partial: bool, project: str | None = None
) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if project:
        found.append(Run.project == project)
    if environment:
        found.append(Run.environment == environment)
    if not include_partial:
        found.append(Run.partial.is_(False))
    return found


def recent_runs(
    session: Session,
    *,
    runs_back: int,
    project: str | None = None,
    environment: str | None = None,
    include_partial: bool = False,
) -> list[RunRow]:
    """The last ``runs_back`` runs with results, oldest first."""
    query = (
        select(Run)
        .where(*_run_conditions(environment, include_partial, project))
        .where(exists().where(GroupResult.run_id == Run.id))
        .order_by(Run.started_at.desc(), Run.id.desc())
        .limit(runs_back)
    )
    found = [run_row(run) for run in session.scalars(query)]
    found.reverse()
    return found


@dataclass
class GroupTrend:
    """A group over a window of runs: one entry per run, oldest first (None: not run)."""

    id: int
    group: str
    file: str
    title: str
    rates: list[float | None]
    outcomes: list[str | None]  # pass / fail / None, for flaky
    latest_rate: float | None = None
    latest_run_id: str | None = None
    flips: int = 0

    @property
    def runs(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome is not None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "group": self.group,
            "file": self.file,
            "title": self.title,
            "latest_pass_rate": self.latest_rate,
            "latest_run_id": self.latest_run_id,
            "trend": self.rates,
            "outcomes": self.outcomes,
            "flips": self.flips,
            "runs": self.runs,
        }


def window(
    session: Session,
    *,
    runs_back: int,
    project: str | None = None,
    environment: str | None = None,
    include_partial: bool = False,
) -> tuple[list[RunRow], list[GroupTrend]]:
    """The last ``runs_back`` runs with results and every group's trend over them."""
    runs = recent_runs(
        session,
        runs_back=runs_back,
        project=project,
        environment=environment,
        include_partial=include_partial,
    )
    return runs, trends(session, runs, project=project)


def trends(session: Session, runs: list[RunRow], *, project: str | None = None) -> list[GroupTrend]:
    """Every group that ran in ``runs``, with its rate and outcome in each."""
    if not runs:
        return []
    index = {run.id: position for position, run in enumerate(runs)}
    query = select(
        GroupResult.case_group_id, GroupResult.run_id, GroupResult.pass_rate, is_failed()
    ).where(GroupResult.run_id.in_(list(index)))
    by_group: dict[int, GroupTrend] = {}
    width = len(runs)
    rows = list(session.connection().execute(query))  # Core rows: no ORM loading for 20,000
    groups = _case_groups(session, {row[0] for row in rows}, project)
    for group_id, run_id, rate, failed in rows:
        names = groups.get(group_id)
        if names is None:
            continue
        trend = by_group.get(group_id)
        if trend is None:
            trend = by_group[group_id] = GroupTrend(
                group_id, *names, [None] * width, [None] * width
            )
        at = index[run_id]
        trend.rates[at] = rate
        if rate is not None:
            trend.outcomes[at] = FAIL if failed else PASS
    for trend in by_group.values():
        _finish(trend, runs)
    return list(by_group.values())


def _finish(trend: GroupTrend, runs: list[RunRow]) -> None:
    for position in range(len(runs) - 1, -1, -1):
        if trend.outcomes[position] is not None or trend.rates[position] is not None:
            trend.latest_rate = trend.rates[position]
            trend.latest_run_id = runs[position].id
            break
    trend.flips = flips(trend.outcomes)


def _case_groups(
    session: Session, ids: set[int], project: str | None
) -> dict[int, tuple[str, str, str]]:
    """Each group's display id, file and title: plain columns (ORM objects cost 10x here)."""
    query = select(
        CaseGroup.id, CaseGroup.group_key, CaseGroup.param_id, CaseGroup.file, CaseGroup.title
    ).where(CaseGroup.id.in_(list(ids)))
    if project:
        query = query.where(CaseGroup.project == project)
    return {row[0]: (display_id(row[1], row[2]), row[3], row[4]) for row in session.execute(query)}


def overview(
    groups: list[GroupTrend], *, name: str | None, limit: int, offset: int
) -> tuple[list[GroupTrend], Page]:
    """Worst latest rate first (then file, group); a name filter on the group, title, file."""
    if name:
        wanted = name.lower()
        groups = [g for g in groups if wanted in f"{g.group} {g.title} {g.file}".lower()]
    groups.sort(key=lambda g: (g.latest_rate is None, g.latest_rate or 0.0, g.file, g.group))
    return groups[offset : offset + limit], Page(len(groups), limit, offset)


def flaky(groups: list[GroupTrend], *, limit: int, offset: int) -> tuple[list[GroupTrend], Page]:
    """Groups whose outcome flipped between pass and fail, most flips first."""
    found = [group for group in groups if group.flips]
    found.sort(key=lambda g: (-g.flips, g.file, g.group))
    return found[offset : offset + limit], Page(len(found), limit, offset)


def badge_run(session: Session, project: str) -> RunRow | None:
    """The project's newest full run that has results: what its badge shows."""
    found = recent_runs(session, runs_back=1, project=project)
    return found[0] if found else None


def case_group(session: Session, case_group_id: int) -> CaseGroup | None:
    return session.get(CaseGroup, case_group_id)
