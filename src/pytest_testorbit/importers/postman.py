"""``orbit import postman COLLECTION.json``: a Postman collection (v2.0 or v2.1) → case files.

One case file per folder (nested folders are flattened, "Orders / Admin"), with the folder's
requests in order as its steps; requests outside any folder go to a file named after the
collection. ``{{var}}`` becomes ``{{ var }}``; collection variables (and those of a Postman
environment file, ``--environment``) become an ``orbit.yaml`` environment, secrets listed
under ``secrets:``. Auth blocks (inherited from folder and collection as Postman does) become
``auth:``; simple ``pm.test`` checks become ``expect:`` and ``extract:`` (see pmscripts.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..cases.slugs import slugify
from ..inputfiles import Where, load_json, need
from . import pmbody, pmscripts
from .requests import ordered
from .writer import CaseFile, Imported, names_used, unique_step_names, use_earlier_files

_TEMPLATE = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_PATH_VARIABLE = re.compile(r"(?<=/):([A-Za-z_]\w*)")
_SECRET_WORDS = ("password", "passwd", "secret", "token", "apikey", "api_key", "credential")
_SCHEMA_HINT = "a Postman collection v2.0 or v2.1 (Postman: Export → Collection v2.1)"


def variable_name(postman: str) -> str:
    """Postman allows any text in a variable name; ours are names (letters, digits, _)."""
    name = re.sub(r"\W+", "_", postman.strip().lstrip("$")).strip("_") or "var"
    return f"_{name}" if name[0].isdigit() else name


def templates(text: str) -> str:
    return _TEMPLATE.sub(lambda m: "{{ " + variable_name(m.group(1)) + " }}", text)


def _looks_secret(name: str, kind: Any) -> bool:
    lowered = name.lower().replace("-", "_")
    return kind == "secret" or any(word in lowered for word in _SECRET_WORDS)


@dataclass
class _Context:
    imported: Imported
    variables: dict[str, Any]
    dynamic: set[str] = field(default_factory=set)


def import_postman(
    path: Path, environment: Path | None = None, env_name: str = "local"
) -> Imported:
    data, where = load_json(path, "collection")
    need(isinstance(data, dict), where, f"expected {_SCHEMA_HINT}, found no JSON object")
    info = data.get("info")
    need(isinstance(info, dict), where / "info", f"missing; expected {_SCHEMA_HINT}")
    schema = str(info.get("schema", ""))
    if schema and "collection/v2" not in schema:
        raise (where / "info").error("schema", f"{schema} is not {_SCHEMA_HINT}")
    title = str(info.get("name") or path.stem)
    imported = Imported(source=f"Postman collection {title!r}", project=slugify(title) or "api")
    variables, secrets = _variables(data.get("variable"), where / "variable")
    if environment is not None:
        env_data, env_where = load_json(environment, "environment")
        need(isinstance(env_data, dict), env_where, "expected a Postman environment (an object)")
        more, more_secrets = _variables(env_data.get("values"), env_where / "values")
        variables.update(more)
        secrets += [name for name in more_secrets if name not in secrets]
        env_name = slugify(str(env_data.get("name") or env_name)).replace("-", "_") or env_name
    context = _Context(imported, variables)
    folders: list[tuple[str, list[dict[str, Any]]]] = []
    _walk(data, where, [], data.get("auth"), context, folders, top=title)
    for folder, steps in folders:
        if not steps:
            continue
        unique_step_names(steps)
        group: dict[str, Any] = {"name": slugify(folder) or "requests", "title": folder}
        group["steps"] = steps
        comments = [f"Imported from Postman collection {title!r}, folder {folder!r}."]
        for step in steps:
            comments.extend(step.pop("_comments", []))
        imported.files.append(CaseFile(f"{group['name']}.orbit.yaml", group, comments))
    imported.notes.extend(use_earlier_files(imported.files))
    base_url = _base_url(imported, variables)
    env: dict[str, Any] = {"base_url": base_url} if base_url else {}
    for name in sorted(context.dynamic):
        variables.setdefault(name, "")
        imported.notes.append(
            f"Postman's dynamic variable {{{{${name}}}}} became the variable {name!r} (empty in "
            "orbit.yaml): give it a value, e.g. from the pytest_orbit_template_globals hook"
        )
    if variables:
        env["variables"] = variables
    if secrets:
        env["secrets"] = secrets
        imported.notes.append(
            f"orbit.yaml holds the values of the secrets {', '.join(secrets)}: move them to "
            'the process environment ("{{ env.NAME }}") before you commit it'
        )
    imported.environments = {env_name: env} if env else {}
    return imported


def _variables(raw: Any, where: Where) -> tuple[dict[str, Any], list[str]]:
    variables: dict[str, Any] = {}
    secrets: list[str] = []
    if raw is None:
        return variables, secrets
    need(isinstance(raw, list), where, "must be a list of {key, value}")
    for index, item in enumerate(raw):
        need(isinstance(item, dict) and "key" in item, where / index, "needs a 'key'")
        if item.get("enabled") is False or item.get("disabled") is True:
            continue
        name = variable_name(str(item["key"]))
        value = item.get("value", "")
        variables[name] = templates(value) if isinstance(value, str) else value
        if _looks_secret(str(item["key"]), item.get("type")) and name not in secrets:
            secrets.append(name)
    return variables, secrets


def _walk(
    node: dict[str, Any],
    where: Where,
    folder: list[str],
    auth: Any,
    context: _Context,
    folders: list[tuple[str, list[dict[str, Any]]]],
    top: str,
) -> None:
    items = node.get("item", [])
    need(isinstance(items, list), where / "item", "must be a list of requests and folders")
    own: list[dict[str, Any]] = []
    folders.append((" / ".join(folder) or top, own))  # before its subfolders, as Postman lists
    for index, item in enumerate(items):
        here = where / "item" / index
        need(isinstance(item, dict), here, "must be a request or a folder (an object)")
        name = str(item.get("name") or f"request {index + 1}")
        if "item" in item:  # a folder
            folder_auth = item.get("auth", auth)
            if _scripts(item, "test"):
                context.imported.notes.append(
                    f"folder {name!r}: its test script was not translated"
                )
            _walk(item, here, [*folder, name], folder_auth, context, folders, top)
        elif "request" in item:
            own.append(_step(item, name, here, item.get("request"), auth, context))
        else:
            raise here.error("", "is neither a request (no 'request') nor a folder (no 'item')")


def _scripts(item: dict[str, Any], listen: str) -> list[str]:
    lines: list[str] = []
    for event in item.get("event") or []:
        if isinstance(event, dict) and event.get("listen") == listen:
            script = event.get("script") or {}
            exec_ = script.get("exec", []) if isinstance(script, dict) else []
            lines.extend([exec_] if isinstance(exec_, str) else [str(x) for x in exec_])
    return [line for line in lines if line.strip()]


def _step(
    item: dict[str, Any], name: str, where: Where, raw: Any, auth: Any, context: _Context
) -> dict[str, Any]:
    if isinstance(raw, str):
        raw = {"method": "GET", "url": raw}
    need(isinstance(raw, dict), where / "request", "must be an object or a URL")
    request: dict[str, Any] = {"method": str(raw.get("method") or "GET").upper()}
    request["url"], params = pmbody.url(
        raw.get("url"), where / "request" / "url", _convert(context)
    )
    headers = {
        str(h["key"]): _convert(context)(str(h.get("value", "")))
        for h in raw.get("header") or []
        if isinstance(h, dict) and "key" in h and not h.get("disabled")
    }
    if params:
        request["params"] = params
    comments: list[str] = []
    body = raw.get("body")
    if isinstance(body, dict) and body:
        note = pmbody.body(body, headers, request, _convert(context))
        if note:
            comments.append(f"step {name!r}: {note}")
            context.imported.notes.append(f"{name}: {note}")
    problem = pmbody.auth(raw.get("auth", auth), headers, request, _convert(context))
    if problem:
        context.imported.notes.append(f"{name}: {problem}")
        comments.append(f"step {name!r}: {problem}")
    if headers:
        request["headers"] = headers
    step: dict[str, Any] = {"name": name, "request": ordered(request)}
    tests = pmscripts.translate(_scripts(item, "test"), variable_name)
    if tests.expect:
        step["expect"] = tests.expect
    if tests.extract:
        step["extract"] = tests.extract
    for listen, lines in (
        ("pre-request", _scripts(item, "prerequest")),
        ("test", tests.untranslated),
    ):
        if lines:
            comments.append(f"step {name!r}, {listen} script, not translated:")
            comments.extend(f"    {line}" for line in lines)
            context.imported.notes.append(f"{name}: {len(lines)} line(s) of its {listen} script")
    step["_comments"] = comments
    return step


def _convert(context: _Context) -> Any:
    def convert(text: str) -> str:
        for match in _TEMPLATE.finditer(text):
            if match.group(1).strip().startswith("$"):
                context.dynamic.add(variable_name(match.group(1)))
        return templates(text)

    return convert


def _base_url(imported: Imported, variables: dict[str, Any]) -> str | None:
    """The shared start of the requests' URLs, moved to the environment's ``base_url``."""
    requests = [
        step["request"]
        for case in imported.files
        for step in case.group["steps"]
        if "request" in step
    ]
    if not requests:
        return None
    starts = {_start(request["url"], variables) for request in requests}
    if len(starts) != 1 or None in starts:
        return None
    base = starts.pop()
    assert base is not None  # for mypy: None was ruled out above
    prefix, value = base
    for request in requests:
        request["url"] = "/" + request["url"][len(prefix) :].lstrip("/")
    name = re.match(r"\{\{ (\w+) \}\}", prefix)
    if name and name.group(1) not in names_used([case.group for case in imported.files]):
        del variables[name.group(1)]  # it lives on as base_url
    return value


def _start(url: str, variables: dict[str, Any]) -> tuple[str, str] | None:
    match = re.match(r"\{\{ (\w+) \}\}", url)
    if match and str(variables.get(match.group(1), "")).startswith(("http://", "https://")):
        return match.group(0), str(variables[match.group(1)]).rstrip("/")
    if url.startswith(("http://", "https://")) and "{{" not in url.split("/")[2]:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        return origin, origin
    return None
