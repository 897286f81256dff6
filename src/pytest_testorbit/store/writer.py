"""Deliver run records to the database, idempotently (by run id and group identity).

Each record is one transaction (groups that finished together may share one). A group
result replaces any earlier one of the same run and case group, a run or shard already
there is left as it is, so a spool delivered twice, or a group written again at the end of
the session, never doubles anything.

Runs that share a run key (CI shards, maybe concurrent processes) are one ``orbit_run``
row with one ``orbit_run_shard`` row per process; the first process to arrive makes the
run, the others join it. Writers of one run serialise on its row (an UPDATE that takes
the row lock), so the derived status and counts are never computed from a stale read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import StoreError
from ..outcomes import GroupOutcome, RunInfo
from . import records
from .db import Store
from .models import CaseGroup, GroupResult, Run, RunShard, StepResult

_RETRIES = 3  # a lost race on a unique key is retried; three losses in a row is a bug


def apply(store: Store, record: records.Record) -> str:
    """Deliver one record; the id of the run (the merged run for a run key) it belongs to."""
    kind = record.get("kind")
    for attempt in range(_RETRIES):
        try:
            with store.begin() as session:
                if kind == records.RUN:
                    return _start(session, records.run_info(record))
                if kind == records.GROUP:
                    return _groups(session, record["run_id"], [record])
                if kind == records.FINISH:
                    return _finish(
                        session,
                        record["run_id"],
                        record["status"],
                        datetime.fromisoformat(record["finished_at"]),
                        record.get("partial"),
                    )
                raise StoreError(f"unknown record kind {kind!r}")
        except IntegrityError:
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def apply_groups(store: Store, group_records: list[records.Record]) -> str:
    """Deliver several group records of one run in one transaction (one recount, one commit).

    The test run sends the groups that finished close together this way: a transaction per
    group cost more than the group's own requests in suites of many short groups.
    """
    for attempt in range(_RETRIES):
        try:
            with store.begin() as session:
                return _groups(session, group_records[0]["run_id"], group_records)
        except IntegrityError:
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _start(session: Session, info: RunInfo) -> str:
    shard = session.get(RunShard, info.id)
    if shard is not None:
        return shard.run_id
    if info.run_key:
        run = session.scalar(select(Run).where(Run.run_key == info.run_key))
    else:
        run = session.get(Run, info.id)
    if run is None:
        run = Run(
            id=info.id,
            run_key=info.run_key,
            project=info.project,
            environment=info.environment,
            started_at=info.started_at,
            status="running",
            trigger=info.trigger,
            schedule_id=info.schedule_id,
            git_commit=info.git_commit,
            git_branch=info.git_branch,
            host=info.host,
            partial=info.partial,
            selection=info.selection,
        )
        _zero_counts(run)
        session.add(run)
        session.flush()  # a concurrent shard with the same key fails here, and retries
    else:
        _lock(session, run.id)
        run.status = "running"
        run.finished_at = None
        run.started_at = min(run.started_at, info.started_at)
        if info.partial:  # one partial shard makes the whole run partial
            run.partial = True
            run.selection = _joined(run.selection, info.selection)
    session.add(RunShard(id=info.id, run_id=run.id, host=info.host, started_at=info.started_at))
    return run.id


def _shard(session: Session, shard_id: str) -> RunShard:
    shard = session.get(RunShard, shard_id)
    if shard is None:
        raise StoreError(f"run {shard_id} was never started in this store")
    return shard


def _lock(session: Session, run_id: str) -> None:
    """Take the run's row lock (a no-op UPDATE) before reading what others may write."""
    session.execute(update(Run).where(Run.id == run_id).values(status=Run.status))


def _case_group(session: Session, project: str, outcome: GroupOutcome) -> CaseGroup:
    of = outcome.identity
    identity = (
        CaseGroup.project == project,
        CaseGroup.file == of.file,
        CaseGroup.group_key == of.group_id,
        CaseGroup.param_id == of.param_id,
    )
    group = session.scalar(select(CaseGroup).where(*identity))
    if group is None:
        group = CaseGroup(
            project=project, file=of.file, group_key=of.group_id, param_id=of.param_id
        )
        try:
            with session.begin_nested():  # another run may be making the same group now
                session.add(group)
        except IntegrityError:
            group = session.scalars(select(CaseGroup).where(*identity)).one()
    # The latest run's title, owners and tags are the group's.
    group.title = of.title
    group.owners = list(of.owners)
    group.tags = list(of.tags)
    return group


def _groups(session: Session, shard_id: str, group_records: list[records.Record]) -> str:
    run_id = _shard(session, shard_id).run_id
    _lock(session, run_id)
    run = session.get_one(Run, run_id)
    for record in group_records:
        _group(
            session,
            run,
            records.group_outcome(record),
            datetime.fromisoformat(record["finished_at"]),
            bool(record.get("incomplete")),
        )
    session.flush()
    _recount(session, run)
    return run_id


def _group(
    session: Session,
    run: Run,
    outcome: GroupOutcome,
    finished_at: datetime,
    incomplete: bool,
) -> None:
    run_id = run.id
    case_group = _case_group(session, run.project, outcome)
    session.execute(
        delete(GroupResult).where(
            GroupResult.run_id == run_id, GroupResult.case_group_id == case_group.id
        )
    )
    result = GroupResult(
        run_id=run_id,
        case_group=case_group,
        steps_total=outcome.total,
        steps_passed=outcome.passed,
        steps_failed=outcome.failed,
        steps_skipped=outcome.skipped,
        steps_blocked=outcome.blocked,
        steps_not_run=outcome.not_run,
        pass_rate=outcome.pass_rate,
        duration=outcome.duration,
        worker=outcome.worker,
        finished_at=finished_at,
        incomplete=incomplete,
        partial=outcome.partial,
    )
    session.add(result)
    session.flush()  # the result's id, for its steps
    if outcome.steps:
        # One executemany, not an ORM object per step: a long chain has thousands.
        session.execute(
            insert(StepResult),
            [
                {
                    "group_result_id": result.id,
                    "step_id": step.step_id,
                    "step_order": step.order,
                    "name": step.name,
                    "outcome": step.outcome,
                    "duration": step.duration,
                    "method": step.method,
                    "url": step.url,
                    "status_code": step.status_code,
                    "message": step.message,
                    "line": step.line,
                }
                for step in outcome.steps
            ],
        )


def _finish(
    session: Session, shard_id: str, status: str, finished_at: datetime, partial: str | None
) -> str:
    if status not in records.RUN_STATUSES[1:]:
        raise StoreError(f"a run cannot finish as {status!r}")
    shard = _shard(session, shard_id)
    _lock(session, shard.run_id)
    shard.status = status
    shard.finished_at = finished_at
    session.flush()
    run = session.get_one(Run, shard.run_id)
    if partial and not (run.selection and partial in run.selection):  # delivered twice: once
        run.partial = True
        run.selection = _joined(run.selection, partial)
    statuses = set(session.scalars(select(RunShard.status).where(RunShard.run_id == run.id)))
    for candidate in ("running", "interrupted", "failed", "passed"):
        if candidate in statuses:
            run.status = candidate
            break
    if run.status == "running":
        run.finished_at = None
    else:
        run.finished_at = session.scalar(
            select(func.max(RunShard.finished_at)).where(RunShard.run_id == run.id)
        )
    _recount(session, run)
    return run.id


def _joined(selection: str | None, more: str | None) -> str | None:
    parts = [part for part in (selection, more) if part]
    return "; ".join(dict.fromkeys(parts)) or None


def _zero_counts(run: Run) -> None:
    for name in _COUNTS:
        setattr(run, name, 0)


_COUNTS = (
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


def _recount(session: Session, run: Run) -> None:
    """The run's counts, summed again from its group results (never incremented)."""
    clean = (
        (GroupResult.steps_failed == 0)
        & (GroupResult.steps_blocked == 0)
        & (GroupResult.steps_not_run == 0)
    )
    row = session.execute(
        select(
            func.count(GroupResult.id),
            func.coalesce(func.sum(case((clean, 1), else_=0)), 0),
            func.coalesce(func.sum(GroupResult.steps_total), 0),
            func.coalesce(func.sum(GroupResult.steps_passed), 0),
            func.coalesce(func.sum(GroupResult.steps_failed), 0),
            func.coalesce(func.sum(GroupResult.steps_skipped), 0),
            func.coalesce(func.sum(GroupResult.steps_blocked), 0),
            func.coalesce(func.sum(GroupResult.steps_not_run), 0),
        ).where(GroupResult.run_id == run.id)
    ).one()
    total, clean_count, *steps = (int(value) for value in row)
    run.groups_total = total
    run.groups_passed = clean_count
    run.groups_failed = total - clean_count
    (
        run.steps_total,
        run.steps_passed,
        run.steps_failed,
        run.steps_skipped,
        run.steps_blocked,
        run.steps_not_run,
    ) = steps
