"""``orbit import har FILE.har``: a browser's recording → one case group, its requests in order.

What a browser fetches for a page (the page itself, scripts, styles, images, fonts, media)
is left out unless ``--keep-static``; ``--host`` keeps only requests to the hosts named.
Headers the browser adds on its own (cookies, user agent, ``sec-*``) are dropped: the group
keeps the cookies the API sets, as a browser does. Each step expects the recorded status.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..cases.slugs import slugify
from ..inputfiles import Where, load_json, need
from .requests import add_param, is_noise, literal, ordered, set_body, step_name
from .writer import CaseFile, Imported, unique_step_names

_STATIC_TYPES = {"document", "stylesheet", "script", "image", "font", "media", "manifest", "other"}
_STATIC_MIME: tuple[str, ...] = ("text/html", "text/css", "image/", "font/", "audio/", "video/")
_STATIC_MIME += ("application/javascript", "text/javascript", "application/font")
_STATIC_SUFFIXES: tuple[str, ...] = (
    ".js",
    ".mjs",
    ".css",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".svg",
    ".ico",
)
_STATIC_SUFFIXES += (".webp", ".woff", ".woff2", ".ttf", ".otf", ".map", ".html", ".htm")


def _is_static(entry: dict[str, Any], url: str) -> bool:
    kind = entry.get("_resourceType")
    if kind in ("xhr", "fetch"):
        return False
    if kind in _STATIC_TYPES and kind != "other":
        return True
    mime = str(((entry.get("response") or {}).get("content") or {}).get("mimeType") or "").lower()
    return mime.startswith(_STATIC_MIME) or urlsplit(url).path.lower().endswith(_STATIC_SUFFIXES)


def import_har(
    path: Path, *, hosts: tuple[str, ...] | list[str] = (), keep_static: bool = False
) -> Imported:
    data, where = load_json(path, "HAR")
    need(
        isinstance(data, dict) and isinstance(data.get("log"), dict),
        where,
        "expected a HAR file: an object with 'log'",
    )
    entries = data["log"].get("entries")
    need(isinstance(entries, list), where / "log" / "entries", "must be a list of requests")
    kept: list[tuple[dict[str, Any], Where]] = []
    left_out = 0
    for index, entry in enumerate(entries):
        here = where / "log" / "entries" / index
        need(
            isinstance(entry, dict) and isinstance(entry.get("request"), dict),
            here / "request",
            "missing",
        )
        url = entry["request"].get("url")
        need(isinstance(url, str) and "://" in url, here / "request" / "url", "must be a full URL")
        host = urlsplit(url).hostname or ""
        if (hosts and host not in hosts) or (not keep_static and _is_static(entry, url)):
            left_out += 1
            continue
        kept.append((entry, here))
    name = slugify(path.name.split(".")[0]) or "recording"
    imported = Imported(source=f"HAR recording {path.name}", project=name)
    if not kept:
        raise (where / "log").error(
            "entries",
            f"no requests left to import ({left_out} left out as static or other hosts)",
        )
    origins = Counter(
        "{0.scheme}://{0.netloc}".format(urlsplit(e["request"]["url"])) for e, _ in kept
    )
    base_url = origins.most_common(1)[0][0]
    steps = [_step(entry, base_url) for entry, _ in kept]
    unique_step_names(steps)
    group = {"name": name, "title": f"Recorded in {path.name}", "steps": steps}
    comments = [
        f"Imported from the HAR recording {path.name}: {len(steps)} requests, {left_out} left out."
    ]
    imported.files.append(CaseFile(f"{name}.orbit.yaml", group, comments))
    imported.environments = {"recorded": {"base_url": base_url}}
    if left_out:
        imported.notes.append(f"{left_out} request(s) left out (static assets or other hosts)")
    return imported


def _step(entry: dict[str, Any], base_url: str) -> dict[str, Any]:
    raw = entry["request"]
    parts = urlsplit(raw["url"])
    origin = f"{parts.scheme}://{parts.netloc}"
    url = (
        parts.path or "/"
        if origin == base_url
        else urlunsplit(parts._replace(query="", fragment=""))
    )
    request: dict[str, Any] = {"method": str(raw.get("method") or "GET").upper(), "url": url}
    params: dict[str, Any] = {}
    for item in raw.get("queryString") or []:
        if isinstance(item, dict) and "name" in item:
            add_param(params, str(item["name"]), str(item.get("value", "")))
    if params:
        request["params"] = params
    headers = {
        str(h["name"]): str(h.get("value", ""))
        for h in raw.get("headers") or []
        if isinstance(h, dict) and "name" in h and not is_noise(str(h["name"]))
    }
    post = raw.get("postData")
    if isinstance(post, dict) and (post.get("text") or post.get("params")):
        mime = str(post.get("mimeType") or "application/octet-stream")
        if post.get("text"):
            set_body(request, headers, str(post["text"]), mime)
        else:
            request["data"] = {str(p.get("name")): str(p.get("value", "")) for p in post["params"]}
    if headers:
        request["headers"] = headers
    step: dict[str, Any] = {
        "name": step_name(request["method"], parts.path or "/"),
        "request": literal(ordered(request)),
    }
    status = (entry.get("response") or {}).get("status")
    if isinstance(status, int) and 100 <= status <= 599:
        step["expect"] = {"status": status}
    return step
