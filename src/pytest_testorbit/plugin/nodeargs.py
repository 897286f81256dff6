"""Node ids of steps in parametrized groups: ``file::checkout[abc]::pay``.

pytest reads ``[`` in a command-line node id as the start of the last part's parameters, so
it looks for a node called ``checkout[abc]::pay`` and reports "not found". Such arguments are
narrowed here to their group (``file::checkout[abc]``, which pytest finds), and after
collection the steps of that group that were not asked for are deselected. This keeps
``pytest 'file::checkout[abc]::pay'``, IDE clicks and copied node ids working.

Only such arguments are touched: one with ``[`` whose file is a case file (``.orbit.yaml``,
``.orbit.yml``); every other argument, and every run without one, keeps ``config.args`` as
given. At ``pytest_unconfigure`` ``config.args`` is put back as it was, so plugins that read
it afterwards (or a caller holding the config) see the command line the user typed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..cases.project_path import CASE_SUFFIXES

# (case file, group node name) → the step names asked for, or None for the whole group
Wanted = dict[tuple[Path, str], set[str] | None]
WANTED_KEY = pytest.StashKey[Wanted]()
# config.args as given, kept only when it was rewritten
ORIGINAL_ARGS_KEY = pytest.StashKey[list[str]]()


def split(arg: str) -> tuple[str, str, str, str] | None:
    """``(group argument, file, group, step)`` for a step in a parametrized group, else None."""
    before, bracket, after = arg.partition("[")
    closing = after.find("]")
    if not bracket or "::" not in before or closing < 0:
        return None
    if not before.partition("::")[0].endswith(CASE_SUFFIXES):
        return None  # another plugin's file: its node ids are its own business
    rest = after[closing + 1 :]
    if not rest.startswith("::"):
        return None
    file, _, group = before.partition("::")
    group += "[" + after[: closing + 1]
    return f"{file}::{group}", file, group, rest[2:]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    wanted: Wanted = {}
    rewritten: list[str] = []
    for arg in config.args:
        parts = split(arg)
        if parts is None:
            rewritten.append(arg)
            continue
        group_arg, file, group, step = parts
        key = ((config.invocation_params.dir / file).resolve(), group)
        if key not in wanted:
            wanted[key] = set()
            rewritten.append(group_arg)
        steps = wanted[key]
        if steps is not None:
            steps.add(step)
    for arg in rewritten:  # the whole group asked for too: keep all of it
        if arg in config.args and "::" in arg:
            file, _, group = arg.partition("::")
            key = ((config.invocation_params.dir / file).resolve(), group)
            if key in wanted:
                wanted[key] = None
    if wanted:
        config.stash[ORIGINAL_ARGS_KEY] = list(config.args)
        config.args[:] = rewritten
    config.stash[WANTED_KEY] = wanted


def pytest_unconfigure(config: pytest.Config) -> None:
    original = config.stash.get(ORIGINAL_ARGS_KEY, None)
    if original is not None:
        config.args[:] = original
        del config.stash[ORIGINAL_ARGS_KEY]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = config.stash.get(WANTED_KEY, {})
    if not any(wanted.values()):
        return
    selected: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        parent = item.parent
        steps = wanted.get((item.path.resolve(), parent.name)) if parent is not None else None
        (deselected if steps and item.name not in steps else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
