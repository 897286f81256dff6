"""``orbit import postman``: a real v2.1 collection becomes case files that load and run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from pytest_testorbit.cases.loader import CaseLoader
from pytest_testorbit.cases.schemagen import schema as load_schema
from pytest_testorbit.cli import main
from pytest_testorbit.expr.templating import Templates
from shop_api import install_shop

DATA = Path(__file__).parent / "importdata"
ARGS = ("--orbit-no-db", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:logging")


def check_generated(folder: Path) -> list[Path]:
    """Every case file in ``folder`` passes the loader and the published JSON Schema."""
    validator = jsonschema.Draft7Validator(load_schema("case"))
    files = sorted(folder.glob("*.orbit.yaml"))
    loader = CaseLoader(Templates())
    for path in files:
        loader.load(path)
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            errors = [error.message for error in validator.iter_errors(document)]
            assert errors == [], f"{path.name}: {errors}"
    project = yaml.safe_load((folder / "orbit.yaml").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(load_schema("project")).iter_errors(project)) == []
    return files


def import_collection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], base_url: str, *extra: str
) -> tuple[Path, str]:
    collection = json.loads((DATA / "shop.postman_collection.json").read_text(encoding="utf-8"))
    collection["variable"][0]["value"] = base_url
    source = tmp_path / "shop.postman_collection.json"
    source.write_text(json.dumps(collection), encoding="utf-8")
    out = tmp_path / "suite"
    assert main(["import", "postman", str(source), "-o", str(out), *extra]) == 0
    return out, capsys.readouterr().out


def test_a_postman_collection_becomes_one_case_file_per_folder_that_runs(
    pytester: pytest.Pytester, httpserver: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    install_shop(httpserver)
    base_url = httpserver.url_for("").rstrip("/")
    out, summary = import_collection(pytester.path, capsys, base_url)
    names = [path.name for path in check_generated(out)]
    assert names == [
        "auth.orbit.yaml",
        "orders-admin.orbit.yaml",
        "orders.orbit.yaml",
        "shop-api.orbit.yaml",
    ]
    assert summary.splitlines()[0] == (
        f"Imported Postman collection 'Shop API': 4 case file(s), 5 request(s) into {out}"
    )
    shutil.copy(out / "orbit.yaml", pytester.path / "orbit.yaml")
    result = pytester.runpytest(*ARGS, "-p", "no:randomly", "-v", str(out))
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["*orders.orbit.yaml::orders::get-order PASSED*"])


def test_variables_and_secrets_go_to_an_orbit_yaml_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, summary = import_collection(tmp_path, capsys, "http://127.0.0.1:8000/")
    project = yaml.safe_load((out / "orbit.yaml").read_text(encoding="utf-8"))
    assert project == {
        "project": "shop-api",
        "default_env": "local",
        "environments": {
            "local": {
                "base_url": "http://127.0.0.1:8000",
                "variables": {
                    "username": "alice",
                    "password": "s3cret",
                    "adminPassword": "adm1n",
                    "sku": "ABC-1",
                    "qty": 2,
                    "apiKey": "k-123",
                    "guid": "",
                },
                "secrets": ["password", "adminPassword", "apiKey"],
            }
        },
    }
    assert (
        "  - orbit.yaml holds the values of the secrets password, adminPassword, apiKey: move "
        'them to the process environment ("{{ env.NAME }}") before you commit it'
    ) in summary.splitlines()


def test_requests_auth_bodies_and_simple_tests_are_translated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = import_collection(tmp_path, capsys, "http://127.0.0.1:8000")
    orders = yaml.safe_load((out / "orders.orbit.yaml").read_text(encoding="utf-8"))
    create, fetch = orders["steps"][1], orders["steps"][2]
    assert orders["steps"][0] == {"use": "auth.orbit.yaml"}  # it needs the token from there
    assert create == {
        "name": "Create order",
        "request": {
            "method": "POST",
            "url": "/orders",
            "auth": {"bearer": "{{ token }}"},
            "json": {"sku": "{{ sku }}", "qty": "{{ qty }}", "note": "gift for {{ username }}"},
        },
        "expect": {
            "status": 201,
            "json": {"$.qty": 2, "$.id": {"exists": True}, "$.items": {"len": 1}},
        },
        "extract": {"orderId": "$.id"},
    }
    assert fetch["request"]["url"] == "/orders/{{ orderId }}"
    assert fetch["request"]["params"] == {"expand": "items"}  # the disabled one left out
    assert fetch["expect"] == {
        "status": [200, 304],
        "json": {"$.status": "new"},
        "headers": {"Content-Type": {"exists": True}},
    }
    admin = yaml.safe_load((out / "orders-admin.orbit.yaml").read_text(encoding="utf-8"))
    assert admin["steps"][0]["request"]["auth"] == {"basic": ["admin", "{{ adminPassword }}"]}
    assert admin["steps"][0]["expect"] == {"status": 200, "max_ms": 5000}
    auth = yaml.safe_load((out / "auth.orbit.yaml").read_text(encoding="utf-8"))
    assert auth["steps"][0]["request"]["headers"] == {"X-API-Key": "{{ apiKey }}"}


def test_scripts_that_cannot_be_translated_are_kept_as_comments_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, summary = import_collection(tmp_path, capsys, "http://127.0.0.1:8000")
    text = (out / "orders.orbit.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        "# Imported from Postman collection 'Shop API', folder 'Orders'.\n"
        "# step 'Get order', pre-request script, not translated:\n"
        "#     console.log('fetching', pm.variables.get('orderId'));\n"
        "# step 'Get order', test script, not translated:\n"
        '#         pm.expect(jsonData.items.map(i => i.sku)).to.include("ABC-1");\n'
        "name: orders\n"
    )
    assert "To look at (5):" in summary
    assert "  - Get order: 1 line(s) of its test script" in summary
    assert "  - orders.orbit.yaml uses auth.orbit.yaml first: it needs 'token'" in summary


def test_a_postman_environment_file_names_the_environment_and_adds_its_secrets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environment = tmp_path / "staging.postman_environment.json"
    environment.write_text(
        json.dumps(
            {
                "name": "Staging",
                "values": [
                    {"key": "username", "value": "qa-bot", "enabled": True},
                    {"key": "signingKey", "value": "xyz", "type": "secret", "enabled": True},
                    {"key": "old", "value": "1", "enabled": False},
                ],
                "_postman_variable_scope": "environment",
            }
        ),
        encoding="utf-8",
    )
    out, _ = import_collection(
        tmp_path, capsys, "http://127.0.0.1:8000", "--environment", str(environment)
    )
    project = yaml.safe_load((out / "orbit.yaml").read_text(encoding="utf-8"))
    staging = project["environments"]["staging"]
    assert staging["variables"]["username"] == "qa-bot"
    assert "old" not in staging["variables"]
    assert staging["secrets"] == ["password", "adminPassword", "apiKey", "signingKey"]


def test_files_that_exist_are_not_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = import_collection(tmp_path, capsys, "http://127.0.0.1:8000")
    source = tmp_path / "shop.postman_collection.json"
    assert main(["import", "postman", str(source), "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"orbit: error: {out / 'shop-api.orbit.yaml'} exists; import into another folder with "
        "-o DIR, or pass --force to overwrite it\n"
    )
    assert main(["import", "postman", str(source), "-o", str(out), "--force"]) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{not json",
            "line 1, column 2: not JSON: Expecting property name enclosed in double quotes",
        ),
        (
            "[]",
            "/: expected a Postman collection v2.0 or v2.1 (Postman: Export → Collection v2.1), found no JSON object",
        ),
        (
            "{}",
            "/info: missing; expected a Postman collection v2.0 or v2.1 (Postman: Export → Collection v2.1)",
        ),
        (
            '{"info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v1.0.0/"}}',
            "/info/schema: https://schema.getpostman.com/json/collection/v1.0.0/ is not a Postman collection v2.0 or v2.1 (Postman: Export → Collection v2.1)",
        ),
        ('{"info": {"name": "x"}, "item": {}}', "/item: must be a list of requests and folders"),
        (
            '{"info": {"name": "x"}, "item": [{"name": "a"}]}',
            "/item/0: is neither a request (no 'request') nor a folder (no 'item')",
        ),
        (
            '{"info": {"name": "x"}, "item": [{"name": "f", "item": [{"request": {"method": "GET"}}]}]}',
            "/item/0/item/0/request/url: the request has no URL",
        ),
        (
            '{"info": {"name": "x"}, "item": [], "variable": [{"value": 1}]}',
            "/variable/0: needs a 'key'",
        ),
    ],
)
def test_a_bad_collection_is_one_line_naming_the_file_and_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    source = tmp_path / "bad.json"
    source.write_text(content, encoding="utf-8")
    assert main(["import", "postman", str(source), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"orbit: error: {source}: {message}\n"
    assert not (tmp_path / "out").exists()


def test_a_missing_collection_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "postman", str(tmp_path / "nope.json")]) == 2
    assert (
        capsys.readouterr().err
        == f"orbit: error: {tmp_path / 'nope.json'}: no such collection file\n"
    )


def test_a_v20_collection_with_string_urls_and_object_auth_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = {
        "info": {
            "name": "Old",
            "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json",
        },
        "auth": {"type": "basic", "basic": {"username": "bob", "password": "{{pw}}"}},
        "item": [
            {
                "name": "ping",
                "request": "https://api.example.com/ping?x=1",
                "event": [
                    {"listen": "test", "script": {"exec": "pm.response.to.have.status(204);"}}
                ],
            },
            {
                "name": "form",
                "request": {
                    "method": "POST",
                    "url": "https://api.example.com/form",
                    "auth": {"type": "digest", "digest": {}},
                    "body": {
                        "mode": "urlencoded",
                        "urlencoded": [{"key": "a", "value": "{{a-b}}"}],
                    },
                },
            },
        ],
    }
    source = tmp_path / "old.json"
    source.write_text(json.dumps(collection), encoding="utf-8")
    assert main(["import", "postman", str(source), "-o", str(tmp_path / "out")]) == 0
    summary = capsys.readouterr().out
    assert (
        "  - form: auth of type 'digest' has no equivalent; add it to the step by hand" in summary
    )
    group = yaml.safe_load((tmp_path / "out" / "old.orbit.yaml").read_text(encoding="utf-8"))
    ping, form = group["steps"]
    assert ping["request"] == {
        "method": "GET",
        "url": "/ping",
        "params": {"x": "1"},
        "auth": {"basic": ["bob", "{{ pw }}"]},
    }
    assert ping["expect"] == {"status": 204}
    assert form["request"] == {"method": "POST", "url": "/form", "data": {"a": "{{ a_b }}"}}
    project = yaml.safe_load((tmp_path / "out" / "orbit.yaml").read_text(encoding="utf-8"))
    assert project["environments"]["local"] == {"base_url": "https://api.example.com"}


def test_a_generated_file_that_does_not_load_is_reported_as_a_bug_not_written() -> None:
    from pytest_testorbit.errors import OrbitError
    from pytest_testorbit.importers.writer import check_loads

    with pytest.raises(OrbitError) as caught:
        check_loads({"x.orbit.yaml": "steps: []\n"})
    assert str(caught.value) == (
        "the generated x.orbit.yaml does not load, which is a bug of orbit import (please "
        "report it with the input file): x.orbit.yaml:1: steps must be a non-empty list of steps"
    )
