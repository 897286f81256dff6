"""Hostile input: case files, orbit.yaml and responses never reach outside the suite or hang.

Each test is one case of issue 14: what a case file from a pull request, or a response from a
compromised API, tried to make the runner do, and the collection error or step failure that
stops it. Every file path is confined to the project (orbit.yaml's folder), after symlinks.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

OUTSIDE_RULE = "*is outside the project: paths must stay inside the project folder*"


@pytest.fixture
def outside(orbit: Any) -> Any:
    """A secret file beside the project folder, not in it."""
    path = orbit.pytester.path.parent / f"{orbit.pytester.path.name}-secret.txt"
    path.write_text("the runner's secret", encoding="utf-8")
    yield path
    path.unlink()


def upload_case(orbit: Any, path: str) -> None:
    orbit.case(
        "up.orbit.yaml",
        f"""\
        steps:
          - name: upload
            request:
              method: POST
              url: /upload
              files:
                doc: {path}
        """,
    )


# -- reaching outside: files, schema, use ----------------------------------------------------


def test_an_upload_of_an_absolute_path_outside_the_project_is_a_collection_error(orbit, outside):
    upload_case(orbit, str(outside))
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"up.orbit.yaml:7: file '{outside}'{OUTSIDE_RULE}"])
    orbit.assert_no_plugin_traceback(result)
    assert orbit.paths == []


def test_an_upload_that_climbs_out_with_dots_is_a_collection_error(orbit, outside):
    upload_case(orbit, f"../{outside.name}")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"up.orbit.yaml:7: file '../{outside.name}' ({outside}){OUTSIDE_RULE}"]
    )
    assert orbit.paths == []


def test_an_upload_through_a_symlink_that_points_outside_is_a_collection_error(orbit, outside):
    (orbit.pytester.path / "link.txt").symlink_to(outside)
    upload_case(orbit, "link.txt")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"up.orbit.yaml:7: file 'link.txt' ({outside}){OUTSIDE_RULE}"])
    assert orbit.paths == []


def test_an_upload_path_taken_from_a_response_cannot_leave_the_project(orbit, outside):
    orbit.httpserver.expect_request("/where").respond_with_json({"path": str(outside)})
    orbit.httpserver.expect_request("/upload").respond_with_data("got it")
    orbit.case(
        "up.orbit.yaml",
        """\
        steps:
          - name: ask
            request: {method: GET, url: /where}
            extract: {upload_path: $.path}
          - name: upload
            request: {method: POST, url: /upload, files: {doc: "{{ upload_path }}"}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [f"  ✗ request failed: refused to upload file '{outside}'{OUTSIDE_RULE}"]
    )
    orbit.assert_no_plugin_traceback(result)
    assert orbit.paths == ["/where"]  # nothing was uploaded


def test_a_folder_listed_in_trusted_paths_may_be_uploaded_from(orbit, outside):
    orbit.httpserver.expect_request("/upload").respond_with_data("got it")
    orbit.config(
        f"""\
        default_env: local
        trusted_paths: [{outside.parent}]
        environments:
          local: {{base_url: BASE_URL}}
        """
    )
    upload_case(orbit, str(outside))
    orbit.run().assert_outcomes(passed=1)
    request = orbit.requests[0]
    try:
        assert request.files["doc"].read() == b"the runner's secret"
    finally:
        request.close()


def test_a_trusted_path_that_is_not_a_folder_is_an_error_naming_orbit_yaml(orbit):
    orbit.config(
        """\
        trusted_paths: [nowhere]
        environments:
          local: {base_url: BASE_URL}
        """
    )
    orbit.case("a.orbit.yaml", "steps: [{name: a, request: {method: GET, url: /}}]\n")
    result = orbit.run()
    result.stderr.fnmatch_lines(
        [
            "*orbit.yaml:1: trusted_paths: 'nowhere' is not a folder "
            "(paths are relative to orbit.yaml)"
        ]
    )


def test_a_schema_file_outside_the_project_is_a_collection_error(orbit, outside):
    orbit.case(
        "s.orbit.yaml",
        f"""\
        steps:
          - name: get
            request: {{method: GET, url: /}}
            expect: {{schema: ../{outside.name}}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"s.orbit.yaml:4: schema file '../{outside.name}'*{OUTSIDE_RULE}"])


def test_an_openapi_description_outside_the_project_is_a_collection_error(orbit, outside):
    orbit.case(
        "s.orbit.yaml",
        f"""\
        steps:
          - name: get
            request: {{method: GET, url: /}}
            expect: {{openapi: ../{outside.name}}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"s.orbit.yaml:4: OpenAPI description '../{outside.name}'*{OUTSIDE_RULE}"]
    )


def test_use_of_a_file_outside_the_project_is_an_error_naming_the_use_line(orbit):
    shared = orbit.pytester.path.parent / f"{orbit.pytester.path.name}-login.orbit.yaml"
    shared.write_text("steps: [{name: a, request: {method: GET, url: /}}]\n", encoding="utf-8")
    try:
        orbit.case("g.orbit.yaml", f"steps:\n  - use: ../{shared.name}\n")
        result = orbit.run()
    finally:
        shared.unlink()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"g.orbit.yaml:2: use: '../{shared.name}'*{OUTSIDE_RULE}"])


def test_use_of_a_file_that_is_not_utf8_is_an_error_naming_the_use_line(orbit):
    orbit.case("g.orbit.yaml", "steps:\n  - use: bin.orbit.yaml\n")
    (orbit.pytester.path / "bin.orbit.yaml").write_bytes(b"steps:\n  - name: \xff\n")
    result = orbit.run("g.orbit.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "g.orbit.yaml:2: use: bin.orbit.yaml:2: the file is not UTF-8 text "
            "(byte 0xff on line 2); case files are UTF-8"
        ]
    )


# -- $ref in JSON Schemas ----------------------------------------------------------------------


def test_a_remote_ref_in_a_schema_is_refused_at_collection(orbit):
    orbit.case(
        "s.orbit.yaml",
        """\
        steps:
          - name: get
            request: {method: GET, url: /item}
            expect:
              schema: {$ref: "https://schemas.example.com/item.json"}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "s.orbit.yaml:5: schema: $ref 'https://schemas.example.com/item.json' is remote: "
            "a schema may refer only to itself and to files of the project*"
        ]
    )
    assert orbit.paths == []


def test_a_remote_ref_inside_a_referenced_schema_file_is_refused_at_collection(orbit):
    orbit.write("schemas/item.json", json.dumps({"$ref": "http://127.0.0.1:1/evil.json"}))
    orbit.case(
        "s.orbit.yaml",
        """\
        steps:
          - name: get
            request: {method: GET, url: /item}
            expect: {schema: {$ref: "schemas/item.json"}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["s.orbit.yaml:4: schema: $ref 'http://127.0.0.1:1/evil.json' is remote*"]
    )


def test_a_ref_to_a_local_schema_file_is_resolved_without_any_fetch(orbit):
    orbit.write(
        "schemas/defs.json",
        json.dumps({"definitions": {"id": {"type": "integer"}}}),
    )
    orbit.write(
        "schemas/item.json",
        json.dumps(
            {
                "type": "object",
                "properties": {"id": {"$ref": "defs.json#/definitions/id"}},
                "required": ["id"],
            }
        ),
    )
    orbit.httpserver.expect_request("/good").respond_with_json({"id": 1})
    orbit.httpserver.expect_request("/bad").respond_with_json({"id": "x"})
    orbit.case(
        "s.orbit.yaml",
        """\
        on_failure: continue
        steps:
          - name: good
            request: {method: GET, url: /good}
            expect: {schema: schemas/item.json}
          - name: bad
            request: {method: GET, url: /bad}
            expect: {schema: schemas/item.json}
        """,
    )
    result = orbit.run("-W", "error")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*schema (schemas/item.json) at $.id*'type' failed*"])
    orbit.assert_no_plugin_traceback(result)


def test_a_ref_to_a_schema_file_outside_the_project_is_refused(orbit, outside):
    orbit.case(
        "s.orbit.yaml",
        f"""\
        steps:
          - name: get
            request: {{method: GET, url: /item}}
            expect: {{schema: {{$ref: "../{outside.name}"}}}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"s.orbit.yaml:4: schema: $ref '../{outside.name}'*{OUTSIDE_RULE}"]
    )


# -- hanging or exhausting the run -------------------------------------------------------------

BOMB = "\n".join(
    [
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(
            f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def test_an_alias_bomb_in_variables_is_refused_naming_its_line(orbit):
    body = "\n".join("  " + line for line in BOMB.splitlines())
    orbit.case(
        "bomb.orbit.yaml",
        f"variables:\n{body}\nsteps: [{{name: a, request: {{method: GET, url: /}}}}]\n",
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "bomb.orbit.yaml:6: YAML syntax error: aliases here repeat more than 10000 values "
            "in all (an alias bomb?); write the values out, or use fewer aliases"
        ]
    )


def test_an_alias_bomb_in_a_json_body_is_refused_naming_its_line(orbit):
    body = "\n".join("        " + line for line in BOMB.splitlines())
    orbit.case(
        "bomb.orbit.yaml",
        "steps:\n  - name: a\n    request:\n      method: POST\n      url: /\n"
        f"      json:\n{body}\n",
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["bomb.orbit.yaml:11: YAML syntax error: aliases here repeat*"])


def test_a_few_aliases_and_merge_keys_still_work(orbit):
    orbit.httpserver.expect_request("/a", json={"x": 1, "y": 2}).respond_with_data("ok")
    orbit.case(
        "a.orbit.yaml",
        """\
        variables:
          base: &base {x: 1}
        steps:
          - name: a
            request: {method: POST, url: /a, json: {<<: *base, y: 2}}
        """,
    )
    orbit.run().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("retry", "message"),
    [
        ("{times: 1000000000}", "retry.times must be at most 1000 tries, not 1000000000"),
        ("{delay: 1.0e+9}", "retry.delay must be at most 300 seconds, not 1000000000.0"),
        ("{delay: .nan}", "retry.delay must be seconds, 0 or more, not nan"),
    ],
)
def test_retry_beyond_its_limits_is_a_collection_error_giving_the_limit(orbit, retry, message):
    orbit.case(
        "r.orbit.yaml",
        f"""\
        steps:
          - name: a
            request: {{method: GET, url: /}}
            retry: {retry[:-1]}, until: {{status: 200}}}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"r.orbit.yaml:4: {message}"])
    assert orbit.paths == []


@pytest.mark.parametrize(
    ("timeout", "message"),
    [
        (".inf", "timeout must be at most 3600 seconds, not inf"),
        (".nan", "timeout must be a positive number of seconds, not nan"),
        ("86400", "timeout must be at most 3600 seconds, not 86400"),
    ],
)
def test_a_request_timeout_that_is_not_finite_is_a_collection_error(orbit, timeout, message):
    orbit.case(
        "t.orbit.yaml",
        f"steps:\n  - name: a\n    request: {{method: GET, url: /, timeout: {timeout}}}\n",
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"t.orbit.yaml:3: {message}"])
    orbit.assert_no_plugin_traceback(result)


def test_an_environment_timeout_that_is_infinite_is_an_error_naming_orbit_yaml(orbit):
    orbit.config(
        """\
        environments:
          local: {base_url: BASE_URL, timeout: .inf}
        """
    )
    orbit.case("a.orbit.yaml", "steps: [{name: a, request: {method: GET, url: /}}]\n")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*orbit.yaml:2: timeout must be at most 3600 seconds, not inf"])


# -- malformed values: each a clear error naming file:line -------------------------------------


def test_a_nul_byte_in_a_case_file_is_an_error_naming_its_line(orbit):
    orbit.config()
    (orbit.pytester.path / "nul.orbit.yaml").write_bytes(b"steps:\n  - name: a\x00\n")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["nul.orbit.yaml:2: the file holds a NUL byte on line 2: it is binary, not YAML text"]
    )


def test_a_complex_key_is_an_error_naming_its_line(orbit):
    orbit.case(
        "k.orbit.yaml",
        "variables:\n  ? [a, b]\n  : 1\nsteps: [{name: a, request: {method: GET, url: /}}]\n",
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "k.orbit.yaml:2: YAML syntax error: a key must be a plain value (a name, a number), not a list"
        ]
    )
    orbit.assert_no_plugin_traceback(result)


def test_a_mapping_as_a_key_is_an_error_naming_its_line(orbit):
    orbit.case(
        "k.orbit.yaml",
        "steps:\n  - name: a\n    request: {method: GET, url: /}\n    {x: 1}: 2\n",
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["k.orbit.yaml:4: *a key must be a plain value*not a mapping"])


def test_a_header_value_that_is_a_mapping_is_an_error_naming_its_line(orbit):
    orbit.case(
        "h.orbit.yaml",
        """\
        steps:
          - name: a
            request:
              method: GET
              url: /
              headers:
                X-Nested: {a: 1}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["h.orbit.yaml:7: header X-Nested must be one text value, not a mapping"]
    )
    assert orbit.paths == []


def test_an_environment_header_that_is_a_mapping_is_an_error_naming_orbit_yaml(orbit):
    orbit.config(
        """\
        environments:
          local:
            base_url: BASE_URL
            headers:
              X-Nested: {a: 1}
        """
    )
    orbit.case("a.orbit.yaml", "steps: [{name: a, request: {method: GET, url: /}}]\n")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*orbit.yaml:5: header X-Nested must be one text value, not a mapping"]
    )


def test_a_database_that_is_a_number_is_an_error_naming_orbit_yaml(orbit):
    orbit.config(
        """\
        database: 5432
        environments:
          local: {base_url: BASE_URL}
        """
    )
    orbit.case("a.orbit.yaml", "steps: [{name: a, request: {method: GET, url: /}}]\n")
    result = orbit.pytester.runpytest("-p", "no:randomly")
    result.stderr.fnmatch_lines(
        [
            "*orbit.yaml:1: database must be a URL string such as sqlite:///.orbit/results.db, "
            "not int 5432"
        ]
    )
    assert "Traceback" not in orbit.text(result)


def test_a_ca_bundle_that_does_not_exist_is_an_error_naming_orbit_yaml(orbit):
    orbit.config(
        """\
        environments:
          local: {base_url: BASE_URL, verify: certs/missing.pem}
        """
    )
    orbit.case("a.orbit.yaml", "steps: [{name: a, request: {method: GET, url: /}}]\n")
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*orbit.yaml:2: verify: CA bundle 'certs/missing.pem' does not exist "
            "(paths are relative to orbit.yaml)"
        ]
    )
    assert orbit.paths == []


def test_a_request_ca_bundle_that_does_not_exist_is_a_collection_error(orbit):
    orbit.case(
        "v.orbit.yaml",
        "steps:\n  - name: a\n    request: {method: GET, url: /, verify: ca.pem}\n",
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "v.orbit.yaml:3: verify: CA bundle 'ca.pem' does not exist "
            "(paths are relative to the case file)"
        ]
    )


def test_the_secret_file_is_never_read_when_refused(orbit, outside):
    os.chmod(outside, 0o000)  # even unreadable: the refusal comes before any open
    try:
        upload_case(orbit, str(outside))
        result = orbit.run()
    finally:
        os.chmod(outside, 0o600)
    result.stdout.fnmatch_lines([f"*{OUTSIDE_RULE}"])


def test_a_relative_ref_under_a_remote_id_is_refused_at_collection(orbit):
    orbit.write("schemas/defs.json", json.dumps({"type": "integer"}))
    orbit.write(
        "schemas/item.json",
        json.dumps({"$id": "https://schemas.example.com/item.json", "$ref": "defs.json"}),
    )
    orbit.case(
        "s.orbit.yaml",
        "steps:\n  - name: get\n    request: {method: GET, url: /}\n"
        "    expect: {schema: schemas/item.json}\n",
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "s.orbit.yaml:4: schema: $ref 'defs.json' is relative to the schema's $id "
            "'https://schemas.example.com/item.json', which makes it remote*"
        ]
    )


def test_the_runner_refuses_a_remote_ref_it_is_given_without_fetching_it(httpserver):
    # Defence in depth under the loader's check: the registry has no source but local files.
    from referencing.exceptions import Unresolvable

    from pytest_testorbit.runner.schemas import validator_for

    schema = {"properties": {"a": {"$ref": httpserver.url_for("/evil.json")}}}
    validator = validator_for(schema, "file:///suite/c.orbit.yaml", ["/suite"])
    with pytest.raises(Unresolvable, match=r"evil\.json"):
        list(validator.iter_errors({"a": 1}))
    assert httpserver.log == []  # nothing was fetched


def test_an_orbit_yaml_that_is_not_utf8_is_an_error_naming_its_line(orbit):
    orbit.write("a.orbit.yaml", "steps: [{name: a, request: {method: GET, url: /}}]\n")
    (orbit.pytester.path / "orbit.yaml").write_bytes(b"project: x\ndefault_env: \xff\n")
    result = orbit.run()
    result.stderr.fnmatch_lines(["*orbit.yaml:2: the file is not UTF-8 text (byte 0xff on line 2)"])
    assert "Traceback" not in orbit.text(result)


def test_a_nul_byte_in_orbit_yaml_is_an_error_naming_its_line(orbit):
    orbit.write("a.orbit.yaml", "steps: [{name: a, request: {method: GET, url: /}}]\n")
    (orbit.pytester.path / "orbit.yaml").write_bytes(b"project: x\n\x00\n")
    result = orbit.run()
    result.stderr.fnmatch_lines(
        ["*orbit.yaml:2: the file holds a NUL byte on line 2: it is binary, not YAML text"]
    )


def test_yaml_nested_hundreds_of_levels_deep_is_an_error_not_a_traceback(orbit):
    orbit.case(
        "deep.orbit.yaml",
        "steps: [{name: a, request: {method: POST, url: /, json: "
        + "[" * 900
        + "]" * 900
        + "}}]\n",
    )
    result = orbit.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "deep.orbit.yaml:1: the YAML nests too deeply to read (hundreds of levels of lists "
            "or mappings inside each other)"
        ]
    )
    orbit.assert_no_plugin_traceback(result)
