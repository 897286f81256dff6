"""Upper bounds on the numbers of a case file or orbit.yaml that decide how long a run takes.

A case file from a pull request must not be able to hang CI: a billion retries, a delay of
years or an infinite timeout are refused at collection, with the limit in the message.
"""

from __future__ import annotations

import math
from typing import Any

MAX_RETRY_TIMES = 1000  # tries of one step
MAX_RETRY_DELAY = 300.0  # seconds between two tries
MAX_TIMEOUT = 3600.0  # seconds for one request


def timeout_problem(value: Any) -> str | None:
    """Why ``value`` is not a request timeout, or None when it is one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        return f"timeout must be a positive number of seconds, not {value!r}"
    if not math.isfinite(value) or value > MAX_TIMEOUT:
        return f"timeout must be at most {MAX_TIMEOUT:g} seconds, not {value!r}"
    return None
