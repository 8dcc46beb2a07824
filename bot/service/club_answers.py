"""What the reading club's service answers, and the plans the Discord face carries out.

Everything is a frozen dataclass of plain values and catalog `Resource`s. Texts are raw
(the face escapes markdown and sends with no mentions); instants are aware UTC datetimes
(the face shows them as Discord timestamps, which each reader sees in their own zone).

The club loop (`ClubRunner`) decides; the face executes a plan and reports the ids Discord
gave it. So the rules (when, which readings, who won, exactly once) live in the service and
the face stays a translation of plans into Discord calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.store.records import StoredClub
from recommender.resource import Resource

ClubConfig = StoredClub
"""A server's club settings as stored (`enabled` False after `/club stop` or a fault;
`error` then says why; `notice` is a non-fatal problem such as a missing thread permission)."""


@dataclass(frozen=True, slots=True)
class PollRef:
    """A poll message the face may need to end early (a pick, a skip, a stop)."""

    channel_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class PollChoice:
    """One answer of a club poll: the resource, and its answer text (≤ 55 characters,
    Discord's limit for a poll answer)."""

    resource: Resource
    label: str


@dataclass(frozen=True, slots=True)
class PollPlan:
    """A poll to post: `question` (≤ 300 characters) with `choices` in order, open `hours`
    whole hours. `nonce` is the same for every attempt at this cycle's poll (ask Discord to
    enforce it), `meets_at` is the meeting the reading is for. `tie_rule` is the rule the
    announcement applies to a tie, stated under the poll in the same words (one source)."""

    guild_id: int
    channel_id: int
    cycle_number: int
    meeting_date: dt.date
    meets_at: dt.datetime
    question: str
    choices: tuple[PollChoice, ...]
    hours: int
    closes_at: dt.datetime
    nonce: str
    tie_rule: str


@dataclass(frozen=True, slots=True)
class EventPlan:
    """A Discord scheduled event for the meeting (created when the bot may manage events;
    the face reports a missing permission instead of failing)."""

    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str


@dataclass(frozen=True, slots=True)
class VoteLine:
    """One poll candidate and the votes it got."""

    resource: Resource
    votes: int


@dataclass(frozen=True, slots=True)
class AnnouncementPlan:
    """The cycle's reading, to announce in the club's channel, then open a discussion
    thread named `thread_name` on that message with `prompts`, and (optionally) the
    meeting's scheduled event.

    `how` says in one sentence how it was chosen ("Chosen by 3 of 5 votes.", "Picked by a
    moderator.", ...); `tie_rule` is the stated rule when a tie was broken (None otherwise);
    `results` the poll's counts (empty without a poll); `end_poll` a poll to end first.
    """

    guild_id: int
    channel_id: int
    cycle_number: int
    meeting_date: dt.date
    meets_at: dt.datetime
    resource: Resource
    summary: str
    how: str
    tie_rule: str | None
    results: tuple[VoteLine, ...]
    thread_name: str
    prompts: tuple[str, ...]
    event: EventPlan | None
    end_poll: PollRef | None
    nonce: str


@dataclass(frozen=True, slots=True)
class Announced:
    """What the face got from Discord for an announcement: the message, the thread opened on
    it and the event (None when not made), and the permissions it lacked for those
    (e.g. ("Create Public Threads",)), which `/club status` then names."""

    message_id: int
    thread_id: int | None = None
    event_id: int | None = None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClubStatus:
    """`/club status`: the settings, the cycle in progress and the next meeting.

    `config` None: the server never started a club. `reading` is the current cycle's
    announced (or picked, not yet announced) resource; `candidates` the open poll's;
    `finished` how many of the server's members marked the reading done, `finished_by`
    the ids of those among them who opted in to being shown (the rest only count).
    """

    guild_id: int
    config: ClubConfig | None
    cycle_number: int | None = None
    meeting_date: dt.date | None = None
    meets_at: dt.datetime | None = None
    state: str | None = None
    poll_open: bool = False
    poll_opens_at: dt.datetime | None = None
    poll_closes_at: dt.datetime | None = None
    poll: PollRef | None = None
    candidates: tuple[Resource, ...] = ()
    reading: Resource | None = None
    picked: bool = False
    announcement_message_id: int | None = None
    thread_id: int | None = None
    event_id: int | None = None
    finished: int = 0
    finished_by: tuple[int, ...] = ()
    next_meeting: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.config is not None and self.config.enabled


@dataclass(frozen=True, slots=True)
class PickResult:
    """`/club pick`: the reading of cycle `cycle_number` (the current one when its reading
    was not announced yet, else the next); the club loop announces it when that cycle's
    window is open (at once for the current cycle), ending `end_poll` first."""

    resource: Resource
    cycle_number: int
    meeting_date: dt.date
    meets_at: dt.datetime
    current: bool
    end_poll: PollRef | None


@dataclass(frozen=True, slots=True)
class SkipResult:
    """`/club skip`: the meeting of `meeting_date` is off; the next poll opens at
    `next_poll_at` (the skipped meeting's time). End `end_poll` now, if any."""

    cycle_number: int
    meeting_date: dt.date
    meets_at: dt.datetime
    next_poll_at: dt.datetime
    end_poll: PollRef | None


@dataclass(frozen=True, slots=True)
class StopResult:
    """`/club stop`: the club is off (settings kept for a later `/club start`)."""

    config: ClubConfig
    end_poll: PollRef | None
