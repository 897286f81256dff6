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
    """
