"""What the service answers about a server as a group: feedback, what it reads, what its
members are ready for, and who reads most (only those who said they may be shown).

Members of a server are the users deepread has seen use it there (a command, a button):
the face reports them with `Service.note_member`. That needs no privileged intent, and
`/forgetme` removes it. Counts never carry names; leaderboards carry only the ids of
members who opted in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from recommender.resource import Resource

PERIODS: tuple[str, ...] = ("week", "month", "all")
"""The periods of `/popular` and `/leaderboard`: the last 7 days, the last 30, all time."""

PERIOD_DAYS = {"week": 7, "month": 30}

SOURCES: tuple[str, ...] = ("daily", "club")
"""Which post a feedback vote was given on (the daily reading or a club announcement)."""


@dataclass(frozen=True, slots=True)
class FeedbackCounts:
    """The votes on one resource in one server; `mine` is the asking member's vote
    ("useful", "not_for_us" or None)."""

    guild_id: int
    resource_id: str
    useful: int
    not_for_us: int
    mine: str | None = None


@dataclass(frozen=True, slots=True)
class PopularItem:
    resource: Resource
    count: int


@dataclass(frozen=True, slots=True)
class Popular:
    """`/popular`: what the server's members read, saved and found useful in the period
    (since `since`, None = all time), most first; totals count every member, names none."""

    guild_id: int
    period: str
    since: dt.datetime | None
    read: tuple[PopularItem, ...]
    saved: tuple[PopularItem, ...]
    useful: tuple[PopularItem, ...]
    readings_finished: int
    readers: int

    @property
    def empty(self) -> bool:
        return not (self.read or self.saved or self.useful)


@dataclass(frozen=True, slots=True)
class NextStep:
    """A resource someone is ready for: `unlocked_by` are its prerequisites they finished
    (empty for a starting point); `ready` how many members are ready for it (group view)."""

    resource: Resource
    unlocked_by: tuple[Resource, ...]
    ready: int = 1


@dataclass(frozen=True, slots=True)
class Frontier:
    """`/next`: the learning frontier. For a member (`user_id`), resources whose
    prerequisites they finished and which they have not read; `starting` True when they
    finished nothing yet, so these are beginner starting points instead. For a server
    (`guild_id`), what most of its active readers are ready for and none of them read."""

    steps: tuple[NextStep, ...]
    user_id: int | None = None
    guild_id: int | None = None
    starting: bool = False
    readers: int = 0


@dataclass(frozen=True, slots=True)
class LeaderRow:
    """One opted-in member: readings finished in the period, and their reading streaks."""

    user_id: int
    finished: int
    streak: int
    longest_streak: int


@dataclass(frozen=True, slots=True)
class Leaderboard:
    """`/leaderboard`: opted-in members, most finished first (then longer streak, then id);
    `hidden` counts the members who read in the period but did not opt in."""

    guild_id: int
    period: str
    since: dt.datetime | None
    rows: tuple[LeaderRow, ...]
    hidden: int


@dataclass(frozen=True, slots=True)
class Discussion:
    """A discussion thread for a resource: its name (≤ 100 characters) and two or three
    prompts made by rule from the resource (key terms, summary claims, the server's
    reading), never by a language model."""

    resource: Resource
    thread_name: str
    prompts: tuple[str, ...]
