"""``orbit user add|assign|list``: the server's users, in the store (the ``server`` extra).

A password is typed twice at a prompt (never echoed), or read from stdin with
``--password-stdin`` for scripts; there is no default password and no ``--password`` option,
which would leave it in the shell's history and in ``ps``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from ..errors import UsageError
from .serve import INSTALL_HINT


def register(subparsers: Any) -> None:
    from .db import add_db_argument

    user = subparsers.add_parser("user", help="Add users of orbit serve and assign their projects")
    user.set_defaults(func=lambda _args: _help(user))
    actions = user.add_subparsers(dest="user_command", metavar="COMMAND")

    add = actions.add_parser("add", help="Add a user; the password is prompted for")
    add.add_argument("name", help="The user's login name")
    add.add_argument("--email", required=True, help="The user's e-mail address")
    add.add_argument("--admin", action="store_true", help="May assign projects and change all")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="Read the password from the first line of stdin instead of prompting",
    )
    add_db_argument(add)
    add.set_defaults(func=run_add)

    assign = actions.add_parser("assign", help="Set the projects a user may change, exactly")
    assign.add_argument("name", help="The user's login name")
    assign.add_argument(
        "--projects",
        required=True,
        metavar="P1,P2",
        help='Project names (orbit.yaml\'s project:), comma-separated; "" for none',
    )
    add_db_argument(assign)
    assign.set_defaults(func=run_assign)

    listing = actions.add_parser("list", help="The users, their e-mail and projects")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    add_db_argument(listing)
    listing.set_defaults(func=run_list)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _users() -> Any:
    try:
        import argon2  # noqa: F401  # users.py imports it on first use: fail here, in one line

        from ..server import users
    except ModuleNotFoundError as exc:
        raise UsageError(f"orbit user needs {exc.name}: {INSTALL_HINT}") from None
    return users


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("--password-stdin: stdin has no password on its first line")
        return line
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the password: pipe it in with --password-stdin")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise UsageError("the two passwords differ: nothing was changed; try again")
    return first


def run_add(args: argparse.Namespace) -> int:
    from .db import open_target

    users = _users()
    users.check_name(args.name)
    users.check_email(args.email)
    password = users.check_password(read_password(args.password_stdin))
    store = open_target(args)
    try:
        with store.begin() as session:
            users.add_user(session, args.name, args.email, password, is_admin=args.admin)
    finally:
        store.close()
    role = "admin" if args.admin else "user"
    print(f"Added {role} {args.name} <{args.email}>.")
    return 0


def run_assign(args: argparse.Namespace) -> int:
    from .db import open_target

    users = _users()
    projects = [p.strip() for p in args.projects.split(",") if p.strip()]
    store = open_target(args)
    try:
        with store.begin() as session:
            user = users.set_projects(session, args.name, projects)
    finally:
        store.close()
    shown = ", ".join(sorted(user.projects)) or "none"
    print(f"{user.name} may now change the schedules of: {shown}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from ..tables import table
    from .db import open_target

    users = _users()
    store = open_target(args)
    try:
        with store.session() as session:
            found = users.list_users(session)
    finally:
        store.close()
    rows = [
        {
            "name": u.name,
            "email": u.email,
            "admin": u.is_admin,
            "projects": sorted(u.projects),
        }
        for u in found
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print("No users: add one with `orbit user add NAME --email ADDRESS`.")
    else:
        header = ["NAME", "E-MAIL", "ADMIN", "PROJECTS"]
        body = [
            [r["name"], r["email"], "yes" if r["admin"] else "no", ",".join(r["projects"]) or "-"]
            for r in rows
        ]
        print("\n".join(table([header, *body])))
    return 0
