"""``orbit schema``: the JSON Schemas of case files and of ``orbit.yaml``, for editors.

The schemas ship as package data (``schemas/*.json``, JSON Schema draft-07, the draft every
YAML editor plugin reads) so that the command works from an installed wheel. They describe what
``loader.py`` and ``project.py`` accept; ``tests/test_schema.py`` keeps the two in step.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

SCHEMA_FILES = {
    "case": "case-file.schema.json",  # *.orbit.yaml
    "project": "orbit.schema.json",  # orbit.yaml
}


def schema_text(kind: str) -> str:
    """The schema file as shipped, byte for byte (so ``orbit schema > f`` is a plain copy)."""
    if kind not in SCHEMA_FILES:
        raise ValueError(f"unknown schema {kind!r}; choose from {', '.join(SCHEMA_FILES)}")
    return (resources.files("pytest_testorbit.cases") / "schemas" / SCHEMA_FILES[kind]).read_text(
        encoding="utf-8"
    )


def load_schema(kind: str) -> dict[str, Any]:
    """The schema of ``kind`` ("case" or "project") as a mapping."""
    schema: dict[str, Any] = json.loads(schema_text(kind))
    return schema


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="Print the JSON Schema of case files or of orbit.yaml, for editors",
        description=(
            "Print the JSON Schema (draft-07) of *.orbit.yaml case files (case, the default) "
            "or of orbit.yaml (project). Point VS Code or PyCharm at it to complete and "
            "check keys: orbit schema -o .orbit/case-file.schema.json"
        ),
    )
    parser.add_argument(
        "kind",
        nargs="?",
        default="case",
        choices=tuple(SCHEMA_FILES),
        help="Which schema: case (default) or project",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="Write to FILE (folders made as needed)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = schema_text(args.kind)
    if args.output:
        path = Path(args.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        # stdout carries the schema itself only without -o; here it says where it went.
        what = "case files" if args.kind == "case" else "orbit.yaml"
        print(f"Wrote the JSON Schema of {what} to {path}")
    else:
        sys.stdout.write(text)
    return 0
