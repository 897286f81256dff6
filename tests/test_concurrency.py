"""--orbit-concurrency N: groups run their steps at the same time, pytest reports as if serial.

The server here is a ``ThreadingHTTPServer`` on loopback that logs when each request starts
and ends (one sequence, under a lock) and how many were in flight at once. Overlap is proven
with a barrier, not with sleeps: ``/meet`` answers only when ``parties`` requests are
inside it together, so a run that is not concurrent enough fails its steps.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ARGS = ("-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:logging")
WAIT = 10.0  # seconds any request may wait on another; only reached when a test fails


class Log:
    """What the server saw: (event, path) in order, and the most requests in flight at once,
    in all and from each xdist worker (the ``X-Worker`` header)."""

    def __init__(self, parties: int) -> None:
        self.lock = threading.Lock()
        self.events: list[tuple[str, str]] = []
        self.by_worker: list[tuple[str, str, str]] = []  # (event, path, worker)
        self.in_flight = 0
        self.most_in_flight = 0
        self.worker_in_flight: dict[str, int] = {}
        self.most_by_worker: dict[str, int] = {}
        self.parties = parties
        self.barrier = threading.Barrier(parties, timeout=WAIT)
        self.barriers: dict[str, threading.Barrier] = {}  # /meetby/<worker>/...: one each
        self.release = threading.Event()

    def enter(self, path: str, worker: str = "") -> None:
        with self.lock:
            self.events.append(("start", path))
            self.by_worker.append(("start", path, worker))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.worker_in_flight[worker] = self.worker_in_flight.get(worker, 0) + 1
            most = max(self.most_by_worker.get(worker, 0), self.worker_in_flight[worker])
            self.most_by_worker[worker] = most

    def leave(self, path: str, worker: str = "") -> None:
        with self.lock:
            self.events.append(("end", path))
            self.by_worker.append(("end", path, worker))
            self.in_flight -= 1
            self.worker_in_flight[worker] -= 1

    def barrier_of(self, who: str) -> threading.Barrier:
        with self.lock:
            if who not in self.barriers:
                self.barriers[who] = threading.Barrier(self.parties, timeout=WAIT)
            return self.barriers[who]

    def paths(self, prefix: str = "/") -> list[str]:
        return [path for event, path in self.events if event == "start" and path.startswith(prefix)]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LoggingServer

    def do_GET(self) -> None:
        log = self.server.log
        if self.path == "/release":  # from the test's conftest, not a step: not logged
            log.release.set()
            self._answer(200, {"ok": True})
            return
        worker = self.headers.get("X-Worker", "")
        log.enter(self.path, worker)
        try:
            status = 200
            if self.path.startswith("/meet"):
                who = self.path.split("/")[2] if self.path.startswith("/meetby/") else ""
                try:
                    (log.barrier_of(who) if who else log.barrier).wait()
                except threading.BrokenBarrierError:
                    status = 504
            elif self.path.startswith("/hold"):
                status = 200 if log.release.wait(WAIT) else 504
            elif self.path.startswith("/fail"):
                status = 500
            self._answer(status, {"ok": status == 200, "token": self.path.rsplit("/", 1)[-1]})
        finally:
            log.leave(self.path, worker)

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class LoggingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.log = Log(parties=4)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server() -> Iterator[LoggingServer]:
    httpd = LoggingServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.log.release.set()
    httpd.log.barrier.abort()
    for barrier in list(httpd.log.barriers.values()):
        barrier.abort()
    httpd.shutdown()
    httpd.server_close()
    thread.join(WAIT)


@pytest.fixture
def project(pytester: pytest.Pytester, server: LoggingServer) -> pytest.Pytester:
    pytester.makefile(
        ".yaml",
        orbit=f"project: test\nenvironments:\n  local:\n    base_url: {server.url}\n",
    )
    return pytester


WORKER_HEADER = ', headers: {X-Worker: "{{ env.PYTEST_XDIST_WORKER }}"}'


def group(name: str, *paths: str, parallel: bool = True, worker: bool = False) -> str:
    header = WORKER_HEADER if worker else ""
    steps = "".join(
        f"  - name: s{i}\n    request: {{method: GET, url: '{path}'{header}}}\n"
        "    expect: {status: 200}\n"
        for i, path in enumerate(paths, 1)
    )
    return f"name: {name}\n" + ("" if parallel else "parallel: false\n") + f"steps:\n{steps}"


def write_groups(pytester: pytest.Pytester, groups: dict[str, str]) -> None:
    for name, text in groups.items():
        (pytester.path / f"{name}.orbit.yaml").write_text(text, encoding="utf-8")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*ARGS, "--orbit-no-db", *args)


def test_up_to_n_groups_overlap_and_never_more_with_the_ini_key(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    # Eight groups meet four at a time: only a run with four groups in flight gets through.
    write_groups(
        project, {f"g{g}": group(f"g{g}", f"/meet/g{g}", f"/log/g{g}/2") for g in range(8)}
    )
    project.makeini("[pytest]\norbit_concurrency = 4\n")
    run(project).assert_outcomes(passed=16)
    assert server.log.most_in_flight == 4
    for g in range(8):  # each group's steps in order: its meeting before its second step
        paths = server.log.paths()
        assert paths.index(f"/meet/g{g}") < paths.index(f"/log/g{g}/2")


def test_the_command_line_wins_over_the_ini_key(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    write_groups(project, {f"g{g}": group(f"g{g}", f"/meet/g{g}") for g in range(4)})
    project.makeini("[pytest]\norbit_concurrency = 1\n")
    run(project, "--orbit-concurrency", "4").assert_outcomes(passed=4)
    assert server.log.most_in_flight == 4


def test_without_the_option_one_group_runs_at_a_time(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    write_groups(
        project, {f"g{g}": group(f"g{g}", f"/log/g{g}/1", f"/log/g{g}/2") for g in range(4)}
    )
    run(project).assert_outcomes(passed=8)
    assert server.log.most_in_flight == 1
    assert server.log.paths() == [f"/log/g{g}/{s}" for g in range(4) for s in (1, 2)]


def test_a_parallel_false_group_overlaps_with_nothing(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    groups = {f"a{g}": group(f"a{g}", f"/log/a{g}/1", f"/log/a{g}/2") for g in range(4)}
    groups["b-solo"] = group("solo", "/solo/1", "/solo/2", parallel=False)
    groups |= {f"c{g}": group(f"c{g}", f"/log/c{g}/1", f"/log/c{g}/2") for g in range(4)}
    write_groups(project, groups)
    run(project, "--orbit-concurrency", "4").assert_outcomes(passed=18)
    events = server.log.events
    solo_start = events.index(("start", "/solo/1"))
    solo_end = events.index(("end", "/solo/2"))
    during = events[solo_start : solo_end + 1]
    assert [path for _, path in during] == ["/solo/1"] * 2 + ["/solo/2"] * 2
    for g in range(4):  # and each group's steps in order
        for prefix in (f"/log/a{g}/", f"/log/c{g}/"):
            assert server.log.paths(prefix) == [f"{prefix}1", f"{prefix}2"]
    assert all(events.index(("end", f"/log/a{g}/2")) < solo_start for g in range(4))
    assert all(events.index(("start", f"/log/c{g}/1")) > solo_end for g in range(4))


def test_a_bad_value_is_a_usage_error_that_says_what_to_write(project: pytest.Pytester) -> None:
    result = run(project, "--orbit-concurrency", "0")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --orbit-concurrency: '0' is not a whole number of 1 or more "
            "(1 runs one group at a time; try 8 or 32 against a slow API)"
        ]
    )


def test_x_stops_the_groups_in_flight_before_their_next_request(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    # b holds its first request until a's failure has been reported; by then the run is
    # stopping, so b's second request is never sent.
    write_groups(project, {"a": group("a", "/fail/a"), "b": group("b", "/hold/b", "/log/b/2")})
    project.makeconftest(
        f"""
        import urllib.request

        def pytest_runtest_logfinish(nodeid, location):
            if nodeid.startswith("a.orbit.yaml"):
                with urllib.request.urlopen("{server.url}/release") as answer:
                    answer.read()
        """
    )
    result = run(project, "-x", "--orbit-concurrency", "2")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*stopping after 1 failures*"])
    assert "/log/b/2" not in server.log.paths()


def test_ctrl_c_stops_the_groups_in_flight_and_stores_the_run_interrupted(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    # Ctrl-C comes after a's step; b's first request is answered only once the run is
    # stopping (the pool's stop event is set), so without the stop b would go on.
    write_groups(project, {"a": group("a", "/log/a/1"), "b": group("b", "/hold/b", "/log/b/2")})
    project.makeconftest(
        f"""
        import threading
        import urllib.request

        def release_once_stopping(stop):
            stop.wait(10)
            with urllib.request.urlopen("{server.url}/release") as answer:
                answer.read()

        CONFIGS = []

        def pytest_configure(config):
            CONFIGS.append(config)

        def pytest_runtest_logfinish(nodeid, location):
            if nodeid.startswith("a.orbit.yaml"):
                pool = CONFIGS[0].pluginmanager.get_plugin("orbit-concurrency-pool")
                threading.Thread(target=release_once_stopping, args=(pool.stop,)).start()
                raise KeyboardInterrupt
        """
    )
    database = project.path / "results.db"
    result = project.runpytest_subprocess(
        *ARGS, f"--orbit-db=sqlite:///{database}", "--orbit-concurrency", "2"
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert sorted(server.log.paths()) == ["/hold/b", "/log/a/1"]  # never b's second step
    rows = stored_rows(database)
    assert [(row[0], row[6], row[12], row[14]) for row in rows] == [
        ("interrupted", "a", "s1", "passed")
    ]


def test_hooks_and_template_functions_of_groups_run_ahead_run_on_worker_threads(
    project: pytest.Pytester, server: LoggingServer
) -> None:
    project.makeconftest(
        """
        import threading

        def pytest_orbit_group_variables(config, group_id, param_id, file):
            return {"hook_thread": threading.current_thread().name}

        def pytest_orbit_template_globals(config):
            return {"thread_name": lambda: threading.current_thread().name}
        """
    )
    step = (
        "  - id: s\n    request: {method: GET, url: '/log/{{ hook_thread }}/{{ thread_name() }}'}\n"
    )
    write_groups(project, {f"g{g}": f"name: g{g}\nsteps:\n{step}" for g in range(2)})
    run(project, "--orbit-concurrency", "2").assert_outcomes(passed=2)
    run(project).assert_outcomes(passed=2)
    concurrent, serial = server.log.paths()[:2], server.log.paths()[2:]
    assert all(re.fullmatch(r"/log/orbit-group_\d+/orbit-group_\d+", p) for p in concurrent)
    for path in concurrent:  # one thread runs a group: its hook and its templates alike
        _, _, hook_thread, template_thread = path.split("/")
        assert hook_thread == template_thread
    assert serial == ["/log/MainThread/MainThread"] * 2


# --- the same as serial: outcomes, text and stored rows -------------------------------------

MIXED_SUITE = {
    "a-chain": """\
name: chain
steps:
  - id: first
    request: {method: GET, url: /log/chain/first}
    extract: {next: $.token}
  - id: second
    request: {method: GET, url: "/log/chain/{{ next }}"}
    expect: {status: 200, json: {$.token: first}}
  - id: third
    request: {method: GET, url: /log/chain/third, auth: {bearer: s3cr3t-value}}
    expect: {json: {$.ok: false}}
  - id: fourth
    request: {method: GET, url: /log/chain/fourth}
""",
    "b-skip": """\
name: skipping
variables: {mode: quick}
steps:
  - id: only-slow
    skip_if: "{{ mode == 'quick' }}"
    request: {method: GET, url: /log/skip/slow}
  - id: after
    request: {method: GET, url: /log/skip/after}
""",
    "c-retry": """\
name: retrying
steps:
  - id: gives-up
    request: {method: GET, url: /fail/retry}
    retry: {times: 2, delay: 0, until: {status: 200}}
  - id: never
    request: {method: GET, url: /log/retry/never}
""",
    "d-use": """\
name: using
steps:
  - id: shared
    use: shared.yaml
  - id: then
    request: {method: GET, url: "/log/use/{{ from_shared }}"}
""",
}
SHARED = """\
name: shared
steps:
  - id: one
    request: {method: GET, url: /log/shared/one}
    extract: {from_shared: $.token}
"""


def normalised(result: pytest.RunResult) -> list[str]:
    """The run's output without what differs between any two runs: times and the run id."""
    text = untimed("\n".join(result.outlines))
    text = re.sub(r"results-\d\.db", "results.db", text)
    return re.sub(r"run [0-9a-f-]{36}", "run ID", text).splitlines()


def untimed(text: str) -> str:
    return re.sub(r"\b\d+ ms\b", "X ms", re.sub(r"in \d+\.\d+s", "in Xs", text))


def stored_rows(database: Path) -> list[tuple[Any, ...]]:
    """Every stored step with its group and run status, without ids, times and durations."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            """
            SELECT r.status, r.steps_total, r.steps_passed, r.steps_failed, r.steps_blocked,
                   c.file, c.group_key, g.steps_passed, g.steps_failed, g.steps_skipped,
                   g.steps_blocked, g.pass_rate, s.step_id, s.step_order, s.outcome,
                   s.method, s.url, s.status_code, s.message, s.line
            FROM orbit_step_result s
            JOIN orbit_group_result g ON s.group_result_id = g.id
            JOIN orbit_case_group c ON g.case_group_id = c.id
            JOIN orbit_run r ON g.run_id = r.id
            ORDER BY c.file, s.step_order
            """
        ).fetchall()
    return [tuple(untimed(v) if isinstance(v, str) else v for v in row) for row in rows]


@pytest.mark.parametrize("selection", [(), ("-k", "not second and not after")])
def test_outcomes_failure_text_and_stored_rows_are_those_of_a_serial_run(
    project: pytest.Pytester, server: LoggingServer, selection: tuple[str, ...]
) -> None:
    write_groups(project, MIXED_SUITE)
    (project.path / "shared.yaml").write_text(SHARED, encoding="utf-8")
    outputs, rows = [], []
    for width in ("1", "4"):
        database = project.path / f"results-{width}.db"
        # In a subprocess: pytester's in-process runs drop SQLAlchemy's modules between runs.
        result = project.runpytest_subprocess(
            *ARGS,
            "-rfEs",
            f"--orbit-db=sqlite:///{database}",
            "--orbit-concurrency",
            width,
            *selection,
        )
        outputs.append(normalised(result))
        rows.append(stored_rows(database))
    assert outputs[0] == outputs[1]
    assert rows[0] == rows[1]
    text = "\n".join(outputs[1])
    assert "s3cr3t-value" not in text
    assert "blocked by third" in text
    assert "skip_if: {{ mode == 'quick' }}" in text
    assert "retry: gave up after 2 tries" in text
    assert rows[1] and all(row[0] == "failed" for row in rows[1])
