"""``$ref`` resolution: local pointers (``#/components/schemas/Pet``) and files next to the spec.

Each reference is replaced by a copy of what it points at; a reference to itself further
down (a tree of nodes) is cut to ``{}`` (anything) at the second visit, so a recursive schema
stays finite. A reference that points nowhere is an error naming where it was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..inputfiles import Where, load_json_or_yaml


class Resolver:
    def __init__(self, document: Any, path: Path) -> None:
        self.path = path
        self._documents: dict[Path, Any] = {path.resolve(): document}

    def resolve(self, node: Any, where: Where) -> Any:
        return self._resolve(node, where, self.path.resolve(), ())

    def _resolve(self, node: Any, where: Where, file: Path, chain: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self._resolve(v, where / i, file, chain) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            target_file, target, key = self._target(ref, where / "$ref", file)
            if key in chain:
                return {}
            resolved = self._resolve(target, where, target_file, (*chain, key))
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            if siblings and isinstance(resolved, dict):  # OpenAPI 3.1 allows them
                return {**resolved, **self._resolve(siblings, where, file, chain)}
            return resolved
        return {k: self._resolve(v, where / str(k), file, chain) for k, v in node.items()}

    def _target(self, ref: str, where: Where, file: Path) -> tuple[Path, Any, str]:
        location, _, pointer = ref.partition("#")
        target_file = (file.parent / location).resolve() if location else file
        if target_file not in self._documents:
            if location.startswith(("http://", "https://")):
                raise where.error(
                    None, f"{ref} is a remote reference; download it next to the spec"
                )
            self._documents[target_file] = load_json_or_yaml(target_file, "referenced")[0]
        node = self._documents[target_file]
        for part in [
            unquote(p).replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]
        ]:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise where.error(None, f"{ref} points nowhere (no {part!r})")
        return target_file, node, f"{target_file}#{pointer}"
