"""Reading the JSON (and YAML) files importers take, with errors that say where.

``Where`` is a JSON pointer into the file being read (``/item/0/request/url``); every
complaint about the input is one line, ``FILE: POINTER: what is wrong``, never a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import InputFileError


@dataclass(frozen=True)
class Where:
    file: str
    pointer: str = ""

    def __truediv__(self, key: str | int) -> Where:
        text = str(key).replace("~", "~0").replace("/", "~1")
        return Where(self.file, f"{self.pointer}/{text}")

    def error(self, key: str | int | None, message: str) -> InputFileError:
        where = self / key if key not in (None, "") else self
        return InputFileError(where.file, message, where.pointer or "/")


def need(condition: bool, where: Where, message: str) -> None:
    if not condition:
        raise where.error(None, message)


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # editors on Windows write a BOM
    except FileNotFoundError:
        raise InputFileError(str(path), f"no such {what} file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(str(path), f"cannot read the {what} file: {exc}") from None


def load_json(path: Path, what: str) -> tuple[Any, Where]:
    text = _read(path, what)
    try:
        return json.loads(text), Where(str(path))
    except json.JSONDecodeError as exc:
        message = f"line {exc.lineno}, column {exc.colno}: not JSON: {exc.msg}"
        raise InputFileError(str(path), message) from None


def load_json_or_yaml(path: Path, what: str) -> tuple[Any, Where]:
    if path.suffix.lower() == ".json":
        return load_json(path, what)
    text = _read(path, what)
    try:
        return yaml.safe_load(text), Where(str(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputFileError(str(path), f"{at}not YAML: {problem}") from None
