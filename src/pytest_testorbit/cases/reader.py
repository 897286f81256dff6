"""What every part of the case-file loader shares: error messages that point at a line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CaseFileError, TemplateCompileError, did_you_mean
from .model import (
    Value,
)
from .yamlsrc import LineDict, plain

if TYPE_CHECKING:
    from .loader import CaseLoader

Keys = tuple[Any, ...]


class LineReader:
    """Errors that point at a line of the file being read: a case file or orbit.yaml.

    A message carries the file, the 1-based line of the offending key, that line as written,
    the key path, and for an unknown key the closest valid one and all valid ones.
    """

    error_type: type[CaseFileError] = CaseFileError
    display = ""  # the file as messages name it
    text = ""  # the file's text, for the line quoted under a message

    def error(
        self, message: str, container: Any, key: Any, keys: Keys, **extra: Any
    ) -> CaseFileError:
        line = container.line_of(key) if hasattr(container, "line_of") else None
        lines = self.text.splitlines()
        snippet = lines[line - 1] if line and line <= len(lines) else None
        return self.error_type(
            message, path=self.display, line=line, key_path=keys, snippet=snippet, **extra
        )

    def check_keys(
        self, data: dict[Any, Any], allowed: tuple[str, ...], keys: Keys, what: str | None = None
    ) -> None:
        """Every key of ``data`` is one of ``allowed`` (``what`` names the section, if given)."""
        for key in data:
            if key not in allowed:
                raise self.error(
                    f"unknown key '{key}' in {what}" if what else f"unknown key '{key}'",
                    data,
                    key,
                    (*keys, key),
                    suggestion=did_you_mean(str(key), allowed),
                    choices=allowed,
                )


class Reader(LineReader):
    """Reads one case file; the loader's parts are mixins of this class."""

    def __init__(
        self, loader: CaseLoader, path: Path, *, display: str, chain: tuple[Path, ...] = ()
    ) -> None:
        self.loader = loader
        self.templates = loader.templates
        self.path = path
        self.display = display
        self.chain = (*chain, path)
        self.text = ""

    def mapping(self, data: Any, parent: Any, key: Any, keys: Keys, what: str) -> LineDict:
        if not isinstance(data, dict):
            raise self.error(f"{what} must be a mapping, not {_kind(data)}", parent, key, keys)
        return data  # type: ignore[return-value]  # our loader makes LineDicts

    def value(self, raw: Any, parent: Any, key: Any, keys: Keys) -> Value:
        try:
            raw = plain(raw)
            return Value(raw, self.templates.compile_value(raw))
        except TemplateCompileError as exc:
            raise self.error(str(exc), parent, key, keys) from None

    # -- file and group --------------------------------------------------------------------


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"{type(value).__name__} {value!r}"
