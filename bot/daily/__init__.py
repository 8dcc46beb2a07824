"""The pure decision core of the daily post (no Discord, no database).

How the pieces are meant to be wired (the loop runs once a minute):

    slots = due_slots(now, schedules, last_posted)          # guild -> last claimed local date
    for slot in slots:
        resource_id = choose_resource(candidates, posted_ids, read_counts)
        if await store.claim(slot.schedule.guild_id, slot.local_date, resource_id):
            await send(...)

`due_posts` does both steps at once for callers that keep every guild's `GuildHistory` in
memory. `next_post_time` gives the instant to show in `/daily set` and `/daily status`, and
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
from bot.daily.due import due_posts, due_slots
from bot.daily.model import (
    DailySchedule,
    DuePost,
    DueSlot,
    GuildHistory,
    PostRecord,
    summarize_history,
)
from bot.daily.parsing import (
    TIME_FORMAT_HINT,
    parse_frequency,
    parse_time,
    parse_timezone,
    parse_weekday,
    timezone_choices,
)
from bot.daily.picking import choose_resource, current_cycle
from bot.daily.terms import WEEKDAY_NAMES, Frequency, ScheduleError

__all__ = [
    "TIME_FORMAT_HINT",
    "WEEKDAY_NAMES",
    "DailySchedule",
    "DuePost",
    "DueSlot",
    "Frequency",
    "GuildHistory",
    "PostRecord",
    "ScheduleError",
    "choose_resource",
    "current_cycle",
    "discord_timestamp",
    "due_posts",
    "due_slots",
    "is_post_day",
    "local_date",
    "local_weekday",
    "next_post_time",
    "parse_frequency",
    "parse_time",
    "parse_timezone",
    "parse_weekday",
    "resolve_wall_time",
    "slot_for",
    "summarize_history",
    "timezone_choices",
]
