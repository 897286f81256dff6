"""``orbit coverage --openapi SPEC``: the operations and statuses a stored run exercised."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .db import add_db_argument, open_target


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "coverage", help="Which API operations and statuses a run exercised (OpenAPI)"
    )
    parser.add_argument("--openapi", required=True, metavar="SPEC", help="The OpenAPI description")
    parser.add_argument("--run", metavar="ID", help="The run (default: the last run)")
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="Output format"
    )
    add_db_argument(parser)
    parser.set_defaults(func=run_coverage)


def run_coverage(args: argparse.Namespace) -> int:
    from ..coverage.match import coverage
    from ..coverage.render import coverage_json, coverage_table
    from ..openapi.spec import load_spec
    from ..store import queries

    spec = load_spec(Path(args.openapi))
    store = open_target(args)
    try:
        with store.session() as session:
            run = queries.get_run(session, args.run) if args.run else queries.last_run(session)
            if run is None:
                raise UsageError(
                    f"no run {args.run!r} in the store" if args.run else "the store has no runs yet"
                )
            groups = queries.group_results(session, [run.id])[run.id]
    finally:
        store.close()
    steps = [
        (step.method, step.url, step.status_code)
        for group in groups
        for step in group.steps
        if step.method and step.url
    ]
    found = coverage(spec, run.id, steps)
    print(coverage_json(found) if args.format == "json" else coverage_table(found), end="")
    return 0
