"""``/api/schedules``: the schedules of ``orbit schedule``, in JSON, over the same rules.

Values are checked by ``schedule.spec.columns`` and written by ``schedule.service``, the
code under ``orbit schedule add|update|cancel``; a running ``orbit scheduler`` for the project
picks a schedule made here up on its next poll. Reading needs what reading always needs
(``deps.require_reader``); a change needs a token of a member of the schedule's project, or
of an admin.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from ..errors import UsageError
from ..schedule import service, spec
from ..schedule.service import ScheduleView
from .deps import LoggedIn, Reader, db_engine, require_member
from .projects import suite_of

router = APIRouter(prefix="/api/schedules", tags=["schedules"])

# No control characters: PostgreSQL refuses a NUL in text (a 500 if it got that far), and
# none of them belongs in a name, a zone, a time or an address.
Text = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
ScheduleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The schedule's id")]
Mode = Literal["serial", "parallel"]


class _Body(BaseModel):
    # strict: "groups": "a,b" is a wrong type, not a one-item list; extra: a typo is refused.
    model_config = ConfigDict(extra="forbid", strict=True)

    def asked(self) -> spec.ScheduleSpec:
        values = self.model_dump()
        values.pop("project")
        return spec.ScheduleSpec(**values)


class ScheduleCreate(_Body):
    """A new schedule. ``at`` and/or ``cron``: one run, repeated runs, or cron from ``at`` on."""

    project: Text = Field(description="The project (orbit.yaml's project:) of the groups")
    groups: list[Text] = Field(min_length=1, max_length=500, description="Case group ids")
    name: Text | None = Field(None, description="For people (default: the group ids)")
    mode: Mode = Field("serial", description="serial, or parallel (pytest -n auto)")
    owners: list[Text] | None = Field(
        None, max_length=100, description="E-mail addresses to notify (null: the groups' owners)"
    )
    environment: Text | None = Field(None, description="orbit.yaml's environment (null: default)")
    tz: Text | None = Field(None, description="IANA zone of at and cron (null: the server's)")
    at: Text | None = Field(
        None, description="2026-12-01T02:00, read in tz unless it has an offset"
    )
    cron: Text | None = Field(None, description='A cron expression, e.g. "0 2 * * *"')


class ScheduleReplace(_Body):
    """Every field of a schedule, each required (null where null is allowed): a full update."""

    project: Text
    groups: list[Text] = Field(min_length=1, max_length=500)
    name: Text | None
    mode: Mode
    owners: list[Text] | None = Field(max_length=100)
    environment: Text | None
    tz: Text | None
    at: Text | None
    cron: Text | None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _found(request: Request, schedule_id: int) -> ScheduleView:
    found = service.get(db_engine(request), schedule_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no schedule with id {schedule_id}")
    return found


def _pending(found: ScheduleView, verb: str) -> None:
    if not found.pending:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"schedule {found.id} ({found.name}) is {found.status}: only a pending schedule "
            f"can be {verb}",
        )


def _columns(request: Request, body: _Body) -> dict[str, Any]:
    project = suite_of(request.app.state.suites, body.project)  # type: ignore[attr-defined]
    return spec.columns(project, body.asked(), _now(), spec.JSON)


@router.get("", summary="Schedules, oldest first; filter by status and project")
def list_schedules(
    request: Request,
    _reader: Reader,
    status_: Annotated[
        list[str],
        Query(alias="status", description="pending, running, …; repeat or comma-separate"),
    ] = [],  # noqa: B006  # FastAPI copies a Query default per request
    project: Annotated[str | None, Query(max_length=100)] = None,
) -> list[dict[str, Any]]:
    statuses = [item.strip() for value in status_ for item in value.split(",") if item.strip()]
    try:
        checked = service.check_statuses(statuses)
    except UsageError as exc:
        raise HTTPException(422, str(exc).replace("--status", "status")) from None
    found = service.list_schedules(db_engine(request), checked)
    return [s.to_dict() for s in found if project is None or s.project == project]


@router.get("/{schedule_id}", summary="One schedule", responses={404: {}})
def get_schedule(request: Request, _reader: Reader, schedule_id: ScheduleId) -> dict[str, Any]:
    return _found(request, schedule_id).to_dict()


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a run of some case groups",
    responses={400: {}, 401: {}, 403: {}, 413: {}, 422: {}},
)
def create_schedule(
    request: Request, response: Response, user: LoggedIn, body: ScheduleCreate
) -> dict[str, Any]:
    require_member(user, body.project)
    values = _columns(request, body)
    engine = db_engine(request)
    new_id = service.add(engine, _now(), project=body.project, **values)
    response.headers["Location"] = f"/api/schedules/{new_id}"
    return _found(request, new_id).to_dict()


@router.put(
    "/{schedule_id}",
    summary="Replace a pending schedule: every field is required",
    responses={400: {}, 401: {}, 403: {}, 404: {}, 409: {}, 422: {}},
)
def replace_schedule(
    request: Request, user: LoggedIn, schedule_id: ScheduleId, body: ScheduleReplace
) -> dict[str, Any]:
    found = _found(request, schedule_id)
    require_member(user, found.project)
    if body.project != found.project:
        raise HTTPException(
            422,
            f"project: schedule {schedule_id} belongs to '{found.project}' and stays there; "
            f"make a new schedule for '{body.project}' instead",
        )
    _pending(found, "updated")
    values = _columns(request, body)
    try:
        service.change_pending(db_engine(request), schedule_id, _now(), **values)
    except UsageError as exc:  # a scheduler claimed it between our read and the update
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    return _found(request, schedule_id).to_dict()


@router.post(
    "/{schedule_id}/cancel",
    summary="Cancel a pending schedule",
    responses={401: {}, 403: {}, 404: {}, 409: {}},
)
def cancel_schedule(request: Request, user: LoggedIn, schedule_id: ScheduleId) -> dict[str, Any]:
    found = _found(request, schedule_id)
    require_member(user, found.project)
    _pending(found, "cancelled")
    try:
        service.cancel(db_engine(request), schedule_id, _now())
    except UsageError as exc:  # claimed between our read and the update
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    return _found(request, schedule_id).to_dict()
