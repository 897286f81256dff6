"""``orbit schedule add|list|update|cancel`` and ``orbit scheduler``: argparse glue only.

Parsing and checking of values lives in ``commands``; the store work in ``service``; the
running in ``scheduler``. Every command takes ``--db URL`` and ``--project DIR`` (the folder
of orbit.yaml, default: the current folder), so the scheduler runs pytest where the suite is.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..store.schedule_models import STATUSES


def _common(parser: argparse.ArgumentParser) -> None:
    from .db import add_db_argument

    add_db_argument(parser)
    parser.add_argument(
        "--project",
        metavar="DIR",
        help="The suite's folder, where orbit.yaml is (default: the current folder)",
    )


def _timing_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="A name for people (default: the group names)")
    parser.add_argument("--groups", metavar="G1,G2", help="Case group ids, comma-separated")
    parser.add_argument(
        "--at",
        metavar="TIME",
        help="Run once at TIME (2026-12-01T02:00; read in --tz unless it has an offset); "
        "with --cron, the first run is not before it",
    )
    parser.add_argument("--cron", metavar="EXPR", help='Run repeatedly, e.g. "0 2 * * *"')
    parser.add_argument(
        "--tz", metavar="ZONE", help="Time zone of --at and --cron (default: this machine's)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--parallel",
        dest="mode",
        action="store_const",
        const="parallel",
        help="Run the groups in parallel (pytest -n auto)",
    )
    mode.add_argument(
        "--serial",
        dest="mode",
        action="store_const",
        const="serial",
        help="Run the groups one after another (the default)",
    )
    parser.add_argument(
        "--owners", metavar="A,B", help="E-mail addresses to notify (default: the groups' owners)"
    )
    parser.add_argument("--env", metavar="NAME", help="The environment (default: default_env)")


def register(subparsers: Any) -> None:
    from ..schedule import commands

    schedule = subparsers.add_parser("schedule", help="Add, list, update or cancel scheduled runs")
    schedule.set_defaults(func=lambda _args: _help(schedule))
    actions = schedule.add_subparsers(dest="schedule_command", metavar="COMMAND")

    add = actions.add_parser("add", help="Schedule a run of some case groups; prints its id")
    _timing_options(add)
    _common(add)
    add.set_defaults(func=commands.add, mode=None)

    listing = actions.add_parser("list", help="The schedules, with next time, status and runs")
    listing.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help=f"Only these statuses ({', '.join(STATUSES)}); repeat or comma-separate",
    )
    listing.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="Output format (default: table)",
    )
    _common(listing)
    listing.set_defaults(func=commands.list_)

    change = actions.add_parser("update", help="Change a pending schedule")
    change.add_argument("id", type=int, help="The schedule's id")
    _timing_options(change)
    _common(change)
    change.set_defaults(func=commands.update, mode=None)

    cancel = actions.add_parser("cancel", help="Cancel a pending schedule")
    cancel.add_argument("id", type=int, help="The schedule's id")
    _common(cancel)
    cancel.set_defaults(func=commands.cancel)

    runner = subparsers.add_parser(
        "scheduler", help="Run due schedules: poll the store, run pytest, notify the owners"
    )
    runner.add_argument("--once", action="store_true", help="Run what is due now, then exit")
    runner.add_argument(
        "--interval",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="Seconds between polls of the store (default: 30)",
    )
    runner.add_argument(
        "--lease",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="A running schedule whose heartbeat is older than this is marked "
        "failed, abandoned (default: 300)",
    )
    runner.add_argument(
        "--grace",
        type=float,
        default=3600.0,
        metavar="SECONDS",
        help="Fires missed by more than this are skipped (default: 3600)",
    )
    runner.add_argument(
        "--no-notify", action="store_true", help="Send no e-mail or webhook after a run"
    )
    runner.add_argument("-v", "--verbose", action="store_true", help="Log every poll")
    _common(runner)
    runner.set_defaults(func=commands.scheduler)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
