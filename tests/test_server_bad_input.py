"""Bad input to the API is a 4xx with a message that says what to fix, never a 500.

One server per backend for the module; every request is the admin's (a member of every
project), so what is refused is the input, not the caller.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import server_world
from server_world import FUTURE, World, full_body

GOOD = {"project": "shop", "groups": ["checkout"], "at": FUTURE, "tz": "UTC"}


# One server per backend for the whole module.
api = server_world.api


def post(**changes: Any) -> dict[str, Any]:
    body = {**GOOD, **changes}
    return {k: v for k, v in body.items() if v is not DROP}


DROP = object()

# (request body of POST /api/schedules, status, the start of the detail)
CREATE_CASES: dict[str, tuple[Any, int, str]] = {
    "unknown field": (post(colour="red"), 422, "colour is not a field of this request: remove it"),
    "groups not a list": (post(groups="checkout"), 422, "groups: Input should be a valid list"),
    "group not a string": (post(groups=[1]), 422, "groups.0: Input should be a valid string"),
    "no groups": (post(groups=[]), 422, "groups: List should have at least 1 item"),
    "groups missing": (post(groups=DROP), 400, "groups is required"),
    "project missing": (post(project=DROP), 400, "project is required"),
    "unknown group": (post(groups=["chekout"]), 422, "no case group 'chekout' in the suite at "),
    "past time": (post(at="2020-01-01T00:00"), 422, "at 2020-01-01T00:00 is in the past"),
    "not a time": (
        post(at="tomorrow"),
        422,
        "at 'tomorrow' is not a time: write it as YYYY-MM-DDTHH:MM",
    ),
    "no time": (post(at=DROP), 422, 'give "at" (a time, for one run) or "cron"'),
    "bad cron": (
        post(at=None, cron="61 * * * *"),
        422,
        "cron '61 * * * *' is not a valid cron expression",
    ),
    "short cron": (post(at=None, cron="* *"), 422, "cron '* *' must have 5 fields"),
    "unknown zone": (post(tz="Mars/Base"), 422, "unknown time zone 'Mars/Base' for tz."),
    "bad owner": (post(owners=["nobody"]), 422, "owners: 'nobody' is not an e-mail address"),
    "unknown environment": (
        post(environment="prod"),
        422,
        "unknown environment 'prod' for environment.",
    ),
    "unknown mode": (post(mode="sideways"), 422, "mode: Input should be 'serial' or 'parallel'"),
    "unserved project": (
        post(project="billing"),
        422,
        "project 'billing' has no suite on this server",
    ),
    "a list, not an object": ([GOOD], 422, "the body must be a JSON object"),
    "a string as the time": (post(at=20990601), 422, "at: Input should be a valid string"),
    "a NUL in the name": (post(name="night\u0000ly"), 422, "name: String should match pattern"),
    "a NUL in an owner": (
        post(owners=["a\u0000@example.com"]),
        422,
        "owners.0: String should match pattern",
    ),
}


@pytest.mark.parametrize("case", CREATE_CASES)
def test_a_bad_schedule_is_refused_with_a_message(api: World, case: str) -> None:
    body, status, detail = CREATE_CASES[case]
    response = api.call("root", "POST", "/api/schedules", json=body)
    assert (response.status_code, response.json()["detail"][: len(detail)]) == (status, detail)


def test_the_unknown_group_message_suggests_the_right_one(api: World) -> None:
    response = api.call("root", "POST", "/api/schedules", json=post(groups=["chekout"]))
    assert (
        "Did you mean 'checkout'? Known groups: checkout, login, search"
        in response.json()["detail"]
    )


@pytest.mark.parametrize("missing", list(full_body()))
def test_a_full_update_names_each_missing_field(api: World, missing: str) -> None:
    path = f"/api/schedules/{api.new_schedule()['id']}"
    body = full_body()
    del body[missing]
    response = api.call("root", "PUT", path, json=body)
    assert response.status_code == 400
    assert response.json()["detail"] == f"{missing} is required"


def test_a_full_update_cannot_move_a_schedule_to_another_project(api: World) -> None:
    made = api.new_schedule()
    response = api.call(
        "root", "PUT", f"/api/schedules/{made['id']}", json=full_body(project="billing")
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"project: schedule {made['id']} belongs to 'shop' and stays there; make a new "
        f"schedule for 'billing' instead"
    )


def test_a_huge_body_is_413_before_it_is_read(api: World) -> None:
    body = post(name="x" * 2_000_000)
    response = api.call("root", "POST", "/api/schedules", json=body)
    assert response.status_code == 413
    assert response.json() == {"detail": "the request body is larger than 1000000 bytes"}


def test_a_huge_chunked_body_is_413_too(api: World) -> None:
    chunks = (b"[" + b"1," * 100_000 for _ in range(10))  # no Content-Length: sent chunked
    response = api.call(
        "root", "POST", "/api/schedules", data=chunks, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_a_body_that_is_not_json(api: World) -> None:
    response = api.call(
        "root",
        "POST",
        "/api/schedules",
        data=b"{groups:",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("the body is not valid JSON: ")


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/api/schedules/999999", 404, "no schedule with id 999999"),
        ("/api/schedules/abc", 422, "path parameter schedule_id: Input should be a valid integer"),
        (
            f"/api/schedules/{10**20}",
            422,
            "path parameter schedule_id: Input should be less than or equal to 2147483647",
        ),
        (
            "/api/schedules/0",
            422,
            "path parameter schedule_id: Input should be greater than or equal to 1",
        ),
        (
            "/api/schedules?status=bogus",
            422,
            "unknown status 'bogus' for status; choose from pending",
        ),
    ],
)
def test_bad_paths_and_queries(api: World, path: str, status: int, detail: str) -> None:
    response = api.call("root", "GET", path)
    assert (response.status_code, response.json()["detail"][: len(detail)]) == (status, detail)


@pytest.mark.parametrize(
    ("method", "suffix"), [("PUT", ""), ("POST", "/cancel")], ids=["replace", "cancel"]
)
def test_changing_an_unknown_schedule_is_404(api: World, method: str, suffix: str) -> None:
    response = api.call("root", method, f"/api/schedules/999999{suffix}", json=full_body())
    assert response.status_code == 404
    assert response.json() == {"detail": "no schedule with id 999999"}


def test_a_nul_in_a_login_or_a_user_name_is_refused_not_a_500(api: World) -> None:
    login = api.served.request("POST", "/api/login", json={"name": "al\u0000ice", "password": "x"})
    assert login.status_code == 422
    assert login.json()["detail"].startswith("name: String should match pattern")
    nul = api.call("root", "PUT", "/api/users/al%00ice/projects", json={"projects": ["shop"]})
    assert (nul.status_code, nul.json()) == (404, {"detail": "no user 'al\\x00ice'"})


def test_a_deeply_nested_body_is_refused(api: World) -> None:
    response = api.call(
        "root",
        "POST",
        "/api/schedules",
        data=b"[" * 200_000,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_assigning_projects_to_an_unknown_user_or_a_bad_name(api: World) -> None:
    unknown = api.call("root", "PUT", "/api/users/nobody/projects", json={"projects": ["shop"]})
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "no user 'nobody'"})
    spaced = api.call("root", "PUT", "/api/users/bob/projects", json={"projects": ["a b"]})
    assert spaced.status_code == 422
    assert spaced.json()["detail"].startswith("project 'a b' is not a project name")
    assert json.loads(api.call("root", "GET", "/api/me").text)["name"] == "root"
