"""JSON Schema validators, built once per schema (jsonschema is imported on first use).

``$ref``s resolve through a ``referencing`` registry whose only source is the project's own
files: a pointer into the schema, or a ``file:`` URI inside the folders the loader allowed.
Anything else (``https://...``) is refused, never fetched: jsonschema's automatic retrieval,
deprecated and reaching any host, is never used. The loader has refused remote refs at
collection already (cases/schemarefs.py); this is the same rule where the schema is used.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

_validators: dict[str, Any] = {}


class RefRefused(Exception):
    """A ``$ref`` that is not a local file of the project."""


def validator_for(
    schema: dict[str, Any], base_uri: str | None = None, roots: Sequence[str] = ()
) -> Any:
    key = json.dumps([schema, base_uri, list(roots)], sort_keys=True, default=str)
    validator = _validators.get(key)
    if validator is None:
        import jsonschema

        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        root = _with_base(schema, base_uri, cls)
        validator = cls(root, format_checker=cls.FORMAT_CHECKER, registry=_registry(roots, cls))
        _validators[key] = validator
    return validator


def _with_base(schema: dict[str, Any], base_uri: str | None, cls: Any) -> dict[str, Any]:
    """``schema`` with its file's URI as its id, so relative ``$ref``s find the files beside it."""
    id_key = "id" if cls.META_SCHEMA.get("$schema", "").find("draft-04") >= 0 else "$id"
    if base_uri is None or id_key in schema:
        return schema
    return {id_key: base_uri, **schema}


def _registry(roots: Sequence[str], cls: Any) -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012, specification_with

    # A referenced file without $schema is read in the dialect of the schema that uses it.
    default = specification_with(cls.META_SCHEMA.get("$schema", ""), default=DRAFT202012)
    allowed = [Path(root) for root in roots]

    def retrieve(uri: str) -> Any:
        parts = urlsplit(uri)
        if parts.scheme != "file":
            raise RefRefused(f"$ref {uri!r} is not a local file; remote schemas are not fetched")
        path = Path(url2pathname(parts.path)).resolve()
        if allowed and not any(path.is_relative_to(root) for root in allowed):
            raise RefRefused(f"$ref {uri!r} is outside the project")
        import yaml

        contents = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML
        return Resource.from_contents(contents, default_specification=default)

    return Registry(retrieve=retrieve)  # type: ignore[call-arg]  # retrieve is keyword-only
