"""The example suite, which the tutorial and the README point at, runs green as shipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


def test_the_example_conftest_loads_with_the_plugin_turned_off(pytester: pytest.Pytester) -> None:
    # Its hooks are optional: without the plugin pytest would refuse an unknown hook.
    for name in ("conftest.py", "demo_api.py"):
        (pytester.path / name).write_text((EXAMPLE / name).read_text(encoding="utf-8"))
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:testorbit", "-p", "no:randomly")
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert "unknown hook" not in result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=1)


def test_the_documented_hook_example_loads_with_the_plugin_turned_off(
    pytester: pytest.Pytester,
) -> None:
    page = (EXAMPLE.parent / "docs" / "reference" / "case-files.md").read_text(encoding="utf-8")
    snippet = page.split("```python\n# conftest.py\n", 1)[1].split("```", 1)[0]
    pytester.makeconftest(snippet)
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:testorbit", "-p", "no:randomly")
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=1)
