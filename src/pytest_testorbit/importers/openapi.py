"""``orbit import openapi SPEC``: OpenAPI 3.0/3.1 or Swagger 2.0 → a case file per tag.

One step per operation, in the order the description lists them. Path, query and header
parameters are group variables (their example, default or a value made from their schema);
the request body is the operation's example or one made from its schema; ``expect.status``
is the documented success code and ``expect.schema`` that response's schema, ``$ref``s
resolved. Security schemes become ``auth:`` (or an API-key header or parameter) reading
variables that ``orbit.yaml`` lists as secrets, for you to fill in.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..cases.slugs import slugify
from ..openapi.schemas import sample, to_json_schema
from ..openapi.spec import Operation, Spec, load_spec
from .requests import ordered
from .writer import CaseFile, Imported, unique_step_names

_JSON = re.compile(r"^application/(.+\+)?json$")


def variable_name(text: str) -> str:
    name = re.sub(r"\W+", "_", text).strip("_") or "value"
    return f"_{name}" if name[0].isdigit() else name


def import_openapi(path: Path) -> Imported:
    spec = load_spec(path)
    kind = "Swagger 2.0" if spec.version == "2.0" else f"OpenAPI {spec.version}"
    imported = Imported(
        source=f"{kind} description {spec.title!r}", project=slugify(spec.title) or "api"
    )
    groups: dict[str, dict[str, Any]] = {}
    secrets: dict[str, str] = {}
    for operation in spec.operations:
        tag = operation.tags[0] if operation.tags else spec.title
        group = groups.setdefault(
            tag, {"name": slugify(tag) or "api", "title": tag, "variables": {}, "steps": []}
        )
        step = _step(spec, operation, group["variables"], secrets, imported.notes)
        group["steps"].append(step)
    for tag, group in groups.items():
        if not group["variables"]:
            del group["variables"]
        unique_step_names(group["steps"])
        comments = [f"Imported from the {kind} description {spec.title!r}, tag {tag!r}."]
        imported.files.append(CaseFile(f"{group['name']}.orbit.yaml", group, comments))
    environment: dict[str, Any] = {}
    base = spec.servers[0] if spec.servers else ""
    environment["base_url"] = base if "://" in base else f"http://localhost{base}"
    if "://" not in base:
        imported.notes.append(
            f"the description names no server URL: base_url is {environment['base_url']}; "
            "change it in orbit.yaml"
        )
    if secrets:
        environment["variables"] = {name: "" for name in secrets}
        environment["secrets"] = list(secrets)
        imported.notes.extend(
            f"fill in {name!r} in orbit.yaml ({why}), or read it from the environment: "
            f'"{{{{ env.{name.upper()} }}}}"'
            for name, why in secrets.items()
        )
    imported.environments = {"default": environment}
    return imported


def _step(
    spec: Spec,
    operation: Operation,
    variables: dict[str, Any],
    secrets: dict[str, str],
    notes: list[str],
) -> dict[str, Any]:
    label = f"{operation.method} {operation.path}"
    step: dict[str, Any] = {"name": operation.operation_id or label}
    if operation.summary:
        step["description"] = operation.summary
    url = operation.path
    request: dict[str, Any] = {"method": operation.method}
    params: dict[str, Any] = {}
    headers: dict[str, Any] = {}
    cookies: dict[str, Any] = {}
    for parameter in operation.parameters:
        where, name = parameter.get("in"), str(parameter.get("name"))
        if where != "path" and not parameter.get("required") and "example" not in parameter:
            continue  # an optional parameter: the call works without it
        variable = variable_name(name)
        value = (
            parameter["example"]
            if "example" in parameter
            else sample(parameter.get("schema") or {})
        )
        variables.setdefault(variable, "1" if value is None else value)
        template = "{{ " + variable + " }}"
        if where == "path":
            url = url.replace("{" + name + "}", template)
        elif where == "query":
            params[name] = template
        elif where == "header":
            headers[name] = template
        elif where == "cookie":
            cookies[name] = template
    request["url"] = url
    for key, value in (("params", params), ("headers", headers), ("cookies", cookies)):
        if value:
            request[key] = value
    _security(spec, operation, request, secrets, notes, label)
    _body(operation, request, notes, label)
    step["request"] = ordered(request)
    expect = _expect(spec, operation)
    if expect:
        step["expect"] = expect
    return step


def _body(operation: Operation, request: dict[str, Any], notes: list[str], label: str) -> None:
    body = operation.request_body
    if not body or not body.get("content"):
        return
    content: dict[str, Any] = body["content"]
    kind = next((k for k in content if _JSON.match(k)), next(iter(content)))
    media = content[kind] or {}
    if "example" in media:
        value = media["example"]
    elif media.get("examples"):
        first = next(iter(media["examples"].values()))
        value = first.get("value") if isinstance(first, dict) else first
    else:
        value = sample(media.get("schema") or {})
    if _JSON.match(kind):
        request["json"] = value
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data") and isinstance(
        value, dict
    ):
        request["data"] = {k: v for k, v in value.items() if not isinstance(v, (dict, list))}
        if kind == "multipart/form-data":
            notes.append(f"{label}: a multipart body; add its files: by hand")
    else:
        request["data"] = value if isinstance(value, str) else ""
        request["headers"] = {**request.get("headers", {}), "Content-Type": kind}


def _expect(spec: Spec, operation: Operation) -> dict[str, Any]:
    codes = sorted(code for code in operation.responses if re.fullmatch(r"2\d\d", code))
    if not codes:
        return {}
    expect: dict[str, Any] = {"status": int(codes[0])}
    content = operation.responses[codes[0]].get("content") or {}
    kind = next((k for k in content if _JSON.match(k)), None)
    schema = (content.get(kind) or {}).get("schema") if kind else None
    if schema:
        expect["schema"] = to_json_schema(schema, spec.version)
    return expect


def _security(
    spec: Spec,
    operation: Operation,
    request: dict[str, Any],
    secrets: dict[str, str],
    notes: list[str],
    label: str,
) -> None:
    requirements = operation.security if operation.security is not None else spec.security
    if not requirements or not requirements[0]:
        return
    for scheme_name in requirements[0]:
        scheme = spec.security_schemes.get(scheme_name) or {}
        kind, http = scheme.get("type"), str(scheme.get("scheme", "")).lower()
        if kind == "basic" or (kind == "http" and http == "basic"):
            secrets.setdefault("username", f"HTTP basic, {scheme_name}")
            secrets.setdefault("password", f"HTTP basic, {scheme_name}")
            request["auth"] = {"basic": ["{{ username }}", "{{ password }}"]}
        elif kind in ("http", "oauth2", "openIdConnect"):
            secrets.setdefault("token", f"{kind} {http or ''}, {scheme_name}".replace(" ,", ","))
            request["auth"] = {"bearer": "{{ token }}"}
        elif kind == "apiKey":
            variable = variable_name(str(scheme_name)).lower()
            secrets.setdefault(variable, f"API key {scheme.get('name')} in {scheme.get('in')}")
            target = {"header": "headers", "query": "params", "cookie": "cookies"}[
                scheme.get("in", "header")
            ]
            request[target] = {
                **request.get(target, {}),
                str(scheme.get("name")): "{{ " + variable + " }}",
            }
        else:
            notes.append(f"{label}: security scheme {scheme_name!r} ({kind}) has no equivalent")
