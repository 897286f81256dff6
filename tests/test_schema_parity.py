"""The generated schemas judge a value's shape as the loaders do, key by key.

Every key of every table the loaders read is probed with values of every JSON type (and a
few telling strings) inside an otherwise good file; the case-file loader (or the orbit.yaml
reader, with every environment and ``notify:`` used) and the generated schema must give the
same verdict. The only disagreements allowed are listed in ``NOT_SHAPE``: checks that need
the files around or other keys, which no schema can make.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from pytest_testorbit.cases import keys, project, project_file, schemagen
from pytest_testorbit.cases.keys import Key, Table
from pytest_testorbit.cases.loader import CaseLoader
from pytest_testorbit.errors import OrbitError
from pytest_testorbit.expr import matchers
from pytest_testorbit.expr.templating import Templates

PROBES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.5,
    200,
    "",
    "text",
    "$.a",
    "{{ t }}",
    [],
    [1],
    ["a", "b"],
    [None],
    {},
    {"a": 1},
    {"eq": 1},
]

# (where, key) → the probes on which the loader refuses what the schema cannot: a file that
# must exist, a count that must match another key's.
NOT_SHAPE: dict[tuple[str, str], set[str]] = {
    ("request", "verify"): {"''", "'text'", "'$.a'"},  # the CA bundle must exist
    ("expect", "schema"): {"''", "'text'", "'$.a'", "'{{ t }}'"},  # the schema file must exist
    ("expect", "openapi"): {"'text'", "'$.a'", "'{{ t }}'"},  # the description must exist
    ("file", "path"): {"''", "'text'", "'$.a'"},  # the upload must exist
    ("parametrize", "ids"): {"[]", "['a', 'b']"},  # one id per row
    ("project", "default_env"): {  # one of the environments
        "True",
        "False",
        "0",
        "1",
        "-1",
        "1.5",
        "200",
        "''",
        "'text'",
        "'$.a'",
    },
    ("project", "trusted_paths"): {"['a', 'b']"},  # the folders must exist
    ("environment", "verify"): {"''", "'text'", "'$.a'"},  # the CA bundle must exist
}

Make = Callable[[Any], dict[str, Any]]


def _step(**extra: Any) -> dict[str, Any]:
    return {"name": "a", "request": {"method": "GET", "url": "/"}, **extra}


def _steps(**extra: Any) -> dict[str, Any]:
    return {"steps": [_step(**extra)]}


def _request(**extra: Any) -> dict[str, Any]:
    return {"steps": [{"name": "a", "request": {"method": "POST", "url": "/", **extra}}]}


def _case_positions() -> Iterator[tuple[str, str, Make]]:
    for name in keys.GROUP_KEYS:
        if name != "steps":
            yield "group", name, lambda v, k=name: {k: v, "steps": [_step()]}
    for name in keys.STEP_KEYS:
        if name not in ("request", "use", "with"):  # use: and with: need another file
            yield "step", name, lambda v, k=name: _steps(**{k: v})
    for name in keys.REQUEST_KEYS:
        yield "request", name, lambda v, k=name: _request(**{k: v})
    for name in keys.EXPECT_KEYS:
        yield "expect", name, lambda v, k=name: _steps(expect={k: v})
    for name in keys.RETRY_KEYS:
        yield "retry", name, lambda v, k=name: _steps(retry={"until": {"status": 200}, k: v})
    for name in keys.EXTRACT_KINDS:
        yield "extract", name, lambda v, k=name: _steps(extract={"x": {k: v}})
    for name in keys.EXTRACT_OPTIONS:
        yield "extract", name, lambda v, k=name: _steps(extract={"x": {"json": "$.a", k: v}})
    for name in matchers.NAMES:
        yield "matcher", name, lambda v, k=name: _steps(expect={"json": {"$.a": {k: v}}})
    for name in keys.FILE_KEYS:
        yield "file", name, lambda v, k=name: _request(files={"f": {"path": "a.txt", k: v}})
    for name in keys.PARAMETRIZE_KEYS:
        yield (
            "parametrize",
            name,
            lambda v, k=name: {"parametrize": {"rows": [{"x": 1}], k: v}, "steps": [_step()]},
        )
    for name in keys.AUTH_KINDS:
        yield "auth", name, lambda v, k=name: _request(auth={k: v})


_ENVIRONMENTS = {"environments": {"local": {"base_url": "http://x"}}}


def _project_positions() -> Iterator[tuple[str, str, Make]]:
    for name in project_file.PROJECT_KEYS:
        base = {} if name == "environments" else _ENVIRONMENTS
        yield "project", name, lambda v, k=name, b=base: {**b, k: v}
    for name in project_file.ENV_KEYS:
        yield "environment", name, lambda v, k=name: {"environments": {"local": {k: v}}}
    for name in project_file.NOTIFY_KEYS:
        yield "notify", name, lambda v, k=name: {"notify": {k: v}}
    email = {"smtp": "smtp://h", "from": "a@x.com"}
    for name in project_file.EMAIL_KEYS:
        yield "email", name, lambda v, k=name: {"notify": {"email": {**email, k: v}}}
    hook = {"kind": "slack", "url": "http://h"}
    for name in project_file.WEBHOOK_KEYS:
        yield "webhook", name, lambda v, k=name: {"notify": {"webhooks": [{**hook, k: v}]}}


CASE_POSITIONS = list(_case_positions())
PROJECT_POSITIONS = list(_project_positions())


def _loads_case(document: dict[str, Any], folder: Path) -> bool:
    path = folder / "probe.orbit.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        CaseLoader(Templates()).load(path)
    except OrbitError:
        return False
    return True


def _loads_project(document: dict[str, Any], folder: Path) -> bool:
    path = folder / "orbit.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        loaded = project.load_project(path)
        for name in loaded.environment_names:
            loaded.environment(name)
        assert isinstance(loaded.notify, dict)
    except OrbitError:
        return False
    return True


def _disagreements(
    where: str,
    key: str,
    make: Make,
    validator: jsonschema.Draft7Validator,
    loads: Callable[[dict[str, Any], Path], bool],
    folder: Path,
    probes: list[Any],
) -> list[str]:
    found = []
    for probe in probes:
        document = make(copy.deepcopy(probe))
        loader, schema = loads(document, folder), validator.is_valid(document)
        if loader != schema and repr(probe) not in NOT_SHAPE.get((where, key), set()):
            verdict = "takes" if loader else "refuses"
            found.append(f"{where}.{key} = {probe!r}: the loader {verdict} it, the schema not")
    return found


@pytest.mark.parametrize(
    ("where", "key", "make"), CASE_POSITIONS, ids=[f"{w}.{k}" for w, k, _ in CASE_POSITIONS]
)
def test_the_case_schema_takes_and_refuses_what_the_loader_does(
    where: str, key: str, make: Make, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("upload", encoding="utf-8")
    validator = jsonschema.Draft7Validator(schemagen.schema("case"))
    assert _disagreements(where, key, make, validator, _loads_case, tmp_path, PROBES) == []


@pytest.mark.parametrize(
    ("where", "key", "make"),
    PROJECT_POSITIONS,
    ids=[f"{w}.{k}" for w, k, _ in PROJECT_POSITIONS],
)
def test_the_project_schema_takes_and_refuses_what_the_reader_does(
    where: str, key: str, make: Make, tmp_path: Path
) -> None:
    # orbit.yaml's templates read only env.: "{{ t }}" is a rendering error, not a shape.
    probes = [p for p in PROBES if p != "{{ t }}"]
    validator = jsonschema.Draft7Validator(schemagen.schema("project"))
    assert _disagreements(where, key, make, validator, _loads_project, tmp_path, probes) == []


def test_every_key_of_both_files_is_probed() -> None:
    probed = {(w, k) for w, k, _ in (*CASE_POSITIONS, *PROJECT_POSITIONS)}
    assert len(probed) == len(CASE_POSITIONS) + len(PROJECT_POSITIONS)
    left_out = {("group", "steps"), ("step", "request"), ("step", "use"), ("step", "with")}
    assert {("group", k) for k in keys.GROUP_KEYS} - probed == {("group", "steps")}
    assert {("step", k) for k in keys.STEP_KEYS} - probed == left_out - {("group", "steps")}
    assert {("environment", k) for k in project_file.ENV_KEYS} <= probed
    assert set(NOT_SHAPE) <= probed  # no exception for a key that is not probed


# -- every entry describes itself -------------------------------------------------------------


def _tables(node: Any) -> Iterator[Table]:
    if isinstance(node, Table):
        yield node
        for key in node.keys:
            yield from _tables(key.schema)
        yield from _tables(node.rules)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _tables(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _tables(item)


def _entries() -> list[tuple[str, Key]]:
    roots = [keys.GROUP, keys.DEFINITIONS, project_file.PROJECT, project_file.DEFINITIONS]
    seen: dict[int, Table] = {id(table): table for table in _tables(roots)}
    return [(f"{key.name}", key) for table in seen.values() for key in table.keys]


def test_the_tables_reach_every_key_the_loaders_check() -> None:
    names = {key.name for _, key in _entries()}
    assert set(keys.GROUP_KEYS + keys.STEP_KEYS + keys.REQUEST_KEYS) <= names
    assert set(keys.EXPECT_KEYS + keys.RETRY_KEYS + keys.FILE_KEYS + keys.AUTH_KINDS) <= names
    assert set(project_file.ENV_KEYS + project_file.WEBHOOK_KEYS) <= names
    assert set(matchers.NAMES) <= names


@pytest.mark.parametrize(
    "entry", _entries(), ids=[f"{n}-{i}" for i, (n, _) in enumerate(_entries())]
)
def test_every_table_entry_carries_a_one_line_description(entry: tuple[str, Key]) -> None:
    _, key = entry
    assert key.description.strip(), f"{key.name} has no description"
    assert "\n" not in key.description
    if isinstance(key.schema, dict):  # the entry's description is the one editors show
        assert "description" not in key.schema


def test_every_matcher_carries_a_description_and_its_argument_schema() -> None:
    for matcher in matchers.MATCHERS:
        assert matcher.description.strip() and "Example:" in matcher.description, matcher.name


def test_an_approx_tolerance_left_empty_is_the_default() -> None:
    assert matchers.check_value(1.0000001, {"approx": {"value": 1, "rel": None}}) == []
    assert matchers.check_value(1.5, {"approx": {"value": 1, "abs": None}}) == [
        "expected approximately 1 (rel 1e-06, abs 1e-12)"
    ]


# -- the generated schemas themselves ----------------------------------------------------------


@pytest.mark.parametrize("kind", schemagen.KINDS)
def test_the_schema_text_is_the_schema_written_out(kind: str) -> None:
    import json

    text = schemagen.schema_text(kind)
    assert text.endswith("}\n")
    assert json.loads(text) == schemagen.schema(kind)


def test_an_unknown_schema_kind_names_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown schema 'cases'; choose from case, project"):
        schemagen.schema("cases")
