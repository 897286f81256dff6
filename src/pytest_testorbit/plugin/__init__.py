"""The pytest plugin: a hub that registers pytest-testorbit's feature modules.

Registered once, under the ``pytest11`` entry point. Heavy parts (SQLAlchemy, jsonschema)
are imported by the feature that needs them, never here.
"""

from __future__ import annotations

from typing import Any

import pytest

from . import (
    collect,
    concurrency,
    gcfreeze,
    hookspecs,
    junit,
    nodeargs,
    order,
    parallel,
    reporting,
    results,
    selection,
    shard,
)
from .options import pytest_addoption as _addoption
from .session import SESSION_KEY, OrbitSession


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    _addoption(parser)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[SESSION_KEY] = OrbitSession(config)
    for name, module in _FEATURES:
        if not config.pluginmanager.has_plugin(name):
            config.pluginmanager.register(module, name)


_FEATURES: tuple[tuple[str, Any], ...] = (
    ("orbit-collect", collect),
    ("orbit-nodeargs", nodeargs),  # file::group[id]::step on the command line
    ("orbit-gcfreeze", gcfreeze),
    ("orbit-reporting", reporting),
    ("orbit-junit", junit),  # JUnit XML names of parametrized steps, with --junitxml only
    ("orbit-order", order),
    ("orbit-shard", shard),
    ("orbit-selection", selection),  # whole suite or part of it, for the store
    ("orbit-parallel", parallel),  # registers its xdist hooks only where xdist is loaded
    ("orbit-results", results),  # the store writer; on the controller only
    ("orbit-concurrency", concurrency),  # --orbit-concurrency: groups on a thread pool
)
