"""The once-a-minute decision: which guilds are due now, and for which local date.

A guild is due at `now` when, in its own timezone,
  today is a post day, today's slot exists and is at or before `now`,
  and the post log has no claim for today (or later: a timezone change can move "today" back).
That single rule gives the catch-up behaviour: back at 14:00 after missing 08:00 -> due (the
slot passed and today is unclaimed); back the next morning before 08:00 -> not due (yesterday
is no longer "today", so it is skipped rather than posted late).
The caller claims the (guild, local_date) key in the post log before sending; a failed claim
means another tick or process already posted, so it must not send.

Cost: the tick reads only each guild's last claimed date and resolves each (date, time, zone)
slot once (memoised in `clock.wall_slot`), so 10,000 guilds cost a few look-ups each. History is
read only for due guilds, when a resource is chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime

from bot.daily.clock import wall_slot
from bot.daily.model import DailySchedule, DueSlot
from bot.daily.parsing import zone
from bot.daily.terms import Frequency


def due_slots(
    now: datetime,
    schedules: Iterable[DailySchedule],
    last_posted: Mapping[int, date],
) -> list[DueSlot]:
    """Guilds due at `now` (aware), given guild id -> last claimed local date.

    Guilds missing from `last_posted` have never posted. Sorted by slot time, then guild id.
    """
    return _due(now, schedules, last_posted.get)


def _due(
    now: datetime,
    schedules: Iterable[DailySchedule],
    last_of: Callable[[int], date | None],
) -> list[DueSlot]:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("due_slots needs a timezone-aware `now` (e.g. datetime.now(UTC))")
    now = now.astimezone(UTC)
    # Hot loop (10,000 guilds a minute): checks ordered cheapest and most selective first.
    today_in: dict[str, tuple[date, int]] = {}
    due: list[DueSlot] = []
    for schedule in schedules:
        if not schedule.enabled:
            continue
        tz_name = schedule.timezone
        local = today_in.get(tz_name)
        if local is None:
            day = now.astimezone(zone(tz_name)).date()
            local = today_in[tz_name] = (day, day.weekday())
        today, weekday = local
        last = last_of(schedule.guild_id)
        if last is not None and last >= today:
            continue
        frequency = schedule.frequency
        if frequency is not Frequency.DAILY and (
            weekday >= 5 if frequency is Frequency.WEEKDAYS else weekday != schedule.weekday
        ):
            continue
        instant = wall_slot(today, schedule.post_time, tz_name)
        if instant is None or instant > now:
            continue
        if schedule.effective_from is not None and instant < schedule.effective_from:
            continue
        due.append(DueSlot(schedule, today, instant))
    due.sort(key=lambda slot: (slot.scheduled_at, slot.schedule.guild_id))
    return due
