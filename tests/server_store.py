"""A generated results store for the read API, the pages and bench/serve_pages.py.

Rows go in with SQLAlchemy Core bulk inserts (``executemany`` in chunks), so 1,000 groups
x 500 runs (500,000 group results, 2,000,000 steps) is a minute, not an hour. The pattern is
fixed, so tests can name what they expect: in run ``r`` group ``g`` fails when
``(g * 7 + r) % 53 == 0``; groups with ``g % 40 == 3`` fail in every odd run (flaky);
every 25th run (``r % 25 == 24``) is partial and ran only the first 10 groups. A failed
step's message holds a masked secret (``***``), as the store keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine, insert

from pytest_testorbit.store.models import CaseGroup, GroupResult, Run, StepResult

STEPS = ("log-in", "create-order", "read-order", "delete-order")
START = datetime(2026, 6, 1, tzinfo=timezone.utc)
CHUNK = 20_000
MASKED_FAILURE = (
    "status: expected 200, got 503\n"
    "request: GET https://api.example.test/orders/{g}?api_key=***\n"
    "response: 503 Service Unavailable"
)


@dataclass(frozen=True)
class Shape:
    groups: int
    runs: int
    project: str = "shop"

    def run_id(self, run: int) -> str:
        return f"run-{run:05d}"

    def fails(self, group: int, run: int) -> bool:
        return (group * 7 + run) % 53 == 0 or (group % 40 == 3 and run % 2 == 1)

    def partial(self, run: int) -> bool:
        return run % 25 == 24

    def groups_of(self, run: int) -> range:
        return range(min(10, self.groups)) if self.partial(run) else range(self.groups)

    def group_key(self, group: int) -> str:
        return f"group-{group:04d}"


def fill(engine: Engine, shape: Shape) -> None:
    """Write ``shape``'s case groups, runs, group results and steps into a migrated store."""
    with engine.begin() as connection:
        connection.execute(insert(CaseGroup), list(_case_groups(shape)))
        connection.execute(insert(Run), list(_runs(shape)))
        results: list[dict[str, Any]] = []
        steps: list[dict[str, Any]] = []
        for result, result_steps in _results(shape):
            results.append(result)
            steps.extend(result_steps)
            if len(steps) >= CHUNK:
                _flush(connection, results, steps)
        _flush(connection, results, steps)


def store_with_reader(url: str, shape: Shape, name: str, password: str) -> str:
    """Migrate the store at ``url``, fill it with ``shape``, add user ``name``; their token."""
    from pytest_testorbit.server import users
    from pytest_testorbit.store import open_store

    store = open_store(url, auto_upgrade=True)
    try:
        fill(store.engine, shape)
        with store.begin() as session:
            users.add_user(session, name, f"{name}@example.test", password)
        with store.begin() as session:
            token = users.login(session, name, password)
    finally:
        store.close()
    assert token is not None
    return token


def _flush(connection: Any, results: list[dict[str, Any]], steps: list[dict[str, Any]]) -> None:
    if results:
        connection.execute(insert(GroupResult), results)
    if steps:
        connection.execute(insert(StepResult), steps)
    results.clear()
    steps.clear()


def _case_groups(shape: Shape) -> Iterator[dict[str, Any]]:
    for group in range(shape.groups):
        yield {
            "id": group + 1,
            "project": shape.project,
            "file": f"suite/area{group // 50:02d}.orbit.yaml",
            "group_key": shape.group_key(group),
            "param_id": "",
            "title": f"Orders flow {group}",
            "owners": ["qa@example.test"],
            "tags": [],
        }


def _runs(shape: Shape) -> Iterator[dict[str, Any]]:
    for run in range(shape.runs):
        members = shape.groups_of(run)
        failed = sum(1 for group in members if shape.fails(group, run))
        started = START + timedelta(hours=run)
        yield {
            "id": shape.run_id(run),
            "run_key": None,
            "project": shape.project,
            "environment": "prod" if run % 5 == 4 else "staging",
            "started_at": started,
            "finished_at": started + timedelta(minutes=3),
            "status": "failed" if failed else "passed",
            "trigger": "schedule" if run % 3 == 0 else "manual",
            "schedule_id": None,
            "git_commit": f"{run:07x}",
            "git_branch": "main" if run % 4 else "feature/checkout",
            "host": "ci-1",
            "groups_total": len(members),
            "groups_passed": len(members) - failed,
            "groups_failed": failed,
            "steps_total": len(members) * len(STEPS),
            "steps_passed": len(members) * len(STEPS) - failed * 2,
            "steps_failed": failed,
            "steps_skipped": 0,
            "steps_blocked": failed,
            "steps_not_run": 0,
            "partial": shape.partial(run),
            "selection": "-k group-000" if shape.partial(run) else None,
        }


def _results(shape: Shape) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    for run in range(shape.runs):
        for group in shape.groups_of(run):
            result_id = run * shape.groups + group + 1
            failed = shape.fails(group, run)
            yield (
                _result(shape, run, group, result_id, failed),
                list(_steps(result_id, group, run, failed)),
            )


def _result(shape: Shape, run: int, group: int, result_id: int, failed: bool) -> dict[str, Any]:
    total = len(STEPS)
    return {
        "id": result_id,
        "run_id": shape.run_id(run),
        "case_group_id": group + 1,
        "steps_total": total,
        "steps_passed": total - 2 if failed else total,
        "steps_failed": 1 if failed else 0,
        "steps_skipped": 0,
        "steps_blocked": 1 if failed else 0,
        "steps_not_run": 0,
        "pass_rate": (total - 2) / total if failed else 1.0,
        "duration": 0.2 + (group % 10) * 0.05 + (run % 7) * 0.01,
        "worker": "gw0",
        "finished_at": START + timedelta(hours=run, minutes=2),
        "incomplete": False,
        "partial": shape.partial(run),
    }


def _steps(result_id: int, group: int, run: int, failed: bool) -> Iterator[dict[str, Any]]:
    for order, step in enumerate(STEPS):
        outcome = "passed"
        message = None
        status = 200
        if failed and order == 2:
            outcome, status = "failed", 503
            message = MASKED_FAILURE.format(g=group)
        elif failed and order == 3:
            outcome, status, message = "blocked", None, "blocked: read-order failed"
        yield {
            "group_result_id": result_id,
            "step_id": step,
            "step_order": order,
            "name": step.replace("-", " ").capitalize(),
            "outcome": outcome,
            "duration": 0.05 + order * 0.01,
            "method": "DELETE" if step.startswith("delete") else "GET" if order else "POST",
            "url": f"https://api.example.test/orders/{group}?api_key=***",
            "status_code": status,
            "message": message,
            "line": 4 + order * 6,
        }
