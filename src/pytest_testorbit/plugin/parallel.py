"""Parallel runs on pytest-xdist: each group on one worker whole, serial groups together.

With ``-n N`` (whose default ``--dist load`` would scatter a group's steps over workers) or
``--dist loadscope``, the controller uses ``OrbitScheduling``. It waits for the workers'
collections; a run without case groups then gets xdist's own scheduler, unchanged. A run
with case groups gets ``GroupScheduling``: every parallel group instance is one work unit,
all ``parallel: false`` groups are one unit in file order, and Python tests keep xdist's
``loadscope`` units. Other ``--dist`` modes are the user's choice and left alone. Both
classes are ours, written against xdist's public scheduler protocol (scheduling.py).

A dead worker never gets its half-run group sent elsewhere (a step re-run against a live API
is a second order, a second payment): its unrun steps are stored as not run, and only the
groups it had not started go back on the queue. This also avoids xdist 3.8's loadscope hangs
after a crash (pytest-xdist #1323, #1327, #1378). See docs/parallel.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from . import options, partition, shard

PLUGIN_NAME = "orbit-parallel-xdist"
TAKEN_OVER = ("load", "loadscope")  # -n alone means load, which cannot keep a group whole


def pytest_configure(config: pytest.Config) -> None:
    # The xdist hooks exist only while xdist is loaded (not under -p no:xdist), and only
    # the controller schedules, so workers and plain runs never see this plugin.
    manager = config.pluginmanager
    controller = manager.hasplugin("xdist") and not hasattr(config, "workerinput")
    if controller and not manager.has_plugin(PLUGIN_NAME):
        manager.register(XdistHooks(), PLUGIN_NAME)


class XdistHooks:
    def pytest_xdist_setupnodes(self, config: pytest.Config, specs: Sequence[Any]) -> None:
        # The number of workers whose collections the scheduler waits for: xdist tells it
        # here, before it asks for a scheduler, with -n and --tx already expanded.
        from .scheduling import NUMNODES_KEY

        config.stash[NUMNODES_KEY] = len(specs)

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getoption("dist") not in TAKEN_OVER:
            return None
        # Imported here, under -n, not at plugin load: a run without xdist workers does not
        # pay for the schedulers.
        from .scheduling import OrbitScheduling

        return OrbitScheduling(config, log)

    def pytest_configure_node(self, node: Any) -> None:
        # Workers must all pick the same shard: they get the controller's one read of the
        # store instead of each reading it at a different moment.
        node.workerinput[shard.WORKERINPUT_KEY] = shard.durations(node.config)
        # With --orbit-concurrency the units are dealt up front, so that each worker's pool
        # knows its share (partition.py); the worker learns that the controller does so here.
        if options.concurrency(node.config) > 1 and node.config.getoption("dist") in TAKEN_OVER:
            node.workerinput[partition.WORKERINPUT_KEY] = True

    def pytest_handlecrashitem(self, crashitem: str, report: pytest.TestReport, sched: Any) -> None:
        """Give the crash report its step's data, so the store knows the group it ended."""
        from .crash import crash_phase
        from .groupids import parse
        from .reporting import REPORT_ATTRIBUTE
        from .scheduling import OrbitScheduling

        ref = parse(crashitem)
        groups = sched.groups if isinstance(sched, OrbitScheduling) else None
        if ref is None or groups is None:
            return
        phase, masked = crash_phase(groups.index, groups.collection or [], ref, report.longrepr)
        report.longrepr = masked
        setattr(report, REPORT_ATTRIBUTE, phase.to_json())
        self._store_dropped(groups)

    @staticmethod
    def _store_dropped(groups: Any) -> None:
        """The groups a dead worker's pool may have begun send no report: the results
        writer gets them here, to store with every step not run."""
        from .crash import unreported_phase
        from .results import PLUGIN_NAME as RESULTS

        results = groups.config.pluginmanager.get_plugin(RESULTS)
        while groups.dropped:
            phase = unreported_phase(groups.index, groups.collection or [], groups.dropped.pop(0))
            if results is not None and phase is not None:
                results.expect_group(phase)
