"""The plain values the club cycle is decided over (frozen; checked when built)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.club.terms import (
    MAX_POLL_HOURS,
    MIN_POLL_HOURS,
    Cadence,
    ClubError,
    CycleState,
)
from bot.daily.parsing import parse_timezone
from recommender.vocabulary import LEVELS


@dataclass(frozen=True, slots=True)
class ClubSchedule:
    """One server's club, as the cycle arithmetic needs it.

    `weekday` (0 = Monday) and `meet_time` (a naive wall-clock time) are in `timezone`.
    `started_at` anchors the cycles: the first poll opens then, and the first meeting is the
    first slot leaving the poll and a day of reading before it (see `cycle.first_meeting`).
    """

    guild_id: int
    channel_id: int
    cadence: Cadence
    weekday: int
    meet_time: dt.time
    timezone: str
    started_at: dt.datetime
    poll_hours: int = 24
    topic: str | None = None
    level: str | None = None
    enabled: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.cadence, Cadence):
            try:
                object.__setattr__(self, "cadence", Cadence(str(self.cadence).strip().casefold()))
            except ValueError:
                options = ", ".join(c.value for c in Cadence)
                raise ClubError(f"{self.cadence!r} is not a cadence: use {options}.") from None
        if not 0 <= self.weekday <= 6:
            raise ClubError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if not MIN_POLL_HOURS <= self.poll_hours <= MAX_POLL_HOURS:
            raise ClubError(
                f"a poll stays open {MIN_POLL_HOURS} to {MAX_POLL_HOURS} hours, "
                f"not {self.poll_hours}"
            )
        if self.level is not None and self.level not in LEVELS:
            raise ClubError(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        if self.meet_time.tzinfo is not None:
            raise ClubError("meet_time is a local wall-clock time; it must not carry a tzinfo")
        if self.started_at.tzinfo is None:
            raise ClubError("started_at must be timezone-aware")
        canonical = parse_timezone(self.timezone).key
        if canonical != self.timezone:
            object.__setattr__(self, "timezone", canonical)

    @property
    def poll_duration(self) -> dt.timedelta:
        return dt.timedelta(hours=self.poll_hours)


@dataclass(frozen=True, slots=True)
class Cycle:
    """One meeting of the club and the window before it.

    Cycle `number` (1 = the first) meets at `meets_at` on local date `meeting_date` (the key
    it is stored under). Its poll opens at `opens_at` (the club's start for the first cycle,
    the previous meeting otherwise) and closes `poll_hours` later, at `closes_at`.
    """

    number: int
    meeting_date: dt.date
    opens_at: dt.datetime
    closes_at: dt.datetime
    meets_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CycleRecord:
    """What the store knows of one cycle (None fields: not happened yet).

    `candidates` are the poll's readings in poll order; `counts` the votes each got (same
    order) once the poll was read; `picked` is True when a moderator chose the reading.
    """

    guild_id: int
    meeting_date: dt.date
    state: CycleState = CycleState.PENDING
    candidates: tuple[str, ...] = ()
    poll_message_id: int | None = None
    poll_closes_at: dt.datetime | None = None
    poll_claimed_until: dt.datetime | None = None
    poll_tries: int = 0
    counts: tuple[int, ...] = ()
    winner: str | None = None
    picked: bool = False
    announcement_message_id: int | None = None
    announce_claimed_until: dt.datetime | None = None
    announce_tries: int = 0
    thread_id: int | None = None
    event_id: int | None = None

    @property
    def poll_is_out(self) -> bool:
        return self.poll_message_id is not None

    @property
    def poll_claim_open(self) -> bool:
        """A poll was claimed but is not known to be in the channel."""
        return self.poll_tries > 0 and self.poll_message_id is None

    @property
    def announced(self) -> bool:
        return self.announcement_message_id is not None
