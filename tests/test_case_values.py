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
        [
            "bad.orbit.yaml:2: a mapping cannot be a key here: YAML read this as a mapping "
            "whose key is another mapping",
            "  at: variables",
        ]
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
