"""Keep Python's garbage collector off the collected tree.

Collection builds many long-lived objects (nodes, compiled templates, parsed paths) that live
until the process ends. The collector would walk them again and again, during collection and
on every later collection pass while the steps run: for a suite of thousands of steps that
was the largest single cost of a run. So the collector is paused while pytest collects, and
what collection built is then frozen (``gc.freeze``: moved where the collector never looks).
Objects made later, by the steps and by other tests, are collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Generator

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, None, None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
