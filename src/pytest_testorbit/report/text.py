"""Plain renderings of reports: aligned tables for people, JSON and CSV for programs.

Times are shown in UTC, as stored, marked ``Z``; pass rates as percentages in tables and
as fractions (0..1, or null) in JSON and CSV.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from ..store.queries import RunRow
from ..tables import percent, table
from .data import Report
from .flaky import FlakyReport

SPARKS = "▁▂▃▄▅▆▇█"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment else "-"


def spark(rates: list[float | None]) -> str:
    """A pass-rate trend in one line: ▁ is 0%, █ is 100%, · a run without the group."""
    return "".join(
        "·" if rate is None else SPARKS[min(int(rate * (len(SPARKS) - 1) + 0.5), 7)]
        for rate in rates
    )


def run_line(run: RunRow) -> str:
    took = ""
    if run.finished_at:
        took = f", {(run.finished_at - run.started_at).total_seconds():.1f}s"
    return (
        f"Run {run.id}  {run.status}  project {run.project}  environment {run.environment}  "
        f"started {when(run.started_at)}{took}  trigger {run.trigger}"
    )


def report_table(report: Report) -> str:
    if report.run is None:
        return f"No runs with results in {report.store} yet.\n"
    lines = [run_line(report.run), ""]
    trend = len(report.runs) > 1
    header = ["group", "passed", "failed", "blocked", "skipped", "not run", "total", "pass rate"]
    if trend:
        header += [f"trend ({len(report.runs)} runs)", "average"]
    rows = [header]
    for group in report.groups:
        row = [group.group, *map(str, _counts(group)), percent(group.pass_rate)]
        if not report.in_last_run(group):
            row[0] += " *"
        if trend:
            counted = [rate for rate in group.trend if rate is not None]
            average = sum(counted) / len(counted) if counted else None
            row += [spark(group.trend), percent(average)]
        rows.append(row)
    lines += table(rows, right=tuple(range(1, 8)) + ((9,) if trend else ()))
    if not all(report.in_last_run(group) for group in report.groups):
        lines += ["", "* not in the last run: its newest result in the window is shown"]
    return "\n".join(lines) + "\n"


def _counts(group: Any) -> list[int]:
    return [group.passed, group.failed, group.blocked, group.skipped, group.not_run, group.total]


def report_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


CSV_FIELDS = (
    "run_id",
    "started_at",
    "environment",
    "group",
    "file",
    "title",
    "passed",
    "failed",
    "blocked",
    "skipped",
    "not_run",
    "total",
    "pass_rate",
)


def report_csv(report: Report) -> str:
    """One row per group and run of the window (one run without ``--runs``), oldest first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for run in report.runs:
        for group in report.groups:
            result = report.result(group, run)
            if result is None:
                continue  # the group did not run then
            rate = result.pass_rate
            writer.writerow(
                [
                    run.id,
                    run.started_at.isoformat(),
                    run.environment,
                    group.group,
                    group.file,
                    group.title,
                    *_counts(result),
                    "" if rate is None else f"{rate:.4f}",
                ]
            )
    return out.getvalue()


def runs_table(runs: list[RunRow], store: str) -> str:
    if not runs:
        return f"No runs in {store} yet.\n"
    rows = [["id", "started", "env", "status", "trigger", "groups", "steps", "pass rate"]]
    for run in runs:
        rows.append(
            [
                run.id,
                when(run.started_at),
                run.environment,
                f"{run.status} (partial)" if run.partial else run.status,
                run.trigger,
                f"{run.groups_passed}/{run.groups_total}",
                f"{run.steps_passed}/{run.steps_total}",
                percent(run.pass_rate),
            ]
        )
    return "\n".join(table(rows, right=(5, 6, 7))) + "\n"


def runs_json(runs: list[RunRow]) -> str:
    return json.dumps([run.to_dict() for run in runs], indent=2, ensure_ascii=False) + "\n"


def _marks(outcomes: list[str | None]) -> str:
    return "".join({"pass": "✓", "fail": "✗"}.get(o or "", "·") for o in outcomes)


def flaky_table(report: FlakyReport, store: str) -> str:
    if not report.runs:
        return f"No runs with results in {store} yet.\n"
    head = f"Over the last {len(report.runs)} run(s) with results, oldest first (✓ pass, ✗ fail):"
    if not report.groups and not report.steps:
        return f"No flaky groups or steps over the last {len(report.runs)} run(s).\n"
    lines = [head, ""]
    if report.groups:
        rows = [["group", "flips", "runs", "history"]]
        for item in report.groups:
            rows.append([item.group, str(item.flips), str(item.runs), _marks(item.outcomes)])
        lines += [*table(rows, right=(1, 2)), ""]
    if report.steps:
        rows = [["step", "flips", "runs", "history"]]
        for item in report.steps:
            label = f"{item.group}::{item.step}"
            rows.append([label, str(item.flips), str(item.runs), _marks(item.outcomes)])
        lines += table(rows, right=(1, 2))
    return "\n".join(lines).rstrip() + "\n"


def flaky_json(report: FlakyReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
