"""The example suite, which the tutorial and the README point at, runs green as shipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "example_suite"


def test_the_example_suite_passes_on_its_own_demo_api(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(EXAMPLE),
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "--orbit-db",
            f"sqlite:///{tmp_path / 'results.db'}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "26 passed, 1 skipped" in done.stdout
    assert "lifecycle[small]    5/5       100%" in done.stdout
    assert (tmp_path / "results.db").exists()
