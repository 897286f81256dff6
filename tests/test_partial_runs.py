"""Partial runs (-k, a node id, --lf, --sw, a shard without a run key) are stored marked, with
what selected them, and kept out of trends, averages and flaky unless asked for."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import column, insert, table

import store_servers
from pytest_testorbit.cli import main
from pytest_testorbit.store import migrate, open_store, queries
from pytest_testorbit.store.db import make_engine

db_url = store_servers.db_url
ARGS = ("-p", "no:randomly", "-p", "no:logging")


pytestmark = pytest.mark.usefixtures("clean_orbit_environment")


@pytest.fixture
def suite(pytester: pytest.Pytester, httpserver: HTTPServer) -> pytest.Pytester:
    """checkout: log in passes, pay fails; login: two passing steps."""
    httpserver.expect_request("/ok").respond_with_json({"ok": True})
    httpserver.expect_request("/broken").respond_with_data("no", status=500)
    ok, broken = httpserver.url_for("/ok"), httpserver.url_for("/broken")
    pytester.makefile(".yaml", orbit="project: shop\n")
    pytester.makefile(
        ".orbit.yaml",
        checkout=f"""
        steps:
          - {{name: log in, request: {{method: GET, url: "{ok}"}}}}
          - {{name: pay, request: {{method: POST, url: "{broken}"}}}}
        """,
        login=f"""
        steps:
          - {{name: log in, request: {{method: GET, url: "{ok}"}}}}
          - {{name: profile, request: {{method: GET, url: "{ok}"}}}}
        """,
    )
    return pytester


def runs_of(pytester: pytest.Pytester) -> list[queries.RunRow]:
    store = open_store(f"sqlite:///{pytester.path / '.orbit' / 'results.db'}")
    try:
        with store.session() as session:
            return queries.runs(session)
    finally:
        store.close()


def groups_of(pytester: pytest.Pytester, run_id: str) -> dict[str, queries.GroupRow]:
    store = open_store(f"sqlite:///{pytester.path / '.orbit' / 'results.db'}")
    try:
        with store.session() as session:
            rows = queries.group_results(session, [run_id])[run_id]
    finally:
        store.close()
    return {row.group: row for row in rows}


def test_a_whole_run_is_stored_as_full(suite):
    suite.runpytest(*ARGS)
    (run,) = runs_of(suite)
    assert (run.partial, run.selection) == (False, None)
    assert not any(group.partial for group in groups_of(suite, run.id).values())


def test_a_run_with_k_is_partial_and_says_how_it_was_selected(suite):
    suite.runpytest(*ARGS, "-k", "login").assert_outcomes(passed=2, deselected=2)
    (run,) = runs_of(suite)
    assert (run.partial, run.selection) == (True, "-k login")
    assert groups_of(suite, run.id)["login"].partial is False  # all of its steps ran


def test_a_node_id_of_one_step_makes_the_run_and_its_group_partial(suite):
    suite.runpytest(*ARGS, "checkout.orbit.yaml::checkout::pay")
    (run,) = runs_of(suite)
    assert (run.partial, run.selection) == (True, "checkout.orbit.yaml::checkout::pay")
    assert groups_of(suite, run.id)["checkout"].partial is True


def test_a_node_id_of_a_whole_group_makes_the_run_partial_but_not_the_group(suite):
    suite.runpytest(*ARGS, "login.orbit.yaml::login")
    (run,) = runs_of(suite)
    assert (run.partial, run.selection) == (True, "login.orbit.yaml::login")
    assert groups_of(suite, run.id)["login"].partial is False


def test_deselect_and_lf_runs_are_partial(suite):
    suite.runpytest(*ARGS, "--deselect", "login.orbit.yaml::login::profile")
    suite.runpytest(*ARGS, "--lf")  # the last run failed checkout::pay: only that runs again
    lf, deselect = runs_of(suite)
    assert (deselect.partial, deselect.selection) == (
        True,
        "--deselect login.orbit.yaml::login::profile",
    )
    assert lf.partial and lf.selection == "--lf"


def test_a_shard_is_partial_without_a_run_key_and_whole_with_one(suite):
    suite.runpytest(*ARGS, "--orbit-shard", "1/2")
    suite.runpytest(*ARGS, "--orbit-shard", "1/2", "--orbit-run-key", "ci-1")
    keyed, alone = runs_of(suite)
    assert (alone.partial, alone.selection) == (True, "--orbit-shard 1/2")
    assert (keyed.partial, keyed.selection) == (False, None)


def test_a_stepwise_stop_is_a_failed_partial_run_not_an_interrupted_one(suite):
    result = suite.runpytest(*ARGS, "--sw", "checkout.orbit.yaml", "login.orbit.yaml")
    result.assert_outcomes(passed=1, failed=1)
    (run,) = runs_of(suite)
    assert run.status == "failed"
    assert run.partial
    assert run.selection == "stopped: Test failed, continuing from this test next run."
    result.stdout.fnmatch_lines([f"run {run.id}: failed, stored in *"])


def test_partial_runs_are_left_out_of_report_and_flaky_unless_included(suite, capsys, monkeypatch):
    suite.runpytest(*ARGS)  # full: checkout 1/2, login 2/2
    suite.runpytest(*ARGS, "checkout.orbit.yaml::checkout::pay")  # partial: checkout 0/1
    partial, full = runs_of(suite)
    monkeypatch.chdir(suite.path)
    capsys.readouterr()

    assert main(["report", "--runs", "5", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["run"]["id"] == full.id
    assert [run["id"] for run in report["runs"]] == [full.id]
    assert main(["report", "--runs", "5", "--format", "json", "--include-partial"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [run["id"] for run in report["runs"]] == [full.id, partial.id]

    assert main(["flaky", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["runs"] == 1
    assert main(["flaky", "--format", "json", "--include-partial"]) == 0
    assert json.loads(capsys.readouterr().out)["runs"] == 2

    assert main(["runs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[0] == partial.id
    assert lines[1].split()[4:7] == ["failed", "(partial)", "manual"]
    assert lines[2].split()[0] == full.id
    assert lines[2].split()[4:6] == ["failed", "manual"]
    assert main(["runs", "--no-partial", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [run["id"] for run in shown] == [full.id]
    assert (shown[0]["partial"], shown[0]["selection"]) == (False, None)


def test_a_store_with_only_partial_runs_says_how_to_count_them(suite, capsys, monkeypatch):
    suite.runpytest(*ARGS, "-k", "login")
    monkeypatch.chdir(suite.path)
    capsys.readouterr()
    expected = (
        "orbit: error: only partial runs (-k, a node id, --lf, a stop at a failure...) have "
        "results here; they are left out of reports and trends: add --include-partial to "
        "count them\n"
    )
    for command in (["report"], ["flaky"]):
        assert main(command) == 2
        assert capsys.readouterr().err == expected
    assert main(["report", "--include-partial", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["run"]["partial"] is True


def test_the_spool_carries_what_was_selected(suite, monkeypatch):
    closed = "postgresql+psycopg://orbit@127.0.0.1:9/results"
    suite.runpytest(*ARGS, "-p", "no:cacheprovider", "--orbit-db", closed, "-k", "login")
    spool = (suite.path / ".orbit" / "spool.jsonl").read_text()
    lines = [json.loads(line) for line in spool.splitlines()]
    assert (lines[0]["run"]["partial"], lines[0]["run"]["selection"]) == (True, "-k login")
    monkeypatch.chdir(suite.path)
    target = f"sqlite:///{suite.path / '.orbit' / 'results.db'}"
    assert main(["db", "flush", "--db", target]) == 0
    (run,) = runs_of(suite)
    assert (run.partial, run.selection) == (True, "-k login")


# A run as revision 0002 stored it (no partial, no selection).
OLD_RUN = {
    "id": "r-old",
    "project": "shop",
    "environment": "staging",
    "started_at": datetime(2026, 1, 1, 6),
    "status": "passed",
    "trigger": "manual",
    **dict.fromkeys(
        ("groups_total", "groups_passed", "groups_failed", "steps_total", "steps_passed"), 0
    ),
    **dict.fromkeys(("steps_failed", "steps_skipped", "steps_blocked", "steps_not_run"), 0),
}


def test_orbit_db_upgrade_keeps_older_runs_as_full_runs(db_url, capsys):
    from alembic import command

    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(migrate.alembic_config(connection), "0002_schedules")
            connection.commit()
            old_run = table("orbit_run", *(column(name) for name in OLD_RUN))
            connection.execute(insert(old_run).values(OLD_RUN))
            connection.commit()
    finally:
        engine.dispose()
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"to {migrate.newest_revision()}.")
    store = open_store(db_url)
    try:
        with store.session() as session:
            (run,) = queries.runs(session)
    finally:
        store.close()
    assert (run.id, run.partial, run.selection) == ("r-old", False, None)


CRASH_FIRST_CONFTEST = """
import os
from pathlib import Path

def pytest_runtest_setup(item):
    # The worker dies before it sends any report: the run's first report is xdist's crash report.
    marker = Path(__file__).with_name("crashed")
    if not marker.exists():
        marker.write_text("x")
        os._exit(1)
"""


def test_a_run_whose_first_report_is_a_worker_crash_is_still_stored_as_partial(suite):
    suite.makeconftest(CRASH_FIRST_CONFTEST)
    suite.makefile(
        ".orbit.yaml",
        other='steps:\n  - {name: only, request: {method: GET, url: "http://127.0.0.1:9/"}}\n',
    )
    result = suite.runpytest_subprocess(*ARGS, "-n", "1", "-k", "checkout or login")
    result.stdout.fnmatch_lines(["*worker 'gw0' crashed while running*"])
    (run,) = runs_of(suite)
    assert (run.partial, run.selection) == (True, "-k checkout or login")
