"""The names of the project's files, and where orbit.yaml is looked for.

Apart from the rest of ``cases`` (and with nothing but ``pathlib``), because the pytest
plugin reads these at start-up, in every run, before it knows whether there are case files.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_FILE = "orbit.yaml"
CASE_SUFFIXES = (".orbit.yaml", ".orbit.yml")


def find_project_file(rootdir: Path, first_path: Path | None = None) -> Path | None:
    """orbit.yaml at the rootdir, else the nearest one above the first collected path."""
    candidate = rootdir / PROJECT_FILE
    if candidate.is_file():
        return candidate
    if first_path is not None:
        start = first_path if first_path.is_dir() else first_path.parent
        for folder in (start, *start.parents):
            candidate = folder / PROJECT_FILE
            if candidate.is_file():
                return candidate
    return None
