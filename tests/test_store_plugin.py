"""The results plugin end to end: real pytest runs (pytester) storing into real databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

import store_servers
from pytest_testorbit import plugin
from pytest_testorbit.cli import main
from pytest_testorbit.store import open_store, queries

pytest_plugins = ["pytester"]

# The database fixtures, one fresh database per test on each backend.
db_url = store_servers.db_url

# Until the hub registers the results module itself, load it by hand; keep file order.
RESULTS = [
    *(
        []
        if any(name == "orbit-results" for name, _ in plugin._FEATURES)
        else ["-p", "pytest_testorbit.plugin.results"]
    ),
    "-p",
    "no:randomly",
]
CLOSED = "postgresql+psycopg://orbit:hunter2@127.0.0.1:9/results"


pytestmark = pytest.mark.usefixtures("clean_orbit_environment")


@pytest.fixture
def suite(pytester: pytest.Pytester, httpserver: HTTPServer) -> pytest.Pytester:
    """checkout (3 steps, the second fails and blocks the third) and login (2 passing steps)."""
    httpserver.expect_request("/ok").respond_with_json({"ok": True})
    httpserver.expect_request("/broken").respond_with_data("no", status=500)
    ok, broken = httpserver.url_for("/ok"), httpserver.url_for("/broken")
    pytester.makefile(".yaml", orbit="project: shop\n")
    pytester.makefile(
        ".orbit.yaml",
        checkout=f"""
        title: Buy one item
        owners: [alice@example.com]
        steps:
          - {{name: log in, request: {{method: POST, url: "{ok}"}}}}
          - {{name: create order, request: {{method: POST, url: "{broken}?token=abc"}}}}
          - {{name: fetch order, request: {{method: GET, url: "{ok}"}}}}
        """,
        login=f"""
        steps:
          - {{name: log in, request: {{method: GET, url: "{ok}"}}}}
          - {{name: profile, request: {{method: GET, url: "{ok}"}}}}
        """,
    )
    return pytester


def stored(url: str) -> tuple[list[queries.RunRow], dict[str, queries.GroupRow]]:
    store = open_store(url)
    try:
        with store.session() as session:
            runs = queries.runs(session)
            groups = queries.group_results(session, [runs[0].id])[runs[0].id] if runs else []
    finally:
        store.close()
    return runs, {group.group: group for group in groups}


def test_a_run_stores_each_group_and_prints_the_table(suite: pytest.Pytester) -> None:
    result = suite.runpytest(*RESULTS)
    result.assert_outcomes(passed=3, failed=1, skipped=1)
    url = f"sqlite:///{suite.path / '.orbit' / 'results.db'}"
    (run,), groups = stored(url)
    result.stdout.fnmatch_lines(
        [
            "*= orbit results =*",
            "group     steps  pass rate  file",
            "checkout    1/3      33.3%  checkout.orbit.yaml",
            "login       2/2       100%  login.orbit.yaml",
            f"run {run.id}: failed, stored in {url}",
        ]
    )
    assert (run.status, run.project, run.environment, run.trigger) == (
        "failed",
        "shop",
        "default",
        "manual",
    )
    assert run.finished_at is not None and run.host
    checkout = groups["checkout"]
    assert (checkout.passed, checkout.failed, checkout.blocked, checkout.total) == (1, 1, 1, 3)
    assert checkout.title == "Buy one item" and checkout.owners == ["alice@example.com"]
    assert [s.outcome for s in checkout.steps] == ["passed", "failed", "blocked"]
    failed = checkout.steps[1]
    assert (failed.step, failed.method, failed.status_code) == ("create-order", "POST", 500)
    assert failed.url is not None and failed.url.endswith("/broken?token=abc")
    assert failed.message and "create order" in failed.message
    assert groups["login"].pass_rate == 1.0


def test_no_db_stores_nothing_and_says_so(suite: pytest.Pytester) -> None:
    result = suite.runpytest(*RESULTS, "--orbit-no-db")
    result.stdout.fnmatch_lines(["run *: failed (not stored: --orbit-no-db)"])
    assert not (suite.path / ".orbit").exists()


def test_an_unreachable_store_never_fails_the_tests_and_flush_delivers_later(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite.makepyfile(test_plain="def test_plain():\n    pass\n")
    result = suite.runpytest(*RESULTS, "--orbit-db", CLOSED, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, failed=1, skipped=1)
    spool = suite.path / ".orbit" / "spool.jsonl"
    result.stdout.fnmatch_lines(
        [
            "run *: failed",
            "orbit: warning: the results store could not be used: cannot reach the results "
            "store at postgresql+psycopg://orbit:***@127.0.0.1:9/results: *",
            f"orbit: warning: results for run * were kept in {spool}; send them with "
            "`orbit db flush` once the store is back",
        ]
    )
    assert "hunter2" not in spool.read_text()
    assert [json.loads(line)["kind"] for line in spool.read_text().splitlines()] == [
        "run",
        "group",
        "group",
        "finish",
    ]

    monkeypatch.chdir(suite.path)
    target = f"sqlite:///{suite.path / 'flushed.db'}"
    assert main(["db", "flush", "--db", target]) == 0
    assert main(["db", "flush", "--db", target]) == 0  # nothing left: nothing doubled
    runs, groups = stored(target)
    assert len(runs) == 1 and runs[0].status == "failed"
    assert sorted(groups) == ["checkout", "login"]


def test_ctrl_c_keeps_every_finished_group_and_marks_the_run_interrupted(
    suite: pytest.Pytester,
) -> None:
    suite.makeconftest(
        """
        def pytest_runtest_setup(item):
            if item.nodeid.endswith("checkout::fetch-order"):
                raise KeyboardInterrupt
        """
    )
    result = suite.runpytest_subprocess(*RESULTS, "login.orbit.yaml", "checkout.orbit.yaml")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    url = f"sqlite:///{suite.path / '.orbit' / 'results.db'}"
    (run,), groups = stored(url)
    assert run.status == "interrupted"
    assert groups["login"].pass_rate == 1.0  # finished before Ctrl-C: kept whole
    checkout = groups["checkout"]
    assert [s.outcome for s in checkout.steps] == ["passed", "failed", "not_run"]
    assert checkout.not_run == 1
    result.stdout.fnmatch_lines([f"run {run.id}: interrupted, stored in {url}"])


def test_shards_with_one_run_key_are_one_run(suite: pytest.Pytester) -> None:
    first = suite.runpytest(*RESULTS, "--orbit-run-key", "pipeline-7", "login.orbit.yaml")
    second = suite.runpytest(*RESULTS, "--orbit-run-key", "pipeline-7", "checkout.orbit.yaml")
    url = f"sqlite:///{suite.path / '.orbit' / 'results.db'}"
    (run,), groups = stored(url)
    assert sorted(groups) == ["checkout", "login"]
    assert run.status == "failed" and run.run_key == "pipeline-7"
    for result in (first, second):
        result.stdout.fnmatch_lines([f"run {run.id}: *"])


def test_the_scheduler_and_ci_set_the_trigger_run_id_and_schedule(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = "8c0c4d57-54b4-4bd4-9f5b-3c0d6f0a0d2e"
    monkeypatch.setenv("ORBIT_TRIGGER", "schedule")
    monkeypatch.setenv("ORBIT_RUN_ID", run_id)
    monkeypatch.setenv("ORBIT_SCHEDULE_ID", "12")
    monkeypatch.setenv("CI", "true")
    suite.runpytest(*RESULTS, "login.orbit.yaml")
    monkeypatch.delenv("ORBIT_TRIGGER")
    monkeypatch.delenv("ORBIT_RUN_ID")
    monkeypatch.delenv("ORBIT_SCHEDULE_ID")
    suite.runpytest(*RESULTS, "login.orbit.yaml")
    url = f"sqlite:///{suite.path / '.orbit' / 'results.db'}"
    ci, scheduled = stored(url)[0]
    assert (scheduled.id, scheduled.trigger, scheduled.schedule_id) == (run_id, "schedule", 12)
    assert (ci.trigger, ci.schedule_id) == ("ci", None)


def test_parallel_runs_are_written_by_the_controller_alone(
    db_url: str, suite: pytest.Pytester
) -> None:
    result = suite.runpytest_subprocess(*RESULTS, "-n", "2", "--orbit-db", db_url)
    result.assert_outcomes(passed=3, failed=1, skipped=1)
    (run,), groups = stored(db_url)
    assert run.status == "failed" and run.groups_total == 2
    assert {group.worker for group in groups.values()} <= {"gw0", "gw1"}
    assert [s.outcome for s in groups["checkout"].steps] == ["passed", "failed", "blocked"]
    # The step's report rode from its worker whole: the request it sent and its failure.
    failed = groups["checkout"].steps[1]
    assert (failed.step, failed.method, failed.status_code) == ("create-order", "POST", 500)
    assert failed.message and "create order" in failed.message


def test_a_run_without_case_files_never_imports_sqlalchemy(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="""
        import sys

        def test_plain():
            pass

        def test_no_sqlalchemy_here():
            assert "sqlalchemy" not in sys.modules
        """
    )
    result = pytester.runpytest_subprocess(*RESULTS)
    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line("*orbit results*")
    assert not (pytester.path / ".orbit").exists()


def test_git_commit_and_branch_are_stored_inside_a_repository(
    suite: pytest.Pytester,
) -> None:
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.email=a@b.c", "-c", "user.name=t", *args],
            cwd=suite.path,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    git("init", "-q", "-b", "feature-x")
    git("add", "login.orbit.yaml")
    git("commit", "-q", "-m", "first")
    suite.runpytest(*RESULTS, "login.orbit.yaml")
    (run,), _ = stored(f"sqlite:///{suite.path / '.orbit' / 'results.db'}")
    assert (run.git_branch, run.git_commit) == ("feature-x", git("rev-parse", "HEAD"))


def test_outside_git_the_commit_and_branch_are_quietly_absent(tmp_path: Path) -> None:
    from pytest_testorbit.plugin.results import git_revision

    assert git_revision(tmp_path) == (None, None)
    assert git_revision(tmp_path / "missing") == (None, None)


def test_a_skipped_step_stores_no_request_of_an_earlier_step(
    pytester: pytest.Pytester, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/ok").respond_with_json({"ok": True})
    ok = httpserver.url_for("/ok")
    pytester.makefile(".yaml", orbit="project: shop\n")
    pytester.makefile(
        ".orbit.yaml",
        flow=f"""
        steps:
          - {{name: first, request: {{method: POST, url: "{ok}"}}}}
          - {{name: later, skip_if: "{{{{ true }}}}", request: {{method: GET, url: "{ok}"}}}}
        """,
    )
    pytester.runpytest(*RESULTS).assert_outcomes(passed=1, skipped=1)
    _, groups = stored(f"sqlite:///{pytester.path / '.orbit' / 'results.db'}")
    first, later = groups["flow"].steps
    assert (first.method, first.status_code) == ("POST", 200)
    assert (later.outcome, later.method, later.url, later.status_code) == (
        "skipped",
        None,
        None,
        None,
    )
    assert groups["flow"].pass_rate == 1.0


def test_a_run_into_an_existing_sqlite_store_never_imports_sqlalchemy(
    suite: pytest.Pytester,
) -> None:
    # The first run makes the file (SQLAlchemy and Alembic); the next ones write it with
    # sqlite3 alone, which is most of the store's cost to a short run.
    suite.makeconftest(
        """
        import sys
        from pathlib import Path

        def pytest_unconfigure(config):
            loaded = "sqlalchemy" in sys.modules
            with Path("loaded.txt").open("a") as file:
                file.write(f"{loaded}\\n")
        """
    )
    for _ in range(2):
        suite.runpytest_subprocess(*RESULTS).assert_outcomes(passed=3, failed=1, skipped=1)
    assert (suite.path / "loaded.txt").read_text().split() == ["True", "False"]
    runs, groups = stored(f"sqlite:///{suite.path / '.orbit' / 'results.db'}")
    assert [run.status for run in runs] == ["failed", "failed"]
    assert [s.outcome for s in groups["checkout"].steps] == ["passed", "failed", "blocked"]
    assert groups["login"].pass_rate == 1.0


def test_a_run_stopped_by_x_keeps_every_finished_group(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess(*RESULTS, "-x", "login.orbit.yaml", "checkout.orbit.yaml")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    url = f"sqlite:///{suite.path / '.orbit' / 'results.db'}"
    (run,), groups = stored(url)
    assert run.status == "failed"
    assert groups["login"].pass_rate == 1.0  # finished before the stop: kept whole
    assert [s.outcome for s in groups["checkout"].steps] == ["passed", "failed", "not_run"]
    result.stdout.fnmatch_lines([f"run {run.id}: failed, stored in {url}"])


def test_a_results_file_that_is_no_database_spools_and_says_why(suite: pytest.Pytester) -> None:
    database = suite.path / ".orbit" / "results.db"
    database.parent.mkdir()
    database.write_text("these are not the results you are looking for\n")
    result = suite.runpytest_subprocess(*RESULTS)
    result.assert_outcomes(passed=3, failed=1, skipped=1)
    spool = suite.path / ".orbit" / "spool.jsonl"
    result.stdout.fnmatch_lines(
        [
            "run *: failed",
            "orbit: warning: the results store could not be used: cannot reach the results "
            f"store at sqlite:///{database}: file is not a database",
            f"orbit: warning: results for run * were kept in {spool}; send them with "
            "`orbit db flush` once the store is back",
        ]
    )
    kinds = [json.loads(line)["kind"] for line in spool.read_text().splitlines()]
    assert kinds == ["run", "group", "group", "finish"]
