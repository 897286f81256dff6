"""The case groups of a suite, found by reading its case files as pytest would collect them.

A schedule names groups by id. They are checked when the schedule is made (a typo is
caught then, not at 02:00) and looked up again when it runs, because files move: the
scheduler selects them in pytest by node id, ``path/file.orbit.yaml::checkout``, one per
parameter row (``checkout[0]``), since pytest matches a collector's name exactly.

Reading the files with the loader is exact and far faster than ``pytest --collect-only``.
A file that does not load is remembered, so an unknown name can say where it might be.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CaseFileError, UsageError, did_you_mean
from ..outcomes import display_id

CASE_SUFFIXES = (".orbit.yaml", ".orbit.yml")
# Folders pytest would not collect from either (its norecursedirs default, plus tool caches).
SKIP_DIRS = {"node_modules", "venv", "build", "dist", "__pycache__", "site-packages"}


@dataclass
class SuiteGroup:
    id: str
    file: str  # relative to the project root, forward slashes
    owners: list[str] = field(default_factory=list)
    param_ids: list[str] = field(default_factory=lambda: [""])

    def node_ids(self) -> list[str]:
        return [f"{self.file}::{display_id(self.id, param)}" for param in self.param_ids]


@dataclass
class Suite:
    root: Path
    groups: dict[str, list[SuiteGroup]] = field(default_factory=dict)  # id -> where it is
    broken: dict[str, str] = field(default_factory=dict)  # file -> its first error line

    def resolve(self, names: list[str]) -> list[SuiteGroup]:
        """The groups named, in the order given; an unknown name is a UsageError."""
        found: list[SuiteGroup] = []
        for name in names:
            if name not in self.groups:
                raise UsageError(self.unknown_message(name))
            found.extend(self.groups[name])
        return found

    def unknown_message(self, name: str) -> str:
        hint = did_you_mean(name, self.groups)
        message = f"no case group '{name}' in the suite at {self.root}."
        if hint:
            message += f" Did you mean '{hint}'?"
        if self.groups:
            message += f" Known groups: {', '.join(sorted(self.groups))}"
        else:
            message += " It has no *.orbit.yaml files"
        if self.broken:
            message += f". These case files do not load: {', '.join(sorted(self.broken))}"
        return message

    def missing(self, names: list[str]) -> list[str]:
        return [name for name in names if name not in self.groups]


def case_files(root: Path) -> list[Path]:
    """Every ``*.orbit.yaml`` / ``*.orbit.yml`` below ``root``, sorted, hidden folders skipped."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) and d not in SKIP_DIRS)
        found.extend(Path(folder, f) for f in sorted(files) if f.endswith(CASE_SUFFIXES))
    return found


def scan(root: Path) -> Suite:
    """Load every case file of the suite at ``root`` and index its groups by id."""
    from ..cases.loader import CaseLoader
    from ..expr.templating import Templates

    suite = Suite(root=root)
    loader = CaseLoader(Templates())
    for path in case_files(root):
        relative = path.relative_to(root).as_posix()
        try:
            groups = loader.load(path)
        except CaseFileError as exc:
            suite.broken[relative] = str(exc).splitlines()[0]
            continue
        for group in groups:
            entry = SuiteGroup(
                id=group.id,
                file=relative,
                owners=list(group.owners),
                param_ids=[param for param, _row in group.instances],
            )
            suite.groups.setdefault(group.id, []).append(entry)
    return suite


def owners_of(groups: list[SuiteGroup]) -> list[str]:
    """The owners of the groups, each once, in the order first met."""
    seen: dict[str, None] = {}
    for group in groups:
        for owner in group.owners:
            seen.setdefault(owner, None)
    return list(seen)
