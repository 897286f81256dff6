"""Pieces every importer shares: step names, request bodies, headers worth keeping."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from ..cases.keys import REQUEST_KEYS

# Headers a browser or an HTTP library adds by itself; a case file that sent them would only
# pin the recording's accidents (its length, its compression, its browser).
NOISE_HEADERS = frozenset(
    (
        "host", "content-length", "connection", "accept-encoding", "user-agent", "cookie",
        "origin", "referer", "pragma", "cache-control", "te", "upgrade-insecure-requests",
        "priority", "dnt", "keep-alive", "if-none-match", "if-modified-since",
    )
)  # fmt: skip


def is_noise(header: str) -> bool:
    name = header.lower()
    return name in NOISE_HEADERS or name.startswith((":", "sec-"))


def step_name(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def _content_type_header(headers: dict[str, str]) -> str | None:
    return next((name for name in headers if name.lower() == "content-type"), None)


def set_body(
    request: dict[str, Any], headers: dict[str, str], text: str, content_type: str
) -> None:
    """A JSON body as ``json:``, a form as a ``data:`` mapping, anything else as raw ``data:``.

    The Content-Type header is dropped where ``json:`` or a form mapping sends it anyway.
    """
    kind = content_type.split(";")[0].strip().lower()
    header = _content_type_header(headers)
    if kind == "application/json" or kind.endswith("+json"):
        try:
            request["json"] = json.loads(text)
        except ValueError:
            request["data"] = text
            return
        if header and kind == "application/json":
            del headers[header]
        return
    if kind == "application/x-www-form-urlencoded" and "=" in text:
        form: dict[str, Any] = {}
        for key, value in parse_qsl(text, keep_blank_values=True):
            add_param(form, key, value)
        request["data"] = form
        if header:
            del headers[header]
        return
    request["data"] = text


def add_param(params: dict[str, Any], key: str, value: Any) -> None:
    """A parameter given twice (``?tag=a&tag=b``) becomes a list, which sends it twice."""
    if key not in params:
        params[key] = value
    elif isinstance(params[key], list):
        params[key].append(value)
    else:
        params[key] = [params[key], value]


def ordered(request: dict[str, Any]) -> dict[str, Any]:
    """The request's keys in the order the case-file reference lists them."""
    return {key: request[key] for key in REQUEST_KEYS if key in request}


_MARKER = re.compile(r"\{[{%#]")


def literal(value: Any) -> Any:
    """Recorded text is never a template: ``{{`` in a HAR body or curl line stays ``{{``."""
    if isinstance(value, str) and _MARKER.search(value):
        return "{% raw %}" + value + "{% endraw %}"
    if isinstance(value, list):
        return [literal(item) for item in value]
    if isinstance(value, dict):
        return {key: literal(item) for key, item in value.items()}
    return value
