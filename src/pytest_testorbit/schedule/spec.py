"""A schedule's values, checked: the one set of rules ``orbit schedule`` and the API share.

``ScheduleSpec`` is what a person asks for (group ids, times as text, a zone name); ``columns``
checks every value against the project's suite and orbit.yaml and turns it into the columns
``service.add`` and ``service.change_pending`` write. The command and ``POST/PUT
/api/schedules`` both go through here, so a schedule is refused or accepted for the same
reasons wherever it is made; only the names of the values in the messages differ
(``--at`` on the command line, ``at`` in JSON), which ``Fields`` carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..cases.project import Project
from ..errors import UsageError, did_you_mean
from .timing import first_fire, next_fire, normalize_cron, parse_at, zone

# Deliberately loose: a local part, an @, a domain with a dot. The relay has the last word.
EMAIL = re.compile(r"^[^@\s,;<>()\"]+@[^@\s,;<>()\"]+\.[^@\s,;<>()\".]+$")
MODES = ("serial", "parallel")


@dataclass(frozen=True)
class Fields:
    """How the caller names each value, for the messages."""

    groups: str
    owners: str
    environment: str
    tz: str
    at: str
    cron: str
    mode: str
    no_time: str  # the message when neither a time nor a cron expression is given


CLI = Fields(
    "--groups",
    "--owners",
    "--env",
    "--tz",
    "--at",
    "--cron",
    "--parallel/--serial",
    'give --at TIME for one run or --cron "EXPR" for repeated runs',
)
JSON = Fields(
    "groups",
    "owners",
    "environment",
    "tz",
    "at",
    "cron",
    "mode",
    'give "at" (a time, for one run) or "cron" (an expression, for repeated runs), or both',
)


@dataclass(frozen=True)
class ScheduleSpec:
    """A schedule as asked for. ``owners=None``: the owners of the groups, kept up to date."""

    groups: list[str]
    name: str | None = None
    mode: str = "serial"
    owners: list[str] | None = None
    environment: str | None = None
    tz: str | None = None
    at: str | None = None
    cron: str | None = None


def check_owners(owners: list[str], fields: Fields = CLI) -> list[str]:
    for owner in owners:
        if not EMAIL.match(owner):
            raise UsageError(
                f"{fields.owners}: {owner!r} is not an e-mail address (like alice@example.com)"
            )
    return list(dict.fromkeys(owners))


def check_env(project: Project, name: str, fields: Fields = CLI) -> str:
    """An environment name from orbit.yaml; only names are checked, nothing is rendered here."""
    names = project.environment_names
    if name in names:
        return name
    hint = did_you_mean(name, names)
    extra = f" Did you mean '{hint}'?" if hint else ""
    known = ", ".join(sorted(names)) or "none (orbit.yaml has no environments)"
    raise UsageError(
        f"unknown environment '{name}' for {fields.environment}.{extra} Known environments: {known}"
    )


def check_groups(project: Project, names: list[str], fields: Fields = CLI) -> list[str]:
    """The group ids, each once, checked against the suite; returns their owners."""
    from .suite import owners_of, scan

    if not names:
        raise UsageError(f"{fields.groups} needs at least one case group id (like checkout, login)")
    return owners_of(scan(project.root).resolve(list(dict.fromkeys(names))))


def check_mode(mode: str, fields: Fields = CLI) -> str:
    if mode not in MODES:
        raise UsageError(f"{fields.mode}: {mode!r} is not a mode; choose serial or parallel")
    return mode


def timing(
    tz_name: str, at: str | None, cron: str | None, now: datetime, fields: Fields = CLI
) -> dict[str, Any]:
    """at / cron / next_run_at from the texts, read in the zone."""
    tz = zone(tz_name, fields.tz)
    start = parse_at(at, tz, now, fields.at) if at else None
    if cron is not None:
        expression = normalize_cron(cron, fields.cron)
        first = (
            first_fire(expression, tz.key, start) if start else next_fire(expression, tz.key, now)
        )
        return {"at": start, "cron": expression, "next_run_at": first}
    if start is None:
        raise UsageError(fields.no_time)
    return {"at": start, "cron": None, "next_run_at": start}


def columns(
    project: Project, spec: ScheduleSpec, now: datetime, fields: Fields = CLI
) -> dict[str, Any]:
    """Every column of a schedule but its project, status and counters: checked, or UsageError.

    The order of the checks is the command's: zone and times, groups, owners, environment.
    """
    tz_name = zone(spec.tz, fields.tz).key
    values = timing(tz_name, spec.at, spec.cron, now, fields)
    group_owners = check_groups(project, spec.groups, fields)
    groups = list(dict.fromkeys(spec.groups))
    owners = check_owners(spec.owners, fields) if spec.owners is not None else group_owners
    environment = check_env(project, spec.environment, fields) if spec.environment else None
    return {
        "name": spec.name or ",".join(groups),
        "groups": groups,
        "mode": check_mode(spec.mode, fields),
        "owners": owners,
        "owners_from_groups": spec.owners is None,
        "environment": environment,
        "tz": tz_name,
        **values,
    }
