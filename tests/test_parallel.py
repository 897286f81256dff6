"""Parallel runs on pytest-xdist: groups whole and in order, serial groups on one worker,
a worker that dies mid-group, and step order kept against pytest-randomly.

xdist needs real processes, so these run pytest in a subprocess (``run_subprocess``); each
step hits ``/g/<group>/<n>`` on the test's httpserver, which records the order and, through
the ``X-Worker`` header, which worker sent it.
"""

from __future__ import annotations

import ast
import re
import sqlite3
import textwrap
from pathlib import Path

import pytest

import pytest_testorbit

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


@pytest.mark.parametrize("n", ["2", "3", "4"])
def test_each_group_runs_whole_on_one_worker_with_its_steps_in_order(api, n):
    for name in ("alpha", "beta", "gamma", "delta", "epsilon"):
        api.case(f"{name}.orbit.yaml", group(name, 6, worker=True))
    result = run(api, "-n", n)
    result.assert_outcomes(passed=30)
    assert sequences(api) == {name: [1, 2, 3, 4, 5, 6] for name in sequences(api)}
    assert len(sequences(api)) == 5
    assert all(len(names) == 1 for names in workers(api).values()), workers(api)


@pytest.mark.parametrize("n", ["2", "3", "4"])
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
        victim = "::victim::" in item.nodeid or "::victim[" in item.nodeid
        if victim and item.name == "s2" and not marker.exists():
            marker.write_text("x")
            os._exit(1)
"""


@pytest.mark.parametrize("n", ["2", "3", "4"])
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


def test_a_crash_report_masks_the_secrets_the_group_starts_with(api):
    api.pytester.makeconftest(textwrap.dedent(CRASH_CONFTEST))
    api.config(variables={"tenant": "acme-tenant-key-77"}, secrets=["tenant"])
    victim = group("victim", 3).replace(
        "steps:", "parametrize: {ids: [acme-tenant-key-77], rows: [{x: 1}]}\nsteps:"
    )
    api.case("victim.orbit.yaml", victim)
    db = api.pytester.path / "results.db"
    args = ("-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:logging", "-n", "2")
    result = api.pytester.runpytest_subprocess(
        *args, f"--orbit-db=sqlite:///{db}", timeout=SUBPROCESS_TIMEOUT
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # The node id is pytest's to print; the crash text is a report, and masked.
    result.stdout.fnmatch_lines(
        ["*worker 'gw*' crashed while running 'victim.orbit.yaml::victim[[]***[]]::s2'"]
    )
    assert "crashed while running 'victim.orbit.yaml::victim[acme" not in api.text(result)
    with sqlite3.connect(db) as connection:
        messages = [m for (m,) in connection.execute("select message from orbit_step_result")]
    crash = [m for m in messages if m and "crashed" in m]
    expected = r"worker 'gw\d' crashed while running 'victim\.orbit\.yaml::victim\[\*\*\*\]::s2'"
    assert len(crash) == 1 and re.fullmatch(expected, crash[0]), messages


RERUN_CONFTEST = (
    CRASH_CONFTEST
    + """
    def pytest_handlecrashitem(crashitem, report, sched):
        sched.mark_test_pending(crashitem)  # xdist's documented way to run a crashed test again
"""
)


def test_a_plugin_asking_to_re_run_a_crashed_step_is_told_no(api):
    api.pytester.makeconftest(textwrap.dedent(RERUN_CONFTEST))
    api.case("victim.orbit.yaml", group("victim", 3))
    result = run(api, "-n", "2")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "orbit: not running victim.orbit.yaml::victim::s2 again: the rest of a group whose"
            " worker crashed is never sent to another worker (docs/parallel.md)"
        ]
    )
    assert sequences(api) == {"victim": [1]}


PYTHON_CRASH_CONFTEST = """
    import os
    from pathlib import Path

    def pytest_runtest_call(item):
        marker = Path(__file__).with_name("crashed")
        if item.name == "test_victim" and not marker.exists():
            marker.write_text("x")
            os._exit(1)

    def pytest_handlecrashitem(crashitem, report, sched):
        sched.mark_test_pending(crashitem)
"""


def test_a_plugin_may_re_run_a_crashed_python_test(api):
    api.case("alpha.orbit.yaml", group("alpha", 2))
    api.pytester.makeconftest(textwrap.dedent(PYTHON_CRASH_CONFTEST))
    api.pytester.makepyfile(test_plain="def test_victim(): pass\ndef test_other(): pass\n")
    result = run(api, "-n", "2", "-rA")
    result.stdout.fnmatch_lines(
        ["*crashed while running*test_victim*", "PASSED test_plain.py::test_victim"]
    )
    assert sequences(api) == {"alpha": [1, 2]}


def test_orbit_imports_only_xdists_public_scheduler_classes():
    """xdist's private names change without notice: orbit uses the documented protocol."""
    package = Path(pytest_testorbit.__file__).parent
    found = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("xdist"):
                found |= {(node.module, alias.name) for alias in node.names}
            elif isinstance(node, ast.Import):
                found |= {(a.name, "") for a in node.names if a.name.startswith("xdist")}
    assert found == {
        ("xdist.scheduler", "LoadScheduling"),
        ("xdist.scheduler", "LoadScopeScheduling"),
    }


class FakeNode:
    """A worker as the scheduler sees it: the public members of xdist's WorkerController."""

    def __init__(self, name: str) -> None:
        self.name, self.sent, self.shutting_down = name, [], False

    def send_runtest_some(self, indices):
        assert not self.shutting_down, "work sent after shutdown"
        self.sent.extend(indices)

    def send_runtest_all(self):
        raise AssertionError("orbit sends units, never the whole collection")

    def shutdown(self):
        self.shutting_down = True

    def __repr__(self) -> str:
        return self.name


def scheduler(orbit, workers: int):
    """OrbitScheduling as xdist makes it: after pytest_xdist_setupnodes named the workers."""
    from pytest_testorbit.plugin.parallel import XdistHooks
    from pytest_testorbit.plugin.scheduling import OrbitScheduling

    config = orbit.pytester.parseconfigure("-p", "no:randomly", "--orbit-no-db")
    XdistHooks().pytest_xdist_setupnodes(config, specs=[object()] * workers)
    return OrbitScheduling(config, log=None)


def join(sched, node, ids) -> None:
    sched.add_node(node)
    sched.add_node_collection(node, ids)
    if sched.collection_is_completed:
        sched.schedule()  # what DSession does after each collection


def step_ids(*groups: tuple[str, int]) -> list[str]:
    return [f"{g}.orbit.yaml::{g}::s{n}" for g, steps in groups for n in range(1, steps + 1)]


def test_the_scheduler_waits_for_every_worker_and_sends_whole_units(api):
    for name in ("one", "two"):
        api.case(f"{name}.orbit.yaml", group(name, 2, parallel=False))
    for name in ("p", "q"):
        api.case(f"{name}.orbit.yaml", group(name, 3))
    ids = step_ids(("p", 3), ("two", 2), ("q", 3), ("one", 2))
    sched = scheduler(api, workers=2)
    gw0, gw1 = FakeNode("gw0"), FakeNode("gw1")
    join(sched, gw0, ids)
    assert not sched.collection_is_completed and gw0.sent == []
    join(sched, gw1, ids)
    # The serial unit first, in file order (one before two); then parallel groups whole.
    assert [ids[i] for i in gw0.sent] == step_ids(("one", 2), ("two", 2))
    assert [ids[i] for i in gw1.sent] == step_ids(("p", 3))
    assert sched.has_pending and not sched.tests_finished
    assert not gw0.shutting_down and not gw1.shutting_down  # q still waits in the queue
    for index in gw0.sent[:3]:
        sched.mark_test_complete(gw0, index)
    # One item left on gw0: it gets q, the last unit, and every worker is told to finish.
    assert [ids[i] for i in gw0.sent[4:]] == step_ids(("q", 3))
    assert gw0.shutting_down and gw1.shutting_down
    for node, index in [(gw0, i) for i in gw0.sent[3:]] + [(gw1, i) for i in gw1.sent]:
        sched.mark_test_complete(node, index)
    assert sched.tests_finished and not sched.has_pending
    assert sched.remove_node(gw0) is None and sched.remove_node(gw1) is None


def test_a_worker_holding_its_last_item_is_shut_down_so_it_runs_it(api):
    api.case("solo.orbit.yaml", group("solo", 1))
    sched = scheduler(api, workers=2)
    gw0, gw1 = FakeNode("gw0"), FakeNode("gw1")
    ids = step_ids(("solo", 1))
    join(sched, gw0, ids)
    join(sched, gw1, ids)
    assert gw0.sent == [0] and gw1.sent == []  # more workers than units: gw1 gets nothing
    assert gw0.shutting_down and gw1.shutting_down
    assert sched.tests_finished  # a worker told to shut down runs its one item


def test_removing_an_unknown_node_raises_key_error_as_dsession_expects(api):
    api.case("solo.orbit.yaml", group("solo", 2))
    sched = scheduler(api, workers=1)
    with pytest.raises(KeyError):
        sched.remove_node(FakeNode("gw9"))  # before scheduling
    join(sched, FakeNode("gw0"), step_ids(("solo", 2)))
    with pytest.raises(KeyError):
        sched.remove_node(FakeNode("gw9"))  # and after


def test_after_a_crash_only_the_groups_not_started_go_to_the_replacement_worker(api):
    for name in ("one", "two", "three"):
        api.case(f"{name}.orbit.yaml", group(name, 3, parallel=False))
    api.case("par.orbit.yaml", group("par", 2))
    ids = step_ids(("one", 3), ("par", 2), ("three", 3), ("two", 3))
    sched = scheduler(api, workers=1)
    gw0 = FakeNode("gw0")
    join(sched, gw0, ids)
    assert [ids[i] for i in gw0.sent] == step_ids(("one", 3), ("three", 3), ("two", 3))
    sched.mark_test_complete(gw0, ids.index("one.orbit.yaml::one::s1"))
    assert sched.remove_node(gw0) == "one.orbit.yaml::one::s2"
    assert not sched.tests_finished and sched.has_pending
    gw1 = FakeNode("gw1")  # xdist's replacement: add_node, its collection, schedule again
    join(sched, gw1, ids)
    # one::s3 is the rest of a half-run group: never sent. The serial groups not started
    # keep their order, ahead of the parallel group that was still queued.
    assert [ids[i] for i in gw1.sent] == step_ids(("three", 3), ("two", 3))
    for index in list(gw1.sent):
        sched.mark_test_complete(gw1, index)
    assert [ids[i] for i in gw1.sent[6:]] == step_ids(("par", 2))
    assert gw1.shutting_down
    assert "one.orbit.yaml::one::s3" not in [ids[i] for i in gw1.sent]


def test_after_a_crash_in_a_python_module_its_other_tests_still_run(api):
    api.case("alpha.orbit.yaml", group("alpha", 2))
    ids = ["test_m.py::test_a", "test_m.py::test_b", "test_m.py::test_c", *step_ids(("alpha", 2))]
    sched = scheduler(api, workers=1)
    gw0 = FakeNode("gw0")
    join(sched, gw0, ids)
    assert gw0.sent == [0, 1, 2]  # the module is one unit, as with --dist loadscope
    assert sched.remove_node(gw0) == "test_m.py::test_a"
    gw1 = FakeNode("gw1")
    join(sched, gw1, ids)
    assert [ids[i] for i in gw1.sent] == ["test_m.py::test_b", "test_m.py::test_c"]


def test_workers_that_collected_different_tests_are_reported_and_get_no_work(api):
    api.case("solo.orbit.yaml", group("solo", 2))
    sched = scheduler(api, workers=2)
    reports = []

    class Recorder:
        def pytest_collectreport(self, report):
            reports.append(report)

    sched.config.pluginmanager.register(Recorder())
    gw0, gw1 = FakeNode("gw0"), FakeNode("gw1")
    join(sched, gw0, step_ids(("solo", 2)))
    join(sched, gw1, step_ids(("solo", 1)))
    assert gw0.sent == [] and gw1.sent == []
    assert gw1.shutting_down and sched.tests_finished
    (report,) = reports
    assert report.failed
    assert str(report.longrepr).startswith("Different tests were collected between gw0 and gw1:")
    assert "-solo.orbit.yaml::solo::s2" in str(report.longrepr)


def test_the_scheduler_never_steals_work(api):
    api.case("solo.orbit.yaml", group("solo", 2))
    sched = scheduler(api, workers=1)
    gw0 = FakeNode("gw0")
    join(sched, gw0, step_ids(("solo", 2)))
    with pytest.raises(NotImplementedError, match="never steals work"):
        sched.remove_pending_tests_from_node(gw0, [1])
