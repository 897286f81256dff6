"""Reading ``expect:``, ``extract:`` and ``retry:``: matchers checked, JSONPaths parsed."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import OrbitError, did_you_mean
from ..expr import matchers
from ..expr.jsonpaths import TemplatedPath, compile_path
from .jsonschemas import breadcrumb, schema_problem
from .keys import EXPECT_KEYS, EXTRACT_KINDS, RETRY_KEYS, STATUS_MAX, STATUS_MIN
from .limits import MAX_RETRY_DELAY, MAX_RETRY_TIMES
from .model import (
    Expect,
    Extraction,
    PathCheck,
    Retry,
    ValueCheck,
)
from .paths import resolve_inside
from .reader import Keys, Reader
from .schemarefs import check_refs
from .yamlsrc import line_of, load_documents, plain


class ExpectReader(Reader):
    def expect(self, data: dict[Any, Any], keys: Keys) -> Expect:
        self.check_keys(data, EXPECT_KEYS, keys, "expect")
        expect = Expect()
        if "status" in data:
            expect.status = self.status(data, (*keys, "status"))
        if "headers" in data:
            headers = self.mapping(
                data["headers"], data, "headers", (*keys, "headers"), "expect.headers"
            )
            for name, expected in headers.items():
                if isinstance(expected, list):
                    raise self.error(
                        f"header {name} is one text value or a matcher, not a list; "
                        "use {one_of: [...]} for several",
                        headers,
                        name,
                        (*keys, "headers", name),
                    )
                if not isinstance(expected, (dict, str)) and expected is not None:
                    expected = (
                        str(expected).lower() if isinstance(expected, bool) else str(expected)
                    )
                check = self.check(
                    f"header {name}", expected, headers, name, (*keys, "headers", name)
                )
                expect.headers.append((str(name), check))
        if "json" in data:
            paths = self.mapping(data["json"], data, "json", (*keys, "json"), "expect.json")
            for source, expected in paths.items():
                path = self.jsonpath(source, paths, source, (*keys, "json", source))
                expect.json.append(
                    PathCheck(
                        path,
                        self.check(str(source), expected, paths, source, (*keys, "json", source)),
                    )
                )
        if "body" in data:
            if not isinstance(data["body"], (str, dict)):
                raise self.error(
                    "body is the expected text, or a matcher such as {contains: ...}",
                    data,
                    "body",
                    (*keys, "body"),
                )
            expect.body = self.check("body", data["body"], data, "body", (*keys, "body"))
        if "schema" in data:
            expect.schema, expect.schema_source = self.schema(data, (*keys, "schema"))
            expect.schema_base = self.schema_base(data["schema"])
            expect.schema_roots = tuple(str(root) for root in self.loader.roots)
        if "openapi" in data:
            expect.openapi = self.openapi(data, (*keys, "openapi"))
            expect.openapi_source = str(data["openapi"])
        if "max_ms" in data:
            limit = data["max_ms"]
            if (
                isinstance(limit, bool)
                or not isinstance(limit, (int, float))
                or not 0 < limit < math.inf
            ):
                raise self.error(
                    f"max_ms must be a positive number of milliseconds, not {limit!r}",
                    data,
                    "max_ms",
                    (*keys, "max_ms"),
                )
            expect.max_ms = float(limit)
        return expect

    def status(self, data: dict[Any, Any], keys: Keys) -> list[int]:
        raw = data["status"]
        codes = raw if isinstance(raw, list) else [raw]
        if not codes:
            raise self.error(
                "status must be a status code or a non-empty list of them", data, "status", keys
            )
        for code in codes:
            if (
                isinstance(code, bool)
                or not isinstance(code, int)
                or not STATUS_MIN <= code <= STATUS_MAX
            ):
                raise self.error(
                    f"status must be an HTTP status code ({STATUS_MIN}-{STATUS_MAX}) "
                    f"or a list of them, not {code!r}",
                    data,
                    "status",
                    keys,
                )
        return list(codes)

    def check(self, label: str, expected: Any, parent: Any, key: Any, keys: Keys) -> ValueCheck:
        if isinstance(expected, dict):
            if not expected:
                raise self.error(
                    "an empty matcher checks nothing; "
                    "write {eq: {}} to compare with an empty object",
                    parent,
                    key,
                    keys,
                )
            problem = matchers.validate_matcher(expected)
            if problem:
                bad_key, message, _ = problem
                suggestion = (
                    did_you_mean(bad_key, matchers.NAMES)
                    if message.startswith("unknown matcher")
                    else None
                )
                raise self.error(
                    message,
                    expected,
                    bad_key,
                    (*keys, bad_key),
                    suggestion=suggestion,
                    choices=matchers.NAMES
                    if suggestion is not None or message.startswith("unknown matcher")
                    else (),
                )
        return ValueCheck(label, self.value(expected, parent, key, keys))

    def jsonpath(self, source: Any, parent: Any, key: Any, keys: Keys) -> Any:
        if not isinstance(source, str) or not source.startswith("$"):
            raise self.error(
                f"{source!r} is not a JSONPath: it starts with '$', as in $.data.id",
                parent,
                key,
                keys,
            )
        try:
            if "{{" in source:
                render = self.value(source, parent, key, keys).render
                assert render is not None
                return TemplatedPath(source, render)
            return compile_path(source)
        except ValueError as exc:
            raise self.error(f"invalid JSONPath {source!r}: {exc}", parent, key, keys) from None

    def schema(self, data: dict[Any, Any], keys: Keys) -> tuple[dict[str, Any], str | None]:
        schema, source, folder = self.schema_document(data, keys)
        try:
            check_refs(schema, folder, self.loader.roots)
        except ValueError as exc:
            raise self.error(f"schema: {exc}", data, "schema", keys) from None
        return schema, source

    def schema_document(
        self, data: dict[Any, Any], keys: Keys
    ) -> tuple[dict[str, Any], str | None, Path]:
        raw = data["schema"]
        if isinstance(raw, dict):
            problem = schema_problem(raw)
            if problem is not None:
                where, message = problem
                parent, key = _container_of(raw, where, data, "schema")
                raise self.error(
                    f"expect.schema is not a valid JSON Schema: {message}",
                    parent,
                    key,
                    (*keys, *where),
                )
            return plain(raw), None, self.path.parent
        if not isinstance(raw, str):
            raise self.error(
                "schema is a JSON Schema mapping, or the path of a .json/.yaml file",
                data,
                "schema",
                keys,
            )
        try:
            path = resolve_inside(self.path.parent, raw, self.loader.roots)
        except ValueError as exc:
            raise self.error(f"schema file {exc}", data, "schema", keys) from None
        if not path.is_file():
            raise self.error(
                f"schema file {raw!r} does not exist (paths are relative to the case file)",
                data,
                "schema",
                keys,
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise self.error(
                f"cannot read schema file {raw!r}: {exc}", data, "schema", keys
            ) from None
        documents = load_documents(text, str(path))  # JSON is YAML
        if not documents or not isinstance(documents[0][0], dict):
            raise self.error(
                f"schema file {raw!r} does not hold a JSON Schema object", data, "schema", keys
            )
        schema = documents[0][0]
        problem = schema_problem(schema)
        if problem is not None:
            where, message = problem
            parent, key = _container_of(schema, where, schema, None)
            at = f" at {breadcrumb(where)}" if where else ""
            raise self.error(
                f"schema file {raw!r} is not a valid JSON Schema: {message} "
                f"({raw}:{line_of(parent, key, line_of(schema, None))}{at})",
                data,
                "schema",
                keys,
            )
        return plain(schema), raw, path.parent

    def schema_base(self, raw: Any) -> str:
        """The URI the schema's relative ``$ref``s resolve against: its file, or the case file."""
        if isinstance(raw, str):
            return (self.path.parent / raw).resolve().as_uri()
        return self.path.as_uri()

    def openapi(self, data: dict[Any, Any], keys: Keys) -> Any:
        """The OpenAPI description the response is checked against, read once per session."""
        raw = data["openapi"]
        if not isinstance(raw, str) or not raw.strip():
            raise self.error(
                "openapi is the path of an OpenAPI description, relative to the case file",
                data,
                "openapi",
                keys,
            )
        try:
            path = resolve_inside(self.path.parent, raw, self.loader.roots)
        except ValueError as exc:
            raise self.error(f"OpenAPI description {exc}", data, "openapi", keys) from None
        if not path.is_file():
            raise self.error(
                f"OpenAPI description {raw!r} does not exist (paths are relative to the case file)",
                data,
                "openapi",
                keys,
            )
        try:
            return self.loader.openapi_spec(path)
        except OrbitError as exc:
            raise self.error(f"cannot use {raw!r}: {exc}", data, "openapi", keys) from None

    def extract(self, data: dict[Any, Any], keys: Keys) -> list[Extraction]:
        extractions = []
        for variable, spec in data.items():
            where = (*keys, variable)
            if not isinstance(variable, str) or not variable.isidentifier():
                raise self.error(
                    f"extract variable {variable!r} must be a name (letters, digits, _)",
                    data,
                    variable,
                    where,
                )
            extractions.append(self.extraction(variable, spec, data, where))
        return extractions

    def extraction(self, variable: str, spec: Any, data: Any, where: Keys) -> Extraction:
        if isinstance(spec, str):
            return Extraction(variable, "json", self.jsonpath(spec, data, variable, where), spec)
        secret = False
        if isinstance(spec, dict) and "secret" in spec:
            secret = spec["secret"]
            if not isinstance(secret, bool):
                raise self.error(
                    "extract secret must be true or false", spec, "secret", (*where, "secret")
                )
        # The kind is what is left beside secret:; errors point into the mapping as written.
        kinds = (
            {key: value for key, value in spec.items() if key != "secret"}
            if isinstance(spec, dict)
            else spec
        )
        if not isinstance(kinds, dict) or len(kinds) != 1:
            raise self.error(
                "extract takes a JSONPath, or one of {json: PATH}, {header: NAME}, "
                "{cookie: NAME}, {regex: PATTERN}, {status: true}, "
                "each with an optional secret: true",
                data,
                variable,
                where,
                choices=EXTRACT_KINDS,
            )
        kind, argument = next(iter(kinds.items()))
        if kind not in EXTRACT_KINDS:
            raise self.error(
                f"unknown extract kind '{kind}'",
                spec,
                kind,
                (*where, kind),
                suggestion=did_you_mean(str(kind), EXTRACT_KINDS),
                choices=EXTRACT_KINDS,
            )
        argument = _EXTRACT_ARGUMENTS.get(kind, ExpectReader.extract_name)(
            self, kind, argument, spec, (*where, kind)
        )
        kind = "json" if kind == "path" else kind  # path: is json's other name
        source = f"{kind}: {argument if kind != 'json' else argument.source}"
        return Extraction(variable, kind, argument, source, secret=secret)

    def extract_path(self, kind: str, argument: Any, spec: Any, keys: Keys) -> Any:
        return self.jsonpath(argument, spec, kind, keys)

    def extract_regex(self, kind: str, argument: Any, spec: Any, keys: Keys) -> Any:
        # Extraction patterns are not templates: "{{" is checked like any pattern.
        problem = matchers.validate_matcher({"regex": argument})
        if problem is None and isinstance(argument, str) and "{{" in argument:
            problem = matchers.regex_problem(argument)
        if problem:
            raise self.error(problem[1], spec, kind, keys)
        return argument

    def extract_status(self, kind: str, argument: Any, spec: Any, keys: Keys) -> Any:
        if argument is not True:
            raise self.error("extract {status: true} takes true", spec, kind, keys)
        return argument

    def extract_name(self, kind: str, argument: Any, spec: Any, keys: Keys) -> Any:
        """``header:`` and ``cookie:`` take the name of one."""
        if not isinstance(argument, str) or not argument:
            raise self.error(f"extract {{{kind}: NAME}} takes a {kind} name", spec, kind, keys)
        return argument

    def retry(self, data: dict[Any, Any], keys: Keys) -> Retry:
        self.check_keys(data, RETRY_KEYS, keys, "retry")
        times, delay = data.get("times", 3), data.get("delay", 0.5)
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise self.error(
                f"retry.times must be a whole number of tries, 1 or more, not {times!r}",
                data,
                "times",
                (*keys, "times"),
            )
        if times > MAX_RETRY_TIMES:
            raise self.error(
                f"retry.times must be at most {MAX_RETRY_TIMES} tries, not {times!r}",
                data,
                "times",
                (*keys, "times"),
            )
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not delay >= 0:
            raise self.error(
                f"retry.delay must be seconds, 0 or more, not {delay!r}",
                data,
                "delay",
                (*keys, "delay"),
            )
        if delay > MAX_RETRY_DELAY:
            raise self.error(
                f"retry.delay must be at most {MAX_RETRY_DELAY:g} seconds, not {delay!r}",
                data,
                "delay",
                (*keys, "delay"),
            )
        if "until" not in data:
            raise self.error(
                "retry needs 'until:', an expect block the response must match",
                data,
                None,
                (*keys, "until"),
            )
        until = self.expect(
            self.mapping(data["until"], data, "until", (*keys, "until"), "retry.until"),
            (*keys, "until"),
        )
        return Retry(times=times, delay=float(delay), until=until)


# How each extract kind's argument is read; header: and cookie: by ``extract_name``
_EXTRACT_ARGUMENTS: dict[str, Callable[[ExpectReader, str, Any, Any, Keys], Any]] = {
    "json": ExpectReader.extract_path,
    "path": ExpectReader.extract_path,
    "regex": ExpectReader.extract_regex,
    "status": ExpectReader.extract_status,
}


def _container_of(schema: Any, where: tuple[Any, ...], parent: Any, key: Any) -> tuple[Any, Any]:
    """The mapping or list holding ``schema[where...]`` and its key there: for the line."""
    for part in where:
        if not isinstance(schema, (dict, list)):
            break
        parent, key = schema, part
        schema = schema[part]
    return parent, key
