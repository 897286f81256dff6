"""Values that YAML or the format would let through to run time are collection errors instead.

An unquoted template, a JSON Schema that is not one, a value of the wrong type: each is one
collection error naming file:line, the key path and the fix, before any request is sent.
"""

from __future__ import annotations

import pytest

STEP = "steps:\n  - name: s\n    request: {method: POST, url: /x}\n"

UNQUOTED = {
    "request json": (
        "steps:\n  - name: s\n    request:\n      method: POST\n      url: /x\n"
        "      json: {qty: {{ qty }}}\n",
        6,
        "steps[[]0[]].request.json.qty",
        'qty: "{{ qty }}"',
    ),
    "request params": (
        "steps:\n  - name: s\n    request:\n      method: GET\n      url: /x\n"
        "      params:\n        page: {{ page }}\n",
        7,
        "steps[[]0[]].request.params.page",
        'page: "{{ page }}"',
    ),
    "request headers": (
        "steps:\n  - name: s\n    request:\n      method: GET\n      url: /x\n"
        "      headers: {X-Id: {{ id }}}\n",
        6,
        "steps[[]0[]].request.headers.X-Id",
        'X-Id: "{{ id }}"',
    ),
    "expect json value": (
        "steps:\n  - name: s\n    request: {method: GET, url: /x}\n"
        "    expect:\n      json:\n        $.qty: {{ qty }}\n",
        6,
        "steps[[]0[]].expect.json.$.qty",
        '$.qty: "{{ qty }}"',
    ),
    "group variables": (
        "variables:\n  qty: {{ n }}\n" + STEP,
        2,
        "variables.qty",
        'qty: "{{ n }}"',
    ),
    "parametrize row": (
        "parametrize:\n  - {qty: {{ n | int }}}\n" + STEP,
        2,
        "parametrize[[]0[]].qty",
        'qty: "{{ n | int }}"',
    ),
    "a list item": (
        "variables:\n  ids:\n    - {{ first }}\n" + STEP,
        3,
        "variables.ids[[]0[]]",
        '- "{{ first }}"',
    ),
    "use with": (
        "steps:\n  - use: login.orbit.yaml\n    with:\n      user: {{ name }}\n",
        4,
        "steps[[]0[]].with.user",
        'user: "{{ name }}"',
    ),
}


@pytest.mark.parametrize("place", list(UNQUOTED))
def test_an_unquoted_template_is_a_collection_error_that_says_to_quote_it(orbit, place):
    text, line, breadcrumb, fix = UNQUOTED[place]
    orbit.case("login.orbit.yaml", STEP)
    orbit.case("bad.orbit.yaml", text)
    result = orbit.run("bad.orbit.yaml")
    result.assert_outcomes(errors=1)
    source = fix.split(": ", 1)[1].strip('"') if ": " in fix else fix[3:-1]
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting bad.orbit.yaml*",
            f"bad.orbit.yaml:{line}: an unquoted template: YAML read {source} as a mapping "
            f"with a mapping as its key, not as text; quote the template: {fix}",
            f"  at: {breadcrumb}",
            "  here: *{{ *",
        ]
    )
    orbit.assert_no_plugin_traceback(result)
    assert "unhashable" not in orbit.text(result)
    assert orbit.paths == []


@pytest.mark.parametrize("where", ["variables", "headers"])
def test_an_unquoted_template_in_orbit_yaml_is_an_error_at_its_line(orbit, where):
    orbit.config(
        f"""
        project: p
        environments:
          local:
            base_url: BASE_URL
            {where}:
              token: {{{{ env.TOKEN }}}}
        """
    )
    orbit.case("a.orbit.yaml", STEP)
    result = orbit.run()
    text = orbit.text(result)
    assert (
        "orbit.yaml:7: an unquoted template: YAML read {{ env.TOKEN }} as a mapping with a "
        'mapping as its key, not as text; quote the template: token: "{{ env.TOKEN }}"'
    ) in text
    assert f"  at: environments.local.{where}.token" in text
    assert "unhashable" not in text
    assert "Traceback" not in text


def test_a_template_with_double_quotes_is_shown_single_quoted(orbit):
    orbit.case("bad.orbit.yaml", 'variables:\n  a: {{ "x" ~ y }}\n' + STEP)
    result = orbit.run()
    result.stdout.fnmatch_lines(["*quote the template: a: '{{ \"x\" ~ y }}'"])


def test_a_mapping_used_as_a_key_is_named_as_such(orbit):
    orbit.case("bad.orbit.yaml", "variables:\n  ? {a: 1}\n  : b\n" + STEP)
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["bad.orbit.yaml:2: *a key must be a plain value (a name, a number), not a mapping"]
    )


def test_a_syntax_error_after_an_unquoted_template_says_to_quote_it(orbit):
    orbit.case(
        "bad.orbit.yaml",
        "steps:\n  - name: s\n    request:\n      method: GET\n      url: {{ base }}/orders\n",
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            'bad.orbit.yaml:5: YAML syntax error: *; quote the template: url: "{{ base }}/orders"',
            "  here: url: {{ base }}/orders",
        ]
    )


def test_an_invalid_inline_schema_is_a_collection_error_at_its_line(orbit):
    orbit.case(
        "bad.orbit.yaml",
        """
        steps:
          - name: s
            request: {method: GET, url: /x}
            expect:
              schema:
                type: object
                properties:
                  id: {type: strin}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "bad.orbit.yaml:9: expect.schema is not a valid JSON Schema: 'strin' is not one of "
            "['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']",
            "  at: steps[[]0[]].expect.schema.properties.id.type",
            "  here: id: {type: strin}",
        ]
    )
    orbit.assert_no_plugin_traceback(result)
    assert orbit.paths == []


def test_a_schema_whose_type_is_a_number_is_refused(orbit):
    orbit.case("bad.orbit.yaml", STEP + "    expect: {schema: {type: 12}}\n")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["bad.orbit.yaml:4: expect.schema is not a valid JSON Schema: 12 is not one of *"]
    )


def test_an_unknown_schema_draft_is_refused(orbit):
    orbit.case(
        "bad.orbit.yaml", STEP + "    expect: {schema: {$schema: 'http://x/s', type: object}}\n"
    )
    result = orbit.run()
    result.stdout.fnmatch_lines(
        [
            "bad.orbit.yaml:4: expect.schema is not a valid JSON Schema: unknown $schema "
            "'http://x/s'; use one of https://json-schema.org/draft/2020-12/schema, *",
            "  at: steps[[]0[]].expect.schema.$schema",
        ]
    )


def test_an_invalid_schema_file_is_a_collection_error_naming_its_line(orbit):
    orbit.write(
        "schemas/order.json",
        '{\n  "type": "object",\n  "required": "id"\n}\n',
    )
    orbit.case("bad.orbit.yaml", STEP + "    expect: {schema: schemas/order.json}\n")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "bad.orbit.yaml:4: schema file 'schemas/order.json' is not a valid JSON Schema: "
            "'id' is not of type 'array' (schemas/order.json:3 at required)",
            "  at: steps[[]0[]].expect.schema",
        ]
    )
    orbit.assert_no_plugin_traceback(result)


def test_a_schema_reference_to_a_missing_file_is_refused_at_collection(orbit):
    # A file of the project may be referred to (test_hostile_input); one that is not there
    # is an error before any request, never a fetch or a traceback on the first response.
    orbit.case("bad.orbit.yaml", STEP + "    expect: {schema: {$ref: 'other.json'}}\n")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["bad.orbit.yaml:4: schema: $ref 'other.json': */other.json does not exist"]
    )
    orbit.assert_no_plugin_traceback(result)


def test_a_schema_with_references_inside_itself_is_used(orbit):
    orbit.httpserver.expect_request("/x").respond_with_json({"id": "a"})
    orbit.case(
        "ok.orbit.yaml",
        """
        steps:
          - name: s
            request: {method: POST, url: /x}
            expect:
              schema:
                $defs: {id: {type: integer}}
                properties: {id: {$ref: "#/$defs/id"}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  ✗ schema at $.id: 'type' failed: 'a' is not of type 'integer', got 'a'"]
    )


# Each value reached run time unchecked before: a traceback, or a failure on every run.
NEVER_VALID = {
    "a dangling schema reference": (
        "expect: {schema: {items: {$ref: '#/$defs/item'}}}",
        "4: expect.schema is not a valid JSON Schema: $ref '#/$defs/item' points at nothing "
        "in this schema",
    ),
    "a schema pattern that is no regex": (
        "expect: {schema: {properties: {a: {pattern: '('}}}}",
        "4: expect.schema is not a valid JSON Schema: '(' is not a 'regex'",
    ),
    "a list as a type matcher": (
        "expect: {json: {$.a: {type: [string]}}}",
        "4: type takes one type name (string, number, integer, boolean, array, object, null), not a list",
    ),
    "one_of an empty list": (
        "expect: {json: {$.a: {one_of: []}}}",
        "4: one_of [] never holds: list the values a result may have",
    ),
    "a number as form data": (
        "    data: 12",
        "6: request.data is a mapping of form fields or a text body, not int 12; "
        "send JSON with json:",
    ),
    "a list as form data": (
        "    data: [1, 2]",
        "6: request.data is a mapping of form fields or a text body, not a list; "
        "send JSON with json:",
    ),
    "an extraction pattern with braces that is no regex": (
        "extract: {x: {regex: 'id={{ (\\d+'}}",
        "4: invalid regular expression: missing ), unterminated subpattern at position 6",
    ),
    "a mapping as a query parameter": (
        "    params: {page: {n: 1}}",
        "6: query parameter page is a value or a list of values, not a mapping",
    ),
    "a list as a cookie": (
        "    cookies: {sid: [1]}",
        "6: cookie sid is one text value, not a list",
    ),
    "a mapping as a bearer token": (
        "    auth: {bearer: {a: 1}}",
        "6: auth.bearer takes text (or templates), not a mapping",
    ),
    "a mapping as a basic-auth user": (
        "    auth: {basic: [{a: 1}, pw]}",
        "6: auth.basic takes two texts: [user, password]",
    ),
    "a number as an upload's filename": (
        "    files: {f: {path: up.txt, filename: 12}}",
        "6: a file's filename is text, not int 12",
    ),
}


@pytest.mark.parametrize("case", list(NEVER_VALID))
def test_a_value_that_could_only_fail_at_run_time_is_refused_at_collection(orbit, case):
    snippet, message = NEVER_VALID[case]
    orbit.write("up.txt", "x")
    if snippet.startswith("    "):  # a request key
        text = (
            f"steps:\n  - name: s\n    request:\n      method: POST\n      url: /x\n  {snippet}\n"
        )
    else:
        text = STEP + f"    {snippet}\n"
    orbit.case("bad.orbit.yaml", text)
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"bad.orbit.yaml:{message}".replace("[", "[[]")])
    orbit.assert_no_plugin_traceback(result)
    assert orbit.paths == []


# A whole-value template is known only at run time: a wrong value there fails the step with
# one line, never a traceback.
RENDERED_WRONG = {
    "headers": (
        'request: {method: GET, url: /x, headers: "{{ word }}"}',
        "  ✗ template: request.headers must be a mapping of names to values; "
        "its template gave str 'abc'",
    ),
    "params": (
        'request: {method: GET, url: /x, params: "{{ word }}"}',
        "  ✗ template: request.params must be a mapping of names to values; "
        "its template gave str 'abc'",
    ),
    "cookies": (
        'request: {method: GET, url: /x, cookies: "{{ word }}"}',
        "  ✗ template: request.cookies must be a mapping of names to values; "
        "its template gave str 'abc'",
    ),
    "a regex": (
        'request: {method: GET, url: /x}\n    expect: {json: {$.a: {regex: "{{ word }}("}}}',
        "  ✗ $.a: invalid regular expression: missing ), unterminated subpattern at position 3 "
        "(the template gave 'abc('), got 'abc'",
    ),
    "a type": (
        'request: {method: GET, url: /x}\n    expect: {json: {$.a: {type: "{{ word }}"}}}',
        "  ✗ $.a: unknown type 'abc' (the template gave 'abc'), got 'abc'",
    ),
}


@pytest.mark.parametrize("case", list(RENDERED_WRONG))
def test_a_template_that_gives_a_wrong_value_fails_the_step_in_one_line(orbit, case):
    snippet, line = RENDERED_WRONG[case]
    orbit.httpserver.expect_request("/x").respond_with_json({"a": "abc"})
    orbit.case("t.orbit.yaml", f"variables: {{word: abc}}\nsteps:\n  - name: s\n    {snippet}\n")
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([line.replace("[", "[[]")])
    orbit.assert_no_plugin_traceback(result)


def test_a_mapping_as_a_group_title_is_refused(orbit):
    orbit.case("bad.orbit.yaml", "title: {a: 1}\n" + STEP)
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["bad.orbit.yaml:1: title is text, not a mapping", "  at: title"])
