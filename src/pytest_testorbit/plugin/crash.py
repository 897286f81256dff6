"""The report of a step whose worker died on it, made on the xdist controller.

The controller never ran the group, so the step's data comes from the case file (read by
``GroupIndex``) and the message from xdist's crash text. That text is masked like every other
report (docs/security.md): with the secrets the group starts with, which the controller
knows too (orbit.yaml's ``secrets:`` values, ``env.`` reads, the group's and its row's
variables); what the group extracted while it ran died with its worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..outcomes import ERROR, NOT_RUN, GroupIdentity, PhaseReport, StepReport
from .groupids import GroupIndex, GroupInfo, StepRef, parse
from .reporting import mask_longrepr
from .session import SESSION_KEY

if TYPE_CHECKING:
    from ..cases.model import Group
    from ..expr.secrets import Secrets


def crash_phase(
    index: GroupIndex, collection: list[str], ref: StepRef, longrepr: Any
) -> tuple[PhaseReport, Any]:
    """The crashed step's report (an error, with its group's plan) and ``longrepr`` masked."""
    info = index.info(ref)
    group = info.group
    masked = mask_longrepr(longrepr, _secrets(index, group, ref.param_id))
    steps = {step.id: (i, step) for i, step in enumerate(group.steps)} if group else {}
    order, step = steps.get(ref.step_id, (0, None))
    identity, planned = _identity(index, collection, ref, info)
    report = StepReport(
        step_id=ref.step_id,
        order=order,
        name=step.name if step else ref.step_id,
        outcome=ERROR,
        message=str(masked),
        line=step.line if step else None,
    )
    return PhaseReport(identity, report, "crash", planned), masked


def unreported_phase(index: GroupIndex, collection: list[str], scope: str) -> PhaseReport | None:
    """A group instance that sent no report and never will (its worker died while its pool
    may have begun it): its identity and plan, every step not run."""
    prefix = scope + "::"
    ref = next((parse(n) for n in collection if n.startswith(prefix)), None)
    if ref is None:
        return None
    identity, planned = _identity(index, collection, ref, index.info(ref))
    first = StepReport(step_id=planned[0], order=0, name=planned[0], outcome=NOT_RUN)
    return PhaseReport(identity, first, "crash", planned)


def _identity(
    index: GroupIndex, collection: list[str], ref: StepRef, info: GroupInfo
) -> tuple[GroupIdentity, list[str]]:
    """The group's identity, from its case file (``info``), and its steps in this collection."""
    group = info.group
    prefix = ref.scope + "::"
    planned = [n[len(prefix) :] for n in collection if n.startswith(prefix)]
    identity = GroupIdentity(
        file=index.project_file(ref.file),
        group_id=ref.group_id,
        param_id=ref.param_id,
        title=group.title if group else "",
        owners=list(group.owners) if group else [],
        tags=list(group.tags) if group else [],
        parallel=not info.serial,
    )
    return identity, planned or [ref.step_id]


def _secrets(index: GroupIndex, group: Group | None, param_id: str) -> Secrets:
    orbit = index.config.stash[SESSION_KEY]
    try:
        from ..runner import GroupRun

        rows = dict(group.instances) if group else {}
        variables = group.variables if group else {}
        # The variables the worker started the group with, rendered again (env. reads
        # included), which registers their secret values.
        run = GroupRun(orbit.loader.templates, orbit.environment, variables, rows.get(param_id, {}))
    except Exception:  # what the controller cannot render: the session's secrets so far
        return orbit.project.templates.secrets
    return run.secrets
