"""``orbit serve``: the web service over the results store (the ``server`` extra)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import UsageError

INSTALL_HINT = "install the server: pip install 'pytest-testorbit[server]'"


def register(subparsers: Any) -> None:
    from .db import add_db_argument

    serve = subparsers.add_parser(
        "serve", help="Serve the results and the schedules API over HTTP (the server extra)"
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="Address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=int, default=8080, help="Port to listen on (default: 8080; 0: any free one)"
    )
    add_db_argument(serve)
    serve.add_argument(
        "--anonymous-read",
        action="store_true",
        help="Let requests without a token read runs and schedules (changes still need one)",
    )
    serve.add_argument(
        "--project",
        metavar="DIR",
        action="append",
        help="A suite's folder (with orbit.yaml) that schedules made through the API may "
        "name; repeat for several (default: the current folder, if it has orbit.yaml)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        default=None,
        help="Proxies whose X-Forwarded-For/-Proto headers are trusted (uvicorn's option; "
        "default: 127.0.0.1)",
    )
    serve.set_defaults(func=run_serve)


def settings_from(args: argparse.Namespace) -> Any:
    """The ``ServerSettings`` of the command line (the store chosen as ``orbit db`` does)."""
    from ..cases.project_path import PROJECT_FILE
    from ..server.settings import ServerSettings
    from .db import target

    chosen = target(args)
    if args.project:
        suites = tuple(Path(folder).resolve() for folder in args.project)
    else:
        here = Path.cwd()
        suites = (here,) if (here / PROJECT_FILE).is_file() else ()
    return ServerSettings(
        db_url=chosen.url,
        anonymous_read=args.anonymous_read,
        auto_upgrade=chosen.auto_upgrade,
        suites=suites,
    )


def run_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..server.app import create_app
    except ModuleNotFoundError as exc:
        raise UsageError(f"orbit serve needs {exc.name}: {INSTALL_HINT}") from None
    if not 0 <= args.port < 65536:
        raise UsageError(f"--port {args.port} is not a port: use 1-65535 (0: any free port)")
    app = create_app(settings_from(args))
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        server_header=False,
    )
    return 0
