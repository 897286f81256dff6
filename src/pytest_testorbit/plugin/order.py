"""Keep each group's steps in file order, whatever other plugins did to the collection.

Steps of a group hand values on (a token, an order id), so running them out of order is
never right. Reordering plugins (pytest-randomly, pytest-random-order, a conftest that sorts
by duration) shuffle items in ``pytest_collection_modifyitems``. Ours is a ``tryfirst``
wrapper, so the code after its ``yield`` runs after every plain implementation and after the
other wrappers' own ``yield``: the last word. Each group keeps the place of its first item
in the final list, so shuffling groups among themselves (and Python tests) still works.
A plugin that reorders later than that, in ``pytest_collection_finish``, is caught there
and stops the run with a usage error rather than running steps out of order.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from .collect import GroupNode, StepItem


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Generator[None, None, None]:
    yield
    items[:] = restore_step_order(items)


def restore_step_order(items: list[pytest.Item]) -> list[pytest.Item]:
    """``items`` with each group's steps together, in file order, where its first step was.

    Together, not just in order: pytest tears a group node down when the next item belongs
    elsewhere, and a torn-down group has lost its variables.
    """
    by_group: dict[GroupNode, list[StepItem]] = {}
    for item in items:
        if isinstance(item, StepItem):
            by_group.setdefault(item.parent, []).append(item)
    result: list[pytest.Item] = []
    for item in items:
        if not isinstance(item, StepItem):
            result.append(item)
        elif item.parent in by_group:
            steps = by_group.pop(item.parent)
            steps.sort(key=lambda step: step.index)
            result.extend(steps)
    return result


@pytest.hookimpl(trylast=True)  # after the plugins it checks on
def pytest_collection_finish(session: pytest.Session) -> None:
    seen: dict[GroupNode, int] = {}  # group -> index of its last step so far
    previous: GroupNode | None = None
    for item in session.items:
        if not isinstance(item, StepItem):
            previous = None
            continue
        node = item.parent
        if node in seen and (node is not previous or seen[node] > item.index):
            raise pytest.UsageError(
                f"the steps of group {node.nodeid} are out of order after collection: a plugin "
                "reordered them in pytest_collection_finish, and a group's steps must run "
                "together in file order (disable that plugin, e.g. -p no:randomly)"
            )
        seen[node] = item.index
        previous = node
