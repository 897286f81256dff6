"""retry until a response matches, skip_if, and use: with another file's steps."""

from __future__ import annotations

import pytest
from werkzeug import Response


@pytest.fixture
def job(orbit):
    """``/job`` answers "running" twice, then "done"."""
    answers = iter(["running", "running"])

    def handler(request):
        return Response(f'{{"state": "{next(answers, "done")}"}}', content_type="application/json")

    orbit.httpserver.expect_request("/job").respond_with_handler(handler)
    return orbit


def test_retry_sends_again_until_the_response_matches(job):
    job.case(
        "r.orbit.yaml",
        """
        steps:
          - name: wait
            request: {method: GET, url: /job}
            retry: {times: 5, delay: 0.01, until: {json: {$.state: done}}}
            expect: {status: 200, json: {$.state: done}}
        """,
    )
    job.run().assert_outcomes(passed=1)
    assert job.paths == ["/job", "/job", "/job"]


def test_retry_that_runs_out_says_how_many_tries_and_shows_the_last_response(job):
    job.case(
        "r.orbit.yaml",
        """
        steps:
          - name: wait
            request: {method: GET, url: /job}
            retry: {times: 2, delay: 0, until: {json: {$.state: done}}}
        """,
    )
    result = job.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "step 'wait' failed (r.orbit.yaml:3)",
            "  ✗ retry: gave up after 2 tries, the last response did not match until:",
            "  ✗ $.state: expected 'done', got 'running'",
            "  response: 200 OK*",
            '*{"state": "running"}*',
        ]
    )
    assert job.paths == ["/job", "/job"]


def test_expect_applies_after_the_retries(job):
    job.case(
        "r.orbit.yaml",
        """
        steps:
          - name: wait
            request: {method: GET, url: /job}
            retry: {times: 5, delay: 0, until: {json: {$.state: done}}}
            expect: {status: 201}
        """,
    )
    result = job.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  ✗ status: expected 201, got 200"])


def test_retry_delay_waits_between_tries(job):
    job.case(
        "r.orbit.yaml",
        """
        steps:
          - name: wait
            request: {method: GET, url: /job}
            retry: {times: 3, delay: 0.2, until: {json: {$.state: done}}}
        """,
    )
    result = job.run("--durations=1", "--durations-min=0")
    result.assert_outcomes(passed=1)
    timing = next(line for line in result.outlines if " call " in line)
    assert float(timing.split("s")[0]) >= 0.4


def test_skip_if_that_holds_skips_the_step_with_the_expression(orbit):
    orbit.httpserver.expect_request("/b").respond_with_json({})
    orbit.case(
        "s.orbit.yaml",
        """
        variables: {region: eu}
        steps:
          - name: a
            skip_if: "{{ env_name == 'local' and region == 'eu' }}"
            request: {method: GET, url: /a}
          - name: b
            skip_if: "{{ region == 'us' }}"
            request: {method: GET, url: /b}
        """,
    )
    result = orbit.run("-rs")
    result.assert_outcomes(skipped=1, passed=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED [[]1[]] s.orbit.yaml:4: skip_if: {{ env_name == 'local' and region == 'eu' }}"]
    )
    assert orbit.paths == ["/b"]


def test_a_skipped_step_does_not_block_the_rest(orbit):
    orbit.httpserver.expect_request("/b").respond_with_json({})
    orbit.case(
        "s.orbit.yaml",
        """
        steps:
          - name: a
            skip_if: true
            request: {method: GET, url: /a}
          - name: b
            request: {method: GET, url: /b}
        """,
    )
    orbit.run().assert_outcomes(skipped=1, passed=1)


LOGIN = """
    steps:
      - name: log in
        request: {method: POST, url: /login, json: {user: "{{ user }}"}}
        extract: {token: $.token}
"""


def test_use_runs_the_other_files_steps_in_place_and_its_variables_flow_back(orbit):
    orbit.httpserver.expect_request("/login", json={"user": "bob"}).respond_with_json(
        {"token": "t-bob"}
    )
    orbit.httpserver.expect_request(
        "/me", headers={"Authorization": "Bearer t-bob"}
    ).respond_with_json({})
    orbit.case("common/login.orbit.yaml", LOGIN)
    orbit.case(
        "orders/checkout.orbit.yaml",
        """
        variables: {user: alice}
        steps:
          - use: ../common/login.orbit.yaml
            with: {user: bob}
          - name: me
            request: {method: GET, url: /me, auth: {bearer: "{{ token }}"}}
        """,
    )
    result = orbit.run("orders", "-v")
    result.stdout.fnmatch_lines(
        [
            "orders/checkout.orbit.yaml::checkout::login PASSED*",
            "orders/checkout.orbit.yaml::checkout::me PASSED*",
        ]
    )
    result.assert_outcomes(passed=2)


def test_with_values_do_not_outlive_the_use_step(orbit):
    orbit.httpserver.expect_request("/login").respond_with_json({"token": "t"})
    orbit.httpserver.expect_request("/who/alice").respond_with_json({})
    orbit.case("common/login.orbit.yaml", LOGIN)
    orbit.case(
        "checkout.orbit.yaml",
        """
        variables: {user: alice}
        steps:
          - use: common/login.orbit.yaml
            with: {user: bob}
          - name: who
            request: {method: GET, url: "/who/{{ user }}"}
        """,
    )
    orbit.run("checkout.orbit.yaml").assert_outcomes(passed=2)


def test_a_failing_used_step_names_both_files(orbit):
    orbit.httpserver.expect_request("/login").respond_with_json({}, status=401)
    orbit.case("common/login.orbit.yaml", LOGIN)
    orbit.case(
        "checkout.orbit.yaml",
        """
        variables: {user: alice}
        steps:
          - use: common/login.orbit.yaml
        """,
    )
    result = orbit.run("checkout.orbit.yaml")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "step 'log in' failed (common/login.orbit.yaml:3, used by checkout.orbit.yaml:4)",
            "  ✗ status: expected a success (no expect.status given), got 401",
        ]
    )


def test_a_use_cycle_is_a_collection_error(orbit):
    orbit.case("a.orbit.yaml", "steps: [{use: b.orbit.yaml}]")
    orbit.case("b.orbit.yaml", "steps: [{use: a.orbit.yaml}]")
    result = orbit.run("a.orbit.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "b.orbit.yaml:1: use: makes a cycle: a.orbit.yaml → b.orbit.yaml → a.orbit.yaml",
            "  at: steps[[]0[]].use",
        ]
    )
    orbit.assert_no_plugin_traceback(result)


def test_a_used_file_that_does_not_exist_is_a_collection_error(orbit):
    orbit.case(
        "a.orbit.yaml",
        """
        steps:
          - use: common/nope.orbit.yaml
        """,
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["a.orbit.yaml:3: use: *common/nope.orbit.yaml does not exist", "  at: steps[[]0[]].use"]
    )
    orbit.assert_no_plugin_traceback(result)


def test_retry_that_never_got_an_answer_says_why(orbit):
    orbit.config(base_url="http://127.0.0.1:9")
    orbit.case(
        "r.orbit.yaml",
        """
        steps:
          - name: wait
            request: {method: GET, url: /job}
            retry: {times: 2, delay: 0, until: {status: 200}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  ✗ retry: gave up after 2 tries, the last request failed: ConnectionError: *Connection refused"
        ]
    )
