"""The pure decision core of the daily post (no Discord, no database).

How the pieces are meant to be wired (the loop runs once a minute):

    slots = due_slots(now, schedules, last_posted)          # guild -> last claimed local date
    for slot in slots:
        resource_id = choose_resource(candidates, posted_ids, read_counts)
        if await store.claim(slot.schedule.guild_id, slot.local_date, resource_id):
            await send(...)

`next_post_time` gives the instant to show in `/daily set` and `/daily status`, and
the `parse_*` helpers and `timezone_choices` validate and autocomplete admin input.
"""

from bot.daily.clock import (
    discord_timestamp,
    is_post_day,
    local_date,
    local_weekday,
    next_post_time,
    resolve_wall_time,
    slot_for,
)
from bot.daily.due import due_slots
from bot.daily.model import (
    DailySchedule,
    DueSlot,
    PostRecord,
)
from bot.daily.parsing import (
    TIME_FORMAT_HINT,
    parse_frequency,
    parse_time,
    parse_timezone,
    timezone_choices,
)
from bot.daily.picking import choose_resource, current_cycle
from bot.daily.terms import WEEKDAY_NAMES, Frequency, ScheduleError

__all__ = [
    "TIME_FORMAT_HINT",
    "WEEKDAY_NAMES",
    "DailySchedule",
    "DueSlot",
    "Frequency",
    "PostRecord",
    "ScheduleError",
    "choose_resource",
    "current_cycle",
    "discord_timestamp",
    "due_slots",
    "is_post_day",
    "local_date",
    "local_weekday",
    "next_post_time",
    "parse_frequency",
    "parse_time",
    "parse_timezone",
    "resolve_wall_time",
    "slot_for",
    "timezone_choices",
]
