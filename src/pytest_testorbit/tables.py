"""Pass rates and aligned columns as people read them: the run's summary and ``orbit report``.

The plugin's terminal summary (``plugin/summary.py``) and the report renderers
(``report/text.py``, ``report/html.py``) share them, so a run and a report show a pass
rate the same way.
"""

from __future__ import annotations

import unicodedata


def percent(rate: float | None) -> str:
    """A pass rate for people: 100%, 66.7%, or "-" for a group with nothing counted."""
    if rate is None:
        return "-"
    value = rate * 100
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters 2, combining marks 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def table(rows: list[list[str]], right: tuple[int, ...] = ()) -> list[str]:
    """Columns aligned by display width; ``right`` are the indexes of right-aligned ones."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - display_width(cell))
            cells.append(pad + cell if i in right else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return lines
