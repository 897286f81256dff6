"""Which xdist worker runs which units, computed the same way on the controller and a worker.

Under ``-n`` the work units are one per parallel group instance, one for all ``parallel:
false`` groups (in file order) and xdist's ``loadscope`` units for Python tests
(``units``). Normally the controller hands them out one by one as workers free up. With
``--orbit-concurrency N`` as well, a worker's pool must know its work before pytest reaches
it, to run it ahead, and xdist gives a worker no public view of the items queued for it. So
the units are dealt up front instead (``deal``): each, in order, to the slot with the fewest
items so far (ties to the lowest slot; the serial unit comes first, so slot 0 gets it). The
controller sends slot ``k``'s share whole to the worker whose ``workerinput["workerid"]`` is
``gw<k>``; that worker computes the same share from its own collection (which the controller
has checked is every worker's) and ``workerinput["workercount"]``. Both are xdist's public
worker input. A worker with no slot (a replacement for a crashed one, ``gw<count>`` and up)
plans nothing and runs what it is sent one group at a time. See docs/parallel.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from .groupids import StepRef, parse

SERIAL = "orbit::serial"  # the work unit of all parallel: false groups
# Set by the controller in the worker input when the units are dealt up front.
WORKERINPUT_KEY = "orbit_partition"

Unit = tuple[str, list[int]]  # a unit: its key, its items (collection indices) in run order


def unit_key(nodeid: str, serial: Callable[[StepRef], bool]) -> str:
    ref = parse(nodeid)
    if ref is None:
        return nodeid.rsplit("::", 1)[0]  # loadscope's unit: a module or a class
    return SERIAL if serial(ref) else ref.scope


def units(
    nodeids: Sequence[str],
    serial: Callable[[StepRef], bool],
    file_order: Callable[[StepRef], tuple[Any, ...]],
) -> list[Unit]:
    """The run's units: the serial one first (its steps in file order), then the others in
    the order their first item was collected."""
    found: dict[str, list[int]] = {SERIAL: []}
    for index, nodeid in enumerate(nodeids):
        found.setdefault(unit_key(nodeid, serial), []).append(index)

    def order(index: int) -> tuple[Any, ...]:
        ref = parse(nodeids[index])
        assert ref is not None  # only steps are in the serial unit
        return file_order(ref)

    # Python's sort is stable: steps keep their collected (file) order in a group.
    found[SERIAL].sort(key=order)
    # Serial groups first: they are the longest unit, and starting them early keeps the
    # other workers from waiting on them at the end of the run.
    return [(key, indices) for key, indices in found.items() if indices]


def deal(all_units: Sequence[Unit], count: int) -> list[list[Unit]]:
    """Each unit, in order, to the slot with the fewest items so far; ties to the lowest."""
    shares: list[list[Unit]] = [[] for _ in range(count)]
    loads = [0] * count
    for unit in all_units:
        slot = loads.index(min(loads))
        shares[slot].append(unit)
        loads[slot] += len(unit[1])
    return shares


def slot_of(workerid: object, count: int) -> int | None:
    """The slot of worker ``gw<k>`` (``k < count``); None for any other worker id."""
    match = re.fullmatch(r"gw(\d+)", str(workerid))
    if match is None or int(match.group(1)) >= count:
        return None
    return int(match.group(1))


def worker_slot(config: pytest.Config) -> tuple[int | None, int] | None:
    """On a worker whose units are dealt up front: (its slot or None, the worker count)."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if not workerinput or not workerinput.get(WORKERINPUT_KEY):
        return None
    count = int(workerinput.get("workercount", 0))
    return slot_of(workerinput.get("workerid"), count), count
