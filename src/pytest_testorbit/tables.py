"""The table at the end of a run: each group, its steps passed/total, its pass rate, the run id.

Printed from ``pytest_terminal_summary`` on the controller, after the session's last
group and the run's status were handed to the store (or the spool), so it can say which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plugin.results import Results


def percent(rate: float | None) -> str:
    """A pass rate for people: 100%, 66.7%, or "-" for a group with nothing counted."""
    if rate is None:
        return "-"
    value = rate * 100
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


def table(rows: list[list[str]], right: tuple[int, ...] = ()) -> list[str]:
    """Plain aligned columns; ``right`` are the indexes of right-aligned ones."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def write_summary(terminal: Any, results: Results) -> None:
    info = results.info
    assert info is not None
    terminal.write_sep("=", "orbit results")
    rows = [["group", "steps", "pass rate", "file"]]
    for group in sorted(results.written, key=lambda g: (g.file, g.group_id, g.param_id)):
        steps = f"{group.passed}/{group.total}"
        rows.append([group.display_id, steps, percent(group.pass_rate), group.file])
    for line in table(rows, right=(1, 2)):
        terminal.write_line(line)
    sink = results.sink
    run_id = (sink.run_id if sink is not None else None) or info.id
    status = results.status or "running"
    if sink is None:
        terminal.write_line(f"run {run_id}: {status} (not stored: --orbit-no-db)")
    elif sink.problem is None:
        terminal.write_line(f"run {run_id}: {status}, stored in {sink.display_url}")
    else:
        terminal.write_line(f"run {run_id}: {status}")
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
