"""The HTML report: one self-contained file (inline CSS, inline SVG charts, no scripts fetched).

The charts are drawn here, in Python, as SVG coordinates the template places: a pass-rate
line per group over the window's runs, with a dot per run coloured by how it went and a
tooltip naming the run. Jinja2 autoescapes everything, so a failure message or a URL can
never inject markup into the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..store.queries import RunRow
from ..tables import percent
from .data import Report
from .text import when

if TYPE_CHECKING:
    from ..coverage.match import Coverage

TEMPLATES = Path(__file__).with_name("templates")
WIDTH, HEIGHT = 960, 170
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 26


@dataclass
class Point:
    x: float
    y: float
    rate: float
    label: str

    @property
    def tone(self) -> str:
        return "good" if self.rate >= 1 else "warn" if self.rate >= 0.5 else "bad"


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    paths: list[str] = field(default_factory=list)
    area: list[str] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    grid: list[tuple[float, str]] = field(default_factory=list)  # y, label
    ticks: list[tuple[float, str, str]] = field(default_factory=list)  # x, label, anchor
    empty: bool = True


def chart(runs: list[RunRow], rates: list[float | None]) -> Chart:
    """A pass-rate line over ``runs`` (oldest first); a run without a rate breaks the line."""
    drawing = Chart()
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(runs) - 1, 1)

    def x_of(index: int) -> float:
        return LEFT + (index * step if len(runs) > 1 else inner_w / 2)

    def y_of(rate: float) -> float:
        return TOP + (1 - rate) * inner_h

    drawing.grid = [(round(y_of(v), 1), f"{v:.0%}") for v in (0.0, 0.5, 1.0)]
    label_every = max(1, len(runs) // 6)
    last = len(runs) - 1
    for i, run in enumerate(runs):
        if i % label_every == 0 or i == last:
            # The end labels hang inwards so that neither is cut off at the edge.
            anchor = "middle"
            if last and i in (0, last):
                anchor = "start" if i == 0 else "end"
            label = run.started_at.strftime("%m-%d %H:%M")
            drawing.ticks.append((round(x_of(i), 1), label, anchor))
    segment: list[tuple[float, float]] = []
    segments = []
    for index, (run, rate) in enumerate(zip(runs, rates, strict=True)):
        if rate is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = round(x_of(index), 1), round(y_of(rate), 1)
        segment.append((x, y))
        label = f"{when(run.started_at)} · run {run.id[:8]} · {percent(rate)}"
        drawing.points.append(Point(x, y, rate, label))
    if segment:
        segments.append(segment)
    bottom = round(y_of(0.0), 1)
    for part in segments:
        line = " ".join(f"{x},{y}" for x, y in part)
        drawing.paths.append("M" + line.replace(" ", " L"))
        if len(part) > 1:
            left, right = part[0][0], part[-1][0]
            drawing.area.append(f"M{left},{bottom} L{line.replace(' ', ' L')} L{right},{bottom} Z")
    drawing.empty = not drawing.points
    return drawing


def render_html(report: Report, coverage: Coverage | None = None) -> str:
    """The report page; with ``coverage`` (``orbit report --openapi``), an API coverage section."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = percent
    env.filters["when"] = when
    template = env.get_template("report.html.j2")
    charts = {}
    for group in report.groups:
        charts[group.key] = chart(report.runs, group.trend)
    overall = chart(report.runs, [run.pass_rate for run in report.runs])
    return template.render(report=report, charts=charts, overall=overall, coverage=coverage)
