"""Postman test scripts → ``expect:`` and ``extract:``, for the lines that follow simple patterns.

A test script is JavaScript; we never run it and never guess. Each line is read on its own:
``pm.response.to.have.status(201)``, ``pm.expect(json.id).to.be.a('number')``,
``pm.environment.set('token', json.token)`` and their usual spellings become expectations and
extractions; the lines that only frame a test (``pm.test(... {``, ``});``, ``var json =
pm.response.json();``) are dropped; every other line is handed back untranslated, to be kept
as a comment and listed in the import's summary.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_FRAME = re.compile(
    r"^(pm\.test\(.*(function\s*\(\s*\)|\(\s*\)\s*=>)\s*\{|\}\s*\)?\s*;?|\)\s*;?|//.*|)$"
)
_JSON_VAR = re.compile(r"^(?:var|let|const)\s+(\w+)\s*=\s*pm\.response\.json\(\)\s*;?$")
_EXPECT = re.compile(r"^pm\.expect\((?P<subject>.+?)\)\.to\.(?P<rest>.+?)\s*;?$")
_RESPONSE = re.compile(r"^pm\.response\.to\.(?P<rest>.+?)\s*;?$")
_CHAIN = re.compile(r"^(?P<words>(?:\w+\.)*)(?P<verb>\w+)(?:\((?P<arg>.*)\))?$")
_SET = re.compile(
    r"^pm\.(?:environment|collectionVariables|variables|globals)\.set\(\s*(['\"])(?P<name>[^'\"]+)"
    r"\1\s*,\s*(?P<value>.+?)\s*\)\s*;?$"
)
_GET = re.compile(
    r"^pm\.(?:environment|collectionVariables|variables|globals)\.get\(\s*(['\"])([^'\"]+)\1\s*\)$"
)
_HEADER = re.compile(r"^pm\.response\.headers\.get\(\s*(['\"])([^'\"]+)\1\s*\)$")
_ACCESS = re.compile(r"\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[\s*(['\"])(.*?)\3\s*\]")
_TYPES = {"string", "number", "boolean", "array", "object", "null"}
_COMPARE = {"above": "gt", "greaterThan": "gt", "below": "lt", "lessThan": "lt"}
_COMPARE.update({"least": "ge", "most": "le", "gte": "ge", "lte": "le", "gt": "gt", "lt": "lt"})


class _Untranslated(Exception):
    pass


@dataclass
class Translated:
    expect: dict[str, Any] = field(default_factory=dict)
    extract: dict[str, Any] = field(default_factory=dict)
    untranslated: list[str] = field(default_factory=list)


def translate(lines: list[str], variable_name: Any) -> Translated:
    """Read a test script; ``variable_name`` turns a Postman variable name into ours."""
    result = Translated()
    json_names = {"pm.response.json()"}
    for raw in lines:
        line = raw.strip()
        match = _JSON_VAR.match(line)
        if match:
            json_names.add(match.group(1))
            continue
        if _FRAME.match(line):
            continue
        try:
            _line(line, json_names, variable_name, result)
        except _Untranslated:
            result.untranslated.append(raw.rstrip())
    return result


def _line(line: str, json_names: set[str], variable_name: Any, result: Translated) -> None:
    match = _SET.match(line)
    if match:
        source = match.group("value")
        header = _HEADER.match(source)
        where: Any = {"header": header.group(2)} if header else _jsonpath(source, json_names)
        result.extract[variable_name(match.group("name"))] = where
        return
    match = _RESPONSE.match(line)
    if match:
        _response(match.group("rest"), result, variable_name)
        return
    match = _EXPECT.match(line)
    if not match:
        raise _Untranslated
    words, verb, arg = _chain(match.group("rest"))
    subject = match.group("subject").strip()
    expect = result.expect
    if subject == "pm.response.code":
        if (verb in ("eql", "equal", "eq", "equals") and "not" not in words) or (
            verb == "oneOf" and "not" not in words
        ):
            expect["status"] = _status(arg)
        else:
            raise _Untranslated
    elif subject == "pm.response.responseTime" and verb in ("below", "lessThan", "lt"):
        expect["max_ms"] = _number(arg)
    elif subject == "pm.response.text()":
        expect["body"] = _matcher(words, verb, arg, variable_name)
    elif header_match := _HEADER.match(subject):
        name = header_match.group(2)
        expect.setdefault("headers", {})[name] = _matcher(words, verb, arg, variable_name)
    else:
        path = _jsonpath(subject, json_names)
        if verb == "property" and arg:
            name, value = _property(arg, variable_name)
            path = f"{path}.{name}" if re.fullmatch(r"\w+", name) else f"{path}['{name}']"
            matcher: Any = {"exists": True} if value is _NONE else _equal(value)
            if "not" in words:
                if value is not _NONE:
                    raise _Untranslated
                matcher = {"exists": False}
        else:
            matcher = _matcher(words, verb, arg, variable_name)
        expect.setdefault("json", {})[path] = matcher


def _response(rest: str, result: Translated, variable_name: Any) -> None:
    words, verb, arg = _chain(rest)
    if "not" in words:
        raise _Untranslated
    if verb == "status" and arg is not None:
        result.expect["status"] = _status(arg)
    elif verb == "ok" and arg is None:
        result.expect["status"] = 200  # Postman's "ok" is exactly 200
    elif verb == "header" and arg:
        name, value = _property(arg, variable_name)
        headers = result.expect.setdefault("headers", {})
        headers[name] = {"exists": True} if value is _NONE else value
    elif verb == "body" and arg:
        result.expect["body"] = _value(arg, variable_name)
    else:
        raise _Untranslated


def _chain(rest: str) -> tuple[list[str], str, str | None]:
    match = _CHAIN.match(rest.strip())
    if not match:
        raise _Untranslated
    return match.group("words").split(".")[:-1], match.group("verb"), match.group("arg")


def _jsonpath(expression: str, json_names: set[str]) -> str:
    expression = expression.strip()
    for name in sorted(json_names, key=len, reverse=True):
        if expression == name or expression.startswith((f"{name}.", f"{name}[")):
            rest, path, position = expression[len(name) :], "$", 0
            for match in _ACCESS.finditer(rest):
                if match.start() != position:
                    raise _Untranslated
                position = match.end()
                if match.group(1):
                    path += f".{match.group(1)}"
                elif match.group(2):
                    path += f"[{match.group(2)}]"
                else:
                    path += f"['{match.group(4)}']"
            if position != len(rest):
                raise _Untranslated
            return path
    raise _Untranslated


_NONE = object()


def _property(arg: str, variable_name: Any) -> tuple[str, Any]:
    match = re.match(r"^\s*(['\"])(.*?)\1\s*(?:,\s*(.+))?$", arg)
    if not match:
        raise _Untranslated
    value = match.group(3)
    return match.group(2), _NONE if value is None else _value(value, variable_name)


def _value(text: str | None, variable_name: Any) -> Any:
    """A JavaScript literal (or a variable read) as a YAML value."""
    if text is None:
        raise _Untranslated
    text = text.strip()
    get = _GET.match(text)
    if get:
        return "{{ " + variable_name(get.group(2)) + " }}"
    if re.fullmatch(r"'(?:[^'\\]|\\.)*'", text):
        text = '"' + text[1:-1].replace('"', '\\"').replace("\\'", "'") + '"'
    try:
        return json.loads(text)
    except ValueError:
        raise _Untranslated from None


def _status(arg: str | None) -> int | list[int]:
    value = _value(arg, str)
    codes = value if isinstance(value, list) else [value]
    if not codes or not all(isinstance(c, int) and 100 <= c <= 599 for c in codes):
        raise _Untranslated
    return codes if isinstance(value, list) else codes[0]


def _number(arg: str | None) -> int | float:
    value = _value(arg, str)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Untranslated
    return value


def _equal(value: Any) -> Any:
    return {"eq": value} if isinstance(value, dict) else value


def _matcher(words: list[str], verb: str, arg: str | None, variable_name: Any) -> Any:
    negated = "not" in words
    if verb in ("eql", "equal", "eq", "equals"):
        value = _value(arg, variable_name)
        return {"ne": value} if negated else _equal(value)
    if negated:
        if verb == "exist" and arg is None:
            return {"exists": False}
        raise _Untranslated
    if verb in ("a", "an") and arg:
        kind = _value(arg, variable_name)
        if kind not in _TYPES:
            raise _Untranslated
        return {"type": kind}
    if verb in ("include", "contain", "contains", "includes") and arg:
        return {"contains": _value(arg, variable_name)}
    if verb in ("lengthOf", "length") and arg:
        return {"len": _number(arg)}
    if verb in _COMPARE and arg:
        return {_COMPARE[verb]: _number(arg)}
    if verb == "oneOf" and arg:
        return {"one_of": _value(arg, variable_name)}
    if verb == "match" and arg and re.fullmatch(r"/.*/", arg.strip()):
        return {"regex": arg.strip()[1:-1]}
    if arg is None and verb in ("true", "false", "null"):
        return {"true": True, "false": False, "null": None}[verb]
    if arg is None and verb == "exist":
        return {"exists": True}
    raise _Untranslated
