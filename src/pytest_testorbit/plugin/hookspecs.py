"""Hooks pytest-testorbit adds; implement them in conftest.py or a plugin."""

from __future__ import annotations

from typing import Any

import pytest


def pytest_orbit_template_globals(config: pytest.Config) -> dict[str, Any] | None:
    """Return values and functions that every case-file template can use.

    Called once per session, before the first case file is collected. Each
    implementation's mapping is merged in turn, e.g.::

        def pytest_orbit_template_globals(config):
            return {"fresh_email": lambda: f"user-{uuid.uuid4().hex[:8]}@example.com"}

    and in a case file: ``json: {email: "{{ fresh_email() }}"}``. Functions run inside the
    sandbox: this is the way to bring Python into templates; nothing is ever ``eval``-ed.
    Under ``--orbit-concurrency`` they are called on the pool's worker threads.
    """


def pytest_orbit_group_variables(
    config: pytest.Config, group_id: str, param_id: str, file: str
) -> dict[str, Any] | None:
    """Return extra variables for one group instance, made as it starts.

    Called each time a group instance starts (its first step, or a replay), with the group's
    id, its parametrize id ("" when it has none) and its case file relative to the project.
    Use it for what must be fresh per group, such as a new user or a signed token::

        def pytest_orbit_group_variables(config, group_id, param_id, file):
            return {"email": f"{group_id}-{uuid.uuid4().hex[:8]}@example.com"}

    These variables come after the environment's and before the group's own ``variables:``,
    so a case file can build on them. pytest fixtures are not offered to case files: pytest
    has no public way to give fixtures to items that are not Python functions.
    Under ``--orbit-concurrency`` it is called on the worker thread that runs the group.
    """
