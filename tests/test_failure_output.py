"""What a failed step shows: where, the request, the response, the variables, the expectation."""

from __future__ import annotations

import pytest

FAILING = """
    variables: {user: alice, password: hunter2-secret}
    steps:
      - name: log in
        request:
          method: POST
          url: /login
          params: {lang: en}
          headers: {X-Trace: trace-1, Authorization: "Bearer {{ password }}"}
          json: {username: "{{ user }}", password: "{{ password }}"}
        expect:
          status: 200
          json:
            $.token: {type: string}
"""


@pytest.fixture
def failed(orbit):
    orbit.config(secrets=["password"])
    orbit.httpserver.expect_request("/login").respond_with_json(
        {"error": "bad credentials", "token": None}, status=401, headers={"X-Server-Trace": "srv-9"}
    )
    orbit.case("auth/login.orbit.yaml", FAILING)
    return orbit


def test_a_failed_step_names_itself_and_its_file_and_line(failed):
    result = failed.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ login::log-in _*",
            "step 'log in' failed (auth/login.orbit.yaml:4)",
            "FAILED auth/login.orbit.yaml::login::log-in - status: expected 200, got 401",
        ]
    )


def test_a_failed_step_shows_every_expectation_with_expected_and_actual(failed):
    result = failed.run()
    result.stdout.fnmatch_lines(
        [
            "  ✗ status: expected 200, got 401",
            "  ✗ $.token: expected type string, got null",
        ]
    )


def test_a_failed_step_shows_the_request_with_secrets_masked(failed):
    result = failed.run()
    result.stdout.fnmatch_lines(
        [
            "  request:  POST http://*/login?lang=en",
            "    X-Trace: trace-1",
            "    Authorization: Bearer ***",
            "    Content-Type: application/json",
            '    {"username": "alice", "password": "***"}',
        ]
    )
    assert "hunter2-secret" not in failed.text(result)


def test_a_failed_step_shows_the_response_status_headers_and_body(failed):
    result = failed.run()
    result.stdout.fnmatch_lines(
        [
            "  response: 401 UNAUTHORIZED (* ms)",
            "    X-Server-Trace: srv-9",
            "    Content-Type: application/json",
            "    {",
            '        "error": "bad credentials",',
            '        "token": null',
            "    }",
        ]
    )


def test_a_failed_step_shows_the_variables_in_play_masked(failed):
    result = failed.run()
    result.stdout.fnmatch_lines(["  variables: user='alice', password='***'"])


@pytest.mark.parametrize("options", [(), ("--tb=long",), ("--tb=native",), ("-vv", "--showlocals")])
def test_a_failed_step_shows_no_traceback_from_the_plugin(failed, options):
    result = failed.run(*options)
    result.assert_outcomes(failed=1)
    failed.assert_no_plugin_traceback(result)


def test_a_long_response_body_is_cut_short(orbit):
    orbit.httpserver.expect_request("/big").respond_with_data("x" * 5000, status=500)
    orbit.case("b.orbit.yaml", "steps: [{name: big, request: {method: GET, url: /big}}]")
    result = orbit.run()
    result.stdout.fnmatch_lines(["    xxxx*... (4200 more characters)"])
    assert "x" * 1000 not in orbit.text(result)


def test_a_template_failure_shows_no_traceback(orbit):
    orbit.case("t.orbit.yaml", "steps: [{name: t, request: {method: GET, url: '/{{ nope }}'}}]")
    result = orbit.run("--tb=long")
    result.assert_outcomes(failed=1)
    orbit.assert_no_plugin_traceback(result)


def test_a_blocked_step_is_reported_skipped_not_failed(orbit):
    orbit.httpserver.expect_request("/a").respond_with_json({}, status=500)
    orbit.case(
        "g.orbit.yaml",
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
          - name: b
            request: {method: GET, url: /b}
        """,
    )
    result = orbit.run("-v")
    result.stdout.fnmatch_lines(
        ["g.orbit.yaml::g::a FAILED*", "g.orbit.yaml::g::b SKIPPED (blocked by a)*"]
    )


def test_x_stops_at_the_first_failed_step(orbit):
    orbit.httpserver.expect_request("/a").respond_with_json({}, status=500)
    orbit.case("a.orbit.yaml", "steps: [{name: a, request: {method: GET, url: /a}}]")
    orbit.case("b.orbit.yaml", "steps: [{name: b, request: {method: GET, url: /b}}]")
    result = orbit.run("-x")
    result.assert_outcomes(failed=1)
    assert orbit.paths == ["/a"]


def test_an_extracted_value_named_a_secret_is_masked_from_then_on(orbit):
    orbit.config(secrets=["token"])
    orbit.httpserver.expect_request("/login").respond_with_json(
        {"token": "tok-very-secret"}, headers={"Set-Cookie": "sid=cookie-secret"}
    )
    orbit.httpserver.expect_request("/me").respond_with_json(
        {"echo": "tok-very-secret"}, status=403
    )
    orbit.case(
        "s.orbit.yaml",
        """
        steps:
          - name: login
            request: {method: POST, url: /login}
            extract: {token: $.token}
          - name: me
            request: {method: GET, url: "/me?t={{ token }}", headers: {X-Token: "{{ token }}"}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(passed=1, failed=1)
    text = orbit.text(result)
    assert "tok-very-secret" not in text
    assert "cookie-secret" not in text
    result.stdout.fnmatch_lines(
        [
            "  request:  GET http://*/me?t=***",
            "    X-Token: ***",
            "    Cookie: ***",
            '        "echo": "***"',
            "  variables: token='***'",
        ]
    )
