"""Parallel runs on pytest-xdist: groups whole and in order, serial groups on one worker,
a worker that dies mid-group, and step order kept against pytest-randomly.

xdist needs real processes, so these run pytest in a subprocess (``run_subprocess``); each
step hits ``/g/<group>/<n>`` on the test's httpserver, which records the order and, through
the ``X-Worker`` header, which worker sent it.
"""

from __future__ import annotations

import re
import sqlite3
import textwrap

import pytest

SUBPROCESS_TIMEOUT = 180  # seconds: a hung xdist session fails the test instead of the suite


def group(name: str, steps: int, *, parallel: bool = True, worker: bool = False) -> str:
    lines = [f"name: {name}", f"parallel: {'true' if parallel else 'false'}", "steps:"]
    header = ', headers: {X-Worker: "{{ env.PYTEST_XDIST_WORKER }}"}' if worker else ""
    for n in range(1, steps + 1):
        lines.append(f"  - name: s{n}")
        lines.append(f"    request: {{method: GET, url: /g/{name}/{n}{header}}}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def api(orbit):
    orbit.httpserver.expect_request(re.compile(r"/g/.*")).respond_with_json({"ok": True})
    return orbit


def sequences(orbit) -> dict[str, list[int]]:
    """Each group's step numbers in the order the server received them."""
    found: dict[str, list[int]] = {}
    for path in orbit.paths:
        _, _, name, n = path.split("/")
        found.setdefault(name, []).append(int(n))
    return found


def workers(orbit) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for request in orbit.requests:
        found.setdefault(request.path.split("/")[2], set()).add(request.headers.get("X-Worker"))
    return found


def run(orbit, *args: str):
    return orbit.pytester.runpytest_subprocess(*orbit.ARGS, *args, timeout=SUBPROCESS_TIMEOUT)


@pytest.mark.parametrize("n", ["2", "4"])
def test_each_group_runs_whole_on_one_worker_with_its_steps_in_order(api, n):
    for name in ("alpha", "beta", "gamma", "delta", "epsilon"):
        api.case(f"{name}.orbit.yaml", group(name, 6, worker=True))
    result = run(api, "-n", n)
    result.assert_outcomes(passed=30)
    assert sequences(api) == {name: [1, 2, 3, 4, 5, 6] for name in sequences(api)}
    assert len(sequences(api)) == 5
    assert all(len(names) == 1 for names in workers(api).values()), workers(api)


@pytest.mark.parametrize("n", ["2", "4"])
def test_serial_groups_run_on_one_worker_one_after_another_in_file_order(api, n):
    api.case("a/one.orbit.yaml", group("one", 3, parallel=False, worker=True))
    api.case("b.orbit.yaml", group("two", 2, parallel=False, worker=True))
    api.case(
        "c.orbit.yaml",
        group("three", 2, parallel=False, worker=True)
        + "---\n"
        + group("four", 2, parallel=False, worker=True),
    )
    for name in ("p1", "p2", "p3"):
        api.case(f"{name}.orbit.yaml", group(name, 3, worker=True))
    result = run(api, "-n", n)
    result.assert_outcomes(passed=18)
    serial = [p for p in api.paths if p.split("/")[2] in ("one", "two", "three", "four")]
    # pytest walks a folder's entries by name: a/one.orbit.yaml, b.orbit.yaml, c.orbit.yaml.
    assert serial == [
        "/g/one/1", "/g/one/2", "/g/one/3", "/g/two/1", "/g/two/2",
        "/g/three/1", "/g/three/2", "/g/four/1", "/g/four/2",
    ]  # fmt: skip
    on = workers(api)
    assert len(on["one"] | on["two"] | on["three"] | on["four"]) == 1, on


def test_python_tests_in_the_same_run_still_run(api):
    api.case("alpha.orbit.yaml", group("alpha", 3))
    api.pytester.makepyfile(test_plain="def test_one(): pass\ndef test_two(): pass\n")
    result = run(api, "-n", "2")
    result.assert_outcomes(passed=5)
    assert sequences(api) == {"alpha": [1, 2, 3]}


def test_a_run_without_case_groups_keeps_xdists_own_load_scheduling(orbit):
    tests = "".join(f"def test_{n}(): pass\n" for n in range(6))
    orbit.pytester.makepyfile(test_plain=tests)
    result = run(orbit, "-n", "2", "-v")
    result.assert_outcomes(passed=6)
    # --dist load spreads one module's tests over both workers; loadscope would not.
    result.stdout.fnmatch_lines(["*[[]gw0[]]*PASSED*"])
    result.stdout.fnmatch_lines(["*[[]gw1[]]*PASSED*"])


def test_an_explicit_dist_loadscope_gets_orbits_scheduling_too(api):
    for name in ("one", "two", "three"):
        api.case(f"{name}.orbit.yaml", group(name, 2, parallel=False, worker=True))
    result = run(api, "-n", "2", "--dist", "loadscope")
    result.assert_outcomes(passed=6)
    on = workers(api)
    assert len(on["one"] | on["two"] | on["three"]) == 1, on


def test_steps_keep_their_order_when_pytest_randomly_shuffles(api):
    for name in ("alpha", "beta", "gamma"):
        api.case(f"{name}.orbit.yaml", group(name, 8))
    api.pytester.makepyfile(test_plain="def test_one(): pass\ndef test_two(): pass\n")
    args = ("--orbit-no-db", "-p", "no:cacheprovider", "-p", "randomly", "-p", "no:logging")
    for extra in ([], ["-n", "2"]):
        api.httpserver.clear_log()
        result = api.pytester.runpytest_subprocess(
            *args, "-p", "randomly", "--randomly-seed=7", *extra, timeout=SUBPROCESS_TIMEOUT
        )
        result.assert_outcomes(passed=26)
        result.stdout.fnmatch_lines(["*randomly-seed=7*"])
        assert sequences(api) == {name: list(range(1, 9)) for name in ("alpha", "beta", "gamma")}


def test_a_plugin_that_reorders_steps_after_orbit_stops_the_run(api):
    api.case("alpha.orbit.yaml", group("alpha", 3))
    api.pytester.makeconftest(
        "def pytest_collection_finish(session):\n    session.items.reverse()\n"
    )
    result = api.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*the steps of group alpha.orbit.yaml::alpha are out of order after collection*"]
    )
    assert api.paths == []


CRASH_CONFTEST = """
    import os
    from pathlib import Path

    from pytest_testorbit.plugin import results

    def pytest_sessionstart(session):
        # Stores results even where plugin.py does not register the results module yet.
        config, name = session.config, results.PLUGIN_NAME
        if not hasattr(config, "workerinput") and not config.pluginmanager.has_plugin(name):
            config.pluginmanager.register(results.Results(config), name)

    def pytest_runtest_call(item):
        # Die once, the first time: a re-run of the step would not die and shows as a request.
        marker = Path(__file__).with_name("crashed")
        if item.nodeid.endswith("::victim::s2") and not marker.exists():
            marker.write_text("x")
            os._exit(1)
"""


@pytest.mark.parametrize("n", ["2", "4"])
def test_a_worker_that_dies_mid_group_leaves_a_finished_run_and_re_runs_nothing(api, n):
    api.pytester.makeconftest(textwrap.dedent(CRASH_CONFTEST))
    api.case("victim.orbit.yaml", group("victim", 4))
    for name in ("alpha", "beta", "gamma", "delta"):
        api.case(f"{name}.orbit.yaml", group(name, 3))
    api.case("serial.orbit.yaml", group("serial", 2, parallel=False))
    db = api.pytester.path / "results.db"
    args = ("-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:logging", "-n", n)
    result = api.pytester.runpytest_subprocess(
        *args, f"--orbit-db=sqlite:///{db}", timeout=SUBPROCESS_TIMEOUT
    )
    result.stdout.fnmatch_lines(["*worker 'gw*' crashed while running*victim::s2*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    found = sequences(api)
    assert found.pop("victim") == [1]  # s2 died, s3 and s4 never sent
    assert found == {
        "alpha": [1, 2, 3],
        "beta": [1, 2, 3],
        "gamma": [1, 2, 3],
        "delta": [1, 2, 3],
        "serial": [1, 2],
    }
    stored = stored_steps(db)
    assert stored["victim"] == {"s1": "passed", "s2": "not_run", "s3": "not_run", "s4": "not_run"}
    assert stored["alpha"] == {"s1": "passed", "s2": "passed", "s3": "passed"}
    with sqlite3.connect(db) as connection:
        ((status, finished),) = connection.execute(
            "select status, finished_at from orbit_run"
        ).fetchall()
    assert status == "failed" and finished is not None


def stored_steps(db) -> dict[str, dict[str, str]]:
    query = """
        select g.group_key, s.step_id, s.outcome from orbit_step_result s
        join orbit_group_result r on s.group_result_id = r.id
        join orbit_case_group g on r.case_group_id = g.id
    """
    found: dict[str, dict[str, str]] = {}
    with sqlite3.connect(db) as connection:
        for group_key, step_id, outcome in connection.execute(query):
            found.setdefault(group_key, {})[step_id] = outcome
    return found


class FakeNode:
    """What the scheduler uses of an xdist WorkerController."""

    def __init__(self, name: str) -> None:
        self.name, self.sent, self.shutting_down = name, [], False

    def send_runtest_some(self, indices):
        self.sent.extend(indices)

    def shutdown(self):
        self.shutting_down = True


def test_after_a_crash_the_serial_groups_not_yet_started_are_queued_again_in_order(api):
    from pytest_testorbit.plugin.scheduling import SERIAL, GroupScheduling

    for name in ("one", "two", "three"):
        api.case(f"{name}.orbit.yaml", group(name, 2, parallel=False))
    api.case("par.orbit.yaml", group("par", 2))
    config = api.pytester.parseconfigure("-p", "no:randomly", "--orbit-no-db", "--tx", "popen")
    ids = [
        f"{name}.orbit.yaml::{name}::s{n}"
        for name in ("one", "par", "three", "two")
        for n in (1, 2)
    ]
    sched = GroupScheduling(config, log=None)
    node = FakeNode("gw0")
    sched.add_node(node)
    sched.add_node_collection(node, ids)
    sched.schedule()
    assert [ids[i] for i in node.sent][:6] == [
        "one.orbit.yaml::one::s1", "one.orbit.yaml::one::s2",
        "three.orbit.yaml::three::s1", "three.orbit.yaml::three::s2",
        "two.orbit.yaml::two::s1", "two.orbit.yaml::two::s2",
    ]  # fmt: skip  # file order: one, three, two
    sched.mark_test_complete(node, ids.index("one.orbit.yaml::one::s1"))
    assert sched.remove_node(node) == "one.orbit.yaml::one::s2"
    assert list(sched.workqueue) == [SERIAL, "par.orbit.yaml::par"]
    assert list(sched.workqueue[SERIAL]) == [
        "three.orbit.yaml::three::s1", "three.orbit.yaml::three::s2",
        "two.orbit.yaml::two::s1", "two.orbit.yaml::two::s2",
    ]  # fmt: skip
