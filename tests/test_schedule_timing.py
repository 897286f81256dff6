"""Times of schedules: --at, --tz, cron expressions, DST, and how times are shown."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from pytest_testorbit.errors import UsageError
from pytest_testorbit.schedule.timing import (
    first_fire,
    format_time,
    iso_time,
    next_fire,
    normalize_cron,
    parse_at,
    zone,
)

UTC = timezone.utc
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_an_at_without_offset_is_read_in_the_zone() -> None:
    assert parse_at("2026-12-01T02:00", SHANGHAI, NOW) == datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    assert parse_at("2026-12-01 02:00", SHANGHAI, NOW) == datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def test_an_at_with_an_offset_keeps_its_offset() -> None:
    assert parse_at("2026-12-01T02:00+01:00", SHANGHAI, NOW) == datetime(
        2026, 12, 1, 1, 0, tzinfo=UTC
    )
    assert parse_at("2026-12-01T02:00Z", SHANGHAI, NOW) == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_a_past_at_is_refused_with_both_times_in_the_zone() -> None:
    with pytest.raises(UsageError) as info:
        parse_at("2026-05-01T02:00", SHANGHAI, NOW)
    assert str(info.value) == (
        "--at 2026-05-01T02:00 is in the past (2026-05-01 02:00 +08:00; now it is "
        "2026-06-01 20:00 +08:00): a one-shot schedule needs a future time"
    )


def test_an_at_that_is_not_a_time_says_how_to_write_one() -> None:
    with pytest.raises(UsageError) as info:
        parse_at("tomorrow", SHANGHAI, NOW)
    assert str(info.value) == (
        "--at 'tomorrow' is not a time: write it as YYYY-MM-DDTHH:MM, optionally with seconds "
        "and an offset (2026-12-01T02:00, 2026-12-01T02:00+08:00)"
    )


def test_an_at_in_the_spring_forward_gap_is_refused() -> None:
    with pytest.raises(UsageError) as info:
        parse_at("2027-03-28T02:30", ZoneInfo("Europe/Berlin"), NOW)
    assert str(info.value) == (
        "--at 2027-03-28T02:30 does not exist in Europe/Berlin: the clocks skip that hour "
        "(daylight saving time starts); pick a time outside it"
    )


def test_an_unknown_zone_suggests_the_closest_one() -> None:
    with pytest.raises(UsageError) as info:
        zone("Asia/Shangai")
    assert str(info.value) == (
        "unknown time zone 'Asia/Shangai' for --tz. Did you mean 'Asia/Shanghai'? Use an IANA "
        "name such as Europe/Berlin, Asia/Shanghai or UTC"
    )


def test_no_zone_means_the_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert zone(None).key == "America/New_York"


def test_cron_fires_once_on_a_dst_fall_back_day() -> None:
    after = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    first = next_fire("30 2 * * *", "Europe/Berlin", after)
    second = next_fire("30 2 * * *", "Europe/Berlin", first)
    assert format_time(first, "Europe/Berlin") == "2026-10-25 02:30 +02:00"
    assert format_time(second, "Europe/Berlin") == "2026-10-26 02:30 +01:00"


def test_cron_in_a_spring_forward_gap_fires_at_the_next_real_time() -> None:
    fire = next_fire("30 2 * * *", "Europe/Berlin", datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    assert format_time(fire, "Europe/Berlin") == "2026-03-29 03:00 +02:00"


def test_cron_is_read_in_the_schedules_zone() -> None:
    fire = next_fire("0 2 * * *", "Asia/Shanghai", NOW)
    assert fire == datetime(2026, 6, 1, 18, 0, tzinfo=UTC)  # 02:00 on 2 June in Shanghai


def test_a_cron_with_an_at_starts_at_or_after_it() -> None:
    start = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)  # itself a fire time
    assert first_fire("0 2 * * *", "Asia/Shanghai", start) == start


def test_cron_aliases_and_spacing_are_normalised() -> None:
    assert normalize_cron("@daily") == "0 0 * * *"
    assert normalize_cron(" 0  2 * * 1-5 ") == "0 2 * * 1-5"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("61 * * * *", "--cron '61 * * * *' is not a valid cron expression: Bad minute"),
        (
            "* * *",
            "--cron '* * *' must have 5 fields (minute hour day-of-month month "
            'day-of-week, e.g. "0 2 * * *") or be one of @yearly, @annually, @monthly, '
            "@weekly, @daily, @midnight, @hourly",
        ),
    ],
)
def test_a_wrong_cron_expression_names_the_problem(expression: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        normalize_cron(expression)
    assert str(info.value) == message


def test_json_times_carry_the_zones_offset() -> None:
    assert iso_time(datetime(2026, 11, 30, 18, 0, tzinfo=UTC), "Asia/Shanghai") == (
        "2026-12-01T02:00:00+08:00"
    )
    assert iso_time(None, "UTC") is None
    assert format_time(None, "UTC") == "-"
