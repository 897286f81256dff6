"""``/badge/{project}.svg``: the pass rate of the project's newest full run, shields-style.

Readable without a token, whatever ``--anonymous-read`` says: a README badge is fetched by
the reader's browser or GitHub's image proxy, neither of which can log in. It shows one
number per project name and nothing else (no group, step, URL or message); docs/server.md
says so, and a server whose pass rates must stay private keeps /badge/ behind its proxy.
A partial run never sets the badge (the store's rule for trends). Caches may keep it for
five minutes.
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Path, Response

from ..tables import percent
from .deps import DbSession
from .readtrends import badge_run

router = APIRouter(tags=["badge"])

CACHE = "public, max-age=300"
GOOD, WARN, BAD, NONE = "#2e7d32", "#b26a00", "#c62828", "#777777"
CHAR_WIDTH = 7  # px per character of 11px Verdana, near enough for a label's box


def colour(rate: float | None) -> str:
    if rate is None:
        return NONE
    return GOOD if rate >= 1 else WARN if rate >= 0.9 else BAD


def svg(label: str, value: str, fill: str) -> str:
    """A two-part flat badge: a grey label and a coloured value, text escaped."""
    left = len(label) * CHAR_WIDTH + 12
    right = len(value) * CHAR_WIDTH + 12
    width = left + right
    label, value = escape(label), escape(value)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{label}: {value}"><title>{label}: {value}</title>'
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{fill}"/>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" '
        f'font-size="11"><text x="{left / 2}" y="14">{label}</text>'
        f'<text x="{left + right / 2}" y="14">{value}</text></g></svg>'
    )


@router.get(
    "/badge/{project}.svg",
    summary="The project's pass-rate badge (no token needed)",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, 404: {"description": "no full run"}},
)
def project_badge(
    session: DbSession, project: Annotated[str, Path(min_length=1, max_length=100)]
) -> Response:
    run = badge_run(session, project)
    headers = {"Cache-Control": CACHE}
    if run is None:
        body = svg(project, "no runs", NONE)
        return Response(body, status_code=404, media_type="image/svg+xml", headers=headers)
    rate = run.pass_rate
    headers["ETag"] = f'"{run.id}"'
    return Response(
        svg(project, percent(rate), colour(rate)), media_type="image/svg+xml", headers=headers
    )
