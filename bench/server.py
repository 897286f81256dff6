"""The benchmark's API under test: a threaded keep-alive HTTP/1.1 JSON server on 127.0.0.1.

``POST /step`` with ``{"token": t}`` answers ``200 {"token": next, "n": i, "ok": true}``.
The token ``start`` opens a new chain; any other token must be the last one the server issued
in that chain, so a contender that does not carry the extracted token into the next request
gets ``409 {"ok": false}`` and fails its status check. Chains are told apart by the token
itself (``<chain>.<n>``), so parallel groups and several connections never disturb each other.

``latency`` (seconds) delays every answer, for the parallel scenario.

Run on its own: ``python bench/server.py --port 8000 --latency 0.1``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

START = "start"


class ChainState:
    """The last token issued in each chain."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._chains = itertools.count(1)
        self._last: dict[str, int] = {}  # chain id -> number of the last token issued

    def advance(self, token: object) -> tuple[str, int] | None:
        """The next token and its step number, or None if ``token`` is not the expected one."""
        with self._lock:
            if token == START:
                chain, n = str(next(self._chains)), 0
            else:
                chain, _, number = str(token).partition(".")
                if not number.isdigit() or self._last.get(chain) != int(number):
                    return None
                n = int(number)
            self._last[chain] = n + 1
            return f"{chain}.{n + 1}", n + 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True
    server: BenchServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path != "/step":
            self._answer(404, {"ok": False, "error": f"no route {self.path}"})
            return
        try:
            token = json.loads(raw)["token"]
        except (ValueError, KeyError, TypeError):
            self._answer(400, {"ok": False, "error": "expected a JSON body {token: ...}"})
            return
        if self.server.latency:
            time.sleep(self.server.latency)
        issued = self.server.chains.advance(token)
        if issued is None:
            self._answer(409, {"ok": False, "error": f"unexpected token {token!r}"})
        else:
            self._answer(200, {"token": issued[0], "n": issued[1], "ok": True})

    def _answer(self, status: int, payload: dict[str, object]) -> None:
        body = json.dumps(payload).encode()
        reason = self.responses.get(status, ("",))[0]
        # One write for head and body: two small writes on a keep-alive connection can meet
        # the client's delayed ACK and cost tens of milliseconds each.
        head = (
            f"HTTP/1.1 {status} {reason}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.wfile.write(head.encode() + body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class BenchServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, latency: float = 0.0, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.latency = latency
        self.chains = ChainState()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def start(latency: float = 0.0) -> BenchServer:
    """A server on a free port, serving from a daemon thread; ``shutdown()`` stops it."""
    server = BenchServer(latency)
    threading.Thread(target=server.serve_forever, name="bench-server", daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--latency", type=float, default=0.0, help="Seconds before each answer")
    args = parser.parse_args()
    server = BenchServer(args.latency, args.port)
    print(f"serving on {server.url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
