"""Deliver run records to the database, idempotently (by run id and group identity).

A batch of records is one transaction. A group result replaces any earlier one of the
same run and case group, a run or shard already there is left as it is, so a spool
delivered twice, or a group written again at the end of the session, never doubles anything.

Runs that share a run key (CI shards, maybe concurrent processes) are one ``orbit_run``
row with one ``orbit_run_shard`` row per process; the first process to arrive makes the
run, the others join it. Writers of one run serialise on its row (an UPDATE that takes
the row lock), so the derived status and counts are never computed from a stale read.

The rows are written with plain SQL on the driver's connection (``dbapi.Connection``), not
the ORM: a test run then never loads SQLAlchemy for an SQLite store at the code's revision,
and a long chain's steps go in with one ``executemany``. The tables are ``models``'; a test
(tests/test_store_writer.py) reads every row written here back through the models.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from ..errors import StoreError
from ..outcomes import GroupOutcome, RunInfo
from . import records
from .dbapi import Connection, DriverError

_RETRIES = 3  # a lost race on a unique key is retried; three losses in a row is a bug
_KINDS = (records.RUN, records.GROUP, records.FINISH)


class Target(Protocol):
    """A store the writer can write to: ``db.Store`` or ``dbapi.SQLiteStore``."""

    def connection(self) -> AbstractContextManager[Connection]: ...

    def close(self) -> None: ...


def apply(store: Target, record: records.Record) -> str:
    """Deliver one record; the id of the run (the merged run for a run key) it belongs to."""
    return deliver(store, [record])


def apply_groups(store: Target, group_records: list[records.Record]) -> str:
    """Deliver several group records of one run in one transaction (one recount, one commit)."""
    return deliver(store, group_records)


def deliver(store: Target, batch: Sequence[records.Record]) -> str:
    """Write ``batch`` in order in one transaction; the run id of its last record.

    A test run hands over the groups that finished close together, and at its end the last
    groups with the run's status, this way: a transaction per record cost more than the
    records' own writing. A database error is raised as ``DriverError`` (a ``StoreError``).
    """
    for record in batch:
        if record.get("kind") not in _KINDS:
            raise StoreError(f"unknown record kind {record.get('kind')!r}")
    for attempt in range(_RETRIES):
        with store.connection() as db:
            try:
                with db.transaction():
                    return _write(db, batch)
            except db.integrity_error as exc:
                if attempt == _RETRIES - 1:
                    raise DriverError(exc) from exc
            except db.error as exc:
                raise DriverError(exc) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _write(db: Connection, batch: Sequence[records.Record]) -> str:
    run_id = ""
    uncounted: set[str] = set()  # runs whose groups changed since their last recount
    for record in batch:
        kind = record["kind"]
        if kind == records.RUN:
            run_id = _start(db, records.run_info(record))
        elif kind == records.GROUP:
            run_id = _run_of(db, record["run_id"])
            _group(db, run_id, record)
            uncounted.add(run_id)
        else:
            run_id = _finish(db, record)
            uncounted.discard(run_id)  # _finish counts the run again
    for counted in sorted(uncounted):
        _recount(db, counted)
    return run_id


def _start(db: Connection, info: RunInfo) -> str:
    shard = db.row("SELECT run_id FROM orbit_run_shard WHERE id = :id", {"id": info.id})
    if shard is not None:
        return str(shard[0])
    if info.run_key:
        run = db.row(
            "SELECT id, selection FROM orbit_run WHERE run_key = :key", {"key": info.run_key}
        )
    else:
        run = db.row("SELECT id, selection FROM orbit_run WHERE id = :id", {"id": info.id})
    started = db.when(info.started_at)
    if run is None:
        run_id = info.id
        # A concurrent shard with the same key fails here, and the batch is retried.
        db.execute(
            "INSERT INTO orbit_run (id, run_key, project, environment, started_at, status,"
            ' "trigger", schedule_id, git_commit, git_branch, host, partial, selection,'
            " groups_total, groups_passed, groups_failed, steps_total, steps_passed, steps_failed,"
            " steps_skipped, steps_blocked, steps_not_run) VALUES (:id, :run_key, :project,"
            " :environment, :started_at, 'running', :trigger, :schedule_id, :git_commit,"
            " :git_branch, :host, :partial, :selection, 0, 0, 0, 0, 0, 0, 0, 0, 0)",
            {
                "id": info.id,
                "run_key": info.run_key,
                "project": info.project,
                "environment": info.environment,
                "started_at": started,
                "trigger": info.trigger,
                "schedule_id": info.schedule_id,
                "git_commit": info.git_commit,
                "git_branch": info.git_branch,
                "host": info.host,
                "partial": bool(info.partial),
                "selection": info.selection,
            },
        )
    else:
        run_id = str(run[0])
        _lock(db, run_id)
        db.execute(
            "UPDATE orbit_run SET status = 'running', finished_at = NULL, started_at = CASE"
            " WHEN started_at > :started THEN :started ELSE started_at END WHERE id = :id",
            {"started": started, "id": run_id},
        )
        if info.partial:  # one partial shard makes the whole run partial
            db.execute(
                "UPDATE orbit_run SET partial = :yes, selection = :selection WHERE id = :id",
                {"yes": True, "selection": _joined(run[1], info.selection), "id": run_id},
            )
    db.execute(
        "INSERT INTO orbit_run_shard (id, run_id, host, started_at, status)"
        " VALUES (:id, :run_id, :host, :started_at, 'running')",
        {"id": info.id, "run_id": run_id, "host": info.host, "started_at": started},
    )
    return run_id


def _run_of(db: Connection, shard_id: str) -> str:
    shard = db.row("SELECT run_id FROM orbit_run_shard WHERE id = :id", {"id": shard_id})
    if shard is None:
        raise StoreError(f"run {shard_id} was never started in this store")
    return str(shard[0])


def _lock(db: Connection, run_id: str) -> None:
    """Take the run's row lock (a no-op UPDATE) before reading what others may write."""
    db.execute("UPDATE orbit_run SET status = status WHERE id = :id", {"id": run_id})


def _case_group(db: Connection, project: str, outcome: GroupOutcome) -> int:
    of = outcome.identity
    identity = {
        "project": project,
        "file": of.file,
        "group_key": of.group_id,
        "param_id": of.param_id,
    }
    find = (
        "SELECT id, title, owners, tags FROM orbit_case_group WHERE project = :project"
        " AND file = :file AND group_key = :group_key AND param_id = :param_id"
    )
    # The latest run's title, owners and tags are the group's.
    described = {
        "title": of.title,
        "owners": db.json(list(of.owners)),
        "tags": db.json(list(of.tags)),
    }
    found = db.row(find, identity)
    if found is None:
        try:
            with db.savepoint("orbit_case_group"):  # another run may be making it now
                return db.insert(
                    "INSERT INTO orbit_case_group (project, file, group_key, param_id, title,"
                    " owners, tags) VALUES (:project, :file, :group_key, :param_id, :title,"
                    " :owners, :tags)",
                    {**identity, **described},
                )
        except db.integrity_error:
            found = db.row(find, identity)
            assert found is not None  # the other run's row, which made ours fail
    group_id = int(found[0])
    if _described(found[1:]) != (of.title, list(of.owners), list(of.tags)):
        db.execute(
            "UPDATE orbit_case_group SET title = :title, owners = :owners, tags = :tags"
            " WHERE id = :id",
            {**described, "id": group_id},
        )
    return group_id


def _described(stored: tuple[object, ...]) -> tuple[object, ...]:
    """A case group's stored title, owners and tags, the JSON lists read back."""
    title, owners, tags = stored
    lists = (json.loads(value) if isinstance(value, str) else value for value in (owners, tags))
    return (title, *lists)


def _group(db: Connection, run_id: str, record: records.Record) -> None:
    outcome = records.group_outcome(record)
    project = db.row("SELECT project FROM orbit_run WHERE id = :id", {"id": run_id})
    assert project is not None  # the shard's run; the shard's foreign key keeps it
    case_group_id = _case_group(db, str(project[0]), outcome)
    # Its steps go with it (ON DELETE CASCADE; SQLite's foreign keys are on).
    db.execute(
        "DELETE FROM orbit_group_result WHERE run_id = :run_id AND case_group_id = :group",
        {"run_id": run_id, "group": case_group_id},
    )
    result_id = db.insert(
        "INSERT INTO orbit_group_result (run_id, case_group_id, steps_total, steps_passed,"
        " steps_failed, steps_skipped, steps_blocked, steps_not_run, pass_rate, duration,"
        " worker, finished_at, incomplete, partial) VALUES (:run_id, :group, :total,"
        " :passed, :failed, :skipped, :blocked, :not_run, :pass_rate, :duration, :worker,"
        " :finished_at, :incomplete, :partial)",
        {
            "run_id": run_id,
            "group": case_group_id,
            "total": outcome.total,
            "passed": outcome.passed,
            "failed": outcome.failed,
            "skipped": outcome.skipped,
            "blocked": outcome.blocked,
            "not_run": outcome.not_run,
            "pass_rate": outcome.pass_rate,
            "duration": outcome.duration,
            "worker": outcome.worker,
            "finished_at": db.when(datetime.fromisoformat(record["finished_at"])),
            "incomplete": bool(record.get("incomplete")),
            "partial": bool(outcome.partial),
        },
    )
    if outcome.steps:
        db.executemany(
            "INSERT INTO orbit_step_result (group_result_id, step_id, step_order, name,"
            " outcome, duration, method, url, status_code, message, line) VALUES (:result,"
            " :step_id, :step_order, :name, :outcome, :duration, :method, :url, :status_code,"
            " :message, :line)",
            list(_step_rows(result_id, outcome)),
        )


def _step_rows(result_id: int, outcome: GroupOutcome) -> Iterator[dict[str, object]]:
    for step in outcome.steps:
        yield {
            "result": result_id,
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


def _finish(db: Connection, record: records.Record) -> str:
    status = record["status"]
    if status not in records.RUN_STATUSES[1:]:
        raise StoreError(f"a run cannot finish as {status!r}")
    shard_id = record["run_id"]
    run_id = _run_of(db, shard_id)
    _lock(db, run_id)
    db.execute(
        "UPDATE orbit_run_shard SET status = :status, finished_at = :finished WHERE id = :id",
        {
            "status": status,
            "finished": db.when(datetime.fromisoformat(record["finished_at"])),
            "id": shard_id,
        },
    )
    partial = record.get("partial")
    selection = db.row("SELECT selection FROM orbit_run WHERE id = :id", {"id": run_id})
    stored = selection[0] if selection else None
    if partial and not (stored and partial in stored):  # delivered twice: once
        db.execute(
            "UPDATE orbit_run SET partial = :yes, selection = :selection WHERE id = :id",
            {"yes": True, "selection": _joined(stored, partial), "id": run_id},
        )
    rows = db.execute("SELECT status FROM orbit_run_shard WHERE run_id = :id", {"id": run_id})
    statuses = {row[0] for row in rows}
    run_status = next(s for s in ("running", "interrupted", "failed", "passed") if s in statuses)
    if run_status == "running":
        finished = "NULL"
    else:
        finished = "(SELECT MAX(finished_at) FROM orbit_run_shard WHERE run_id = :id)"
    db.execute(
        f"UPDATE orbit_run SET status = :status, finished_at = {finished} WHERE id = :id",
        {"status": run_status, "id": run_id},
    )
    _recount(db, run_id)
    return run_id


def _joined(selection: str | None, more: str | None) -> str | None:
    parts = [part for part in (selection, more) if part]
    return "; ".join(dict.fromkeys(parts)) or None


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


def _recount(db: Connection, run_id: str) -> None:
    """The run's counts, summed again from its group results (never incremented)."""
    row = db.row(
        "SELECT COUNT(id), COALESCE(SUM(CASE WHEN steps_failed = 0 AND steps_blocked = 0"
        " AND steps_not_run = 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(steps_total), 0),"
        " COALESCE(SUM(steps_passed), 0), COALESCE(SUM(steps_failed), 0),"
        " COALESCE(SUM(steps_skipped), 0), COALESCE(SUM(steps_blocked), 0),"
        " COALESCE(SUM(steps_not_run), 0) FROM orbit_group_result WHERE run_id = :id",
        {"id": run_id},
    )
    assert row is not None  # an aggregate always has its row
    total, clean, *steps = (int(value) for value in row)
    counts = dict(zip(_COUNTS, (total, clean, total - clean, *steps), strict=True))
    assignments = ", ".join(f"{name} = :{name}" for name in _COUNTS)
    db.execute(f"UPDATE orbit_run SET {assignments} WHERE id = :id", {**counts, "id": run_id})
