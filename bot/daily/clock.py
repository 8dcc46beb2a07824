"""When a guild's post falls: local wall-clock slots turned into exact instants.

Rules (all in the guild's own timezone):
- A post day is any date for DAILY, Monday-Friday for WEEKDAYS, `schedule.weekday` for WEEKLY.
- The slot of a post day is its `post_time` on that date. If that wall time does not exist
  (spring-forward gap), the slot is the first instant after the gap (02:30 in a 02:00->03:00
  gap posts at 03:00). If it exists twice (fall-back overlap), the slot is the first one.
- A date whose slot would land on another local date (a gap that swallows midnight, or a
  whole skipped day such as Pacific/Apia on 2011-12-30) has no slot: posting it would give
  the next date two posts.
- A slot earlier than `schedule.effective_from` never fires.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.daily.model import DailySchedule
from bot.daily.parsing import zone
from bot.daily.terms import Frequency

_SEARCH_DAYS = 15
"""How far `next_post_time` looks ahead: a week for WEEKLY plus room for skipped dates."""


def resolve_wall_time(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on `day` in `tz`, with the gap/overlap rules above."""
    first = datetime.combine(day, at, tzinfo=tz)  # fold=0: the earlier of two occurrences
    utc = first.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) == first.replace(tzinfo=None):
        return utc
    return _end_of_gap(first, tz)


def _end_of_gap(wall: datetime, tz: ZoneInfo) -> datetime:
    """The transition instant that skipped over `wall` (a wall time that does not exist).

    With the offset before the jump the wall time maps past the transition, with the offset
    after it maps before; the transition lies between, found by bisection on whole seconds
    (historical offsets are not always whole minutes).
    """
    late = wall.replace(fold=0).astimezone(UTC)
    early = wall.replace(fold=1).astimezone(UTC)
    if early > late:
        early, late = late, early
    before = early.astimezone(tz).utcoffset()
    low, high = 0, int((late - early).total_seconds())
    while low < high:
        mid = (low + high) // 2
        if (early + timedelta(seconds=mid)).astimezone(tz).utcoffset() == before:
            low = mid + 1
        else:
            high = mid
    return early + timedelta(seconds=low)


def is_post_day(schedule: DailySchedule, day: date) -> bool:
    """Whether the schedule posts on this guild-local date at all."""
    if schedule.frequency is Frequency.DAILY:
        return True
    if schedule.frequency is Frequency.WEEKDAYS:
        return day.weekday() < 5
    return day.weekday() == schedule.weekday


def slot_for(schedule: DailySchedule, day: date) -> datetime | None:
    """The instant (UTC) the schedule posts for local `day`, or None if that day has no slot."""
    if not is_post_day(schedule, day):
        return None
    instant = wall_slot(day, schedule.post_time, schedule.timezone)
    if instant is None:
        return None
    if schedule.effective_from is not None and instant < schedule.effective_from:
        return None
    return instant


@functools.lru_cache(maxsize=1 << 16)
def wall_slot(day: date, at: time, timezone: str) -> datetime | None:
    """`resolve_wall_time`, or None when the result falls on another date (see module doc).

    Memoised because the tick asks the same (date, time, zone) question of every guild
    sharing it once a minute all day; the answer never changes, so caching keeps the
    function pure while making a 10,000-guild tick a matter of look-ups.
    """
    tz = zone(timezone)
    instant = resolve_wall_time(day, at, tz)
    return instant if instant.astimezone(tz).date() == day else None


def local_date(now: datetime, timezone: str) -> date:
    """The guild-local calendar date at instant `now` (the post log's date key)."""
    return _aware(now).astimezone(zone(timezone)).date()


def local_weekday(now: datetime, timezone: str) -> int:
    """Guild-local weekday at `now` (0 = Monday): the default for a new WEEKLY schedule."""
    return local_date(now, timezone).weekday()


def next_post_time(
    schedule: DailySchedule, now: datetime, last_local_date: date | None
) -> datetime | None:
    """The instant (UTC) of the guild's next post, for `/daily set` and `/daily status`.

    This is the earliest slot the tick (`due.due_slots`) would fire for, given the last
    claimed local date. It is normally after `now`; it is at or before `now` only while a
    slot is due and not yet claimed (the next tick posts it, e.g. catching up after
    downtime), which a status display may show as "due now". None when disabled.
    """
    if not schedule.enabled:
        return None
    now = _aware(now)
    start = local_date(now, schedule.timezone)
    if schedule.effective_from is not None:
        start = max(start, local_date(schedule.effective_from, schedule.timezone))
    if last_local_date is not None and last_local_date >= start:
        start = last_local_date + timedelta(days=1)
    for offset in range(_SEARCH_DAYS):
        instant = slot_for(schedule, start + timedelta(days=offset))
        if instant is not None:
            return instant
    return None


def discord_timestamp(instant: datetime, style: str = "F") -> str:
    """Discord's `<t:UNIX:STYLE>` markup, which each reader sees in their own timezone."""
    return f"<t:{int(_aware(instant).timestamp())}:{style}>"


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("the scheduler needs timezone-aware datetimes (e.g. datetime.now(UTC))")
    return instant
