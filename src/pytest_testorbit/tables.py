"""Pass rates and aligned columns as people read them: the run's summary and ``orbit report``.

The plugin's terminal summary (``plugin/summary.py``) and the report renderers
(``report/text.py``, ``report/html.py``) share them, so a run and a report show a pass
rate the same way.
"""

from __future__ import annotations


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
