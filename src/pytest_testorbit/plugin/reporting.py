"""Reports of step items: readable failures, YAML locations, and the data the store needs.

Each step's reports carry ``("orbit", {...})`` in ``user_properties``: plain JSON that
pytest-xdist ships from workers to the controller, where the results store reads it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

from ..errors import OrbitError
from ..outcomes import ERROR, FAILED, PASSED
from .collect import SKIPPED, GroupNode, StepItem
from .session import SESSION_KEY

if TYPE_CHECKING:
    from ..expr.secrets import Secrets


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
    if report.failed:
        # What pytest prints, puts in JUnit XML and ships from xdist workers, masked by value.
        report.longrepr = mask_longrepr(report.longrepr, _secrets(item))
    report.user_properties = [
        *[p for p in report.user_properties if p[0] != "orbit"],
        ("orbit", step_data(item, report, excinfo)),
    ]


def step_data(item: StepItem, report: pytest.TestReport, excinfo: Any) -> dict[str, Any]:
    node = item.parent
    group = node.group
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
    secrets = _secrets(item)
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


def _secrets(item: StepItem) -> Secrets:
    """The group's secrets while it runs; the session's once it is torn down."""
    run = item.parent.run
    return (
        run.secrets if run is not None else item.config.stash[SESSION_KEY].project.templates.secrets
    )


def mask_longrepr(longrepr: Any, secrets: Secrets) -> Any:
    """A failure's text with secrets masked; pytest's own form kept where it holds none."""
    if longrepr is None or isinstance(longrepr, tuple):
        return longrepr
    text = str(longrepr)
    masked = secrets.mask(text)
    return longrepr if masked == text else masked


def _skip_reason(report: pytest.TestReport) -> str | None:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return None
