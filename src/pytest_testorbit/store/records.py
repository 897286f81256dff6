"""The three facts a test run hands to the store, as JSON-ready dicts.

A run is written as a stream of records: ``run`` (it started), ``group`` (a group
finished) and ``finish`` (it ended with a status). The same records go to the database
directly or, when it cannot be reached, to the spool file; ``writer.apply`` delivers either,
and delivering one twice changes nothing. No SQLAlchemy here: the plugin builds records
without loading it.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from ..outcomes import GroupIdentity, GroupOutcome, RunInfo, StepReport

Record = dict[str, Any]
RUN, GROUP, FINISH = "run", "group", "finish"
RUN_STATUSES = ("running", "passed", "failed", "interrupted")


def run_record(info: RunInfo) -> Record:
    data = dataclasses.asdict(info)
    data["started_at"] = info.started_at.isoformat()
    return {"kind": RUN, "run": data}


def group_record(
    run_id: str, outcome: GroupOutcome, finished_at: datetime, *, incomplete: bool = False
) -> Record:
    return {
        "kind": GROUP,
        "run_id": run_id,
        "finished_at": finished_at.isoformat(),
        "incomplete": incomplete,
        "group": _flat(outcome),
    }


def _flat(outcome: GroupOutcome) -> Record:
    """The group as one flat mapping: its identity's fields beside its steps and counts."""
    data = dataclasses.asdict(outcome)
    data.update(data.pop("identity"))
    return data


def finish_record(
    run_id: str, status: str, finished_at: datetime, *, partial: str | None = None
) -> Record:
    """``partial``: why the run turned out partial at its end (a --sw stop), else None."""
    record: Record = {
        "kind": FINISH,
        "run_id": run_id,
        "status": status,
        "finished_at": finished_at.isoformat(),
    }
    if partial:
        record["partial"] = partial
    return record


def run_info(record: Record) -> RunInfo:
    data = dict(record["run"])
    data["started_at"] = datetime.fromisoformat(data["started_at"])
    return RunInfo(**_known(RunInfo, data))


def group_outcome(record: Record) -> GroupOutcome:
    data = dict(record["group"])
    steps = [StepReport(**_known(StepReport, step)) for step in data.pop("steps", [])]
    identity = GroupIdentity(**_known(GroupIdentity, data))
    return GroupOutcome(identity, steps, **_known(GroupOutcome, data))


def _known(cls: Any, data: Record) -> Record:
    """The items of ``data`` that are fields of the dataclass ``cls``: a record written by
    another version of the plugin may have more or fewer."""
    fields = {field.name for field in dataclasses.fields(cls)}
    return {key: value for key, value in data.items() if key in fields}
