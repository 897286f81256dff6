"""The server's tables: ``orbit_user``, ``orbit_token`` and ``orbit_membership``.

A user logs in to ``orbit serve`` with a name and a password (an argon2 hash is kept, never
the password) and gets a token; only the token's SHA-256 is kept, so a copy of the database
does not let anyone in. A login retires the user's earlier token (``retired_at`` set), the
rotation the web platform this project descends from had. A membership ties a user to a
project by its name (``project:`` of orbit.yaml, as runs and schedules store it): there is
no project table, a project exists as soon as a run or schedule names it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime


class User(Base):
    __tablename__ = "orbit_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Token(Base):
    __tablename__ = "orbit_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # sha256 hex of the token the user holds: looked up by equality, so indexed and unique.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("orbit_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Membership(Base):
    __tablename__ = "orbit_membership"
    __table_args__ = (UniqueConstraint("user_id", "project", name="uq_orbit_membership"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("orbit_user.id", ondelete="CASCADE"), index=True
    )
    project: Mapped[str] = mapped_column(String(100), index=True)
