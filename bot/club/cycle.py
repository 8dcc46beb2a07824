"""When a club's cycles fall, and what a tick should do about the current one.

Rules (in the club's own timezone, DST-correct through `bot.daily.clock.resolve_wall_time`,
the one wall-time rule of the codebase: a meeting in a spring-forward gap is at the end of
the gap, one in a fall-back overlap at the first occurrence):

- Meetings are on `weekday` at `meet_time`, every 7 (weekly) or 14 (fortnightly) local days.
  The first meeting is the first such slot at least `poll_hours` + `READING_ROOM_HOURS`
  after the club started, so the first poll has time to run and the members time to read.
- Cycle 1's poll opens when the club starts; cycle n's opens at meeting n-1. Each poll stays
  open `poll_hours`. So at every meeting the next poll opens.
- A poll that could not open on time (the bot was away) opens late if it can still close
  `LATE_MARGIN` before the meeting; otherwise the cycle's reading is announced straight
  away, chosen by the tie rule among the candidates (nobody voted). Past cycles are never
  caught up: a cycle whose meeting is over is history.
"""

from __future__ import annotations

import datetime as dt
import enum
import math

from bot.club.model import ClubSchedule, Cycle, CycleRecord
from bot.club.terms import READING_ROOM_HOURS, CycleState
from bot.daily.clock import resolve_wall_time
from bot.daily.parsing import zone

LATE_MARGIN = dt.timedelta(hours=1)
"""A late poll runs at least an hour and closes at least an hour before the meeting."""


def _aware(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("the club cycle needs timezone-aware datetimes (e.g. datetime.now(UTC))")
    return instant.astimezone(dt.UTC)


def meeting_at(schedule: ClubSchedule, day: dt.date) -> dt.datetime:
    """The UTC instant of the meeting on local date `day`."""
    return resolve_wall_time(day, schedule.meet_time, zone(schedule.timezone))


def first_meeting_date(schedule: ClubSchedule) -> dt.date:
    """The local date of meeting 1 (see the module's rules)."""
    earliest = _aware(schedule.started_at) + schedule.poll_duration
    earliest += dt.timedelta(hours=READING_ROOM_HOURS)
    day = earliest.astimezone(zone(schedule.timezone)).date()
    day += dt.timedelta(days=(schedule.weekday - day.weekday()) % 7)
    while meeting_at(schedule, day) < earliest:
        day += dt.timedelta(days=7)
    return day


def cycle_number(schedule: ClubSchedule, number: int) -> Cycle:
    """Cycle `number` (1 = the first) of the club."""
    if number < 1:
        raise ValueError(f"cycles are numbered from 1, not {number}")
    first = first_meeting_date(schedule)
    period = dt.timedelta(days=schedule.cadence.days)
    day = first + period * (number - 1)
    meets = meeting_at(schedule, day)
    opens = _aware(schedule.started_at) if number == 1 else meeting_at(schedule, day - period)
    return Cycle(number, day, opens, opens + schedule.poll_duration, meets)


def cycle_at(schedule: ClubSchedule, now: dt.datetime) -> Cycle:
    """The cycle whose window holds `now`: the first whose meeting is after `now` (cycle 1
    before the club even started)."""
    now = _aware(now)
    first = first_meeting_date(schedule)
    local = now.astimezone(zone(schedule.timezone)).date()
    guess = max(1, (local - first).days // schedule.cadence.days + 1)
    cycle = cycle_number(schedule, guess)
    while guess > 1 and cycle.opens_at > now:
        guess -= 1
        cycle = cycle_number(schedule, guess)
    while cycle.meets_at <= now:
        guess += 1
        cycle = cycle_number(schedule, guess)
    return cycle


def cycle_of_date(schedule: ClubSchedule, meeting_date: dt.date) -> Cycle | None:
    """The cycle meeting on local `meeting_date`, or None when no meeting falls on it."""
    first = first_meeting_date(schedule)
    offset = (meeting_date - first).days
    if offset < 0 or offset % schedule.cadence.days:
        return None
    return cycle_number(schedule, offset // schedule.cadence.days + 1)


class Step(enum.Enum):
    """What a tick should do for one club now."""

    WAIT = "wait"  # nothing to do (not yet, done, skipped, or someone else holds a claim)
    OPEN_POLL = "open poll"  # claim the cycle's poll and post it
    RESUME_POLL = "resume poll"  # a poll claim's lease ran out: look for it, then post it
    ANNOUNCE = "announce"  # the poll closed (or a moderator picked): claim and announce
    RESUME_ANNOUNCE = "resume announce"  # look for the announcement, then post it
    ANNOUNCE_WITHOUT_POLL = "announce without poll"  # too late for a poll: rule decides


def lapsed(until: dt.datetime | None, now: dt.datetime) -> bool:
    """A claim's lease ran out (None: never held)."""
    return until is None or until <= now


def decide(
    schedule: ClubSchedule, cycle: Cycle, record: CycleRecord | None, now: dt.datetime
) -> Step:
    """The one decision of the club loop, a pure function of the clock and the cycle's row."""
    now = _aware(now)
    if not schedule.enabled or now < cycle.opens_at or now >= cycle.meets_at:
        return Step.WAIT
    if record is not None and record.state is not CycleState.PENDING:
        return Step.WAIT
    if record is not None and record.announce_tries > 0:
        if record.announced or not lapsed(record.announce_claimed_until, now):
            return Step.WAIT
        return Step.RESUME_ANNOUNCE
    if record is not None and record.picked and record.winner is not None:
        return Step.ANNOUNCE
    if record is not None and record.poll_is_out:
        closes = record.poll_closes_at or cycle.closes_at
        return Step.ANNOUNCE if now >= closes else Step.WAIT
    if record is not None and record.poll_claim_open:
        return Step.RESUME_POLL if lapsed(record.poll_claimed_until, now) else Step.WAIT
    if poll_closes_at(cycle, now) is None:
        return Step.ANNOUNCE_WITHOUT_POLL
    return Step.OPEN_POLL


def poll_closes_at(cycle: Cycle, now: dt.datetime) -> dt.datetime | None:
    """When a poll opened at `now` closes: on time, or (late) after whole hours leaving
    `LATE_MARGIN` before the meeting; None when no poll fits any more."""
    now = _aware(now)
    hours = max(
        1, math.ceil((max(cycle.closes_at, now + LATE_MARGIN) - now) / dt.timedelta(hours=1))
    )
    closes = now + dt.timedelta(hours=hours)
    if closes > cycle.meets_at - LATE_MARGIN:
        return None
    return closes


def poll_hours(closes_at: dt.datetime, now: dt.datetime) -> int:
    """The whole hours Discord keeps a poll open to close at `closes_at` (at least one)."""
    return max(1, math.ceil((_aware(closes_at) - _aware(now)) / dt.timedelta(hours=1)))
