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


def display_id(group_id: str, param_id: str) -> str:
    """A group instance as people see it: ``checkout``, or ``checkout[abc]`` for a row."""
    return f"{group_id}[{param_id}]" if param_id else group_id


@dataclass
class StepReport:
    """One step's result: what the plugin reports of each phase and the store keeps.

    The plugin builds one per pytest phase (setup, call, teardown) where the outcome is
    known; the controller folds a step's phases into one with ``fold`` and hands the
    folded reports, inside a ``GroupOutcome``, to the store.
    """

    step_id: str
    order: int  # 0-based position in its group
    name: str
    outcome: str = NOT_RUN  # one of STEP_OUTCOMES
    duration: float = 0.0  # seconds
    method: str | None = None
    url: str | None = None  # secrets already masked
    status_code: int | None = None
    message: str | None = None  # the failure or skip reason, secrets already masked
    line: int | None = None  # the step's line in its case file

    def fold(self, phase: StepReport, when: str) -> None:
        """Add the report of one phase (``when``: setup, call or teardown) to this step's."""
        # Each phase says what it knows (the call has the request, a failed phase the
        # message); a later phase's None does not erase what an earlier one said.
        for name in ("name", "order", "line", "method", "url", "status_code", "message"):
            value = getattr(phase, name)
            if value is not None:
                setattr(self, name, value)
        self.duration += phase.duration  # setup + call + teardown, as pytest's --durations
        if when == "call" or (when == "setup" and phase.outcome != PASSED):
            self.outcome = phase.outcome
        elif when == "teardown" and phase.outcome == ERROR and self.outcome == PASSED:
            self.outcome = ERROR


@dataclass
class GroupIdentity:
    """Which group instance a step belongs to, and what the store keeps of the group."""

    file: str  # the case file, relative to the project root, with forward slashes
    group_id: str
    param_id: str  # "" when the group is not parametrized, else "0", "1" or the given id
    title: str = ""
    owners: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    parallel: bool = True

    @property
    def key(self) -> tuple[str, str, str]:
        return self.file, self.group_id, self.param_id

    @property
    def display_id(self) -> str:
        return display_id(self.group_id, self.param_id)


@dataclass
class PhaseReport:
    """What one pytest report of a step carries: its group, its step report, its phase.

    It rides from xdist workers to the controller as the JSON of ``to_json``.
    """

    group: GroupIdentity
    step: StepReport
    when: str  # setup, call, teardown; "crash" for a step its worker died on
    # The group's planned step ids; on its first step's reports only, since on every report
    # it would make the reports of a long group grow with the square of its length.
    planned: list[str] | None = None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PhaseReport:
        return cls(
            group=GroupIdentity(**data["group"]),
            step=StepReport(**data["step"]),
            when=str(data["when"]),
            planned=data.get("planned"),
        )


@dataclass
class GroupOutcome:
    """A finished group instance: which one it was and its steps' reports, for the store."""

    identity: GroupIdentity
    steps: list[StepReport] = field(default_factory=list)
    duration: float = 0.0
    worker: str | None = None
    partial: bool = False  # only some of its steps were selected (a node id, -k on a step)

    @property
    def display_id(self) -> str:
        return self.identity.display_id

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
    def broken(self) -> bool:
        """A step failed, was blocked or never ran: the group did not pass."""
        return bool(self.failed or self.blocked or self.not_run)

    @property
    def pass_rate(self) -> float | None:
        """Passed steps over steps that ran, were blocked or never ran; skips are left out."""
        counted = self.total - self.skipped
        return self.passed / counted if counted else None


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
