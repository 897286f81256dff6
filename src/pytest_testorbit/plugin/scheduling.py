"""The xdist schedulers of ``plugin/parallel.py``, imported only when xdist asks for one.

Both classes implement xdist's scheduler protocol (``xdist.scheduler.Scheduling`` on newer
xdist; the same members DSession calls on 3.3) and nothing else of xdist: they call only a
worker's public ``send_runtest_some``, ``shutdown`` and ``shutting_down``.

``OrbitScheduling`` waits for the workers' collections, then hands over to xdist's own
``LoadScheduling``/``LoadScopeScheduling`` (no case steps) or to ``GroupScheduling`` (one
unit per parallel group instance, one for all serial groups). See ``parallel.py`` for the
rules and docs/parallel.md.
"""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Sequence
from typing import Any

import pytest

from . import options, partition
from .groupids import GroupIndex, StepRef, is_step_nodeid, parse
from .partition import Unit

NUMNODES_KEY = pytest.StashKey[int]()  # set by parallel.py's pytest_xdist_setupnodes
HOLD = 2  # a worker runs an item only once it holds the next one (or is told to shut down)


class OrbitScheduling:
    """Holds the nodes until their collections arrive, then hands over to the right scheduler.

    xdist asks for a scheduler before any worker has collected, and only the collection
    tells whether this run has case steps at all.
    """

    def __init__(self, config: pytest.Config, log: Any) -> None:
        self.config, self.log = config, log
        self.impl: Any = None
        # Without the hook's count (it always comes first under DSession) scheduling starts
        # at the first collection, and the other workers join late, as replacements do.
        self.numnodes = config.stash.get(NUMNODES_KEY, 1)
        self._nodes: list[Any] = []
        self._collections: dict[Any, list[str]] = {}

    @property
    def groups(self) -> GroupScheduling | None:
        """The scheduler by group, once this run turned out to have case steps."""
        return self.impl if isinstance(self.impl, GroupScheduling) else None

    @property
    def nodes(self) -> list[Any]:
        return list(self.impl.nodes) if self.impl else list(self._nodes)

    @property
    def collection_is_completed(self) -> bool:
        if self.impl:
            return bool(self.impl.collection_is_completed)
        return len(self._collections) >= self.numnodes

    @property
    def tests_finished(self) -> bool:
        return bool(self.impl and self.impl.tests_finished)

    @property
    def has_pending(self) -> bool:
        return bool(self.impl and self.impl.has_pending)

    def add_node(self, node: Any) -> None:
        self.impl.add_node(node) if self.impl else self._nodes.append(node)

    def add_node_collection(self, node: Any, collection: Sequence[str]) -> None:
        if self.impl:
            self.impl.add_node_collection(node, collection)
        else:
            self._collections[node] = list(collection)

    def remove_node(self, node: Any) -> str | None:
        if self.impl:
            return self.impl.remove_node(node)  # type: ignore[no-any-return]
        if node not in self._nodes:
            raise KeyError(node)  # what xdist's own schedulers raise; DSession expects it
        self._nodes.remove(node)  # died before scheduling: it had no work
        self._collections.pop(node, None)
        return None

    def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
        self.impl.mark_test_complete(node, item_index, duration)

    def mark_test_pending(self, item: str) -> None:
        self.impl.mark_test_pending(item)

    def remove_pending_tests_from_node(self, node: Any, indices: Sequence[int]) -> None:
        self.impl.remove_pending_tests_from_node(node, indices)

    def schedule(self) -> None:
        if self.impl is None:
            self.impl = self._choose()
            for node in self._nodes:
                self.impl.add_node(node)
                if node in self._collections:
                    self.impl.add_node_collection(node, self._collections[node])
        self.impl.schedule()

    def _choose(self) -> Any:
        ids = next(iter(self._collections.values()), [])
        if any(is_step_nodeid(nodeid) for nodeid in ids):
            return GroupScheduling(self.config, self.log, self.numnodes)
        # xdist's own, public classes; imported here so a run with case steps never loads them
        from xdist.scheduler import LoadScheduling, LoadScopeScheduling

        if self.config.getoption("dist") == "load":
            return LoadScheduling(self.config, self.log)
        return LoadScopeScheduling(self.config, self.log)


class GroupScheduling:
    """One unit per parallel group instance, one for all serial groups, loadscope's for the
    rest; units are sent whole, and a group its worker died in is never sent again.

    With ``--orbit-concurrency N`` the units are dealt up front (``partition.py``): each
    worker gets its whole share at once, and its pool runs up to ``2 * N`` group instances
    ahead of the step pytest is at, which a crash must take into account."""

    def __init__(self, config: pytest.Config, log: Any, numnodes: int) -> None:
        self.config, self.log, self.numnodes = config, log, numnodes
        self.width = options.concurrency(config)
        self.dealt = self.width > 1  # the units are dealt up front (parallel.py tells workers)
        self._shares: dict[Any, list[str]] = {}  # node -> its dealt group instances, in order
        self.dropped: list[str] = []  # instances a dead worker's pool may have begun: not run
        self.index = GroupIndex(config)
        self.collection: list[str] | None = None  # the one all workers collected, once checked
        self.queue: deque[Unit] = deque()  # units no worker has been given
        self._sent: dict[Any, list[int]] = {}  # node -> items sent and not completed, in order
        self._collections: dict[Any, list[str]] = {}  # usable node -> what it collected
        self._collected = 0  # collections ever received: a node that left still counted
        self._serial: dict[str, bool] = {}  # group instance -> parallel: false

    # -- the protocol's state ----------------------------------------------------------------

    @property
    def nodes(self) -> list[Any]:
        return list(self._sent)

    @property
    def collection_is_completed(self) -> bool:
        return self._collected >= self.numnodes

    @property
    def tests_finished(self) -> bool:
        if self.collection is None or self.queue:
            return False
        # A node holding one item waits for the next: DSession's shutdown makes it run it.
        return all(len(sent) < HOLD for sent in self._sent.values())

    @property
    def has_pending(self) -> bool:
        return bool(self.queue) or any(self._sent.values())

    # -- events ----------------------------------------------------------------------------

    def add_node(self, node: Any) -> None:
        assert node not in self._sent
        self._sent[node] = []

    def add_node_collection(self, node: Any, collection: Sequence[str]) -> None:
        self._collected += 1
        if self.collection is not None and list(collection) != self.collection:
            self._collection_differs("the other workers", self.collection, node, list(collection))
            return
        self._collections[node] = list(collection)

    def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
        self._sent[node].remove(item_index)
        self._hand_out()

    def mark_test_pending(self, item: str) -> None:
        """A ``pytest_handlecrashitem`` asks to run ``item`` again: Python tests only."""
        if parse(item) is not None:
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(
                    f"orbit: not running {item} again: the rest of a group whose worker "
                    "crashed is never sent to another worker (docs/parallel.md)"
                )
            return
        assert self.collection is not None
        self.queue.appendleft((self._unit_key(item), [self.collection.index(item)]))
        self._hand_out()

    def remove_pending_tests_from_node(self, node: Any, indices: Sequence[int]) -> None:
        raise NotImplementedError("orbit's scheduler never steals work from a worker")

    def remove_node(self, node: Any) -> str | None:
        """Drop a node; after a crash, queue again only the work it had not started."""
        pending = self._sent.pop(node)  # KeyError for a node never added, as DSession expects
        self._collections.pop(node, None)
        if not pending:
            return None
        # A worker runs its items in the order sent, so the first one not completed is the
        # one it died on, and everything after it has not started.
        assert self.collection is not None
        crashitem = self.collection[pending[0]]
        crashed = parse(crashitem)
        half_run = {crashed.scope} if crashed is not None else set()
        half_run |= self._maybe_started(node, crashed)
        units: dict[str, list[int]] = {}
        for index in pending[1:]:
            ref = parse(self.collection[index])
            if ref is not None and ref.scope in half_run:
                continue  # the rest of a half-run group: stored as not run, never re-sent
            units.setdefault(self._unit_key(self.collection[index]), []).append(index)
        self.queue.extendleft(reversed(units.items()))  # at the front, in their order
        self._hand_out()
        return crashitem

    def _maybe_started(self, node: Any, crashed: StepRef | None) -> set[str]:
        """The group instances a dead worker's pool may have begun ahead of the crashed one.

        The pool runs ahead at most ``2 * N`` instances of its share past the one pytest is
        at, never past a ``parallel: false`` group; whether they sent anything died with the
        worker, so none of them is sent again (docs/parallel.md)."""
        share = self._shares.pop(node, [])
        if crashed is None or crashed.scope not in share:
            return set()
        at = share.index(crashed.scope)
        maybe: set[str] = set()
        for scope in share[at + 1 : at + 2 * self.width]:
            if self._serial.get(scope, False):
                break  # the pool waits at a parallel: false group
            maybe.add(scope)
        self.dropped.extend(sorted(maybe, key=share.index))
        if maybe:
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(
                    f"orbit: not sending {len(maybe)} group(s) of the crashed worker "
                    f"{_name(node)} to another worker: its --orbit-concurrency pool may have "
                    "begun them (docs/parallel.md)"
                )
        return maybe

    def schedule(self) -> None:
        assert self.collection_is_completed
        if self.collection is None:
            collections = list(self._collections.items())
            if not collections:
                return
            first_node, collection = collections[0]
            for node, other in collections[1:]:
                if other != collection:
                    self._collection_differs(_name(first_node), collection, node, other)
                    collection = []  # as xdist does: the run stops with the difference shown
                    break
            self.collection = collection
            all_units = partition.units(collection, self._serial_of, self._file_order)
            if self.dealt:
                all_units = self._deal(all_units)
            self.queue.extend(all_units)
        self._hand_out()

    def _deal(self, all_units: list[Unit]) -> list[Unit]:
        """Send each usable worker its share whole; the units left (the share of a worker
        that is gone or collected other tests) are handed out as usual, and run there one
        group at a time."""
        assert self.collection is not None
        count = self.numnodes
        left: list[Unit] = []
        owners: dict[int, Any] = {}
        for node in self._collections:
            slot = partition.slot_of(node.workerinput.get("workerid"), count)
            if slot is not None and not node.shutting_down:
                owners[slot] = node
        for slot, share in enumerate(partition.deal(all_units, count)):
            node = owners.get(slot)
            if node is None:
                left.extend(share)
                continue
            indices = [index for _, unit in share for index in unit]
            if indices:
                self._sent[node].extend(indices)
                node.send_runtest_some(indices)
            scopes = (parse(self.collection[index]) for index in indices)
            self._shares[node] = list(dict.fromkeys(ref.scope for ref in scopes if ref))
        # Keep the collection order of what is left.
        return sorted(left, key=lambda unit: all_units.index(unit))

    # -- handing out -----------------------------------------------------------------------

    def _hand_out(self) -> None:
        """Top every usable node up to ``HOLD`` items; once the queue is empty, shut them all
        down, so each runs its last item and finishes."""
        if self.collection is None:
            return
        for node, sent in self._sent.items():
            if node in self._collections and not node.shutting_down:
                while self.queue and len(sent) < HOLD:
                    self._send(node, self.queue.popleft())
        if not self.queue:
            for node in self._sent:
                if not node.shutting_down:
                    node.shutdown()

    def _send(self, node: Any, unit: Unit) -> None:
        _, indices = unit
        self._sent[node].extend(indices)
        node.send_runtest_some(indices)

    def _unit_key(self, nodeid: str) -> str:
        return partition.unit_key(nodeid, self._serial_of)

    def _serial_of(self, ref: StepRef) -> bool:
        if ref.scope not in self._serial:
            self._serial[ref.scope] = self.index.info(ref).serial
        return self._serial[ref.scope]

    def _file_order(self, ref: StepRef) -> tuple[Any, ...]:
        return self.index.info(ref).order

    def _collection_differs(
        self, first: str, expected: list[str], node: Any, collection: list[str]
    ) -> None:
        """Report a worker that collected other tests, as xdist's own schedulers do; it is
        given no work."""
        lines = difflib.unified_diff(expected, collection, first, _name(node), lineterm="")
        diff = "\n".join(lines)
        message = f"Different tests were collected between {first} and {_name(node)}:\n{diff}"
        if self.log is not None:
            self.log(message)
        report = pytest.CollectReport(_name(node), "failed", message, [])
        self.config.hook.pytest_collectreport(report=report)
        if not node.shutting_down:
            node.shutdown()


def _name(node: Any) -> str:
    gateway = getattr(node, "gateway", None)
    return str(getattr(gateway, "id", node))
