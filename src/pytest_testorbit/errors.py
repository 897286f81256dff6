"""The errors pytest-testorbit raises, all below one base class.

    OrbitError
    ├── CaseFileError          a case file or orbit.yaml is malformed (file, line, key path)
    │   └── ProjectFileError   ... and it is orbit.yaml
    ├── UsageError             a bad option, ini value or command argument
    │   └── InputFileError     a file given to orbit import / orbit coverage is malformed
    ├── TemplateCompileError   a template does not parse (the loaders make it a CaseFileError)
    ├── TemplateRenderError    a template failed while a step ran (unknown variable, filter error)
    ├── StepFailed             a step ran and an expectation did not hold
    │   └── ExtractFailed      an extraction found nothing
    ├── ReplayFailed           an earlier step, replayed as setup, failed
    └── StoreError             the results store cannot be used
        └── StoreBehind        the database schema is older than the code

Every message is written for a person reading a terminal: it names the file and line,
says what is wrong and how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any


class OrbitError(Exception):
    """Base of every error pytest-testorbit raises on purpose."""


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest valid choice to a misspelt ``word``, if any is close enough."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


class CaseFileError(OrbitError):
    """A case file is malformed; found at collection, before any request is sent."""

    def __init__(
        self,
        message: str,
        *,
        path: str,
        line: int | None = None,
        key_path: Sequence[str | int] = (),
        snippet: str | None = None,
        suggestion: str | None = None,
        choices: Sequence[str] = (),
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.key_path = tuple(key_path)
        self.snippet = snippet
        self.suggestion = suggestion
        self.choices = tuple(choices)
        super().__init__(self.render())

    @property
    def breadcrumb(self) -> str:
        parts = []
        for key in self.key_path:
            if isinstance(key, int):
                parts.append(f"[{key}]")
            else:
                parts.append(f".{key}" if parts else str(key))
        return "".join(parts)

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        lines = [f"{where}: {self.message}"]
        if self.key_path:
            lines.append(f"  at: {self.breadcrumb}")
        if self.snippet:
            lines.append(f"  here: {self.snippet.strip()}")
        if self.suggestion:
            lines.append(f"  did you mean: {self.suggestion}?")
        if self.choices:
            lines.append(f"  valid: {', '.join(self.choices)}")
        return "\n".join(lines)


class ProjectFileError(CaseFileError):
    """orbit.yaml is malformed."""


class UsageError(OrbitError):
    """A bad option, ini value or command-line argument."""


class TemplateCompileError(OrbitError):
    """A template is not valid Jinja2; the message reads "template syntax error: ..."."""


class InputFileError(UsageError):
    """A Postman collection, OpenAPI description, HAR file or curl line that cannot be read.

    The message is one line: the file, where in it (a JSON pointer or key path) and what is
    wrong there.
    """

    def __init__(self, source: str, message: str, where: str = "") -> None:
        self.source = source
        self.where = where
        self.problem = message
        super().__init__(f"{source}: {where}: {message}" if where else f"{source}: {message}")


class TemplateRenderError(OrbitError):
    """A template could not be rendered while a step ran."""


class StepFailed(OrbitError):
    """A step ran and did not meet its expectations; the message is the full report.

    ``summary`` is its first problem in one line (the short test summary shows it); ``sent``
    is the runner's last exchange of the step (``runner.http.Sent``, typed loosely here
    because this module sits below the runner), or None when it sent nothing.
    """

    def __init__(self, report: str, *, summary: str | None = None, sent: Any = None) -> None:
        super().__init__(report)
        self.summary = summary if summary is not None else report.partition("\n")[0]
        self.sent = sent


class ExtractFailed(StepFailed):
    """An ``extract`` entry found nothing in the response."""


class ReplayFailed(OrbitError):
    """A step selected alone could not run because an earlier step, replayed, failed."""


class StoreError(OrbitError):
    """The results store cannot be used."""


class StoreBehind(StoreError):
    """The database was made by an older version; ``orbit db upgrade`` brings it forward."""
