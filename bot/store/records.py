"""Plain frozen records the store hands out: no ORM objects escape the session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything stored is UTC, so say so."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value if value.tzinfo is dt.UTC else value.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class StoredUser:
    id: int
    default_level: str | None
    timezone: str | None
    created_at: dt.datetime
    leaderboard: bool = False
    """Opted in to being shown by name on server leaderboards."""


@dataclass(frozen=True, slots=True)
class StoredEntry:
    user_id: int
    resource_id: str
    title: str
    status: str
    rating: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    done_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class MarkOutcome:
    """The entry after a mark, the status it had before (None: new), whether anything changed."""

    entry: StoredEntry
    previous_status: str | None
    changed: bool


@dataclass(frozen=True, slots=True)
class StoredGuild:
    guild_id: int
    channel_id: int | None
    post_time: str
    timezone: str
    topic: str | None
    level: str | None
    frequency: str
    enabled: bool
    last_error: str | None
    updated_at: dt.datetime | None
    weekday: int = 0
    effective_from: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class PostRecord:
    """One post-log row; `resource_id` None: claimed, but nothing matched the guild's filters.

    A resource without a message id is an open claim, held by its sender until
    `claimed_until` (see `PostLog`).
    """

    guild_id: int
    local_date: dt.date
    resource_id: str | None
    message_id: int | None
    created_at: dt.datetime
    claimed_until: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        """Claimed for a resource, but not known to be in the channel yet."""
        return self.resource_id is not None and self.message_id is None


@dataclass(frozen=True, slots=True)
class ForgetOutcome:
    """What forgetting a user removed."""

    user_existed: bool
    entries_deleted: int
    votes_deleted: int = 0
    memberships_deleted: int = 0


@dataclass(frozen=True, slots=True)
class StoredClub:
    """A server's reading club: when it meets, what it reads, whether it runs.

    `cadence` is weekly or fortnightly, `weekday` 0 = Monday, `meet_time` "HH:MM" in
    `timezone`; `started_at` anchors the cycles. `error` says why the club was switched off
    (a deleted channel, a lost permission); `notice` a problem that did not stop it.
    """

    guild_id: int
    channel_id: int
    cadence: str
    weekday: int
    meet_time: str
    timezone: str
    topic: str | None
    level: str | None
    poll_hours: int
    enabled: bool
    started_at: dt.datetime
    error: str | None = None
    notice: str | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredCycle:
    """One club cycle's row (see `bot.store.models.ClubCycle`)."""

    guild_id: int
    meeting_date: dt.date
    cycle_number: int
    state: str
    candidates: tuple[str, ...]
    poll_message_id: int | None
    poll_closes_at: dt.datetime | None
    poll_claimed_until: dt.datetime | None
    poll_tries: int
    counts: tuple[int, ...]
    winner: str | None
    picked: bool
    announcement_message_id: int | None
    announce_claimed_until: dt.datetime | None
    announce_tries: int
    thread_id: int | None
    event_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class VoteTally:
    """Feedback on one resource in one server."""

    useful: int = 0
    not_for_us: int = 0


@dataclass(frozen=True, slots=True)
class MemberReading:
    """A finished reading of one server member (for leaderboards: no titles needed)."""

    user_id: int
    resource_id: str
    done_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredSuggestion:
    """A row of `server_suggestions` (authors decoded from JSON)."""

    id: int
    guild_id: int
    member_id: int | None
    link: str
    note: str | None
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    description: str | None
    url: str | None
    kind: str | None
    arxiv_id: str | None
    doi: str | None
    problem: str | None
    status: str
    reason: str | None
    decided_by: int | None
    resource_id: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class StoredServerResource:
    """A row of `server_resources` (authors and topics decoded from JSON)."""

    guild_id: int
    resource_id: str
    title: str
    url: str | None
    authors: tuple[str, ...]
    year: int | None
    kind: str
    level: str
    topics: tuple[str, ...]
    description: str | None
    added_by: int | None
    suggestion_id: int | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class IdentityKeys:
    """What a duplicate check compares (any shared non-empty key is the same resource)."""

    url_key: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    title_key: str | None = None


@dataclass(frozen=True, slots=True)
class FilingOutcome:
    """`filed` with the new suggestion, or the cap that refused it (`member_day`, `pending`)."""

    suggestion: StoredSuggestion | None
    refused: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    """What an approve/reject did: `decided`, `already` (someone decided first), `duplicate`
    (the approved resource was in the server's catalog already: `resource` is it), or
    `missing` (no such suggestion in the server)."""

    outcome: str
    suggestion: StoredSuggestion | None
    resource: StoredServerResource | None = None


@dataclass(frozen=True, slots=True)
class MemberForgotten:
    """What forgetting a member did to server catalogs."""

    pending_deleted: int
    records_cleared: int
