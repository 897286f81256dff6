"""Every refusal as ``{"detail": "<what is wrong and how to fix it>"}``, never a 500 for input.

FastAPI's own validation errors are a list of dicts made for programs; here they become one
sentence a person reads (the field, what is wrong), with the list kept under ``errors``.
A required field that is missing is a 400 naming it; any other wrong value is a 422. An
``OrbitError`` raised by the services underneath (the rules ``orbit schedule`` applies) is a
422 with its message.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ..errors import OrbitError


def _where(location: tuple[Any, ...] | list[Any]) -> str:
    if list(location[:1]) == ["body"] and all(isinstance(p, int) for p in location[1:]):
        return "the body"  # a JSON error's position, not a field
    parts = [str(part) for part in location if part not in ("body",)]
    if parts and parts[0] in ("query", "path", "header"):
        return f"{parts[0]} parameter {'.'.join(parts[1:])}"
    return ".".join(parts) or "the body"


def _sentence(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    where = _where(error.get("loc", ()))
    if kind == "missing":
        return f"{where} is required"
    if kind == "extra_forbidden":
        return f"{where} is not a field of this request: remove it (see /docs for the fields)"
    if kind == "json_invalid":
        return f"the body is not valid JSON: {error.get('ctx', {}).get('error', error['msg'])}"
    if kind == "model_attributes_type" or where == "the body":
        return "the body must be a JSON object (see /docs for the fields)"
    return f"{where}: {error.get('msg', 'not a valid value')}"


def validation_failed(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    missing = [e for e in errors if e.get("type") == "missing"]
    shown = missing or errors
    status = 400 if missing else 422
    detail = "; ".join(dict.fromkeys(_sentence(e) for e in shown))
    listed = [{"field": _where(e.get("loc", ())), "message": _sentence(e)} for e in errors]
    return JSONResponse({"detail": detail, "errors": listed}, status_code=status)


def orbit_error(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=422)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_failed)
    app.add_exception_handler(OrbitError, orbit_error)
