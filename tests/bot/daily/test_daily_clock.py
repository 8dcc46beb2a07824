"""Slots and next_post_time across DST, midnight, the date line and frequencies."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.daily import (
    DailySchedule,
    Frequency,
    discord_timestamp,
    local_weekday,
    next_post_time,
    resolve_wall_time,
    slot_for,
)


def schedule(
    tz: str,
    at: time,
    frequency: Frequency = Frequency.DAILY,
    weekday: int = 0,
    **extra: object,
) -> DailySchedule:
    return DailySchedule(1, 10, at, tz, frequency, weekday, **extra)  # type: ignore[arg-type]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("tz", "day", "at", "expected_utc", "expected_local"),
    [
        # Spring forward: 02:30 does not exist, post at 03:00 local (end of the gap).
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 0), time(3, 0)),
        ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0), time(3, 0)),
        # Fall back: 02:30 (Berlin) / 01:30 (New York) happen twice; the first one counts.
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), time(2, 30)),
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), time(1, 30)),
        # Ordinary times on transition days are untouched.
        ("Europe/Berlin", date(2026, 3, 29), time(8, 0), utc(2026, 3, 29, 6, 0), time(8, 0)),
        ("Europe/Berlin", date(2026, 10, 25), time(8, 0), utc(2026, 10, 25, 7, 0), time(8, 0)),
        # Half-hour offset and both sides of the date line.
        ("Asia/Kolkata", date(2026, 6, 1), time(8, 0), utc(2026, 6, 1, 2, 30), time(8, 0)),
        ("Pacific/Kiritimati", date(2026, 6, 1), time(8, 0), utc(2026, 5, 31, 18, 0), time(8, 0)),
        ("Pacific/Pago_Pago", date(2026, 6, 1), time(8, 0), utc(2026, 6, 1, 19, 0), time(8, 0)),
    ],
)
def test_resolve_wall_time(
    tz: str, day: date, at: time, expected_utc: datetime, expected_local: time
) -> None:
    instant = resolve_wall_time(day, at, ZoneInfo(tz))
    assert instant == expected_utc
    local = instant.astimezone(ZoneInfo(tz))
    assert (local.date(), local.time()) == (day, expected_local)


def test_gap_end_is_found_for_odd_historical_offsets() -> None:
    # Amsterdam 1937-07-01: clocks went from +00:19:32 to +00:20 (28 seconds skipped).
    instant = resolve_wall_time(date(1937, 7, 1), time(0, 0, 10), ZoneInfo("Europe/Amsterdam"))
    local = instant.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert local.replace(tzinfo=None) == datetime(1937, 7, 1, 0, 0, 28)


def test_a_skipped_whole_day_has_no_slot() -> None:
    # Samoa jumped from 2011-12-29 to 2011-12-31: the 30th must not post on the 31st.
    apia = schedule("Pacific/Apia", time(8, 0))
    assert slot_for(apia, date(2011, 12, 30)) is None
    assert slot_for(apia, date(2011, 12, 31)) == utc(2011, 12, 30, 18, 0)


def test_gap_across_midnight_stays_on_its_date() -> None:
    # Santiago 2026-09-06: 00:00 -> 01:00. A 00:30 slot posts at 01:00 the same date.
    santiago = schedule("America/Santiago", time(0, 30))
    instant = slot_for(santiago, date(2026, 9, 6))
    assert instant is not None
    local = instant.astimezone(ZoneInfo("America/Santiago"))
    assert (local.date(), local.time()) == (date(2026, 9, 6), time(1, 0))


def test_frequencies_pick_their_days() -> None:
    monday = date(2026, 11, 23)
    days = [monday + timedelta(days=i) for i in range(7)]
    weekdays = schedule("UTC", time(8), Frequency.WEEKDAYS)
    weekly = schedule("UTC", time(8), Frequency.WEEKLY, weekday=2)
    assert [slot_for(weekdays, d) is not None for d in days] == [True] * 5 + [False] * 2
    assert [slot_for(weekly, d) is not None for d in days] == [False, False, True] + [False] * 4


def test_weekdays_follow_local_not_utc_days() -> None:
    # Friday 2026-11-27 20:00 UTC is already Saturday in Kiritimati: no weekday post there.
    kiri = schedule("Pacific/Kiritimati", time(9), Frequency.WEEKDAYS)
    now = utc(2026, 11, 27, 20, 0)
    nxt = next_post_time(kiri, now, last_local_date=date(2026, 11, 27))
    assert nxt is not None
    assert nxt.astimezone(ZoneInfo("Pacific/Kiritimati")).date() == date(2026, 11, 30)


def test_next_post_time_today_tomorrow_and_claimed() -> None:
    berlin = schedule("Europe/Berlin", time(8, 0))
    before = utc(2026, 11, 23, 6, 0)  # 07:00 local
    assert next_post_time(berlin, before, None) == utc(2026, 11, 23, 7, 0)
    claimed = next_post_time(berlin, utc(2026, 11, 23, 7, 1), date(2026, 11, 23))
    assert claimed == utc(2026, 11, 24, 7, 0)
    # Due but not yet claimed (catch-up pending): the pending slot is reported.
    assert next_post_time(berlin, utc(2026, 11, 23, 13, 0), date(2026, 11, 22)) == utc(
        2026, 11, 23, 7, 0
    )
    assert next_post_time(schedule("UTC", time(8), enabled=False), before, None) is None


def test_next_post_time_across_midnight_and_dst() -> None:
    late = schedule("America/New_York", time(23, 59))
    now = utc(2026, 3, 8, 4, 30)  # 23:30 EST on 2026-03-07, DST starts at 02:00 on the 8th
    assert next_post_time(late, now, None) == utc(2026, 3, 8, 4, 59)
    assert next_post_time(late, now, date(2026, 3, 7)) == utc(2026, 3, 9, 3, 59)  # EDT now
    gap = schedule("Europe/Berlin", time(2, 30))
    saturday_night = utc(2026, 3, 28, 23, 0)  # 00:00 CET, Sunday 2026-03-29
    assert next_post_time(gap, saturday_night, date(2026, 3, 28)) == utc(2026, 3, 29, 1, 0)


def test_effective_from_defers_a_slot_already_past_when_set() -> None:
    set_at = utc(2026, 11, 23, 13, 0)  # 14:00 in Berlin; the slot is 08:00
    berlin = schedule("Europe/Berlin", time(8, 0), effective_from=set_at)
    assert slot_for(berlin, date(2026, 11, 23)) is None
    assert next_post_time(berlin, set_at, None) == utc(2026, 11, 24, 7, 0)


def test_weekly_defaults_to_the_local_weekday_it_was_set() -> None:
    # Sunday 2026-11-22 23:30 UTC is Monday 00:30 in Berlin.
    now = utc(2026, 11, 22, 23, 30)
    assert local_weekday(now, "Europe/Berlin") == 0
    assert local_weekday(now, "UTC") == 6
    weekday = local_weekday(now, "Europe/Berlin")
    weekly = schedule("Europe/Berlin", time(9), Frequency.WEEKLY, weekday, effective_from=now)
    assert next_post_time(weekly, now, None) == utc(2026, 11, 23, 8, 0)  # Monday 09:00 CET
    assert next_post_time(weekly, utc(2026, 11, 23, 9), date(2026, 11, 23)) == utc(
        2026, 11, 30, 8, 0
    )


def test_discord_timestamp_and_naive_datetimes_rejected() -> None:
    assert discord_timestamp(utc(2026, 1, 1)) == "<t:1767225600:F>"
    assert discord_timestamp(utc(2026, 1, 1), "R") == "<t:1767225600:R>"
    with pytest.raises(ValueError, match="timezone-aware"):
        next_post_time(schedule("UTC", time(8)), datetime(2026, 1, 1), None)
