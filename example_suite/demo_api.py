"""A small shop API for the example suite: log in, orders, a slow endpoint, and a few extras.

Standard library only, so the example runs on a fresh machine. Started by conftest.py on a
free port of 127.0.0.1; state lives in memory and dies with the process.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

USERS = {"alice": "secret", "bob": "hunter2"}
PRICES = {"ABC-1": 9.5, "XYZ-9": 20.0}


class Shop:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens: dict[str, str] = {}
        self.orders: dict[int, dict[str, Any]] = {}
        self.ids = itertools.count(1)
        self.jobs: dict[str, float] = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real APIs
    disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms ACK wait
    shop: Shop

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # -- plumbing --------------------------------------------------------------------------

    def reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(raw or b"null")
        return raw

    def user(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip()
        return self.shop.tokens.get(token)

    def route(self, method: str) -> None:
        url = urlparse(self.path)
        parts = [p for p in url.path.split("/") if p]
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        handler = getattr(self, f"{method}_{parts[0]}" if parts else f"{method}_root", None)
        if handler is None:
            self.reply(404, {"error": f"no route {method.upper()} {url.path}"})
            return
        handler(parts[1:], query)

    def do_GET(self) -> None:
        self.route("get")

    def do_POST(self) -> None:
        self.route("post")

    def do_PATCH(self) -> None:
        self.route("patch")

    def do_DELETE(self) -> None:
        self.route("delete")

    # -- routes ----------------------------------------------------------------------------

    def get_health(self, parts: list[str], query: dict[str, str]) -> None:
        self.reply(200, {"status": "ok"}, {"X-Service": "demo-shop"})

    def post_auth(self, parts: list[str], query: dict[str, str]) -> None:
        body = self.body() or {}
        if USERS.get(body.get("username")) != body.get("password"):
            self.reply(401, {"error": "wrong username or password"})
            return
        token = secrets.token_hex(16)
        with self.shop.lock:
            self.shop.tokens[token] = body["username"]
        self.reply(200, {"token": token, "user": body["username"]})

    def post_orders(self, parts: list[str], query: dict[str, str]) -> None:
        user = self.user()
        if user is None:
            self.reply(401, {"error": "log in first"})
            return
        body = self.body() or {}
        sku, qty = body.get("sku"), body.get("qty")
        if sku not in PRICES or not isinstance(qty, int) or qty < 1:
            self.reply(422, {"error": "sku must be a known product and qty a positive integer"})
            return
        with self.shop.lock:
            order_id = next(self.shop.ids)
            order = {"id": order_id, "owner": user, "sku": sku, "qty": qty, "status": "new",
                     "total": round(PRICES[sku] * qty, 2), "items": [{"sku": sku, "qty": qty}]}
            self.shop.orders[order_id] = order
        self.reply(201, order, {"Location": f"/orders/{order_id}"})

    def _order(self, parts: list[str]) -> dict[str, Any] | None:
        user = self.user()
        if user is None:
            self.reply(401, {"error": "log in first"})
            return None
        order = self.shop.orders.get(int(parts[0])) if parts and parts[0].isdigit() else None
        if order is None or order["owner"] != user:
            self.reply(404, {"error": "no such order"})
            return None
        return order

    def get_orders(self, parts: list[str], query: dict[str, str]) -> None:
        if not parts:
            user = self.user()
            mine = [o for o in self.shop.orders.values() if o["owner"] == user]
            self.reply(200 if user else 401, {"orders": mine, "count": len(mine)} if user else {"error": "log in first"})
            return
        order = self._order(parts)
        if order is not None:
            self.reply(200, order)

    def patch_orders(self, parts: list[str], query: dict[str, str]) -> None:
        order = self._order(parts)
        if order is not None:
            order.update({k: v for k, v in (self.body() or {}).items() if k == "status"})
            self.reply(200, order)

    def delete_orders(self, parts: list[str], query: dict[str, str]) -> None:
        order = self._order(parts)
        if order is not None:
            del self.shop.orders[order["id"]]
            self.reply(204)

    def get_slow(self, parts: list[str], query: dict[str, str]) -> None:
        time.sleep(int(query.get("ms", "300")) / 1000)
        self.reply(200, {"slept_ms": int(query.get("ms", "300"))})

    def post_jobs(self, parts: list[str], query: dict[str, str]) -> None:
        job_id = secrets.token_hex(4)
        self.shop.jobs[job_id] = time.monotonic() + 0.3
        self.reply(202, {"job": job_id, "state": "running"})

    def get_jobs(self, parts: list[str], query: dict[str, str]) -> None:
        done_at = self.shop.jobs.get(parts[0]) if parts else None
        if done_at is None:
            self.reply(404, {"error": "no such job"})
            return
        self.reply(200, {"job": parts[0], "state": "done" if time.monotonic() >= done_at else "running"})

    def get_login(self, parts: list[str], query: dict[str, str]) -> None:
        # A browser-style login: sets a session cookie, then redirects to /me.
        self.reply(302, None, {"Location": "/me", "Set-Cookie": "sid=demo-session; Path=/"})

    def get_me(self, parts: list[str], query: dict[str, str]) -> None:
        cookie = self.headers.get("Cookie", "")
        if "sid=demo-session" not in cookie:
            self.reply(401, {"error": "no session cookie"})
            return
        self.reply(200, {"user": "alice", "via": "cookie"})

    def get_text(self, parts: list[str], query: dict[str, str]) -> None:
        data = b"Build 1.4.2 (commit abc123)\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def start(host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Start the demo API in a daemon thread; ``server.server_address`` says where."""
    handler = type("ShopHandler", (Handler,), {"shop": Shop()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="demo-api", daemon=True).start()
    return server


if __name__ == "__main__":  # python example_suite/demo_api.py: run it by hand
    running = start(port=8000)
    print("demo API on http://127.0.0.1:8000 (Ctrl-C stops it)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        running.shutdown()
