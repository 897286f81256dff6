"""A malformed case file is one collection error: file:line, key path, what is wrong, the fix."""

from __future__ import annotations

import pytest

GOOD = "steps: [{name: ok, request: {method: GET, url: /ok}}]"

CASES = {
    "yaml syntax": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a
        """,
        [
            "bad.orbit.yaml:4: YAML syntax error: while parsing a flow mapping, did not find expected ',' or '}'",
            "  here: request: {method: GET, url: /a",
        ],
    ),
    "duplicate yaml key": (
        """
        steps:
          - name: a
            name: b
            request: {method: GET, url: /a}
        """,
        ["bad.orbit.yaml:4: YAML syntax error: duplicate key 'name': a key may appear once"],
    ),
    "unknown group key": (
        """
        titel: oops
        steps:
          - name: a
            request: {method: GET, url: /a}
        """,
        [
            "bad.orbit.yaml:2: unknown key 'titel' in a case group",
            "  at: titel",
            "  here: titel: oops",
            "  did you mean: title?",
            "  valid: name, title, *, steps",
        ],
    ),
    "unknown step key": (
        """
        steps:
          - name: a
            reqest: {method: GET, url: /a}
        """,
        [
            "bad.orbit.yaml:4: unknown key 'reqest' in a step",
            "  at: steps[[]0[]].reqest",
            "  here: reqest: {method: GET, url: /a}",
            "  did you mean: request?",
        ],
    ),
    "unknown request key": (
        """
        steps:
          - name: a
            request:
              method: GET
              url: /a
              heders: {X-A: b}
        """,
        [
            "bad.orbit.yaml:7: unknown key 'heders' in request",
            "  at: steps[[]0[]].request.heders",
            "  here: heders: {X-A: b}",
            "  did you mean: headers?",
        ],
    ),
    "unknown expect key": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            expect:
              staus: 200
        """,
        [
            "bad.orbit.yaml:6: unknown key 'staus' in expect",
            "  at: steps[[]0[]].expect.staus",
            "  here: staus: 200",
            "  did you mean: status?",
            "  valid: status, headers, json, body, schema, openapi, max_ms",
        ],
    ),
    "missing request": (
        """
        steps:
          - name: a
            expect: {status: 200}
        """,
        [
            "bad.orbit.yaml:3: step 'a' has no 'request:': a step has a request, or uses another file",
            "  at: steps[[]0[]]",
        ],
    ),
    "missing url": (
        """
        steps:
          - name: a
            request: {method: GET}
        """,
        ["bad.orbit.yaml:4: request needs 'url:'", "  at: steps[[]0[]].request.url"],
    ),
    "missing steps": (
        """
        name: g
        """,
        ["bad.orbit.yaml:2: a case group needs 'steps:', a list of steps", "  at: steps"],
    ),
    "unknown matcher": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            expect:
              json:
                $.id: {gtt: 3}
        """,
        [
            "bad.orbit.yaml:7: unknown matcher 'gtt'",
            "  at: steps[[]0[]].expect.json.$.id.gtt",
            "  did you mean: gt?",
            "  valid: eq, ne, gt, ge, lt, le, contains, regex, type, len, exists, one_of, approx",
        ],
    ),
    "unknown type": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            expect: {json: {$.id: {type: int}}}
        """,
        ["bad.orbit.yaml:5: unknown type 'int'", "  at: steps[[]0[]].expect.json.$.id.type"],
    ),
    "a list of types": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            expect: {json: {$.id: {type: [string, "null"]}}}
        """,
        [
            "bad.orbit.yaml:5: type takes one type name (string, number, integer, boolean, array, object, null), not a list",
            "  at: steps[[]0[]].expect.json.$.id.type",
        ],
    ),
    "invalid regex": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            expect: {body: {regex: "(unclosed"}}
        """,
        [
            "bad.orbit.yaml:5: invalid regular expression: missing ), unterminated subpattern at position 0"
        ],
    ),
    "duplicate step ids": (
        """
        steps:
          - name: Log in
            request: {method: GET, url: /a}
          - name: log-in
            request: {method: GET, url: /b}
        """,
        [
            "bad.orbit.yaml:5: duplicate step id 'log-in' (also on line 3); give one an explicit 'id:'",
            "  at: steps[[]1[]]",
        ],
    ),
    "invalid jsonpath": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            expect:
              json:
                "$.items[": 1
        """,
        [
            "bad.orbit.yaml:7: invalid JSONPath '$.items[': *",
            "  at: steps[[]0[]].expect.json.$.items[[]",
        ],
    ),
    "not a jsonpath in extract": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            extract: {token: data.token}
        """,
        [
            "bad.orbit.yaml:5: 'data.token' is not a JSONPath: it starts with '$', as in $.data.id",
            "  at: steps[[]0[]].extract.token",
        ],
    ),
    "unknown extract kind": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            extract: {token: {heder: X-Token}}
        """,
        [
            "bad.orbit.yaml:5: unknown extract kind 'heder'",
            "  at: steps[[]0[]].extract.token.heder",
            "  did you mean: header?",
        ],
    ),
    "template syntax": (
        """
        steps:
          - name: a
            request: {method: GET, url: "/{{ id "}
        """,
        ["bad.orbit.yaml:4: template syntax error: *", "  at: steps[[]0[]].request.url"],
    ),
    "bad http method": (
        """
        steps:
          - name: a
            request: {method: GTE, url: /a}
        """,
        [
            "bad.orbit.yaml:4: unknown HTTP method 'GTE'",
            "  at: steps[[]0[]].request.method",
            "  did you mean: GET?",
            "  valid: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
        ],
    ),
    "non-numeric status": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            expect: {status: ok}
        """,
        [
            "bad.orbit.yaml:5: status must be an HTTP status code (100-599) or a list of them, not 'ok'",
            "  at: steps[[]0[]].expect.status",
        ],
    ),
    "status out of range": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            expect: {status: [200, 2000]}
        """,
        [
            "bad.orbit.yaml:5: status must be an HTTP status code (100-599) or a list of them, not 2000"
        ],
    ),
    "top level a list": (
        """
        - name: a
          request: {method: GET, url: /a}
        """,
        ["bad.orbit.yaml:2: a case group must be a mapping with 'steps:', not a list"],
    ),
    "top level a string": (
        """
        just text
        """,
        ["bad.orbit.yaml:2: a case group must be a mapping with 'steps:', not str 'just text'"],
    ),
    "parametrize rows not mappings": (
        """
        parametrize: [1, 2]
        steps:
          - name: a
            request: {method: GET, url: /a}
        """,
        [
            "bad.orbit.yaml:2: parametrize row 0 must be a mapping of variables, not int 1",
            "  at: parametrize[[]0[]]",
        ],
    ),
    "parametrize ids and rows differ": (
        """
        parametrize:
          ids: [a]
          rows: [{x: 1}, {x: 2}]
        steps:
          - name: a
            request: {method: GET, url: /a}
        """,
        ["bad.orbit.yaml:3: parametrize has 2 rows but 1 ids", "  at: parametrize.rows"],
    ),
    "parametrize empty": (
        """
        parametrize: []
        steps:
          - name: a
            request: {method: GET, url: /a}
        """,
        ["bad.orbit.yaml:2: parametrize must be a non-empty list of rows (mappings of variables)"],
    ),
    "step id with ::": (
        """
        steps:
          - name: a
            id: "a::b"
            request: {method: GET, url: /a}
        """,
        [
            "bad.orbit.yaml:4: id 'a::b' may not contain '::' (it separates pytest node ids)",
            "  at: steps[[]0[]].id",
            "  did you mean: a-b?",
        ],
    ),
    "step id with a dot": (
        """
        steps:
          - id: v1.2
            request: {method: GET, url: /a}
        """,
        [
            "bad.orbit.yaml:3: id 'v1.2' may hold only letters, digits, '_' and '-' (not '.')",
            "  did you mean: v1-2?",
        ],
    ),
    "parametrize id with ::": (
        """
        parametrize: {ids: ["x::y"], rows: [{a: 1}]}
        steps:
          - name: a
            request: {method: GET, url: /a}
        """,
        [
            "bad.orbit.yaml:2: 0 'x::y' may not contain '::' (it separates pytest node ids)",
            "  at: parametrize.ids[[]0[]]",
        ],
    ),
    "group name with ::": (
        """
        name: "shop::checkout"
        steps:
          - name: a
            request: {method: GET, url: /a}
        """,
        [
            "bad.orbit.yaml:2: name 'shop::checkout' may not contain '::' (it separates pytest node ids)"
        ],
    ),
    "on_failure choice": (
        """
        on_failure: stopp
        steps:
          - name: a
            request: {method: GET, url: /a}
        """,
        [
            "bad.orbit.yaml:2: on_failure must be one of stop, continue, not 'stopp'",
            "  did you mean: stop?",
        ],
    ),
    "with without use": (
        """
        steps:
          - name: a
            with: {x: 1}
            request: {method: GET, url: /a}
        """,
        ["bad.orbit.yaml:4: 'with:' goes with 'use:'", "  at: steps[[]0[]].with"],
    ),
    "retry without until": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            retry: {times: 3}
        """,
        [
            "bad.orbit.yaml:5: retry needs 'until:', an expect block the response must match",
            "  at: steps[[]0[]].retry.until",
        ],
    ),
    "missing upload file": (
        """
        steps:
          - name: a
            request: {method: POST, url: /a, files: {doc: nope.txt}}
        """,
        ["bad.orbit.yaml:4: file 'nope.txt' does not exist (paths are relative to the case file)"],
    ),
    "bad auth": (
        """
        steps:
          - name: a
            request: {method: GET, url: /a, auth: {digest: [a, b]}}
        """,
        [
            "bad.orbit.yaml:4: auth must be {basic: [[]user, password[]]} or {bearer: TOKEN}",
            "  valid: basic, bearer",
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_malformed_file_is_one_collection_error_that_says_where_and_what(orbit, case):
    text, lines = CASES[case]
    orbit.case("bad.orbit.yaml", text)
    result = orbit.run()
    result.assert_outcomes(errors=1)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*ERROR collecting bad.orbit.yaml*", *lines])
    orbit.assert_no_plugin_traceback(result)
    assert orbit.paths == []


def test_a_collection_error_stops_the_run_before_any_request(orbit):
    orbit.httpserver.expect_request("/ok").respond_with_json({})
    orbit.case("a_good.orbit.yaml", GOOD)
    orbit.case("b_bad.orbit.yaml", "steps: [{name: a, request: {method: GTE, url: /a}}]")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*Interrupted: 1 error during collection*"])
    assert orbit.paths == []


def test_continue_on_collection_errors_runs_the_other_files(orbit):
    orbit.httpserver.expect_request("/ok").respond_with_json({})
    orbit.case("a_good.orbit.yaml", GOOD)
    orbit.case("b_bad.orbit.yaml", "steps: [{name: a, request: {method: GTE, url: /a}}]")
    orbit.case("c_good.orbit.yaml", GOOD)
    result = orbit.run("--continue-on-collection-errors")
    result.assert_outcomes(passed=2, errors=1)
    assert orbit.paths == ["/ok", "/ok"]


def test_an_error_in_the_second_group_of_a_file_is_reported_at_its_line(orbit):
    orbit.case(
        "bad.orbit.yaml",
        """
        name: first
        steps:
          - name: a
            request: {method: GET, url: /a}
        ---
        name: second
        steps:
          - name: a
            request: {method: GET, url: /a}
            expect: {stauts: 200}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["bad.orbit.yaml:11: unknown key 'stauts' in expect"])


def test_a_malformed_used_file_is_reported_at_its_own_line(orbit):
    orbit.case("common/login.orbit.yaml", "steps: [{name: a, request: {method: GTE, url: /a}}]")
    orbit.case("checkout.orbit.yaml", "steps: [{use: common/login.orbit.yaml}]")
    result = orbit.run("checkout.orbit.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["common/login.orbit.yaml:1: unknown HTTP method 'GTE'"])


def step(body: str) -> str:
    """A group of one step named 'a' with ``body`` added to the step."""
    return "steps:\n  - name: a\n" + "".join(f"    {line}\n" for line in body.strip().splitlines())


REQUEST = "request: {method: GET, url: /a}"

MESSAGES = [
    (
        "tags: [smoke-test]\n" + step(REQUEST),
        "1: tag 'smoke-test' must be a name usable as a pytest mark (letters, digits, _)",
    ),
    ("parallel: yes please\n" + step(REQUEST), "1: parallel must be true or false"),
    ('name: ""\n' + step(REQUEST), "1: name must be a non-empty string"),
    ("owners: 3\n" + step(REQUEST), "1: owners must be a list of strings"),
    (
        "variables: {1x: 2}\n" + step(REQUEST),
        "1: variable name '1x' must be a name (letters, digits, _)",
    ),
    ("variables: [a]\n" + step(REQUEST), "1: variables must be a mapping, not a list"),
    (
        "parametrize: {ids: [a]}\n" + step(REQUEST),
        "1: parametrize as a mapping needs 'rows:' (and optional 'ids:')",
    ),
    (
        "parametrize: {ids: a, rows: [{x: 1}]}\n" + step(REQUEST),
        "1: parametrize.ids must be a list",
    ),
    (
        "parametrize: {ids: [a, a], rows: [{x: 1}, {x: 2}]}\n" + step(REQUEST),
        "1: parametrize ids must be unique",
    ),
    (
        "parametrize: {idz: [a], rows: [{x: 1}]}\n" + step(REQUEST),
        "1: unknown key 'idz' in parametrize",
    ),
    ("steps: []\n", "1: steps must be a non-empty list of steps"),
    ("steps: [3]\n", "1: a step must be a mapping, not int 3"),
    ("steps:\n  - request: {method: GET, url: /a}\n", "2: a step needs a 'name:' (or an 'id:')"),
    (
        step(REQUEST + "\nuse: other.orbit.yaml"),
        "4: step 'a' has both 'request:' and 'use:': a step has a request, or uses another file",
    ),
    (
        step("skip_if: [1]\n" + REQUEST),
        "3: skip_if must be a template such as \"{{ env_name == 'prod' }}\"",
    ),
    (step("use: 3"), "3: use must be the path of another case file"),
    (step("request: {url: /a}"), "3: request needs 'method:'"),
    (step("request: {method: GET, url: 3}"), "3: url must be a string"),
    (
        step("request: {method: GET, url: /a, params: [a]}"),
        "3: request.params must be a mapping of names to values",
    ),
    (
        step("request: {method: GET, url: /a, timeout: -1}"),
        "3: timeout must be a positive number of seconds, not -1",
    ),
    (
        step("request: {method: GET, url: /a, allow_redirects: no-thanks}"),
        "3: allow_redirects must be true or false",
    ),
    (
        step("request: {method: GET, url: /a, auth: {basic: alice}}"),
        "3: auth.basic must be a list of two: [[]user, password[]]",
    ),
    (
        step("request: {method: POST, url: /a, files: [a.txt]}"),
        "3: files must map form field names to file paths",
    ),
    (
        step("request: {method: POST, url: /a, files: {doc: 3}}"),
        "3: a file is a path, or {path: P, content_type: T, filename: N}",
    ),
    (step(REQUEST + "\nexpect: 200"), "4: expect must be a mapping, not int 200"),
    (
        step(REQUEST + "\nexpect: {max_ms: fast}"),
        "4: max_ms must be a positive number of milliseconds, not 'fast'",
    ),
    (
        step(REQUEST + "\nexpect: {json: {$.a: {}}}"),
        "4: an empty matcher checks nothing; write {eq: {}} to compare with an empty object",
    ),
    (
        step(REQUEST + "\nexpect: {schema: 3}"),
        "4: schema is a JSON Schema mapping, or the path of a .json/.yaml file",
    ),
    (
        step(REQUEST + "\nexpect: {schema: nope.json}"),
        "4: schema file 'nope.json' does not exist (paths are relative to the case file)",
    ),
    (step(REQUEST + "\nexpect: {body: {regex: 3}}"), "4: regex takes a string pattern"),
    (step(REQUEST + "\nexpect: {json: {$.a: {one_of: a}}}"), "4: one_of takes a list of values"),
    (step(REQUEST + "\nexpect: {json: {$.a: {exists: 1}}}"), "4: exists takes true or false"),
    (
        step(REQUEST + "\nexpect: {json: {$.a: {len: -1}}}"),
        "4: len takes a whole number (or a matcher such as {ge: 1})",
    ),
    (step(REQUEST + "\nexpect: {json: {$.a: {len: {gtt: 1}}}}"), "4: unknown matcher 'gtt'"),
    (step(REQUEST + "\nexpect: {json: {$.a: {gt: [1]}}}"), "4: gt takes a number or a string"),
    (
        step(REQUEST + "\nexpect: {json: {$.a: {approx: x}}}"),
        "4: approx takes a number, or {value: N, rel: R, abs: A}",
    ),
    (
        step(REQUEST + "\nextract: {1a: $.a}"),
        "4: extract variable '1a' must be a name (letters, digits, _)",
    ),
    (
        step(REQUEST + "\nextract: {a: [1]}"),
        "4: extract takes a JSONPath, or one of {json: PATH}, {header: NAME}, {cookie: NAME},"
        " {regex: PATTERN}, {status: true}, each with an optional secret: true",
    ),
    (step(REQUEST + "\nextract: {a: {status: 1}}"), "4: extract {status: true} takes true"),
    (
        step(REQUEST + "\nextract: {a: {header: ''}}"),
        "4: extract {header: NAME} takes a header name",
    ),
    (
        step(REQUEST + "\nextract: {a: {regex: '('}}"),
        "4: invalid regular expression: missing ), unterminated subpattern at position 0",
    ),
    (
        step(REQUEST + "\nretry: {times: 0, until: {status: 200}}"),
        "4: retry.times must be a whole number of tries, 1 or more, not 0",
    ),
    (
        step(REQUEST + "\nretry: {delay: -1, until: {status: 200}}"),
        "4: retry.delay must be seconds, 0 or more, not -1",
    ),
    (step(REQUEST + "\nretry: {until: {stat: 200}}"), "4: unknown key 'stat' in expect"),
    (
        "steps:\n  - use: other.orbit.yaml\n    expect: {status: 200}\n",
        "3: a 'use:' step cannot have 'expect:' (put it on the used steps)",
    ),
]


@pytest.mark.parametrize(("text", "message"), MESSAGES, ids=[m for _, m in MESSAGES])
def test_every_case_file_mistake_has_its_own_message(orbit, text, message):
    orbit.case("bad.orbit.yaml", text)
    orbit.case("other.orbit.yaml", step(REQUEST))
    result = orbit.run("bad.orbit.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"bad.orbit.yaml:{message}"])
    orbit.assert_no_plugin_traceback(result)


def test_two_unnamed_groups_in_one_file_are_an_error(orbit):
    orbit.case("g.orbit.yaml", step(REQUEST) + "---\n" + step(REQUEST))
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["g.orbit.yaml:5: two groups in one file are named 'g' (the other is on line 1)"]
    )


def test_a_used_file_with_two_groups_is_an_error(orbit):
    orbit.case("two.orbit.yaml", "name: x\n" + step(REQUEST) + "---\nname: y\n" + step(REQUEST))
    orbit.case("g.orbit.yaml", "steps:\n  - use: two.orbit.yaml\n")
    result = orbit.run("g.orbit.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["g.orbit.yaml:2: use: two.orbit.yaml must hold exactly one group, it holds 2"]
    )


def test_a_case_file_that_is_not_utf8_is_an_error(orbit):
    orbit.config()
    (orbit.pytester.path / "bin.orbit.yaml").write_bytes(b"steps: \xff\xfe\n")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["bin.orbit.yaml:1: the file is not UTF-8 text (byte 0xff on line 1); case files are UTF-8"]
    )


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('skip_if: "false"', "skip_if must be a template such as"),
        ("expect: {status: []}", "status must be a status code or a non-empty list of them"),
        (
            "expect: {json: {$.a: {len: {}}}}",
            "len takes a whole number or a matcher such as {ge: 1}, not {}",
        ),
        ("expect: {json: {$.a: {gt: null}}}", "gt takes a number or a string"),
        (
            "expect: {json: {$.a: {approx: {value: 1, rel: x}}}}",
            "approx takes a number, or {value: N, rel: R, abs: A}",
        ),
        (
            "expect: {json: {$.a: {approx: {value: 1, tolerance: 2}}}}",
            "approx takes a number, or {value: N, rel: R, abs: A}",
        ),
        (
            "expect: {headers: {X-A: [1, 2]}}",
            "header X-A is one text value or a matcher, not a list",
        ),
        ("expect: {body: 5}", "body is the expected text, or a matcher such as {contains: ...}"),
    ],
)
def test_values_that_could_never_hold_are_refused_at_collection(pytester, snippet, message):
    pytester.makefile(
        ".orbit.yaml",
        bad=f"steps:\n  - name: one\n    request: {{method: GET, url: /x}}\n    {snippet}\n",
    )
    result = pytester.runpytest("--orbit-no-db", "-p", "no:randomly")
    result.stdout.fnmatch_lines([f"*{message}*"])
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_an_unknown_key_of_an_uploaded_file_is_refused(pytester):
    pytester.makefile(".txt", hello="hi")
    pytester.makefile(
        ".orbit.yaml",
        bad=(
            "steps:\n  - name: up\n    request:\n      method: POST\n      url: /x\n"
            "      files: {doc: {path: hello.txt, content-type: text/plain}}\n"
        ),
    )
    result = pytester.runpytest("--orbit-no-db", "-p", "no:randomly")
    result.stdout.fnmatch_lines(
        ["*unknown key 'content-type' in a file*", "*did you mean: content_type?*"]
    )
