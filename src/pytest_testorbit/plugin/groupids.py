"""What a node id says about its case group, for code that sees node ids and no items.

The xdist controller never collects: it gets the workers' node ids and nothing else. A
step's node id is ``file.orbit.yaml::group[param]::step``, which gives the file, the group
instance and the step, but not whether the group is ``parallel: false`` nor where it sits
in its file. ``GroupIndex`` answers those by reading each case file once with the session's
own loader, the same reader the workers used, so both sides agree on what a group is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..cases.project_path import CASE_SUFFIXES
from .session import SESSION_KEY

if TYPE_CHECKING:
    from ..cases.model import Group


@dataclass(frozen=True)
class StepRef:
    """One step's node id, taken apart."""

    nodeid: str
    file: str  # the file part of the node id (rootdir-relative, forward slashes)
    scope: str  # ``file::group[param]``: one group instance
    group_id: str
    param_id: str
    step_id: str


def is_step_nodeid(nodeid: str) -> bool:
    file, sep, rest = nodeid.partition("::")
    return bool(sep) and file.endswith(CASE_SUFFIXES) and "::" in rest


def parse(nodeid: str) -> StepRef | None:
    """The parts of a step's node id; None for anything else (a Python test, a file)."""
    if not is_step_nodeid(nodeid):
        return None
    scope, _, step_id = nodeid.rpartition("::")
    file, _, instance = scope.partition("::")
    group_id, _, param = instance.partition("[")
    return StepRef(nodeid, file, scope, group_id, param.removesuffix("]"), step_id)


@dataclass(frozen=True)
class GroupInfo:
    group: Group | None  # None when the controller could not read the file
    serial: bool
    order: tuple[tuple[str, ...], int, int]  # file path parts, group's place, instance's place


class GroupIndex:
    """Groups of the case files named by node ids, read on demand and kept."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._files: dict[str, list[Group] | None] = {}

    def groups(self, file: str) -> list[Group] | None:
        if file not in self._files:
            self._files[file] = self._load(file)
        return self._files[file]

    def _load(self, file: str) -> list[Group] | None:
        orbit = self.config.stash.get(SESSION_KEY, None)
        if orbit is None:
            return None
        try:
            return orbit.loader.load(self.config.rootpath / file)
        # The workers read this file without error (it has items), so a failure here is an
        # oddity of the controller; scheduling must go on, treating the group as parallel.
        except Exception:
            return None

    def info(self, ref: StepRef) -> GroupInfo:
        # pytest walks each folder's entries sorted by name, so sorting by path parts is
        # file order, whatever a reordering plugin did to the collection.
        parts = tuple(Path(ref.file).parts)
        for position, group in enumerate(self.groups(ref.file) or []):
            if group.id != ref.group_id:
                continue
            params = [param_id for param_id, _ in group.instances]
            place = params.index(ref.param_id) if ref.param_id in params else len(params)
            return GroupInfo(group, not group.parallel, (parts, position, place))
        return GroupInfo(None, False, (parts, 1 << 30, 0))

    def project_file(self, file: str) -> str:
        """``file`` as the store names it: relative to the project's folder."""
        orbit = self.config.stash.get(SESSION_KEY, None)
        if orbit is None:
            return file
        return orbit.project_relative(self.config.rootpath / file)
