"""Inline SVG for the pages, drawn here as coordinates the templates place: no chart library.

A sparkline is a polyline per unbroken stretch of values (a run without a value breaks the
line, as in the HTML report); a trend chart adds a y axis with three grid lines and a dot
per run with a tooltip. Coordinates are rounded to one decimal, which keeps a page of 100
sparklines small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


def _segments(
    values: Sequence[float | None], width: float, height: float, top: float, ceiling: float
) -> tuple[list[str], list[tuple[float, float, int]]]:
    step = width / max(len(values) - 1, 1)
    lines: list[str] = []
    dots: list[tuple[float, float, int]] = []
    current: list[str] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                lines.append(" ".join(current))
            current = []
            continue
        x = round(index * step, 1) if len(values) > 1 else round(width / 2, 1)
        y = round(top + height - (value / ceiling if ceiling else 0) * height, 1)
        current.append(f"{x},{y}")
        dots.append((x, y, index))
    if current:
        lines.append(" ".join(current))
    return lines, dots


@dataclass
class Sparkline:
    width: int
    height: int
    lines: list[str]
    last: tuple[float, float] | None  # the newest point, drawn as a dot


def sparkline(values: Sequence[float | None], width: int = 120, height: int = 22) -> Sparkline:
    """Pass rates (0..1) oldest first, 2 px of margin top and bottom."""
    lines, dots = _segments(values, width, height - 4, 2, 1.0)
    last = (dots[-1][0], dots[-1][1]) if dots else None
    return Sparkline(width, height, lines, last)


@dataclass
class Dot:
    x: float
    y: float
    label: str
    bad: bool


@dataclass
class Chart:
    width: int
    height: int
    left: int
    lines: list[str] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    grid: list[tuple[float, str]] = field(default_factory=list)  # y, label


def trend_chart(
    values: Sequence[float | None],
    labels: Sequence[str],
    bad: Sequence[bool],
    *,
    ceiling: float,
    unit: str,
    width: int = 900,
    height: int = 150,
) -> Chart:
    """Values (oldest first) against a y axis from 0 to ``ceiling``; ``unit`` for the labels."""
    left, top, bottom = 48, 8, 8
    inner_h = height - top - bottom
    ceiling = ceiling or 1.0
    lines, dots = _segments(values, width - left - 8, inner_h, top, ceiling)
    chart = Chart(width, height, left, lines)
    for fraction in (0.0, 0.5, 1.0):
        value = ceiling * fraction
        text = f"{value * 100:.0f}%" if unit == "%" else f"{value:.2f} {unit}"
        chart.grid.append((round(top + inner_h - fraction * inner_h, 1), text))
    for x, y, index in dots:
        chart.dots.append(Dot(x, y, labels[index], bad[index]))
    return chart
