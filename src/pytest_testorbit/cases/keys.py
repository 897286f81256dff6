"""The keys and words of the case-file format: one table per mapping, one entry per key.

An entry is the key's name, one line saying what it is (what an editor shows on hover) and
the JSON Schema of its value (``{}``: any value). The loader checks keys against the tables'
names, and ``schemagen.py`` builds the JSON Schema from the same entries, so the loader, the
schema and the docs' tests cannot drift apart. The loader's own checks (``loader.py``,
``request.py``, ``expect.py``) judge the values; ``tests/test_schema.py`` holds the schema
fragments here to what they accept and refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..expr import matchers
from .limits import MAX_RETRY_DELAY, MAX_RETRY_TIMES, MAX_TIMEOUT

Schema = dict[str, Any]


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its name, one line for editors, the JSON Schema of its value
    (a ``Table`` when the value is a mapping of known keys)."""

    name: str
    description: str
    schema: Schema | Table = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """The keys of one mapping, with what the mapping needs beside them.

    A ``Table`` may stand for a value inside another entry's schema: the generator writes it
    out as that mapping's schema (``type: object``, no other keys).
    """

    keys: tuple[Key, ...]
    description: str = ""
    required: tuple[str, ...] = ()
    rules: Schema = field(default_factory=dict)  # more of the mapping's schema (allOf, ...)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)


def ref(name: str) -> Schema:
    """A pointer to one of the schema's shared definitions."""
    return {"$ref": f"#/definitions/{name}"}


def or_empty(schema: Schema) -> Schema:
    """``schema``, or nothing (``tags:`` left empty is YAML's null): the loader takes both."""
    return {"anyOf": [schema, {"type": "null"}]}


def or_template(schema: Schema) -> Schema:
    """``schema``, or a template that gives such a value when the step runs."""
    return {"anyOf": [schema, ref("template")]}


# str.isidentifier, as JSON Schema can say it: letters of any script, digits, _
NAME_PATTERN = "^[A-Za-z_\\u00aa-\\uffff][A-Za-z0-9_\\u00aa-\\uffff]*$"
ID_PATTERN = "^[A-Za-z0-9_\\-\\u00aa-\\uffff]+$"  # slugs.is_valid_id
TEMPLATE_PATTERN = "\\{\\{"
STATUS_MIN, STATUS_MAX = 100, 599
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
ON_FAILURE = ("stop", "continue")
_NAMES = {"type": "string", "pattern": NAME_PATTERN}
_TEXT = {"type": "string"}
_SCALAR = {"type": ["string", "number", "boolean"]}  # written out as text
_FREE_TEXT = {"type": ["string", "number", "boolean", "null"]}  # title: 2024 is text too


# -- the step's parts, innermost first ------------------------------------------------------

FILE = Table(
    (
        Key("path", "The file's path, relative to the case file.", _TEXT),
        Key("filename", "The file name sent (default: the path's name).", _TEXT),
        Key("content_type", "The part's Content-Type.", _TEXT),
    ),
    required=("path",),
)
AUTH_BASIC = Table(
    (
        Key(
            "basic",
            "HTTP Basic: [user, password].",
            {"type": "array", "minItems": 2, "maxItems": 2, "items": _SCALAR},
        ),
    ),
    required=("basic",),
)
AUTH_BEARER = Table(
    (Key("bearer", "Sent as 'Authorization: Bearer TOKEN'.", _SCALAR),), required=("bearer",)
)
AUTH_KINDS = (*AUTH_BASIC.names, *AUTH_BEARER.names)

_METHOD = {
    "enum": [*METHODS, *(m.lower() for m in METHODS)],
}
_METHOD_ANY_CASE = {
    "type": "string",
    "pattern": "^(?:"
    + "|".join("".join(f"[{c.upper()}{c.lower()}]" for c in m) for m in METHODS)
    + ")$",
}
REQUEST = Table(
    (
        Key(
            "method",
            "The HTTP method (any case), or a template.",
            {"anyOf": [_METHOD, _METHOD_ANY_CASE, ref("template")]},
        ),
        Key(
            "url",
            "Joined to the environment's base_url; a full URL (with ://) is used as is.",
            _TEXT,
        ),
        Key(
            "params",
            "Query parameters: name → value (a list repeats the parameter).",
            or_template({"type": "object"}),
        ),
        Key(
            "headers",
            "Request headers: name → value; added to the environment's headers.",
            or_template({"type": "object"}),
        ),
        Key("cookies", "Cookies to send: name → value.", or_template({"type": "object"})),
        Key(
            "json",
            "A JSON body (Content-Type: application/json). Whole-value templates keep their type.",
        ),
        Key(
            "data",
            "A form body (a mapping) or a raw text body (a string).",
            {"type": ["object", "string"]},
        ),
        Key(
            "files",
            "A multipart upload: form field → file path (relative to the case file), "
            "or {path, content_type, filename}.",
            {
                "type": "object",
                "additionalProperties": {
                    "description": "The file to upload.",
                    "anyOf": [_TEXT, FILE],
                },
            },
        ),
        Key(
            "auth",
            "{basic: [user, password]} or {bearer: TOKEN}.",
            {"oneOf": [AUTH_BASIC, AUTH_BEARER]},
        ),
        Key(
            "timeout",
            "Seconds to wait for the response (default: the environment's timeout, else 30).",
            or_template({"type": "number", "exclusiveMinimum": 0, "maximum": MAX_TIMEOUT}),
        ),
        Key(
            "allow_redirects", "Follow redirects (default true).", or_template({"type": "boolean"})
        ),
        Key(
            "verify",
            "TLS certificate verification for this request: true, false or the path of a CA "
            "bundle (default: the environment's).",
            {"type": ["boolean", "string"]},
        ),
    ),
    description="The HTTP request this step sends.",
    required=("method", "url"),
)

_STATUS_LIST = {"type": "array", "minItems": 1, "items": ref("status")}
EXPECT = Table(
    (
        Key(
            "status",
            "The status code, or a list of the codes that pass (not a template).",
            {"anyOf": [ref("status"), _STATUS_LIST]},
        ),
        Key(
            "headers",
            "Response headers: name (case-insensitive) → value or matcher.",
            {
                "type": "object",
                "additionalProperties": {
                    "description": "The header's expected value (numbers and booleans compare "
                    "as text) or a matcher.",
                    "anyOf": [
                        {"type": ["string", "number", "boolean", "null"]},
                        ref("matcher"),
                    ],
                },
            },
        ),
        Key(
            "json",
            "JSONPath → expected value or matcher. A path that matches several values gives "
            "the list of them.",
            {
                "type": "object",
                "propertyNames": {"pattern": "^\\$"},
                "additionalProperties": {
                    **ref("expected"),
                    "description": "The value at this path, or a matcher.",
                },
            },
        ),
        Key(
            "body",
            "The body as text: a string it must equal, or a matcher such as {contains: ok} "
            "or {regex: ...}.",
            {"anyOf": [_TEXT, ref("matcher")]},
        ),
        Key(
            "schema",
            "A JSON Schema the JSON body must match: inline, or the path of a .json/.yaml file "
            "relative to the case file.",
            {"type": ["object", "string"]},
        ),
        Key(
            "openapi",
            "The path of an OpenAPI description (relative to the case file): the response's "
            "status must be documented for its operation, and its JSON body must match that "
            "response's schema.",
            {"type": "string", "minLength": 1},
        ),
        Key(
            "max_ms",
            "The longest response time allowed, in milliseconds.",
            {"type": "number", "exclusiveMinimum": 0},
        ),
    ),
    description="What the response must be. Without status, any 4xx or 5xx fails the step.",
)

_EXTRACT_KINDS = (
    Key("json", "A JSONPath into the JSON body.", ref("jsonpath")),
    Key("path", "A JSONPath into the JSON body (the same as json).", ref("jsonpath")),
    Key("header", "A response header's value.", {"type": "string", "minLength": 1}),
    Key(
        "cookie",
        "A cookie's value (set by this response or a redirect on the way).",
        {"type": "string", "minLength": 1},
    ),
    Key(
        "regex",
        "The first group of this pattern in the body (the whole match if it has no group).",
        _TEXT,
    ),
    Key("status", "The status code.", {"const": True}),
)
_EXTRACT_OPTIONS = (
    Key(
        "secret",
        "true: the value is a secret, masked as *** in every output and in the store from then on.",
        {"type": "boolean"},
    ),
)
EXTRACT_KINDS = tuple(key.name for key in _EXTRACT_KINDS)  # path: json's alias
EXTRACT_OPTIONS = tuple(key.name for key in _EXTRACT_OPTIONS)  # beside one kind
EXTRACTION = Table(
    (*_EXTRACT_KINDS, *_EXTRACT_OPTIONS),
    rules={
        "minProperties": 1,
        "maxProperties": 1 + len(EXTRACT_OPTIONS),
        "oneOf": [{"required": [kind]} for kind in EXTRACT_KINDS],
    },
)

RETRY = Table(
    (
        Key(
            "times",
            "Tries in all (default 3).",
            {"type": "integer", "minimum": 1, "maximum": MAX_RETRY_TIMES},
        ),
        Key(
            "delay",
            "Seconds between tries (default 0.5).",
            {"type": "number", "minimum": 0, "maximum": MAX_RETRY_DELAY},
        ),
        Key("until", "An expect block the response must match to stop retrying.", ref("expect")),
    ),
    description="Send the request up to `times` times in all, `delay` seconds apart, until the "
    "response matches `until`; then expect applies.",
    required=("until",),
)


def _required(*names: str) -> list[Schema]:
    return [{"required": [name]} for name in names]


STEP = Table(
    (
        Key(
            "name",
            "The display name; its slug is the step id unless `id:` is given.",
            ref("nameText"),
        ),
        Key("id", "An explicit step id (the last part of the pytest node id).", ref("identifier")),
        Key("description", "Free text.", _FREE_TEXT),
        Key("request", "The HTTP request.", ref("request")),
        Key("expect", "What the response must be.", ref("expect")),
        Key(
            "extract",
            "Variables taken from the response for the steps after this one: name → where.",
            {
                "type": "object",
                "propertyNames": {"pattern": NAME_PATTERN},
                "additionalProperties": ref("extraction"),
            },
        ),
        Key("retry", "Resend until the response matches.", ref("retry")),
        Key(
            "skip_if",
            "Skip this step when true: true, false, or a template such as "
            "\"{{ env_name == 'prod' }}\".",
            {"anyOf": [{"type": "boolean"}, {"type": "string", "pattern": TEMPLATE_PATTERN}]},
        ),
        Key(
            "use",
            "Run the steps of another case file (one group) here, in place; the variables "
            "they extract are available to the steps after this one.",
            {"type": "string", "minLength": 1},
        ),
        Key("with", "Variables for the used file's steps.", or_empty(ref("variables"))),
    ),
    description="One step: a request with expectations, or `use:` of another case file.",
    rules={
        "allOf": [
            {"anyOf": _required("name", "id", "use")},  # a step needs a name
            {"oneOf": _required("request", "use")},  # a request, or another file's steps
            {
                "if": {"required": ["use"]},
                "then": {"not": {"anyOf": _required("expect", "extract", "retry")}},
                "else": {"not": {"required": ["with"]}},
            },
        ]
    },
)

# -- the group ---------------------------------------------------------------------------------

_ROWS = {"type": "array", "minItems": 1, "items": ref("variables")}
PARAMETRIZE = Table(
    (
        Key(
            "ids",
            "One id per row, unique.",
            or_empty({"type": "array", "items": ref("identifier")}),
        ),
        Key("rows", "The rows: mappings of variables.", _ROWS),
    ),
    required=("rows",),
)
GROUP = Table(
    (
        Key(
            "name",
            "The group's id (slugified); default: the file name without .orbit.yaml.",
            ref("nameText"),
        ),
        Key("title", "Free text for reports.", _FREE_TEXT),
        Key("description", "Free text.", _FREE_TEXT),
        Key("owners", "E-mail addresses told about scheduled runs.", or_empty(ref("stringList"))),
        Key(
            "tags",
            "pytest marks: `pytest -m smoke`.",
            {"anyOf": [_NAMES, {"type": "array", "items": _NAMES}, {"type": "null"}]},
        ),
        Key(
            "parallel",
            "false: run on one worker with the other serial groups (default true).",
            {"type": "boolean"},
        ),
        Key(
            "variables",
            "The group's variables (over the environment's).",
            or_empty(ref("variables")),
        ),
        Key(
            "parametrize",
            "One group instance per row: a list of rows (ids 0, 1, ...), "
            "or {ids: [...], rows: [...]}.",
            {"anyOf": [_ROWS, PARAMETRIZE]},
        ),
        Key(
            "on_failure",
            "stop (default): later steps are blocked; continue: they run anyway.",
            {"enum": list(ON_FAILURE)},
        ),
        Key(
            "steps",
            "The steps, run in order.",
            {"type": "array", "minItems": 1, "items": ref("step")},
        ),
    ),
    description="One case group: an ordered list of steps, each a pytest item. Each YAML "
    "document of a file is one group.",
    required=("steps",),
)

MATCHER = Table(
    tuple(Key(m.name, m.description, m.schema) for m in matchers.MATCHERS),
    description="A matcher: one or more checks that must all hold. A mapping is always a "
    "matcher; compare with an object through {eq: {...}}.",
    rules={"minProperties": 1},
)

# The shared definitions the entries above point at (``ref``): shapes of values, and the
# tables that more than one key takes.
DEFINITIONS: dict[str, Schema | Table] = {
    "template": {
        "type": "string",
        "pattern": TEMPLATE_PATTERN,
        "description": "A template, rendered when the step runs: {{ name }}, {{ env.NAME }}, "
        "filters.",
    },
    "variables": {
        "description": "Variables: name → value. Values may be templates; a whole-value template "
        'such as "{{ qty }}" keeps the type of its value.',
        "type": "object",
        "propertyNames": {"pattern": NAME_PATTERN},
        "additionalProperties": {
            "description": "A variable's value: any YAML value, templates allowed."
        },
    },
    "stringList": {
        "description": "A string, or a list of strings.",
        "anyOf": [_TEXT, {"type": "array", "items": _TEXT}],
    },
    "identifier": {
        "description": "Letters (of any script), digits, '_' and '-'.",
        "anyOf": [{"type": "string", "pattern": ID_PATTERN}, {"type": "integer"}],
    },
    "nameText": {
        "description": "A name; it may not contain '::'.",
        "anyOf": [
            {"type": "string", "pattern": "\\S", "not": {"pattern": "::"}},
            {"type": "integer"},
        ],
    },
    "status": {
        "description": f"An HTTP status code, {STATUS_MIN}-{STATUS_MAX}.",
        "type": "integer",
        "minimum": STATUS_MIN,
        "maximum": STATUS_MAX,
    },
    "matcher": MATCHER,
    "expected": {
        "description": "A plain value (string, number, boolean, null or list) means eq; a "
        "mapping is a matcher.",
        "anyOf": [{"type": ["string", "number", "boolean", "null", "array"]}, ref("matcher")],
    },
    "jsonpath": {
        "description": "A JSONPath into the JSON body (jsonpath-ng extended syntax): $.a.b, "
        "$.a[0], $.a[*].b, $.a[?n > 1], $.data.用户.",
        "type": "string",
        "pattern": "^\\$",
    },
    "expect": EXPECT,
    "request": REQUEST,
    "extraction": {
        "description": "A JSONPath into the JSON body, or one of {json: PATH} (also written "
        "{path: PATH}), {header: NAME}, {cookie: NAME}, {regex: PATTERN}, {status: true}, "
        "each with an optional secret: true. Finding nothing fails the step.",
        "anyOf": [ref("jsonpath"), EXTRACTION],
    },
    "retry": RETRY,
    "step": STEP,
}

GROUP_KEYS = GROUP.names
STEP_KEYS = STEP.names
REQUEST_KEYS = REQUEST.names
EXPECT_KEYS = EXPECT.names
RETRY_KEYS = RETRY.names
FILE_KEYS = FILE.names
PARAMETRIZE_KEYS = PARAMETRIZE.names
