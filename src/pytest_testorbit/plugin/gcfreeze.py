"""Keep Python's garbage collector off the collected tree of a suite of case files.

Collection builds many long-lived objects (nodes, compiled templates, parsed paths) that live
until the session ends. The collector would walk them again and again, during collection and
on every later collection pass while the steps run. Measured (docs/performance.md, "The
garbage collector"): without the pause, collecting 10,000 steps makes about a thousand passes
(a fifth of its CPU time); without the freeze, the collector's time while 2000 chained steps
run about doubles. So the collector is paused while pytest collects and, when case files
were collected, what collection built is frozen (``gc.freeze``: moved where the collector
never looks). Objects made later, by the steps and by other tests, are collected as usual.

All of it is undone: the collector runs again after collection as it did before, and at
``pytest_unconfigure`` the frozen objects go back to the collector (``gc.unfreeze``) and the
collector's switch and thresholds are what they were, so a process that runs pytest more
than once (``pytest.main``, pytester in-process runs, IDEs) keeps its own GC settings. A
session without case files freezes nothing.

Unfrozen, the tree is cyclic garbage, and the collection the interpreter makes on its way out
would walk and free it object by object (a ``--collect-only`` of 10,000 steps: 14.1 s against
9.5 s, under load; docs/performance.md).
So a session that froze also asks, once per process, for ``gc.freeze`` at exit (``atexit``
runs before that last collection): a process that ends leaves its objects to the operating
system, as it did when nothing was ever unfrozen, and one that goes on after pytest has its
collector back in full.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Generator
from dataclasses import dataclass

import pytest

from .state import CASE_FILES_KEY


@dataclass(frozen=True)
class GcState:
    """What this plugin changes of the collector, as it was before."""

    enabled: bool
    threshold: tuple[int, ...]

    @classmethod
    def now(cls) -> GcState:
        return cls(gc.isenabled(), gc.get_threshold())

    def restore(self) -> None:
        gc.set_threshold(*self.threshold)
        (gc.enable if self.enabled else gc.disable)()


# Set only when this session froze objects: then pytest_unconfigure has something to undo.
FROZEN_KEY = pytest.StashKey[GcState]()


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, None, None]:
    before = GcState.now()
    gc.disable()
    try:
        yield
    finally:
        # Only when nothing is frozen yet (by the application or an outer session), so that
        # gc.unfreeze at the end undoes exactly what was frozen here.
        if gc.get_freeze_count() == 0 and _has_steps(session):
            gc.freeze()
            session.config.stash[FROZEN_KEY] = before
        before.restore()


def _has_steps(session: pytest.Session) -> bool:
    if not session.config.stash.get(CASE_FILES_KEY, False):
        return False  # and plugin.collect was never imported
    from .collect import StepItem

    return any(isinstance(item, StepItem) for item in getattr(session, "items", ()))


def pytest_unconfigure(config: pytest.Config) -> None:
    before = config.stash.get(FROZEN_KEY, None)
    if before is not None:
        del config.stash[FROZEN_KEY]
        gc.unfreeze()
        before.restore()
        _freeze_at_exit()


_exit_freeze_registered = False


def _freeze_at_exit() -> None:
    """Freeze everything when the interpreter exits, so that its last collection walks
    nothing; registered once per process however many sessions it runs."""
    global _exit_freeze_registered
    if not _exit_freeze_registered:
        _exit_freeze_registered = True
        atexit.register(gc.freeze)
