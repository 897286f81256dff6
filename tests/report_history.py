"""A store with a history of runs, for the report tests (not a test module)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from pytest_testorbit.outcomes import GroupIdentity, GroupOutcome, RunInfo, StepReport
from pytest_testorbit.store import open_store
from pytest_testorbit.store.records import finish_record, group_record, run_record
from pytest_testorbit.store.writer import apply

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
MESSAGE = (
    "step 'create order' failed (orders/checkout.orbit.yaml:14)\n"
    "  request:  POST https://shop.example.com/orders?token=***\n"
    "  response: 500 Internal Server Error (42 ms)\n"
    "  expected status 201, got 500"
)


def steps(*outcomes: str) -> list[StepReport]:
    names = ["log in", "create order", "fetch order", "cancel order"]
    made = []
    for i, outcome in enumerate(outcomes):
        made.append(
            StepReport(
                names[i].replace(" ", "-"),
                i,
                names[i],
                outcome,
                duration=0.05 + i / 100,
                method=["POST", "POST", "GET", "DELETE"][i],
                url=f"https://shop.example.com/{names[i].split()[-1]}s?token=***",
                status_code=500 if outcome == "failed" else 200,
                message=MESSAGE
                if outcome == "failed"
                else ("blocked by create-order" if outcome == "blocked" else None),
                line=4 + i * 5,
            )
        )
    return made


def group(group_id: str, *outcomes: str, param: str = "") -> GroupOutcome:
    identity = GroupIdentity(
        f"orders/{group_id}.orbit.yaml",
        group_id,
        param,
        title=f"{group_id.title()} <flow>",
        owners=["alice@example.com"],
        tags=["smoke"],
    )
    return GroupOutcome(identity, steps=steps(*outcomes))


# run index -> groups of that run. checkout flips; login is steady; search skips everything.
PLAN: list[list[GroupOutcome]] = [
    [group("checkout", "passed", "passed", "passed"), group("login", "passed", "passed")],
    [group("checkout", "passed", "failed", "blocked"), group("login", "passed", "passed")],
    [
        group("checkout", "passed", "passed", "passed"),
        group("login", "passed", "passed"),
        group("search", "skipped"),
    ],
    [group("checkout", "passed", "failed", "blocked"), group("login", "passed", "passed")],
    [
        group("checkout", "passed", "passed", "failed"),
        group("login", "passed", "not_run"),
        group("checkout", "passed", "passed", "passed", param="abc"),
    ],
]


def make_history(
    url: str, *, environment: str = "staging", plan: list[list[GroupOutcome]] | None = None
) -> list[str]:
    """Store one run per entry of ``plan`` an hour apart; the run ids, oldest first."""
    store = open_store(url)
    ids = []
    for index, groups in enumerate(plan or PLAN):
        started = T0 + timedelta(hours=index)
        info = RunInfo(
            str(uuid.uuid4()),
            "shop",
            environment,
            started,
            git_branch="main",
            git_commit="0123456789abcdef",
            host="ci-1",
        )
        apply(store, run_record(info))
        for outcome in groups:
            apply(store, group_record(info.id, outcome, started + timedelta(seconds=30)))
        failed = any(g.failed or g.blocked or g.not_run for g in groups)
        apply(
            store,
            finish_record(
                info.id, "failed" if failed else "passed", started + timedelta(minutes=1)
            ),
        )
        ids.append(info.id)
    store.close()
    return ids
