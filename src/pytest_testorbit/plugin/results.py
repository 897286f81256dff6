"""The results plugin: gathers step reports on the controller and stores each group as it ends.

Every step item's reports carry a ``PhaseReport`` (see ``reporting``); they reach the
controller from xdist workers too. A group instance is finished once each
step it ``planned`` has sent its teardown report; it is then written at once, so an
interrupted run keeps every finished group. At session end, groups with steps missing
(a dead worker, Ctrl-C, ``-x``) are written with those steps as not run, the run gets its
status, and the terminal shows a table of groups with their pass rates and the run's id.

SQLAlchemy loads only when the first orbit report arrives: a session with no case files
never imports it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from ..outcomes import GroupOutcome, PhaseReport, RunInfo, StepReport
from . import options
from .reporting import phase_report
from .selection import selection_of
from .state import STARTED_KEY

# Groups that finish within this many seconds of the last write wait for the next step report
# after it and are written together, in one transaction: a transaction per group cost more
# than many short groups' own requests. The run's end (passed, failed, Ctrl-C) writes
# whatever is waiting.
SEND_INTERVAL = 0.5
PLUGIN_NAME = "orbit-results-session"


def pytest_configure(config: pytest.Config) -> None:
    # Only the controller (or a plain run) writes: xdist workers send their reports to it,
    # and one writer per run keeps group results whole and the run's status right.
    if hasattr(config, "workerinput"):
        return
    config.pluginmanager.register(Results(config), PLUGIN_NAME)


class _Group:
    """One group instance's step reports as they arrive, each step's phases folded."""

    def __init__(self, phase: PhaseReport, partial: bool) -> None:
        self.identity = phase.group
        self.partial = partial  # only some of its steps were selected
        self.planned: list[str] = list(phase.planned or [phase.step.step_id])
        self.steps: dict[str, StepReport] = {}
        self.unfinished = set(self.planned)  # planned steps whose teardown has not reported
        self.worker: str | None = None
        self.written = False

    def add(self, report: pytest.TestReport, phase: PhaseReport) -> None:
        self.identity = phase.group
        step_id = phase.step.step_id
        step = self.steps.get(step_id)
        if step is None:
            step = self.steps[step_id] = StepReport(step_id, phase.step.order, phase.step.name)
        step.fold(phase.step, phase.when)
        if phase.when == "teardown":
            self.unfinished.discard(step_id)
        node = getattr(report, "node", None)  # set by xdist on the controller
        gateway = getattr(node, "gateway", None)
        if gateway is not None:
            self.worker = str(gateway.id)

    @property
    def finished(self) -> bool:
        return not self.unfinished

    def outcome(self) -> GroupOutcome:
        steps = [
            self.steps.get(step_id) or StepReport(step_id, index, step_id)
            for index, step_id in enumerate(self.planned)
        ]
        return GroupOutcome(
            identity=self.identity,
            steps=steps,
            duration=sum(step.duration for step in steps),
            worker=self.worker,
            partial=self.partial,
        )


class Results:
    """The session's groups, its sink (store or spool) and its run."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.groups: dict[tuple[str, str, str], _Group] = {}
        self.written: list[GroupOutcome] = []
        self.info: RunInfo | None = None
        self.status: str | None = None
        self.started_at = config.stash.get(STARTED_KEY, None) or datetime.now(timezone.utc)
        self.enabled = not config.getoption("orbit_no_db", False)
        self.sink: Any = None  # store.sink.Sink, made on the first orbit report
        self.pending: list[dict[str, Any]] = []  # records not sent yet
        self.selection: dict[str, Any] = {}  # the first report's: was the run partial
        self.stopped: str | None = None  # why pytest stopped at a failure (--sw, -x)
        self.last_sent = 0.0  # time.monotonic() of the last send: the first group goes at once
        # Groups may be handed over from more than one thread (concurrent groups): records
        # join ``pending`` and leave it in batches under this lock, so each goes once, in order.
        self._pending_lock = threading.RLock()
        self._run_queued = False  # the run's own record goes first, with the first group

    # -- hooks ---------------------------------------------------------------------------

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        phase = phase_report(report)
        if phase is None:
            return
        selected = selection_of(report)
        if self.info is None:
            self.selection = selected
            self._start()
        elif selected and not self.selection:
            # The first report was a worker's crash, made on the controller without the
            # selection: the run learns it from the first step report that has it.
            self.selection = selected
        key = phase.group.key
        group = self.groups.get(key)
        if group is None or group.written:
            group = self.groups[key] = _Group(phase, bool(selected.get("group_partial")))
        group.add(report, phase)
        if group.finished:
            self._write(group, incomplete=False)
        if self.pending and time.monotonic() - self.last_sent >= SEND_INTERVAL:
            self._send()

    def expect_group(self, phase: PhaseReport) -> None:
        """A group instance that will send no report (its worker died while its pool may
        have begun it): written at session end with its steps not run."""
        if phase.group.key not in self.groups:
            self.groups[phase.group.key] = _Group(phase, partial=False)

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        # pytest and xdist stop a run at a failure (--sw, -x, --maxfail) by raising a subclass
        # of KeyboardInterrupt; only Ctrl-C itself is an interrupted run.
        error = excinfo.value
        if isinstance(error, KeyboardInterrupt) and type(error) is not KeyboardInterrupt:
            self.stopped = str(error) or "stopped at a failure"

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        for group in self.groups.values():
            if not group.written:
                self._write(group, incomplete=True)
        if self.info is None:
            return
        if exitstatus == pytest.ExitCode.INTERRUPTED and self.stopped is None:
            self.status = "interrupted"
        elif exitstatus != pytest.ExitCode.OK or any(g.broken for g in self.written):
            self.status = "failed"
        else:
            self.status = "passed"
        if self.sink is not None:
            from ..store.records import finish_record

            # ``send`` has written or spooled the batch before it returns: the terminal
            # summary reports what was stored.
            late = self.selection.get("run_partial") and not self.info.partial
            reasons = (
                (self.selection.get("selection") or "partial") if late else None,
                f"stopped: {self.stopped}" if self.stopped else None,
            )
            partial = " ".join(reason for reason in reasons if reason) or None
            self._send(finish_record(self.info.id, self.status, _now(), partial=partial))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.info is None:
            return
        from .summary import write_summary

        write_summary(terminalreporter, self)

    def pytest_unconfigure(self) -> None:
        if self.sink is not None:
            self.sink.close()

    # -- writing -------------------------------------------------------------------------

    def _write(self, group: _Group, *, incomplete: bool) -> None:
        group.written = True
        outcome = group.outcome()
        self.written.append(outcome)
        if self.info is None:
            self._start()
        assert self.info is not None
        if self.sink is None:
            return
        from ..store.records import group_record, run_record

        record = group_record(self.info.id, outcome, _now(), incomplete=incomplete)
        with self._pending_lock:
            if not self._run_queued:
                self._run_queued = True
                self.pending.append(run_record(self.info))
            self.pending.append(record)

    def _send(self, *extra: Any) -> None:
        with self._pending_lock:
            batch, self.pending = [*self.pending, *extra], []
            self.last_sent = time.monotonic()
            if batch and self.sink is not None:
                self.sink.send(batch)

    def _start(self) -> None:
        """The run starts with its first step: its id, and the store opening meanwhile."""
        self.info = self._run_info()
        if self.enabled:
            self._open_sink()

    def _open_sink(self) -> None:
        from ..store.sink import Sink
        from ..store.spool import spool_path
        from ..store.url import may_auto_upgrade

        project = self._project()
        url = database_url(self.config, project)
        auto = may_auto_upgrade(url, project.root)  # only the project's own default file
        self.sink = Sink(url, spool_path(project.root), auto_upgrade=auto)

    def _project(self) -> Any:
        from ..cases.project import load_project
        from .state import PROJECT_KEY

        project = self.config.stash.get(PROJECT_KEY, None)
        if project is None:
            project = load_project(None, default_root=self.config.rootpath)
        return project

    def _run_info(self) -> RunInfo:
        from .state import ENV_NAME_KEY

        project = self._project()
        environment = (
            self.config.stash.get(ENV_NAME_KEY, None)
            or self.config.getoption("orbit_env", None)
            or project.default_env
            or "default"
        )
        trigger = run_trigger(os.environ)
        schedule_id = os.environ.get("ORBIT_SCHEDULE_ID")
        commit, branch = git_revision(project.root)
        return RunInfo(
            id=os.environ.get("ORBIT_RUN_ID") or str(uuid.uuid4()),
            project=project.name,
            environment=str(environment),
            started_at=self.started_at,
            trigger=trigger,
            run_key=options.get(self.config, "orbit_run_key"),
            git_commit=commit,
            git_branch=branch,
            host=socket.gethostname(),
            schedule_id=int(schedule_id) if schedule_id and schedule_id.isdigit() else None,
            partial=bool(self.selection.get("run_partial")),
            selection=self.selection.get("selection"),
        )


def _now() -> datetime:
    return datetime.now(timezone.utc)


def run_trigger(environ: Any) -> str:
    """schedule (the scheduler sets ORBIT_TRIGGER), ci (CI=true), else manual."""
    if environ.get("ORBIT_TRIGGER") == "schedule":
        return "schedule"
    if str(environ.get("CI", "")).lower() in ("true", "1", "yes"):
        return "ci"
    return "manual"


def database_url(config: pytest.Config, project: Any) -> str:
    """--orbit-db, else $ORBIT_DB_URL, else the ini key orbit_db, else orbit.yaml's
    ``database:``, else the default.

    The environment wins over the ini file, as ``PYTEST_ADDOPTS`` does: ``orbit scheduler``
    hands its store to the runs it starts in ORBIT_DB_URL, and a suite's own ini key must not
    send them elsewhere. A relative SQLite path in the ini file is relative to the rootdir
    (as ``orbit_config``); on the command line or in the environment, to where pytest started.
    """
    from ..store.url import ENV_VAR, choose, resolve

    explicit = config.getoption("orbit_db", None)
    ini = options.get(config, "orbit_db")
    if not explicit and not os.environ.get(ENV_VAR) and ini:
        return resolve(ini, config.rootpath)
    return choose(
        explicit, database=project.database, root=project.root, cwd=config.invocation_params.dir
    ).url


def group_durations(
    config: pytest.Config,
    project: Any,
    *,
    runs_back: int,
    environment: str | None,
    exclude_run_key: str | None,
) -> dict[tuple[str, str, str], float] | None:
    """Each group's mean duration over the store's recent finished runs (``--orbit-shard``).

    None when the store cannot be opened or read: balancing shards is a nicety, and no store
    problem may stop or fail the run.
    """
    try:
        from ..store import queries
        from ..store.db import open_store

        store = open_store(database_url(config, project))
    except Exception:
        return None
    try:
        with store.session() as session:
            return queries.mean_durations(
                session,
                runs_back=runs_back,
                environment=environment,
                exclude_run_key=exclude_run_key,
            )
    except Exception:
        return None
    finally:
        store.close()


def git_revision(root: Path) -> tuple[str | None, str | None]:
    """The commit and branch of ``root``; (None, None) outside git, quietly."""

    def ask(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "rev-parse", *args],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        value = done.stdout.strip()
        return value if done.returncode == 0 and value else None

    commit = ask("HEAD")
    branch = ask("--abbrev-ref", "HEAD") if commit else None
    return commit, (None if branch == "HEAD" else branch)  # detached HEAD has no branch
