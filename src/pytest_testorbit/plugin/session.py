"""The plugin's state for one pytest session: project, environment, templates, loader."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..cases.project_path import find_project_file
from . import options
from .state import ENV_NAME_KEY, PROJECT_KEY

if TYPE_CHECKING:
    from ..cases.loader import CaseLoader
    from ..cases.project import Environment, Project

SESSION_KEY = pytest.StashKey["OrbitSession"]()


class OrbitSession:
    """Made by the hub at configure time (with orbit.yaml) or at the first case file.

    The expensive parts (environment, loader) are made on first use.
    """

    def __init__(self, config: pytest.Config) -> None:
        # Imported here: the hub makes a session only once a run has case files or orbit.yaml.
        from ..cases.project import load_project
        from ..errors import OrbitError

        self.config = config
        try:
            path = project_file(config)
            self.project: Project = load_project(path, default_root=config.rootpath)
        except OrbitError as exc:
            raise pytest.UsageError(str(exc)) from None
        self.env_name = self._choose_environment(options.get(config, "orbit_env"))
        self.replay = options.replay_mode(config)
        self._environment: Environment | None = None
        self._loader: CaseLoader | None = None
        config.stash[PROJECT_KEY] = self.project
        config.stash[ENV_NAME_KEY] = self.env_name

    def _choose_environment(self, requested: str | None) -> str:
        names = self.project.environment_names
        chosen = requested or self.project.default_env
        if chosen is None:
            return names[0] if len(names) == 1 else "default"
        if chosen not in names:
            from ..errors import OrbitError

            try:
                self.project.environment(chosen)  # raises with the known names
            except OrbitError as exc:
                raise pytest.UsageError(f"--orbit-env: {exc}") from None
        return chosen

    @property
    def environment(self) -> Environment:
        """The chosen environment, rendered (its env. reads happen here, once).

        Rendered after the template globals are in (``self.loader`` adds them), so orbit.yaml
        may use values from ``pytest_orbit_template_globals`` as well as ``env.``. An error
        here names orbit.yaml's line and is a collection error of the case file that needed it.
        """
        if self._environment is None:
            self.loader  # noqa: B018  # the template globals, before rendering
            known = self.env_name in self.project.environment_names
            self._environment = self.project.environment(self.env_name if known else None)
        return self._environment

    @property
    def loader(self) -> CaseLoader:
        if self._loader is None:
            from ..cases.loader import (
                CaseLoader,  # with Jinja2 and jsonpath-ng: only once cases exist
            )

            templates = self.project.templates
            for values in self.config.hook.pytest_orbit_template_globals(config=self.config):
                if values:
                    templates.add_globals(values)
            templates.add_globals({"env_name": self.env_name})
            # files:, schema: and use: stay inside the project (and pytest's rootdir, for an
            # orbit.yaml named by --orbit-config outside the checkout's root) or trusted_paths
            roots = (*self.project.allowed_roots, self.config.rootpath)
            self._loader = CaseLoader(templates, display=self.relative, roots=roots)
        return self._loader

    def relative(self, path: Path) -> str:
        """``path`` as pytest shows it: relative to the rootdir, with forward slashes."""
        try:
            return path.resolve().relative_to(self.config.rootpath.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def project_relative(self, path: Path) -> str:
        """``path`` relative to the project's folder: the stable name of a case file."""
        try:
            return path.resolve().relative_to(self.project.root.resolve()).as_posix()
        except ValueError:
            return self.relative(path)


def project_file(config: pytest.Config) -> Path | None:
    """The run's orbit.yaml: ``--orbit-config`` (or its ini key), else the one found."""
    return options.config_path(config) or find_project_file(config.rootpath, _first_path(config))


def _first_path(config: pytest.Config) -> Path | None:
    for arg in config.args:
        candidate = Path(arg.split("::")[0])
        if not candidate.is_absolute():
            candidate = config.invocation_params.dir / candidate
        if candidate.exists():
            return candidate
    return None
