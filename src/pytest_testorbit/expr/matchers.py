"""Matchers: ``{gt: 3}``, ``{type: string}``, ``{one_of: [new, paid]}``...

A plain value means ``eq``; a mapping is always a matcher (``{eq: {...}}`` compares an
object). Each check returns None when it holds, or a short sentence saying what was wrong.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MISSING: Any = object()  # the value of a path or header that is not there

TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def _json_type(value: Any) -> str:
    for name in ("boolean", "integer", "number", "string", "array", "object", "null"):
        if TYPES[name](value):
            return name
    return type(value).__name__


def _a(kind: str) -> str:
    """``an integer``, ``a string``: the type name with its article."""
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _equal(actual: Any, expected: Any) -> bool:
    # 1 == True in Python, but not in JSON: a boolean only equals a boolean.
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is type(expected) and actual == expected
    return bool(actual == expected)


def _compare(op: str, symbol: str) -> Callable[[Any, Any], str | None]:
    compare: Callable[[Any, Any], bool] = {
        "gt": lambda a, e: a > e,
        "ge": lambda a, e: a >= e,
        "lt": lambda a, e: a < e,
        "le": lambda a, e: a <= e,
    }[op]

    def check(actual: Any, expected: Any) -> str | None:
        try:
            return None if compare(actual, expected) else f"expected {symbol} {expected!r}"
        except TypeError:
            return f"expected {symbol} {expected!r}, but {_json_type(actual)} cannot be compared"

    return check


def _eq(actual: Any, expected: Any) -> str | None:
    return None if _equal(actual, expected) else f"expected {expected!r}"


def _ne(actual: Any, expected: Any) -> str | None:
    return f"expected anything but {expected!r}" if _equal(actual, expected) else None


def _contains(actual: Any, expected: Any) -> str | None:
    try:
        if isinstance(actual, dict) and isinstance(expected, dict):
            held = all(k in actual and _equal(actual[k], v) for k, v in expected.items())
        else:
            held = expected in actual
    except TypeError:
        return f"expected something that contains {expected!r}, got {_a(_json_type(actual))}"
    return None if held else f"expected to contain {expected!r}"


@lru_cache(maxsize=1024)
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _regex(actual: Any, expected: Any) -> str | None:
    if not isinstance(actual, str):
        return f"expected a string matching /{expected}/, got {_a(_json_type(actual))}"
    return None if _pattern(expected).search(actual) else f"expected to match /{expected}/"


def _type(actual: Any, expected: Any) -> str | None:
    return (
        None if TYPES[expected](actual) else f"expected type {expected}, got {_json_type(actual)}"
    )


def _len(actual: Any, expected: Any) -> str | None:
    try:
        size = len(actual)
    except TypeError:
        return f"expected length {expected!r}, but {_a(_json_type(actual))} has no length"
    if isinstance(expected, dict):  # {len: {ge: 2}}: a matcher on the length
        problems = check_value(size, expected)
        return f"length {size}: {'; '.join(problems)}" if problems else None
    return None if size == expected else f"expected length {expected}, got length {size}"


def _one_of(actual: Any, expected: Any) -> str | None:
    return (
        None if any(_equal(actual, item) for item in expected) else f"expected one of {expected!r}"
    )


def _approx(actual: Any, expected: Any) -> str | None:
    if isinstance(expected, dict):
        rel, tolerance = expected.get("rel"), expected.get("abs")  # empty: the default
        target = expected["value"]
        rel, tolerance = 1e-6 if rel is None else rel, 1e-12 if tolerance is None else tolerance
    else:
        target, rel, tolerance = expected, 1e-6, 1e-12
    if not TYPES["number"](actual):
        return f"expected a number close to {target!r}, got {_a(_json_type(actual))}"
    close = math.isclose(actual, target, rel_tol=rel, abs_tol=tolerance)
    return None if close else f"expected approximately {target!r} (rel {rel}, abs {tolerance})"


def _exists(actual: Any, expected: Any) -> str | None:
    present = actual is not MISSING
    if present == bool(expected):
        return None
    return "expected it to exist" if expected else "expected it to be absent"


def check_value(actual: Any, expected: Any) -> list[str]:
    """Every way ``actual`` fails ``expected`` (a plain value or a matcher mapping)."""
    matcher = expected if isinstance(expected, dict) else {"eq": expected}
    problems = []
    if actual is MISSING and "exists" not in matcher:
        return [f"expected {expected!r}"]
    if isinstance(expected, dict):
        # Collection checked the matcher, but not what its templates gave ({regex: "{{ p }}"}).
        invalid = validate_matcher(matcher)
        if invalid is not None:
            name, message, argument = invalid
            return [f"{message} (the template gave {argument!r})"]
    for name, argument in matcher.items():
        problem = CHECKS[name](actual, argument)
        if problem:
            problems.append(problem)
    return problems


Problem = tuple[str, str, Any]  # the matcher key at fault, the message, the bad value


def regex_problem(source: str) -> Problem | None:
    """Why ``source`` is no regular expression, as ``validate_matcher`` says it; None if it is."""
    try:
        _pattern(source)
    except re.error as exc:
        return "regex", f"invalid regular expression: {exc}", source
    return None


def validate_matcher(matcher: dict[Any, Any]) -> Problem | None:
    """The first wrong part of a matcher as (key, message, bad value), or None when it is fine.

    Templates (strings with ``{{``) pass here: their values are only known at run time.
    """
    for name, argument in matcher.items():
        if name not in CHECKS:
            return str(name), f"unknown matcher '{name}'", name
        if isinstance(argument, str) and "{{" in argument:
            continue
        check = _ARGUMENT_CHECKS.get(name)
        problem = check(name, argument) if check else None
        if problem:
            return problem
    return None


# -- what each matcher takes: a check per name, giving a Problem for a wrong argument ------


def _type_argument(name: str, argument: Any) -> Problem | None:
    if isinstance(argument, (list, dict)):  # [string, "null"] is not one type (nor hashable)
        names = ", ".join(TYPES)
        return name, f"type takes one type name ({names}), not {_kind(argument)}", argument
    return None if argument in TYPES else (name, f"unknown type {argument!r}", argument)


def _regex_argument(name: str, argument: Any) -> Problem | None:
    if not isinstance(argument, str):
        return name, "regex takes a string pattern", argument
    return regex_problem(argument)


def _one_of_argument(name: str, argument: Any) -> Problem | None:
    if not isinstance(argument, list):
        return name, "one_of takes a list of values", argument
    if not argument:
        return name, "one_of [] never holds: list the values a result may have", argument
    return None


def _exists_argument(name: str, argument: Any) -> Problem | None:
    return None if isinstance(argument, bool) else (name, "exists takes true or false", argument)


def _len_argument(name: str, argument: Any) -> Problem | None:
    if isinstance(argument, dict):  # a matcher of the length: {ge: 1}
        if not argument:
            return name, "len takes a whole number or a matcher such as {ge: 1}, not {}", argument
        return validate_matcher(argument)
    if isinstance(argument, bool) or not isinstance(argument, int) or argument < 0:
        return name, "len takes a whole number (or a matcher such as {ge: 1})", argument
    return None


def _kind(argument: Any) -> str:
    return "a mapping" if isinstance(argument, dict) else "a list"


def _ordering_argument(name: str, argument: Any) -> Problem | None:
    if argument is None or isinstance(argument, (dict, list, bool)):
        return name, f"{name} takes a number or a string", argument
    return None


def _approx_argument(name: str, argument: Any) -> Problem | None:
    parts = argument if isinstance(argument, dict) else {"value": argument}
    if "value" in parts and all(_approx_part(key, value) for key, value in parts.items()):
        return None
    return name, "approx takes a number, or {value: N, rel: R, abs: A}", argument


def _approx_part(key: Any, value: Any) -> bool:
    """value, rel and abs are numbers (or templates); rel and abs may be left empty, and are
    never negative (math.isclose refuses a negative tolerance)."""
    if key not in APPROX_PARTS or (key == "value" and value is None):
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return key == "value" or value >= 0
    return value is None or (isinstance(value, str) and "{{" in value)


@dataclass(frozen=True)
class Matcher:
    """One matcher: how it compares, how its argument is checked at load time, and what it
    is for editors (one line, and the JSON Schema of its argument: ``{}`` takes any value)."""

    name: str
    check: Callable[[Any, Any], str | None]
    argument: Callable[[str, Any], Problem | None] | None
    description: str
    schema: dict[str, Any] = field(default_factory=dict)


_Schema = dict[str, Any]
_TEMPLATE: _Schema = {"$ref": "#/definitions/template"}
_ORDERED: _Schema = {"anyOf": [{"type": "number"}, {"type": "string"}]}
_NUMBER_OR_TEMPLATE: _Schema = {"anyOf": [{"type": "number"}, _TEMPLATE]}
_TOLERANCE: _Schema = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "null"}, _TEMPLATE]}
APPROX_PARTS: dict[str, tuple[str, _Schema]] = {  # {approx: {value: N, rel: R, abs: A}}
    "value": ("The number to be close to.", _NUMBER_OR_TEMPLATE),
    "rel": ("Relative tolerance.", _TOLERANCE),
    "abs": ("Absolute tolerance.", _TOLERANCE),
}
_APPROX_MAPPING = {
    "type": "object",
    "required": ["value"],
    "additionalProperties": False,
    "properties": {
        name: {**schema, "description": description}
        for name, (description, schema) in APPROX_PARTS.items()
    },
}

MATCHERS = (
    Matcher(
        "eq",
        _eq,
        None,
        "Equal to this value (a boolean only equals a boolean). Example: {eq: {id: 1}}",
    ),
    Matcher("ne", _ne, None, "Anything but this value. Example: {ne: null}"),
    Matcher(
        "gt", _compare("gt", ">"), _ordering_argument, "Greater than. Example: {gt: 0}", _ORDERED
    ),
    Matcher(
        "ge",
        _compare("ge", ">="),
        _ordering_argument,
        "Greater than or equal to. Example: {ge: 1}",
        _ORDERED,
    ),
    Matcher(
        "lt", _compare("lt", "<"), _ordering_argument, "Less than. Example: {lt: 100}", _ORDERED
    ),
    Matcher(
        "le",
        _compare("le", "<="),
        _ordering_argument,
        "Less than or equal to. Example: {le: 99.5}",
        _ORDERED,
    ),
    Matcher(
        "contains",
        _contains,
        None,
        "A substring of a string, an item of a list, or key/value pairs of an object. "
        "Example: {contains: paid}",
    ),
    Matcher(
        "regex",
        _regex,
        _regex_argument,
        "A regular expression (Python syntax) found in the string. Example: {regex: '^ord-\\d+$'}",
        {"type": "string"},
    ),
    Matcher(
        "type",
        _type,
        _type_argument,
        "The JSON type of the value. Example: {type: string}",
        {"anyOf": [{"enum": list(TYPES)}, _TEMPLATE]},
    ),
    Matcher(
        "len",
        _len,
        _len_argument,
        "The length of a string, list or object: a whole number or a matcher. "
        "Example: {len: 3}, {len: {ge: 1}}",
        {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"$ref": "#/definitions/matcher"},
                _TEMPLATE,
            ]
        },
    ),
    Matcher(
        "exists",
        _exists,
        _exists_argument,
        "true: the path or header is there; false: it is absent. Example: {exists: false}",
        {"anyOf": [{"type": "boolean"}, _TEMPLATE]},
    ),
    Matcher(
        "one_of",
        _one_of,
        _one_of_argument,
        "Equal to one of these values. Example: {one_of: [new, paid]}",
        {"anyOf": [{"type": "array", "minItems": 1}, _TEMPLATE]},
    ),
    Matcher(
        "approx",
        _approx,
        _approx_argument,
        "A number close to this one (default rel 1e-6, abs 1e-12). "
        "Example: {approx: 19.99}, {approx: {value: 20, abs: 0.01}}",
        {"anyOf": [{"type": "number"}, _APPROX_MAPPING, _TEMPLATE]},
    ),
)
CHECKS = {matcher.name: matcher.check for matcher in MATCHERS}
NAMES = tuple(CHECKS)
_ARGUMENT_CHECKS = {m.name: m.argument for m in MATCHERS if m.argument is not None}
