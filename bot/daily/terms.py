"""Words of the daily-post schedule, shared by parsing and the model (apart to avoid a cycle)."""

from __future__ import annotations

import enum


class ScheduleError(ValueError):
    """Bad schedule input; the message is written for the admin who typed it."""


class Frequency(enum.StrEnum):
    """How often a guild gets its post.

    WEEKDAYS means Monday to Friday in the guild's own timezone; WEEKLY posts on the one
    weekday stored in `DailySchedule.weekday`.
    """

    DAILY = "daily"
    WEEKDAYS = "weekdays"
    WEEKLY = "weekly"


WEEKDAY_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
"""Index = `date.weekday()` (0 = Monday), the encoding `DailySchedule.weekday` uses."""
