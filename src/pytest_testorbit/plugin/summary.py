"""The table at the end of a run: each group, its steps passed/total, its pass rate, the run id.

Printed from ``pytest_terminal_summary`` on the controller, after the session's last
group and the run's status were handed to the store (or the spool), so it can say which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..tables import percent, table

if TYPE_CHECKING:
    from .results import Results


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
