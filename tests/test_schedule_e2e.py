"""The whole path: ``orbit schedule add``, ``orbit scheduler --once`` running real pytest on
real case files against a real HTTP server, the run stored, the owners told by SMTP and a
webhook."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from notify_servers import smtp_relay
from pytest_testorbit.schedule import service
from pytest_testorbit.store import open_store
from schedule_suite import write_suite

NOTIFY = """\
notify:
  email: {{smtp: "smtp://127.0.0.1:{port}", from: orbit@example.com}}
  webhooks:
    - {{kind: json, url: "{hook}"}}
"""


def orbit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest_testorbit.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def in_an_hour() -> str:
    """A one-shot time safely in the future, however slowly ``orbit`` starts on this machine."""
    return (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_due(db: str, schedule_id: int) -> None:
    """Move the schedule's next time to just now, so ``orbit scheduler --once`` runs it."""
    from sqlalchemy import update

    from pytest_testorbit.store.schedule_models import Schedule

    store = open_store(db)
    try:
        with store.engine.begin() as connection:
            connection.execute(
                update(Schedule)
                .where(Schedule.id == schedule_id)
                .values(next_run_at=datetime.now(timezone.utc) - timedelta(seconds=1))
            )
    finally:
        store.close()


def parts(message: Any) -> str:
    return str(message.get_payload()[0].get_payload(decode=True).decode())


def test_a_scheduled_run_is_stored_and_each_owner_hears_of_their_groups(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/health").respond_with_data("ok")
    httpserver.expect_request("/order").respond_with_data("boom", status=500)
    hooks: list[Any] = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: hooks.append(json.loads(request.get_data())) or ""
    )
    suite = write_suite(tmp_path / "suite", httpserver.url_for("").rstrip("/"))
    db = f"sqlite:///{tmp_path / 'store.db'}"
    with smtp_relay() as box:
        (suite / "orbit.yaml").write_text(
            (suite / "orbit.yaml").read_text()
            + NOTIFY.format(port=box.port, hook=httpserver.url_for("/hook"))
        )
        added = orbit(
            "schedule",
            "add",
            "--groups",
            "checkout,login",
            "--at",
            in_an_hour(),
            "--db",
            db,
            cwd=suite,
        )
        assert added.returncode == 0, added.stderr
        schedule_id = int(added.stdout)
        make_due(db, schedule_id)
        ran = orbit("scheduler", "--once", "--db", db, cwd=suite)
        assert ran.returncode == 0, ran.stderr

    store = open_store(db)
    try:
        done = service.get(store.engine, schedule_id)
        assert done is not None, ran.stderr
        assert (done.status, done.runs, done.last_error) == ("completed", 1, None), ran.stderr
        from pytest_testorbit.store import queries

        with store.session() as session:
            run = queries.get_run(session, str(done.last_run_id))
    finally:
        store.close()
    assert run is not None, ran.stderr  # the pytest plugin stored the run the schedule started
    assert (run.trigger, run.schedule_id) == ("schedule", schedule_id)

    mails = {m["To"]: parts(m) for m in box.messages}
    assert sorted(mails) == ["alice@example.com", "bob@example.com"]
    assert "- checkout: 50% (1/2 steps), failed: order" in mails["alice@example.com"]
    assert "- login[0]: 100% (1/1 steps)" in mails["alice@example.com"]
    # Bob owns only login: no line of the checkout group reaches him (the schedule's name,
    # "checkout,login" by default, does, in the subject).
    assert "- checkout:" not in mails["bob@example.com"]
    assert "checkout,login on local: 2/2 groups passed" in mails["bob@example.com"]
    assert "- login[1]: 100% (1/1 steps)" in mails["bob@example.com"]
    (hook,) = hooks
    assert hook["run"]["id"] == done.last_run_id
    assert sorted(g["group"] for g in hook["groups"]) == ["checkout", "login[0]", "login[1]"]


def test_a_usage_error_of_pytest_fails_the_schedule(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "suite")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    added = orbit(
        "schedule",
        "add",
        "--groups",
        "search",
        "--at",
        in_an_hour(),
        "--env",
        "staging",
        "--db",
        db,
        cwd=suite,
    )
    assert added.returncode == 0, added.stderr
    (suite / "orbit.yaml").write_text("project: shop\nenvironments: {local: {}}\n")
    make_due(db, int(added.stdout))
    ran = orbit("scheduler", "--once", "--no-notify", "--db", db, cwd=suite)
    assert ran.returncode == 0, ran.stderr
    store = open_store(db)
    try:
        failed = service.get(store.engine, int(added.stdout))
    finally:
        store.close()
    assert failed is not None and failed.status == "failed", ran.stderr
    assert (failed.last_error or "").startswith("pytest was called wrongly (exit code 4")
    assert "unknown environment 'staging'" in (failed.last_error or "")
