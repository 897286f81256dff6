"""``orbit import postman|openapi|har|curl``: case files from what a team already has.

Every importer is loaded only when its command runs (the OpenAPI one needs the ``import``
extra); each checks its output with the loader before it writes a file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import", help="Case files from a Postman collection, an OpenAPI description, HAR or curl"
    )
    parser.set_defaults(func=lambda _args: _help(parser))
    commands = parser.add_subparsers(dest="import_command", metavar="SOURCE")

    postman = commands.add_parser("postman", help="A Postman collection (v2.0 or v2.1)")
    postman.add_argument("collection", metavar="COLLECTION.json", help="The exported collection")
    postman.add_argument(
        "--environment", metavar="ENV.json", help="A Postman environment file: its variables"
    )
    _output(postman)
    postman.set_defaults(func=run_postman)

    openapi = commands.add_parser("openapi", help="An OpenAPI 3.0/3.1 or Swagger 2.0 description")
    openapi.add_argument("spec", metavar="SPEC", help="The description, YAML or JSON")
    _output(openapi)
    openapi.set_defaults(func=run_openapi)

    har = commands.add_parser("har", help="A browser's HAR recording")
    har.add_argument("har", metavar="FILE.har", help="The recording")
    har.add_argument(
        "--host", action="append", default=[], metavar="HOST", help="Only requests to HOST"
    )
    har.add_argument(
        "--keep-static", action="store_true", help="Keep pages, scripts, styles, images, fonts"
    )
    _output(har)
    har.set_defaults(func=run_har)

    curl = commands.add_parser("curl", help="One curl command line: one step")
    curl.add_argument("line", metavar="'curl ...'", help="The whole command, quoted")
    curl.add_argument(
        "-o", "--output", metavar="FILE", help="Append the step to FILE (made if missing)"
    )
    curl.add_argument("--name", help="The step's name (default: METHOD /path)")
    curl.set_defaults(func=run_curl)


def _output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="DIR", default=".", help="Folder for the files (default: .)"
    )
    parser.add_argument("--force", action="store_true", help="Overwrite files that exist")


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _write(imported: Any, args: argparse.Namespace) -> int:
    from ..importers.writer import write_import

    for line in write_import(imported, Path(args.output), force=args.force):
        print(line)
    return 0


def run_postman(args: argparse.Namespace) -> int:
    from ..importers.postman import import_postman

    environment = Path(args.environment) if args.environment else None
    return _write(import_postman(Path(args.collection), environment), args)


def run_openapi(args: argparse.Namespace) -> int:
    from ..importers.openapi import import_openapi

    return _write(import_openapi(Path(args.spec)), args)


def run_har(args: argparse.Namespace) -> int:
    from ..importers.har import import_har

    return _write(import_har(Path(args.har), hosts=args.host, keep_static=args.keep_static), args)


def run_curl(args: argparse.Namespace) -> int:
    from ..importers.curl import parse_curl
    from ..importers.stepfile import append_step, group_text

    step = parse_curl(args.line)
    if args.name:
        step["name"] = args.name
    if not args.output:
        print(group_text(step), end="")
        return 0
    path = Path(args.output)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; -o takes a case file to append the step to")
    print(append_step(path, step))
    return 0
