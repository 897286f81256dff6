"""Keys for the plugin's state in ``config.stash``, shared by its feature modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    pass

PROJECT_KEY = pytest.StashKey["Project"]()
ENV_NAME_KEY = pytest.StashKey[str]()
ENVIRONMENT_KEY = pytest.StashKey["Environment"]()
TEMPLATES_KEY = pytest.StashKey["Templates"]()
