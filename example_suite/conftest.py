"""Starts the demo API so that ``pytest example_suite`` needs nothing else running."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import demo_api  # noqa: E402  # the demo API sits beside this file

_server = None


# optionalhook: the conftest stays valid when the plugin is off (`pytest -p no:testorbit`)
@pytest.hookimpl(optionalhook=True)
def pytest_orbit_template_globals(config: pytest.Config) -> dict[str, Any]:
    """orbit.yaml reads ``{{ demo_url }}``: the demo API, started on first use."""
    global _server
    if _server is None:
        _server = demo_api.start()
    host, port = _server.server_address[:2]
    return {"demo_url": f"http://{host}:{port}"}


def pytest_unconfigure(config: pytest.Config) -> None:
    if _server is not None:
        _server.shutdown()
        _server.server_close()
