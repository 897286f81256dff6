"""An OpenAPI description as a list of operations, each with its parts resolved.

Swagger 2.0 is brought into the 3.x shape here (body and form parameters become a
``requestBody``, response ``schema`` becomes ``content``), so its readers see one shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import InputFileError, UsageError
from ..inputfiles import Where, load_json_or_yaml, need
from .refs import Resolver

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class Operation:
    method: str  # GET
    path: str  # /pets/{petId}
    operation_id: str | None
    summary: str
    tags: list[str]
    parameters: list[dict[str, Any]]
    request_body: dict[str, Any] | None
    responses: dict[str, dict[str, Any]]
    security: list[dict[str, Any]] | None


@dataclass
class Spec:
    path: Path
    version: str  # "2.0", "3.0" or "3.1"
    title: str
    servers: list[str]  # base URLs (or paths, for a relative server)
    operations: list[Operation] = field(default_factory=list)
    security_schemes: dict[str, Any] = field(default_factory=dict)
    security: list[dict[str, Any]] = field(default_factory=list)
    _compiled: list[tuple[Operation, re.Pattern[str], int]] | None = field(default=None, repr=False)

    @property
    def base_paths(self) -> list[str]:
        """The path part of each server URL, longest first: ``/api/v3``."""
        paths = {urlsplit(url).path.rstrip("/") for url in self.servers} or {""}
        return sorted(paths, key=len, reverse=True)

    def find(self, method: str, url: str) -> Operation | None:
        """The operation a request is for: ``GET .../api/v3/pets/7`` is ``GET /pets/{petId}``.

        The servers' base path is not part of the templates; where two templates match, the
        one with more literal segments wins (``/pets/mine`` over ``/pets/{petId}``).
        """
        path = unquote(urlsplit(url).path)
        for base in self.base_paths:
            if base and not path.startswith(base + "/") and path != base:
                continue
            rest = path[len(base) :] or "/"
            matches = [
                (literal, op)
                for op, pattern, literal in self._patterns()
                if op.method == method.upper() and pattern.match(rest)
            ]
            if matches:
                return max(matches, key=lambda match: match[0])[1]
        return None

    def _patterns(self) -> list[tuple[Operation, re.Pattern[str], int]]:
        if self._compiled is None:
            self._compiled = [
                (op, _pattern(op.path), sum(not p.startswith("{") for p in op.path.split("/")))
                for op in self.operations
            ]
        return self._compiled


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template.rstrip("/") or "/")
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}/?$")


def documented_status(code: int, documented: list[str]) -> str | None:
    """Which documented response a status code falls under: ``404``, ``4XX`` or ``default``."""
    text = str(code)
    if text in documented:
        return text
    for ranged in (f"{text[0]}XX", f"{text[0]}xx"):
        if ranged in documented:
            return ranged
    return "default" if "default" in documented else None


def _validate(data: dict[str, Any], version: str, where: Where) -> None:
    try:
        import openapi_spec_validator as osv
        from jsonschema.exceptions import best_match
        from jsonschema_path import SchemaPath
    except ModuleNotFoundError:
        raise UsageError(
            "reading OpenAPI needs the import extra: pip install 'pytest-testorbit[import]'"
        ) from None
    cls = {
        "2.0": osv.OpenAPIV2SpecValidator,
        "3.0": osv.OpenAPIV30SpecValidator,
        "3.1": osv.OpenAPIV31SpecValidator,
    }[version]
    error = best_match(cls.schema_validator.iter_errors(data))
    if error is None:
        try:
            error = next(cls(SchemaPath.from_dict(data)).iter_errors(), None)
        except Exception:  # its walk can fail on a shape our resolver has already checked
            error = None
    if error is not None:
        pointer = where
        for part in error.absolute_path:
            pointer = pointer / part
        raise pointer.error(None, error.message)


def load_spec(path: Path) -> Spec:
    data, where = load_json_or_yaml(path, "OpenAPI")
    need(isinstance(data, dict), where, "expected an OpenAPI description (a mapping)")
    raw_version = str(data.get("openapi") or data.get("swagger") or "")
    version = "2.0" if raw_version == "2.0" else raw_version[:3]
    if version not in ("2.0", "3.0", "3.1"):
        raise InputFileError(
            str(path),
            "not an OpenAPI 3.0/3.1 or Swagger 2.0 description (no 'openapi: 3.x' "
            "or 'swagger: \"2.0\"' at the top)"
            if not raw_version
            else f"OpenAPI {raw_version} is not supported (3.0, 3.1 and Swagger 2.0 are)",
            "/",
        )
    resolved = Resolver(data, path).resolve(data, where)
    _validate(data, version, where)
    info = resolved.get("info") or {}
    spec = Spec(
        path=path,
        version=version,
        title=str(info.get("title") or path.stem),
        servers=_servers(resolved, version),
    )
    components = resolved.get("components") or {}
    spec.security_schemes = (
        resolved.get("securityDefinitions")
        if version == "2.0"
        else components.get("securitySchemes")
    ) or {}
    spec.security = resolved.get("security") or []
    for template, item in (resolved.get("paths") or {}).items():
        shared = item.get("parameters") or []
        for method in (key for key in item if key in METHODS):
            spec.operations.append(
                _operation(resolved, version, template, method, item[method], shared)
            )
    return spec


def _servers(data: dict[str, Any], version: str) -> list[str]:
    if version == "2.0":
        host, base = data.get("host"), data.get("basePath") or ""
        if not host:
            return [base] if base else []
        return [f"{scheme}://{host}{base}" for scheme in data.get("schemes") or ["https"]]
    urls = []
    for server in data.get("servers") or []:
        url = str(server.get("url") or "")
        for name, variable in (server.get("variables") or {}).items():
            url = url.replace("{" + name + "}", str(variable.get("default", "")))
        urls.append(url)
    return urls


def _operation(
    data: dict[str, Any],
    version: str,
    template: str,
    method: str,
    raw: dict[str, Any],
    shared: list[Any],
) -> Operation:
    own = raw.get("parameters") or []
    names = {(p.get("in"), p.get("name")) for p in own}
    parameters = [*[p for p in shared if (p.get("in"), p.get("name")) not in names], *own]
    body = raw.get("requestBody")
    responses = {
        str(code): response or {} for code, response in (raw.get("responses") or {}).items()
    }
    if version == "2.0":
        consumes = raw.get("consumes") or data.get("consumes") or ["application/json"]
        produces = raw.get("produces") or data.get("produces") or ["application/json"]
        body = _body_v2(parameters, consumes)
        parameters = [
            _parameter_v2(p) for p in parameters if p.get("in") not in ("body", "formData")
        ]
        responses = {
            code: {**r, "content": {produces[0]: {"schema": r["schema"]}}} if "schema" in r else r
            for code, r in responses.items()
        }
    return Operation(
        method=method.upper(),
        path=template,
        operation_id=raw.get("operationId"),
        summary=str(raw.get("summary") or ""),
        tags=list(raw.get("tags") or []),
        parameters=parameters,
        request_body=body,
        responses=responses,
        security=raw.get("security"),
    )


def _parameter_v2(parameter: dict[str, Any]) -> dict[str, Any]:
    keys = ("type", "format", "enum", "items", "default", "minimum", "maximum")
    schema = {k: parameter[k] for k in keys if k in parameter}
    return {**parameter, "schema": schema}


def _body_v2(parameters: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any] | None:
    for parameter in parameters:
        if parameter.get("in") == "body":
            schema = parameter.get("schema") or {}
            return {
                "required": bool(parameter.get("required")),
                "content": {consumes[0]: {"schema": schema}},
            }
    form = [p for p in parameters if p.get("in") == "formData"]
    if not form:
        return None
    schema = {
        "type": "object",
        "properties": {p["name"]: _parameter_v2(p)["schema"] for p in form},
        "required": [p["name"] for p in form if p.get("required")],
    }
    kind = (
        "multipart/form-data"
        if any(p.get("type") == "file" for p in form)
        else "application/x-www-form-urlencoded"
    )
    return {"content": {kind: {"schema": schema}}}
