"""The parts of a Postman request that need more than a copy: URL, body and auth."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..inputfiles import Where, need
from .requests import add_param, set_body

Convert = Callable[[str], str]
_PLACEHOLDER = "__orbit_template_{}__"
_UNQUOTED = re.compile(r"__orbit_template_(\d+)__")


def url(raw: Any, where: Where, convert: Convert) -> tuple[str, dict[str, Any]]:
    """The URL without its query, and the query as ``params`` (disabled ones left out)."""
    if isinstance(raw, str):
        raw = {"raw": raw}
    need(raw is not None, where, "the request has no URL")
    need(isinstance(raw, dict), where, "must be a URL or an object with 'raw'")
    text = str(raw.get("raw") or "")
    if not text and raw.get("host"):
        host = raw["host"]
        text = ".".join(host) if isinstance(host, list) else str(host)
        path = raw.get("path") or []
        text += "/" + "/".join(path if isinstance(path, list) else [str(path)])
    need(bool(text), where, "the request has no URL")
    text, _, query_text = text.partition("?")
    text = text.split("#")[0]
    values = {
        str(v["key"]): str(v.get("value") or "")
        for v in raw.get("variable") or []
        if isinstance(v, dict) and "key" in v
    }

    def path_variable(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return value if value else "{{" + match.group(1) + "}}"

    text = re.sub(r"(?<=/):([A-Za-z_]\w*)", path_variable, text)
    params: dict[str, Any] = {}
    query = raw.get("query")
    if query is None:  # only a raw URL: read its query string
        query = [
            {"key": k, "value": v}
            for k, _, v in (p.partition("=") for p in query_text.split("&") if p)
        ]
    for item in query:
        if isinstance(item, dict) and item.get("key") is not None and not item.get("disabled"):
            add_param(params, convert(str(item["key"])), convert(str(item.get("value") or "")))
    return convert(text), params


def body(
    raw: dict[str, Any], headers: dict[str, str], request: dict[str, Any], convert: Convert
) -> str | None:
    """Put the body into ``request``; a note when part of it could not be carried over."""
    mode = raw.get("mode")
    if mode == "raw":
        text = str(raw.get("raw") or "")
        language = (((raw.get("options") or {}).get("raw") or {}).get("language")) or ""
        kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if language == "json" or "json" in kind.lower():
            parsed = json_with_templates(text, convert)
            if parsed is not _NOT_JSON:
                request["json"] = parsed
                for name in [k for k in headers if k.lower() == "content-type"]:
                    if headers[name].split(";")[0].strip() == "application/json":
                        del headers[name]
                return None
        if text:
            set_body(request, headers, convert(text), kind or "text/plain")
        return None
    if mode in ("urlencoded", "formdata"):
        data: dict[str, Any] = {}
        files: dict[str, str] = {}
        for field in raw.get(mode) or []:
            if not isinstance(field, dict) or field.get("disabled") or "key" not in field:
                continue
            if field.get("type") == "file":
                src = field.get("src")
                files[str(field["key"])] = str(src[0] if isinstance(src, list) else src or "")
            else:
                data[str(field["key"])] = convert(str(field.get("value") or ""))
        if data:
            request["data"] = data
        if files:
            request["files"] = files
            return f"upload files {', '.join(files.values())} must exist next to the case file"
        return None
    if mode == "graphql":
        graphql = raw.get("graphql") or {}
        variables = json_with_templates(str(graphql.get("variables") or "{}"), convert)
        request["json"] = {
            "query": convert(str(graphql.get("query") or "")),
            "variables": variables if variables is not _NOT_JSON else {},
        }
        return None
    return f"a body of mode {mode!r} was not carried over" if mode else None


_NOT_JSON = object()


def json_with_templates(text: str, convert: Convert) -> Any:
    """Postman JSON bodies hold ``{{var}}`` bare (``{"qty": {{qty}}}``) as well as in strings.

    Bare ones become whole-value templates (which keep the variable's type), the others stay
    text templates; a body that is not JSON even then is ``_NOT_JSON``.
    """
    found: list[str] = []

    def hide(match: re.Match[str]) -> str:
        found.append(convert(match.group(0)))
        return _PLACEHOLDER.format(len(found) - 1)

    hidden = re.sub(r"\{\{[^{}]+\}\}", hide, text)
    out: list[str] = []
    index, in_string = 0, False
    while index < len(hidden):  # quote the placeholders that stand bare
        char = hidden[index]
        bare = None if in_string else _UNQUOTED.match(hidden, index)
        if bare:
            out.append(f'"{bare.group(0)}"')
            index = bare.end()
            continue
        if in_string and char == "\\":
            out.append(hidden[index : index + 2])
            index += 2
            continue
        if char == '"':
            in_string = not in_string
        out.append(char)
        index += 1
    try:
        value = json.loads("".join(out))
    except ValueError:
        return _NOT_JSON
    return _restore(value, found)


def _restore(value: Any, found: list[str]) -> Any:
    if isinstance(value, str):
        return _UNQUOTED.sub(lambda m: found[int(m.group(1))], value)
    if isinstance(value, list):
        return [_restore(item, found) for item in value]
    if isinstance(value, dict):
        return {_restore(k, found): _restore(v, found) for k, v in value.items()}
    return value


def _fields(raw: Any) -> dict[str, str]:
    if isinstance(raw, dict):  # v2.0: {"username": ..., "password": ...}
        return {str(k): str(v) for k, v in raw.items()}
    if isinstance(raw, list):  # v2.1: [{"key": "username", "value": ...}, ...]
        return {str(f.get("key")): str(f.get("value", "")) for f in raw if isinstance(f, dict)}
    return {}


def auth(
    raw: Any, headers: dict[str, str], request: dict[str, Any], convert: Convert
) -> str | None:
    """``auth:`` (or a header or query parameter for an API key); a note for other kinds."""
    if not isinstance(raw, dict) or raw.get("type") in (None, "noauth"):
        return None
    kind = str(raw["type"])
    fields = _fields(raw.get(kind))
    if kind == "basic":
        user, password = fields.get("username", ""), fields.get("password", "")
        request["auth"] = {"basic": [convert(user), convert(password)]}
    elif kind == "bearer":
        request["auth"] = {"bearer": convert(fields.get("token", ""))}
    elif kind == "apikey":
        name, value = fields.get("key", "X-API-Key"), convert(fields.get("value", ""))
        if fields.get("in") == "query":
            request.setdefault("params", {})[name] = value
        else:
            headers[name] = value
    else:
        return f"auth of type {kind!r} has no equivalent; add it to the step by hand"
    return None
