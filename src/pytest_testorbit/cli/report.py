"""``orbit report``, ``orbit runs`` and ``orbit flaky``: read the results store and show it.

Each command takes ``--db URL`` (else ``$ORBIT_DB_URL``, else ``orbit.yaml``'s database in
the current folder, else the default file) and creates the store's tables on first use.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .db import add_db_argument, open_target

REPORT_FORMATS = ("table", "json", "csv", "html")
HTML_RUNS = 20  # the HTML report's trend charts cover this many runs unless --runs says


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of runs, 1 or more, not {text!r}")
    return value


def register(subparsers: Any) -> None:
    report = subparsers.add_parser("report", help="The last run's groups with pass rates")
    report.add_argument("--runs", type=positive, metavar="N", help="Trend over the last N runs")
    report.add_argument("--group", metavar="G", help="Only this group (checkout or checkout[abc])")
    report.add_argument("--env", metavar="E", help="Only runs against this environment")
    report.add_argument("--format", choices=REPORT_FORMATS, default="table", help="Output format")
    report.add_argument("-o", "--output", metavar="FILE", help="Write to FILE, not to stdout")
    report.add_argument(
        "--openapi", metavar="SPEC", help="With --format html: a section of the run's API coverage"
    )
    report.add_argument(
        "--include-partial",
        action="store_true",
        help="Count partial runs (-k, a node id, --lf, --sw, ...) too; left out by default",
    )
    add_db_argument(report)
    report.set_defaults(func=run_report)

    runs = subparsers.add_parser("runs", help="The runs, newest first")
    runs.add_argument("--limit", type=positive, default=20, metavar="N", help="Show N runs")
    runs.add_argument("--env", metavar="E", help="Only runs against this environment")
    runs.add_argument("--format", choices=("table", "json"), default="table", help="Output format")
    runs.add_argument(
        "--no-partial",
        action="store_true",
        help='Hide partial runs (shown by default, their status marked "(partial)")',
    )
    add_db_argument(runs)
    runs.set_defaults(func=run_runs)

    flaky = subparsers.add_parser("flaky", help="Groups and steps whose outcome flips")
    flaky.add_argument(
        "--runs", type=positive, default=20, metavar="N", help="Look at the last N runs"
    )
    flaky.add_argument("--group", metavar="G", help="Only this group")
    flaky.add_argument("--env", metavar="E", help="Only runs against this environment")
    flaky.add_argument("--format", choices=("table", "json"), default="table", help="Output format")
    flaky.add_argument(
        "--include-partial",
        action="store_true",
        help="Count partial runs (-k, a node id, --lf, --sw, ...) too; left out by default",
    )
    add_db_argument(flaky)
    flaky.set_defaults(func=run_flaky)


def _emit(text: str, output: str | None) -> None:
    if output:
        path = Path(output)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror}") from None
        print(f"Wrote {path}")
    else:
        print(text, end="")


def run_report(args: argparse.Namespace) -> int:
    from ..report.data import build_report
    from ..report.text import report_csv, report_json, report_table

    runs_back = args.runs or (HTML_RUNS if args.format == "html" else 1)
    if args.openapi and args.format != "html":
        raise UsageError(
            "--openapi goes with --format html; for a table or JSON of the coverage, "
            "run orbit coverage --openapi SPEC"
        )
    spec = None
    if args.openapi:
        from ..openapi.spec import load_spec

        spec = load_spec(Path(args.openapi))  # a bad description fails before the store opens
    store = open_target(args)
    try:
        with store.session() as session:
            report = build_report(
                session,
                runs_back=runs_back,
                environment=args.env,
                group=args.group,
                store=store.display_url,
                include_partial=args.include_partial,
            )
    finally:
        store.close()
    if args.format == "html":
        from ..report.html import render_html

        text = render_html(report, _coverage(spec, report) if spec else None)
    else:
        text = {"table": report_table, "json": report_json, "csv": report_csv}[args.format](report)
    _emit(text, args.output)
    return 0


def _coverage(spec: Any, report: Any) -> Any:
    from ..coverage.match import coverage

    if report.run is None:
        return None
    steps = [
        (step.method, step.url, step.status_code)
        for group in report.groups
        if report.in_last_run(group)
        for step in group.steps
        if step.method and step.url
    ]
    return coverage(spec, report.run.id, steps)


def run_runs(args: argparse.Namespace) -> int:
    from ..report.data import list_runs
    from ..report.text import runs_json, runs_table

    store = open_target(args)
    try:
        with store.session() as session:
            found = list_runs(
                session,
                limit=args.limit,
                environment=args.env,
                include_partial=not args.no_partial,
            )
    finally:
        store.close()
    text = runs_json(found) if args.format == "json" else runs_table(found, store.display_url)
    print(text, end="")
    return 0


def run_flaky(args: argparse.Namespace) -> int:
    from ..report.flaky import find_flaky
    from ..report.text import flaky_json, flaky_table

    store = open_target(args)
    try:
        with store.session() as session:
            found = find_flaky(
                session,
                runs_back=args.runs,
                environment=args.env,
                group=args.group,
                include_partial=args.include_partial,
            )
    finally:
        store.close()
    text = flaky_json(found) if args.format == "json" else flaky_table(found, store.display_url)
    print(text, end="")
    return 0
