"""``orbit serve``'s app on a real port, for the server tests (not a test module).

The socket is bound and listening before uvicorn starts, on a free 127.0.0.1 port chosen
by the kernel: a request sent at once waits in the listen backlog until the app accepts it,
so there is no start-up race to sleep through. One server per test module keeps the run
short; ``serve`` yields the base URL and stops the server after.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
import uvicorn

from pytest_testorbit.server.app import create_app
from pytest_testorbit.server.settings import ServerSettings


@dataclass
class Served:
    url: str  # http://127.0.0.1:PORT, no trailing slash
    settings: ServerSettings
    app: object

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, token, **kwargs)

    def request(
        self,
        method: str,
        path: str,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """``method path`` with ``Authorization: Token <token>`` when a token is given."""
        sent = {**auth(token), **(headers or {})}
        return requests.request(method, self.url + path, headers=sent, timeout=30, **kwargs)


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Token {token}"} if token else {}


@contextmanager
def serve(settings: ServerSettings) -> Iterator[Served]:
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{port}", settings, app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
