"""The table at the end of a run: each group, its steps passed/total, its pass rate, the run id.

Printed from ``pytest_terminal_summary`` on the controller, after the session's last
group and the run's status were handed to the store (or the spool), so it can say which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..tables import percent, table

if TYPE_CHECKING:
    from ..outcomes import GroupOutcome
    from .results import Results


# Past this many groups the default table shows only the groups that did not pass (-v: all).
FULL_TABLE_LIMIT = 50


def write_summary(terminal: Any, results: Results) -> None:
    """The table, fitted to the verbosity.

    -v and the default: every group (past FULL_TABLE_LIMIT groups, only those that did not
    pass, and a line saying how many passed); -q: the groups that did not pass and a one-line
    total; -qq: the one-line total alone.
    """
    info = results.info
    assert info is not None
    verbosity = terminal.config.getoption("verbose")
    groups = sorted(results.written, key=lambda g: g.identity.key)
    broken = [group for group in groups if group.broken]
    if verbosity >= 1 or (verbosity == 0 and len(groups) <= FULL_TABLE_LIMIT):
        shown = groups
    elif verbosity >= -1:
        shown = broken
    else:
        shown = []
    if verbosity >= -1:
        terminal.write_sep("=", "orbit results")
    if shown:
        rows = [["group", "steps", "pass rate", "file"]]
        for group in shown:
            steps = f"{group.passed}/{group.total}"
            rows.append([group.display_id, steps, percent(group.pass_rate), group.identity.file])
        for line in table(rows, right=(1, 2)):
            terminal.write_line(line)
    if verbosity == 0 and len(shown) < len(groups):
        terminal.write_line(
            f"({len(groups) - len(shown)} passing groups not listed; -v lists every group)"
        )
    total = _total(groups, broken) + "; " if verbosity < 0 else ""
    sink = results.sink
    run_id = (sink.run_id if sink is not None else None) or info.id
    status = results.status or "running"
    prefix = "orbit: " if verbosity < -1 else ""
    if sink is None:
        terminal.write_line(f"{prefix}{total}run {run_id}: {status} (not stored: --orbit-no-db)")
    elif sink.problem is None:
        terminal.write_line(f"{prefix}{total}run {run_id}: {status}, stored in {sink.display_url}")
    else:
        terminal.write_line(f"{prefix}{total}run {run_id}: {status}")
        terminal.write_line(
            f"orbit: warning: the results store could not be used: {sink.problem}",
            yellow=True,
            bold=True,
        )
        terminal.write_line(
            f"orbit: warning: results for run {info.id} were kept in {sink.spool_file}; "
            f"send them with `orbit db flush` once the store is back",
            yellow=True,
            bold=True,
        )


def _total(groups: list[GroupOutcome], broken: list[GroupOutcome]) -> str:
    """``12 groups, 2 not passed, 45/50 steps passed``: the whole table in one line."""
    passed = sum(group.passed for group in groups)
    steps = sum(group.total for group in groups)
    noun = "group" if len(groups) == 1 else "groups"
    return f"{len(groups)} {noun}, {len(broken)} not passed, {passed}/{steps} steps passed"
