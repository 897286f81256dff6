"""The report of a failed step: what was sent, what came back, what was expected.

Written to be read in one glance in a terminal. Credential headers are shown as
``Bearer ***`` by their name, and the whole text is masked by value (expr/secrets.py) as
the last thing: the request line, headers, bodies, the problems and ``variables:`` alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..errors import StepFailed
from ..expr.secrets import mask_header
from .context import GroupRun
from .http import Sent

BODY_LIMIT = 800
# Headers every request or response has, which say nothing about a failure: left out.
_NOISE = frozenset(
    (
        "user-agent",
        "accept-encoding",
        "accept",
        "connection",
        "content-length",
        "keep-alive",
        "server",
        "date",
    )
)


def _body_text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return f"<{len(body)} bytes of binary data>"
    if not isinstance(body, str):
        return f"<{type(body).__name__}: multipart or streamed body>"
    return body


def _clip(text: str, limit: int = BODY_LIMIT) -> str:
    text = text.strip()
    return (
        text if len(text) <= limit else f"{text[:limit]}... ({len(text) - limit} more characters)"
    )


def _header_lines(headers: Any, run: GroupRun) -> list[str]:
    lines = []
    for name, value in headers.items():
        if name.lower() in _NOISE:
            continue
        lines.append(f"    {name}: {mask_header(name, str(value))}")
    return lines


def describe_exchange(sent: Sent, run: GroupRun) -> list[str]:
    mask = run.secrets.mask
    lines = [f"  request:  {sent.method} {mask(sent.url)}"]
    if sent.request is not None:
        lines += _header_lines(sent.request.headers, run)
        body = _body_text(sent.request.body)
        if body:
            lines += _body_lines(_clip(mask(body)))  # masked first: a cut may split a secret
    response = sent.response
    if response is None:
        lines.append(f"  response: none, after {sent.elapsed_ms:.0f} ms")
        return lines
    lines.append(
        f"  response: {response.status_code} {response.reason or ''}".rstrip()
        + f" ({sent.elapsed_ms:.0f} ms)"
    )
    lines += _header_lines(response.headers, run)
    text = response.text
    if text:
        lines += _body_lines(_clip(mask(text)))
    return lines


def _body_lines(text: str) -> list[str]:
    """A body, every line of it indented under its request or response."""
    return [f"    {line}" for line in text.splitlines()]


def describe_variables(run: GroupRun, names: Iterable[str] | None = None) -> str:
    shown = run.shown_variables(names)
    if not shown:
        return "  variables: none"
    parts = [f"{name}={_short(value)}" for name, value in shown.items()]
    return "  variables: " + ", ".join(parts)


def _short(value: Any) -> str:
    text = (
        json.dumps(value, ensure_ascii=False, default=str)
        if not isinstance(value, str)
        else repr(value)
    )
    return text if len(text) <= 80 else text[:77] + "..."


def failure_report(headline: str, problems: list[str], sent: Sent | None, run: GroupRun) -> str:
    """The whole message: headline, each problem, the exchange, the variables; masked."""
    lines = [headline]
    lines += [f"  ✗ {problem}" for problem in problems]
    if sent is not None:
        lines += describe_exchange(sent, run)
    lines.append(describe_variables(run))
    return run.secrets.mask("\n".join(lines))


def step_failed(headline: str, problems: list[str], sent: Sent | None, run: GroupRun) -> StepFailed:
    """The error of a failed step: its whole report, its first problem, what it sent."""
    summary = run.secrets.mask(problems[0]) if problems else None
    return StepFailed(failure_report(headline, problems, sent, run), summary=summary, sent=sent)
