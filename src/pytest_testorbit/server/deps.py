"""What endpoints ask for, as FastAPI dependencies: the store, the user, the access rules.

Endpoints are plain (synchronous) functions: FastAPI runs them in its thread pool, and each
gets its own SQLAlchemy session from the one engine of the app.

The rules (docs/server.md has the table): anyone with a valid token may read every
project; without a token only when the server runs with ``--anonymous-read``; changing a
project's schedules needs membership of that project, or an admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import Engine
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from ..store.db import Store
    from .settings import ServerSettings


@dataclass(frozen=True)
class User:
    """The user behind a request's token."""

    id: int
    name: str
    email: str
    is_admin: bool
    projects: frozenset[str]

    def may_change(self, project: str) -> bool:
        return self.is_admin or project in self.projects


def settings(request: Request) -> ServerSettings:
    found: ServerSettings = request.app.state.settings
    return found


def store(request: Request) -> Store:
    found: Store = request.app.state.store
    return found


def db_engine(request: Request) -> Engine:
    """The app's one engine (migrated when the app was made)."""
    return store(request).engine


def db_session(request: Request) -> Iterator[Session]:
    """A session for one request, closed after it (reads need no commit)."""
    with store(request).session() as session:
        yield session


def bearer_token(request: Request) -> str | None:
    """The token of ``Authorization: Token <t>`` or ``Authorization: Bearer <t>``."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in ("token", "bearer") and value.strip():
        return value.strip()
    return None


UNAUTHORIZED = "log in first: send Authorization: Token <token> (POST /api/login gives one)"


def current_user(request: Request) -> User | None:
    """The user of the request's token; None without one; 401 for a token that is not valid.

    A wrong, unknown or retired token is refused rather than treated as anonymous, so a
    client whose token was rotated away hears of it instead of silently reading less.
    """
    from . import users

    token = bearer_token(request)
    if token is None:
        return None
    with store(request).session() as session:
        user = users.user_for_token(session, token)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "the token is not valid (unknown, or retired by a later login): log in again",
            headers={"WWW-Authenticate": "Token"},
        )
    return user


CurrentUser = Annotated[User | None, Depends(current_user)]


def require_user(user: CurrentUser) -> User:
    """A logged-in user, else 401."""
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, UNAUTHORIZED, headers={"WWW-Authenticate": "Token"}
        )
    return user


def require_reader(request: Request, user: CurrentUser) -> User | None:
    """Reading: a logged-in user, or anyone when the server runs with --anonymous-read."""
    if user is None and not settings(request).anonymous_read:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, UNAUTHORIZED, headers={"WWW-Authenticate": "Token"}
        )
    return user


def require_admin(user: Annotated[User, Depends(require_user)]) -> User:
    if not user.is_admin:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"only an admin may do this; {user.name} is not one"
        )
    return user


def require_member(user: User, project: str) -> None:
    """403 unless ``user`` may change ``project`` (a member of it, or an admin)."""
    if not user.may_change(project):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"{user.name} is not a member of project '{project}': an admin can add them "
            f"(orbit user assign {user.name} --projects {project})",
        )


Reader = Annotated[User | None, Depends(require_reader)]
LoggedIn = Annotated[User, Depends(require_user)]
Admin = Annotated[User, Depends(require_admin)]
DbSession = Annotated[Session, Depends(db_session)]
