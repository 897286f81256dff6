"""expect: status, headers, every matcher, JSONPath, body, schema and response time."""

from __future__ import annotations

import textwrap
import time

import pytest
from werkzeug import Response

DOC = {
    "id": 7,
    "name": "Alice",
    "price": 19.99,
    "tags": ["a", "b"],
    "active": True,
    "nothing": None,
    "items": [{"n": 1, "sku": "A"}, {"n": 2, "sku": "B"}, {"n": 3, "sku": "C"}],
    "data": {"用户": "张三"},
}


@pytest.fixture
def api(orbit):
    orbit.httpserver.expect_request("/doc").respond_with_json(DOC, headers={"X-Count": "3"})
    return orbit


def expect_case(orbit, expect: str):
    orbit.case(
        "e.orbit.yaml",
        "steps:\n  - name: check\n    request: {method: GET, url: /doc}\n    expect:\n"
        + textwrap.indent(textwrap.dedent(expect).strip(), "      ")
        + "\n",
    )


@pytest.mark.parametrize(
    "expect",
    [
        "json: {$.id: 7}",
        "json: {$.id: {eq: 7}}",
        "json: {$.id: {ne: 8}}",
        "json: {$.id: {gt: 6}}",
        "json: {$.id: {ge: 7}}",
        "json: {$.id: {lt: 8}}",
        "json: {$.id: {le: 7}}",
        "json: {$.name: {contains: lic}}",
        "json: {$.tags: {contains: a}}",
        "json: {'$.items[0]': {contains: {sku: A}}}",
        "json: {$.name: {regex: '^Al'}}",
        "json: {$.name: {type: string}, $.id: {type: integer}, $.price: {type: number}}",
        "json: {$.tags: {type: array}, $.data: {type: object}, $.nothing: {type: 'null'}}",
        "json: {$.active: {type: boolean}}",
        "json: {$.tags: {len: 2}, $.name: {len: {ge: 3}}}",
        "json: {$.id: {exists: true}, $.nope: {exists: false}}",
        "json: {$.name: {one_of: [Bob, Alice]}}",
        "json: {$.price: {approx: 19.99}}",
        "json: {$.price: {approx: {value: 20, abs: 0.05}}}",
        "json: {$.active: true, $.nothing: null, $.tags: [a, b]}",
        "json: {$.data: {eq: {用户: 张三}}}",
    ],
)
def test_a_matcher_that_holds_passes(api, expect):
    expect_case(api, expect)
    api.run().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ("json: {$.id: 8}", "$.id: expected 8, got 7"),
        ("json: {$.id: {eq: 8}}", "$.id: expected 8, got 7"),
        ("json: {$.id: {ne: 7}}", "$.id: expected anything but 7, got 7"),
        ("json: {$.id: {gt: 7}}", "$.id: expected > 7, got 7"),
        ("json: {$.id: {ge: 8}}", "$.id: expected >= 8, got 7"),
        ("json: {$.id: {lt: 7}}", "$.id: expected < 7, got 7"),
        ("json: {$.id: {le: 6}}", "$.id: expected <= 6, got 7"),
        (
            "json: {$.name: {gt: 3}}",
            "$.name: expected > 3, but string cannot be compared, got 'Alice'",
        ),
        ("json: {$.tags: {contains: z}}", "$.tags: expected to contain 'z', got ['a', 'b']"),
        ("json: {$.name: {regex: '^B'}}", "$.name: expected to match /^B/, got 'Alice'"),
        (
            "json: {$.id: {regex: '7'}}",
            "$.id: expected a string matching /7/, got an integer, got 7",
        ),
        ("json: {$.id: {type: string}}", "$.id: expected type string, got integer, got 7"),
        ("json: {$.tags: {len: 3}}", "$.tags: expected length 3, got length 2, got ['a', 'b']"),
        ("json: {$.nope: {exists: true}}", "$.nope: expected it to exist, got nothing (not found)"),
        ("json: {$.id: {exists: false}}", "$.id: expected it to be absent, got 7"),
        (
            "json: {$.name: {one_of: [Bob, Carol]}}",
            "$.name: expected one of ['Bob', 'Carol'], got 'Alice'",
        ),
        (
            "json: {$.price: {approx: 20}}",
            "$.price: expected approximately 20 (rel 1e-06, abs 1e-12), got 19.99",
        ),
        ("json: {$.id: {len: 1}}", "$.id: expected length 1, but an integer has no length, got 7"),
        (
            "json: {$.name: {approx: 1}}",
            "$.name: expected a number close to 1, got a string, got 'Alice'",
        ),
        ("json: {$.active: 1}", "$.active: expected 1, got True"),
        ("json: {$.nope: 3}", "$.nope: expected 3, got nothing (not found)"),
    ],
)
def test_a_matcher_that_fails_says_what_it_expected_and_what_it_got(api, expect, message):
    expect_case(api, expect)
    result = api.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"  ✗ {message}"])


def test_several_matchers_on_one_path_all_apply(api):
    expect_case(api, "json: {$.id: {type: integer, gt: 5, lt: 10}}")
    api.run().assert_outcomes(passed=1)


def test_every_failing_matcher_on_one_path_is_reported(api):
    expect_case(api, "json: {$.id: {type: string, gt: 10, lt: 10}}")
    result = api.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  ✗ $.id: expected type string, got integer, got 7", "  ✗ $.id: expected > 10, got 7"]
    )


@pytest.mark.parametrize(
    "expect",
    [
        "json: {'$.items[*].sku': [A, B, C]}",
        "json: {'$.items[?n > 2].sku': C}",
        "json: {'$.items[?n > 1].sku': [B, C]}",
        "json: {'$.items[-1:].n': 3}",
        "json: {$.data.用户: 张三}",
        "json: {\"$.data['用户']\": 张三}",
    ],
)
def test_jsonpath_wildcards_and_filters_give_one_value_or_a_list(api, expect):
    expect_case(api, expect)
    api.run().assert_outcomes(passed=1)


def test_a_status_number_must_match(orbit):
    orbit.httpserver.expect_request("/x").respond_with_json({}, status=201)
    orbit.case(
        "s.orbit.yaml", "steps: [{name: s, request: {method: GET, url: /x}, expect: {status: 200}}]"
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  ✗ status: expected 200, got 201"])


def test_a_status_list_accepts_any_of_its_codes(orbit):
    orbit.httpserver.expect_request("/x").respond_with_json({}, status=404)
    orbit.case(
        "s.orbit.yaml",
        """
        steps:
          - name: ok
            request: {method: GET, url: /x}
            expect: {status: [200, 404]}
          - name: not-ok
            request: {method: GET, url: /x}
            expect: {status: [200, 201]}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["  ✗ status: expected one of [[]200, 201[]], got 404"])


def test_without_expect_status_a_4xx_fails(orbit):
    orbit.httpserver.expect_request("/x").respond_with_json({}, status=404)
    orbit.case("s.orbit.yaml", "steps: [{name: s, request: {method: GET, url: /x}}]")
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  ✗ status: expected a success (no expect.status given), got 404"]
    )


def test_an_expected_error_status_passes(orbit):
    orbit.httpserver.expect_request("/x").respond_with_json({}, status=500)
    orbit.case(
        "s.orbit.yaml", "steps: [{name: s, request: {method: GET, url: /x}, expect: {status: 500}}]"
    )
    orbit.run().assert_outcomes(passed=1)


def test_headers_are_checked_with_values_and_matchers(api):
    expect_case(
        api,
        """
        headers:
          Content-Type: {regex: json}
          x-count: 3
          X-Absent: {exists: false}
        """,
    )
    api.run().assert_outcomes(passed=1)


def test_a_failing_header_check_names_the_header(api):
    expect_case(api, "headers: {X-Count: 4, X-Absent: {exists: true}}")
    result = api.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  ✗ header X-Count: expected '4', got '3'",
            "  ✗ header X-Absent: expected it to exist, got nothing (not found)",
        ]
    )


def test_body_checks_read_the_text(orbit):
    orbit.httpserver.expect_request("/t").respond_with_data("hello world")
    orbit.case(
        "b.orbit.yaml",
        """
        steps:
          - name: contains
            request: {method: GET, url: /t}
            expect: {body: {contains: hello}}
          - name: regex
            request: {method: GET, url: /t}
            expect: {body: {regex: "^h.llo w"}}
          - name: equals
            request: {method: GET, url: /t}
            expect: {body: hello world}
        """,
    )
    orbit.run().assert_outcomes(passed=3)


def test_a_failing_body_check_shows_the_body(orbit):
    orbit.httpserver.expect_request("/t").respond_with_data("hello world")
    orbit.case(
        "b.orbit.yaml",
        """
        on_failure: continue
        steps:
          - name: contains
            request: {method: GET, url: /t}
            expect: {body: {contains: bye}}
          - name: equals
            request: {method: GET, url: /t}
            expect: {body: hello}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "  ✗ body: expected to contain 'bye', got 'hello world'",
            "  ✗ body: expected 'hello', got 'hello world'",
        ]
    )


def test_json_checks_on_a_body_that_is_not_json_fail_saying_so(orbit):
    orbit.httpserver.expect_request("/t").respond_with_data("<html>", content_type="text/html")
    orbit.case(
        "b.orbit.yaml",
        "steps: [{name: s, request: {method: GET, url: /t}, expect: {json: {$.id: 1}}}]",
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  ✗ body: expected JSON, got a body of text/html*"])


SCHEMA = """
    type: object
    required: [id, name]
    properties:
      id: {type: integer}
      name: {type: string}
      tags: {type: array, items: {type: string}}
"""


def test_an_inline_schema_that_holds_passes(api):
    expect_case(api, "schema:" + textwrap.indent(textwrap.dedent(SCHEMA), "  "))
    api.run().assert_outcomes(passed=1)


def test_an_inline_schema_failure_names_the_path_and_the_keyword(api):
    expect_case(
        api,
        "schema: {type: object, properties: {items: {type: array, items: {properties: {n: {type: string}}}}}}",
    )
    result = api.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  ✗ schema at $.items[[]0[]].n: 'type' failed: 1 is not of type 'string', got 1"]
    )


def test_a_schema_file_is_read_relative_to_the_case_file(api):
    api.write("cases/schemas/doc.json", '{"type": "object", "required": ["id", "email"]}')
    api.case(
        "cases/s.orbit.yaml",
        """
        steps:
          - name: check
            request: {method: GET, url: /doc}
            expect: {schema: schemas/doc.json}
        """,
    )
    result = api.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  ✗ schema (schemas/doc.json) at $: 'required' failed: 'email' is a required property*"]
    )


def test_max_ms_fails_a_slow_response_with_the_limit_and_the_time(orbit):
    def slow(request):
        time.sleep(0.3)
        return Response("{}", content_type="application/json")

    orbit.httpserver.expect_request("/slow").respond_with_handler(slow)
    orbit.case(
        "t.orbit.yaml",
        """
        on_failure: continue
        steps:
          - name: fast enough
            request: {method: GET, url: /slow}
            expect: {max_ms: 5000}
          - name: too slow
            request: {method: GET, url: /slow}
            expect: {max_ms: 100}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["  ✗ response time: expected at most 100 ms, got [3-9]?? ms"])


def test_a_bracketed_member_name_with_a_dash_is_read(orbit):
    orbit.httpserver.expect_request("/h").respond_with_json({"headers": {"X-Trace": "t-1"}})
    orbit.case(
        "h.orbit.yaml",
        """
        steps:
          - name: h
            request: {method: GET, url: /h}
            expect: {json: {"$.headers['X-Trace']": t-1}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)


def test_a_top_level_list_is_read_by_index_and_length(orbit):
    orbit.httpserver.expect_request("/l").respond_with_json([{"id": 1}, {"id": 2}])
    orbit.case(
        "l.orbit.yaml",
        """
        steps:
          - name: l
            request: {method: GET, url: /l}
            expect: {json: {"$[1].id": 2, "$": {len: 2}}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)
