"""Steps of a group run in order and pass values on; groups never share them."""

from __future__ import annotations

import pytest

THREE_STEPS = """
    steps:
      - name: create
        request: {method: POST, url: /orders}
        extract: {order_id: $.id}
      - name: fetch
        request: {method: GET, url: "/orders/{{ order_id }}"}
      - name: pay
        request: {method: PATCH, url: "/orders/{{ order_id }}"}
"""


@pytest.fixture
def shop(orbit):
    orbit.httpserver.expect_request("/orders", method="POST").respond_with_json(
        {"id": 42}, status=201
    )
    orbit.httpserver.expect_request("/orders/42", method="GET").respond_with_json({"id": 42})
    orbit.httpserver.expect_request("/orders/42", method="PATCH").respond_with_json({"id": 42})
    return orbit


def test_an_extracted_value_flows_into_the_next_request_with_its_type(shop):
    shop.httpserver.expect_request("/pay").respond_with_json({})
    shop.case(
        "g.orbit.yaml",
        """
        steps:
          - name: create
            request: {method: POST, url: /orders}
            extract: {order_id: $.id}
          - name: pay
            request: {method: POST, url: /pay, json: {order: "{{ order_id }}", note: "order {{ order_id }}"}}
        """,
    )
    shop.run().assert_outcomes(passed=2)
    assert shop.requests[1].get_json() == {"order": 42, "note": "order 42"}


def test_steps_run_in_file_order(shop):
    shop.case("g.orbit.yaml", THREE_STEPS)
    shop.run().assert_outcomes(passed=3)
    assert [(r.method, r.path) for r in shop.requests] == [
        ("POST", "/orders"),
        ("GET", "/orders/42"),
        ("PATCH", "/orders/42"),
    ]


def test_a_failed_step_blocks_the_rest_of_its_group(orbit):
    orbit.httpserver.expect_request("/orders").respond_with_json({}, status=500)
    orbit.case("g.orbit.yaml", THREE_STEPS)
    result = orbit.run("-rs")
    result.assert_outcomes(failed=1, skipped=2)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1[]] g.orbit.yaml:6: blocked by create",
            "SKIPPED [[]1[]] g.orbit.yaml:8: blocked by create",
        ]
    )
    assert orbit.paths == ["/orders"]


def test_on_failure_continue_runs_the_later_steps(orbit):
    orbit.httpserver.expect_request("/a").respond_with_json({}, status=500)
    orbit.httpserver.expect_request("/b").respond_with_json({})
    orbit.case(
        "g.orbit.yaml",
        """
        on_failure: continue
        steps:
          - name: a
            request: {method: GET, url: /a}
          - name: b
            request: {method: GET, url: /b}
        """,
    )
    orbit.run().assert_outcomes(failed=1, passed=1)
    assert orbit.paths == ["/a", "/b"]


def test_a_step_selected_alone_replays_the_earlier_steps(shop):
    shop.case("g.orbit.yaml", THREE_STEPS)
    result = shop.run("g.orbit.yaml::g::pay", "-v")
    result.stdout.fnmatch_lines(["g.orbit.yaml::g::pay PASSED*"])
    result.assert_outcomes(passed=1)
    assert [(r.method, r.path) for r in shop.requests] == [
        ("POST", "/orders"),
        ("GET", "/orders/42"),
        ("PATCH", "/orders/42"),
    ]


def test_a_step_selected_with_k_replays_the_earlier_steps(shop):
    shop.case("g.orbit.yaml", THREE_STEPS)
    result = shop.run("-k", "fetch")
    result.assert_outcomes(passed=1, deselected=2)
    assert shop.paths == ["/orders", "/orders/42"]


def test_a_failing_replay_is_an_error_naming_the_replayed_step(orbit):
    orbit.httpserver.expect_request("/orders").respond_with_json({"error": "down"}, status=503)
    orbit.case("g.orbit.yaml", THREE_STEPS)
    result = orbit.run("g.orbit.yaml::g::pay")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of g::pay*",
            "step 'pay' could not run: replaying the earlier step 'create' (g.orbit.yaml:3) failed",
            "step 'create' failed (g.orbit.yaml:3)",
            "  ✗ status: expected a success (no expect.status given), got 503",
        ]
    )
    orbit.assert_no_plugin_traceback(result)


def test_orbit_replay_skip_runs_the_selected_step_only(orbit):
    orbit.httpserver.expect_request("/b").respond_with_json({})
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
    orbit.run("g.orbit.yaml::g::b", "--orbit-replay", "skip").assert_outcomes(passed=1)
    assert orbit.paths == ["/b"]


def test_a_bad_orbit_replay_value_is_a_usage_error(orbit):
    orbit.case("g.orbit.yaml", THREE_STEPS)
    result = orbit.run("--orbit-replay", "maybe")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--orbit-replay: 'maybe' is not one of: run, skip*"])


def test_variables_never_leak_into_another_group(orbit):
    orbit.httpserver.expect_request("/login").respond_with_json({"token": "t-1"})
    orbit.case(
        "a.orbit.yaml",
        """
        steps:
          - name: login
            request: {method: POST, url: /login}
            extract: {token: $.token}
        """,
    )
    orbit.case(
        "b.orbit.yaml",
        """
        steps:
          - name: use token
            request: {method: GET, url: "/me/{{ token }}"}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "step 'use token' failed (b.orbit.yaml:3)",
            "  ✗ template: undefined variable 'token'; variables in play: env, env_name",
        ]
    )
    assert orbit.paths == ["/login"]


def test_cookies_never_leak_into_another_group(orbit):
    orbit.httpserver.expect_request("/login").respond_with_data(
        "", headers={"Set-Cookie": "sid=one; Path=/"}
    )
    orbit.httpserver.expect_request("/me").respond_with_json({})
    orbit.case(
        "g.orbit.yaml",
        """
        name: first
        steps:
          - name: login
            request: {method: POST, url: /login}
          - name: me
            request: {method: GET, url: /me}
        ---
        name: second
        steps:
          - name: me
            request: {method: GET, url: /me}
        """,
    )
    orbit.run().assert_outcomes(passed=3)
    assert [r.cookies.get("sid") for r in orbit.requests] == [None, "one", None]


def test_each_parametrize_instance_has_its_own_variables(orbit):
    orbit.httpserver.expect_request("/make/A").respond_with_json({"id": "id-A"})
    orbit.httpserver.expect_request("/use/id-A").respond_with_json({})
    orbit.case(
        "p.orbit.yaml",
        """
        parametrize: [{sku: A}, {sku: B}]
        steps:
          - name: make
            skip_if: "{{ sku == 'B' }}"
            request: {method: GET, url: "/make/{{ sku }}"}
            extract: {made: $.id}
          - name: use
            request: {method: GET, url: "/use/{{ made }}"}
        """,
    )
    result = orbit.run("-v")
    result.stdout.fnmatch_lines(
        [
            "p.orbit.yaml::p[[]0[]]::make PASSED*",
            "p.orbit.yaml::p[[]0[]]::use PASSED*",
            "p.orbit.yaml::p[[]1[]]::make SKIPPED*",
            "p.orbit.yaml::p[[]1[]]::use FAILED*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["  ✗ template: undefined variable 'made'; variables in play: env, env_name, sku"]
    )
    assert orbit.paths == ["/make/A", "/use/id-A"]


def test_row_values_override_group_variables_which_override_environment_variables(orbit):
    orbit.config(variables={"a": "env", "b": "env", "c": "env"})
    orbit.httpserver.expect_request("/env/group/row").respond_with_json({})
    orbit.case(
        "p.orbit.yaml",
        """
        variables: {b: group, c: group}
        parametrize: [{c: row}]
        steps:
          - name: x
            request: {method: GET, url: "/{{ a }}/{{ b }}/{{ c }}"}
        """,
    )
    orbit.run().assert_outcomes(passed=1)


def test_a_whole_group_runs_again_from_the_start_in_a_second_instance(orbit):
    orbit.httpserver.expect_request("/n/1").respond_with_json({"next": 2})
    orbit.httpserver.expect_request("/n/2").respond_with_json({"next": 3})
    orbit.case(
        "p.orbit.yaml",
        """
        parametrize: [{start: 1}, {start: 1}]
        steps:
          - name: first
            request: {method: GET, url: "/n/{{ start }}"}
            extract: {start: $.next}
          - name: second
            request: {method: GET, url: "/n/{{ start }}"}
        """,
    )
    orbit.run().assert_outcomes(passed=4)
    assert orbit.paths == ["/n/1", "/n/2", "/n/1", "/n/2"]


def test_selected_steps_run_as_items_and_only_the_gaps_are_replayed(shop):
    shop.case("g.orbit.yaml", THREE_STEPS)
    result = shop.run("-k", "create or pay", "-v")
    result.stdout.fnmatch_lines(["g.orbit.yaml::g::create PASSED*", "g.orbit.yaml::g::pay PASSED*"])
    result.assert_outcomes(passed=2, deselected=1)
    assert [(r.method, r.path) for r in shop.requests] == [
        ("POST", "/orders"),
        ("GET", "/orders/42"),
        ("PATCH", "/orders/42"),
    ]


def test_a_failing_replay_blocks_the_later_selected_steps(orbit):
    orbit.httpserver.expect_request("/orders").respond_with_json({}, status=500)
    orbit.case("g.orbit.yaml", THREE_STEPS)
    result = orbit.run("-k", "fetch or pay", "-rs")
    result.assert_outcomes(errors=1, skipped=1, deselected=1)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] g.orbit.yaml:8: blocked by create"])
    assert orbit.paths == ["/orders"]


def test_a_group_selected_by_node_id_runs_all_its_steps(shop):
    shop.case(
        "g.orbit.yaml",
        "name: other\nsteps: [{name: x, request: {method: GET, url: /nope}}]\n---\nname: shop\n"
        + THREE_STEPS.replace("\n    ", "\n"),
    )
    result = shop.run("g.orbit.yaml::shop")
    result.assert_outcomes(passed=3)
    assert "/nope" not in shop.paths


def test_last_failed_reruns_the_failed_step_after_replaying_the_earlier_ones(orbit):
    orbit.httpserver.expect_request("/orders", method="POST").respond_with_json(
        {"id": 42}, status=201
    )
    orbit.httpserver.expect_request("/orders/42", method="GET").respond_with_json({"id": 42})
    orbit.httpserver.expect_request("/orders/42", method="PATCH").respond_with_json({}, status=409)
    orbit.case("g.orbit.yaml", THREE_STEPS)
    args = ("--orbit-no-db", "-p", "no:randomly", "-p", "no:logging")
    orbit.pytester.runpytest(*args).assert_outcomes(passed=2, failed=1)
    orbit.httpserver.clear_log()
    result = orbit.pytester.runpytest(*args, "--lf")
    result.assert_outcomes(failed=1, deselected=2)
    assert [(r.method, r.path) for r in orbit.requests] == [
        ("POST", "/orders"),
        ("GET", "/orders/42"),
        ("PATCH", "/orders/42"),
    ]


def test_a_group_that_cannot_start_errors_once_and_blocks_its_other_steps(orbit):
    orbit.case(
        "g.orbit.yaml",
        """
        variables: {greeting: "hello {{ nobody }}"}
        steps:
          - name: one
            request: {method: GET, url: /one}
          - name: two
            request: {method: GET, url: /two}
        """,
    )
    result = orbit.run("-rs")
    result.assert_outcomes(errors=1, skipped=1)
    result.stdout.fnmatch_lines(
        ["*undefined variable 'nobody'*", "SKIPPED [[]1[]] g.orbit.yaml:*: blocked by one"]
    )
    assert orbit.requests == []
