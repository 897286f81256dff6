"""``--orbit-shard I/N``: whole groups, serial groups together, balanced by stored durations,
and shards of one ``--orbit-run-key`` writing one run into PostgreSQL at the same time."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from pytest_testorbit.plugin.shard import SERIAL_SHARE, assign
from store_servers import database_url

TIMEOUT = 180  # seconds for one pytest subprocess


def group(name: str, steps: int, *, parallel: bool = True) -> str:
    lines = [f"name: {name}", f"parallel: {'true' if parallel else 'false'}", "steps:"]
    for n in range(1, steps + 1):
        lines += [f"  - name: s{n}", f"    request: {{method: GET, url: /g/{name}/{n}}}"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def api(orbit):
    orbit.httpserver.expect_request(re.compile(r"/g/.*")).respond_with_json({"ok": True})
    return orbit


def collected(result: pytest.RunResult) -> set[str]:
    """The group instances (``file::group``) a --collect-only -q run lists."""
    return {line.rsplit("::", 1)[0] for line in result.outlines if line.count("::") == 2}


# -- the split itself ---------------------------------------------------------------------


def test_without_durations_the_split_follows_step_counts_and_sorted_keys():
    units = {"a::a": {"a::a": 4}, "b::b": {"b::b": 3}, "c::c": {"c::c": 2}, "d::d": {"d::d": 2}}
    assert assign(units, 2, None) == [{"a::a", "d::d"}, {"b::b", "c::c"}]
    assert assign(dict(reversed(units.items())), 2, None) == assign(units, 2, None)


def test_with_durations_a_slow_group_gets_a_shard_of_its_own():
    units = {key: {key: 2} for key in ("a::a", "b::b", "c::c", "slow::slow")}
    known = {"a::a": 1.0, "b::b": 1.0, "c::c": 1.0, "slow::slow": 9.0}
    assert assign(units, 2, known) == [{"slow::slow"}, {"a::a", "b::b", "c::c"}]


def test_a_group_missing_from_the_durations_weighs_its_steps_at_the_median_rate():
    units = {"a::a": {"a::a": 1}, "b::b": {"b::b": 1}, "new::new": {"new::new": 10}}
    known = {"a::a": 1.0, "b::b": 1.0}  # 1 s per step: the new group weighs 10 s
    assert assign(units, 2, known) == [{"new::new"}, {"a::a", "b::b"}]


def test_more_shards_than_units_leaves_some_shards_empty():
    assert assign({"a::a": {"a::a": 1}}, 3, None) == [{"a::a"}, set(), set()]


# -- through pytest -------------------------------------------------------------------------


def test_the_shards_split_the_groups_whole_and_without_overlap(api):
    for name in ("a", "b", "c", "d", "e"):
        api.case(f"{name}.orbit.yaml", group(name, 3))
    api.case("p.orbit.yaml", "parametrize: [{x: 1}, {x: 2}]\n" + group("p", 2))
    shares = [collected(api.run("--collect-only", "-q", f"--orbit-shard={i}/3")) for i in (1, 2, 3)]
    everything = collected(api.run("--collect-only", "-q"))
    assert set().union(*shares) == everything
    assert sum(len(share) for share in shares) == len(everything) == 7
    assert all(shares), shares


def test_serial_groups_all_land_in_one_shard(api):
    for name in ("s1", "s2", "s3"):
        api.case(f"{name}.orbit.yaml", group(name, 1, parallel=False))
    for name in ("a", "b", "c"):
        api.case(f"{name}.orbit.yaml", group(name, 1))
    shares = [collected(api.run("--collect-only", "-q", f"--orbit-shard={i}/2")) for i in (1, 2)]
    serial = {"s1.orbit.yaml::s1", "s2.orbit.yaml::s2", "s3.orbit.yaml::s3"}
    assert any(serial <= share for share in shares), shares
    assert SERIAL_SHARE not in str(shares)


def test_deselected_groups_are_reported_as_deselected(api):
    for name in ("a", "b"):
        api.case(f"{name}.orbit.yaml", group(name, 2))
    result = api.run("--orbit-shard=1/2")
    result.assert_outcomes(passed=2, deselected=2)


def test_python_tests_run_in_every_shard(api):
    api.case("a.orbit.yaml", group("a", 1))
    api.case("b.orbit.yaml", group("b", 1))
    api.pytester.makepyfile(test_plain="def test_one(): pass\n")
    for index in (1, 2):
        api.run(f"--orbit-shard={index}/2").assert_outcomes(passed=2, deselected=1)


@pytest.mark.parametrize("value", ["0/2", "3/2", "x", "1/0"])
def test_a_bad_shard_is_a_usage_error_that_shows_the_form(api, value):
    api.case("a.orbit.yaml", group("a", 1))
    result = api.run(f"--orbit-shard={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--orbit-shard: '{value}' is not I/N with 1 <= I <= N*"])


def test_workers_of_one_shard_agree_on_its_groups(api):
    for name in ("a", "b", "c", "d"):
        api.case(f"{name}.orbit.yaml", group(name, 2))
    result = api.pytester.runpytest_subprocess(
        *api.ARGS, "-n", "2", "--orbit-shard=2/2", timeout=TIMEOUT
    )
    result.assert_outcomes(passed=4)  # xdist does not pass the workers' deselections on
    assert len({path.split("/")[2] for path in api.paths}) == 2


def test_durations_in_the_store_balance_the_shards(orbit):
    def slow(request):
        # Well above what the first group of a run also pays for first-use imports (0.6 s
        # under load), so the stored durations, not the import, make this group the heaviest.
        time.sleep(1.5)
        from werkzeug import Response

        return Response("{}", content_type="application/json")

    orbit.httpserver.expect_request("/g/slow/1").respond_with_handler(slow)
    orbit.httpserver.expect_request(re.compile(r"/g/.*")).respond_with_json({"ok": True})
    orbit.case("slow.orbit.yaml", group("slow", 1))
    for name in ("a", "b", "c"):
        orbit.case(f"{name}.orbit.yaml", group(name, 2))
    db = f"--orbit-db=sqlite:///{orbit.pytester.path / 'results.db'}"

    def run(*args: str) -> pytest.RunResult:
        # In a subprocess: in-process runs re-import SQLAlchemy (pytester restores sys.modules).
        base = ("-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:logging", db)
        return orbit.pytester.runpytest_subprocess(*base, *args, timeout=TIMEOUT)

    by_steps = collected(run("--collect-only", "-q", "--orbit-shard=1/2"))
    assert by_steps == {"a.orbit.yaml::a", "c.orbit.yaml::c"}  # a, b, c weigh 2 steps, slow 1
    run().assert_outcomes(passed=7)
    by_time = collected(run("--collect-only", "-q", "--orbit-shard=1/2"))
    assert by_time == {"slow.orbit.yaml::slow"}


def test_a_store_that_cannot_be_opened_leaves_the_split_to_step_counts(api):
    api.case("slow.orbit.yaml", group("slow", 1))
    for name in ("a", "b", "c"):
        api.case(f"{name}.orbit.yaml", group(name, 2))
    result = api.pytester.runpytest_subprocess(
        *("-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:logging"),
        "--orbit-db=nosuchdriver://127.0.0.1/orbit",
        *("--collect-only", "-q", "--orbit-shard=1/2"),
        timeout=TIMEOUT,
    )
    assert result.ret == pytest.ExitCode.OK
    assert collected(result) == {"a.orbit.yaml::a", "c.orbit.yaml::c"}


def test_two_shards_of_one_run_key_write_one_run_into_postgresql_at_once(api, tmp_path):
    urls = database_url("postgresql", tmp_path)
    url = next(urls)  # skips the test when PostgreSQL cannot be reached
    try:
        for name in ("a", "b", "c", "d", "e", "f"):
            api.case(f"{name}.orbit.yaml", group(name, 3))
        api.case("s.orbit.yaml", group("s", 2, parallel=False))
        base = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly"]
        common = [f"--orbit-db={url}", "--orbit-run-key=pipeline-42", "-n", "2"]
        shards = [
            subprocess.Popen(
                [*base, *common, f"--orbit-shard={i}/2"],
                cwd=api.pytester.path,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for i in (1, 2)
        ]  # both at once: they race to create the run of their key
        outputs = [shard.communicate(timeout=TIMEOUT)[0] for shard in shards]
        assert [shard.returncode for shard in shards] == [0, 0], outputs
        assert stored_run(url) == ("passed", 7, 20)
    finally:
        next(urls, None)  # drops the schema


def stored_run(url: str) -> tuple[str, int, int]:
    """(status, groups, steps) of the store's only run."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            runs = connection.execute(text("select id, status, finished_at from orbit_run")).all()
            assert len(runs) == 1, runs
            run_id, status, finished = runs[0]
            assert finished is not None
            groups = connection.execute(
                text("select count(*) from orbit_group_result where run_id = :r"), {"r": run_id}
            ).scalar_one()
            steps = connection.execute(
                text(
                    "select count(*) from orbit_step_result s join orbit_group_result g"
                    " on s.group_result_id = g.id where g.run_id = :r"
                ),
                {"r": run_id},
            ).scalar_one()
    finally:
        engine.dispose()
    return str(status), int(groups), int(steps)
