"""Writers for each scenario's files, and the command lines of the contenders that run them.

Every function here writes one project folder (case files for pytest-testorbit, the
hand-written pytest floor, the plain ``requests`` loop, the minimal collector, Tavern's file)
and returns the ``Contender`` that runs it. Nothing here measures anything: see run.py.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field, replace
from pathlib import Path

# Passed alike to every pytest contender. pytest-randomly is switched off because it would
# shuffle the hand-written floor's chained tests (and it is no part of what is compared).
PYTEST_FLAGS = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
# The floors measure pytest itself, so our plugin is switched off in them.
WITHOUT_ORBIT = ["-p", "no:testorbit"]


@dataclass
class Contender:
    """One measured command: a whole process, timed from start to exit."""

    name: str
    argv: list[str]
    cwd: Path
    expect: str  # a regex the output must match for the run to count (e.g. "200 passed")
    forbid: str = r"\b(failed|errors?)\b"  # a regex the output must not match
    env: dict[str, str] = field(default_factory=dict)

    def check(self, returncode: int, output: str) -> str | None:
        """Why this run does not count, or None when it does."""
        if returncode != 0:
            return f"exit code {returncode}"
        if not re.search(self.expect, output):
            return f"output lacks /{self.expect}/"
        if self.forbid and re.search(self.forbid, output):
            return f"output has /{self.forbid}/"
        return None


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _project(folder: Path, base_url: str) -> None:
    """orbit.yaml with the results store on (the default SQLite file in the project)."""
    _write(
        folder / "orbit.yaml",
        textwrap.dedent(f"""\
            project: bench
            default_env: local
            database: sqlite:///.orbit/results.db
            environments:
              local:
                base_url: {base_url}
                variables: {{token: start}}
            """),
    )


def _orbit_steps(count: int) -> str:
    return "".join(
        f"  - name: step {i}\n"
        '    request: {method: POST, url: /step, json: {token: "{{ token }}"}}\n'
        "    expect: {status: 200, json: {$.ok: true}}\n"
        "    extract: {token: $.token}\n"
        for i in range(1, count + 1)
    )


def _orbit_group(name: str, steps: int) -> str:
    return f"name: {name}\nsteps:\n{_orbit_steps(steps)}"


def _pytest_chain_module(base_url: str, steps: int) -> str:
    """A test module as a person would write the chain by hand: one function per request."""
    head = textwrap.dedent(f"""\
        import requests

        URL = "{base_url}/step"
        session = requests.Session()
        state = {{"token": "start"}}
        """)
    body = "".join(
        textwrap.dedent(f"""\


            def test_step_{i}():
                response = session.post(URL, json={{"token": state["token"]}})
                assert response.status_code == 200
                body = response.json()
                assert body["ok"] is True
                state["token"] = body["token"]
            """)
        for i in range(1, steps + 1)
    )
    return head + body


def _orbit(python: str, folder: Path, expect: str, *extra: str) -> Contender:
    return Contender("testorbit", [python, "-m", "pytest", *PYTEST_FLAGS, *extra], folder, expect)


def without_store(ours: Contender) -> Contender:
    """Our same run with the results store off: what the plugin costs, apart from the store."""
    return replace(ours, name=STORE_OFF, argv=[*ours.argv, "--orbit-no-db"])


STORE_OFF = "testorbit, store off"


def _floor(name: str, python: str, folder: Path, expect: str, *extra: str) -> Contender:
    argv = [python, "-m", "pytest", *PYTEST_FLAGS, *WITHOUT_ORBIT, *extra]
    return Contender(name, argv, folder, expect)


# --- chain: one group of N chained steps ---------------------------------------------------


def chain_orbit(root: Path, python: str, base_url: str, steps: int) -> Contender:
    folder = root / f"chain{steps}-orbit"
    _project(folder, base_url)
    _write(folder / "chain.orbit.yaml", _orbit_group("chain", steps))
    return _orbit(python, folder, rf"\b{steps} passed")


def chain_pytest(root: Path, python: str, base_url: str, steps: int) -> Contender:
    folder = root / f"chain{steps}-pytest"
    _write(folder / "test_chain.py", _pytest_chain_module(base_url, steps))
    return _floor("pytest floor (a)", python, folder, rf"\b{steps} passed")


def chain_loop(root: Path, python: str, base_url: str, steps: int) -> Contender:
    folder = root / f"chain{steps}-loop"
    script = textwrap.dedent(f"""\
        import sys

        import requests

        session = requests.Session()
        token = "start"
        for _ in range({steps}):
            response = session.post("{base_url}/step", json={{"token": token}})
            body = response.json()
            if response.status_code != 200 or body["ok"] is not True:
                sys.exit(f"failed: {{response.status_code}} {{body}}")
            token = body["token"]
        print("{steps} passed")
        """)
    _write(folder / "loop.py", script)
    return Contender("requests loop (b)", [python, "loop.py"], folder, rf"\b{steps} passed")


def chain_tavern(root: Path, python: str, base_url: str, steps: int) -> Contender:
    """Tavern's equivalent: one test of N stages, each saving the token the next one sends."""
    folder = root / f"chain{steps}-tavern"
    stages = []
    for i in range(1, steps + 1):
        token = '"start"' if i == 1 else '"{token}"'
        stages.append(
            f"  - name: step {i}\n"
            "    request:\n"
            f"      url: {base_url}/step\n"
            "      method: POST\n"
            f"      json: {{token: {token}}}\n"
            "    response:\n"
            "      status_code: 200\n"
            "      json:\n"
            "        ok: true\n"
            "        token: !anystr\n"
            "        n: !anyint\n"
            "      save:\n"
            "        json: {token: token}\n"
        )
    _write(folder / "test_chain.tavern.yaml", "test_name: chain\nstages:\n" + "".join(stages))
    argv = [python, "-m", "pytest", *PYTEST_FLAGS]
    return Contender("tavern", argv, folder, r"\b1 passed")


# --- many groups: N groups of one step each ------------------------------------------------


def many_orbit(root: Path, python: str, base_url: str, groups: int) -> Contender:
    folder = root / f"many{groups}-orbit"
    _project(folder, base_url)
    for g in range(1, groups + 1):
        _write(folder / "groups" / f"g{g:04d}.orbit.yaml", _orbit_group(f"g{g:04d}", 1))
    return _orbit(python, folder, rf"\b{groups} passed")


def many_pytest(root: Path, python: str, base_url: str, groups: int) -> Contender:
    """One module per group, each with its own session, as our groups do not share state."""
    folder = root / f"many{groups}-pytest"
    for g in range(1, groups + 1):
        _write(folder / "tests" / f"test_g{g:04d}.py", _pytest_chain_module(base_url, 1))
    return _floor("pytest floor", python, folder, rf"\b{groups} passed")


# --- collect: N case files of 10 steps, --collect-only --------------------------------------

MINIMAL_COLLECTOR = textwrap.dedent('''\
    """The floor: parse each case file with PyYAML's C loader, one trivial item per step.

    The shape of pytest's own non-python example (doc/en/example/nonpython/conftest.py).
    """
    import pytest
    import yaml


    def pytest_collect_file(parent, file_path):
        if file_path.name.endswith(".orbit.yaml"):
            return CaseFile.from_parent(parent, path=file_path)


    class CaseFile(pytest.File):
        def collect(self):
            with self.path.open("rb") as stream:
                groups = list(yaml.load_all(stream, Loader=yaml.CSafeLoader))
            for group in groups:
                for step in group["steps"]:
                    yield StepItem.from_parent(self, name=f"{group['name']}-{step['name']}")


    class StepItem(pytest.Item):
        def runtest(self):
            pass

        def reportinfo(self):
            return self.path, 0, self.name
    ''')


def _case_files(folder: Path, files: int, steps: int) -> None:
    for f in range(1, files + 1):
        _write(folder / "cases" / f"c{f:04d}.orbit.yaml", _orbit_group(f"c{f:04d}", steps))


def collect_orbit(root: Path, python: str, base_url: str, files: int, steps: int) -> Contender:
    folder = root / f"collect{files}-orbit"
    _project(folder, base_url)
    _case_files(folder, files, steps)
    return _orbit(python, folder, rf"\b{files * steps} tests? collected", "--collect-only")


def collect_floor(root: Path, python: str, files: int, steps: int) -> Contender:
    folder = root / f"collect{files}-floor"
    _write(folder / "conftest.py", MINIMAL_COLLECTOR)
    _case_files(folder, files, steps)
    expect = rf"\b{files * steps} tests? collected"
    return _floor("minimal collector", python, folder, expect, "--collect-only")


# --- start-up: one plain Python test ------------------------------------------------------


def startup(root: Path, python: str) -> tuple[Contender, Contender]:
    """The same run with the plugin installed (loaded) and disabled (``-p no:testorbit``)."""
    folder = root / "startup"
    _write(folder / "test_one.py", "def test_one():\n    pass\n")
    argv = [python, "-m", "pytest", *PYTEST_FLAGS]
    loaded = Contender("plugin loaded", argv, folder, r"\b1 passed")
    disabled = _floor("plugin disabled", python, folder, r"\b1 passed")
    return loaded, disabled


# --- parallel: N groups x 3 steps on a slow server, -n 0 against -n 4 -----------------------


def parallel_orbit(
    root: Path, python: str, base_url: str, groups: int, steps: int, workers: int
) -> tuple[Contender, Contender]:
    folder = root / f"parallel{groups}-orbit"
    _project(folder, base_url)
    for g in range(1, groups + 1):
        _write(folder / "groups" / f"p{g:03d}.orbit.yaml", _orbit_group(f"p{g:03d}", steps))
    expect = rf"\b{groups * steps} passed"
    serial = _orbit(python, folder, expect, "-n", "0")
    serial.name = "testorbit -n 0"
    spread = _orbit(python, folder, expect, "-n", str(workers))
    spread.name = f"testorbit -n {workers}"
    return serial, spread


def parallel_pytest(
    root: Path, python: str, base_url: str, groups: int, steps: int, workers: int
) -> tuple[Contender, Contender]:
    """The floor for context: hand-written chained modules, ``--dist loadfile``."""
    folder = root / f"parallel{groups}-pytest"
    for g in range(1, groups + 1):
        _write(folder / "tests" / f"test_p{g:03d}.py", _pytest_chain_module(base_url, steps))
    expect = rf"\b{groups * steps} passed"
    serial = _floor("pytest floor -n 0", python, folder, expect, "-n", "0")
    spread_flags = ("-n", str(workers), "--dist", "loadfile")
    spread = _floor(f"pytest floor -n {workers}", python, folder, expect, *spread_flags)
    return serial, spread
