"""A small suite on disk for the schedule tests: orbit.yaml and three case groups.

Not a test module; the schedule tests import it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

ORBIT_YAML = """\
project: shop
default_env: local
environments:
  local: {base_url: "BASE_URL"}
  staging: {base_url: "BASE_URL"}
"""

CHECKOUT = """\
owners: [alice@example.com]
steps:
  - name: health
    request: {method: GET, url: /health}
    expect: {status: 200}
  - name: order
    request: {method: GET, url: /order}
    expect: {status: 200}
"""

LOGIN = """\
name: login
owners: [bob@example.com, alice@example.com]
parametrize:
  - {user: a}
  - {user: b}
steps:
  - name: health
    request: {method: GET, url: /health}
"""

SEARCH = """\
owners: [carol@example.com]
steps:
  - name: health
    request: {method: GET, url: /health}
"""


def write_suite(root: Path, base_url: str = "http://127.0.0.1:9") -> Path:
    """orbit.yaml, orders/checkout.orbit.yaml, auth/sign-in.orbit.yml (group login), search."""
    files = {
        "orbit.yaml": ORBIT_YAML,
        "orders/checkout.orbit.yaml": CHECKOUT,
        "auth/sign-in.orbit.yml": LOGIN,
        "search.orbit.yaml": SEARCH,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).replace("BASE_URL", base_url), encoding="utf-8")
    return root
