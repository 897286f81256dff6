"""extract: JSONPath, header, cookie, regex and status, and what happens when nothing is found."""

from __future__ import annotations


def test_a_jsonpath_extracts_a_value_for_the_next_request(orbit):
    orbit.httpserver.expect_request("/login").respond_with_json({"data": {"token": "tok-9"}})
    orbit.httpserver.expect_request(
        "/me", headers={"Authorization": "Bearer tok-9"}
    ).respond_with_json({})
    orbit.case(
        "x.orbit.yaml",
        """
        steps:
          - name: login
            request: {method: POST, url: /login}
            extract: {token: $.data.token}
          - name: me
            request: {method: GET, url: /me, auth: {bearer: "{{ token }}"}}
        """,
    )
    orbit.run().assert_outcomes(passed=2)


def test_a_header_is_extracted(orbit):
    orbit.httpserver.expect_request("/a").respond_with_json({}, headers={"X-Request-Id": "rid-1"})
    orbit.httpserver.expect_request("/b/rid-1").respond_with_json({})
    orbit.case(
        "x.orbit.yaml",
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            extract: {rid: {header: x-request-id}}
          - name: b
            request: {method: GET, url: "/b/{{ rid }}"}
        """,
    )
    orbit.run().assert_outcomes(passed=2)


def test_a_cookie_set_during_a_redirect_is_extracted(orbit):
    orbit.httpserver.expect_request("/login").respond_with_data(
        "", status=302, headers={"Location": "/home", "Set-Cookie": "sid=abc123; Path=/"}
    )
    orbit.httpserver.expect_request("/home").respond_with_json({"home": True})
    orbit.httpserver.expect_request("/check/abc123").respond_with_json({})
    orbit.case(
        "x.orbit.yaml",
        """
        steps:
          - name: login
            request: {method: POST, url: /login}
            expect: {status: 200, json: {$.home: true}}
            extract: {sid: {cookie: sid}}
          - name: check
            request: {method: GET, url: "/check/{{ sid }}"}
        """,
    )
    orbit.run().assert_outcomes(passed=2)
    assert orbit.paths == ["/login", "/home", "/check/abc123"]
    assert orbit.requests[2].cookies["sid"] == "abc123"  # the session keeps it too


def test_a_regex_extracts_its_first_group_from_the_body(orbit):
    orbit.httpserver.expect_request("/a").respond_with_data("order #123 created, ref #999")
    orbit.httpserver.expect_request("/orders/123").respond_with_json({})
    orbit.case(
        "x.orbit.yaml",
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            extract: {order: {regex: "#(\\\\d+)"}}
          - name: b
            request: {method: GET, url: "/orders/{{ order }}"}
        """,
    )
    orbit.run().assert_outcomes(passed=2)


def test_the_status_code_is_extracted_as_a_number(orbit):
    orbit.httpserver.expect_request("/a").respond_with_json({}, status=201)
    orbit.httpserver.expect_request("/b").respond_with_json({})
    orbit.case(
        "x.orbit.yaml",
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            extract: {code: {status: true}}
          - name: b
            request: {method: POST, url: /b, json: {code: "{{ code }}"}}
        """,
    )
    orbit.run().assert_outcomes(passed=2)
    assert orbit.requests[1].get_json() == {"code": 201}


def test_a_jsonpath_that_finds_nothing_is_an_error_naming_the_path(orbit):
    orbit.httpserver.expect_request("/login").respond_with_json({"data": {}})
    orbit.case(
        "x.orbit.yaml",
        """
        steps:
          - name: login
            request: {method: POST, url: /login}
            extract: {token: $.data.token}
          - name: after
            request: {method: GET, url: "/{{ token }}"}
        """,
    )
    result = orbit.run("-rs")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "step 'login' failed (x.orbit.yaml:3)",
            "  ✗ extract token: $.data.token found nothing in the response",
            "*blocked by login*",
        ]
    )
    assert orbit.paths == ["/login"]


def test_a_missing_header_cookie_or_regex_is_an_error_naming_it(orbit):
    orbit.httpserver.expect_request("/a").respond_with_data("plain")
    orbit.case(
        "x.orbit.yaml",
        """
        on_failure: continue
        steps:
          - name: header
            request: {method: GET, url: /a}
            extract: {rid: {header: X-Request-Id}}
          - name: cookie
            request: {method: GET, url: /a}
            extract: {sid: {cookie: sid}}
          - name: regex
            request: {method: GET, url: /a}
            extract: {n: {regex: "id=(\\\\d+)"}}
          - name: json
            request: {method: GET, url: /a}
            extract: {n: $.id}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(
        [
            "  ✗ extract rid: header: X-Request-Id found nothing in the response",
            "  ✗ extract sid: cookie: sid found nothing in the response",
            "  ✗ extract n: regex: id=(\\d+) found nothing in the response",
            "  ✗ extract n: $.id found nothing in the response",
        ]
    )


def test_several_matches_extract_a_list(orbit):
    orbit.httpserver.expect_request("/a").respond_with_json({"items": [{"id": 1}, {"id": 2}]})
    orbit.httpserver.expect_request("/b").respond_with_json({})
    orbit.case(
        "x.orbit.yaml",
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            extract: {ids: "$.items[*].id"}
          - name: b
            request: {method: POST, url: /b, json: {ids: "{{ ids }}"}}
        """,
    )
    orbit.run().assert_outcomes(passed=2)
    assert orbit.requests[1].get_json() == {"ids": [1, 2]}
