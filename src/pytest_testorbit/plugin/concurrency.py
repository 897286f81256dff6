"""``--orbit-concurrency N``: up to N group instances run their steps at the same time.

Requests are synchronous and the time of a latency-bound suite is spent waiting on the
network, so threads are the fit: a ``ThreadPoolExecutor`` of N workers, each running one
group instance's steps in order on that instance's own ``GroupRun`` (variables, secrets,
``requests.Session``). pytest itself stays serial: when the run loop starts, this plugin
plans the session's items into group units and submits the next ones (at most ``2 * N``
ahead of the item pytest is at); each step item's ``setup`` and ``runtest`` then wait for
what its worker recorded (``GroupAhead``) and end exactly as the work itself would have
ended, the same exception object raised. So reports come one by one, in order, with the
outcomes, blocking, replay, skip_if, retries and failure text of a serial run, from the
very code a serial run uses (``StepItem.run_setup`` and ``run_call``).

Left on the main thread, the serial way: ``parallel: false`` groups (nothing else is in
flight while one runs: every earlier group has reported, no later one is submitted until it
is torn down), and groups with a ``skip``, ``skipif`` or ``xfail`` mark, which pytest may
decide not to run at all. A stop (``-x``, ``--maxfail``, Ctrl-C, the end of the loop) sets
an event that ``runner/http.py`` checks before every request: no request starts after it.

Hooks and template functions of the groups that run ahead (``pytest_orbit_group_variables``,
functions from ``pytest_orbit_template_globals``) run on the worker threads; see
docs/performance.md.

Under xdist (``-n`` with orbit's scheduling) every worker has a pool too. A worker has no
public view of the work queued for it, so the controller deals the units up front and each
worker computes its own share the same way (``partition.py``): the pool plans exactly that
share and starts running ahead once pytest reaches its first step (by then the controller
has sent the whole share). Items outside the plan (what a replacement worker gets after a
crash) run on the main thread, the serial way. Other ``--dist`` modes keep one group at a
time per worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from . import options, partition
from .collect import GroupNode, StepItem
from .groupids import StepRef

PLUGIN_NAME = "orbit-concurrency-pool"
# Marks pytest may act on before a step's setup (and so before the work would start).
_MARKS_THAT_SKIP = ("skip", "skipif", "xfail")


def pytest_configure(config: pytest.Config) -> None:
    width = options.concurrency(config)  # a bad value is a usage error, even under xdist
    dealt = partition.worker_slot(config)  # a worker whose controller dealt the units
    wanted = width > 1 and (dealt is not None or not _under_xdist(config))
    if wanted and not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(GroupPool(width, dealt), PLUGIN_NAME)


def pytest_report_header(config: pytest.Config) -> str | None:
    width = options.concurrency(config)
    if width > 1 and _under_xdist(config) and not hasattr(config, "workerinput"):
        from .parallel import TAKEN_OVER

        dist = config.getoption("dist", default="no")
        if dist not in TAKEN_OVER:
            return (
                f"orbit: --orbit-concurrency {width} is not used under --dist {dist}: "
                "each xdist worker runs its groups one at a time"
            )
        return f"orbit: --orbit-concurrency {width} in each xdist worker"
    return None


def _under_xdist(config: pytest.Config) -> bool:
    if hasattr(config, "workerinput"):
        return True
    workers = config.getoption("numprocesses", default=None)
    return bool(workers) and config.getoption("dist", default="no") != "no"


@dataclass
class PhaseResult:
    """How one phase (setup or call) of a step ended on its worker, and how long it took."""

    error: BaseException | None
    duration: float


class GroupAhead:
    """One group instance's results, written by its worker, read by pytest's main thread."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self._changed = threading.Condition()
        self._results: dict[tuple[int, str], PhaseResult] = {}
        self._finished = False

    def record(self, item: StepItem, phase: str, result: PhaseResult) -> None:
        with self._changed:
            self._results[item.index, phase] = result
            self._changed.notify_all()

    def finish(self) -> None:
        with self._changed:
            self._finished = True
            self._changed.notify_all()

    def result(self, item: StepItem, phase: str) -> PhaseResult | None:
        """What the worker recorded for this phase, once it has (None if it never will)."""
        key = (item.index, phase)
        with self._changed:
            while key not in self._results and not self._finished:
                self._changed.wait()
            return self._results.get(key)

    def recorded(self, item: StepItem, phase: str) -> PhaseResult | None:
        """What the worker recorded for this phase so far, without waiting."""
        with self._changed:
            return self._results.get((item.index, phase))

    def hand_over(self, item: StepItem, phase: str) -> None:
        """End this phase on the main thread as it ended on the worker."""
        result = self.result(item, phase)
        if result is None:
            raise RuntimeError(
                f"{item.nodeid}: its group stopped on its worker thread before this step's "
                f"{phase} (the run is stopping)"
            )
        if result.error is not None:
            raise result.error


def run_group(node: GroupNode, items: list[StepItem], ahead: GroupAhead) -> None:
    """A group's selected steps, in order, as pytest would run them: setup, then call."""
    from ..runner.context import RunStopped

    node.next_index, node.blocked_by = 0, None
    try:
        for item in items:
            phases: tuple[tuple[str, Callable[[], None]], ...] = (
                ("setup", item.run_setup),
                ("call", item.run_call),
            )
            for phase, work in phases:
                started = time.perf_counter()
                error: BaseException | None = None
                try:
                    work()
                except RunStopped:
                    return  # pytest will not ask for this step: the run stopped before it
                except BaseException as exc:  # pytest.skip too: handed to the main thread whole
                    error = exc
                ahead.record(item, phase, PhaseResult(error, time.perf_counter() - started))
                if error is not None and phase == "setup":
                    break  # pytest does not call a step whose setup failed or skipped
    finally:
        ahead.finish()


@dataclass
class Unit:
    """One group instance's selected steps, in the order pytest will run them."""

    node: GroupNode
    items: list[StepItem] = field(default_factory=list)
    barrier: bool = False  # parallel: false: runs alone, on the main thread
    inline: bool = False  # runs on the main thread (a barrier, or a mark pytest acts on)


class GroupPool:
    """The session's pool of group workers, and the plan it submits them from."""

    def __init__(self, width: int, dealt: tuple[int | None, int] | None = None) -> None:
        self.width = width
        self.dealt = dealt  # under xdist: (this worker's slot or None, the worker count)
        self.window = 2 * width  # units submitted ahead of the one pytest is at
        self.stop = threading.Event()
        self.units: list[Unit] = []
        self.unit_of: dict[GroupNode, int] = {}
        self.current = -1  # the unit pytest is at
        self.next = 0  # the next unit to consider submitting
        self.pool: ThreadPoolExecutor | None = None
        self.session: pytest.Session | None = None

    def plan(self, items: list[pytest.Item]) -> None:
        for item in items:
            if not isinstance(item, StepItem):
                continue
            node = item.parent
            if node not in self.unit_of:
                self.unit_of[node] = len(self.units)
                barrier = not node.group.parallel
                self.units.append(Unit(node, barrier=barrier, inline=barrier))
            unit = self.units[self.unit_of[node]]
            unit.items.append(item)
            if any(item.get_closest_marker(name) for name in _MARKS_THAT_SKIP):
                unit.inline = True

    def share(self, items: list[pytest.Item]) -> list[pytest.Item]:
        """The items this process runs, in the order it runs them: all of them, or under
        xdist this worker's share of the units dealt up front (partition.py)."""
        if self.dealt is None:
            return items
        slot, count = self.dealt
        if slot is None:
            return []  # a replacement worker: what it is sent runs the serial way
        nodes = {item.nodeid: item for item in items}

        def serial(ref: StepRef) -> bool:
            item = nodes[ref.nodeid]
            return isinstance(item, StepItem) and not item.parent.group.parallel

        def file_order(ref: StepRef) -> tuple[Any, ...]:
            item = nodes[ref.nodeid]
            assert isinstance(item, StepItem)
            return (Path(ref.file).parts, *item.parent.file_place)

        nodeids = [item.nodeid for item in items]
        units = partition.units(nodeids, serial, file_order)
        mine = partition.deal(units, count)[slot]
        return [items[index] for _, indices in mine for index in indices]

    def fill(self) -> None:
        assert self.pool is not None
        while self.next < len(self.units) and not self.stop.is_set():
            if self.next - max(self.current, 0) >= self.window:
                return
            unit = self.units[self.next]
            if unit.barrier and self.current <= self.next:
                return  # nothing starts until pytest is past the parallel: false group
            self.next += 1
            if not unit.inline:
                unit.node.ahead = GroupAhead(self.stop)
                self.pool.submit(run_group, unit.node, unit.items, unit.node.ahead)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, Any, None]:
        if session.config.getoption("collectonly"):
            yield
            return
        self.session = session
        self.plan(self.share(session.items))
        self.pool = ThreadPoolExecutor(self.width, thread_name_prefix="orbit-group")
        try:
            if self.dealt is None:
                # Under xdist nothing runs ahead before pytest reaches the share's first
                # step: only then is it sure that the controller sent this worker its share.
                self.fill()
            yield
        finally:
            self.stop.set()
            self.pool.shutdown(wait=True, cancel_futures=True)
            for unit in self.units[self.current + 1 : self.next]:
                unit.node.ahead = None  # run ahead but never reported: close their sessions
                unit.node.teardown()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, Any, None]:
        if isinstance(item, StepItem) and self.pool is not None:
            index = self.unit_of.get(item.parent, -1)
            if index > self.current:
                self.current = index
                self.fill()
        yield
        self._stop_if_stopping()

    @pytest.hookimpl(trylast=True)  # after the session has counted this failure
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._stop_if_stopping()

    def _stop_if_stopping(self) -> None:
        session = self.session
        if session is not None and (session.shouldfail or session.shouldstop):
            self.stop.set()

    @pytest.hookimpl(hookwrapper=True, trylast=True)  # innermost: before reporting.py reads it
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, Any, None]:
        outcome = yield
        if isinstance(item, StepItem) and item.parent.ahead is not None:
            result = item.parent.ahead.recorded(item, call.when)
            if result is not None:
                # The time the step took on its worker, not the time pytest waited for it.
                outcome.get_result().duration = result.duration
