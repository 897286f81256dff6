"""One running server per test module with its users: the world of the server API tests.

Not a test module. ``world(backend, folder)`` writes the schedule tests' suite (project
``shop``; groups checkout, login, search), starts the app on a real port over a fresh
database of ``backend`` and adds four users, logged in once each:

- ``root``: an admin, member of nothing;
- ``alice``: a member of ``shop``;
- ``bob``: a member of ``billing`` only (for ``shop``, a non-member);
- anonymous: no token at all.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pytest_testorbit.server import users
from pytest_testorbit.server.settings import ServerSettings
from pytest_testorbit.store.db import Store
from pytest_testorbit.store.user_models import User as UserRow
from schedule_suite import write_suite
from server_fixtures import Served, serve
from store_servers import BACKENDS, database_url

PASSWORD = "correct horse battery"
FUTURE = "2099-06-01T02:00"


@functools.cache
def light_hash() -> str:
    """PASSWORD's argon2id hash, made once, with light parameters.

    A real hash that logins really verify; only its cost is small (argon2 keeps its
    parameters in the hash), since the default one costs seconds on a loaded test machine.
    ``orbit user add`` (tests/test_server_cli.py) makes and checks hashes of the default cost.
    """
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@dataclass
class World:
    served: Served
    suite: Path
    tokens: dict[str, str | None] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        found: Store = self.served.app.state.store  # type: ignore[attr-defined]
        return found

    def call(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        return self.served.request(method, path, self.tokens.get(who), **kwargs)

    def login(self, name: str, password: str = PASSWORD) -> Any:
        return self.served.request("POST", "/api/login", json={"name": name, "password": password})

    def add_user(self, name: str, projects: list[str], *, admin: bool = False) -> None:
        """A user with the password PASSWORD, its argon2 hash made once (see light_hash)."""
        with self.store.begin() as session:
            session.add(
                UserRow(
                    name=name,
                    email=f"{name}@example.com",
                    password_hash=light_hash(),
                    is_admin=admin,
                    created_at=users.now(),
                )
            )
            session.flush()
            users.set_projects(session, name, projects)

    def new_schedule(self, **fields: Any) -> dict[str, Any]:
        """A pending schedule of ``shop`` made by the admin through the API."""
        body = {"project": "shop", "groups": ["checkout"], "at": FUTURE, "tz": "UTC", **fields}
        response = self.call("root", "POST", "/api/schedules", json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created


def full_body(**changes: Any) -> dict[str, Any]:
    """A PUT body: every field."""
    body = {
        "project": "shop",
        "groups": ["login"],
        "name": "nightly login",
        "mode": "parallel",
        "owners": ["dora@example.com"],
        "environment": "staging",
        "tz": "Europe/Berlin",
        "at": FUTURE,
        "cron": None,
    }
    body.update(changes)
    return body


@contextmanager
def world(backend: str, folder: Path, **settings: Any) -> Iterator[World]:
    suite = write_suite(folder / "suite")
    for url in database_url(backend, folder):
        with serve(ServerSettings(db_url=url, suites=(suite,), **settings)) as served:
            made = World(served, suite)
            made.add_user("root", [], admin=True)
            made.add_user("alice", ["shop"])
            made.add_user("bob", ["billing"])
            for name in ("root", "alice", "bob"):
                made.tokens[name] = made.login(name).json()["token"]
            made.tokens["anonymous"] = None
            yield made


@pytest.fixture(scope="module", params=BACKENDS)
def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The world of ``world`` for a whole test module, on each backend in turn."""
    with world(request.param, tmp_path_factory.mktemp(request.param)) as made:
        yield made
