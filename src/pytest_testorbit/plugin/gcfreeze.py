"""Keep Python's garbage collector off the collected tree of a suite of case files.

Collection builds many long-lived objects (nodes, compiled templates, parsed paths) that live
until the process ends. The collector would walk them again and again, during collection and
on every later collection pass while the steps run: for a suite of thousands of steps that
was the largest single cost of a run. So the collector is paused while pytest collects and,
when case files were collected, what collection built is frozen (``gc.freeze``: moved where
the collector never looks). Objects made later, by the steps and by other tests, are
collected as usual; a session without case files is left exactly as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Generator

import pytest

from .state import CASE_FILES_KEY


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, None, None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if session.config.stash.get(CASE_FILES_KEY, False) and _has_steps(session):
            gc.freeze()
        if was_enabled:
            gc.enable()


def _has_steps(session: pytest.Session) -> bool:
    from .collect import StepItem  # loaded already: a case file was collected

    return any(isinstance(item, StepItem) for item in getattr(session, "items", ()))
