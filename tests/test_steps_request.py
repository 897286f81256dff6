"""request: every key of a step's request reaches the server as written."""

from __future__ import annotations

import base64


def test_the_method_is_sent_in_capitals_whatever_its_case_in_the_file(orbit):
    orbit.httpserver.expect_request("/a", method="PUT").respond_with_json({})
    orbit.httpserver.expect_request("/b", method="DELETE").respond_with_json({})
    orbit.case(
        "m.orbit.yaml",
        """
        steps:
          - name: put
            request: {method: put, url: /a}
          - name: delete
            request: {method: DELETE, url: /b}
        """,
    )
    orbit.run().assert_outcomes(passed=2)
    assert [r.method for r in orbit.requests] == ["PUT", "DELETE"]


def test_a_relative_url_is_joined_to_the_base_url_and_its_path(orbit):
    orbit.httpserver.expect_request("/api/v1/orders").respond_with_json({})
    orbit.config(base_url=orbit.base_url + "/api/v1/")
    orbit.case("u.orbit.yaml", "steps: [{name: x, request: {method: GET, url: /orders}}]")
    orbit.run().assert_outcomes(passed=1)
    assert orbit.paths == ["/api/v1/orders"]


def test_a_full_url_is_used_as_is(orbit):
    orbit.httpserver.expect_request("/full").respond_with_json({})
    orbit.config(base_url="http://127.0.0.1:9/not-this")
    orbit.case("u.orbit.yaml", "steps: [{name: x, request: {method: GET, url: BASE_URL/full}}]")
    orbit.run().assert_outcomes(passed=1)
    assert orbit.paths == ["/full"]


def test_params_become_the_query_string(orbit):
    orbit.httpserver.expect_request(
        "/search", query_string={"q": "shoes", "page": "2"}
    ).respond_with_json({})
    orbit.case(
        "p.orbit.yaml",
        """
        variables: {page: 2}
        steps:
          - name: search
            request: {method: GET, url: /search, params: {q: shoes, page: "{{ page }}"}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)


def test_step_headers_are_sent_with_the_environment_headers(orbit):
    orbit.config(headers={"X-Client": "orbit", "X-Both": "env"})
    orbit.httpserver.expect_request("/h").respond_with_json({})
    orbit.case(
        "h.orbit.yaml",
        """
        steps:
          - name: h
            request: {method: GET, url: /h, headers: {X-Step: "yes", X-Both: step, X-Flag: true}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)
    headers = orbit.requests[0].headers
    assert (headers["X-Client"], headers["X-Step"], headers["X-Both"], headers["X-Flag"]) == (
        "orbit",
        "yes",
        "step",
        "true",
    )


def test_json_is_sent_as_a_json_body_with_its_types(orbit):
    orbit.httpserver.expect_request("/j").respond_with_json({})
    orbit.case(
        "j.orbit.yaml",
        """
        variables: {qty: 3, tags: [a, b]}
        steps:
          - name: j
            request:
              method: POST
              url: /j
              json: {qty: "{{ qty }}", tags: "{{ tags }}", label: "n={{ qty }}", ok: true, none: null}
        """,
    )
    orbit.run().assert_outcomes(passed=1)
    request = orbit.requests[0]
    assert request.headers["Content-Type"] == "application/json"
    assert request.get_json() == {
        "qty": 3,
        "tags": ["a", "b"],
        "label": "n=3",
        "ok": True,
        "none": None,
    }


def test_data_as_a_mapping_is_sent_as_a_form(orbit):
    orbit.httpserver.expect_request("/f").respond_with_json({})
    orbit.case(
        "f.orbit.yaml",
        """
        steps:
          - name: f
            request: {method: POST, url: /f, data: {user: alice, note: "a b&c"}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)
    request = orbit.requests[0]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form.to_dict() == {"user": "alice", "note": "a b&c"}


def test_data_as_text_is_sent_as_the_raw_body(orbit):
    orbit.httpserver.expect_request("/t").respond_with_json({})
    orbit.case(
        "t.orbit.yaml",
        """
        variables: {name: bob}
        steps:
          - name: t
            request:
              method: POST
              url: /t
              headers: {Content-Type: text/plain}
              data: "hello {{ name }}"
        """,
    )
    orbit.run().assert_outcomes(passed=1)
    assert orbit.requests[0].get_data(as_text=True) == "hello bob"


def test_cookies_are_sent(orbit):
    orbit.httpserver.expect_request("/c").respond_with_json({})
    orbit.case(
        "c.orbit.yaml",
        "steps: [{name: c, request: {method: GET, url: /c, cookies: {session: abc123}}}]",
    )
    orbit.run().assert_outcomes(passed=1)
    assert orbit.requests[0].cookies["session"] == "abc123"


def test_files_are_uploaded_as_multipart_from_paths_relative_to_the_case_file(orbit):
    orbit.httpserver.expect_request("/upload", method="POST").respond_with_json({})
    orbit.write("cases/data/hello.txt", "hello, file")
    orbit.case(
        "cases/upload.orbit.yaml",
        """
        steps:
          - name: upload
            request:
              method: POST
              url: /upload
              data: {kind: greeting}
              files:
                document: data/hello.txt
                typed: {path: data/hello.txt, filename: renamed.txt, content_type: text/plain}
        """,
    )
    orbit.run().assert_outcomes(passed=1)
    request = orbit.requests[0]
    try:
        assert request.mimetype == "multipart/form-data"
        assert request.form["kind"] == "greeting"
        assert request.files["document"].filename == "hello.txt"
        assert request.files["document"].read() == b"hello, file"
        assert request.files["typed"].filename == "renamed.txt"
        assert request.files["typed"].mimetype == "text/plain"
    finally:
        request.close()  # the parsed uploads are temporary files


def test_basic_auth_sends_the_user_and_password(orbit):
    orbit.httpserver.expect_request("/b").respond_with_json({})
    orbit.case(
        "b.orbit.yaml",
        "steps: [{name: b, request: {method: GET, url: /b, auth: {basic: [alice, 'pa:ss']}}}]",
    )
    orbit.run().assert_outcomes(passed=1)
    expected = "Basic " + base64.b64encode(b"alice:pa:ss").decode()
    assert orbit.requests[0].headers["Authorization"] == expected


def test_bearer_auth_sends_the_token(orbit):
    orbit.httpserver.expect_request(
        "/b", headers={"Authorization": "Bearer tok-1"}
    ).respond_with_json({})
    orbit.case(
        "b.orbit.yaml",
        """
        variables: {token: tok-1}
        steps:
          - name: b
            request: {method: GET, url: /b, auth: {bearer: "{{ token }}"}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)


def test_a_step_timeout_fails_the_step_within_about_that_time(orbit, slow):
    orbit.case(
        "t.orbit.yaml",
        "steps: [{name: slow, request: {method: GET, url: /slow, timeout: 0.4}}]",
    )
    result = orbit.run("--durations=1", "--durations-min=0")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*step 'slow' failed (t.orbit.yaml:1)",
            "*✗ request failed: no answer within the timeout of 0.4 s",
            "  response: none*",
        ]
    )
    timing = next(line for line in result.outlines if " call " in line)
    assert float(timing.split("s")[0]) < 2.5


def test_redirects_are_followed_by_default(orbit):
    orbit.httpserver.expect_request("/old").respond_with_data(
        "", status=302, headers={"Location": "/new"}
    )
    orbit.httpserver.expect_request("/new").respond_with_json({"here": True})
    orbit.case(
        "r.orbit.yaml",
        "steps: [{name: r, request: {method: GET, url: /old}, expect: {status: 200, json: {$.here: true}}}]",
    )
    orbit.run().assert_outcomes(passed=1)
    assert orbit.paths == ["/old", "/new"]


def test_allow_redirects_false_keeps_the_redirect_response(orbit):
    orbit.httpserver.expect_request("/old").respond_with_data(
        "", status=302, headers={"Location": "/new"}
    )
    orbit.case(
        "r.orbit.yaml",
        """
        steps:
          - name: r
            request: {method: GET, url: /old, allow_redirects: false}
            expect: {status: 302, headers: {Location: /new}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)
    assert orbit.paths == ["/old"]


def test_a_refused_connection_fails_the_step_with_the_reason(orbit):
    orbit.config(base_url="http://127.0.0.1:9")
    orbit.case("r.orbit.yaml", "steps: [{name: r, request: {method: GET, url: /x}}]")
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*✗ request failed: ConnectionError: *"])
    orbit.assert_no_plugin_traceback(result)


def test_a_relative_url_without_a_base_url_says_so(orbit):
    orbit.config("project: test\n")
    orbit.case("r.orbit.yaml", "steps: [{name: r, request: {method: GET, url: /x}}]")
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  ✗ request failed: the url '/x' is relative, and environment 'default' has no base_url"
            " (set it in orbit.yaml, or write a full URL)"
        ]
    )


def test_a_templated_upload_path_is_relative_to_the_case_file(orbit):
    orbit.httpserver.expect_request("/upload").respond_with_json({})
    orbit.write("cases/data/a.txt", "from the case folder")
    orbit.case(
        "cases/u.orbit.yaml",
        """
        variables: {name: a.txt}
        steps:
          - name: upload
            request: {method: POST, url: /upload, files: {doc: "data/{{ name }}"}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)
    request = orbit.requests[0]
    try:
        assert request.files["doc"].read() == b"from the case folder"
    finally:
        request.close()


def test_a_templated_upload_path_that_does_not_exist_fails_the_step_saying_so(orbit):
    orbit.case(
        "cases/u.orbit.yaml",
        """
        variables: {name: nope.txt}
        steps:
          - name: upload
            request: {method: POST, url: /upload, files: {doc: "data/{{ name }}"}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  ✗ request failed: cannot open */cases/data/nope.txt: No such file or directory"]
    )
    orbit.assert_no_plugin_traceback(result)
    assert orbit.paths == []


def test_a_templated_value_of_the_wrong_kind_fails_the_step_without_a_traceback(orbit):
    orbit.case(
        "t.orbit.yaml",
        """
        variables: {wait: soon}
        steps:
          - name: t
            request: {method: GET, url: /t, timeout: "{{ wait }}"}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  ✗ request failed: the request could not be made: Timeout value connect was soon*"]
    )
    orbit.assert_no_plugin_traceback(result)
