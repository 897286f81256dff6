"""What a run produced, as plain data: the hand-over from the pytest plugin to the store.

Nothing here imports pytest, HTTP or SQLAlchemy, so the store, the reports and the
scheduler can all speak these types.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The outcome of one step. "blocked" is a step not run because an earlier step of its
# group failed (on_failure: stop); "skipped" is a skip_if or a pytest skip; "not_run" is a
# step that never reported because its worker died or the run was interrupted.
PASSED, FAILED, ERROR, SKIPPED, BLOCKED, NOT_RUN = (
    "passed",
    "failed",
    "error",
    "skipped",
    "blocked",
    "not_run",
)
STEP_OUTCOMES = (PASSED, FAILED, ERROR, SKIPPED, BLOCKED, NOT_RUN)


@dataclass
class StepOutcome:
    step_id: str
    order: int  # 0-based position in its group
    name: str
    outcome: str  # one of STEP_OUTCOMES
    duration: float = 0.0  # seconds
    method: str | None = None
    url: str | None = None  # secrets already masked
    status_code: int | None = None
    message: str | None = None  # the failure or skip reason, secrets already masked
    line: int | None = None  # the step's line in its case file


@dataclass
class GroupOutcome:
    file: str  # the case file, relative to the project root, with forward slashes
    group_id: str
    param_id: str  # "" when the group is not parametrized, else "0", "1" or the given id
    title: str = ""
    owners: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    steps: list[StepOutcome] = field(default_factory=list)
    duration: float = 0.0
    worker: str | None = None
    partial: bool = False  # only some of its steps were selected (a node id, -k on a step)

    @property
    def display_id(self) -> str:
        return f"{self.group_id}[{self.param_id}]" if self.param_id else self.group_id

    def count(self, outcome: str) -> int:
        return sum(1 for step in self.steps if step.outcome == outcome)

    @property
    def passed(self) -> int:
        return self.count(PASSED)

    @property
    def failed(self) -> int:
        # An error (a failed replay, a broken template) is a failure of the step.
        return self.count(FAILED) + self.count(ERROR)

    @property
    def skipped(self) -> int:
        return self.count(SKIPPED)

    @property
    def blocked(self) -> int:
        return self.count(BLOCKED)

    @property
    def not_run(self) -> int:
        return self.count(NOT_RUN)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def pass_rate(self) -> float | None:
        """Passed steps over steps that ran, were blocked or never ran; skips are left out."""
        counted = self.total - self.skipped
        return self.passed / counted if counted else None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.update(
            group=self.group_id,
            passed=self.passed,
            failed=self.failed,
            skipped=self.skipped,
            blocked=self.blocked,
            not_run=self.not_run,
            total=self.total,
            pass_rate=self.pass_rate,
        )
        return data


@dataclass
class RunInfo:
    id: str  # a UUID made when the run starts
    project: str
    environment: str
    started_at: datetime  # UTC, timezone-aware
    trigger: str = "manual"  # manual, ci or schedule
    run_key: str | None = None
    git_commit: str | None = None
    git_branch: str | None = None
    host: str | None = None
    schedule_id: int | None = None  # the schedule that started the run (ORBIT_SCHEDULE_ID)
    # Only part of the suite was selected (-k, -m, a node id, --lf, --sw, --deselect, a shard
    # without a run key): kept out of trends, averages and flaky by default.
    partial: bool = False
    selection: str | None = None  # what selected it, as the user wrote it: "-k login"
