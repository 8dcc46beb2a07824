"""Properties of the cycle over many zones, starts and settings: cycles tile time, every
poll closes before its meeting, meetings fall on the club's local weekday and wall time
(except inside a DST gap), and `cycle_at` finds the cycle whose window holds the instant."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.club import Cadence, ClubSchedule, cycle_at, cycle_number
from bot.daily.parsing import zone

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/Santiago",
    "Australia/Lord_Howe",
]


@st.composite
def clubs(draw: st.DrawFn) -> ClubSchedule:
    start = draw(
        st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2028, 12, 31), timezones=st.just(dt.UTC))
    )
    return ClubSchedule(
        guild_id=1,
        channel_id=2,
        cadence=draw(st.sampled_from(list(Cadence))),
        weekday=draw(st.integers(0, 6)),
        meet_time=dt.time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45]))),
        timezone=draw(st.sampled_from(ZONES)),
        started_at=start,
        poll_hours=draw(st.integers(1, 72)),
    )


@settings(max_examples=150, deadline=None)
@given(clubs(), st.integers(1, 60))
def test_cycles_tile_time_and_meet_on_the_local_weekday(schedule: ClubSchedule, n: int) -> None:
    cycle = cycle_number(schedule, n)
    following = cycle_number(schedule, n + 1)
    assert following.opens_at == cycle.meets_at
    assert cycle.opens_at < cycle.closes_at < cycle.meets_at
    assert (following.meeting_date - cycle.meeting_date).days == schedule.cadence.days
    local = cycle.meets_at.astimezone(zone(schedule.timezone))
    assert cycle.meeting_date.weekday() == schedule.weekday
    if local.date() == cycle.meeting_date and local.time() == schedule.meet_time:
        return
    # Only a wall time the clock skipped moves, and only forward, to the end of the gap.
    before = cycle.meets_at - dt.timedelta(hours=3)
    assert before.astimezone(zone(schedule.timezone)).utcoffset() != local.utcoffset()


@settings(max_examples=150, deadline=None)
@given(clubs(), st.integers(0, 3 * 365 * 24 * 60))
def test_cycle_at_holds_the_instant(schedule: ClubSchedule, minutes: int) -> None:
    now = schedule.started_at + dt.timedelta(minutes=minutes)
    cycle = cycle_at(schedule, now)
    assert cycle.opens_at <= now < cycle.meets_at
