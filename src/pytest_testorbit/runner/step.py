"""Running one step: skip_if, the request (with retries), expectations, extraction."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..cases.model import Step
from ..errors import ExtractFailed, TemplateRenderError
from .checks import Mismatch, check_response, extract
from .context import GroupRun
from .failure import step_failed
from .http import Sent, send


class StepSkipped(Exception):  # control flow, not an error
    """A ``skip_if`` held: the step is reported skipped with this reason."""


@dataclass
class StepRun:
    """What a step that passed did: its last exchange (None if it sent nothing), its extractions."""

    sent: Sent | None
    extracted: list[str]


def run_step(step: Step, run: GroupRun, where: str) -> StepRun:
    """Run ``step``; raise ``StepFailed`` (a full report) or ``StepSkipped``.

    ``where`` is the step's ``file:line`` for the headline of a failure.
    """
    headline = f"step '{step.name}' failed ({where})"
    try:
        if step.skip_if is not None and step.skip_if(run.variables):
            raise StepSkipped(f"skip_if: {step.skip_if_source}")
        if step.use is not None:
            return _run_use(step, run, where)
        return _run_request(step, run, headline)
    except TemplateRenderError as exc:
        raise step_failed(headline, [f"template: {exc}"], None, run) from None


def _run_request(step: Step, run: GroupRun, headline: str) -> StepRun:
    assert step.request is not None
    sent = send(step.request, run)
    if step.retry is not None:
        tries = 1
        while sent.response is None or check_response(step.retry.until, sent, run):
            if tries >= step.retry.times:
                if sent.response is None:
                    problems = []
                    summary = (
                        f"retry: gave up after {tries} tries, the last request failed: {sent.error}"
                    )
                else:
                    problems = [str(m) for m in check_response(step.retry.until, sent, run)]
                    summary = (
                        f"retry: gave up after {tries} tries, "
                        "the last response did not match until:"
                    )
                raise step_failed(headline, [summary, *problems], sent, run)
            time.sleep(step.retry.delay)
            sent = send(step.request, run)
            tries += 1
    if sent.response is None:
        raise step_failed(headline, [f"request failed: {sent.error}"], sent, run)
    mismatches: list[Mismatch] = check_response(step.expect, sent, run)
    if mismatches:
        raise step_failed(headline, [str(m) for m in mismatches], sent, run)
    try:
        names = extract(step.extract, sent, run)
    except ExtractFailed as exc:
        raise step_failed(headline, [str(exc)], sent, run) from None
    return StepRun(sent, names)


def _run_use(step: Step, run: GroupRun, where: str) -> StepRun:
    """The used file's steps, in place, with ``with:`` variables; extracted names flow back."""
    assert step.use is not None
    outer = run.variables
    inner = dict(outer)
    for name, value in step.use.variables.items():
        inner[name] = value(outer)
    run.variables = inner
    extracted: list[str] = []
    last: StepRun | None = None
    try:
        for inner_step in step.use.steps:
            inner_where = (
                f"{step.use.display or step.use.path.name}:{inner_step.line}, used by {where}"
            )
            try:
                last = run_step(inner_step, run, inner_where)
            except StepSkipped:
                continue  # a skip_if inside the used file skips that step only
            extracted += last.extracted
    finally:
        run.variables = outer
        for name in extracted:
            run.set(name, inner[name])
    return StepRun(last.sent if last else None, extracted)
