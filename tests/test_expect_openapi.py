"""``expect: {openapi: SPEC}``: a response is checked against the description's operation."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "importdata"
CASE = """
name: pets
steps:
  - name: get pet
    request: {method: GET, url: /api/v3/pets/7}
    expect: {status: [200, 404, 500], openapi: ../petstore.yaml}
"""


@pytest.fixture
def pets(orbit: Any) -> Any:
    shutil.copy(DATA / "petstore-3.0.yaml", orbit.pytester.path / "petstore.yaml")
    return orbit


def test_a_response_that_matches_its_operation_and_status_passes(pets: Any) -> None:
    pets.httpserver.expect_request("/api/v3/pets/7").respond_with_json({"id": 7, "name": "Rex"})
    pets.case("cases/pets.orbit.yaml", CASE)
    pets.run().assert_outcomes(passed=1)


def test_a_body_that_breaks_the_documented_schema_fails_naming_the_operation_and_path(
    pets: Any,
) -> None:
    pets.httpserver.expect_request("/api/v3/pets/7").respond_with_json({"id": "seven"})
    pets.case("cases/pets.orbit.yaml", CASE)
    result = pets.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  ✗ openapi (../petstore.yaml) GET /pets/{petId} 200 at $: 'required' failed: "
            "'name' is a required property*",
            "  ✗ openapi (../petstore.yaml) GET /pets/{petId} 200 at $.id: 'type' failed: "
            "'seven' is not of type 'integer'*",
        ]
    )


def test_a_status_the_operation_does_not_document_fails(pets: Any) -> None:
    pets.httpserver.expect_request("/api/v3/pets/7").respond_with_json({}, status=500)
    pets.case("cases/pets.orbit.yaml", CASE)
    result = pets.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  ✗ openapi (../petstore.yaml) status: expected a status GET /pets/{petId} documents: 200, 404, got 500"
        ]
    )


def test_a_request_for_no_operation_of_the_description_fails(pets: Any) -> None:
    pets.httpserver.expect_request("/api/v3/owners/1").respond_with_json({})
    pets.case("cases/pets.orbit.yaml", CASE.replace("/api/v3/pets/7", "/api/v3/owners/1"))
    result = pets.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  ✗ openapi (../petstore.yaml): expected an operation of the description, got GET http*/api/v3/owners/1"
        ]
    )


def test_a_missing_or_broken_description_is_a_collection_error(pets: Any) -> None:
    pets.case("cases/pets.orbit.yaml", CASE.replace("../petstore.yaml", "nope.yaml"))
    result = pets.run()
    result.stdout.fnmatch_lines(
        [
            "*cases/pets.orbit.yaml:6: OpenAPI description 'nope.yaml' does not exist (paths are relative to the case file)",
            "  at: steps[0].expect.openapi",
        ]
    )
    pets.write("cases/nope.yaml", "openapi: 3.0.3\ninfo: {title: x}\npaths: {}\n")
    result = pets.run()
    result.stdout.fnmatch_lines(
        [
            "*cases/pets.orbit.yaml:6: cannot use 'nope.yaml': */cases/nope.yaml: /info: 'version' is a required property"
        ]
    )
    pets.assert_no_plugin_traceback(result)
