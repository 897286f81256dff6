"""Whether this session runs the whole suite or a part of it, decided from what pytest selected.

A run is partial when pytest deselected any step (``-k``, ``-m``, ``--lf``, ``--sw``,
``--deselect``, a node id of a step in a parametrized group, ``--orbit-shard`` without a run
key), when a collection argument named a node inside a file (``file::group``,
``file::group::step``: an IDE click), or when it stopped at a failure (``--sw``, ``-x``).
A group is partial when only some of its steps were selected. Partial runs are stored
marked, and kept out of trends, averages and ``orbit flaky`` unless asked for.

The decision is made where collection happens (in each xdist worker, or the one process) and
rides on every step report (its ``orbit_selection`` attribute) to the controller, where the
results are written.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import pytest

from . import options
from .collect import GroupNode, StepItem


@dataclass
class Selection:
    partial: bool = False
    text: str | None = None  # how it was selected, as the user wrote it: "-k login"
    deselected: int = 0  # steps deselected, shard splits of a run key not counted


SELECTION_KEY = pytest.StashKey[Selection]()
SELECTION_ATTRIBUTE = "orbit_selection"  # on each step report
# Node ids that --orbit-shard deselected: with a run key the shards are one whole run.
SHARDED_KEY = pytest.StashKey[set[str]]()
_DESELECTED_KEY = pytest.StashKey[list[str]]()
_PARTIAL_GROUPS_KEY = pytest.StashKey[set[GroupNode]]()  # groups with only some steps selected


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_DESELECTED_KEY] = []


def pytest_deselected(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, StepItem):
            item.config.stash.setdefault(_DESELECTED_KEY, []).append(item.nodeid)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    deselected = config.stash.get(_DESELECTED_KEY, [])
    if options.get(config, "orbit_run_key"):
        sharded = config.stash.get(SHARDED_KEY, set())
        deselected = [nodeid for nodeid in deselected if nodeid not in sharded]
    inside_files = [arg for arg in config.args if "::" in arg]
    groups = _selected_steps(session.items)
    partial_groups = {node for node, count in groups.items() if count < len(node.group.steps)}
    config.stash[_PARTIAL_GROUPS_KEY] = partial_groups
    some_steps = bool(partial_groups)
    last_failed = bool(config.getoption("lf", False)) and _has_last_failures(config)
    partial = bool(deselected or inside_files or some_steps or last_failed)
    text = _describe(config, inside_files, len(deselected)) if partial else None
    config.stash[SELECTION_KEY] = Selection(partial, text, len(deselected))


def _selected_steps(items: list[pytest.Item]) -> dict[GroupNode, int]:
    counts: dict[GroupNode, int] = {}
    for item in items:
        if isinstance(item, StepItem):
            counts[item.parent] = counts.get(item.parent, 0) + 1
    return counts


def _has_last_failures(config: pytest.Config) -> bool:
    cache = config.cache
    return cache is not None and bool(cache.get("cache/lastfailed", {}))


def _describe(config: pytest.Config, inside_files: list[str], deselected: int) -> str:
    """What selected the run, for a person reading ``orbit runs``; the decision is above."""
    parts: list[str] = []
    for flag, dest in (("-k", "keyword"), ("-m", "markexpr")):
        value = config.getoption(dest, None)
        if value:
            parts.append(f"{flag} {value}")
    for flag, dest in (("--lf", "lf"), ("--sw", "stepwise"), ("--sw-skip", "stepwise_skip")):
        if config.getoption(dest, False):
            parts.append(flag)
    parts += [f"--deselect {nodeid}" for nodeid in config.getoption("deselect", None) or []]
    shard = options.get(config, "orbit_shard")
    if shard and not options.get(config, "orbit_run_key"):
        parts.append(f"--orbit-shard {shard}")
    parts += inside_files
    if deselected and not parts:
        parts.append(f"{deselected} steps deselected")
    return " ".join(parts) or "some steps of a group"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)  # outermost: after the report has its data
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    if not isinstance(item, StepItem):
        return
    report: pytest.TestReport = outcome.get_result()
    selection = item.config.stash.get(SELECTION_KEY, Selection())
    group_partial = item.parent in item.config.stash.get(_PARTIAL_GROUPS_KEY, set())
    # A report attribute of plain JSON, as the step's PhaseReport: pytest's report
    # serialisation ships it from xdist workers, and JUnit XML never shows it.
    setattr(
        report,
        SELECTION_ATTRIBUTE,
        {
            "run_partial": selection.partial,
            "selection": selection.text,
            "group_partial": group_partial,
        },
    )


def selection_of(report: pytest.TestReport) -> dict[str, Any]:
    """What a step report says of the run's selection ({} for reports of anything else)."""
    data = getattr(report, SELECTION_ATTRIBUTE, None)
    return data if isinstance(data, dict) else {}
