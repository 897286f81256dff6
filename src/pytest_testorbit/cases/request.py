"""Reading a step's ``request:``: method, URL and the options passed on to requests."""

from __future__ import annotations

from collections.abc import Callable
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
        read = _OPTIONS.get(key)  # json: any value
        if read is not None:
            raw = read(self, raw, data, keys)
        return self.value(raw, data, key, keys)

    def names_to_values(self, raw: Any, data: dict[Any, Any], keys: Keys) -> Any:
        """``params:``, ``headers:``, ``cookies:``: a mapping (or a template giving one)."""
        key = keys[-1]
        if _templated(raw):
            return raw
        if not isinstance(raw, dict):
            raise self.error(f"request.{key} must be a mapping of names to values", data, key, keys)
        for name, value in raw.items():
            problem = _ENTRY_PROBLEMS[key](name, value)
            if problem:
                raise self.error(problem, raw, name, (*keys, name))
        return raw

    def timeout(self, raw: Any, data: dict[Any, Any], keys: Keys) -> Any:
        problem = None if _templated(raw) else timeout_problem(raw)
        if problem:
            raise self.error(problem, data, keys[-1], keys)
        return raw

    def allow_redirects(self, raw: Any, data: dict[Any, Any], keys: Keys) -> Any:
        if not isinstance(raw, bool) and not _templated(raw):
            raise self.error(f"{keys[-1]} must be true or false", data, keys[-1], keys)
        return raw

    def verify(self, raw: Any, data: dict[Any, Any], keys: Keys) -> Any:
        if not isinstance(raw, (bool, str)):
            raise self.error(
                "verify must be true, false or the path of a CA bundle", data, "verify", keys
            )
        if isinstance(raw, bool) or _templated(raw):
            return raw
        bundle = (self.path.parent / raw).resolve()
        if not bundle.is_file():
            raise self.error(
                f"verify: CA bundle {raw!r} does not exist (paths are relative to the case file)",
                data,
                "verify",
                keys,
            )
        return str(bundle)

    def data(self, raw: Any, data: dict[Any, Any], keys: Keys) -> Any:
        if not isinstance(raw, (dict, str)):
            raise self.error(
                f"request.data is a mapping of form fields or a text body, not {_kind(raw)}; "
                "send JSON with json:",
                data,
                "data",
                keys,
            )
        return raw

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


def _templated(raw: Any) -> bool:
    return isinstance(raw, str) and "{{" in raw


def _header_problem(name: Any, value: Any) -> str | None:
    if isinstance(value, (dict, list)):
        return f"header {name} must be one text value, not {_kind(value)}"
    return None


def _cookie_problem(name: Any, value: Any) -> str | None:
    if isinstance(value, (dict, list)):
        return f"cookie {name} is one text value, not {_kind(value)}"
    return None


def _param_problem(name: Any, value: Any) -> str | None:
    items = value if isinstance(value, list) else [value]
    if any(isinstance(item, (dict, list)) for item in items):
        return f"query parameter {name} is a value or a list of values, not {_kind(value)}"
    return None


_ENTRY_PROBLEMS: dict[Any, Callable[[Any, Any], str | None]] = {
    "params": _param_problem,
    "headers": _header_problem,
    "cookies": _cookie_problem,
}
# How each option of a request is read (REQUEST_KEYS; json: takes any value)
_OPTIONS: dict[str, Callable[[RequestReader, Any, dict[Any, Any], Keys], Any]] = {
    "params": RequestReader.names_to_values,
    "headers": RequestReader.names_to_values,
    "cookies": RequestReader.names_to_values,
    "data": RequestReader.data,
    "files": RequestReader.files,
    "auth": RequestReader.auth,
    "timeout": RequestReader.timeout,
    "allow_redirects": RequestReader.allow_redirects,
    "verify": RequestReader.verify,
}
