"""``orbit.yaml``: the project, its environments, its results store and its notifications.

Templates in orbit.yaml read the process environment (``{{ env.NAME }}``, every value read
that way a secret) and, in a pytest run, the values of the ``pytest_orbit_template_globals``
hook. Each part renders on first use, not when the file is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import did_you_mean
from .project_path import PROJECT_FILE

if TYPE_CHECKING:
    from ..expr.templating import Templates
    from .project_file import ProjectReader


@dataclass
class Environment:
    name: str
    base_url: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    verify: bool | str = True  # False, True or a CA bundle path
    timeout: float | None = None  # seconds per request
    secrets: list[str] = field(default_factory=list)  # names of variables to mask
    cert: str | list[str] | None = None  # a client certificate (path, or [cert, key])


@dataclass
class Project:
    name: str
    root: Path  # the folder of orbit.yaml (or the rootdir when there is none)
    path: Path | None  # orbit.yaml itself, if there is one
    default_env: str | None = None
    # Raw (validated, not yet rendered) sections: templates in them read the process
    # environment, which may only be set where that part is used (STAGING_PASSWORD on the
    # staging runner, SMTP_PASSWORD on the scheduler's host), so they render on first use.
    raw: dict[Any, Any] = field(default_factory=dict, repr=False)
    # Folders outside the project that files:, schema: and use: may name (trusted_paths:)
    trusted_paths: list[Path] = field(default_factory=list)
    _reader: ProjectReader | None = field(default=None, repr=False)

    @property
    def allowed_roots(self) -> tuple[Path, ...]:
        """The folders case files may read files from: the project's, then trusted_paths."""
        return (self.root.resolve(), *self.trusted_paths)

    @property
    def templates(self) -> Templates:
        """The templates (and secret registry) orbit.yaml's values were rendered with."""
        if self._reader is None:
            from .project_file import ProjectReader

            self._reader = ProjectReader(self.path or self.root / PROJECT_FILE, "")
        return self._reader.templates

    @property
    def environment_names(self) -> list[str]:
        environments = self.raw.get("environments") or {}
        return [str(name) for name in environments]

    @property
    def database(self) -> str | None:
        """``database:`` as written (templates rendered), or None when orbit.yaml has none.

        The store decides what an absent or relative one means (``store.url.choose``).
        """
        if "database" not in self.raw or self._reader is None:
            return None
        return str(self._reader.render(self.raw["database"], self.raw, "database", ("database",)))

    @property
    def notify(self) -> dict[str, Any]:
        """``notify:`` rendered: {"email": {"smtp": ..., "from": ...}, "webhooks": [...]}."""
        if "notify" not in self.raw or self._reader is None:
            return {}
        return self._reader.notify(self.raw["notify"], render=True)

    def environment(self, name: str | None) -> Environment:
        """The named environment (default: default_env, else the only one, else an empty one)."""
        from ..errors import UsageError

        names = self.environment_names
        chosen = name or self.default_env
        if chosen is None:
            if len(names) != 1:
                return Environment(name="default")
            chosen = names[0]
        if chosen in names and self._reader is not None:
            environments = self.raw["environments"]
            return self._reader.environment(chosen, environments[chosen], ("environments", chosen))
        else:
            known = ", ".join(sorted(names)) or "none (orbit.yaml has no environments)"
            hint = did_you_mean(chosen, names)
            extra = f" Did you mean '{hint}'?" if hint else ""
            where = f" in {self.path}" if self.path else ""
            raise UsageError(
                f"unknown environment '{chosen}'{where}.{extra} Known environments: {known}"
            ) from None


def load_project(path: Path | None, *, default_root: Path | None = None) -> Project:
    """Read orbit.yaml (or make the empty project when ``path`` is None).

    The reader (and PyYAML with it) is imported only when there is a file to read: a pytest
    run of a folder without orbit.yaml does not pay for it.
    """
    if path is None:
        root = (default_root or Path.cwd()).resolve()
        return Project(name=root.name, root=root, path=None)
    from .project_file import read_project_file

    return read_project_file(path.resolve())
