"""``orbit schema``: the JSON Schemas of case files and of ``orbit.yaml``, for editors.

The schemas are not files kept beside the loader: ``schemagen.py`` builds them from the
loaders' own tables each time (draft-07, the draft every YAML editor plugin reads), so what
an editor checks is what the installed version's loader accepts. ``-o`` writes one where an
editor's settings point.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .schemagen import KINDS, schema_text


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
        choices=KINDS,
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
