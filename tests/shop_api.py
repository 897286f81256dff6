"""A small shop API on pytest-httpserver, for running the suites the importers generate.

It answers the requests of tests/importdata/: log in, orders, health, and the pet store of
the OpenAPI descriptions, checking the credentials the imported suites must send.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from werkzeug import Request, Response

TOKEN = "tok-42"


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


def _login(request: Request) -> Response:
    body = request.get_json(silent=True) or {}
    if request.headers.get("X-API-Key") != "k-123":
        return _json({"error": "no api key"}, 401)
    if body != {"username": "alice", "password": "s3cret"}:
        return _json({"error": f"bad credentials {body!r}"}, 401)
    return _json({"token": TOKEN, "user": {"name": "alice"}})


def _authorized(request: Request) -> bool:
    return request.headers.get("Authorization") == f"Bearer {TOKEN}"


def _orders(request: Request) -> Response:
    if not _authorized(request):
        return _json({"error": "unauthorized"}, 401)
    body = request.get_json(silent=True) or {}
    if not isinstance(body.get("qty"), int):  # the template kept the number a number
        return _json({"error": f"qty must be a number: {body!r}"}, 400)
    return _json({"id": 7, "qty": body["qty"], "items": [{"sku": body.get("sku")}]}, 201)


def _order(request: Request) -> Response:
    if not _authorized(request) or request.args.get("expand") != "items":
        return _json({"error": "unauthorized or no expand"}, 401)
    return _json({"id": 7, "status": "new", "items": [{"sku": "ABC-1"}]})


def _admin(request: Request) -> Response:
    expected = "Basic " + base64.b64encode(b"admin:adm1n").decode()
    if request.headers.get("Authorization") != expected or request.args.get("page") != "1":
        return _json({"error": "forbidden"}, 403)
    return _json([{"id": 7}])


def install_shop(httpserver: Any) -> None:
    httpserver.expect_request("/auth/login", method="POST").respond_with_handler(_login)
    httpserver.expect_request("/orders", method="POST").respond_with_handler(_orders)
    httpserver.expect_request("/orders/7", method="GET").respond_with_handler(_order)
    httpserver.expect_request("/admin/orders", method="GET").respond_with_handler(_admin)
    httpserver.expect_request("/health").respond_with_data("all ok")


PET = {"id": 7, "name": "Rex", "tag": "dog"}


def install_petstore(httpserver: Any, prefix: str = "/api/v3") -> None:
    def delete(request: Request) -> Response:
        if request.headers.get("X-API-Key") != "k-123":
            return _json({"code": 401, "message": "no key"}, 401)
        return Response(status=204)

    server = httpserver
    server.expect_request(f"{prefix}/pets", method="GET", query_string="limit=1").respond_with_json(
        [{"id": 1, "name": "Tom", "tag": None}]
    )
    server.expect_request(
        f"{prefix}/pets", method="POST", json={"name": "Rex", "tag": "dog"}
    ).respond_with_json(PET, status=201)
    server.expect_request(f"{prefix}/pets/7", method="GET").respond_with_json(PET)
    server.expect_request(f"{prefix}/pets/7", method="DELETE").respond_with_handler(delete)
    server.expect_request(f"{prefix}/store/orders", method="POST").respond_with_json(
        {"id": 1, "petId": 7, "quantity": 1, "status": "placed"}
    )
