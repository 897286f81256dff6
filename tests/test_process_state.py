"""What a run changes outside its own objects is undone when pytest unconfigures.

The garbage collector is process-wide and ``config.args`` is the caller's: both are checked
after in-process runs (pytester), the way an IDE or ``pytest.main`` runs pytest twice.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import pytest

PARAMETRIZED = """
parametrize: {ids: [abc, xyz], rows: [{sku: ABC}, {sku: XYZ}]}
steps:
  - name: get
    request: {method: GET, url: "/items/{{ sku }}"}
  - name: again
    request: {method: GET, url: "/items/{{ sku }}"}
"""

# A conftest in the test project that writes config.args down when the session starts and
# after every other pytest_unconfigure has run.
RECORD_ARGS = """
import json
import pytest


def _record(config, when):
    with open("args.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps({"when": when, "args": list(config.args)}) + "\\n")


def pytest_sessionstart(session):
    _record(session.config, "session")


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    _record(config, "unconfigure")
"""


def gc_state() -> tuple[bool, tuple[int, ...], int]:
    return gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()


@pytest.fixture
def odd_gc_settings() -> Iterator[None]:
    """Thresholds no default has, so that a reset to defaults would show."""
    threshold = gc.get_threshold()
    gc.set_threshold(1234, 7, 3)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def one_step_group(orbit) -> None:
    """A case file of one group of one step, and the server's answer to it."""
    orbit.httpserver.expect_request("/one").respond_with_json({})
    orbit.case(
        "g.orbit.yaml",
        """
        steps:
          - name: one
            request: {method: GET, url: /one}
        """,
    )


def recorded_args(orbit) -> dict[str, list[str]]:
    lines = (orbit.pytester.path / "args.jsonl").read_text(encoding="utf-8").splitlines()
    return {entry["when"]: entry["args"] for entry in map(json.loads, lines)}


@pytest.mark.usefixtures("odd_gc_settings")
def test_the_gc_is_frozen_while_steps_run_and_as_before_after_the_run(orbit):
    one_step_group(orbit)
    orbit.write(
        "test_gc_inside.py",
        "import gc\n\n\ndef test_collected_tree_is_frozen():\n    assert gc.get_freeze_count() > 0\n",
    )
    before = gc_state()
    result = orbit.run()
    result.assert_outcomes(passed=2)
    assert gc_state() == before


@pytest.mark.usefixtures("odd_gc_settings")
def test_a_disabled_gc_stays_disabled_after_the_run(orbit):
    one_step_group(orbit)
    before = gc_state()
    gc.disable()
    try:
        result = orbit.run()
        disabled_after = gc_state()
    finally:
        gc.enable()
    result.assert_outcomes(passed=1)
    assert disabled_after == (False, before[1], before[2])


# Registered at import, before the plugin's exit handler, so it runs after it (atexit is
# last in, first out): it sees what the interpreter's last collection will see.
AT_EXIT = """
import atexit
import gc

import pytest


def _report():
    print(f"frozen at exit: {gc.get_freeze_count()}", flush=True)


atexit.register(_report)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    print(f"frozen after unconfigure: {gc.get_freeze_count()}", flush=True)
"""


def test_a_process_that_ends_after_the_run_leaves_its_objects_frozen_for_the_exit(orbit):
    # Unfrozen at unconfigure for whoever goes on after pytest, frozen again at exit so the
    # interpreter's last collection does not walk the collected tree (docs/performance.md).
    one_step_group(orbit)
    orbit.write("conftest.py", AT_EXIT)
    result = orbit.run_subprocess()
    result.assert_outcomes(passed=1)
    lines = dict(line.split(": ") for line in result.outlines if line.startswith("frozen "))
    assert lines["frozen after unconfigure"] == "0"
    assert int(lines["frozen at exit"]) > 1000


def test_a_run_without_case_files_freezes_nothing(orbit):
    orbit.write(
        "test_plain.py",
        "import gc\n\n\ndef test_nothing_frozen():\n    assert gc.get_freeze_count() == 0\n",
    )
    before = gc_state()
    result = orbit.run()
    result.assert_outcomes(passed=1)
    assert gc_state() == before


def test_a_step_of_a_parametrized_group_is_narrowed_then_args_restored(orbit):
    orbit.httpserver.expect_request("/items/XYZ").respond_with_json({})
    orbit.case("p.orbit.yaml", PARAMETRIZED)
    orbit.write("conftest.py", RECORD_ARGS)
    result = orbit.run("p.orbit.yaml::p[xyz]::again", "--orbit-replay", "skip", "-v")
    result.stdout.fnmatch_lines(["p.orbit.yaml::p[[]xyz[]]::again PASSED*"])
    result.assert_outcomes(passed=1, deselected=1)
    args = recorded_args(orbit)
    assert args["session"] == ["p.orbit.yaml::p[xyz]"]
    assert args["unconfigure"] == ["p.orbit.yaml::p[xyz]::again"]


def test_an_argument_with_brackets_that_is_no_case_file_is_left_as_given(orbit):
    orbit.case("p.orbit.yaml", PARAMETRIZED)
    orbit.write("conftest.py", RECORD_ARGS)
    orbit.write("other.yaml", "name: not ours\n")
    result = orbit.run("other.yaml::g[x]::s")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: *other.yaml::g*"])  # pytest 7.4 and 8+ word it apart
    assert recorded_args(orbit) == {
        "session": ["other.yaml::g[x]::s"],
        "unconfigure": ["other.yaml::g[x]::s"],
    }
