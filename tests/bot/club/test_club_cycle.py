"""The club cycle with fixed clocks: when polls open and close, when the club meets (across
DST), and what a tick does at each moment of a cycle, including after a restart."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.club import (
    Cadence,
    ClubError,
    ClubSchedule,
    CycleRecord,
    CycleState,
    Step,
    cycle_at,
    cycle_number,
    cycle_of_date,
    decide,
    first_meeting_date,
    poll_closes_at,
    poll_hours,
)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)  # type: ignore[misc]


MONDAY = utc(2026, 3, 2, 10, 0)


def club(
    started: dt.datetime = MONDAY,
    *,
    cadence: Cadence = Cadence.WEEKLY,
    weekday: int = 3,  # Thursday
    at: dt.time = dt.time(19, 0),
    tz: str = "Europe/Berlin",
    poll_hours: int = 24,
    enabled: bool = True,
) -> ClubSchedule:
    return ClubSchedule(1, 10, cadence, weekday, at, tz, started, poll_hours, enabled=enabled)


def test_first_cycle_opens_at_start_and_meets_after_poll_and_a_day_of_reading() -> None:
    schedule = club()
    first = cycle_number(schedule, 1)
    assert first.opens_at == utc(2026, 3, 2, 10, 0)
    assert first.closes_at == utc(2026, 3, 3, 10, 0)
    assert first.meeting_date == dt.date(2026, 3, 5)
    assert first.meets_at == utc(2026, 3, 5, 18, 0)  # 19:00 CET


def test_a_start_too_close_to_the_meeting_day_meets_the_week_after() -> None:
    # Wednesday noon: poll until Thursday noon, then a day to read -> not this Thursday.
    assert first_meeting_date(club(utc(2026, 3, 4, 12, 0))) == dt.date(2026, 3, 12)
    # Exactly 48 hours before the meeting is enough.
    assert first_meeting_date(club(utc(2026, 3, 3, 18, 0))) == dt.date(2026, 3, 5)
    assert first_meeting_date(club(utc(2026, 3, 3, 18, 1))) == dt.date(2026, 3, 12)


def test_each_later_poll_opens_at_the_previous_meeting() -> None:
    schedule = club()
    second = cycle_number(schedule, 2)
    assert second.opens_at == cycle_number(schedule, 1).meets_at
    assert second.closes_at == second.opens_at + dt.timedelta(hours=24)
    assert second.meeting_date == dt.date(2026, 3, 12)


def test_fortnightly_meets_every_other_week() -> None:
    schedule = club(cadence=Cadence.FORTNIGHTLY)
    dates = [cycle_number(schedule, n).meeting_date for n in (1, 2, 3)]
    assert dates == [dt.date(2026, 3, 5), dt.date(2026, 3, 19), dt.date(2026, 4, 2)]
    assert cycle_of_date(schedule, dt.date(2026, 3, 12)) is None
    found = cycle_of_date(schedule, dt.date(2026, 3, 19))
    assert found is not None and found.number == 2


def test_meetings_keep_their_wall_time_across_dst() -> None:
    schedule = club()  # Berlin goes to summer time on Sunday 29 March 2026
    before = cycle_at(schedule, utc(2026, 3, 20, 0, 0))
    after = cycle_number(schedule, before.number + 1)
    assert before.meets_at == utc(2026, 3, 26, 18, 0)  # 19:00 CET (UTC+1)
    assert after.meets_at == utc(2026, 4, 2, 17, 0)  # 19:00 CEST (UTC+2)
    assert after.opens_at == before.meets_at
    assert after.closes_at - after.opens_at == dt.timedelta(hours=24)  # real hours
    autumn = cycle_at(schedule, utc(2026, 10, 26, 12, 0))  # after the switch back
    assert autumn.meets_at == utc(2026, 10, 29, 18, 0)


def test_a_meeting_in_the_spring_forward_gap_is_at_the_end_of_the_gap() -> None:
    schedule = club(weekday=6, at=dt.time(2, 30))  # Sundays 02:30, which 29 March skips
    cycle = cycle_at(schedule, utc(2026, 3, 25, 0, 0))
    assert cycle.meeting_date == dt.date(2026, 3, 29)
    assert cycle.meets_at == utc(2026, 3, 29, 1, 0)  # 03:00 CEST


def test_new_york_club_across_its_own_dst_date() -> None:
    schedule = club(utc(2026, 2, 23, 15, 0), weekday=1, at=dt.time(18, 30), tz="America/New_York")
    march = [cycle_at(schedule, utc(2026, 3, d, 12, 0)).meets_at for d in (2, 9)]
    assert march == [utc(2026, 3, 3, 23, 30), utc(2026, 3, 10, 22, 30)]


def test_cycle_at_switches_at_the_meeting_instant() -> None:
    schedule = club()
    meets = cycle_number(schedule, 1).meets_at
    assert cycle_at(schedule, meets - dt.timedelta(seconds=1)).number == 1
    assert cycle_at(schedule, meets).number == 2
    assert cycle_at(schedule, utc(2026, 1, 1)).number == 1  # before the start: cycle 1
    assert cycle_at(schedule, utc(2027, 3, 4, 17, 59)).meeting_date == dt.date(2027, 3, 4)


def test_bad_values_are_refused_with_a_reason() -> None:
    with pytest.raises(ClubError, match="poll stays open"):
        club(poll_hours=0)
    with pytest.raises(ClubError, match="poll stays open"):
        club(poll_hours=73)
    with pytest.raises(ClubError, match="cadence"):
        ClubSchedule(1, 2, "daily", 0, dt.time(9), "UTC", utc(2026, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ClubError, match="weekday"):
        club(weekday=7)
    with pytest.raises(ClubError, match="timezone-aware"):
        club(dt.datetime(2026, 1, 1))


# --- what a tick does ---------------------------------------------------------------------------

SCHEDULE = club()
FIRST = cycle_number(SCHEDULE, 1)
DAY = FIRST.meeting_date


def record(**fields: object) -> CycleRecord:
    return CycleRecord(1, DAY, **fields)  # type: ignore[arg-type]


def test_before_the_window_nothing_then_the_poll_opens() -> None:
    assert decide(SCHEDULE, FIRST, None, FIRST.opens_at - dt.timedelta(minutes=1)) is Step.WAIT
    assert decide(SCHEDULE, FIRST, None, FIRST.opens_at) is Step.OPEN_POLL
    assert decide(SCHEDULE, FIRST, record(), FIRST.opens_at) is Step.OPEN_POLL


def test_a_claimed_poll_is_left_to_its_holder_until_the_lease_ends() -> None:
    now = FIRST.opens_at
    held = record(poll_tries=1, poll_claimed_until=now + dt.timedelta(minutes=5))
    assert decide(SCHEDULE, FIRST, held, now + dt.timedelta(minutes=1)) is Step.WAIT
    assert decide(SCHEDULE, FIRST, held, now + dt.timedelta(minutes=5)) is Step.RESUME_POLL


def test_the_poll_closes_then_the_reading_is_announced_once() -> None:
    out = record(poll_tries=1, poll_message_id=5, poll_closes_at=FIRST.closes_at)
    assert decide(SCHEDULE, FIRST, out, FIRST.closes_at - dt.timedelta(seconds=1)) is Step.WAIT
    assert decide(SCHEDULE, FIRST, out, FIRST.closes_at) is Step.ANNOUNCE
    later = FIRST.closes_at + dt.timedelta(minutes=1)
    claimed = record(
        poll_tries=1,
        poll_message_id=5,
        poll_closes_at=FIRST.closes_at,
        announce_tries=1,
        announce_claimed_until=later + dt.timedelta(minutes=4),
    )
    assert decide(SCHEDULE, FIRST, claimed, later) is Step.WAIT
    assert decide(SCHEDULE, FIRST, claimed, later + dt.timedelta(minutes=4)) is (
        Step.RESUME_ANNOUNCE
    )
    done = record(
        state=CycleState.ANNOUNCED, poll_message_id=5, announcement_message_id=6, announce_tries=1
    )
    assert decide(SCHEDULE, FIRST, done, later) is Step.WAIT


def test_restarting_mid_cycle_decides_from_the_stored_row_alone() -> None:
    out = record(poll_tries=1, poll_message_id=5, poll_closes_at=FIRST.closes_at)
    middle = FIRST.opens_at + dt.timedelta(hours=3)
    # A fresh process has nothing but the row: it neither posts a second poll nor announces.
    assert decide(SCHEDULE, FIRST, out, middle) is Step.WAIT
    assert decide(SCHEDULE, FIRST, out, FIRST.closes_at + dt.timedelta(hours=2)) is Step.ANNOUNCE


def test_a_pick_is_announced_at_once_even_while_the_poll_runs() -> None:
    picked = record(poll_tries=1, poll_message_id=5, winner="resnet", picked=True)
    assert decide(SCHEDULE, FIRST, picked, FIRST.opens_at + dt.timedelta(hours=1)) is Step.ANNOUNCE
    # A pick for a cycle whose window has not opened waits for it.
    nxt = cycle_number(SCHEDULE, 2)
    early = CycleRecord(1, nxt.meeting_date, winner="resnet", picked=True)
    assert decide(SCHEDULE, nxt, early, FIRST.opens_at + dt.timedelta(hours=1)) is Step.WAIT
    assert decide(SCHEDULE, nxt, early, nxt.opens_at) is Step.ANNOUNCE


def test_skipped_and_disabled_clubs_do_nothing() -> None:
    skipped = record(state=CycleState.SKIPPED)
    assert decide(SCHEDULE, FIRST, skipped, FIRST.opens_at) is Step.WAIT
    assert decide(club(enabled=False), FIRST, None, FIRST.opens_at) is Step.WAIT


def test_a_late_poll_runs_shorter_and_a_too_late_one_becomes_a_ruled_announcement() -> None:
    late = FIRST.closes_at + dt.timedelta(hours=5)  # the bot was down when it should open
    assert decide(SCHEDULE, FIRST, None, late) is Step.OPEN_POLL
    closes = poll_closes_at(FIRST, late)
    assert closes == late + dt.timedelta(hours=1)
    almost = FIRST.meets_at - dt.timedelta(minutes=90)
    assert poll_closes_at(FIRST, almost) is None
    assert decide(SCHEDULE, FIRST, None, almost) is Step.ANNOUNCE_WITHOUT_POLL
    assert decide(SCHEDULE, FIRST, None, FIRST.meets_at) is Step.WAIT  # over: not caught up


def test_poll_hours_are_whole_and_at_least_one() -> None:
    now = utc(2026, 3, 2, 10, 0)
    assert poll_hours(now + dt.timedelta(hours=24), now) == 24
    assert poll_hours(now + dt.timedelta(minutes=61), now) == 2
    assert poll_hours(now, now) == 1
    on_time = poll_closes_at(FIRST, FIRST.opens_at)
    assert on_time == FIRST.closes_at
