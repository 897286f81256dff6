"""What a notification says: one run's groups, their pass rates and failed steps.

The same summary is rendered four ways (plain text and HTML for e-mail, Markdown for the
chat webhooks, a dict for the generic JSON webhook), so every channel tells the same story.
Nothing here sends anything: formatting is tested without a server.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..outcomes import ERROR, FAILED, GroupOutcome


@dataclass
class RunSummary:
    """A finished scheduled run, as the notifications describe it."""

    run_id: str
    project: str
    environment: str | None = None
    status: str | None = None  # the run's own status from the store (passed, failed, ...)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    schedule_id: int | None = None
    schedule_name: str | None = None
    groups: list[GroupOutcome] = field(default_factory=list)
    error: str | None = None  # why the run could not be made, when it could not

    def to_dict(self, groups: list[GroupOutcome] | None = None) -> dict[str, Any]:
        """The JSON webhook's body, with the field names of ``orbit report --format json``."""
        chosen = self.groups if groups is None else groups
        return {
            "run": {
                "id": self.run_id,
                "project": self.project,
                "environment": self.environment,
                "status": self.status,
                "started_at": _iso(self.started_at),
                "finished_at": _iso(self.finished_at),
                "error": self.error,
            },
            "schedule": {"id": self.schedule_id, "name": self.schedule_name},
            "groups": [_group_dict(group) for group in chosen],
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _group_dict(group: GroupOutcome) -> dict[str, Any]:
    return {
        "group": group.display_id,
        "file": group.identity.file,
        "title": group.identity.title,
        "owners": list(group.identity.owners),
        "pass_rate": group.pass_rate,
        "passed": group.passed,
        "failed": group.failed,
        "blocked": group.blocked,
        "skipped": group.skipped,
        "not_run": group.not_run,
        "total": group.total,
        "failed_steps": failed_steps(group),
    }


def failed_steps(group: GroupOutcome) -> list[str]:
    """The ids of the steps that failed or errored, in their order in the group."""
    return [step.step_id for step in group.steps if step.outcome in (FAILED, ERROR)]


def format_rate(rate: float | None) -> str:
    """A pass rate as people read it: ``80%``, ``66.7%``, or ``n/a`` when nothing counted."""
    if rate is None:
        return "n/a"
    percent = rate * 100
    return f"{percent:.0f}%" if percent == int(percent) else f"{percent:.1f}%"


def groups_by_owner(
    groups: list[GroupOutcome], owners: list[str], *, owners_from_groups: bool
) -> dict[str, list[GroupOutcome]]:
    """Which groups each owner hears about.

    Owners named on the schedule asked for the whole schedule, so they get every group.
    Owners taken from the groups (the default) get only their own groups; an owner with no
    group in this run (the group was renamed or dropped) still hears about the run.
    """
    result: dict[str, list[GroupOutcome]] = {}
    for owner in owners:
        own = [g for g in groups if owner in g.identity.owners] if owners_from_groups else []
        result[owner] = own or list(groups)
    return result


def _counts(groups: list[GroupOutcome]) -> str:
    fully = sum(1 for g in groups if g.pass_rate == 1.0)
    return f"{fully}/{len(groups)} groups passed"


def subject(summary: RunSummary, groups: list[GroupOutcome]) -> str:
    """``[orbit] nightly on staging: 2/3 groups passed``."""
    name = summary.schedule_name or summary.project
    where = f" on {summary.environment}" if summary.environment else ""
    if summary.error:
        return f"[orbit] {name}{where}: the run could not be made"
    return f"[orbit] {name}{where}: {_counts(groups)}"


def _group_line(group: GroupOutcome) -> str:
    counted = group.total - group.skipped
    line = f"{group.display_id}: {format_rate(group.pass_rate)} ({group.passed}/{counted} steps)"
    failed = failed_steps(group)
    if failed:
        line += f", failed: {', '.join(failed)}"
    return line


def _header_lines(summary: RunSummary) -> list[str]:
    lines = [f"Project: {summary.project}"]
    if summary.environment:
        lines.append(f"Environment: {summary.environment}")
    lines.append(f"Run: {summary.run_id}")
    if summary.status:
        lines.append(f"Status: {summary.status}")
    if summary.error:
        lines.append(f"Error: {summary.error}")
    return lines


def text_body(summary: RunSummary, groups: list[GroupOutcome]) -> str:
    """The plain-text e-mail and the text of the Slack, DingTalk and Feishu messages."""
    lines = [subject(summary, groups).removeprefix("[orbit] "), "", *_header_lines(summary), ""]
    if groups:
        lines.extend(f"- {_group_line(group)}" for group in groups)
    elif not summary.error:
        lines.append("No group results were recorded for this run.")
    return "\n".join(lines) + "\n"


def markdown_body(summary: RunSummary, groups: list[GroupOutcome]) -> str:
    """WeCom's and DingTalk's markdown flavour: headings, bold and lists only."""
    lines = [f"### {subject(summary, groups).removeprefix('[orbit] ')}", ""]
    lines.extend(f"> {line}" for line in _header_lines(summary))
    lines.append("")
    for group in groups:
        lines.append(f"- **{group.display_id}** {_group_line(group).split(': ', 1)[1]}")
    return "\n".join(lines)


def html_body(summary: RunSummary, groups: list[GroupOutcome]) -> str:
    """A small HTML table for mail readers; every value is escaped."""
    esc = html.escape
    rows = "".join(
        "<tr><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td></tr>".format(
            esc(g.display_id),
            esc(format_rate(g.pass_rate)),
            g.passed,
            g.total - g.skipped,
            esc(", ".join(failed_steps(g))),
        )
        for g in groups
    )
    header = "".join(f"<li>{esc(line)}</li>" for line in _header_lines(summary))
    return (
        "<html><body>"
        f"<h3>{esc(subject(summary, groups).removeprefix('[orbit] '))}</h3>"
        f"<ul>{header}</ul>"
        "<table border='1' cellpadding='4' cellspacing='0'>"
        "<tr><th>group</th><th>pass rate</th><th>steps passed</th><th>failed steps</th></tr>"
        f"{rows}</table></body></html>"
    )
