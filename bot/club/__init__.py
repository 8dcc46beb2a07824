"""The pure decision core of the reading club (no Discord, no database).

A club meets weekly or fortnightly; before each meeting a poll offers three or four
readings, the winner is announced with the meeting time, and at the meeting the next poll
opens. `cycle` says when (DST-correct, through the daily post's one wall-time rule), and
what a tick should do now (`decide`); `choosing` which readings a poll offers and which one
wins; `steering` how members' feedback leans a server's picks.
"""

from bot.club.choosing import choose_candidates, poll_winner, was_tie
from bot.club.cycle import (
    LATE_MARGIN,
    Step,
    cycle_at,
    cycle_number,
    cycle_of_date,
    decide,
    first_meeting_date,
    lapsed,
    meeting_at,
    poll_closes_at,
    poll_hours,
)
from bot.club.model import ClubSchedule, Cycle, CycleRecord
from bot.club.steering import leaning, rejected, steer, topic_leaning
from bot.club.terms import (
    CADENCES,
    CYCLE_STATES,
    DEFAULT_POLL_HOURS,
    MAX_CANDIDATES,
    MAX_POLL_HOURS,
    MIN_CANDIDATES,
    MIN_POLL_HOURS,
    TIE_RULE,
    VERDICTS,
    Cadence,
    ClubError,
    CycleState,
    Verdict,
)

__all__ = [
    "CADENCES",
    "CYCLE_STATES",
    "DEFAULT_POLL_HOURS",
    "LATE_MARGIN",
    "MAX_CANDIDATES",
    "MAX_POLL_HOURS",
    "MIN_CANDIDATES",
    "MIN_POLL_HOURS",
    "TIE_RULE",
    "VERDICTS",
    "Cadence",
    "ClubError",
    "ClubSchedule",
    "Cycle",
    "CycleRecord",
    "CycleState",
    "Step",
    "Verdict",
    "choose_candidates",
    "cycle_at",
    "cycle_number",
    "cycle_of_date",
    "decide",
    "first_meeting_date",
    "lapsed",
    "leaning",
    "meeting_at",
    "poll_closes_at",
    "poll_hours",
    "poll_winner",
    "rejected",
    "steer",
    "topic_leaning",
    "was_tie",
]
