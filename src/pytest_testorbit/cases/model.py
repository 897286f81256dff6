"""The case model: what the loader makes of a case file, in plain dataclasses.

Every template is already compiled here (a ``Render`` or None for a constant), and every
JSONPath parsed, so running a step does no parsing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types only: the model itself imports neither Jinja2 nor jsonpath-ng
    from ..expr.jsonpaths import JsonPath, TemplatedPath
    from ..expr.templating import Render


@dataclass(slots=True)
class Value:
    """A value from a case file that may hold templates: ``render`` is None for constants."""

    raw: Any
    render: Render | None = None

    def __call__(self, context: Any) -> Any:
        return self.render(context) if self.render else self.raw


@dataclass(slots=True)
class ValueCheck:
    """One expectation on one thing: a value or a matcher mapping, maybe with templates."""

    label: str  # what is checked, for messages: "status", "header Content-Type", "$.id"
    expected: Value


@dataclass(slots=True)
class PathCheck:
    path: JsonPath | TemplatedPath
    check: ValueCheck


@dataclass(slots=True)
class Expect:
    status: list[int] | None = None
    headers: list[tuple[str, ValueCheck]] = field(default_factory=list)
    json: list[PathCheck] = field(default_factory=list)
    body: ValueCheck | None = None
    schema: dict[str, Any] | None = None
    schema_source: str | None = None  # the file the schema came from, for messages
    openapi: Any = None  # an openapi.spec.Spec the response must agree with
    openapi_source: str | None = None  # its path as written, for messages
    schema_base: str | None = None  # the file: URI its relative $refs resolve against
    schema_roots: tuple[str, ...] = ()  # the folders those $refs may load files from
    max_ms: float | None = None


@dataclass(slots=True)
class Extraction:
    variable: str
    kind: str  # json, header, cookie, regex, status
    argument: Any  # the JsonPath, header or cookie name, or the pattern source
    source: str  # as written, for messages
    secret: bool = False  # ``secret: true``: masked by value wherever output would show it


@dataclass(slots=True)
class RequestSpec:
    method: Value
    url: Value
    options: dict[str, Value]  # params, headers, cookies, json, data, files, auth, timeout...


@dataclass(slots=True)
class Retry:
    times: int
    delay: float
    until: Expect


@dataclass
class Step:
    id: str
    name: str
    line: int
    request: RequestSpec | None = None
    expect: Expect = field(default_factory=Expect)
    extract: list[Extraction] = field(default_factory=list)
    retry: Retry | None = None
    skip_if: Value | None = None
    skip_if_source: str | None = None
    use: Use | None = None


@dataclass
class Use:
    """``use: other.orbit.yaml``: that file's steps, run here in place."""

    path: Path
    variables: dict[str, Value]
    steps: list[Step]
    display: str = ""  # the used file as messages name it (rootdir-relative under pytest)


@dataclass
class Group:
    id: str
    path: Path  # the case file
    line: int
    title: str = ""
    owners: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    parallel: bool = True
    variables: dict[str, Value] = field(default_factory=dict)
    on_failure: str = "stop"  # or "continue"
    steps: list[Step] = field(default_factory=list)
    # One (param id, row) per instance; [("", {})] when not parametrized.
    instances: list[tuple[str, dict[str, Value]]] = field(default_factory=lambda: [("", {})])
