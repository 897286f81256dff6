"""Each key of an environment in orbit.yaml refuses a wrong value with its own message and line.

These read orbit.yaml directly (``load_project``); test_project_config.py shows the same
errors through a pytest run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_testorbit.cases.project import load_project
from pytest_testorbit.errors import ProjectFileError


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("base_url: [a, b]", "base_url must be a URL string"),
        ("variables: [a]", "variables must be a mapping of names to values"),
        ("headers: text", "headers must be a mapping of names to values"),
        ("verify: 3", "verify must be true, false or the path of a CA bundle"),
        ("timeout: -1", "timeout must be a positive number of seconds, not -1"),
        ("timeout: true", "timeout must be a positive number of seconds, not True"),
        ("secrets: [1, 2]", "secrets must be a list of variable names"),
        ("cert: [a.pem]", "cert must be the path of a client certificate, or [certificate, key]"),
    ],
)
def test_a_wrong_environment_value_names_the_key_its_line_and_what_is_right(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "orbit.yaml"
    path.write_text(f"environments:\n  local:\n    {line}\n")
    project = load_project(path)
    with pytest.raises(ProjectFileError) as raised:
        project.environment("local")
    error = raised.value
    assert str(error).splitlines()[0] == f"{path}:3: {message}"
    key = line.split(":")[0]
    assert error.key_path == ("environments", "local", key)


def test_right_environment_values_are_read_with_paths_relative_to_orbit_yaml(
    tmp_path: Path,
) -> None:
    (tmp_path / "ca.pem").write_text("")  # a CA bundle must exist (security.md)
    path = tmp_path / "orbit.yaml"
    path.write_text(
        "environments:\n"
        "  local:\n"
        "    base_url: http://x\n"
        "    variables: {n: 1}\n"
        "    headers: {X-N: 2}\n"
        "    verify: ca.pem\n"
        "    timeout: 3\n"
        "    secrets: [n]\n"
        "    cert: [c.pem, k.pem]\n"
    )
    env = load_project(path).environment("local")
    assert (env.base_url, env.variables, env.headers, env.timeout, env.secrets) == (
        "http://x",
        {"n": 1},
        {"X-N": "2"},
        3.0,
        ["n"],
    )
    assert env.verify == str(tmp_path / "ca.pem")
    assert env.cert == [str(tmp_path / "c.pem"), str(tmp_path / "k.pem")]
