"""Times of schedules: zones, one-shot ``--at`` times and cron expressions.

Every time is stored in UTC and shown in the schedule's own zone. A cron expression is
evaluated in that zone with cronsim, which fires once on a DST fall-back day (croniter
fires twice) and moves a fire time that falls into a spring-forward gap to the first time
that exists, as cron itself does.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from ..errors import UsageError, did_you_mean

UTC = timezone.utc

# The @-names of Vixie cron, which cronsim does not read itself.
CRON_ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


def local_zone_name() -> str:
    """The machine's zone as an IANA name (``TZ``, /etc/timezone, /etc/localtime), else UTC.

    A name, not a fixed offset, so a schedule made in winter still fires at 02:00 in summer.
    """
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    try:
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if name and _is_zone(name):
            return name
    return "UTC"


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone(name: str | None, option: str = "--tz") -> ZoneInfo:
    """The named zone (default: the machine's); an unknown name is a UsageError.

    ``option`` names the value in the message: ``--tz`` for the command, ``tz`` for the API.
    """
    name = name or local_zone_name()
    if not _is_zone(name):
        hint = did_you_mean(name, available_timezones())
        extra = f" Did you mean '{hint}'?" if hint else ""
        raise UsageError(
            f"unknown time zone '{name}' for {option}.{extra} Use an IANA name such as "
            f"Europe/Berlin, Asia/Shanghai or UTC"
        )
    return ZoneInfo(name)


def parse_at(text: str, tz: ZoneInfo, now: datetime, option: str = "--at") -> datetime:
    """A one-shot time in UTC; without an offset it is read in ``tz``; it must be future."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not a time: write it as YYYY-MM-DDTHH:MM, optionally with "
            f"seconds and an offset (2026-12-01T02:00, 2026-12-01T02:00+08:00)"
        ) from None
    if value.tzinfo is None:
        local = value.replace(tzinfo=tz)
        back = local.astimezone(UTC).astimezone(tz)
        if back.replace(tzinfo=None) != value:
            raise UsageError(
                f"{option} {text} does not exist in {tz.key}: the clocks skip that hour "
                f"(daylight saving time starts); pick a time outside it"
            )
        value = local
    value = value.astimezone(UTC)
    if value <= now:
        raise UsageError(
            f"{option} {text} is in the past ({format_time(value, tz.key)}; now it is "
            f"{format_time(now, tz.key)}): a one-shot schedule needs a future time"
        )
    return value


def normalize_cron(expression: str, option: str = "--cron") -> str:
    """Check a cron expression (5 fields, or an @-name); returns the form that is stored."""
    from cronsim import CronSim, CronSimError

    text = " ".join(expression.split())
    text = CRON_ALIASES.get(text.lower(), text)
    if len(text.split()) != 5:
        raise UsageError(
            f"{option} {expression!r} must have 5 fields (minute hour day-of-month month "
            f'day-of-week, e.g. "0 2 * * *") or be one of {", ".join(CRON_ALIASES)}'
        )
    try:
        CronSim(text, datetime(2000, 1, 1, tzinfo=UTC))
    except CronSimError as exc:
        raise UsageError(f"{option} {expression!r} is not a valid cron expression: {exc}") from None
    return text


def next_fire(expression: str, tz_name: str, after: datetime) -> datetime:
    """The first fire time of ``expression`` in ``tz_name`` strictly after ``after`` (UTC)."""
    from cronsim import CronSim

    start = after.astimezone(ZoneInfo(tz_name)).replace(microsecond=0)
    return next(CronSim(expression, start)).astimezone(UTC)


def first_fire(expression: str, tz_name: str, not_before: datetime) -> datetime:
    """The first fire time at or after ``not_before`` (a cron schedule given an ``--at``)."""
    return next_fire(expression, tz_name, not_before - timedelta(seconds=1))


def format_time(value: datetime | None, tz_name: str) -> str:
    """A UTC time as people read it in the schedule's zone: ``2026-12-01 02:00 +08:00``."""
    if value is None:
        return "-"
    local = value.astimezone(ZoneInfo(tz_name))
    shown = local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
    return f"{shown} {local.strftime('%z')[:3]}:{local.strftime('%z')[3:]}"


def iso_time(value: datetime | None, tz_name: str) -> str | None:
    """A UTC time for JSON: ISO 8601 with the offset of the schedule's zone."""
    return value.astimezone(ZoneInfo(tz_name)).isoformat() if value else None
