"""The pages' Jinja2 environment (autoescaped: a failure message never becomes markup)
and their static files (one stylesheet, one small script; no CDN)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..tables import percent
from .deps import User

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

router = APIRouter(include_in_schema=False)


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _count(number: int, word: str) -> str:
    """``1 run``, ``2 runs``: the number and its noun in the number's grammar."""
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _last(number: int, word: str) -> str:
    """``last run``, ``last 5 runs``."""
    return f"last {word}" if number == 1 else f"last {number} {word}s"


def _tone(rate: float | None) -> str:
    if rate is None:
        return "none"
    return "good" if rate >= 1 else "warn" if rate >= 0.5 else "bad"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        percent=percent, when=_when, seconds=_seconds, tone=_tone, count=_count, last=_last
    )
    return env


def query(request: Request, **changes: Any) -> str:
    """The page's own query string with ``changes`` (a None drops the key)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def render(request: Request, template: str, user: User | None, **values: Any) -> HTMLResponse:
    page = environment().get_template(template)
    html = page.render(request=request, user=user, query=lambda **c: query(request, **c), **values)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/static/{name}")
def static(name: str) -> Response:
    path = STATIC / name
    kind = STATIC_TYPES.get(path.suffix)
    if "/" in name or kind is None or not path.is_file():
        raise HTTPException(404, f"no static file {name!r}")
    return Response(
        path.read_bytes(), media_type=kind, headers={"Cache-Control": "public, max-age=3600"}
    )
