"""Properties over any instant, any IANA timezone, any time of day and any downtime pattern."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.daily import (
    DailySchedule,
    Frequency,
    due_slots,
    is_post_day,
    local_date,
    next_post_time,
    slot_for,
)
from bot.daily.parsing import timezone_names, zone

ZONES = sorted(timezone_names())

instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
)
schedules = st.builds(
    DailySchedule,
    guild_id=st.just(1),
    channel_id=st.just(2),
    post_time=st.times().map(lambda t: t.replace(microsecond=0)),
    timezone=st.sampled_from(ZONES),
    frequency=st.sampled_from(list(Frequency)),
    weekday=st.integers(0, 6),
)
# Minutes between ticks: mostly the loop's one minute, sometimes hours or days of downtime.
steps = st.lists(
    st.one_of(st.integers(1, 3), st.integers(60, 600), st.integers(1000, 4000)),
    min_size=1,
    max_size=60,
)


def _tick(schedule: DailySchedule, now: datetime, last: date | None) -> date | None:
    """One loop tick: returns the claimed local date, or None if nothing was due."""
    slots = due_slots(now, [schedule], {} if last is None else {schedule.guild_id: last})
    assert len(slots) <= 1
    pending = next_post_time(schedule, now, last)
    assert (pending is not None and pending <= now) == bool(slots)
    if not slots:
        return None
    slot = slots[0]
    assert slot.local_date == local_date(now, schedule.timezone)
    assert slot.scheduled_at == pending
    assert slot.scheduled_at <= now
    assert is_post_day(schedule, slot.local_date)
    assert local_date(slot.scheduled_at, schedule.timezone) == slot.local_date
    _assert_slot_is_first_instant_at_or_after_the_wall_time(schedule, slot.scheduled_at)
    return slot.local_date


def _assert_slot_is_first_instant_at_or_after_the_wall_time(
    schedule: DailySchedule, instant: datetime
) -> None:
    tz = zone(schedule.timezone)
    local = instant.astimezone(tz).replace(tzinfo=None)
    wanted = datetime.combine(local.date(), schedule.post_time)
    if local != wanted:  # the wall time was skipped: the clock must jump over it right here
        just_before = (instant - timedelta(seconds=1)).astimezone(tz).replace(tzinfo=None)
        assert just_before < wanted < local


@settings(max_examples=150, deadline=None)
@given(schedule=schedules, start=instants, gaps=steps)
def test_never_two_posts_for_one_local_date_whatever_the_downtime(
    schedule: DailySchedule, start: datetime, gaps: list[int]
) -> None:
    last: date | None = None
    claimed: list[date] = []
    now = start
    for minutes in gaps:
        now += timedelta(minutes=minutes)
        day = _tick(schedule, now, last)
        if day is not None:
            assert last is None or day > last
            claimed.append(day)
            last = day
    assert len(claimed) == len(set(claimed))


@settings(max_examples=200, deadline=None)
@given(
    schedule=schedules,
    now=instants,
    last_days_ago=st.one_of(st.none(), st.integers(-1, 10)),
    set_hours_ago=st.one_of(st.none(), st.integers(0, 72)),
)
def test_next_post_time_after_a_tick_is_in_the_future_on_a_post_day(
    schedule: DailySchedule,
    now: datetime,
    last_days_ago: int | None,
    set_hours_ago: int | None,
) -> None:
    if set_hours_ago is not None:
        schedule = DailySchedule(
            schedule.guild_id,
            schedule.channel_id,
            schedule.post_time,
            schedule.timezone,
            schedule.frequency,
            schedule.weekday,
            effective_from=now - timedelta(hours=set_hours_ago),
        )
    today = local_date(now, schedule.timezone)
    last = None if last_days_ago is None else today - timedelta(days=last_days_ago)
    last = _tick(schedule, now, last) or last

    upcoming = next_post_time(schedule, now, last)
    assert upcoming is not None
    assert upcoming > now
    day = local_date(upcoming, schedule.timezone)
    assert is_post_day(schedule, day)
    assert last is None or day > last
    history = {} if last is None else {schedule.guild_id: last}
    assert due_slots(upcoming - timedelta(seconds=1), [schedule], history) == []
    [slot] = due_slots(upcoming, [schedule], history)
    assert (slot.local_date, slot.scheduled_at) == (day, upcoming)


@settings(max_examples=100, deadline=None)
@given(now=instants, zone_name=st.sampled_from(ZONES), at=st.times())
def test_every_existing_local_time_is_reached_on_its_own_date(
    now: datetime, zone_name: str, at: time
) -> None:
    schedule = DailySchedule(1, 2, at.replace(microsecond=0), zone_name)
    upcoming = next_post_time(schedule, now, local_date(now, zone_name))
    assert upcoming is not None
    assert upcoming > now
    assert upcoming - now < timedelta(days=3)


def _offset(instant: datetime, zone_name: str) -> timedelta:
    offset = instant.astimezone(zone(zone_name)).utcoffset()
    assert offset is not None
    return offset


DST_ZONES = [
    name
    for name in ZONES
    if _offset(datetime(2026, 1, 15, tzinfo=UTC), name)
    != _offset(datetime(2026, 7, 15, tzinfo=UTC), name)
]


@functools.cache
def _gaps(zone_name: str, year: int) -> tuple[tuple[datetime, datetime, datetime], ...]:
    """(transition instant, first skipped wall time, first wall time after) for each gap."""
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        after = day + timedelta(days=1)
        before_offset, after_offset = _offset(day, zone_name), _offset(after, zone_name)
        if after_offset > before_offset:
            low, high = day, after
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                if _offset(mid, zone_name) == before_offset:
                    low = mid
                else:
                    high = mid
            wall = high.replace(tzinfo=None)
            found.append((high, wall + before_offset, wall + after_offset))
        day = after
    return tuple(found)


@settings(max_examples=150, deadline=None)
@given(
    zone_name=st.sampled_from(DST_ZONES),
    year=st.integers(2000, 2037),
    pick=st.integers(0, 10),
    into_gap=st.floats(0, 1, exclude_max=True),
)
def test_a_skipped_wall_time_posts_when_the_clock_jumps_over_it(
    zone_name: str, year: int, pick: int, into_gap: float
) -> None:
    gaps = _gaps(zone_name, year)
    assume(gaps)
    transition, first_skipped, first_after = gaps[pick % len(gaps)]
    wall = first_skipped + timedelta(seconds=int((first_after - first_skipped).seconds * into_gap))
    schedule = DailySchedule(1, 2, wall.time(), zone_name)
    expected = transition if first_after.date() == wall.date() else None
    assert slot_for(schedule, wall.date()) == expected
    start = transition - timedelta(hours=30)
    last = local_date(start, zone_name)
    claims = []
    for minutes in range(0, 48 * 60, 15):
        now = start + timedelta(minutes=minutes)
        for slot in due_slots(now, [schedule], {1: last}):
            claims.append(slot)
            last = slot.local_date
    on_gap_day = [slot.scheduled_at for slot in claims if slot.local_date == wall.date()]
    assert on_gap_day == ([] if expected is None else [expected])
