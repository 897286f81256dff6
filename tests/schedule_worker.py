"""A scheduler process for the race and crash tests, with a fake pytest.

    python schedule_worker.py DB_URL PROJECT_ROOT MARKS_FILE SLEEP [LEASE]

runs ``Scheduler.run_once`` where "pytest" is a tiny Python command that appends
``<schedule id> <run id> <pid>`` to MARKS_FILE and sleeps SLEEP seconds. Every line in the
file is one run actually made, so a double run shows up as two lines for one schedule.
Not a test module; the tests start it with ``sys.executable``.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

FAKE_PYTEST = (
    "import os, sys, time\n"
    "with open(sys.argv[1], 'a') as f:\n"
    "    f.write(f\"{os.environ['ORBIT_SCHEDULE_ID']} {os.environ['ORBIT_RUN_ID']} "
    '{os.getpid()}\\n")\n'
    "time.sleep(float(sys.argv[2]))\n"
)


def fake_command(marks: str, sleep: float) -> Any:
    def command(schedule: Any, node_ids: list[str]) -> list[str]:
        return [sys.executable, "-c", FAKE_PYTEST, marks, str(sleep)]

    return command


def main() -> None:
    from pytest_testorbit.cases.project import load_project
    from pytest_testorbit.schedule.scheduler import Scheduler
    from pytest_testorbit.store import open_store

    url, root, marks, sleep = sys.argv[1], Path(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    lease = float(sys.argv[5]) if len(sys.argv) > 5 else 300.0
    store = open_store(url)
    project = load_project(root / "orbit.yaml")
    scheduler = Scheduler(
        store,
        project,
        lease=timedelta(seconds=lease),
        heartbeat_every=0.1,
        command=fake_command(marks, sleep),
    )
    print(scheduler.run_once(), flush=True)


if __name__ == "__main__":
    main()
