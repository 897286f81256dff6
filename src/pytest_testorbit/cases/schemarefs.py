"""The ``$ref``s of a JSON Schema, checked at collection: local ones only.

jsonschema would fetch a remote ``$ref`` (``https://...``) while a check runs: a request to any
host, from inside a test run that holds CI's credentials. Here every ``$ref`` is either a
pointer into the schema itself (``#/definitions/item``) or a file next to it, inside the
project; anything with a scheme (``https:``, ``http:``, ``file:``, ``urn:``) is refused
before a request is sent. The runner resolves them through a ``referencing`` registry that
loads the same local files and nothing else (runner/schemas.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .paths import resolve_inside
from .yamlsrc import load_documents

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def refs_of(schema: Any) -> Iterator[str]:
    """Every ``$ref`` string anywhere in ``schema``."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs_of(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from refs_of(item)


def check_refs(
    schema: Any, folder: Path, roots: Sequence[Path], seen: set[Path] | None = None
) -> None:
    """``ValueError`` naming the first ``$ref`` that is remote, outside or missing."""
    seen = set() if seen is None else seen
    own_id = schema.get("$id", schema.get("id")) if isinstance(schema, dict) else None
    remote_id = isinstance(own_id, str) and bool(_SCHEME.match(own_id))
    for ref in refs_of(schema):
        target = ref.split("#", 1)[0]
        if not target:
            continue  # a pointer into the same document
        if remote_id and not _SCHEME.match(target):
            raise ValueError(
                f"$ref {ref!r} is relative to the schema's $id {own_id!r}, which makes it "
                "remote (remote schemas are never fetched); remove the $id to refer to the "
                "file beside the schema"
            )
        if _SCHEME.match(target):
            raise ValueError(
                f"$ref {ref!r} is remote: a schema may refer only to itself and to files "
                "of the project (remote schemas are never fetched; save a copy next to it)"
            )
        try:
            path = resolve_inside(folder, target, roots)
        except ValueError as exc:
            raise ValueError(f"$ref {exc}") from None
        if not path.is_file():
            raise ValueError(f"$ref {ref!r}: {path} does not exist")
        if path in seen:
            continue
        seen.add(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"$ref {ref!r}: cannot read {path}: {exc}") from None
        documents = load_documents(text, str(path))
        if documents:
            check_refs(documents[0][0], path.parent, roots, seen)
