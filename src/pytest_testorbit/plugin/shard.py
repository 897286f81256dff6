"""``--orbit-shard I/N``: run the I-th of N shares of the case groups, whole groups.

Every shard process (one per CI machine) computes the same split from the same inputs and
keeps its own share: no coordinator. A share is made of units: each parallel group instance
is one, and all ``parallel: false`` groups together are one, so serial groups never run on
two machines at once. Units are dealt greedily, heaviest first, to the lightest shard. The
weight of a unit is its groups' mean duration over recent finished runs in the store, when
the store has them, else its number of steps; ties break on the sorted group keys, never on
hashes, so every process agrees. Python tests are not case groups: every shard runs them.

Under xdist the controller reads the durations once and hands them to its workers in
``workerinput``: workers reading the store themselves could see different data and collect
different items, which xdist refuses.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from ..outcomes import display_id
from . import options, results
from .collect import GroupNode, StepItem
from .session import SESSION_KEY

DURATIONS_KEY = pytest.StashKey["dict[str, float] | None"]()
WORKERINPUT_KEY = "orbit_shard_durations"
SERIAL_SHARE = "(serial groups)"  # the shard share of all parallel: false groups
RUNS_BACK = 10  # recent enough to follow a suite that changes, long enough to even out noise


def pytest_configure(config: pytest.Config) -> None:
    if options.shard(config) is None:  # also checks the value: a bad one is a usage error
        return
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        config.stash[DURATIONS_KEY] = workerinput.get(WORKERINPUT_KEY)
    else:
        config.stash[DURATIONS_KEY] = stored_durations(config)


def durations(config: pytest.Config) -> dict[str, float] | None:
    """What the controller sends each worker (see parallel.XdistHooks)."""
    return config.stash.get(DURATIONS_KEY, None)


@pytest.hookimpl(trylast=True)  # after -k, -m and other deselection
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    shard = options.shard(config)
    if shard is None:
        return
    index, count = shard
    units = group_units(config, items)
    keep = assign(units, count, config.stash.get(DURATIONS_KEY, None))[index - 1]
    kept, deselected = [], []
    for item in items:
        if isinstance(item, StepItem) and unit_of(config, item.parent) not in keep:
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        from .selection import SHARDED_KEY

        config.stash[SHARDED_KEY] = {item.nodeid for item in deselected}
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def group_key(config: pytest.Config, node: GroupNode) -> str:
    """A group instance as the store names it: ``file::group[param]``, the file project-relative."""
    file = config.stash[SESSION_KEY].project_relative(node.path)
    return f"{file}::{node.name}"


def unit_of(config: pytest.Config, node: GroupNode) -> str:
    return group_key(config, node) if node.group.parallel else SERIAL_SHARE


def group_units(config: pytest.Config, items: list[pytest.Item]) -> dict[str, dict[str, int]]:
    """unit -> group key -> number of its selected steps."""
    units: dict[str, dict[str, int]] = {}
    for item in items:
        if isinstance(item, StepItem):
            groups = units.setdefault(unit_of(config, item.parent), {})
            key = group_key(config, item.parent)
            groups[key] = groups.get(key, 0) + 1
    return units


def assign(
    units: Mapping[str, Mapping[str, int]], count: int, known: Mapping[str, float] | None
) -> list[set[str]]:
    """Deal units to ``count`` shards, heaviest first, each to the lightest shard so far.

    ``known`` maps group keys to durations in seconds; a group it lacks weighs its steps
    times the median duration per step of the groups it has (or 1 s per step without any).
    """
    per_step = _median_per_step(units, known or {})

    def weight(groups: Mapping[str, int]) -> float:
        return sum((known or {}).get(key, steps * per_step) for key, steps in groups.items())

    order = sorted(units, key=lambda unit: (-weight(units[unit]), unit))
    loads = [0.0] * count
    shards: list[set[str]] = [set() for _ in range(count)]
    for unit in order:
        lightest = min(range(count), key=lambda i: (loads[i], i))
        shards[lightest].add(unit)
        loads[lightest] += weight(units[unit])
    return shards


def _median_per_step(units: Mapping[str, Mapping[str, int]], known: Mapping[str, float]) -> float:
    rates = sorted(
        known[key] / steps
        for groups in units.values()
        for key, steps in groups.items()
        if key in known and steps
    )
    return rates[len(rates) // 2] if rates else 1.0


def stored_durations(config: pytest.Config) -> dict[str, float] | None:
    """Mean duration of each group over the store's recent finished runs; None without them.

    Runs still going, and the run of this process's own run key (whose other shards may be
    writing it right now), are left out, so shards starting together read the same runs.
    A store that cannot be read gives None: the split falls back to step counts, which needs
    nothing but the case files.
    """
    if config.getoption("orbit_no_db", False):
        return None
    orbit = config.stash[SESSION_KEY]
    means = results.group_durations(
        config,
        orbit.project,
        runs_back=RUNS_BACK,
        environment=orbit.env_name,
        exclude_run_key=options.get(config, "orbit_run_key"),
    )
    found: dict[str, float] = {}
    for (file, group_id, param), seconds in (means or {}).items():
        found[f"{file}::{display_id(group_id, param)}"] = seconds  # as group_key names it
    return found or None
