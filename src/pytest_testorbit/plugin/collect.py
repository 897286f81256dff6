"""Collection: a case file → its groups → one pytest item per step.

The shape is pytest's own non-Python example (File → Item), with a group collector in
between so node ids read ``path::group::step`` and the group's state (variables, HTTP
session) lives on one node that pytest sets up once and tears down after its last step.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..errors import CaseFileError, OrbitError, ReplayFailed, StepFailed
from ..outcomes import BLOCKED, SKIPPED, display_id
from .longrepr import failure_repr
from .session import SESSION_KEY, OrbitSession

if TYPE_CHECKING:
    # The loader and runner bring Jinja2 and requests; they are imported when the first case
    # file is collected, so a run without case files starts as fast as plain pytest.
    from ..cases.model import Group, Step
    from ..expr.secrets import Secrets
    from ..runner import GroupRun, StepRun
    from ..runner.http import Sent
    from .concurrency import GroupAhead


class CaseFile(pytest.File):
    """One ``*.orbit.yaml`` file; each YAML document in it is a group."""

    def collect(self) -> Iterator[pytest.Collector]:
        orbit = self.config.stash[SESSION_KEY]
        loader = orbit.loader
        groups = loader.load(self.path)
        if groups:
            orbit.environment  # noqa: B018  # render the environment now: its errors are collection errors
        registered = set(self.config.getini("markers"))
        for position, group in enumerate(groups):
            for tag in group.tags:
                if not any(line.split(":")[0].strip() == tag for line in registered):
                    self.config.addinivalue_line("markers", f"{tag}: case group tag")
                    registered.add(tag)
            for place, (param_id, row) in enumerate(group.instances):
                name = display_id(group.id, param_id)
                node = GroupNode.from_parent(
                    self, name=name, group=group, param_id=param_id, row=row
                )
                node.file_place = (position, place)
                for tag in group.tags:
                    node.add_marker(tag)
                yield node

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, (CaseFileError, OrbitError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))


class GroupNode(pytest.Collector):
    """One group instance: holds its variables and session while its steps run."""

    def __init__(self, *, group: Group, param_id: str, row: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.group = group
        self.param_id = param_id
        self.row = row
        self.run: GroupRun | None = None
        # The secrets of the last run, kept after its teardown: a failure reported for the
        # teardown of the group's last step may still show the group's extracted values.
        self.secrets: Secrets | None = None
        self.next_index = 0  # steps before this one ran (as items or as replays)
        self.blocked_by: str | None = None
        self.planned: list[str] = []  # ids of this group's steps selected in this session
        self.ahead: GroupAhead | None = None  # its steps run on a worker thread (concurrency)
        self.file_place = (0, 0)  # the group's place in its file, the instance's in the group

    def collect(self) -> Iterator[pytest.Item]:
        for index, step in enumerate(self.group.steps):
            yield StepItem.from_parent(self, name=step.id, step=step, index=index)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.group.line - 1, self.name

    def setup(self) -> None:
        self.secrets = None
        if self.ahead is None:  # a worker thread has begun the group already otherwise
            self.next_index, self.blocked_by = 0, None

    def teardown(self) -> None:
        self.ahead = None
        if self.run is not None:
            self.secrets = self.run.secrets
            self.run.close()
            self.run = None

    @functools.cached_property
    def display_path(self) -> str:
        """The case file as pytest shows it (rootdir-relative), for messages."""
        return self.config.stash[SESSION_KEY].relative(self.path)

    @functools.cached_property
    def project_file(self) -> str:
        """The case file relative to the project: its stable name in the store."""
        return self.config.stash[SESSION_KEY].project_relative(self.path)

    def group_run(self) -> GroupRun:
        if self.run is None:
            orbit: OrbitSession = self.config.stash[SESSION_KEY]
            extra: dict[str, Any] = {}
            for values in self.config.hook.pytest_orbit_group_variables(
                config=self.config,
                group_id=self.group.id,
                param_id=self.param_id,
                file=self.project_file,
            ):
                extra.update(values or {})
            from ..runner import GroupRun

            self.run = GroupRun(
                orbit.loader.templates, orbit.environment, self.group.variables, self.row, extra
            )
            self.run.stop = self.ahead.stop if self.ahead is not None else None
        return self.run


class StepItem(pytest.Item):
    """One step: a real pytest item, selectable and reported on its own."""

    parent: GroupNode

    def __init__(self, *, step: Step, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.step = step
        self.index = index
        self.orbit_outcome: str | None = None  # blocked or skipped, when this step did not run
        self.orbit_message: str | None = None
        self.ran: StepRun | None = None  # what run_step returned, when the step passed

    @property
    def where(self) -> str:
        return f"{self.parent.display_path}:{self.step.line}"

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.step.line - 1, f"{self.parent.name}::{self.step.id}"

    def setup(self) -> None:
        if self.parent.ahead is not None:
            self.parent.ahead.hand_over(self, "setup")
        else:
            self.run_setup()

    def run_setup(self) -> None:
        from ..runner import StepSkipped, run_step

        node = self.parent
        if node.blocked_by is not None and node.group.on_failure == "stop":
            self._skip(BLOCKED, f"blocked by {node.blocked_by}")
        try:
            run = node.group_run()
        except Exception:
            node.blocked_by = self.step.id  # the group cannot start: its other steps neither
            raise
        orbit: OrbitSession = self.config.stash[SESSION_KEY]
        while node.next_index < self.index:
            earlier = node.group.steps[node.next_index]
            node.next_index += 1
            if orbit.replay == "skip":
                continue
            try:
                run_step(earlier, run, f"{node.display_path}:{earlier.line}")
            except StepSkipped:
                continue
            except StepFailed as exc:
                node.blocked_by = earlier.id
                raise ReplayFailed(
                    f"step '{self.step.id}' could not run: replaying the earlier step "
                    f"'{earlier.id}' ({node.display_path}:{earlier.line}) failed\n{exc}"
                ) from None

    def _skip(self, outcome: str, reason: str) -> None:
        self.orbit_outcome, self.orbit_message = outcome, reason
        pytest.skip(reason)

    def runtest(self) -> None:
        if self.parent.ahead is not None:
            self.parent.ahead.hand_over(self, "call")
        else:
            self.run_call()

    def run_call(self) -> None:
        from ..runner import StepSkipped, run_step

        node = self.parent
        node.next_index = self.index + 1
        self.ran = None
        try:
            self.ran = run_step(self.step, node.group_run(), self.where)
        except StepSkipped as exc:
            self._skip(SKIPPED, str(exc))
        except Exception:  # a failed step, or anything unforeseen: the rest would follow it
            node.blocked_by = self.step.id
            raise

    @property
    def sent(self) -> Sent | None:
        """The step's last exchange, if its call sent anything (passed or failed)."""
        return self.ran.sent if self.ran is not None else None

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        error = excinfo.value
        if isinstance(error, StepFailed):
            return failure_repr(str(error), error.summary, str(self.path), self.step.line)
        if isinstance(error, OrbitError):
            return str(error)
        return str(super().repr_failure(excinfo))
