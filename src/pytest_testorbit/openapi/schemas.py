"""OpenAPI schemas as JSON Schema (for ``expect.schema``) and as sample values (request bodies).

OpenAPI 3.1 schemas are JSON Schema 2020-12 already. 3.0 and Swagger 2.0 schemas differ in a
few words: ``nullable`` / ``x-nullable`` (a type list with "null" here), boolean
``exclusiveMinimum``/``exclusiveMaximum`` (numbers here), and keywords JSON Schema does not
know (``discriminator``, ``xml``, ``example``), which are dropped.
"""

from __future__ import annotations

from typing import Any

_OPENAPI_ONLY = ("discriminator", "xml", "externalDocs", "example", "nullable", "x-nullable")
_SAMPLE_DEPTH = 6
_FORMATS = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "email": "user@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "password": "secret",
}


def to_json_schema(schema: Any, version: str) -> Any:
    if isinstance(schema, list):
        return [to_json_schema(item, version) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        key: value
        if key in ("enum", "const", "default", "examples", "required")
        else to_json_schema(value, version)
        for key, value in schema.items()
        if key not in _OPENAPI_ONLY and not (version != "3.1" and key.startswith("x-"))
    }
    if version == "3.1":
        return out
    if "properties" in schema:  # property names are not schemas: keep them as they are
        out["properties"] = {k: to_json_schema(v, version) for k, v in schema["properties"].items()}
    if schema.get("nullable") or schema.get("x-nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    for word, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(word), bool):  # draft 4's flag: the bound itself is exclusive
            exclusive = out.pop(word)
            if exclusive and bound in out:
                out[word] = out.pop(bound)
    return out


def sample(schema: Any, depth: int = 0) -> Any:
    """A value that fits ``schema``: its example, default or first enum value, else one made up."""
    if not isinstance(schema, dict) or depth > _SAMPLE_DEPTH:
        return None
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if schema.get("examples") and isinstance(schema["examples"], list):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("allOf",):
        if schema.get(key):
            merged: dict[str, Any] = {}
            for part in schema[key]:
                value = sample(part, depth + 1)
                if isinstance(value, dict):
                    merged.update(value)
            return merged
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return sample(schema[key][0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "object" or (kind is None and "properties" in schema):
        return {
            name: sample(part, depth + 1)
            for name, part in (schema.get("properties") or {}).items()
            if not (isinstance(part, dict) and part.get("readOnly"))
        }
    if kind == "array":
        return [sample(schema.get("items") or {}, depth + 1)]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1.5))
    if kind == "boolean":
        return True
    if kind == "string":
        text = _FORMATS.get(str(schema.get("format")), "string")
        return text.ljust(int(schema.get("minLength", 0)), "x")
    return None
