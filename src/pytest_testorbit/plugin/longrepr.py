"""A step's failure as pytest shows it: the whole report, and one line for the short summary.

pytest's short test summary (``-rA``, CI logs) and JUnit's ``failure message`` read
``report.longrepr.reprcrash.message``; a plain string longrepr gives them nothing on pytest
7.4 and 8.x, and only its first line on 9.x. ``FailureRepr`` has the shape of pytest's own
exception representation (``reprcrash``, ``reprtraceback`` with one native entry, ``sections``),
which is also the shape pytest's report serialisation ships from xdist workers, so the same
line reaches the controller under ``-n``. The report itself is printed as written, with no
traceback from our code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(eq=False)
class Crash:
    """Where the step is and its first problem: the short summary's text."""

    path: str
    lineno: int
    message: str

    def toterminal(self, tw: Any) -> None:
        tw.line(f"{self.path}:{self.lineno}: {self.message}")

    def __str__(self) -> str:  # pytest's --tb=line shows this
        return f"{self.path}:{self.lineno}: {self.message}"


@dataclass(eq=False)
class ReprEntryNative:
    """The whole report as one entry; the lines carry their line ends (pytest's native style).

    Named as pytest's own class: its report serialisation names each entry by class name
    and rebuilds a ``ReprEntryNative`` on the controller from its ``lines``.
    """

    lines: list[str]

    style: ClassVar[str] = "native"

    def toterminal(self, tw: Any) -> None:
        tw.write("".join(self.lines))


@dataclass(eq=False)
class Entries:
    reprentries: list[ReprEntryNative]
    extraline: str | None = None
    style: str = "native"

    def toterminal(self, tw: Any) -> None:
        for entry in self.reprentries:
            entry.toterminal(tw)


@dataclass(eq=False)
class FailureRepr:
    reprcrash: Crash
    reprtraceback: Entries
    sections: list[tuple[str, str, str]] = field(default_factory=list)

    def toterminal(self, tw: Any) -> None:
        self.reprtraceback.toterminal(tw)

    def __str__(self) -> str:  # JUnit's failure text and ``report.longreprtext``
        return "".join(self.reprtraceback.reprentries[0].lines).rstrip("\n")


def failure_repr(text: str, summary: str, path: str, line: int) -> FailureRepr:
    """``text`` shown in full; ``summary`` (one line) after the node id in the short summary."""
    return FailureRepr(Crash(path, line, summary), Entries([ReprEntryNative([text + "\n"])]))
