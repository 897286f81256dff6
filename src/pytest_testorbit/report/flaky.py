"""Flaky groups and steps: those whose outcome flips between pass and fail across runs.

A group passes in a run when none of its steps failed, was blocked or never ran; a group
with nothing counted (every step skipped) says nothing and is left out of its sequence. A
step passes or fails; skipped, blocked and not-run steps say nothing about the step
itself. A flip is a change from one run to the next that said something; one flip or more
over the window makes a group or step flaky, and more flips rank it higher.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from ..outcomes import ERROR, FAILED, PASSED
from ..store.queries import GroupKey, History, RunRow, history
from .data import check_filters

PASS, FAIL = "pass", "fail"


@dataclass
class Flaky:
    group: str
    file: str
    step: str | None  # None for the group as a whole
    name: str
    outcomes: list[str | None]  # per run of the window, oldest first; None: not run / no say
    flips: int = 0

    @property
    def runs(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome is not None)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "group": self.group,
            "file": self.file,
            "flips": self.flips,
            "runs": self.runs,
            "outcomes": self.outcomes,
        }
        if self.step is not None:
            data.update(step=self.step, name=self.name)
        return data


@dataclass
class FlakyReport:
    runs: list[RunRow]
    groups: list[Flaky] = field(default_factory=list)
    steps: list[Flaky] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": len(self.runs),
            "run_ids": [run.id for run in self.runs],
            "groups": [item.to_dict() for item in self.groups],
            "steps": [item.to_dict() for item in self.steps],
        }


def flips(sequence: list[str | None]) -> int:
    said = [outcome for outcome in sequence if outcome is not None]
    return sum(1 for before, after in itertools.pairwise(said) if before != after)


def find_flaky(
    session: Any,
    *,
    runs_back: int = 20,
    environment: str | None = None,
    group: str | None = None,
    include_partial: bool = False,
) -> FlakyReport:
    past = history(
        session,
        runs_back=runs_back,
        environment=environment,
        group=group,
        steps=True,
        include_partial=include_partial,
    )
    if not past.runs:
        check_filters(
            session, environment=environment, group=group, include_partial=include_partial
        )
    return analyse(past)


def analyse(past: History) -> FlakyReport:
    report = FlakyReport(runs=past.runs)
    for key, by_run in past.groups.items():
        report.groups.extend(_group_flaky(past, key, by_run))
        report.steps.extend(_step_flaky(past, by_run))
    report.groups.sort(key=lambda item: (-item.flips, item.file, item.group))
    report.steps.sort(key=lambda item: (-item.flips, item.file, item.group, item.step or ""))
    return report


def _group_flaky(past: History, key: GroupKey, by_run: dict[str, Any]) -> list[Flaky]:
    sequence: list[str | None] = []
    for run in past.runs:
        row = by_run.get(run.id)
        if row is None or row.pass_rate is None:
            sequence.append(None)
        else:
            sequence.append(PASS if not (row.failed or row.blocked or row.not_run) else FAIL)
    any_row = next(iter(by_run.values()))
    item = Flaky(any_row.group, key[0], None, any_row.title, sequence, flips(sequence))
    return [item] if item.flips else []


def _step_flaky(past: History, by_run: dict[str, Any]) -> list[Flaky]:
    steps: dict[str, Flaky] = {}
    for index, run in enumerate(past.runs):
        row = by_run.get(run.id)
        if row is None:
            continue
        for step in row.steps:
            item = steps.get(step.step)
            if item is None:
                outcomes: list[str | None] = [None] * len(past.runs)
                item = steps[step.step] = Flaky(row.group, row.file, step.step, step.name, outcomes)
            if step.outcome == PASSED:
                item.outcomes[index] = PASS
            elif step.outcome in (FAILED, ERROR):
                item.outcomes[index] = FAIL
    found = []
    for item in steps.values():
        item.flips = flips(item.outcomes)
        if item.flips:
            found.append(item)
    return found
