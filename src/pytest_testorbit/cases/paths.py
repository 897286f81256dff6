"""Keeping the files a case file names inside the project.

A case file may come from a pull request, and a templated path may come from the API under
test; neither may make the runner read (and upload) a file of the machine it runs on. Every
path of ``files:``, ``schema:`` and ``use:`` therefore resolves, after symlinks, to a place
inside the project's folder (orbit.yaml's, or the rootdir without one) or inside a folder
that orbit.yaml lists under ``trusted_paths:``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

RULE = (
    "paths must stay inside the project folder {roots}, after symlinks "
    "(list a trusted folder under trusted_paths: in orbit.yaml to allow it)"
)


class OutsideProject(ValueError):
    """A path that resolves outside every allowed folder; the message says which and why."""


def resolve_inside(base: Path, written: str | Path, roots: Sequence[Path]) -> Path:
    """``written`` resolved against ``base``; ``OutsideProject`` when outside ``roots``.

    ``Path.resolve`` follows every symlink, so a link inside the project that points out of
    it is outside, as is ``..``. With no roots (the runner used without a project) every path
    is taken.
    """
    if "\x00" in str(written):  # the OS would stop at it; never guess which file is meant
        raise OutsideProject(f"{str(written)!r} holds a NUL byte: it is no path")
    path = (base / Path(written)).resolve()
    if roots and not any(path.is_relative_to(root) for root in roots):
        raise OutsideProject(outside_message(str(written), path, roots))
    return path


def outside_message(written: str, path: Path, roots: Sequence[Path]) -> str:
    shown = repr(written) if str(path) == written else f"{written!r} ({path})"
    where = ", ".join(str(root) for root in roots)
    return f"{shown} is outside the project: " + RULE.format(roots=where)
