"""orbit.yaml: where it is found, environments, env. values, per-environment settings."""

from __future__ import annotations

import pytest

WHO = """
    steps:
      - name: who
        request: {method: GET, url: "/{{ who }}"}
"""

TWO_ENVIRONMENTS = """
    project: test
    default_env: local
    environments:
      local:
        base_url: BASE_URL
        variables: {who: local-user}
      prod:
        base_url: BASE_URL
        variables: {who: prod-user}
"""


def test_orbit_yaml_at_the_rootdir_gives_the_base_url(orbit):
    orbit.httpserver.expect_request("/ping").respond_with_json({})
    orbit.case("a.orbit.yaml", "steps: [{name: ping, request: {method: GET, url: /ping}}]")
    orbit.run().assert_outcomes(passed=1)
    assert orbit.paths == ["/ping"]


def test_orbit_config_names_the_project_file(orbit):
    orbit.httpserver.expect_request("/from-other").respond_with_json({})
    orbit.config(TWO_ENVIRONMENTS)
    orbit.write(
        "conf/other.yaml",
        f"environments:\n  only:\n    base_url: {orbit.base_url}\n    variables: {{who: from-other}}\n",
    )
    orbit.case("a.orbit.yaml", WHO)
    orbit.run("--orbit-config", "conf/other.yaml").assert_outcomes(passed=1)
    assert orbit.paths == ["/from-other"]


def test_a_missing_orbit_config_file_is_a_usage_error(orbit):
    orbit.case("a.orbit.yaml", WHO)
    result = orbit.run("--orbit-config", "nowhere.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orbit-config: 'nowhere.yaml' does not exist*"])


def test_the_nearest_orbit_yaml_above_the_first_path_is_used(orbit, pytester):
    pytester.makeini("[pytest]\n")  # the rootdir is pytester.path, which has no orbit.yaml
    orbit.httpserver.expect_request("/nested-user").respond_with_json({})
    orbit.write(
        "suite/orbit.yaml",
        f"environments:\n  here:\n    base_url: {orbit.base_url}\n    variables: {{who: nested-user}}\n",
    )
    orbit.write("suite/api/a.orbit.yaml", WHO.replace("\n    ", "\n"))
    result = orbit.run("suite/api")
    result.assert_outcomes(passed=1)
    assert orbit.paths == ["/nested-user"]


def test_orbit_env_picks_the_environment(orbit):
    orbit.httpserver.expect_request("/prod-user").respond_with_json({})
    orbit.config(TWO_ENVIRONMENTS)
    orbit.case("a.orbit.yaml", WHO)
    orbit.run("--orbit-env", "prod").assert_outcomes(passed=1)
    assert orbit.paths == ["/prod-user"]


def test_the_default_env_is_used_without_orbit_env(orbit):
    orbit.httpserver.expect_request("/local-user").respond_with_json({})
    orbit.config(TWO_ENVIRONMENTS)
    orbit.case("a.orbit.yaml", WHO)
    orbit.run().assert_outcomes(passed=1)
    assert orbit.paths == ["/local-user"]


def test_the_ini_key_orbit_env_picks_the_environment(orbit, pytester):
    pytester.makeini("[pytest]\norbit_env = prod\n")
    orbit.httpserver.expect_request("/prod-user").respond_with_json({})
    orbit.config(TWO_ENVIRONMENTS)
    orbit.case("a.orbit.yaml", WHO)
    orbit.run().assert_outcomes(passed=1)
    assert orbit.paths == ["/prod-user"]


def test_an_unknown_environment_is_a_usage_error_listing_the_known_ones(orbit):
    orbit.config(TWO_ENVIRONMENTS)
    orbit.case("a.orbit.yaml", WHO)
    result = orbit.run("--orbit-env", "prd")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*--orbit-env: unknown environment 'prd' in *orbit.yaml. Did you mean 'prod'? Known environments: local, prod*"
        ]
    )
    assert orbit.paths == []


def test_env_values_come_from_the_process_environment_and_are_masked(orbit, monkeypatch):
    monkeypatch.setenv("ORBIT_TEST_PASSWORD", "s3cr3t-from-env")
    orbit.httpserver.expect_request("/login").respond_with_json({"error": "nope"}, status=401)
    orbit.config(variables={"password": "{{ env.ORBIT_TEST_PASSWORD }}"})
    orbit.case(
        "a.orbit.yaml",
        """
        steps:
          - name: login
            request: {method: POST, url: /login, json: {password: "{{ password }}"}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    assert orbit.requests[0].get_json() == {"password": "s3cr3t-from-env"}
    assert "s3cr3t-from-env" not in orbit.text(result)
    result.stdout.fnmatch_lines(['*{"password": "***"}*', "*variables: password='***'*"])


def test_an_unset_env_value_is_an_error_naming_the_variable(orbit, monkeypatch):
    monkeypatch.delenv("ORBIT_TEST_UNSET", raising=False)
    orbit.config(variables={"token": "{{ env.ORBIT_TEST_UNSET }}"})
    orbit.case("a.orbit.yaml", WHO)
    result = orbit.run()
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*orbit.yaml:*environment variable ORBIT_TEST_UNSET is not set*"])
    assert orbit.paths == []


def test_named_secrets_are_masked(orbit):
    orbit.httpserver.expect_request("/x").respond_with_data("no", status=500)
    orbit.config(variables={"api_key": "key-1234567"}, secrets=["api_key"])
    orbit.case(
        "a.orbit.yaml",
        """
        steps:
          - name: x
            request: {method: GET, url: /x, params: {key: "{{ api_key }}"}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    assert "key-1234567" not in orbit.text(result)
    result.stdout.fnmatch_lines(["*request:  GET http://*/x?key=****"])


def test_environment_headers_are_sent_with_every_request(orbit):
    orbit.httpserver.expect_request("/x", headers={"X-Client": "orbit"}).respond_with_json({})
    orbit.config(headers={"X-Client": "orbit"})
    orbit.case("a.orbit.yaml", "steps: [{name: x, request: {method: GET, url: /x}}]")
    orbit.run().assert_outcomes(passed=1)


def test_the_environment_timeout_bounds_each_request(orbit, slow):
    orbit.config(timeout=0.3)
    orbit.case("a.orbit.yaml", "steps: [{name: slow, request: {method: GET, url: /slow}}]")
    result = orbit.run("--durations=1", "--durations-min=0")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*request failed: no answer within the timeout of 0.3 s*"])
    durations = [line for line in result.outlines if "call" in line and "a.orbit.yaml" in line]
    assert float(durations[0].split("s")[0]) < 3


def test_verify_false_is_accepted_for_an_environment(orbit):
    orbit.httpserver.expect_request("/x").respond_with_json({})
    orbit.config(verify=False)
    orbit.case("a.orbit.yaml", "steps: [{name: x, request: {method: GET, url: /x}}]")
    orbit.run().assert_outcomes(passed=1)


def test_a_bad_verify_value_is_an_error_with_its_line(orbit):
    orbit.config(verify=3)
    orbit.case("a.orbit.yaml", "steps: [{name: x, request: {method: GET, url: /x}}]")
    result = orbit.run()
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        ["*orbit.yaml:*: verify must be true, false or the path of a CA bundle"]
    )


def test_an_unknown_key_in_orbit_yaml_is_a_usage_error_with_a_suggestion(orbit):
    orbit.config(
        """
        project: test
        enviroments:
          local: {base_url: BASE_URL}
        """
    )
    orbit.case("a.orbit.yaml", WHO)
    result = orbit.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*orbit.yaml:3: unknown key 'enviroments'",
            "*at: enviroments",
            "*did you mean: environments?",
        ]
    )


def test_orbit_env_with_no_environments_says_there_are_none(orbit):
    orbit.config("project: test\n")
    orbit.case("a.orbit.yaml", WHO)
    result = orbit.run("--orbit-env", "staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*--orbit-env: unknown environment 'staging' in *orbit.yaml. Known environments: none (orbit.yaml has no environments)"
        ]
    )


def test_a_default_env_that_is_not_an_environment_is_a_usage_error(orbit):
    orbit.config(
        """
        default_env: stagng
        environments:
          local: {base_url: BASE_URL}
          staging: {base_url: BASE_URL}
        """
    )
    orbit.case("a.orbit.yaml", WHO)
    result = orbit.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*orbit.yaml:2: default_env 'stagng' is not one of the environments",
            "*did you mean: staging?",
            "*valid: local, staging",
        ]
    )
