"""The per-minute tick: who is due, for which local date, with fixed clocks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.daily import (
    DailySchedule,
    DueSlot,
    Frequency,
    due_slots,
)


def schedule(
    guild_id: int,
    tz: str,
    at: time,
    frequency: Frequency = Frequency.DAILY,
    **extra: object,
) -> DailySchedule:
    return DailySchedule(guild_id, guild_id * 10, at, tz, frequency, **extra)  # type: ignore[arg-type]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def due_ids(slots: Sequence[DueSlot]) -> list[tuple[int, date]]:
    return [(slot.schedule.guild_id, slot.local_date) for slot in slots]


def test_not_due_before_the_slot_due_at_and_after_it() -> None:
    berlin = [schedule(1, "Europe/Berlin", time(8, 0))]
    assert due_slots(utc(2026, 11, 23, 6, 59), berlin, {}) == []
    at_slot = due_slots(utc(2026, 11, 23, 7, 0), berlin, {})
    assert due_ids(at_slot) == [(1, date(2026, 11, 23))]
    assert at_slot[0].scheduled_at == utc(2026, 11, 23, 7, 0)


def test_restart_mid_day_after_claim_is_not_due_again() -> None:
    berlin = [schedule(1, "Europe/Berlin", time(8, 0))]
    claimed = {1: date(2026, 11, 23)}
    for minute in range(0, 16 * 60, 37):
        now = utc(2026, 11, 23, 7, 0) + timedelta(minutes=minute)
        assert due_slots(now, berlin, claimed) == []


def test_catch_up_same_local_day_but_not_a_missed_day() -> None:
    berlin = [schedule(1, "Europe/Berlin", time(8, 0))]
    last = {1: date(2026, 11, 22)}
    # Offline at 08:00, back at 14:00 the same day: post now, for today.
    assert due_ids(due_slots(utc(2026, 11, 23, 13, 0), berlin, last)) == [(1, date(2026, 11, 23))]
    # Back the next morning at 07:00: the 23rd is gone, and the 24th is not due yet.
    assert due_slots(utc(2026, 11, 24, 6, 0), berlin, last) == []
    assert due_ids(due_slots(utc(2026, 11, 24, 7, 0), berlin, last)) == [(1, date(2026, 11, 24))]


def test_both_sides_of_the_date_line_and_half_hour_offsets() -> None:
    guilds = [
        schedule(1, "Pacific/Kiritimati", time(8, 0)),  # UTC+14
        schedule(2, "Pacific/Pago_Pago", time(8, 0)),  # UTC-11
        schedule(3, "Asia/Kolkata", time(8, 0)),  # UTC+5:30
    ]
    # 2026-06-01 19:00 UTC: Kiritimati 09:00 on 06-02, Pago Pago 08:00 on 06-01,
    # Kolkata 00:30 on 06-02 (its 08:00 not reached yet).
    now = utc(2026, 6, 1, 19, 0)
    assert due_ids(due_slots(now, guilds, {})) == [
        (1, date(2026, 6, 2)),
        (2, date(2026, 6, 1)),
    ]
    assert due_ids(due_slots(utc(2026, 6, 2, 2, 29), guilds, {1: date(2026, 6, 2)})) == [
        (2, date(2026, 6, 1))
    ]
    assert due_ids(due_slots(utc(2026, 6, 2, 2, 30), guilds, {2: date(2026, 6, 1)})) == [
        (1, date(2026, 6, 2)),
        (3, date(2026, 6, 2)),
    ]


@pytest.mark.parametrize(
    ("tz", "at", "day", "first_occurrence"),
    [
        ("Europe/Berlin", time(2, 30), date(2026, 10, 25), utc(2026, 10, 25, 0, 30)),
        ("America/New_York", time(1, 30), date(2026, 11, 1), utc(2026, 11, 1, 5, 30)),
    ],
)
def test_fall_back_overlap_posts_once_at_the_first_occurrence(
    tz: str, at: time, day: date, first_occurrence: datetime
) -> None:
    guild = [schedule(1, tz, at)]
    last: dict[int, date] = {1: day - timedelta(days=1)}
    claims = []
    for minute in range(-60, 4 * 60):
        now = first_occurrence + timedelta(minutes=minute)
        for slot in due_slots(now, guild, last):
            claims.append((now, slot.local_date))
            last[1] = slot.local_date
    assert claims == [(first_occurrence, day)]


@pytest.mark.parametrize(
    ("tz", "day", "gap_end"),
    [
        ("Europe/Berlin", date(2026, 3, 29), utc(2026, 3, 29, 1, 0)),
        ("America/New_York", date(2026, 3, 8), utc(2026, 3, 8, 7, 0)),
    ],
)
def test_spring_forward_gap_posts_once_at_the_end_of_the_gap(
    tz: str, day: date, gap_end: datetime
) -> None:
    guild = [schedule(1, tz, time(2, 30))]
    last: dict[int, date] = {1: day - timedelta(days=1)}
    claims = []
    for minute in range(-120, 3 * 60):
        now = gap_end + timedelta(minutes=minute)
        for slot in due_slots(now, guild, last):
            claims.append((now, slot.local_date))
            last[1] = slot.local_date
    assert claims == [(gap_end, day)]


def test_weekdays_and_weekly_over_a_fortnight() -> None:
    guilds = [
        schedule(1, "America/New_York", time(9), Frequency.WEEKDAYS),
        schedule(2, "America/New_York", time(9), Frequency.WEEKLY, weekday=4),
        schedule(3, "America/New_York", time(9), Frequency.DAILY),
    ]
    last: dict[int, date] = {}
    posted: dict[int, list[date]] = {1: [], 2: [], 3: []}
    start = utc(2026, 11, 23, 5, 0)  # Monday 00:00 EST
    for hour in range(14 * 24):
        for slot in due_slots(start + timedelta(hours=hour), guilds, last):
            last[slot.schedule.guild_id] = slot.local_date
            posted[slot.schedule.guild_id].append(slot.local_date)
    assert [d.weekday() for d in posted[1]] == [0, 1, 2, 3, 4] * 2
    assert posted[2] == [date(2026, 11, 27), date(2026, 12, 4)]
    assert len(posted[3]) == 14


def test_disabled_and_not_yet_effective_schedules_are_skipped() -> None:
    now = utc(2026, 11, 23, 12, 0)
    guilds = [
        schedule(1, "UTC", time(8), enabled=False),
        schedule(2, "UTC", time(8), effective_from=utc(2026, 11, 23, 9, 0)),
        schedule(3, "UTC", time(8), effective_from=utc(2026, 11, 23, 7, 0)),
    ]
    assert due_ids(due_slots(now, guilds, {})) == [(3, date(2026, 11, 23))]


def test_timezone_moved_east_after_posting_does_not_post_again_for_an_older_date() -> None:
    # Posted for 2026-11-24 in Tokyo, then switched to Los Angeles where it is still the 23rd.
    la = [schedule(1, "America/Los_Angeles", time(8))]
    assert due_slots(utc(2026, 11, 23, 20, 0), la, {1: date(2026, 11, 24)}) == []


def test_many_guilds_sorted_by_slot_then_guild_and_input_order_does_not_matter() -> None:
    zones = ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York", "Pacific/Kiritimati"]
    guilds = [schedule(g, zones[g % 5], time(g % 24, (g * 7) % 60)) for g in range(1, 301)]
    now = utc(2026, 11, 23, 12, 0)
    history = {g: date(2026, 11, 22) for g in range(1, 301, 3)}
    forward = due_slots(now, guilds, history)
    assert forward == due_slots(now, list(reversed(guilds)), history)
    keys = [(slot.scheduled_at, slot.schedule.guild_id) for slot in forward]
    assert keys == sorted(keys)
    assert all(slot.scheduled_at <= now for slot in forward)
    assert len({slot.schedule.guild_id for slot in forward}) == len(forward) > 50


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_slots(datetime(2026, 1, 1), [schedule(1, "UTC", time(8))], {})
