"""Running one step: skip_if, the request (with retries), expectations, extraction."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..cases.model import Step
from ..errors import ExtractFailed, StepFailed, TemplateRenderError
from .checks import Mismatch, check_response, extract
from .context import GroupRun, LastExchange
from .failure import failure_report
from .http import Sent, send


class StepSkipped(Exception):  # control flow, not an error
    """A ``skip_if`` held: the step is reported skipped with this reason."""


@dataclass
class StepResult:
    sent: Sent | None
    extracted: list[str]


def run_step(step: Step, run: GroupRun, where: str) -> StepResult:
    """Run ``step``; raise ``StepFailed`` (a full report) or ``StepSkipped``.

    ``where`` is the step's ``file:line`` for the headline of a failure.
    """
    headline = f"step '{step.name}' failed ({where})"
    run.last = LastExchange()  # what this step sends, if it sends anything
    try:
        if step.skip_if is not None and step.skip_if(run.variables):
            raise StepSkipped(f"skip_if: {step.skip_if_source}")
        if step.use is not None:
            return _run_use(step, run, where)
        return _run_request(step, run, headline)
    except TemplateRenderError as exc:
        raise StepFailed(failure_report(headline, [f"template: {exc}"], None, run)) from None


def _run_request(step: Step, run: GroupRun, headline: str) -> StepResult:
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
                raise StepFailed(failure_report(headline, [summary, *problems], sent, run))
            time.sleep(step.retry.delay)
            sent = send(step.request, run)
            tries += 1
    if sent.response is None:
        raise StepFailed(failure_report(headline, [f"request failed: {sent.error}"], sent, run))
    mismatches: list[Mismatch] = check_response(step.expect, sent, run)
    if mismatches:
        raise StepFailed(failure_report(headline, [str(m) for m in mismatches], sent, run))
    try:
        names = extract(step.extract, sent, run)
    except ExtractFailed as exc:
        raise StepFailed(failure_report(headline, [str(exc)], sent, run)) from None
    return StepResult(sent, names)


def _run_use(step: Step, run: GroupRun, where: str) -> StepResult:
    """The used file's steps, in place, with ``with:`` variables; extracted names flow back."""
    assert step.use is not None
    outer = run.variables
    inner = dict(outer)
    for name, value in step.use.variables.items():
        inner[name] = value(outer)
    run.variables = inner
    extracted: list[str] = []
    last: StepResult | None = None
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
    return StepResult(last.sent if last else None, extracted)
