"""Reading a step's ``request:``: method, URL and the options passed on to requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import did_you_mean
from .keys import AUTH_KINDS, FILE_KEYS, METHODS, REQUEST_KEYS
from .limits import timeout_problem
from .model import (
    RequestSpec,
    Value,
)
from .paths import resolve_inside
from .reader import Keys, Reader, _kind


class RequestReader(Reader):
    def request(self, data: dict[Any, Any], keys: Keys) -> RequestSpec:
        self.check_keys(data, REQUEST_KEYS, keys, "request")
        for required in ("method", "url"):
            if required not in data:
                raise self.error(f"request needs '{required}:'", data, None, (*keys, required))
        method = data["method"]
        if not isinstance(method, str) or (method.upper() not in METHODS and "{{" not in method):
            raise self.error(
                f"unknown HTTP method {method!r}",
                data,
                "method",
                (*keys, "method"),
                suggestion=did_you_mean(str(method).upper(), METHODS),
                choices=METHODS,
            )
        if not isinstance(data["url"], str):
            raise self.error("url must be a string", data, "url", (*keys, "url"))
        options = {}
        for key in data:
            if key in ("method", "url"):
                continue
            options[key] = self.request_option(key, data, (*keys, key))
        return RequestSpec(
            method=self.value(
                method.upper() if "{{" not in method else method, data, "method", (*keys, "method")
            ),
            url=self.value(data["url"], data, "url", (*keys, "url")),
            options=options,
        )

    def request_option(self, key: str, data: dict[Any, Any], keys: Keys) -> Value:
        raw = data[key]
        templated = isinstance(raw, str) and "{{" in raw
        if key in ("params", "headers", "cookies") and not (isinstance(raw, dict) or templated):
            raise self.error(f"request.{key} must be a mapping of names to values", data, key, keys)
        if key == "timeout" and not templated:
            problem = timeout_problem(raw)
            if problem:
                raise self.error(problem, data, key, keys)
        if key == "headers" and isinstance(raw, dict):
            for name, value in raw.items():
                if isinstance(value, (dict, list)):
                    raise self.error(
                        f"header {name} must be one text value, not "
                        f"{'a mapping' if isinstance(value, dict) else 'a list'}",
                        raw,
                        name,
                        (*keys, name),
                    )
        if key == "allow_redirects" and not isinstance(raw, bool) and not templated:
            raise self.error(f"{key} must be true or false", data, key, keys)
        if key == "verify" and not isinstance(raw, (bool, str)):
            raise self.error(
                "verify must be true, false or the path of a CA bundle", data, key, keys
            )
        if key == "verify" and isinstance(raw, str) and not templated:
            bundle = (self.path.parent / raw).resolve()
            if not bundle.is_file():
                raise self.error(
                    f"verify: CA bundle {raw!r} does not exist "
                    "(paths are relative to the case file)",
                    data,
                    key,
                    keys,
                )
            raw = str(bundle)
        if key == "data" and not (isinstance(raw, (dict, str))):
            raise self.error(
                f"request.data is a mapping of form fields or a text body, not {_kind(raw)}; "
                "send JSON with json:",
                data,
                key,
                keys,
            )
        if key == "cookies" and isinstance(raw, dict):
            for name, value in raw.items():
                if isinstance(value, (dict, list)):
                    raise self.error(
                        f"cookie {name} is one text value, not {_kind(value)}",
                        raw,
                        name,
                        (*keys, name),
                    )
        if key == "params" and isinstance(raw, dict):
            for name, value in raw.items():
                items = value if isinstance(value, list) else [value]
                if any(isinstance(item, (dict, list)) for item in items):
                    raise self.error(
                        f"query parameter {name} is a value or a list of values, "
                        f"not {_kind(value)}",
                        raw,
                        name,
                        (*keys, name),
                    )
        if key == "auth":
            raw = self.auth(raw, data, keys)
        if key == "files":
            raw = self.files(raw, data, keys)
        return self.value(raw, data, key, keys)

    def auth(self, raw: Any, data: dict[Any, Any], keys: Keys) -> Any:
        if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in AUTH_KINDS:
            raise self.error(
                "auth must be {basic: [user, password]} or {bearer: TOKEN}",
                data,
                "auth",
                keys,
                choices=AUTH_KINDS,
            )
        if "basic" in raw and not (isinstance(raw["basic"], list) and len(raw["basic"]) == 2):
            raise self.error(
                "auth.basic must be a list of two: [user, password]", raw, "basic", (*keys, "basic")
            )
        for kind, value in raw.items():
            parts = value if kind == "basic" else [value]
            if any(isinstance(part, (dict, list)) or part is None for part in parts):
                raise self.error(
                    f"auth.{kind} takes text (or templates), not {_kind(value)}"
                    if kind == "bearer"
                    else "auth.basic takes two texts: [user, password]",
                    raw,
                    kind,
                    (*keys, kind),
                )
        return raw

    def files(self, raw: Any, data: dict[Any, Any], keys: Keys) -> Any:
        if not isinstance(raw, dict):
            raise self.error("files must map form field names to file paths", data, "files", keys)
        resolved = {}
        for field_name, spec in raw.items():
            path_text = spec.get("path") if isinstance(spec, dict) else spec
            if not isinstance(path_text, str):
                raise self.error(
                    "a file is a path, or {path: P, content_type: T, filename: N}",
                    raw,
                    field_name,
                    (*keys, field_name),
                )
            path: Path | str = path_text
            if "{{" not in path_text:
                try:
                    path = resolve_inside(self.path.parent, path_text, self.loader.roots)
                except ValueError as exc:
                    raise self.error(f"file {exc}", raw, field_name, (*keys, field_name)) from None
            if isinstance(path, Path) and not path.is_file():
                raise self.error(
                    f"file {path_text!r} does not exist (paths are relative to the case file)",
                    raw,
                    field_name,
                    (*keys, field_name),
                )
            entry = dict(spec) if isinstance(spec, dict) else {}
            unknown = [key for key in entry if key not in FILE_KEYS]
            if unknown:
                raise self.error(
                    f"unknown key '{unknown[0]}' in a file",
                    spec,
                    unknown[0],
                    (*keys, field_name, unknown[0]),
                    suggestion=did_you_mean(str(unknown[0]), FILE_KEYS),
                    choices=FILE_KEYS,
                )
            for name in ("filename", "content_type"):
                if name in entry and not isinstance(entry[name], str):
                    raise self.error(
                        f"a file's {name} is text, not {_kind(entry[name])}",
                        spec,
                        name,
                        (*keys, field_name, name),
                    )
            entry["path"] = str(path)
            entry["base"] = str(self.path.parent)  # templated paths resolve against it when sent
            # ... and must land inside these folders: the value may come from a response
            entry["roots"] = [str(root) for root in self.loader.roots]
            resolved[field_name] = entry
        return resolved

    # -- expect, extract, retry ------------------------------------------------------------
