"""The server-rendered pages: runs, a run, a group, flaky groups, projects and a project.

Every page works without JavaScript (filters are GET forms, groups are ``<details>``);
``static/orbit.js`` only filters the groups already on a run page as you type. Lists are
paged so a store of 1,000 groups and 500 runs gives pages of a few hundred KB at most:
50 runs, 50 groups of a run, 100 groups of a project or of the flaky list per page.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from . import charts, readmodel, readtrends
from .deps import DbSession
from .page_auth import PageReader
from .render import render

router = APIRouter(include_in_schema=False)

RUNS_PER_PAGE = 50
GROUPS_PER_PAGE = 50
TREND_GROUPS_PER_PAGE = 100
HISTORY_RUNS = 100
WINDOW = 20  # runs behind a sparkline and the flaky list

Text = Annotated[str | None, Query(max_length=255)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def _empty(value: str | None) -> str | None:
    return value or None  # an empty select of a GET form means "any"


@router.get("/")
def home() -> Response:
    return RedirectResponse("/runs", status_code=303)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(
    request: Request,
    user: PageReader,
    session: DbSession,
    project: Text = None,
    environment: Text = None,
    branch: Text = None,
    trigger: Text = None,
    offset: Offset = 0,
) -> Response:
    wanted = readmodel.RunFilter(
        _empty(project), _empty(environment), _empty(branch), _empty(trigger)
    )
    found = readmodel.list_runs(session, wanted, limit=RUNS_PER_PAGE, offset=offset)
    return render(
        request,
        "runs.html.j2",
        user,
        runs=found.runs,
        page=found.page,
        wanted=wanted,
        choices=readmodel.choices(session),
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request,
    user: PageReader,
    session: DbSession,
    run_id: Annotated[str, Path(max_length=36)],
    status: Annotated[Literal["failed", "passed", "skipped", ""] | None, Query()] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    offset: Offset = 0,
) -> Response:
    run = readmodel.get_run(session, run_id)
    if run is None:
        raise HTTPException(404, f"no run with id {run_id!r}")
    found = readmodel.run_groups(
        session,
        run_id,
        status=_empty(status),
        name=_empty(name),
        limit=GROUPS_PER_PAGE,
        offset=offset,
    )
    return render(
        request,
        "run.html.j2",
        user,
        run=run,
        found=found,
        status=status or "",
        name=name or "",
        statuses=readmodel.GROUP_STATUSES,
    )


@router.get("/groups/{group_id}", response_class=HTMLResponse)
def group_page(
    request: Request,
    user: PageReader,
    session: DbSession,
    group_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    environment: Text = None,
    include_partial: bool = False,
) -> Response:
    case_group = readtrends.case_group(session, group_id)
    if case_group is None:
        raise HTTPException(404, f"no case group with id {group_id}")
    points = readtrends.group_history(
        session,
        group_id,
        limit=HISTORY_RUNS,
        environment=_empty(environment),
        include_partial=include_partial,
    )
    labels = [f"{p.started_at:%Y-%m-%d %H:%M} {p.run_id}" for p in points]
    bad = [p.failed for p in points]
    rate_chart = charts.trend_chart(
        [p.pass_rate for p in points], labels, bad, ceiling=1.0, unit="%"
    )
    longest = max((p.duration for p in points), default=0.0)
    duration_chart = charts.trend_chart(
        [p.duration for p in points], labels, bad, ceiling=longest, unit="s"
    )
    return render(
        request,
        "group.html.j2",
        user,
        group=case_group,
        points=list(reversed(points)),
        rate_chart=rate_chart,
        duration_chart=duration_chart,
        include_partial=include_partial,
    )


@router.get("/flaky", response_class=HTMLResponse)
def flaky_page(
    request: Request,
    user: PageReader,
    session: DbSession,
    project: Text = None,
    environment: Text = None,
    include_partial: bool = False,
    offset: Offset = 0,
) -> Response:
    runs_seen, trends = readtrends.window(
        session,
        runs_back=WINDOW,
        project=_empty(project),
        environment=_empty(environment),
        include_partial=include_partial,
    )
    found, page = readtrends.flaky(trends, limit=TREND_GROUPS_PER_PAGE, offset=offset)
    return render(
        request,
        "flaky.html.j2",
        user,
        groups=found,
        page=page,
        window=runs_seen,
        project=project or "",
        environment=environment or "",
        include_partial=include_partial,
        choices=readmodel.choices(session),
    )


@router.get("/projects", response_class=HTMLResponse)
def projects_page(request: Request, user: PageReader, session: DbSession) -> Response:
    return render(request, "projects.html.j2", user, choices=readmodel.choices(session))


@router.get("/projects/{project}", response_class=HTMLResponse)
def project_page(
    request: Request,
    user: PageReader,
    session: DbSession,
    project: Annotated[str, Path(max_length=100)],
    name: Annotated[str | None, Query(max_length=200)] = None,
    environment: Text = None,
    include_partial: bool = False,
    offset: Offset = 0,
) -> Response:
    runs_seen, trends = readtrends.window(
        session,
        runs_back=WINDOW,
        project=project,
        environment=_empty(environment),
        include_partial=include_partial,
    )
    found, page = readtrends.overview(
        trends, name=_empty(name), limit=TREND_GROUPS_PER_PAGE, offset=offset
    )
    return render(
        request,
        "project.html.j2",
        user,
        project=project,
        groups=[(group, charts.sparkline(group.rates)) for group in found],
        page=page,
        window=runs_seen,
        name=name or "",
        include_partial=include_partial,
    )
