"""The suites a server knows: the project folders given to ``orbit serve --project DIR``.

A schedule made through the API names its project; its groups and environment are checked
against that project's suite exactly as ``orbit schedule add --project DIR`` checks them, so
the server needs the folder. Runs and reading need none: they come from the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..cases.project import Project, load_project
from ..cases.project_path import PROJECT_FILE
from ..errors import UsageError


def load_suites(folders: Iterable[Path]) -> dict[str, Project]:
    """Each folder's orbit.yaml, by its ``project:`` name; two folders of one name are refused."""
    suites: dict[str, Project] = {}
    for folder in folders:
        project_file = folder / PROJECT_FILE
        if not project_file.is_file():
            raise UsageError(f"--project {folder}: there is no {PROJECT_FILE} in that folder")
        project = load_project(project_file, default_root=folder)
        if project.name in suites:
            raise UsageError(
                f"--project {folder}: project '{project.name}' is already served from "
                f"{suites[project.name].root}"
            )
        suites[project.name] = project
    return suites


def suite_of(suites: dict[str, Project], name: str) -> Project:
    """The project a schedule names; one this server has no folder for is a UsageError."""
    if name in suites:
        return suites[name]
    known = ", ".join(sorted(suites)) or "none"
    raise UsageError(
        f"project '{name}' has no suite on this server: start it with "
        f"`orbit serve --project DIR` for that project's folder (projects served: {known})"
    )
