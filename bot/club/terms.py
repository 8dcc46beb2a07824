"""Words of the reading club: its cadence, what a cycle is doing, and the stated tie rule."""

from __future__ import annotations

import enum

from bot.daily.terms import ScheduleError


class ClubError(ScheduleError):
    """Bad club input; the message is written for the moderator who typed it."""


class Cadence(enum.StrEnum):
    """How often the club meets: every week, or every other week, on one weekday."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"

    @property
    def days(self) -> int:
        return 7 if self is Cadence.WEEKLY else 14


class CycleState(enum.StrEnum):
    """Where a cycle's stored row stands.

    PENDING: no reading yet (a poll may be claimed or open); ANNOUNCED: the reading is out;
    SKIPPED: a moderator skipped the meeting (no reading, no announcement).
    """

    PENDING = "pending"
    ANNOUNCED = "announced"
    SKIPPED = "skipped"


class Verdict(enum.StrEnum):
    """A member's feedback on a post: it helped, or it is not what the server wants."""

    USEFUL = "useful"
    NOT_FOR_US = "not_for_us"


CADENCES: tuple[str, ...] = tuple(c.value for c in Cadence)
CYCLE_STATES: tuple[str, ...] = tuple(s.value for s in CycleState)
VERDICTS: tuple[str, ...] = tuple(v.value for v in Verdict)

DEFAULT_POLL_HOURS = 24
MIN_POLL_HOURS = 1
MAX_POLL_HOURS = 72
"""A poll closes at most three days after it opens, so even a weekly club has four days to
read; Discord's own limit (768 hours) is far above."""

READING_ROOM_HOURS = 24
"""The first meeting is at least this long after the first poll closes (time to read)."""

MIN_CANDIDATES = 3
MAX_CANDIDATES = 4
"""A poll offers three or four readings (fewer only when the catalog has no more)."""

ONE_SITTING_KINDS = ("paper", "blog", "tutorial", "video")
"""What a club reads between two meetings: one paper, post, tutorial or talk. A whole book, a
course, a link list (website) or a forum is not one reading, so a poll offers them only when
the club's topic and level leave fewer than `MIN_CANDIDATES` one-sitting readings."""

TIE_RULE = (
    "Ties go to the reading the fewest of the server's members have read, "
    "then to the one listed first in the poll."
)
"""Stated in every announcement decided by votes, so nobody wonders how a tie went."""
