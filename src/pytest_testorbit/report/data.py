"""What a report shows, read from the store once: the last run, its groups, their trends.

"The last run" is the newest run that has results (with ``--group``, that ran the group;
with ``--env``, of that environment). A trend covers the last N such runs; each group in
it is shown with its newest result in that window, so a group the last run did not run
still appears, marked with the run it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError, did_you_mean
from ..store.queries import (
    GroupKey,
    GroupRow,
    History,
    RunRow,
    environments,
    history,
    last_run,
    runs,
)


@dataclass
class Report:
    run: RunRow | None  # the last run (None: the store has no results yet)
    runs: list[RunRow] = field(default_factory=list)  # the window, oldest first
    groups: list[GroupRow] = field(default_factory=list)  # each group's newest result
    group_runs: dict[GroupKey, str] = field(default_factory=dict)  # -> that result's run id
    history: History | None = None  # every result of the window, run by run
    store: str = ""  # the store's URL, password hidden

    def in_last_run(self, group: GroupRow) -> bool:
        return self.run is not None and self.group_runs.get(group.key) == self.run.id

    def result(self, group: GroupRow, run: RunRow) -> GroupRow | None:
        """The group's result in one run of the window, if it ran there."""
        return self.history.groups.get(group.key, {}).get(run.id) if self.history else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run.to_dict() if self.run else None,
            "runs": [run.to_dict() for run in self.runs],
            "groups": [
                {**group.to_dict(), "run_id": self.group_runs.get(group.key)}
                for group in self.groups
            ],
        }


def build_report(
    session: Any,
    *,
    runs_back: int = 1,
    environment: str | None = None,
    group: str | None = None,
    store: str = "",
    include_partial: bool = False,
) -> Report:
    partial = include_partial
    run = last_run(session, environment=environment, group=group, include_partial=partial)
    if run is None:
        check_filters(session, environment=environment, group=group, include_partial=partial)
        return Report(run=None, store=store)
    past = history(
        session,
        runs_back=runs_back,
        environment=environment,
        group=group,
        steps=True,
        include_partial=partial,
    )
    report = Report(run=run, runs=past.runs, history=past, store=store)
    for key, by_run in past.groups.items():
        newest = next(r for r in reversed(past.runs) if r.id in by_run)
        row = by_run[newest.id]
        row.trend = past.trend(key)
        report.groups.append(row)
        report.group_runs[key] = newest.id
    # The last run's groups first, in file order; then those only earlier runs had.
    report.groups.sort(key=lambda g: (not report.in_last_run(g), g.file, g.group))
    return report


def check_filters(
    session: Any,
    *,
    environment: str | None,
    group: str | None,
    with_results: bool = True,
    include_partial: bool = False,
) -> None:
    """When ``--env`` or ``--group`` finds nothing in a store that has runs: say what exists.

    An empty answer would read as "nothing ran yet" where the filter is the problem
    (a misspelt name, runs only in other environments).
    """
    if environment and not runs(session, limit=1, environment=environment, with_results=True):
        known = environments(session, with_results=with_results)
        if known:
            hint = did_you_mean(environment, known)
            extra = f" Did you mean '{hint}'?" if hint else ""
            kind = "runs with results" if with_results else "runs"
            raise UsageError(
                f"no {kind} for environment '{environment}' in the store.{extra} "
                f"Environments with {kind}: {', '.join(known)}"
            )
        return
    if group and last_run(session, environment=environment, include_partial=include_partial):
        raise UsageError(_no_such_group(session, group, environment))
    if not include_partial and last_run(
        session, environment=environment, group=group, include_partial=True
    ):
        raise UsageError(
            "only partial runs (-k, a node id, --lf, a stop at a failure...) have results "
            "here; they are left out of reports and trends: add --include-partial to count them"
        )


def _no_such_group(session: Any, group: str, environment: str | None) -> str:
    past: History = history(session, runs_back=20, environment=environment)
    known = sorted({row.group for rows in past.groups.values() for row in rows.values()})
    shown = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
    hint = did_you_mean(group, known)
    extra = f" Did you mean '{hint}'?" if hint else ""
    return f"no results for group '{group}' in the store.{extra} Groups in recent runs: {shown}"


def list_runs(
    session: Any, *, limit: int, environment: str | None = None, include_partial: bool = True
) -> list[RunRow]:
    found = runs(session, limit=limit, environment=environment, include_partial=include_partial)
    if not found and environment:
        known = environments(session)
        if known:
            hint = did_you_mean(environment, known)
            extra = f" Did you mean '{hint}'?" if hint else ""
            raise UsageError(
                f"no runs for environment '{environment}' in the store.{extra} "
                f"Environments with runs: {', '.join(known)}"
            )
    return found
