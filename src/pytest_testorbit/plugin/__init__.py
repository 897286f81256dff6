"""The pytest plugin: a hub that declares the options and registers the feature modules.

Registered once, under the ``pytest11`` entry point, it loads in every pytest run of every
project where the package is installed, case files or not. So this module imports only the
option declarations and the hook specifications; each feature module is imported and
registered when a run needs it:

- ``gcfreeze`` always, at configure (its ``pytest_collection`` wrapper must be in place
  before collection starts; it imports nothing of ours until case files were collected);
  ``nodeargs`` at configure when an argument names a node (``file::...``); ``junit`` at
  configure with ``--junitxml``.
- The rest (``_FEATURES``) when the first case file is collected, or at configure when the
  command line needs them before collection: on the xdist controller (which never collects;
  reports of case files arrive from its workers) and with ``--orbit-shard``.

The session (orbit.yaml, the environment) starts with the features, or at configure when
there is an orbit.yaml or ``--orbit-env``/``--orbit-config``: their errors are usage errors
of the run, with or without case files. pytest replays ``pytest_configure`` for a plugin
registered after it ran, so a feature registered late is configured like one registered early.
"""

from __future__ import annotations

import importlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ..cases.project_path import CASE_SUFFIXES
from . import hookspecs, options
from .state import CASE_FILES_KEY, STARTED_KEY

# (plugin name, module): registered in this order, which decides the order of hooks of the
# same priority (pluggy calls the last registered first).
_ALWAYS = (("orbit-gcfreeze", "gcfreeze"),)
_NODE_ARGS = (("orbit-nodeargs", "nodeargs"),)  # file::group[id]::step on the command line
_JUNIT = (("orbit-junit", "junit"),)  # JUnit XML names of parametrized steps
_FEATURES = (
    ("orbit-reporting", "reporting"),
    ("orbit-order", "order"),
    ("orbit-shard", "shard"),
    ("orbit-selection", "selection"),  # whole suite or part of it, for the store
    ("orbit-parallel", "parallel"),  # registers its xdist hooks only where xdist is loaded
    ("orbit-results", "results"),  # the store writer; on the controller only
    ("orbit-concurrency", "concurrency"),  # --orbit-concurrency: groups on a thread pool
)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    options.pytest_addoption(parser)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[STARTED_KEY] = datetime.now(timezone.utc)  # the run starts now, not later
    options.replay_mode(config)  # a bad value is a usage error in every run
    options.concurrency(config)
    _register(config, _ALWAYS)
    if any("::" in arg for arg in config.args):
        _register(config, _NODE_ARGS)
    if config.getoption("xmlpath", None):
        _register(config, _JUNIT)
    if _distributing(config) or options.shard(config) is not None:
        start(config)
    elif options.get(config, "orbit_env") or _has_project_file(config):
        _start_session(config)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if not file_path.name.endswith(CASE_SUFFIXES):  # every file of the run comes here
        return None
    start(parent.config)
    parent.config.stash[CASE_FILES_KEY] = True
    from .collect import CaseFile

    return CaseFile.from_parent(parent, path=file_path)


def start(config: pytest.Config) -> None:
    """Start the session and register every feature, once per run."""
    _start_session(config)
    _register(config, _FEATURES)


def _start_session(config: pytest.Config) -> None:
    from .session import SESSION_KEY, OrbitSession

    if SESSION_KEY not in config.stash:
        config.stash[SESSION_KEY] = OrbitSession(config)


def _register(config: pytest.Config, features: tuple[tuple[str, str], ...]) -> None:
    manager = config.pluginmanager
    for name, module in features:
        if not manager.has_plugin(name) and not manager.is_blocked(name):
            manager.register(importlib.import_module(f".{module}", __name__), name)


def _distributing(config: pytest.Config) -> bool:
    """An xdist controller: it gets the reports of the case files its workers collect."""
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return False
    return bool(config.getoption("dist", "no") != "no")


def _has_project_file(config: pytest.Config) -> bool:
    from .session import project_file  # light: the session's heavy imports are in its methods

    return project_file(config) is not None
