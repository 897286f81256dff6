"""A scheduled run's results, read back from the store for its notifications.

The pytest subprocess wrote them under the run id the scheduler gave it (ORBIT_RUN_ID), so
nothing has to be parsed from pytest's output. Rows become ``GroupOutcome`` objects, the
type the notifications are written against.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..errors import StoreError
from ..notify.message import RunSummary
from ..outcomes import GroupIdentity, GroupOutcome, StepReport

if TYPE_CHECKING:
    from ..store.db import Store
    from ..store.queries import GroupRow
    from .service import ScheduleView

log = logging.getLogger("pytest_testorbit.schedule")


def group_outcome(row: GroupRow) -> GroupOutcome:
    identity = GroupIdentity(
        row.file, row.group_id, row.param, row.title, list(row.owners), list(row.tags)
    )
    return GroupOutcome(
        identity,
        steps=[
            StepReport(
                step_id=step.step,
                order=step.order,
                name=step.name,
                outcome=step.outcome,
                duration=step.duration,
                method=step.method,
                url=step.url,
                status_code=step.status_code,
                message=step.message,
                line=step.line,
            )
            for step in row.steps
        ],
        duration=row.duration,
        worker=row.worker,
    )


def run_summary(
    store: Store, run_id: str, schedule: ScheduleView, error: str | None = None
) -> RunSummary:
    """The run as stored; a run the store never saw gives a summary without groups."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..store import queries

    summary = RunSummary(
        run_id=run_id,
        project=schedule.project,
        environment=schedule.environment,
        schedule_id=schedule.id,
        schedule_name=schedule.name,
        error=error,
    )
    try:
        with store.session() as session:
            run = queries.get_run(session, run_id)
            rows = queries.group_results(session, [run_id])[run_id]
    except (SQLAlchemyError, StoreError) as exc:
        log.warning("cannot read run %s back from the store: %s", run_id, exc)
        return summary
    if run is not None:
        summary.environment = run.environment
        summary.status = run.status
        summary.started_at = run.started_at
        summary.finished_at = run.finished_at
    summary.groups = [group_outcome(row) for row in rows]
    return summary
