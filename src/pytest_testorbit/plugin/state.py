"""Keys for the plugin's state in ``config.stash``, shared by its feature modules."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..cases.project import Project

PROJECT_KEY: pytest.StashKey[Project] = pytest.StashKey()
ENV_NAME_KEY: pytest.StashKey[str] = pytest.StashKey()
STARTED_KEY: pytest.StashKey[datetime] = pytest.StashKey()  # when the hub was configured
CASE_FILES_KEY: pytest.StashKey[bool] = pytest.StashKey()  # True once a case file is collected
