"""Reports of step items: readable failures, YAML locations, and the data the store needs.

Each report of a step carries its ``PhaseReport`` as JSON on the report attribute
``orbit_step`` (``REPORT_ATTRIBUTE``): pytest's report serialisation ships a report's extra
attributes from xdist workers to the controller, where the results store reads it. It is
kept out of ``user_properties``, which JUnit XML would show to people.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

from ..errors import OrbitError, StepFailed
from ..outcomes import ERROR, FAILED, PASSED, SKIPPED, GroupIdentity, PhaseReport, StepReport
from .collect import GroupNode, StepItem
from .longrepr import FailureRepr, failure_repr
from .session import SESSION_KEY

REPORT_ATTRIBUTE = "orbit_step"


def phase_report(report: pytest.TestReport) -> PhaseReport | None:
    """The step data a report carries; None for a report of anything else."""
    data = getattr(report, REPORT_ATTRIBUTE, None)
    return PhaseReport.from_json(data) if isinstance(data, dict) else None


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
        # A failed replay or a group that cannot start: our message, no traceback, and its
        # first line in the short summary on every pytest version; masked by value.
        text = _secrets(item).mask(str(excinfo.value))
        shown: Any = failure_repr(text, text.partition("\n")[0], str(item.path), item.step.line)
        report.longrepr = shown  # pytest prints any longrepr that has toterminal
    elif report.failed and not isinstance(report.longrepr, FailureRepr):
        # Anything else that failed (a user's hook raised, say): what pytest prints, puts in
        # JUnit XML and ships from xdist workers, masked by value. A step's own FailureRepr
        # was masked by the runner when it was made.
        secrets = _secrets(item)
        masked = mask_longrepr(report.longrepr, secrets)
        if masked is not report.longrepr:  # keep the exception's line in the short summary
            crash = getattr(report.longrepr, "reprcrash", None)
            line = secrets.mask(crash.message) if crash is not None else masked.partition("\n")[0]
            masked = failure_repr(masked, line, str(item.path), item.step.line)
        report.longrepr = masked
    setattr(report, REPORT_ATTRIBUTE, step_phase(item, report, excinfo).to_json())


def group_identity(node: GroupNode) -> GroupIdentity:
    group = node.group
    return GroupIdentity(
        file=node.project_file,
        group_id=group.id,
        param_id=node.param_id,
        title=group.title,
        owners=list(group.owners),
        tags=list(group.tags),
        parallel=group.parallel,
    )


def step_phase(item: StepItem, report: pytest.TestReport, excinfo: Any) -> PhaseReport:
    """The one place a step's outcome is decided, from pytest's report of one phase."""
    node = item.parent
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
    sent = None
    if report.when == "call":
        failed = excinfo is not None and isinstance(excinfo.value, StepFailed)
        sent = excinfo.value.sent if failed else item.sent
    secrets = _secrets(item)
    url = (sent.asked_url or sent.url) if sent is not None else None
    step = StepReport(
        step_id=item.step.id,
        order=item.index,
        name=item.step.name,
        outcome=outcome,
        duration=report.duration,
        method=sent.method if sent is not None else None,
        url=secrets.mask(url) if url else None,
        status_code=sent.response.status_code if sent and sent.response is not None else None,
        message=secrets.mask(message) if message else None,
        line=item.step.line,
    )
    first = not node.planned or node.planned[0] == item.step.id
    planned = (node.planned or [item.step.id]) if first else None
    return PhaseReport(group_identity(node), step, str(report.when), planned)


def _secrets(item: StepItem) -> Secrets:
    """The group's secrets (with the session's), also in the report of its last teardown."""
    node = item.parent
    if node.run is not None:
        return node.run.secrets
    if node.secrets is not None:  # torn down: the report of the teardown that closed it
        return node.secrets
    return item.config.stash[SESSION_KEY].project.templates.secrets


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
