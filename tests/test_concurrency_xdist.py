"""--orbit-concurrency inside each xdist worker: the units dealt up front, each worker's pool
running its own share ahead, and the guarantees of both kept.

The server is test_concurrency's logging server; every step sends ``X-Worker`` (its xdist
worker), so overlap is measured on the server side, per worker. ``/meetby/<worker>/...``
answers only when four requests of that one worker are inside it together.
"""

from __future__ import annotations

import textwrap

import pytest

import test_concurrency as base
from pytest_testorbit.plugin import partition
from test_concurrency import (
    ARGS,
    MIXED_SUITE,
    SHARED,
    LoggingServer,
    group,
    stored_rows,
    write_groups,
)

server, project = base.server, base.project  # the fixtures, shared

TIMEOUT = 180  # seconds: a hung xdist session fails the test instead of the suite
WORKER = "{{ env.PYTEST_XDIST_WORKER }}"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(*ARGS, *args, timeout=TIMEOUT)


def test_four_groups_overlap_inside_each_of_two_workers(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    # Each worker's share is four groups; each meets the other three of its own worker, so
    # a worker that ran its groups one at a time would fail every step (504).
    write_groups(
        project,
        {
            f"g{g}": group(f"g{g}", f"/meetby/{WORKER}/g{g}", f"/log/g{g}/2", worker=True)
            for g in range(8)
        },
    )
    result = run(project, "--orbit-no-db", "-n", "2", "--orbit-concurrency", "4")
    result.assert_outcomes(passed=16)
    result.stdout.fnmatch_lines(["orbit: --orbit-concurrency 4 in each xdist worker"])
    assert server.log.most_by_worker == {"gw0": 4, "gw1": 4}
    paths = server.log.paths()
    for g in range(8):  # each group's steps in order
        meet = next(p for p in paths if p.endswith(f"/g{g}") and p.startswith("/meetby/"))
        assert paths.index(meet) < paths.index(f"/log/g{g}/2")
    # The deal: alternately, so gw0 has the even groups and gw1 the odd ones.
    assert sorted(p for p in paths if p.startswith("/meetby/gw0/")) == [
        f"/meetby/gw0/g{g}" for g in (0, 2, 4, 6)
    ]


def test_outcomes_and_stored_rows_under_n_2_are_those_of_a_serial_run(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    write_groups(project, MIXED_SUITE)
    (project.path / "shared.yaml").write_text(SHARED, encoding="utf-8")
    rows, outcomes = [], []
    for extra in ((), ("-n", "2", "--orbit-concurrency", "4")):
        database = project.path / f"results-{len(extra)}.db"
        result = run(project, "-rfEs", f"--orbit-db=sqlite:///{database}", *extra)
        outcomes.append(result.parseoutcomes())
        rows.append(stored_rows(database))
        text = "\n".join(result.outlines)
        assert "blocked by third" in text
        assert "s3cr3t-value" not in text
    for found in outcomes:
        found.pop("seconds", None)  # pytest 9 counts the time in the outcomes
    assert outcomes[0] == outcomes[1]
    assert rows[0] and rows[0] == rows[1]


def test_parallel_false_groups_run_on_one_worker_with_nothing_else_of_it_in_flight(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    groups = {
        f"a{g}": group(f"a{g}", f"/log/a{g}/1", f"/log/a{g}/2", worker=True) for g in range(4)
    }
    groups["b-solo"] = group("solo", "/solo/1", "/solo/2", parallel=False, worker=True)
    groups["b-solo2"] = group("solo2", "/solo2/1", parallel=False, worker=True)
    groups |= {
        f"c{g}": group(f"c{g}", f"/log/c{g}/1", f"/log/c{g}/2", worker=True) for g in range(4)
    }
    write_groups(project, groups)
    run(project, "--orbit-no-db", "-n", "2", "--orbit-concurrency", "4").assert_outcomes(passed=19)
    events = server.log.by_worker
    solo_workers = {w for _, path, w in events if path.startswith("/solo")}
    assert solo_workers == {"gw0"}  # the serial unit is dealt first, to slot 0
    on_gw0 = [(event, path) for event, path, w in events if w == "gw0"]
    start = on_gw0.index(("start", "/solo/1"))
    end = on_gw0.index(("end", "/solo2/1"))
    assert [path for _, path in on_gw0[start : end + 1]] == [
        "/solo/1", "/solo/1", "/solo/2", "/solo/2", "/solo2/1", "/solo2/1",
    ]  # fmt: skip
    # gw0's parallel groups (a2, c0, c2: the deal) start only after its serial groups.
    assert on_gw0[:start] == []
    assert {path.split("/")[2] for _, path in on_gw0[end + 1 :]} == {"a2", "c0", "c2"}
    for g in range(4):
        for prefix in (f"/log/a{g}/", f"/log/c{g}/"):
            assert server.log.paths(prefix) == [f"{prefix}1", f"{prefix}2"]


CRASH_CONFTEST = """
    import os
    from pathlib import Path

    def pytest_runtest_call(item):
        # Die once, when pytest reaches the victim's second step (its pool ran ahead).
        marker = Path(__file__).with_name("crashed")
        if item.nodeid.startswith("a-victim") and item.name == "s2" and not marker.exists():
            marker.write_text("x")
            os._exit(1)
"""


def test_a_worker_crash_re_sends_only_groups_its_pool_cannot_have_begun(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    # gw0's share, dealt alternately: a-victim, g01, g03, ..., g17. With width 2 its pool
    # runs at most 4 instances (the one pytest is at and 3 more) ahead: g01, g03, g05 may
    # have begun and are not sent again; g07 to g17 go to the replacement (gw2), which runs
    # them one at a time.
    project.makeconftest(textwrap.dedent(CRASH_CONFTEST))
    groups = {"a-victim": group("victim", "/v/1", "/v/2", worker=True)}
    groups |= {
        f"g{g:02}": group(f"g{g:02}", f"/g{g:02}/1", f"/g{g:02}/2", worker=True) for g in range(18)
    }
    write_groups(project, groups)
    database = project.path / "results.db"
    result = run(project, f"--orbit-db=sqlite:///{database}", "-n", "2", "--orbit-concurrency", "2")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["*worker 'gw0' crashed while running*a-victim.orbit.yaml::victim::s2*"]
    )
    result.stdout.fnmatch_lines(
        [
            "orbit: not sending 3 group(s) of the crashed worker gw0 to another worker: "
            "its --orbit-concurrency pool may have begun them (docs/parallel.md)",
        ]
    )
    paths = server.log.paths()
    assert len(paths) == len(set(paths))  # no request was sent twice
    maybe_begun = {"g01", "g03", "g05"}
    for g in range(18):
        name = f"g{g:02}"
        sent = [p for p in paths if p.startswith(f"/{name}/")]
        if name not in maybe_begun:
            assert sent == [f"/{name}/1", f"/{name}/2"], name
    workers = {path.split("/")[1]: w for _, path, w in server.log.by_worker if w}
    replaced = sorted(name for name, w in workers.items() if w == "gw2")
    assert replaced == [f"g{g:02}" for g in range(7, 18, 2)]
    assert server.log.most_by_worker["gw2"] == 1  # not in any plan: one group at a time
    rows = stored_rows(database)
    victim = [(row[12], row[14]) for row in rows if row[6] == "victim"]
    assert victim == [("s1", "passed"), ("s2", "not_run")]
    stored_groups = {row[6] for row in rows}
    assert {f"g{g:02}" for g in range(18)} <= stored_groups
    # The groups that may have begun sent no report: stored with every step not run.
    begun_rows = sorted((row[6], row[12], row[14]) for row in rows if row[6] in maybe_begun)
    assert begun_rows == [
        (name, step, "not_run") for name in sorted(maybe_begun) for step in ("s1", "s2")
    ]


def test_other_dist_modes_keep_one_group_at_a_time_and_say_so(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    write_groups(project, {f"g{g}": group(f"g{g}", f"/log/g{g}/1", worker=True) for g in range(4)})
    result = run(
        project, "--orbit-no-db", "-n", "2", "--dist", "loadfile", "--orbit-concurrency", "4"
    )
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "orbit: --orbit-concurrency 4 is not used under --dist loadfile: "
            "each xdist worker runs its groups one at a time"
        ]
    )
    assert max(server.log.most_by_worker.values()) == 1


def test_the_deal_gives_each_unit_to_the_lightest_slot_and_knows_only_gw_ids() -> None:
    units = [("serial", [0, 1, 2]), ("a", [3]), ("b", [4]), ("c", [5, 6]), ("d", [7])]
    shares = partition.deal(units, 2)
    assert [[key for key, _ in share] for share in shares] == [["serial", "d"], ["a", "b", "c"]]
    assert partition.slot_of("gw1", 2) == 1
    assert partition.slot_of("gw2", 2) is None  # a replacement worker: no share
    assert partition.slot_of("custom", 2) is None
