"""``orbit report``, ``orbit runs`` and ``orbit flaky`` on a store with a history of runs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import store_servers
from pytest_testorbit.cli import main
from report_history import group, make_history

# The database fixtures, one fresh database per test on each backend.
db_url = store_servers.db_url
sqlite_url = store_servers.sqlite_url


def orbit(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_report_shows_the_last_runs_groups_with_pass_rates(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = make_history(sqlite_url)
    lines = orbit(capsys, "report", "--db", sqlite_url).splitlines()
    assert lines[0].startswith(f"Run {ids[-1]}  failed  project shop  environment staging  ")
    assert lines[2].split() == [
        "group",
        "passed",
        "failed",
        "blocked",
        "skipped",
        "not",
        "run",
        "total",
        "pass",
        "rate",
    ]
    assert lines[3].split() == ["checkout", "2", "1", "0", "0", "0", "3", "66.7%"]
    assert lines[4].split() == ["checkout[abc]", "3", "0", "0", "0", "0", "3", "100%"]
    assert lines[5].split() == ["login", "1", "0", "0", "0", "1", "2", "50%"]
    assert len(lines) == 6


def test_report_json_uses_the_contract_names(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = make_history(db_url)
    data = json.loads(orbit(capsys, "report", "--db", db_url, "--format", "json"))
    run = data["run"]
    assert {key: run[key] for key in ("id", "status", "environment")} == {
        "id": ids[-1],
        "status": "failed",
        "environment": "staging",
    }
    assert run["started_at"] == "2026-03-01T06:00:00+00:00"
    assert run["finished_at"] == "2026-03-01T06:01:00+00:00"
    groups = {group["group"]: group for group in data["groups"]}
    assert set(groups) == {"checkout", "checkout[abc]", "login"}
    login = groups["login"]
    assert {
        k: login[k] for k in ("passed", "failed", "blocked", "skipped", "not_run", "total")
    } == {
        "passed": 1,
        "failed": 0,
        "blocked": 0,
        "skipped": 0,
        "not_run": 1,
        "total": 2,
    }
    assert login["pass_rate"] == 0.5
    assert [step["outcome"] for step in groups["checkout"]["steps"]] == [
        "passed",
        "passed",
        "failed",
    ]
    assert groups["checkout"]["steps"][2]["message"].endswith("expected status 201, got 500")


def test_report_runs_n_gives_a_trend_per_group(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_history(sqlite_url)
    data = json.loads(
        orbit(capsys, "report", "--db", sqlite_url, "--runs", "5", "--format", "json")
    )
    assert len(data["runs"]) == 5
    groups = {group["group"]: group for group in data["groups"]}
    assert groups["checkout"]["trend"] == pytest.approx([1, 1 / 3, 1, 1 / 3, 2 / 3])
    assert groups["login"]["trend"] == [1, 1, 1, 1, 0.5]
    assert groups["search"]["pass_rate"] is None  # only skips: no rate
    table = orbit(capsys, "report", "--db", sqlite_url, "--runs", "5")
    assert (
        "checkout            2       1        0        0        0      3      66.7%  █▃█▃▆" in table
    )
    assert "search *" in table
    assert "* not in the last run: its newest result in the window is shown" in table


def test_report_for_one_group_and_one_environment(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_history(sqlite_url)
    prod = make_history(sqlite_url, environment="prod", plan=[[]])  # a run with no results
    assert prod
    out = orbit(capsys, "report", "--db", sqlite_url, "--group", "login", "--format", "json")
    assert [group["group"] for group in json.loads(out)["groups"]] == ["login"]
    out = orbit(
        capsys, "report", "--db", sqlite_url, "--group", "checkout[abc]", "--format", "json"
    )
    assert [group["group"] for group in json.loads(out)["groups"]] == ["checkout[abc]"]
    assert main(["report", "--db", sqlite_url, "--env", "prod"]) == 2
    assert capsys.readouterr().err == (
        "orbit: error: no runs with results for environment 'prod' in the store. "
        "Environments with runs with results: staging\n"
    )


def test_report_for_an_unknown_group_names_the_known_ones(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_history(sqlite_url)
    assert main(["report", "--db", sqlite_url, "--group", "chekout"]) == 2
    assert capsys.readouterr().err == (
        "orbit: error: no results for group 'chekout' in the store. Did you mean 'checkout'? "
        "Groups in recent runs: checkout, checkout[abc], login, search\n"
    )


def test_report_csv_has_a_row_per_group_and_run(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = make_history(sqlite_url)
    text = orbit(capsys, "report", "--db", sqlite_url, "--format", "csv", "--runs", "2")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["run_id"], row["group"], row["pass_rate"]) for row in rows] == [
        (ids[3], "checkout", "0.3333"),
        (ids[3], "login", "1.0000"),
        (ids[4], "checkout", "0.6667"),
        (ids[4], "checkout[abc]", "1.0000"),
        (ids[4], "login", "0.5000"),
    ]
    assert rows[0]["title"] == "Checkout <flow>"


def test_report_html_is_one_self_contained_escaped_file(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = make_history(sqlite_url)
    target = tmp_path / "report.html"
    assert orbit(capsys, "report", "--db", sqlite_url, "--format", "html", "-o", str(target)) == (
        f"Wrote {target}\n"
    )
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert ids[-1] in page
    assert "<style>" in page and "<svg" in page
    assert "http://" not in page.replace("http://www.w3.org", "")  # nothing fetched
    assert "<script" not in page and "<link" not in page
    assert "Checkout &lt;flow&gt;" in page and "Checkout <flow>" not in page
    assert "expected status 201, got 500" in page
    # The runs' trend, then one per group that has a rate (search only ever skipped).
    assert page.count('class="chart"') == 4
    assert "No pass rate to chart yet." in page
    assert "Pass rate of checkout over the last 5 runs" in page


def test_report_on_an_empty_store_says_so(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        orbit(capsys, "report", "--db", sqlite_url)
        == f"No runs with results in {sqlite_url} yet.\n"
    )
    data = json.loads(orbit(capsys, "report", "--db", sqlite_url, "--format", "json"))
    assert data == {"run": None, "runs": [], "groups": []}
    assert "No runs with results in" in orbit(
        capsys, "report", "--db", sqlite_url, "--format", "html"
    )


def test_runs_lists_runs_newest_first(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    ids = make_history(db_url)
    lines = orbit(capsys, "runs", "--db", db_url).splitlines()
    assert lines[0].split() == [
        "id",
        "started",
        "env",
        "status",
        "trigger",
        "groups",
        "steps",
        "pass",
        "rate",
    ]
    assert lines[1].split() == [
        ids[-1],
        "2026-03-01",
        "06:00:00Z",
        "staging",
        "failed",
        "manual",
        "1/3",
        "6/8",
        "75%",
    ]
    data = json.loads(orbit(capsys, "runs", "--db", db_url, "--format", "json", "--limit", "2"))
    assert [run["id"] for run in data] == [ids[-1], ids[-2]]
    assert set(data[0]) >= {"id", "status", "environment", "started_at", "finished_at"}
    assert main(["runs", "--db", db_url, "--env", "nowhere"]) == 2
    assert capsys.readouterr().err == (
        "orbit: error: no runs for environment 'nowhere' in the store. "
        "Environments with runs: staging\n"
    )


def test_flaky_finds_groups_and_steps_that_flip(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_history(sqlite_url)
    lines = orbit(capsys, "flaky", "--db", sqlite_url).splitlines()
    assert lines[0] == "Over the last 5 run(s) with results, oldest first (✓ pass, ✗ fail):"
    assert lines[3].split() == ["checkout", "3", "5", "✓✗✓✗✗"]
    assert lines[4].split() == ["login", "1", "5", "✓✓✓✓✗"]
    assert lines[7].split() == ["checkout::create-order", "4", "5", "✓✗✓✗✓"]
    data = json.loads(orbit(capsys, "flaky", "--db", sqlite_url, "--format", "json", "--runs", "2"))
    assert data["runs"] == 2
    # checkout failed in both of the last two runs: steady, not flaky; login flipped.
    assert [(g["group"], g["flips"], g["outcomes"]) for g in data["groups"]] == [
        ("login", 1, ["pass", "fail"])
    ]


def test_flaky_with_steady_results_says_none(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_history(sqlite_url)
    assert orbit(capsys, "flaky", "--db", sqlite_url, "--group", "checkout[abc]") == (
        "No flaky groups or steps over the last 1 run(s).\n"
    )
    assert orbit(capsys, "flaky", "--db", f"sqlite:///{Path(sqlite_url[10:]).parent}/new.db") == (
        f"No runs with results in sqlite:///{Path(sqlite_url[10:]).parent}/new.db yet.\n"
    )


def test_a_bad_runs_number_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--runs", "0"])
    assert "argument --runs: must be a whole number of runs, 1 or more, not '0'" in (
        capsys.readouterr().err
    )


def test_commands_read_the_store_named_in_orbit_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "orbit.yaml").write_text("project: shop\ndatabase: sqlite:///data/orbit.db\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORBIT_DB_URL", raising=False)
    ids = make_history(f"sqlite:///{tmp_path / 'data' / 'orbit.db'}")
    assert json.loads(orbit(capsys, "runs", "--format", "json"))[0]["id"] == ids[-1]
    monkeypatch.setenv("ORBIT_DB_URL", "sqlite:///other.db")
    assert orbit(capsys, "runs").startswith(f"No runs in sqlite:///{tmp_path / 'other.db'} yet.")


def test_report_to_a_file_that_cannot_be_written_is_an_error(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_history(sqlite_url)
    target = tmp_path / "missing" / "report.html"
    assert main(["report", "--db", sqlite_url, "--format", "html", "-o", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"orbit: error: cannot write {target}: No such file or directory\n"
    )


def test_report_for_an_environment_without_runs_names_those_with_runs(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_history(sqlite_url)
    make_history(sqlite_url, environment="local", plan=[[group("login", "passed")]])
    assert main(["report", "--db", sqlite_url, "--env", "stagin"]) == 2
    assert capsys.readouterr().err == (
        "orbit: error: no runs with results for environment 'stagin' in the store. "
        "Did you mean 'staging'? Environments with runs with results: local, staging\n"
    )
    assert main(["report", "--db", sqlite_url, "--env", "prod", "--format", "json"]) == 2
    assert "Environments with runs with results: local, staging" in capsys.readouterr().err


def test_flaky_for_an_unknown_environment_or_group_says_what_exists(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_history(sqlite_url)
    assert main(["flaky", "--db", sqlite_url, "--env", "prod"]) == 2
    assert capsys.readouterr().err == (
        "orbit: error: no runs with results for environment 'prod' in the store. "
        "Environments with runs with results: staging\n"
    )
    assert main(["flaky", "--db", sqlite_url, "--group", "chekout"]) == 2
    assert capsys.readouterr().err == (
        "orbit: error: no results for group 'chekout' in the store. Did you mean 'checkout'? "
        "Groups in recent runs: checkout, checkout[abc], login, search\n"
    )


def test_report_table_aligns_wide_group_names_by_display_width(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_history(sqlite_url, plan=[[group("健康检查", "passed"), group("login", "failed")]])
    lines = orbit(capsys, "report", "--db", sqlite_url).splitlines()
    assert lines[2:] == [
        "group     passed  failed  blocked  skipped  not run  total  pass rate",
        "login          0       1        0        0        0      1         0%",
        "健康检查       1       0        0        0        0      1       100%",
    ]
