"""The read API: runs, a run's groups and steps, a group's history, flaky groups, a project's
overview; JSON, described in the OpenAPI at /docs.

Reading needs ``deps.require_reader`` (a token, or ``--anonymous-read``). Every list is
paged (``limit``/``offset``, with ``total`` and ``next_offset``). Partial runs are listed,
marked ``"partial": true``; trends, history and flaky leave them out unless
``include_partial=true``, the store's rule (``orbit report``, ``orbit flaky``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, status

from . import readmodel, readtrends
from .deps import DbSession, Reader

router = APIRouter(prefix="/api", tags=["results"])

Text = Annotated[str | None, Query(max_length=255)]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")]
IncludePartial = Annotated[
    bool, Query(description="Count partial runs (-k, a node id, --lf ...) in trends and flaky")
]
RunsBack = Annotated[int, Query(ge=2, le=500, description="How many recent runs to look at")]
GroupStatus = Literal["failed", "passed", "skipped"]
GroupId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The case group's id")]


@router.get("/runs", summary="Runs, newest first, filtered and paged")
def list_runs(
    _reader: Reader,
    session: DbSession,
    project: Text = None,
    environment: Text = None,
    branch: Text = None,
    trigger: Text = None,
    include_partial: Annotated[bool, Query(description="List partial runs (marked)")] = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    wanted = readmodel.RunFilter(project, environment, branch, trigger, include_partial)
    found = readmodel.list_runs(session, wanted, limit=limit, offset=offset)
    return {**found.page.to_dict(), "runs": [run.to_dict() for run in found.runs]}


@router.get(
    "/runs/{run_id}",
    summary="A run with its groups (failures first) and their steps",
    responses={404: {"description": "no such run"}},
)
def get_run(
    _reader: Reader,
    session: DbSession,
    run_id: Annotated[str, Path(max_length=36)],
    status_: Annotated[GroupStatus | None, Query(alias="status")] = None,
    name: Annotated[str | None, Query(max_length=200, description="Part of a group's name")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    run = readmodel.get_run(session, run_id)
    if run is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run with id {run_id!r}")
    found = readmodel.run_groups(
        session, run_id, status=status_, name=name, limit=limit, offset=offset
    )
    return {
        "run": run.to_dict(),
        "counts": found.counts,
        **found.page.to_dict(),
        "groups": [{"id": group_id, **row.to_dict()} for group_id, row in found.groups],
    }


@router.get(
    "/groups/{group_id}/history",
    summary="A group's pass rate and duration in each of its recent runs, oldest first",
    responses={404: {"description": "no such group"}},
)
def group_history(
    _reader: Reader,
    session: DbSession,
    group_id: GroupId,
    environment: Text = None,
    include_partial: IncludePartial = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    case_group = readtrends.case_group(session, group_id)
    if case_group is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no case group with id {group_id}")
    points = readtrends.group_history(
        session, group_id, limit=limit, environment=environment, include_partial=include_partial
    )
    return {
        "group": {
            "id": case_group.id,
            "project": case_group.project,
            "group": case_group.display_id,
            "file": case_group.file,
            "title": case_group.title,
        },
        "history": [point.to_dict() for point in points],
    }


@router.get("/flaky", summary="Groups whose outcome flips between pass and fail, most flips first")
def flaky_groups(
    _reader: Reader,
    session: DbSession,
    project: Text = None,
    environment: Text = None,
    runs: RunsBack = 20,
    include_partial: IncludePartial = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    runs_seen, trends = readtrends.window(
        session,
        runs_back=runs,
        project=project,
        environment=environment,
        include_partial=include_partial,
    )
    found, page = readtrends.flaky(trends, limit=limit, offset=offset)
    return {
        "runs": len(runs_seen),
        "run_ids": [run.id for run in runs_seen],
        **page.to_dict(),
        "groups": [group.to_dict() for group in found],
    }


@router.get(
    "/projects/{project}/groups",
    summary="Each group's latest pass rate and trend over recent runs, worst first",
)
def project_groups(
    _reader: Reader,
    session: DbSession,
    project: Annotated[str, Path(max_length=100)],
    environment: Text = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    runs: RunsBack = 20,
    include_partial: IncludePartial = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    runs_seen, trends = readtrends.window(
        session,
        runs_back=runs,
        project=project,
        environment=environment,
        include_partial=include_partial,
    )
    found, page = readtrends.overview(trends, name=name, limit=limit, offset=offset)
    return {
        "project": project,
        "run_ids": [run.id for run in runs_seen],
        **page.to_dict(),
        "groups": [group.to_dict() for group in found],
    }
