"""Keys for the plugin's state in ``config.stash``, shared by its feature modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..cases.project import Project

PROJECT_KEY: pytest.StashKey[Project] = pytest.StashKey()
ENV_NAME_KEY: pytest.StashKey[str] = pytest.StashKey()
