"""``orbit import openapi`` and ``orbit coverage``: real descriptions, a real server, a store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_testorbit.cli import main
from pytest_testorbit.store import open_store, queries, schedule_models
from shop_api import install_petstore
from test_import_postman import ARGS, check_generated

_PRELOADED = (open_store, queries, schedule_models)  # before pytester's in-process runs
DATA = Path(__file__).parent / "importdata"
SPEC = DATA / "petstore-3.0.yaml"


def import_spec(spec: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["import", "openapi", str(spec), "-o", str(out)]) == 0
    return capsys.readouterr().out


def test_an_openapi_description_becomes_a_case_file_per_tag_that_runs_and_coverage_reads_the_run(
    pytester: pytest.Pytester, httpserver: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    install_petstore(httpserver)
    out = pytester.path
    summary = import_spec(SPEC, out, capsys)
    assert summary.splitlines()[0] == (
        f"Imported OpenAPI 3.0 description 'Petstore': 2 case file(s), 5 request(s) into {out}"
    )
    assert [p.name for p in check_generated(out)] == ["pet.orbit.yaml", "store.orbit.yaml"]
    project = yaml.safe_load((out / "orbit.yaml").read_text(encoding="utf-8"))
    assert project["environments"]["default"] == {
        "base_url": "http://localhost:8080/api/v3",
        "variables": {"api_key": ""},
        "secrets": ["api_key"],
    }
    project["environments"]["default"].update(
        base_url=httpserver.url_for("/api/v3"), variables={"api_key": "k-123"}
    )
    (out / "orbit.yaml").write_text(yaml.safe_dump(project), encoding="utf-8")
    db = f"sqlite:///{pytester.path / 'results.db'}"
    args = [a for a in ARGS if a != "--orbit-no-db"]
    result = pytester.runpytest_subprocess(*args, "--orbit-db", db)
    result.assert_outcomes(passed=5)
    capsys.readouterr()
    assert main(["coverage", "--openapi", str(SPEC), "--db", db, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {
        "operations": 5,
        "operations_covered": 5,
        "statuses": 9,
        "statuses_covered": 5,
    }
    get_pet = next(op for op in data["operations"] if op["operation_id"] == "getPet")
    assert get_pet == {
        "method": "GET",
        "path": "/pets/{petId}",
        "operation_id": "getPet",
        "covered": True,
        "requests": 1,
        "statuses": [
            {"status": "200", "covered": True, "requests": 1},
            {"status": "404", "covered": False, "requests": 0},
        ],
        "undocumented_statuses": [],
    }
    assert main(["coverage", "--openapi", str(SPEC), "--db", db]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[1] == "operations: 5 of 5 covered (100.0%); documented statuses: 5 of 9 (55.6%)"
    assert table[4].split() == ["GET", "/pets", "1", "200+", "default-"]
    assert table[6].split() == ["GET", "/pets/{petId}", "1", "200+", "404-"]

    page = pytester.path / "report.html"
    args = ["report", "--db", db, "--format", "html", "--openapi", str(SPEC), "-o", str(page)]
    assert main(args) == 0
    html = page.read_text(encoding="utf-8")
    assert '<h2 id="coverage">API coverage</h2>' in html
    assert "5 of 5 operations and 5 of 9 documented statuses of" in html
    assert '<code>DELETE</code> /pets/{petId} <span class="muted">deletePet</span>' in html
    assert "<code>204+</code> <code>404-</code>" in html


def test_the_steps_carry_parameters_bodies_auth_and_the_response_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_spec(SPEC, tmp_path, capsys)
    pet = yaml.safe_load((tmp_path / "pet.orbit.yaml").read_text(encoding="utf-8"))
    assert pet["variables"] == {"limit": 1, "petId": 7}
    steps = {step["name"]: step for step in pet["steps"]}
    assert steps["listPets"]["request"] == {
        "method": "GET",
        "url": "/pets",
        "params": {"limit": "{{ limit }}"},
    }
    assert steps["addPet"]["request"]["json"] == {"name": "Rex", "tag": "dog"}
    assert steps["deletePet"]["request"]["headers"] == {"X-API-Key": "{{ api_key }}"}
    assert steps["deletePet"]["expect"] == {"status": 204}
    schema = steps["getPet"]["expect"]["schema"]
    assert schema["allOf"][0]["properties"]["tag"] == {"type": ["string", "null"]}  # nullable
    store = yaml.safe_load((tmp_path / "store.orbit.yaml").read_text(encoding="utf-8"))
    assert store["steps"][0]["request"]["json"] == {
        "petId": 7,
        "quantity": 1,
        "shipDate": "2026-01-01T00:00:00Z",
        "status": "placed",
        "complete": False,
    }  # made from the schema; the read-only id left out


OPENAPI_31 = """
openapi: 3.1.0
info: {title: Notes, version: "2"}
servers: [{url: "https://{region}.example.com/v2", variables: {region: {default: eu}}}]
security: [{bearer: []}]
paths:
  /notes/{id}:
    get:
      operationId: getNote
      parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
      responses:
        "200":
          description: A note
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
components:
  securitySchemes: {bearer: {type: http, scheme: bearer}}
  schemas:
    Note:
      type: object
      properties:
        id: {type: string}
        text: {type: [string, "null"]}
        replies: {type: array, items: {$ref: "#/components/schemas/Note"}}
"""

SWAGGER_20 = {
    "swagger": "2.0",
    "info": {"title": "Legacy", "version": "1"},
    "host": "legacy.example.com",
    "basePath": "/api",
    "schemes": ["https"],
    "securityDefinitions": {"basic": {"type": "basic"}},
    "security": [{"basic": []}],
    "paths": {
        "/users": {
            "post": {
                "tags": ["users"],
                "consumes": ["application/json"],
                "parameters": [
                    {
                        "name": "body",
                        "in": "body",
                        "required": True,
                        "schema": {"$ref": "#/definitions/User"},
                    }
                ],
                "responses": {
                    "201": {"description": "made", "schema": {"$ref": "#/definitions/User"}}
                },
            }
        }
    },
    "definitions": {
        "User": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "x-nullable": True},
                "age": {"type": "integer", "minimum": 18},
            },
        }
    },
}


def test_openapi_31_with_server_variables_bearer_auth_and_a_recursive_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "notes.yaml"
    spec.write_text(OPENAPI_31, encoding="utf-8")
    import_spec(spec, tmp_path / "out", capsys)
    check_generated(tmp_path / "out")
    group = yaml.safe_load((tmp_path / "out" / "notes.orbit.yaml").read_text(encoding="utf-8"))
    step = group["steps"][0]
    assert step["request"] == {
        "method": "GET",
        "url": "/notes/{{ id }}",
        "auth": {"bearer": "{{ token }}"},
    }
    assert group["variables"] == {"id": "00000000-0000-4000-8000-000000000000"}
    replies = step["expect"]["schema"]["properties"]["replies"]
    assert replies == {"type": "array", "items": {}}  # the recursion cut at its second visit
    project = yaml.safe_load((tmp_path / "out" / "orbit.yaml").read_text(encoding="utf-8"))
    assert project["environments"]["default"]["base_url"] == "https://eu.example.com/v2"


def test_swagger_20_bodies_and_basic_auth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "legacy.json"
    spec.write_text(json.dumps(SWAGGER_20), encoding="utf-8")
    import_spec(spec, tmp_path / "out", capsys)
    check_generated(tmp_path / "out")
    group = yaml.safe_load((tmp_path / "out" / "users.orbit.yaml").read_text(encoding="utf-8"))
    step = group["steps"][0]
    assert step["request"] == {
        "method": "POST",
        "url": "/users",
        "auth": {"basic": ["{{ username }}", "{{ password }}"]},
        "json": {"name": "string", "age": 18},
    }
    assert step["expect"]["status"] == 201
    assert step["expect"]["schema"]["properties"]["name"] == {"type": ["string", "null"]}
    project = yaml.safe_load((tmp_path / "out" / "orbit.yaml").read_text(encoding="utf-8"))
    assert project["environments"]["default"]["base_url"] == "https://legacy.example.com/api"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "openapi: [",
            "line 1, column 11: not YAML: expected the node content, but found '<stream end>'",
        ),
        (
            "info: {}",
            "/: not an OpenAPI 3.0/3.1 or Swagger 2.0 description (no 'openapi: 3.x' or 'swagger: \"2.0\"' at the top)",
        ),
        ("openapi: 4.0.0", "/: OpenAPI 4.0.0 is not supported (3.0, 3.1 and Swagger 2.0 are)"),
        (
            "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n",
            "/paths/~1a/get/responses/200/$ref: #/components/responses/Nope points nowhere (no 'components')",
        ),
        (
            "openapi: 3.0.3\ninfo: {title: x}\npaths: {}\n",
            "/info: 'version' is a required property",
        ),
    ],
)
def test_a_bad_description_is_one_line_naming_the_file_and_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(text, encoding="utf-8")
    assert main(["import", "openapi", str(spec), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"orbit: error: {spec}: {message}\n"


def test_coverage_with_an_empty_store_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["coverage", "--openapi", str(SPEC), "--db", db]) == 2
    assert capsys.readouterr().err == "orbit: error: the store has no runs yet\n"


def test_reading_openapi_without_the_import_extra_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openapi_spec_validator", None)
    assert main(["import", "openapi", str(SPEC), "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "orbit: error: reading OpenAPI needs the import extra: "
        "pip install 'pytest-testorbit[import]'\n"
    )


def test_report_openapi_goes_with_html_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["report", "--db", db, "--openapi", str(SPEC)]) == 2
    assert capsys.readouterr().err == (
        "orbit: error: --openapi goes with --format html; for a table or JSON of the coverage, "
        "run orbit coverage --openapi SPEC\n"
    )


def test_coverage_matches_templates_ranges_and_default_and_lists_the_rest() -> None:
    from pytest_testorbit.coverage.match import coverage
    from pytest_testorbit.coverage.render import coverage_table
    from pytest_testorbit.openapi.spec import load_spec

    spec = load_spec(SPEC)
    base = "http://h/api/v3"
    found = coverage(
        spec,
        "run-1",
        [
            ("GET", f"{base}/pets?limit=1", 200),
            ("GET", f"{base}/pets", 500),  # falls under default
            ("GET", f"{base}/pets/7", 418),  # not documented
            ("GET", f"{base}/pets/7", None),
            ("GET", "http://h/other/pets", 200),  # outside the server's base path
            ("PATCH", f"{base}/pets/7", 200),
        ],
    )
    table = coverage_table(found).splitlines()
    assert table[0] == f"API coverage of {SPEC} by run run-1"
    assert table[1] == "operations: 2 of 5 covered (40.0%); documented statuses: 2 of 9 (22.2%)"
    assert table[4].split() == ["GET", "/pets", "2", "200+", "default+"]
    assert table[6].split() == ["GET", "/pets/{petId}", "2", "200-", "404-", "418?"]
    assert table[-3:] == [
        "Requests that match no operation (2):",
        "  GET http://h/other/pets -> 200",
        "  PATCH http://h/api/v3/pets/7 -> 200",
    ]


def test_coverage_of_an_unknown_run_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["coverage", "--openapi", str(SPEC), "--db", db, "--run", "nope"]) == 2
    assert capsys.readouterr().err == "orbit: error: no run 'nope' in the store\n"
