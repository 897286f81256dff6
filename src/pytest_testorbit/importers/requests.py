"""Pieces every importer shares: step names, request bodies, headers worth keeping."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

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
            form.setdefault(key, []).append(value)
        request["data"] = {k: v[0] if len(v) == 1 else v for k, v in form.items()}
        if header:
            del headers[header]
        return
    request["data"] = text
