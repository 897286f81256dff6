"""``orbit schedule add|list|update|cancel`` as a user types them, every error by its text."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pytest_testorbit.cli import main
from schedule_suite import write_suite


class Orbit:
    """Runs ``orbit`` against a suite in tmp_path and a SQLite store beside it."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self.capsys = capsys
        self.db = f"sqlite:///{root / 'store.db'}"

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main([*args, "--project", str(self.root), "--db", self.db])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self(*args)
        assert code == 0, err
        return out

    def error(self, *args: str) -> str:
        code, out, err = self(*args)
        assert code == 2, out
        assert err.startswith("orbit: error: ")
        return err.removeprefix("orbit: error: ").strip()

    def listing(self, *args: str) -> list[dict[str, object]]:
        return json.loads(self.ok("schedule", "list", "--format", "json", *args))  # type: ignore[no-any-return]  # json.loads gives Any; the command prints a list


@pytest.fixture
def orbit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Orbit:
    write_suite(tmp_path)
    return Orbit(tmp_path, capsys)


FUTURE = (datetime.now(timezone.utc) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")


def test_add_prints_the_new_id_and_list_shows_it(orbit: Orbit) -> None:
    assert (
        orbit.ok("schedule", "add", "--groups", "checkout", "--at", FUTURE, "--tz", "UTC").strip()
        == "1"
    )
    assert (
        orbit.ok(
            "schedule",
            "add",
            "--groups",
            "checkout,login",
            "--cron",
            "0 2 * * *",
            "--tz",
            "Asia/Shanghai",
            "--parallel",
            "--name",
            "nightly",
            "--env",
            "staging",
        ).strip()
        == "2"
    )
    table = orbit.ok("schedule", "list").splitlines()
    assert table[0].split() == [
        "ID",
        "NAME",
        "GROUPS",
        "MODE",
        "OWNERS",
        "NEXT",
        "RUN",
        "STATUS",
        "RUNS",
    ]
    assert table[1].split()[:5] == ["1", "checkout", "checkout", "serial", "alice@example.com"]
    assert table[2].split()[:5] == [
        "2",
        "nightly",
        "checkout,login",
        "parallel",
        "alice@example.com,bob@example.com",
    ]
    assert table[2].split()[-4:] == ["02:00", "+08:00", "pending", "0"]


def test_list_json_gives_the_fields_with_runs_for_the_count(orbit: Orbit) -> None:
    orbit.ok(
        "schedule",
        "add",
        "--groups",
        "search",
        "--at",
        "2031-01-02T03:04",
        "--tz",
        "Asia/Shanghai",
        "--owners",
        "ops@example.com",
    )
    (only,) = orbit.listing()
    assert {
        k: only[k]
        for k in ("id", "name", "groups", "mode", "owners", "next_run_at", "status", "runs")
    } == {
        "id": 1,
        "name": "search",
        "groups": ["search"],
        "mode": "serial",
        "owners": ["ops@example.com"],
        "next_run_at": "2031-01-02T03:04:00+08:00",
        "status": "pending",
        "runs": 0,
    }


def test_owners_default_to_the_owners_of_the_groups(orbit: Orbit) -> None:
    orbit.ok("schedule", "add", "--groups", "login,search", "--at", FUTURE)
    assert orbit.listing()[0]["owners"] == [
        "bob@example.com",
        "alice@example.com",
        "carol@example.com",
    ]


def test_list_filters_by_status(orbit: Orbit) -> None:
    for _ in range(3):
        orbit.ok("schedule", "add", "--groups", "search", "--at", FUTURE)
    orbit.ok("schedule", "cancel", "2")
    assert [s["id"] for s in orbit.listing("--status", "pending")] == [1, 3]
    assert [s["id"] for s in orbit.listing("--status", "cancelled")] == [2]
    assert [s["id"] for s in orbit.listing("--status", "cancelled,pending")] == [1, 2, 3]
    assert orbit.ok("schedule", "list", "--status", "running").strip() == "No schedules."


def test_cancel_only_a_pending_schedule(orbit: Orbit) -> None:
    orbit.ok("schedule", "add", "--groups", "search", "--at", FUTURE)
    assert orbit.ok("schedule", "cancel", "1").strip() == "cancelled schedule 1"
    assert orbit.error("schedule", "cancel", "1") == (
        "schedule 1 (search) is cancelled: only a pending schedule can be cancelled"
    )
    assert orbit.error("schedule", "cancel", "9") == (
        "no schedule with id 9 (`orbit schedule list` shows them)"
    )


def test_update_changes_a_pending_schedule(orbit: Orbit) -> None:
    orbit.ok("schedule", "add", "--groups", "search", "--at", FUTURE)
    assert (
        orbit.ok(
            "schedule",
            "update",
            "1",
            "--groups",
            "checkout",
            "--cron",
            "30 1 * * *",
            "--tz",
            "Europe/Berlin",
            "--parallel",
            "--name",
            "renamed",
            "--env",
            "staging",
        ).strip()
        == "updated schedule 1"
    )
    (changed,) = orbit.listing()
    assert (changed["name"], changed["groups"], changed["mode"], changed["owners"]) == (
        "renamed",
        ["checkout"],
        "parallel",
        ["alice@example.com"],
    )
    assert (changed["cron"], changed["tz"], changed["environment"]) == (
        "30 1 * * *",
        "Europe/Berlin",
        "staging",
    )
    assert str(changed["next_run_at"]).endswith(("T01:30:00+01:00", "T01:30:00+02:00"))


def test_update_refuses_what_is_not_pending_and_empty_changes(orbit: Orbit) -> None:
    orbit.ok("schedule", "add", "--groups", "search", "--at", FUTURE)
    assert orbit.error("schedule", "update", "1") == (
        "nothing to change: give --groups, --at, --cron, --tz, --parallel/--serial, --owners, "
        "--env or --name"
    )
    orbit.ok("schedule", "cancel", "1")
    assert orbit.error("schedule", "update", "1", "--name", "x") == (
        "schedule 1 (search) is cancelled: only a pending schedule can be updated"
    )
    assert orbit.error("schedule", "update", "7", "--name", "x") == (
        "no schedule with id 7 (`orbit schedule list` shows them)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--at", FUTURE],
            "--groups is required: the case group ids to run (--groups checkout,login)",
        ),
        (["--groups", "chekout", "--at", FUTURE], None),
        (
            ["--groups", "checkout,", "--at", FUTURE],
            "--groups 'checkout,' has an empty entry: write names separated by commas",
        ),
        (["--groups", "checkout"], 'give --at TIME for one run or --cron "EXPR" for repeated runs'),
        (
            ["--groups", "checkout", "--at", FUTURE, "--owners", "bob@"],
            "--owners: 'bob@' is not an e-mail address (like alice@example.com)",
        ),
        (
            ["--groups", "checkout", "--at", FUTURE, "--owners", "a@example.com,bob"],
            "--owners: 'bob' is not an e-mail address (like alice@example.com)",
        ),
        (
            ["--groups", "checkout", "--at", FUTURE, "--env", "stagign"],
            "unknown environment 'stagign' for --env. Did you mean 'staging'? "
            "Known environments: local, staging",
        ),
        (
            ["--groups", "checkout", "--cron", "0 25 * * *"],
            "--cron '0 25 * * *' is not a valid cron expression: Bad hour",
        ),
        (["--groups", "checkout", "--at", FUTURE, "--tz", "Mars/Base"], None),
    ],
)
def test_add_explains_every_wrong_input(orbit: Orbit, args: list[str], message: str | None) -> None:
    text = orbit.error("schedule", "add", *args)
    if message is not None:
        assert text == message
    elif "chekout" in args:
        assert text == (
            f"no case group 'chekout' in the suite at {orbit.root}. Did you mean "
            "'checkout'? Known groups: checkout, login, search"
        )
    else:
        assert text.startswith("unknown time zone 'Mars/Base' for --tz.")
    assert orbit.listing() == []


def test_an_unknown_status_lists_the_valid_ones(orbit: Orbit) -> None:
    assert orbit.error("schedule", "list", "--status", "done") == (
        "unknown status 'done' for --status; choose from pending, running, completed, failed, "
        "cancelled"
    )


def test_a_group_in_a_broken_file_is_reported_with_the_file(orbit: Orbit) -> None:
    (orbit.root / "broken.orbit.yaml").write_text("steps: [\n", encoding="utf-8")
    assert orbit.error("schedule", "add", "--groups", "broken", "--at", FUTURE).endswith(
        ". These case files do not load: broken.orbit.yaml"
    )


def test_a_missing_project_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schedule", "list", "--project", str(tmp_path / "nope")]) == 2
    error = capsys.readouterr().err.strip()
    assert error == f"orbit: error: --project {tmp_path / 'nope'}: no such folder"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--interval", "0", "--interval must be a positive number of seconds, not 0"),
        ("--lease", "-5", "--lease must be a positive number of seconds, not -5"),
        ("--grace", "-1", "--grace must be a positive number of seconds, not -1"),
    ],
)
def test_the_scheduler_refuses_nonsense_durations(
    orbit: Orbit, option: str, value: str, message: str
) -> None:
    assert orbit.error("scheduler", "--once", option, value) == message


def test_the_scheduler_once_with_nothing_due_exits_cleanly(orbit: Orbit) -> None:
    orbit.ok("schedule", "add", "--groups", "search", "--at", FUTURE)
    assert orbit("scheduler", "--once", "--no-notify")[0] == 0
    assert orbit.listing()[0]["status"] == "pending"
