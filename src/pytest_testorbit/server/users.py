"""Users, passwords and tokens in the store: what ``orbit user`` and ``POST /api/login`` share.

Passwords are hashed with argon2 (argon2-cffi's defaults, which follow RFC 9106). Tokens are
``secrets.token_urlsafe(32)``: 256 random bits, so a plain SHA-256 of one is enough to keep
(a slow hash protects guessable secrets; a random token is not guessable), and it can be
looked up by equality. A login retires every earlier token of the user.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..errors import UsageError
from ..store.user_models import Membership, Token
from ..store.user_models import User as UserRow
from .deps import User

if TYPE_CHECKING:
    from argon2 import PasswordHasher

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
# Loose on purpose, like schedule owners: a local part, an @, a domain with a dot.
EMAIL = re.compile(r"^[^@\s,;<>()\"]+@[^@\s,;<>()\"]+\.[^@\s,;<>()\".]+$")
PROJECT = re.compile(r"^[^\s,]{1,100}$")
MIN_PASSWORD = 8


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher  # imported on use: the CLI loads this module lazily

    return PasswordHasher()


def hash_password(password: str) -> str:
    hashed: str = _hasher().hash(password)
    return hashed


def password_matches(password_hash: str, password: str) -> bool:
    from argon2.exceptions import (
        InvalidHash,
        VerificationError,
    )  # InvalidHash: argon2-cffi 21.3 too

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHash):
        return False


# Verified against when the name is unknown, so a login for a user who does not exist costs
# as long as one with a wrong password: the answer's timing does not tell names apart.
_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_urlsafe(16)))
    return _DUMMY_HASH[0]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def now() -> datetime:
    return datetime.now(timezone.utc)


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise UsageError(
            f"user name {name!r} is not valid: use letters, digits, '.', '_' or '-' "
            f"(up to 100, starting with a letter or digit)"
        )
    return name


def check_email(email: str) -> str:
    if not EMAIL.match(email):
        raise UsageError(f"--email {email!r} is not an e-mail address (like alice@example.com)")
    return email


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    return password


def check_projects(projects: Sequence[str]) -> list[str]:
    for project in projects:
        if not PROJECT.match(project):
            raise UsageError(
                f"project {project!r} is not a project name: no spaces or commas, "
                f"up to 100 characters (the project: of orbit.yaml)"
            )
    return list(dict.fromkeys(projects))


def add_user(
    session: Session, name: str, email: str, password: str, *, is_admin: bool = False
) -> User:
    """A new user; a name that is taken is a UsageError."""
    check_name(name)
    check_email(email)
    check_password(password)
    if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
        raise UsageError(f"there is already a user {name!r} (`orbit user list` shows them)")
    row = UserRow(
        name=name,
        email=email,
        password_hash=hash_password(password),
        is_admin=is_admin,
        created_at=now(),
    )
    session.add(row)
    session.flush()
    return _view(session, row)


def _row(session: Session, name: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        raise UsageError(f"no user {name!r} (`orbit user list` shows them)")
    return row


def _view(session: Session, row: UserRow) -> User:
    projects = session.scalars(select(Membership.project).where(Membership.user_id == row.id))
    return User(row.id, row.name, row.email, row.is_admin, frozenset(projects))


def get_user(session: Session, name: str) -> User:
    return _view(session, _row(session, name))


def list_users(session: Session) -> list[User]:
    rows = session.scalars(select(UserRow).order_by(UserRow.name))
    return [_view(session, row) for row in rows]


def set_projects(session: Session, name: str, projects: Sequence[str]) -> User:
    """Make ``projects`` the user's memberships, exactly (an empty list removes them all)."""
    wanted = check_projects(projects)
    row = _row(session, name)
    session.execute(delete(Membership).where(Membership.user_id == row.id))
    session.add_all(Membership(user_id=row.id, project=project) for project in wanted)
    session.flush()
    return _view(session, row)


def login(session: Session, name: str, password: str) -> str | None:
    """A new token for a right name and password, the user's earlier ones retired; else None.

    The caller commits. The same work is done for an unknown name as for a wrong password.
    """
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        password_matches(_dummy_hash(), password)
        return None
    if not password_matches(row.password_hash, password):
        return None
    moment = now()
    session.execute(
        update(Token)
        .where(Token.user_id == row.id, Token.retired_at.is_(None))
        .values(retired_at=moment)
    )
    token = secrets.token_urlsafe(32)
    session.add(Token(token_hash=token_hash(token), user_id=row.id, created_at=moment))
    row.last_login = moment
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The user holding a current (not retired) token, or None."""
    digest = token_hash(token)
    found = session.execute(
        select(Token.token_hash, UserRow)
        .join(UserRow, UserRow.id == Token.user_id)
        .where(Token.token_hash == digest, Token.retired_at.is_(None))
    ).first()
    if found is None or not hmac.compare_digest(found[0], digest):
        return None
    return _view(session, found[1])
