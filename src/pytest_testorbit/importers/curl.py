"""``orbit import curl 'curl ...'``: one curl command line → one step.

The line is split as a POSIX shell splits it (``shlex``; a backslash before a line break
continues the line, as in "Copy as cURL"). The options that describe the request are
translated; those that only change curl's own output (``-s``, ``-v``, ``--compressed``) are
ignored; any other option is an error that names it, rather than a request that silently
differs from the one the line sends.
"""

from __future__ import annotations

import base64
import shlex
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from ..errors import InputFileError
from .requests import add_param, literal, ordered, set_body, step_name

SOURCE = "curl"
# Options that take a value, by every name curl accepts for them.
_VALUED = {
    "-X": "method",
    "--request": "method",
    "-H": "header",
    "--header": "header",
    "-d": "data",
    "--data": "data",
    "--data-raw": "data",
    "--data-binary": "data",
    "--data-ascii": "data",
    "--data-urlencode": "data",
    "--json": "json",
    "-F": "form",
    "--form": "form",
    "-u": "user",
    "--user": "user",
    "-b": "cookie",
    "--cookie": "cookie",
    "-A": "agent",
    "--user-agent": "agent",
    "-e": "referer",
    "--referer": "referer",
    "--url": "url",
    "-m": "timeout",
    "--max-time": "timeout",
    "--oauth2-bearer": "bearer",
}
_FLAGS = {"-G": "get", "--get": "get", "-I": "head", "--head": "head"}
_FLAGS.update({"-k": "insecure", "--insecure": "insecure"})
_IGNORED = {
    "-s", "--silent", "-S", "--show-error", "-v", "--verbose", "-i", "--include",
    "--compressed", "-L", "--location", "-f", "--fail", "-g", "--globoff", "-N", "--no-buffer",
}  # fmt: skip


def _fail(message: str) -> InputFileError:
    return InputFileError(SOURCE, message)


def _tokens(line: str) -> list[str]:
    line = line.replace("\\\r\n", " ").replace("\\\n", " ")
    try:
        tokens = shlex.split(line)
    except ValueError as exc:  # an unclosed quote
        raise _fail(f"cannot split the command line: {exc}") from None
    if not tokens or tokens[0] not in ("curl", "curl.exe"):
        raise _fail("the command must start with 'curl'")
    return tokens[1:]


def _options(tokens: list[str]) -> tuple[dict[str, list[str]], set[str]]:
    values: dict[str, list[str]] = {}
    flags: set[str] = set()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        option, _, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if not token.startswith("--") and len(token) > 2 and token[:2] in _VALUED:
            option, inline = token[:2], token[2:]  # -XPOST, -HAccept:x
        if not token.startswith("-") or token == "-":
            values.setdefault("url", []).append(token)
        elif option in _VALUED:
            if inline:
                value = inline
            else:
                index += 1
                if index >= len(tokens):
                    raise _fail(f"option {token} needs a value")
                value = tokens[index]
            values.setdefault(_VALUED[option], []).append(value)
        elif token in _FLAGS:
            flags.add(_FLAGS[token])
        elif token not in _IGNORED:
            raise _fail(
                f"curl option {token} is not supported; remove it or write the step by hand"
            )
        index += 1
    return values, flags


def parse_curl(line: str) -> dict[str, Any]:
    """The step that sends the request the curl line sends."""
    values, flags = _options(_tokens(line))
    urls = values.get("url", [])
    if len(urls) != 1:
        raise _fail(f"expected one URL, found {len(urls)}: {' '.join(urls) or 'none'}")
    parts = urlsplit(urls[0] if "://" in urls[0] else f"http://{urls[0]}")
    request: dict[str, Any] = {"method": "GET", "url": urlunsplit(parts._replace(query=""))}
    params: dict[str, Any] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        add_param(params, key, value)
    headers: dict[str, str] = {}
    for header in values.get("header", []):
        name, colon, value = header.partition(":")
        if not colon or not name.strip():
            raise _fail(f"header {header!r} must be 'Name: value'")
        headers[name.strip()] = value.strip()
    for option, name in (("agent", "User-Agent"), ("referer", "Referer")):
        if option in values:
            headers[name] = values[option][-1]
    data = values.get("data", [])
    for value in [*data, *values.get("json", [])]:
        if value.startswith("@"):
            raise _fail(
                f"-d {value} reads a file when curl runs; put the file's content in the line"
            )
    body_text = "&".join(data) if data else None
    if "json" in values:
        body_text = values["json"][-1]
        headers.setdefault("Content-Type", "application/json")
        headers.setdefault("Accept", "application/json")
    method = values.get("method", ["HEAD" if "head" in flags else None])[-1]
    if "get" in flags and body_text is not None:  # -G: the data goes in the query string
        for key, value in parse_qsl(body_text, keep_blank_values=True):
            add_param(params, key, value)
        body_text = None
    if params:
        request["params"] = params
    if body_text is not None:
        set_body(request, headers, body_text, _content_type(headers))
    sends_body = body_text is not None or "form" in values
    request["method"] = (method or ("POST" if sends_body else "GET")).upper()
    if "form" in values:
        request.update(_form(values["form"]))
    _auth(values, headers, request)
    if headers:
        request["headers"] = headers
    if "cookie" in values:
        cookies = dict(parse_qsl(values["cookie"][-1].replace("; ", "&").replace(";", "&")))
        request["cookies"] = cookies
    if "timeout" in values:
        try:
            request["timeout"] = float(values["timeout"][-1])
        except ValueError:
            raise _fail(f"--max-time {values['timeout'][-1]!r} is not a number") from None
    if "insecure" in flags:
        request["verify"] = False
    request = literal(ordered(request))
    return {"name": step_name(request["method"], parts.path or "/"), "request": request}


def _content_type(headers: dict[str, str]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value
    return "application/x-www-form-urlencoded"  # what curl -d sends without a header


def _form(fields: list[str]) -> dict[str, Any]:
    data: dict[str, str] = {}
    files: dict[str, str] = {}
    for field in fields:
        name, equals, value = field.partition("=")
        if not equals:
            raise _fail(f"-F {field!r} must be 'name=value' or 'name=@file'")
        if value.startswith("@"):
            files[name] = value[1:].split(";")[0]
        else:
            data[name] = value
    result: dict[str, Any] = {}
    if data:
        result["data"] = data
    if files:
        result["files"] = files
    return result


def _auth(values: dict[str, list[str]], headers: dict[str, str], request: dict[str, Any]) -> None:
    if "user" in values:
        user, _, password = values["user"][-1].partition(":")
        request["auth"] = {"basic": [user, password]}
    elif "bearer" in values:
        request["auth"] = {"bearer": values["bearer"][-1]}
    for name in list(headers):
        if name.lower() != "authorization":
            continue
        scheme, _, credentials = headers[name].partition(" ")
        if scheme.lower() == "bearer" and credentials:
            request["auth"] = {"bearer": credentials.strip()}
            del headers[name]
        elif scheme.lower() == "basic" and credentials:
            try:
                decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                continue
            user, _, password = decoded.partition(":")
            request["auth"] = {"basic": [user, password]}
            del headers[name]
