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

from .groupids import GroupIndex, is_step_nodeid, parse

SERIAL = "orbit::serial"  # the work unit of all parallel: false groups
NUMNODES_KEY = pytest.StashKey[int]()  # set by parallel.py's pytest_xdist_setupnodes
HOLD = 2  # a worker runs an item only once it holds the next one (or is told to shut down)

Unit = tuple[str, list[int]]  # a unit: its key, its items (collection indices) in run order


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
    rest; units are sent whole, and a group its worker died in is never sent again."""

    def __init__(self, config: pytest.Config, log: Any, numnodes: int) -> None:
        self.config, self.log, self.numnodes = config, log, numnodes
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
        half_run = crashed.scope if crashed is not None else None
        units: dict[str, list[int]] = {}
        for index in pending[1:]:
            ref = parse(self.collection[index])
            if ref is not None and ref.scope == half_run:
                continue  # the rest of a half-run group: stored as not run, never re-sent
            units.setdefault(self._unit_key(self.collection[index]), []).append(index)
        self.queue.extendleft(reversed(units.items()))  # at the front, in their order
        self._hand_out()
        return crashitem

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
            self.queue.extend(self._units(collection))
        self._hand_out()

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

    def _units(self, collection: list[str]) -> list[Unit]:
        units: dict[str, list[int]] = {SERIAL: []}
        for index, nodeid in enumerate(collection):
            units.setdefault(self._unit_key(nodeid), []).append(index)
        # Python's sort is stable: steps keep their collected (file) order in a group.
        units[SERIAL].sort(key=lambda index: self._file_order(collection[index]))
        # Serial groups first: they are the longest unit, and starting them early keeps the
        # other workers from waiting on them at the end of the run.
        return [(key, nodeids) for key, nodeids in units.items() if nodeids]

    def _unit_key(self, nodeid: str) -> str:
        ref = parse(nodeid)
        if ref is None:
            return nodeid.rsplit("::", 1)[0]  # loadscope's unit: a module or a class
        if ref.scope not in self._serial:
            self._serial[ref.scope] = self.index.info(ref).serial
        return SERIAL if self._serial[ref.scope] else ref.scope

    def _file_order(self, nodeid: str) -> tuple[Any, ...]:
        ref = parse(nodeid)
        assert ref is not None  # only steps are in the serial unit
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
