"""Start-up: a run without case files loads the hub and nothing heavy (see plugin/__init__.py).

Each run is a subprocess (pytester's in-process runs share this process's ``sys.modules``),
whose conftest writes the modules loaded by the end of the run to a file. The assertions are
on module names, not on timings: bench/ measures the time.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pytest

pytest_plugins = ["pytester"]

ARGS = ("-p", "no:cacheprovider", "-p", "no:randomly", "--orbit-no-db")
# What the plugin's features need and a plain pytest run must never pay for.
HEAVY = (
    "yaml",
    "sqlalchemy",
    "alembic",
    "jinja2",
    "requests",
    "jsonschema",
    "jsonpath_ng",
    "xdist.scheduler",
)
# The feature modules the hub registers once there are case files (or -n, --orbit-shard).
FEATURES = (
    "pytest_testorbit.plugin.collect",
    "pytest_testorbit.plugin.reporting",
    "pytest_testorbit.plugin.results",
    "pytest_testorbit.plugin.selection",
    "pytest_testorbit.plugin.shard",
    "pytest_testorbit.plugin.parallel",
    "pytest_testorbit.plugin.junit",
    "pytest_testorbit.cases.project",
)
MODULES_CONFTEST = """
    import json
    import sys
    from pathlib import Path

    def pytest_unconfigure(config):
        Path(__file__).with_name("modules.json").write_text(json.dumps(sorted(sys.modules)))
"""


def loaded_modules(pytester: pytest.Pytester, *args: str, passed: int = 1) -> set[str]:
    pytester.makeconftest(textwrap.dedent(MODULES_CONFTEST))
    result = pytester.runpytest_subprocess(*ARGS, *args)
    result.assert_outcomes(passed=passed)
    return set(json.loads((pytester.path / "modules.json").read_text()))


@pytest.fixture
def plain(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    return pytester


def test_a_plain_run_loads_none_of_the_heavy_libraries_nor_the_features(
    plain: pytest.Pytester,
) -> None:
    modules = loaded_modules(plain)
    assert "pytest_testorbit.plugin" in modules  # the plugin was loaded: its hub only
    assert sorted(modules.intersection(HEAVY + FEATURES)) == []


def test_a_node_id_and_junitxml_load_only_their_own_small_modules(
    plain: pytest.Pytester,
) -> None:
    modules = loaded_modules(plain, "test_plain.py::test_plain", "--junitxml=out.xml")
    assert {"pytest_testorbit.plugin.nodeargs", "pytest_testorbit.plugin.junit"} <= modules
    assert sorted(modules.intersection(HEAVY + FEATURES[:-2])) == []


def test_an_orbit_yaml_without_case_files_reads_the_project_and_loads_no_feature(
    plain: pytest.Pytester,
) -> None:
    plain.makefile(".yaml", orbit="project: shop\nenvironments: {local: {base_url: x}}\n")
    modules = loaded_modules(plain)
    assert "yaml" in modules  # orbit.yaml was read: its errors are usage errors of any run
    assert sorted(modules.intersection(("sqlalchemy", "alembic", "requests", *FEATURES[:-1]))) == []


def test_an_unknown_orbit_env_is_a_usage_error_without_case_files(plain: pytest.Pytester) -> None:
    plain.makefile(".yaml", orbit="project: shop\nenvironments: {local: {base_url: x}}\n")
    result = plain.runpytest_subprocess(*ARGS, "--orbit-env", "locl")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*--orbit-env: unknown environment 'locl' in *orbit.yaml. Did you mean 'local'? "
            "Known environments: local*"
        ]
    )


def test_a_bad_orbit_replay_is_a_usage_error_without_case_files(plain: pytest.Pytester) -> None:
    result = plain.runpytest_subprocess(*ARGS, "--orbit-replay", "maybe")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orbit-replay: 'maybe' is not one of: run, skip*"])


def test_case_files_collected_after_python_tests_get_every_feature(
    pytester: pytest.Pytester, httpserver: Any
) -> None:
    """Features registered mid-collection apply to the case files' items.

    A sibling folder's conftest makes pytest call the case items' hooks through a subset
    of the plugins (the conftests that apply to them), taken after the registration.
    """
    url = httpserver.url_for("/ok")
    httpserver.expect_request("/ok").respond_with_json({"ok": True})
    other = pytester.mkdir("other")
    (other / "conftest.py").write_text("def pytest_runtest_setup(item):\n    pass\n")
    (other / "test_other.py").write_text("def test_plain():\n    pass\n")
    cases = pytester.mkdir("zcases")
    (cases / "z.orbit.yaml").write_text(
        f"steps:\n  - {{name: one, request: {{method: GET, url: '{url}'}}}}\n"
    )
    result = pytester.runpytest_subprocess(*ARGS, "-v")
    result.assert_outcomes(passed=2)
    # collected in this order; the step's report carries its data (reporting) to the table
    result.stdout.fnmatch_lines(
        [
            "other/test_other.py::test_plain PASSED*",
            "zcases/z.orbit.yaml::z::one PASSED*",
            "*orbit results*",
            "z *1/1 *100% *zcases/z.orbit.yaml",
        ]
    )
