"""What ``orbit serve`` was started with: one plain value, built by the CLI or a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# A request body larger than this is refused with 413 before it is read whole: no endpoint
# takes more than a schedule, and a huge JSON document is parsed in memory.
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class ServerSettings:
    """The server's configuration.

    ``db_url`` is the results store. ``anonymous_read`` lets requests without a token read
    (a dashboard on a wall screen); changes always need a token. ``suites`` are the project
    folders (each with its orbit.yaml) whose case groups schedules made through the API are
    checked against, as ``orbit schedule add --project DIR`` checks them.
    """

    db_url: str
    anonymous_read: bool = False
    auto_upgrade: bool = False  # the project's default SQLite file may migrate itself
    suites: tuple[Path, ...] = field(default_factory=tuple)
    max_body_bytes: int = MAX_BODY_BYTES
