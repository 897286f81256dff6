"""The scheduler against a real store: claims, outcomes, cron, missed fires, notifications.

"pytest" is a fake command here (``schedule_worker.fake_command``); the end-to-end tests
run the real one.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from pytest_testorbit.cases.project import load_project
from pytest_testorbit.schedule import service
from pytest_testorbit.schedule.scheduler import Scheduler, pytest_command
from pytest_testorbit.store import open_store
from pytest_testorbit.store.db import Store
from schedule_suite import write_suite
from schedule_worker import fake_command
from store_servers import database_url

UTC = timezone.utc


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(next(database_url("sqlite", tmp_path)))
    yield opened
    opened.close()


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    return write_suite(tmp_path / "suite")


def add_due(store: Store, *, cron: str | None = None, ago: float = 60, **extra: Any) -> int:
    now = datetime.now(UTC)
    values: dict[str, Any] = dict(
        project="shop",
        name="nightly",
        groups=["search"],
        mode="serial",
        owners=["carol@example.com"],
        owners_from_groups=True,
        environment=None,
        tz="UTC",
        at=None,
        cron=cron,
        next_run_at=now - timedelta(seconds=ago),
    )
    values.update(extra)
    return service.add(store.engine, now, **values)


def scheduler(
    store: Store, suite: Path, marks: Path, sleep: float = 0.0, **kwargs: Any
) -> Scheduler:
    return Scheduler(
        store,
        load_project(suite / "orbit.yaml"),
        heartbeat_every=0.05,
        command=kwargs.pop("command", fake_command(str(marks), sleep)),
        **kwargs,
    )


def test_a_due_one_shot_runs_once_and_is_completed(
    store: Store, suite: Path, tmp_path: Path
) -> None:
    schedule_id = add_due(store)
    marks = tmp_path / "marks"
    assert scheduler(store, suite, marks).run_once() == 1
    assert scheduler(store, suite, marks).run_once() == 0
    (line,) = marks.read_text().splitlines()
    done = service.get(store.engine, schedule_id)
    assert done is not None
    assert (done.status, done.runs, done.claimed_by) == ("completed", 1, None)
    assert done.last_error is None
    assert line.split()[:2] == [str(schedule_id), done.last_run_id]


def test_a_failing_test_run_still_completes_the_schedule(
    store: Store, suite: Path, tmp_path: Path
) -> None:
    schedule_id = add_due(store)
    command = lambda *_: [sys.executable, "-c", "raise SystemExit(1)"]  # noqa: E731  # a one-line command factory, as the scheduler takes it  # tests failed
    scheduler(store, suite, tmp_path / "m", command=command).run_once()
    assert service.get(store.engine, schedule_id).status == "completed"  # type: ignore[union-attr]  # the schedule was made above: get finds it


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (2, "pytest was interrupted (exit code 2): a collection error, or the run was stopped"),
        (4, "pytest was called wrongly (exit code 4, a usage error)"),
        (5, "pytest collected no tests (exit code 5)"),
    ],
)
def test_a_run_that_could_not_be_made_fails_the_schedule_with_the_reason(
    store: Store, suite: Path, tmp_path: Path, code: int, reason: str
) -> None:
    schedule_id = add_due(store)
    script = f"print('ERROR: bad option'); raise SystemExit({code})"
    command = lambda *_: [sys.executable, "-c", script]  # noqa: E731  # a one-line command factory, as the scheduler takes it
    scheduler(store, suite, tmp_path / "m", command=command).run_once()
    failed = service.get(store.engine, schedule_id)
    assert failed is not None and failed.status == "failed" and failed.runs == 1
    first, *rest = (failed.last_error or "").splitlines()
    assert first.startswith(f"{reason}; see {suite / '.orbit' / 'logs'}/schedule-{schedule_id}-")
    assert rest == ["ERROR: bad option"]


def test_pytest_that_will_not_start_fails_the_schedule(
    store: Store, suite: Path, tmp_path: Path
) -> None:
    schedule_id = add_due(store)
    command = lambda *_: [str(tmp_path / "no-such-python")]  # noqa: E731  # a one-line command factory, as the scheduler takes it
    scheduler(store, suite, tmp_path / "m", command=command).run_once()
    failed = service.get(store.engine, schedule_id)
    assert failed is not None and failed.status == "failed"
    assert (failed.last_error or "").startswith("pytest would not start: [Errno 2] No such file")


def test_groups_gone_from_the_suite_fail_the_schedule(
    store: Store, suite: Path, tmp_path: Path
) -> None:
    schedule_id = add_due(store, groups=["gone", "vanished"])
    scheduler(store, suite, tmp_path / "m").run_once()
    failed = service.get(store.engine, schedule_id)
    assert failed is not None and failed.status == "failed"
    assert failed.last_error == "none of its groups is in the suite any more: gone, vanished"


def test_a_cron_schedule_goes_back_to_pending_with_its_next_time(
    store: Store, suite: Path, tmp_path: Path
) -> None:
    schedule_id = add_due(store, cron="0 2 * * *", tz="Asia/Shanghai")
    before = datetime.now(UTC)
    scheduler(store, suite, tmp_path / "m").run_once()
    again = service.get(store.engine, schedule_id)
    assert again is not None and (again.status, again.runs) == ("pending", 1)
    assert again.next_run_at is not None
    assert before < again.next_run_at <= before + timedelta(days=1)
    assert again.next_time.endswith("02:00 +08:00")


def test_a_schedule_of_another_project_is_left_alone(
    store: Store, suite: Path, tmp_path: Path
) -> None:
    schedule_id = add_due(store, project="other")
    assert scheduler(store, suite, tmp_path / "m").run_once() == 0
    assert service.get(store.engine, schedule_id).status == "pending"  # type: ignore[union-attr]  # the schedule was made above: get finds it


def test_a_one_shot_missed_beyond_the_grace_is_failed_not_run(
    store: Store, suite: Path, tmp_path: Path
) -> None:
    schedule_id = add_due(store, ago=7200)
    marks = tmp_path / "m"
    assert scheduler(store, suite, marks, grace=timedelta(hours=1)).run_once() == 0
    missed = service.get(store.engine, schedule_id)
    assert missed is not None and missed.status == "failed" and not marks.exists()
    assert (missed.last_error or "").startswith("missed: its time ")
    assert (missed.last_error or "").endswith(
        " passed more than 3600s ago while no scheduler was running"
    )


def test_cron_fires_missed_beyond_the_grace_are_skipped_to_the_next(
    store: Store, suite: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    schedule_id = add_due(store, cron="0 2 * * *", ago=3 * 86400)
    marks = tmp_path / "m"
    assert scheduler(store, suite, marks, grace=timedelta(minutes=1)).run_once() == 0
    moved = service.get(store.engine, schedule_id)
    assert moved is not None and moved.status == "pending" and moved.runs == 0
    assert moved.next_run_at is not None and moved.next_run_at > datetime.now(UTC)
    assert any("skipped fires missed since" in message for message in caplog.messages)


def test_the_notify_callback_gets_the_run_and_its_error(
    store: Store, suite: Path, tmp_path: Path
) -> None:
    calls: list[tuple[int, str, str | None]] = []
    schedule_id = add_due(store, groups=["gone"])
    runner = scheduler(
        store,
        suite,
        tmp_path / "m",
        notify=lambda s, run_id, error: calls.append((s.id, run_id, error)),
    )
    runner.run_once()
    (call,) = calls
    assert call[0] == schedule_id
    assert call[2] == "none of its groups is in the suite any more: gone"


def test_a_failing_notification_does_not_change_the_outcome(
    store: Store, suite: Path, tmp_path: Path
) -> None:
    def explode(*_: Any) -> None:
        raise RuntimeError("relay on fire")

    schedule_id = add_due(store)
    scheduler(store, suite, tmp_path / "m", notify=explode).run_once()
    assert service.get(store.engine, schedule_id).status == "completed"  # type: ignore[union-attr]  # the schedule was made above: get finds it


def test_the_pytest_command_selects_groups_env_and_parallel(store: Store, suite: Path) -> None:
    add_due(store, environment="staging", mode="parallel")
    (schedule,) = service.due(store.engine, "shop", datetime.now(UTC))
    command = pytest_command(schedule, ["search.orbit.yaml::search"])
    assert command == [
        sys.executable,
        "-m",
        "pytest",
        "search.orbit.yaml::search",
        "--orbit-env",
        "staging",
        "-n",
        "auto",
    ]


RECORD_ARGV = (
    "import json, os, sys\n"
    "with open(sys.argv[1], 'w') as f:\n"
    "    json.dump({'argv': sys.argv, 'db': os.environ.get('ORBIT_DB_URL')}, f)\n"
)


def test_the_store_url_reaches_pytest_in_the_environment_never_on_its_command_line(
    suite: Path, tmp_path: Path
) -> None:
    # A password in the URL (PostgreSQL's trust auth takes any): ps would show argv to all.
    urls = database_url("postgresql", tmp_path)  # kept open: closing it drops the schema
    url = next(urls).replace("postgres@", "postgres:pw-in-url-42@", 1)
    opened = open_store(url)
    seen = tmp_path / "seen.json"
    argv: list[list[str]] = []

    def command(schedule: Any, node_ids: list[str]) -> list[str]:
        made = [*pytest_command(schedule, node_ids), "--collect-only"]
        argv.append(made)
        return [sys.executable, "-c", RECORD_ARGV, str(seen)]

    try:
        add_due(opened)
        scheduler(opened, suite, tmp_path / "m", command=command).run_once()
    finally:
        opened.close()
        urls.close()
    recorded = json.loads(seen.read_text())
    assert recorded["db"] == url
    assert "pw-in-url-42" not in " ".join(argv[0] + recorded["argv"])
    assert "--orbit-db" not in argv[0]


def test_shutdown_stops_the_running_pytest_and_records_why(
    store: Store, suite: Path, tmp_path: Path
) -> None:
    schedule_id = add_due(store)
    marks = tmp_path / "m"
    runner = scheduler(store, suite, marks, sleep=60)
    thread = threading.Thread(target=runner.run_forever, args=(0.05,))
    thread.start()
    deadline = time.monotonic() + 30
    while not (marks.exists() and marks.read_text()):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    runner.shutdown()  # what SIGTERM does
    thread.join(timeout=30)
    assert not thread.is_alive()
    stopped = service.get(store.engine, schedule_id)
    assert stopped is not None and stopped.status == "failed"
    assert (stopped.last_error or "").startswith("pytest was killed by signal 15; see ")
