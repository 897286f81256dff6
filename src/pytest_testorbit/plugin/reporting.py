"""Reports of step items: readable failures, YAML locations, and the data the store needs.

Each step's reports carry ``("orbit", {...})`` in ``user_properties``: plain JSON that
pytest-xdist ships from workers to the controller, where the results store reads it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from ..errors import OrbitError
from ..outcomes import ERROR, FAILED, PASSED
from .collect import SKIPPED, GroupNode, StepItem
from .session import SESSION_KEY


def pytest_collection_finish(session: pytest.Session) -> None:
    """Tell each group which of its steps this session will run (after -k, -m, deselection)."""
    selected: dict[GroupNode, list[str]] = {}
    for item in session.items:
        if isinstance(item, StepItem):
            selected.setdefault(item.parent, []).append(item.step.id)
    for node, step_ids in selected.items():
        node.planned = step_ids


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    if not isinstance(item, StepItem):
        return
    report: pytest.TestReport = outcome.get_result()
    excinfo = call.excinfo
    if report.skipped and item.orbit_outcome is not None:
        # Point the SKIPPED line at the step's YAML line, not at our code.
        report.longrepr = (str(item.path), item.step.line, f"Skipped: {item.orbit_message}")
    elif excinfo is not None and isinstance(excinfo.value, OrbitError) and call.when != "call":
        report.longrepr = str(excinfo.value)  # a failed replay: our message, no traceback
    report.user_properties = [
        *[p for p in report.user_properties if p[0] != "orbit"],
        ("orbit", step_data(item, report, excinfo)),
    ]


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # execnet ships only plain types from a worker
        config.pluginmanager.register(SummaryLines(), "orbit-summary-lines")


class SummaryLines:
    """Where reports are shown (the controller, or a plain run), failure texts get their line."""

    @pytest.hookimpl(tryfirst=True)  # before the terminal reporter and junitxml read it
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if any(p[0] == "orbit" for p in report.user_properties if len(p) == 2):
            _give_summary_line(report)


class FailureText(str):
    """A step's failure text that also says its first line the way pytest asks for it.

    pytest before 9 takes the short summary's ``FAILED id - message`` from
    ``longrepr.reprcrash.message`` and shows nothing for a plain str; pytest 9 reads the str.
    """

    @property
    def reprcrash(self) -> FailureText:
        return self

    @property
    def message(self) -> str:
        return self.split("\n", 1)[0]


def _give_summary_line(report: pytest.TestReport) -> None:
    longrepr = report.longrepr
    if report.failed and isinstance(longrepr, str) and not isinstance(longrepr, FailureText):
        report.longrepr = FailureText(longrepr)


def step_data(item: StepItem, report: pytest.TestReport, excinfo: Any) -> dict[str, Any]:
    node = item.parent
    group = node.group
    orbit = item.config.stash[SESSION_KEY]
    run = node.run
    last = run.last if run is not None else None
    if report.skipped:
        outcome = item.orbit_outcome or SKIPPED
    elif report.failed:
        outcome = FAILED if report.when == "call" else ERROR
    else:
        outcome = PASSED
    message = None
    if report.failed:
        message = str(report.longrepr)
    elif report.skipped:
        message = item.orbit_message or _skip_reason(report)
    secrets = orbit.project.templates.secrets
    first = not node.planned or node.planned[0] == item.step.id
    return {
        "file": node.project_file,
        "group": group.id,
        "param": node.param_id,
        "title": group.title,
        "owners": group.owners,
        "tags": group.tags,
        "parallel": group.parallel,
        "step": item.step.id,
        "name": item.step.name,
        "order": item.index,
        "line": item.step.line,
        # The group's plan rides on its first step's reports only: on every report it would
        # make the reports of a long group grow with the square of its length.
        "planned": (node.planned or [item.step.id]) if first else None,
        "method": last.method if last and report.when == "call" else None,
        "url": secrets.mask(last.url) if last and last.url and report.when == "call" else None,
        "status_code": last.status_code if last and report.when == "call" else None,
        "outcome": outcome,
        "message": secrets.mask(message) if message else None,
        "duration": report.duration,
        "when": report.when,
    }


def _skip_reason(report: pytest.TestReport) -> str | None:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return None
