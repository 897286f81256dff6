"""Checking a response against an ``expect`` block, and extracting variables from it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..cases.model import Expect, Extraction, ValueCheck
from ..errors import ExtractFailed
from ..expr.matchers import MISSING, check_value
from .context import GroupRun
from .http import NOT_JSON, Sent


@dataclass
class Mismatch:
    """One expectation that did not hold."""

    label: str  # "status", "$.qty", "header Content-Type", "body", "schema at $.items[0]"
    expected: str
    actual: str | None  # None when ``expected`` already says all there is (``got null``)

    def __str__(self) -> str:
        if self.actual is None:
            return f"{self.label}: {self.expected}"
        return f"{self.label}: {self.expected}, got {self.actual}"


def _show(value: Any, limit: int = 200) -> str:
    if value is MISSING:
        return "nothing (not found)"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check(check: ValueCheck, actual: Any, run: GroupRun) -> list[Mismatch]:
    expected = check.expected(run.variables)
    problems = check_value(actual, expected)
    # A matcher that names the type it got ("expected type string, got null") has said all
    # there is to say of a null: its value would only repeat it ("..., got None").
    said = actual is None
    # Masked before _show cuts it short: a cut could leave half a secret that no mask finds.
    shown = _show(run.secrets.mask_value(actual)) if problems else ""
    return [
        Mismatch(check.label, problem, None if said and problem.endswith("null") else shown)
        for problem in problems
    ]


def check_response(expect: Expect, sent: Sent, run: GroupRun) -> list[Mismatch]:
    """Every expectation of ``expect`` that ``sent.response`` fails, in the order written."""
    response = sent.response
    assert response is not None  # callers report transport errors before checking
    mismatches: list[Mismatch] = []
    if expect.status is not None:
        if response.status_code not in expect.status:
            wanted = expect.status[0] if len(expect.status) == 1 else f"one of {expect.status}"
            mismatches.append(Mismatch("status", f"expected {wanted}", str(response.status_code)))
    elif response.status_code >= 400:
        mismatches.append(
            Mismatch(
                "status", "expected a success (no expect.status given)", str(response.status_code)
            )
        )
    for name, check in expect.headers:
        actual = response.headers.get(name, MISSING)
        mismatches.extend(_check(check, actual, run))
    if expect.json:
        document = sent.json
        if document is NOT_JSON:
            mismatches.append(Mismatch("body", "expected JSON", _content_type(sent)))
        else:
            for path_check in expect.json:
                mismatches.extend(
                    _check(path_check.check, path_check.path.find(document, run.variables), run)
                )
    if expect.body is not None:
        mismatches.extend(_check(expect.body, response.text, run))
    if expect.schema is not None:
        mismatches.extend(_schema_mismatches(expect, sent))
    if expect.openapi is not None:
        from .openapi import openapi_mismatches

        mismatches.extend(openapi_mismatches(expect, sent))
    if expect.max_ms is not None and sent.elapsed_ms > expect.max_ms:
        mismatches.append(
            Mismatch(
                "response time",
                f"expected at most {expect.max_ms:g} ms",
                f"{sent.elapsed_ms:.0f} ms",
            )
        )
    return mismatches


def _content_type(sent: Sent) -> str:
    assert sent.response is not None
    return f"a body of {sent.response.headers.get('Content-Type', 'unknown type')}"


def _schema_mismatches(expect: Expect, sent: Sent) -> list[Mismatch]:
    from .schemas import validator_for

    document = sent.json
    if document is NOT_JSON:
        return [Mismatch("schema", "expected a JSON body", _content_type(sent))]
    source = f" ({expect.schema_source})" if expect.schema_source else ""
    assert expect.schema is not None
    validator = validator_for(expect.schema, expect.schema_base, expect.schema_roots)
    try:
        errors = list(itertools.islice(validator.iter_errors(document), 5))
    except Exception as exc:  # referencing.exceptions.Unresolvable: a $ref we would not load
        from referencing.exceptions import Unresolvable

        if not isinstance(exc, Unresolvable):
            raise
        return [Mismatch(f"schema{source}", "a $ref that resolves", str(exc))]
    return schema_errors(errors, f"schema{source}")


def schema_errors(errors: Iterable[Any], label: str) -> list[Mismatch]:
    """jsonschema's errors as mismatches, at most five: ``label at $.path``, what failed."""
    mismatches = []
    for error in itertools.islice(errors, 5):
        where = "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path
        )
        mismatches.append(
            Mismatch(
                f"{label} at {where}",
                f"'{error.validator}' failed: {error.message}",
                _show(error.instance, 120),
            )
        )
    return mismatches


def extract(extractions: list[Extraction], sent: Sent, run: GroupRun) -> list[str]:
    """Set each extracted variable; a path or header that finds nothing is an error."""
    response = sent.response
    assert response is not None
    names = []
    for extraction in extractions:
        value = _extract_one(extraction, sent, run)
        if value is MISSING:
            raise ExtractFailed(
                f"extract {extraction.variable}: {extraction.source} found nothing in the response"
            )
        run.set(extraction.variable, value, secret=extraction.secret)
        names.append(extraction.variable)
    return names


def _extract_one(extraction: Extraction, sent: Sent, run: GroupRun) -> Any:
    response = sent.response
    assert response is not None
    kind, argument = extraction.kind, extraction.argument
    if kind == "json":
        document = sent.json
        return MISSING if document is NOT_JSON else argument.find(document, run.variables)
    if kind == "header":
        return response.headers.get(argument, MISSING)
    if kind == "cookie":
        # The session's jar holds cookies set during redirects too, not only the last response's.
        value = run.session.cookies.get(argument)
        if value is None:
            value = response.cookies.get(argument)
        return MISSING if value is None else value
    if kind == "regex":
        match = re.search(argument, response.text)
        if match is None:
            return MISSING
        return match.group(1) if match.groups() else match.group(0)
    return response.status_code  # kind == "status"
