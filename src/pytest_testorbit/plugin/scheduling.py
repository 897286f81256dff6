"""The xdist schedulers of ``plugin/parallel.py``, imported only when xdist asks for one.

``OrbitScheduling`` waits for the workers' collections, then hands over to xdist's own
scheduler (no case groups) or to ``GroupScheduling`` (one unit per parallel group instance,
one for all serial groups). See ``parallel.py`` for the rules and docs/parallel.md.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import pytest
from xdist.scheduler import LoadScheduling, LoadScopeScheduling

try:
    from xdist.workermanage import parse_tx_spec_config
except ImportError:  # pytest-xdist before 3.4 names it parse_spec_config (the same function)
    from xdist.workermanage import parse_spec_config as parse_tx_spec_config

from ..outcomes import ERROR, GroupIdentity, PhaseReport, StepReport
from .groupids import GroupIndex, StepRef, is_step_nodeid, parse

SERIAL = "orbit::serial"  # the work unit of all parallel: false groups


class OrbitScheduling:
    """Holds the nodes until their collections arrive, then hands over to the right scheduler.

    xdist asks for a scheduler before any worker has collected, and only the collection
    tells whether this run has case groups at all.
    """

    def __init__(self, config: pytest.Config, log: Any) -> None:
        self.config, self.log = config, log
        self.impl: Any = None
        self._nodes: list[Any] = []
        self._collections: dict[Any, list[str]] = {}
        self.numnodes = len(parse_tx_spec_config(config))

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
            ids = next(iter(self._collections.values()), [])
            if any(is_step_nodeid(nodeid) for nodeid in ids):
                self.impl = GroupScheduling(self.config, self.log)
            elif self.config.getoption("dist") == "load":
                self.impl = LoadScheduling(self.config, self.log)
            else:
                self.impl = LoadScopeScheduling(self.config, self.log)
            for node in self._nodes:
                self.impl.add_node(node)
                if node in self._collections:
                    self.impl.add_node_collection(node, self._collections[node])
        self.impl.schedule()


class GroupScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist is untyped
    """loadscope with one unit per parallel group instance and one for all serial groups."""

    def __init__(self, config: pytest.Config, log: Any) -> None:
        super().__init__(config, log)
        self.index = GroupIndex(config)
        self._serial: dict[str, bool] = {}  # group instance scope -> parallel: false
        self._positions: dict[Any, dict[str, int]] = {}

    def _split_scope(self, nodeid: str) -> str:
        ref = parse(nodeid)
        if ref is None:
            return str(super()._split_scope(nodeid))
        if ref.scope not in self._serial:
            self._serial[ref.scope] = self.index.info(ref).serial
        return SERIAL if self._serial[ref.scope] else ref.scope

    def _file_order(self, nodeid: str) -> tuple[Any, ...]:
        ref = parse(nodeid)
        assert ref is not None  # only steps are in the serial unit
        return self.index.info(ref).order

    def _assign_work_unit(self, node: Any) -> None:
        # Serial groups first: they are the longest unit, and starting them early keeps the
        # other workers from waiting on them at the end of the run.
        scope = SERIAL if SERIAL in self.workqueue else next(iter(self.workqueue))
        work_unit = self.workqueue.pop(scope)
        if scope == SERIAL:
            # Python's sort is stable: steps keep their collected (file) order in a group.
            work_unit = dict(sorted(work_unit.items(), key=lambda kv: self._file_order(kv[0])))
        self.assigned_work.setdefault(node, {})[scope] = work_unit
        positions = self._positions.get(node)
        if positions is None:
            collection = self.registered_collections[node]
            positions = self._positions[node] = {nodeid: i for i, nodeid in enumerate(collection)}
        pending = [positions[nodeid] for nodeid, done in work_unit.items() if not done]
        if pending:  # an empty send makes a worker wait forever (pytest-xdist #1378)
            node.send_runtest_some(pending)

    def _reschedule(self, node: Any) -> None:
        if node.shutting_down:
            return
        if self.workqueue and self._pending_of(self.assigned_work[node]) <= 2:
            self._assign_work_unit(node)
            # A worker runs an item only once it knows the next one: give it two (#1327).
            while self.workqueue and self._pending_of(self.assigned_work[node]) < 2:
                self._assign_work_unit(node)
        if not self.workqueue:
            node.shutdown()

    def remove_node(self, node: Any) -> str | None:
        """Drop a node; after a crash, requeue only the work it had not started."""
        workload: dict[str, dict[str, bool]] = self.assigned_work.pop(node)
        self._positions.pop(node, None)
        # A worker runs its units in the order sent, so the first unfinished step is the one
        # it died on; every step before it finished.
        pending = [n for unit in workload.values() for n, done in unit.items() if not done]
        if not pending:
            return None
        crashitem = pending[0]
        started = {crashitem.rsplit("::", 1)[0]}  # group instances it began
        for unit in workload.values():
            started.update(n.rsplit("::", 1)[0] for n, done in unit.items() if done)
        requeue: OrderedDict[str, dict[str, bool]] = OrderedDict()
        for nodeid in pending[1:]:
            ref = parse(nodeid)
            if ref is not None and ref.scope in started:
                continue  # the rest of a half-run group: stored as not run, never re-sent
            requeue.setdefault(self._split_scope(nodeid), {})[nodeid] = False
        # Python tests keep xdist's behaviour, minus the re-run of the test that crashed.
        queue: OrderedDict[str, dict[str, bool]] = self.workqueue  # type: ignore[has-type]  # set in xdist's untyped __init__
        for scope, unit in queue.items():
            requeue.setdefault(scope, {}).update(unit)
        self.workqueue = requeue
        for other in self.assigned_work:
            self._reschedule(other)
        return str(crashitem)

    def crash_data(self, ref: StepRef, message: str) -> PhaseReport:
        """The report of a step its worker died on: an error, with its group's plan."""
        info = self.index.info(ref)
        group = info.group
        steps = {step.id: (i, step) for i, step in enumerate(group.steps)} if group else {}
        order, step = steps.get(ref.step_id, (0, None))
        prefix = ref.scope + "::"
        planned = [n[len(prefix) :] for n in self.collection or [] if n.startswith(prefix)]
        identity = GroupIdentity(
            file=self.index.project_file(ref.file),
            group_id=ref.group_id,
            param_id=ref.param_id,
            title=group.title if group else "",
            owners=list(group.owners) if group else [],
            tags=list(group.tags) if group else [],
            parallel=not info.serial,
        )
        report = StepReport(
            step_id=ref.step_id,
            order=order,
            name=step.name if step else ref.step_id,
            outcome=ERROR,
            message=message,
            line=step.line if step else None,
        )
        return PhaseReport(identity, report, "crash", planned or [ref.step_id])
