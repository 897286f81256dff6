"""The schedules API and login through HTTP, against the real app on a real port.

One server per backend for the whole module (SQLite, PostgreSQL, MariaDB; a backend that
cannot be reached is skipped with the reason). Users and tokens: tests/server_world.py.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import server_world
from pytest_testorbit.cases.project import load_project
from pytest_testorbit.schedule import service
from pytest_testorbit.schedule.scheduler import Scheduler
from pytest_testorbit.store.user_models import Token, User
from schedule_worker import fake_command
from server_world import FUTURE, PASSWORD, World, full_body

# One server per backend for the whole module.
api = server_world.api


# --- permissions: who may call what ------------------------------------------------------

ROLES = ("anonymous", "alice", "bob", "root")  # no token, member of shop, non-member, admin


def _schedule_path(api: World, suffix: str = "") -> str:
    return f"/api/schedules/{api.new_schedule()['id']}{suffix}"


# endpoint -> (method, path maker, body maker, status for anonymous, alice, bob, root)
PERMISSIONS: dict[str, tuple[str, Any, Any, tuple[int, int, int, int]]] = {
    "GET /api/me": ("GET", lambda api: "/api/me", None, (401, 200, 200, 200)),
    "GET /api/users": ("GET", lambda api: "/api/users", None, (401, 403, 403, 200)),
    "PUT /api/users/{name}/projects": (
        "PUT",
        lambda api: "/api/users/bob/projects",
        lambda: {"projects": ["billing"]},
        (401, 403, 403, 200),
    ),
    "GET /api/schedules": ("GET", lambda api: "/api/schedules", None, (401, 200, 200, 200)),
    "GET /api/schedules/{id}": ("GET", _schedule_path, None, (401, 200, 200, 200)),
    "POST /api/schedules": (
        "POST",
        lambda api: "/api/schedules",
        lambda: {"project": "shop", "groups": ["search"], "at": FUTURE},
        (401, 201, 403, 201),
    ),
    "PUT /api/schedules/{id}": ("PUT", _schedule_path, full_body, (401, 200, 403, 200)),
    "POST /api/schedules/{id}/cancel": (
        "POST",
        lambda api: _schedule_path(api, "/cancel"),
        None,
        (401, 200, 403, 200),
    ),
}


@pytest.mark.parametrize("endpoint", PERMISSIONS)
def test_permissions_table(api: World, endpoint: str) -> None:
    method, path_of, body_of, expected = PERMISSIONS[endpoint]
    got = []
    for role in ROLES:
        body = body_of() if body_of else None
        got.append(api.call(role, method, path_of(api), json=body).status_code)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))


# The operations whose permissions another test module's table checks: the read API (a
# reader, anonymous only with anonymous read on) and the two public ones.
CHECKED_ELSEWHERE = {
    "POST /api/login": "public: test_a_login_retires_the_earlier_token and the login tests",
    "GET /api/runs": "test_server_read_api.READ_ENDPOINTS",
    "GET /api/runs/{run_id}": "test_server_read_api.READ_ENDPOINTS",
    "GET /api/groups/{group_id}/history": "test_server_read_api.READ_ENDPOINTS",
    "GET /api/flaky": "test_server_read_api.READ_ENDPOINTS",
    "GET /api/projects/{project}/groups": "test_server_read_api.READ_ENDPOINTS",
    "GET /badge/{project}.svg": "public: test_server_read_api, for READMEs",
}


def test_every_operation_the_api_describes_is_in_a_permissions_table(api: World) -> None:
    # A new endpoint fails here until someone decides who may call it.
    paths = api.served.request("GET", "/openapi.json").json()["paths"]
    described = {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}
    tabled = {endpoint.replace("{id}", "{schedule_id}") for endpoint in PERMISSIONS}
    assert described == tabled | set(CHECKED_ELSEWHERE)


def test_refusals_say_why(api: World) -> None:
    path = _schedule_path(api, "/cancel")
    anonymous = api.call("anonymous", "POST", path)
    assert anonymous.json()["detail"] == (
        "log in first: send Authorization: Token <token> (POST /api/login gives one)"
    )
    assert anonymous.headers["WWW-Authenticate"] == "Token"
    outsider = api.call("bob", "POST", path)
    assert outsider.json()["detail"] == (
        "bob is not a member of project 'shop': an admin can add them "
        "(orbit user assign bob --projects shop)"
    )
    assert api.call("alice", "GET", "/api/users").json()["detail"] == (
        "only an admin may do this; alice is not one"
    )


def test_a_bearer_token_works_like_a_token(api: World) -> None:
    token = api.tokens["alice"]
    response = api.served.request("GET", "/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {
        "name": "alice",
        "email": "alice@example.com",
        "is_admin": False,
        "projects": ["shop"],
    }


# --- login and tokens ----------------------------------------------------------------------


def test_a_login_retires_the_earlier_token(api: World) -> None:
    api.add_user("carol", ["shop"])
    first = api.login("carol").json()["token"]
    assert api.served.get("/api/me", first).status_code == 200
    second = api.login("carol").json()["token"]

    assert second != first
    refused = api.served.get("/api/me", first)
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        "the token is not valid (unknown, or retired by a later login): log in again"
    )
    assert api.served.get("/api/me", second).json()["name"] == "carol"


def test_tokens_are_stored_hashed_and_last_login_is_kept(api: World) -> None:
    api.add_user("dan", [])
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    token = api.login("dan").json()["token"]
    with api.store.session() as session:
        user = session.scalars(select(User).where(User.name == "dan")).one()
        stored = session.scalars(select(Token.token_hash).where(Token.user_id == user.id)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert user.last_login is not None and user.last_login >= before
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "alice", "password": "wrong password"}, 401),
        ({"name": "nobody", "password": "wrong password"}, 401),
        ({"name": "alice"}, 400),
        ({"name": 7, "password": "x"}, 422),
    ],
    ids=["wrong-password", "unknown-user", "no-password", "name-not-a-string"],
)
def test_a_bad_login(api: World, body: dict[str, Any], status: int) -> None:
    response = api.served.request("POST", "/api/login", json=body)
    assert response.status_code == status
    if status == 401:  # one message for both: which users exist is not told
        assert response.json() == {"detail": "wrong user name or password"}


# --- the schedules: what they do -----------------------------------------------------------


def test_create_get_list_replace_and_cancel(api: World) -> None:
    created = api.call(
        "alice",
        "POST",
        "/api/schedules",
        json={"project": "shop", "groups": ["checkout", "login"], "at": "2099-06-01T02:00+08:00"},
    )
    assert created.status_code == 201, created.text
    schedule = created.json()
    assert created.headers["Location"] == f"/api/schedules/{schedule['id']}"
    assert schedule["name"] == "checkout,login"
    assert schedule["owners"] == ["alice@example.com", "bob@example.com"]  # the groups' owners
    assert schedule["status"] == "pending" and schedule["mode"] == "serial"
    path = f"/api/schedules/{schedule['id']}"
    assert api.call("alice", "GET", path).json() == schedule

    replaced = api.call("alice", "PUT", path, json=full_body())
    assert replaced.status_code == 200, replaced.text
    shown = api.call("bob", "GET", path).json()
    written = ("groups", "name", "mode", "owners", "environment", "tz")
    assert {k: shown[k] for k in written} == {k: full_body()[k] for k in written}
    assert shown["next_run_at"] == "2099-06-01T02:00:00+02:00"

    pending = api.call("alice", "GET", "/api/schedules?status=pending").json()
    assert schedule["id"] in [s["id"] for s in pending]
    assert {s["status"] for s in pending} == {"pending"}

    cancelled = api.call("alice", "POST", path + "/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    listed = api.call("alice", "GET", "/api/schedules?status=cancelled,completed").json()
    assert schedule["id"] in [s["id"] for s in listed]
    again = api.call("alice", "POST", path + "/cancel")
    assert again.status_code == 409
    assert again.json()["detail"] == (
        f"schedule {schedule['id']} (nightly login) is cancelled: only a pending schedule "
        f"can be cancelled"
    )
    assert api.call("alice", "PUT", path, json=full_body()).status_code == 409


def test_a_cron_schedule_fires_at_its_next_time(api: World) -> None:
    made = api.new_schedule(at=None, cron="@daily", tz="Asia/Shanghai")
    assert made["cron"] == "0 0 * * *"
    assert made["next_run_at"].endswith("T00:00:00+08:00")


def test_the_project_filter_of_the_list(api: World) -> None:
    api.new_schedule()
    assert api.call("alice", "GET", "/api/schedules?project=billing").json() == []
    shop = api.call("alice", "GET", "/api/schedules?project=shop").json()
    assert shop and {s["project"] for s in shop} == {"shop"}


def test_the_scheduler_runs_a_schedule_made_through_the_api(api: World, tmp_path: Path) -> None:
    made = api.new_schedule(groups=["search"], name="from the api")
    marks = tmp_path / "marks"
    later = datetime(2099, 6, 1, 2, 0, 30, tzinfo=timezone.utc)  # just after its time
    scheduler = Scheduler(
        api.store,
        load_project(api.suite / "orbit.yaml"),
        command=fake_command(str(marks), 0),
        clock=lambda: later,
        heartbeat_every=0.05,
    )
    assert scheduler.run_once() >= 1
    ran = {line.split()[0] for line in marks.read_text().splitlines()}
    assert str(made["id"]) in ran
    after = service.get(api.store.engine, made["id"])
    assert after is not None and (after.status, after.runs) == ("completed", 1)
