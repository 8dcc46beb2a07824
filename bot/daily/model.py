"""The plain values the daily-post scheduler decides over.

Everything here is a frozen dataclass so the store, the bot and the tests can build them
from rows, compare them and hand them around without anyone mutating a schedule mid-tick.
Invalid states (a weekday 9, an unknown level, an unknown timezone) are rejected when the
value is built, so the decision functions never have to second-guess their input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.daily.parsing import parse_frequency, parse_timezone
from bot.daily.terms import Frequency, ScheduleError
from recommender.vocabulary import LEVELS


@dataclass(frozen=True, slots=True)
class DailySchedule:
    """One guild's daily-post configuration, as the scheduler needs it.

    `post_time` is a naive wall-clock time in `timezone` (an IANA name, validated here).
    `weekday` (0 = Monday ... 6 = Sunday) only matters for WEEKLY; `/daily set` should store
    the guild-local weekday on which the schedule was set (see `clock.local_weekday`), so
    "weekly" means "on this day of the week, from now on".
    `effective_from` is when the schedule was last set, changed or re-enabled: a slot that
    was already in the past at that moment never fires, so setting 08:00 at 14:00 means
    "from tomorrow", not "post right now". None means no such limit.
    The store's `last_error` column is deliberately absent: it does not affect the decision.
    """

    guild_id: int
    channel_id: int
    post_time: time
    timezone: str
    frequency: Frequency = Frequency.DAILY
    weekday: int = 0
    topic: str | None = None
    level: str | None = None
    enabled: bool = True
    effective_from: datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.frequency, Frequency):
            object.__setattr__(self, "frequency", parse_frequency(str(self.frequency)))
        if not 0 <= self.weekday <= 6:
            raise ScheduleError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if self.level is not None and self.level not in LEVELS:
            raise ScheduleError(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        if self.post_time.tzinfo is not None:
            raise ScheduleError("post_time is a local wall-clock time; it must not carry a tzinfo")
        if self.effective_from is not None and self.effective_from.tzinfo is None:
            raise ScheduleError("effective_from must be timezone-aware")
        canonical = parse_timezone(self.timezone).key
        if canonical != self.timezone:
            object.__setattr__(self, "timezone", canonical)


@dataclass(frozen=True, slots=True)
class PostRecord:
    """One row of the post log: the guild claimed `local_date` and posted `resource_id`.

    `resource_id` is None when the slot was claimed but nothing matched the guild's filters.
    """

    guild_id: int
    local_date: date
    resource_id: str | None


@dataclass(frozen=True, slots=True)
class DueSlot:
    """A guild whose post is due now: claim (guild_id, local_date) in the post log, then send."""

    schedule: DailySchedule
    local_date: date
    scheduled_at: datetime
    """The slot's instant (aware, UTC); earlier than the tick when catching up."""
