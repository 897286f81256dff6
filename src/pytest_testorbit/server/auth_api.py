"""``POST /api/login``, ``GET /api/me``, and the admin's ``/api/users`` endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from . import users
from .deps import Admin, LoggedIn, User, store

router = APIRouter(prefix="/api", tags=["users"])

# One message for an unknown name and a wrong password: which one it was is not said.
BAD_LOGIN = "wrong user name or password"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LoginBody(Strict):
    # No control characters: PostgreSQL refuses a NUL in a text it is asked to compare.
    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class TokenOut(BaseModel):
    token: str
    user: str


class UserOut(BaseModel):
    name: str
    email: str
    is_admin: bool
    projects: list[str]

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            name=user.name,
            email=user.email,
            is_admin=user.is_admin,
            projects=sorted(user.projects),
        )


class ProjectsBody(Strict):
    projects: list[Annotated[str, Field(min_length=1, max_length=100)]]


@router.post(
    "/login",
    responses={401: {"description": BAD_LOGIN}},
    summary="Log in: a new token; the user's earlier token stops working",
)
def login(body: LoginBody, request: Request) -> TokenOut:
    with store(request).begin() as session:
        token = users.login(session, body.name, body.password)
    if token is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, BAD_LOGIN)
    return TokenOut(token=token, user=body.name)


@router.get("/me", summary="The user of the token, with their projects")
def me(user: LoggedIn) -> UserOut:
    return UserOut.of(user)


@router.get("/users", summary="Every user (admins only)")
def list_users(_admin: Admin, request: Request) -> list[UserOut]:
    with store(request).session() as session:
        return [UserOut.of(user) for user in users.list_users(session)]


@router.put(
    "/users/{name}/projects",
    summary="Set a user's projects, exactly (admins only)",
    responses={404: {"description": "no such user"}},
)
def set_projects(name: str, body: ProjectsBody, _admin: Admin, request: Request) -> UserOut:
    with store(request).begin() as session:
        if not users.NAME.match(name) or name not in {u.name for u in users.list_users(session)}:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user {name!r}")
        return UserOut.of(users.set_projects(session, name, body.projects))
