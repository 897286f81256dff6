"""Checking an ``expect.schema`` against its meta-schema, at collection.

A schema that is not one (``{type: 12}``) would otherwise fail inside jsonschema on the first
response, as a long traceback. jsonschema is a heavy import: it is imported here, when a case
file first has a schema, never at plugin load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def schema_problem(schema: Mapping[str, Any]) -> tuple[tuple[str | int, ...], str] | None:
    """Where in ``schema`` the first meta-schema error is, and what it says; None if valid."""
    import jsonschema
    from jsonschema.exceptions import best_match

    dialect = schema.get("$schema")
    if dialect is not None:
        if not isinstance(dialect, str):
            return ("$schema",), f"$schema is the URL of a JSON Schema draft, not {dialect!r}"
        if jsonschema.validators.validator_for(schema, default=None) is None:
            return ("$schema",), (
                f"unknown $schema {dialect!r}; "
                "use one of https://json-schema.org/draft/2020-12/schema, "
                "https://json-schema.org/draft/2019-09/schema, "
                "http://json-schema.org/draft-07/schema#"
            )
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    # The meta-schema's formats are checked too: a "pattern" that is not a regex fails here.
    checker = cls(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER)
    error = best_match(checker.iter_errors(schema))
    if error is not None:
        # "12 is not valid under any of the given schemas" names no choice; its first
        # alternative does ("12 is not one of ['array', 'boolean', ...]").
        message = error.context[0].message if error.context else error.message
        return tuple(error.absolute_path), message
    return _unresolvable_ref(schema)


def _unresolvable_ref(schema: Mapping[str, Any]) -> tuple[tuple[str | int, ...], str] | None:
    """The first ``$ref`` into this schema (``#/...``) that points at nothing.

    References to other documents are checked apart (cases/schemarefs.py): a file of the
    project is loaded, anything remote is refused, nothing is ever fetched.
    """
    anchors = {f"#{name}" for name in _values_of(schema, "$anchor") if isinstance(name, str)}
    ids = {value for value in _values_of(schema, "$id") if isinstance(value, str)}
    for keys, ref in _refs(schema, ()):
        if ref in anchors or ref in ids or ref.split("#")[0] in ids:
            continue
        if ref == "#" or (ref.startswith("#/") and _points_into(schema, ref)):
            continue
        if not ref.startswith("#"):
            continue  # another document: schemarefs.check_refs
        return keys, f"$ref {ref!r} points at nothing in this schema"
    return None


def _refs(node: Any, keys: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], str]]:
    found: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.append(((*keys, key), value))
            elif key not in ("enum", "const", "examples", "default"):  # data, not schemas
                found.extend(_refs(value, (*keys, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_refs(value, (*keys, index)))
    return found


def _values_of(node: Any, name: str) -> list[Any]:
    if isinstance(node, Mapping):
        own = [node[name]] if name in node else []
        return own + [found for value in node.values() for found in _values_of(value, name)]
    if isinstance(node, list):
        return [found for value in node for found in _values_of(value, name)]
    return []


def _points_into(schema: Any, ref: str) -> bool:
    from urllib.parse import unquote

    node = schema
    for token in ref[2:].split("/"):
        token = unquote(token).replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def breadcrumb(keys: tuple[str | int, ...]) -> str:
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in keys).lstrip(".")
