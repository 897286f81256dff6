"""The JSON Schemas of case files and of ``orbit.yaml``, built from the loaders' own tables.

The loaders check keys against the tables of ``keys.py`` (case files) and ``project_file.py``
(orbit.yaml); each entry carries the JSON Schema of its value and one line of description.
This module only assembles them: a ``Table`` becomes an object schema that refuses other
keys, wherever it stands. Draft-07, the draft every YAML editor plugin reads.
"""

from __future__ import annotations

import json
from typing import Any

from . import keys
from .keys import Schema, Table

DRAFT = "http://json-schema.org/draft-07/schema#"
KINDS = ("case", "project")  # orbit schema case|project


def mapping(table: Table) -> Schema:
    """The object schema of one table: its keys, described, and no others."""
    schema: Schema = {"type": "object", "additionalProperties": False}
    if table.description:
        schema["description"] = table.description
    if table.required:
        schema["required"] = list(table.required)
    schema["properties"] = {
        key.name: {**expand(key.schema), "description": key.description} for key in table.keys
    }
    return {**schema, **expand(table.rules)}


def expand(node: Any) -> Any:
    """``node`` with every ``Table`` in it written out as its object schema."""
    if isinstance(node, Table):
        return mapping(node)
    if isinstance(node, dict):
        return {name: expand(value) for name, value in node.items()}
    if isinstance(node, list):
        return [expand(item) for item in node]
    return node


def case_schema() -> Schema:
    """The schema of one case group, one YAML document of a ``*.orbit.yaml`` file."""
    return {
        "$schema": DRAFT,
        "title": "pytest-testorbit case group (*.orbit.yaml)",
        **mapping(keys.GROUP),
        "definitions": expand(keys.DEFINITIONS),
    }


def project_schema() -> Schema:
    """The schema of ``orbit.yaml``."""
    from . import project_file  # PyYAML and the project readers: only for this schema

    return {
        "$schema": DRAFT,
        "title": "pytest-testorbit project (orbit.yaml)",
        **mapping(project_file.PROJECT),
        "definitions": expand(project_file.DEFINITIONS),
    }


def schema(kind: str) -> Schema:
    """The schema of ``kind``: "case" (``*.orbit.yaml``) or "project" (``orbit.yaml``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown schema {kind!r}; choose from {', '.join(KINDS)}")
    return case_schema() if kind == "case" else project_schema()


def schema_text(kind: str) -> str:
    """The schema as the JSON file an editor reads (UTF-8, indented, a newline at the end)."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"
