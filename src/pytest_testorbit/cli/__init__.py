"""The ``orbit`` command: one argparse parser, each feature module adds its sub-commands.

A feature module exposes ``register(subparsers)``; each parser it adds sets
``func=callable(args) -> int``. Errors a person can fix (``OrbitError``) print one line to
stderr and exit 2; nothing prints a traceback for them.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from .. import __version__
from ..errors import OrbitError

# The modules that add sub-commands, in the order their commands are listed in --help.
COMMAND_MODULES = (
    "pytest_testorbit.cli.report",  # report, runs, flaky
    "pytest_testorbit.cli.db",  # db upgrade, db flush
    "pytest_testorbit.cli.schedule",  # schedule add|list|update|cancel, scheduler
    "pytest_testorbit.cases.schema",  # schema
    "pytest_testorbit.cli.importing",  # import postman|openapi|har|curl
    "pytest_testorbit.cli.coverage",  # coverage
    "pytest_testorbit.cli.serve",  # serve
    "pytest_testorbit.cli.user",  # user add|assign|list
)


# argparse words an invalid choice differently across Python versions (quoted or not):
# the message is rebuilt in one form, so what a user reads does not depend on the Python.
_INVALID_CHOICE = re.compile(r"invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)$")


class OrbitArgumentParser(argparse.ArgumentParser):
    """A parser whose errors are one line, ``orbit: error: ...``, and exit status 2.

    argparse prints the whole usage before its error; commands.md promises one line. The
    class is inherited by every sub-parser (``add_subparsers`` uses the parent's class).
    """

    def error(self, message: str) -> NoReturn:
        match = _INVALID_CHOICE.search(message)
        if match is not None:
            value = match["value"].strip("'")
            choices = ", ".join(choice.strip("'") for choice in match["choices"].split(", "))
            message = f"{message[: match.start()]}invalid choice {value!r}; choose from {choices}"
        hint = f" (see `{self.prog} --help`)" if "choose from" not in message else ""
        self.exit(2, f"orbit: error: {message}{hint}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OrbitArgumentParser(
        prog="orbit",
        description="Reports, trends, flaky groups and schedules for pytest-testorbit suites.",
    )
    parser.add_argument("--version", action="version", version=f"orbit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside the module: show it
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except OrbitError as exc:
        print(f"orbit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover - python -m pytest_testorbit.cli
    sys.exit(main())
