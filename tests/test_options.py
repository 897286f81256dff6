"""Every option and ini key takes effect, observed in a real run (and wins in the documented order:
command line > ORBIT_DB_URL > ini key > orbit.yaml ``database:`` > the default store)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import store_servers  # noqa: F401  # loads the store once, before pytester's in-process runs
from pytest_testorbit.plugin.options import OPTIONS
from pytest_testorbit.store import open_store, queries

# No pytest-randomly (it reorders steps), no cache files; the store stays on.
ARGS = ("-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:logging")

ONE_STEP = "steps: [{name: ping, request: {method: GET, url: /ping}}]\n"
TWO_STEPS = """
    steps:
      - {name: a, request: {method: GET, url: /a}}
      - {name: b, request: {method: GET, url: /b}}
"""


pytestmark = pytest.mark.usefixtures("clean_orbit_environment")


@pytest.fixture
def ping(orbit):
    orbit.httpserver.expect_request("/ping").respond_with_json({})
    orbit.case("a.orbit.yaml", ONE_STEP)
    return orbit


def run(orbit, *args: str) -> pytest.RunResult:
    return orbit.pytester.runpytest(*ARGS, *args)


def stored_runs(path: Path) -> list[queries.RunRow]:
    store = open_store(f"sqlite:///{path}")
    try:
        with store.session() as session:
            return queries.runs(session)
    finally:
        store.close()


# -- orbit_db: where the run is stored ---------------------------------------------------------


def test_the_ini_key_orbit_db_chooses_the_store_relative_to_the_rootdir(ping, monkeypatch):
    ping.pytester.makeini("[pytest]\norbit_db = sqlite:///stores/ini.db\n")
    (ping.pytester.path / "sub").mkdir()
    monkeypatch.chdir(ping.pytester.path / "sub")  # the ini value is not relative to the cwd
    result = run(ping, str(ping.pytester.path))
    result.assert_outcomes(passed=1)
    store = ping.pytester.path / "stores" / "ini.db"
    (stored,) = stored_runs(store)
    result.stdout.fnmatch_lines([f"run {stored.id}: passed, stored in sqlite:///{store}"])
    assert not (ping.pytester.path / ".orbit" / "results.db").exists()


def test_orbit_db_on_the_command_line_wins_over_the_ini_key(ping):
    ping.pytester.makeini("[pytest]\norbit_db = sqlite:///ini.db\n")
    run(ping, "--orbit-db", "sqlite:///cli.db").assert_outcomes(passed=1)
    assert len(stored_runs(ping.pytester.path / "cli.db")) == 1
    assert not (ping.pytester.path / "ini.db").exists()


def test_orbit_db_url_wins_over_the_ini_key_orbit_db(ping, monkeypatch):
    # So a run that orbit scheduler starts (it hands over its store in ORBIT_DB_URL) is
    # stored where the scheduler looks for it, whatever the suite's ini file says.
    monkeypatch.setenv("ORBIT_DB_URL", f"sqlite:///{ping.pytester.path / 'env.db'}")
    ping.pytester.makeini("[pytest]\norbit_db = sqlite:///ini.db\n")
    run(ping).assert_outcomes(passed=1)
    assert len(stored_runs(ping.pytester.path / "env.db")) == 1
    assert not (ping.pytester.path / "ini.db").exists()


def test_orbit_db_url_wins_over_the_database_of_orbit_yaml(orbit, monkeypatch):
    orbit.httpserver.expect_request("/ping").respond_with_json({})
    orbit.config(
        f"project: test\ndatabase: sqlite:///yaml.db\nenvironments: {{local: {{base_url: {orbit.base_url}}}}}\n"
    )
    orbit.case("a.orbit.yaml", ONE_STEP)
    monkeypatch.setenv("ORBIT_DB_URL", f"sqlite:///{orbit.pytester.path / 'env.db'}")
    run(orbit).assert_outcomes(passed=1)
    assert len(stored_runs(orbit.pytester.path / "env.db")) == 1
    assert not (orbit.pytester.path / "yaml.db").exists()
    monkeypatch.delenv("ORBIT_DB_URL")
    run(orbit).assert_outcomes(passed=1)  # without it, orbit.yaml's database: is used
    assert len(stored_runs(orbit.pytester.path / "yaml.db")) == 1
    assert not (orbit.pytester.path / ".orbit" / "results.db").exists()


def test_without_any_store_setting_the_run_goes_to_the_default_store(ping):
    run(ping).assert_outcomes(passed=1)
    assert len(stored_runs(ping.pytester.path / ".orbit" / "results.db")) == 1


def test_orbit_no_db_stores_nothing_even_with_an_orbit_db_ini_key(ping):
    ping.pytester.makeini("[pytest]\norbit_db = sqlite:///ini.db\n")
    result = run(ping, "--orbit-no-db")
    result.stdout.fnmatch_lines(["run *: passed (not stored: --orbit-no-db)"])
    assert not (ping.pytester.path / "ini.db").exists()
    assert not (ping.pytester.path / ".orbit").exists()


# -- orbit_run_key --------------------------------------------------------------------------------


def test_the_ini_key_orbit_run_key_is_the_stored_run_key(ping):
    ping.pytester.makeini("[pytest]\norbit_run_key = pipeline-9\n")
    run(ping).assert_outcomes(passed=1)
    run(ping).assert_outcomes(passed=1)  # the same key: the same run
    (stored,) = stored_runs(ping.pytester.path / ".orbit" / "results.db")
    assert stored.run_key == "pipeline-9"


def test_orbit_run_key_on_the_command_line_wins_over_the_ini_key(ping):
    ping.pytester.makeini("[pytest]\norbit_run_key = from-ini\n")
    run(ping, "--orbit-run-key", "from-cli").assert_outcomes(passed=1)
    (stored,) = stored_runs(ping.pytester.path / ".orbit" / "results.db")
    assert stored.run_key == "from-cli"


# -- orbit_env, orbit_config, orbit_replay (the ini keys; the options are in their own files) ------


def test_orbit_env_on_the_command_line_wins_over_the_ini_key(orbit):
    orbit.httpserver.expect_request("/ping").respond_with_json({})
    orbit.config(
        f"""
        project: test
        environments:
          local: {{base_url: {orbit.base_url}}}
          prod: {{base_url: {orbit.base_url}}}
        """
    )
    orbit.case("a.orbit.yaml", ONE_STEP)
    orbit.pytester.makeini("[pytest]\norbit_env = prod\n")
    run(orbit, "--orbit-env", "local").assert_outcomes(passed=1)
    (stored,) = stored_runs(orbit.pytester.path / ".orbit" / "results.db")
    assert stored.environment == "local"


def test_the_ini_key_orbit_config_names_the_project_file_relative_to_the_rootdir(orbit):
    orbit.httpserver.expect_request("/other").respond_with_json({})
    orbit.write(
        "conf/other.yaml",
        f"environments:\n  only:\n    base_url: {orbit.base_url}\n    variables: {{who: other}}\n",
    )
    orbit.write("a.orbit.yaml", "steps: [{name: who, request: {method: GET, url: '/{{ who }}'}}]\n")
    orbit.pytester.makeini("[pytest]\norbit_config = conf/other.yaml\n")
    orbit.run().assert_outcomes(passed=1)
    assert orbit.paths == ["/other"]


def test_the_ini_key_orbit_replay_skips_the_earlier_steps(orbit):
    orbit.httpserver.expect_request("/b").respond_with_json({})
    orbit.case("g.orbit.yaml", TWO_STEPS)
    orbit.pytester.makeini("[pytest]\norbit_replay = skip\n")
    orbit.run("g.orbit.yaml::g::b").assert_outcomes(passed=1)
    assert orbit.paths == ["/b"]


def test_orbit_replay_on_the_command_line_wins_over_the_ini_key(orbit):
    orbit.httpserver.expect_request("/a").respond_with_json({})
    orbit.httpserver.expect_request("/b").respond_with_json({})
    orbit.case("g.orbit.yaml", TWO_STEPS)
    orbit.pytester.makeini("[pytest]\norbit_replay = skip\n")
    orbit.run("g.orbit.yaml::g::b", "--orbit-replay", "run").assert_outcomes(passed=1)
    assert orbit.paths == ["/a", "/b"]


# -- every option and ini key has a test of its effect ----------------------------------------------

# The tests (in this folder) that observe each option's and ini key's effect in a run.
EFFECT_TESTS = {
    "--orbit-env": "test_project_config.py::test_orbit_env_picks_the_environment",
    "orbit_env": "test_project_config.py::test_the_ini_key_orbit_env_picks_the_environment",
    "--orbit-config": "test_project_config.py::test_orbit_config_names_the_project_file",
    "orbit_config": "test_options.py::test_the_ini_key_orbit_config_names_the_project_file_relative_to_the_rootdir",
    "--orbit-db": "test_options.py::test_orbit_db_on_the_command_line_wins_over_the_ini_key",
    "orbit_db": "test_options.py::test_the_ini_key_orbit_db_chooses_the_store_relative_to_the_rootdir",
    "--orbit-no-db": "test_options.py::test_orbit_no_db_stores_nothing_even_with_an_orbit_db_ini_key",
    "--orbit-run-key": "test_options.py::test_orbit_run_key_on_the_command_line_wins_over_the_ini_key",
    "orbit_run_key": "test_options.py::test_the_ini_key_orbit_run_key_is_the_stored_run_key",
    "--orbit-shard": "test_shard.py::test_the_shards_split_the_groups_whole_and_without_overlap",
    "--orbit-replay": "test_chaining.py::test_orbit_replay_skip_runs_the_selected_step_only",
    "orbit_replay": "test_options.py::test_the_ini_key_orbit_replay_skips_the_earlier_steps",
    "--orbit-concurrency": "test_concurrency.py::test_the_command_line_wins_over_the_ini_key",
    "orbit_concurrency": "test_concurrency.py::test_up_to_n_groups_overlap_and_never_more_with_the_ini_key",
}


def declared() -> set[str]:
    names = {option.flag for option in OPTIONS}
    return names | {option.dest for option in OPTIONS if option.ini}


def test_every_option_and_ini_key_has_a_test_of_its_effect():
    assert sorted(EFFECT_TESTS) == sorted(declared())
    here = Path(__file__).parent
    for name, test in EFFECT_TESTS.items():
        file, function = test.split("::")
        tree = ast.parse((here / file).read_text(encoding="utf-8"))
        functions = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert function in functions, f"{name}: {test} does not exist"
