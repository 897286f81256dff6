"""Templates: Jinja2 in a sandbox, types kept, functions from the pytest hook, nothing evaluated."""

from __future__ import annotations

import pytest


def test_the_template_globals_hook_brings_functions_from_conftest(orbit, pytester):
    pytester.makeconftest(
        """
        import itertools

        _numbers = itertools.count(1)

        def pytest_orbit_template_globals(config):
            return {"next_id": lambda: next(_numbers), "prefix": "user"}
        """
    )
    orbit.httpserver.expect_request("/users").respond_with_json({})
    orbit.case(
        "t.orbit.yaml",
        """
        steps:
          - name: first
            request: {method: POST, url: /users, json: {id: "{{ next_id() }}", name: "{{ prefix }}-{{ next_id() }}"}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)
    assert orbit.requests[0].get_json() == {"id": 1, "name": "user-2"}


def test_template_globals_can_be_used_in_orbit_yaml(orbit, pytester):
    pytester.makeconftest(
        f"""
        def pytest_orbit_template_globals(config):
            return {{"api_url": "{orbit.base_url}"}}
        """
    )
    orbit.config(
        """
        environments:
          local: {base_url: "{{ api_url }}"}
        """
    )
    orbit.httpserver.expect_request("/x").respond_with_json({})
    orbit.case("t.orbit.yaml", "steps: [{name: x, request: {method: GET, url: /x}}]")
    orbit.run().assert_outcomes(passed=1)


def test_the_group_variables_hook_gives_each_group_instance_fresh_values(orbit, pytester):
    pytester.makeconftest(
        """
        import itertools

        _users = itertools.count(1)

        def pytest_orbit_group_variables(config, group_id, param_id, file):
            return {"user": f"{group_id}-{param_id or 'x'}-{next(_users)}", "file": file}
        """
    )
    orbit.httpserver.expect_request("/users").respond_with_json({})
    orbit.case(
        "g.orbit.yaml",
        """
        parametrize: {ids: [a, b], rows: [{n: 1}, {n: 2}]}
        variables: {greeting: "hello {{ user }}"}
        steps:
          - name: make
            request: {method: POST, url: /users, json: {user: "{{ user }}", hi: "{{ greeting }}", file: "{{ file }}"}}
        """,
    )
    orbit.run().assert_outcomes(passed=2)
    assert [r.get_json() for r in orbit.requests] == [
        {"user": "g-a-1", "hi": "hello g-a-1", "file": "g.orbit.yaml"},
        {"user": "g-b-2", "hi": "hello g-b-2", "file": "g.orbit.yaml"},
    ]


def test_filters_and_expressions_work(orbit):
    orbit.httpserver.expect_request("/x").respond_with_json({})
    orbit.case(
        "t.orbit.yaml",
        """
        variables: {name: bob, items: [1, 2, 3]}
        steps:
          - name: x
            request:
              method: POST
              url: /x
              json:
                upper: "{{ name | upper }}"
                count: "{{ items | length }}"
                sum: "{{ items | sum + 1 }}"
                text: "{{ name }} has {{ items | length }} items"
                flag: "{{ 2 in items }}"
                nothing: "{{ none }}"
                missing_or_default: "{{ absent | default('fallback') }}"
        """,
    )
    orbit.run().assert_outcomes(passed=1)
    assert orbit.requests[0].get_json() == {
        "upper": "BOB",
        "count": 3,
        "sum": 7,
        "text": "bob has 3 items",
        "flag": True,
        "nothing": None,
        "missing_or_default": "fallback",
    }


def test_the_environment_name_is_a_template_variable(orbit):
    orbit.httpserver.expect_request("/local").respond_with_json({})
    orbit.case("t.orbit.yaml", "steps: [{name: x, request: {method: GET, url: '/{{ env_name }}'}}]")
    orbit.run().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ ''.__class__ }}", "access to attribute '__class__' of 'str' object is unsafe."),
        (
            "x{{ ''.__class__.__mro__ }}",
            "access to attribute '__class__' of 'str' object is unsafe.",
        ),
        ("{{ name.__class__ }}", "access to attribute '__class__' of 'str' object is unsafe."),
        (
            "{{ lipsum.__globals__ }}",
            "access to attribute '__globals__' of 'function' object is unsafe.",
        ),
    ],
)
def test_the_sandbox_refuses_python_internals(orbit, template, message):
    orbit.case(
        "t.orbit.yaml",
        f"""
        variables: {{name: bob}}
        steps:
          - name: x
            request: {{method: POST, url: /x, json: {{v: "{template}"}}}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*✗ template: *{message}"])
    assert orbit.paths == []


def test_python_is_never_evaluated(orbit):
    orbit.case(
        "t.orbit.yaml",
        """
        steps:
          - name: x
            request: {method: GET, url: "/{{ __import__('os').getcwd() }}"}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*✗ template: '__import__' is undefined"])
    assert orbit.paths == []


def test_an_undefined_variable_suggests_a_close_name(orbit):
    orbit.case(
        "t.orbit.yaml",
        """
        variables: {token: abc}
        steps:
          - name: x
            request: {method: GET, url: "/{{ tokn }}"}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  ✗ template: undefined variable 'tokn' (did you mean 'token'?); variables in play: env, env_name, token"
        ]
    )


def test_a_missing_key_in_a_whole_value_template_is_an_error_not_null(orbit):
    orbit.case(
        "t.orbit.yaml",
        """
        variables: {user: {name: bob}}
        steps:
          - name: x
            request: {method: POST, url: /x, json: {v: "{{ user['nmae'] }}"}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  ✗ template: 'dict object' has no attribute 'nmae'"])
    assert orbit.paths == []


def test_an_unset_environment_variable_in_a_case_file_is_named(orbit, monkeypatch):
    monkeypatch.delenv("ORBIT_TEST_NOPE", raising=False)
    orbit.case(
        "t.orbit.yaml",
        "steps: [{name: x, request: {method: GET, url: '/{{ env.ORBIT_TEST_NOPE }}'}}]",
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*✗ template: *environment variable ORBIT_TEST_NOPE is not set"])


def test_a_dotted_lookup_reads_nested_values(orbit):
    orbit.httpserver.expect_request("/bob/7").respond_with_json({})
    orbit.case(
        "t.orbit.yaml",
        """
        variables: {user: {name: bob, id: 7}}
        steps:
          - name: x
            request: {method: GET, url: "/{{ user.name }}/{{ user.id }}"}
        """,
    )
    orbit.run().assert_outcomes(passed=1)


def test_true_false_and_none_are_constants_not_variables(orbit):
    orbit.httpserver.expect_request("/x").respond_with_json({})
    orbit.case(
        "t.orbit.yaml",
        """
        steps:
          - name: x
            request: {method: POST, url: /x, json: {t: "{{ true }}", f: "{{ False }}", n: "{{ none }}", s: "is {{ true }}"}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)
    assert orbit.requests[0].get_json() == {"t": True, "f": False, "n": None, "s": "is True"}
