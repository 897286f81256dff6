"""Several schedulers on one store, and a scheduler killed mid-run, on every backend.

Each scheduler is its own process (``schedule_worker.py``) with a fake pytest that leaves a
mark per run made; the store decides who runs what with conditional UPDATEs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pytest_testorbit.cases.project import load_project
from pytest_testorbit.schedule import service
from pytest_testorbit.schedule.scheduler import Scheduler
from pytest_testorbit.store import open_store
from pytest_testorbit.store.db import Store
from schedule_suite import write_suite
from store_servers import BACKENDS, database_url

WORKER = Path(__file__).with_name("schedule_worker.py")
UTC = timezone.utc


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from database_url(request.param, tmp_path)


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    opened = open_store(url)
    yield opened
    opened.close()


def add_due(store: Store, count: int) -> list[int]:
    now = datetime.now(UTC)
    return [
        service.add(
            store.engine,
            now,
            project="shop",
            name=f"s{i}",
            groups=["search"],
            mode="serial",
            owners=[],
            owners_from_groups=True,
            environment=None,
            tz="UTC",
            at=None,
            cron=None,
            next_run_at=now - timedelta(seconds=5),
        )
        for i in range(count)
    ]


def start_worker(
    url: str, suite: Path, marks: Path, sleep: float, lease: float = 300
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), url, str(suite), str(marks), str(sleep), str(lease)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_three_racing_schedulers_run_each_due_schedule_exactly_once(
    url: str, store: Store, tmp_path: Path
) -> None:
    suite = write_suite(tmp_path / "suite")
    ids = add_due(store, 6)
    marks = tmp_path / "marks"
    workers = [start_worker(url, suite, marks, 0.2) for _ in range(3)]
    results = [worker.communicate(timeout=120) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), results
    assert sum(int(out.strip()) for out, _err in results) == 6
    ran = Counter(line.split()[0] for line in marks.read_text().splitlines())
    assert ran == Counter({str(i): 1 for i in ids})
    for schedule in service.list_schedules(store.engine):
        assert (schedule.status, schedule.runs) == ("completed", 1)


def test_a_killed_scheduler_leaves_a_schedule_the_next_marks_abandoned(
    url: str, store: Store, tmp_path: Path
) -> None:
    suite = write_suite(tmp_path / "suite")
    (schedule_id,) = add_due(store, 1)
    marks = tmp_path / "marks"
    worker = start_worker(url, suite, marks, 60)
    deadline = time.monotonic() + 60
    while not (marks.exists() and marks.read_text()):
        assert time.monotonic() < deadline and worker.poll() is None, worker.communicate()
        time.sleep(0.05)
    os.killpg(worker.pid, signal.SIGKILL)  # the scheduler and its pytest, mid-run
    worker.communicate()

    running = service.get(store.engine, schedule_id)
    assert running is not None and running.status == "running"
    project = load_project(suite / "orbit.yaml")
    nxt = Scheduler(store, project, lease=timedelta(seconds=1), command=lambda *_: ["false"])
    nxt.run_once()  # the heartbeat is fresh: not yet abandoned
    assert service.get(store.engine, schedule_id).status == "running"  # type: ignore[union-attr]  # the schedule was made above: get finds it
    time.sleep(1.3)
    nxt.run_once()
    failed = service.get(store.engine, schedule_id)
    assert failed is not None and (failed.status, failed.runs) == ("failed", 1)
    assert (failed.last_error or "").startswith(
        f"abandoned: scheduler {running.claimed_by} stopped heartbeating at "
    )
    assert (failed.last_error or "").endswith("(lease 1s)")
    assert len(marks.read_text().splitlines()) == 1  # never run twice
    nxt.run_once()
    assert len(marks.read_text().splitlines()) == 1


def test_heartbeats_keep_a_long_run_from_being_reaped(
    url: str, store: Store, tmp_path: Path
) -> None:
    suite = write_suite(tmp_path / "suite")
    (schedule_id,) = add_due(store, 1)
    marks = tmp_path / "marks"
    worker = start_worker(url, suite, marks, 2.0, lease=0.6)
    project = load_project(suite / "orbit.yaml")
    reaper = Scheduler(store, project, lease=timedelta(seconds=0.6), command=lambda *_: ["false"])
    while worker.poll() is None:
        reaper.run_once()
        time.sleep(0.1)
    output = worker.communicate()
    assert worker.returncode == 0, output
    done = service.get(store.engine, schedule_id)
    assert done is not None and (done.status, done.runs, done.last_error) == ("completed", 1, None)
