"""The schema, as typed SQLAlchemy models on one `Base` whose constraint names are fixed.

A naming convention makes constraint names the same on SQLite and PostgreSQL and lets Alembic
(batch mode on SQLite) alter them later. Discord snowflakes are 64-bit, hence BigInteger.
Timestamps are stored as UTC; SQLite gives them back naive, so readers re-attach UTC.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.store.values import (
    CADENCES,
    CYCLE_STATES,
    FREQUENCIES,
    KEY_LENGTH,
    LINK_LENGTH,
    NOTE_LENGTH,
    RESOURCE_ID_LENGTH,
    SOURCES,
    STATUSES,
    SUGGESTION_STATUSES,
    TITLE_LENGTH,
    VERDICTS,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """A Discord user who has stored something; preferences live here."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    default_level: Mapped[str | None] = mapped_column(String(20))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    leaderboard: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    """Opted in to being shown by name on server leaderboards (off by default)."""


class Entry(Base):
    """One resource in one user's history: one row per (user, resource).

    The title is kept so that a resource later removed from the catalog still reads well in
    the user's list and exports.
    """

    __tablename__ = "reading_entries"
    __table_args__ = (
        CheckConstraint(f"status IN ({_quoted(STATUSES)})", name="status"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"),
    )

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    resource_id: Mapped[str] = mapped_column(String(RESOURCE_ID_LENGTH), primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    status: Mapped[str] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class GuildSettings(Base):
    """A guild's daily-post configuration, and the last error met while posting."""

    __tablename__ = "guild_settings"
    __table_args__ = (
        CheckConstraint(f"frequency IN ({_quoted(FREQUENCIES)})", name="frequency"),
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday"),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    post_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[str | None] = mapped_column(String(20))
    frequency: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    """0 = Monday ... 6 = Sunday: the day of a `weekly` post (guild-local)."""
    enabled: Mapped[bool] = mapped_column(Boolean)
    effective_from: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    """When the schedule was last set or re-enabled: earlier slots never fire."""
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PostLog(Base):
    """A daily post claimed or made: at most one per guild and local date.

    A row with a resource and no message id is an open claim: a process is sending it, or
    crashed or lost Discord's answer while sending it. Until `claimed_until` it belongs to the
    process that claimed it; after that any process may take it over (look for the post in
    the channel, then record it or send it).
    """

    __tablename__ = "daily_post_log"
    __table_args__ = (UniqueConstraint("guild_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    local_date: Mapped[dt.date] = mapped_column(Date, index=True)
    """Indexed: each tick looks for the open claims of the last two days."""
    resource_id: Mapped[str | None] = mapped_column(String(RESOURCE_ID_LENGTH))
    """None: the slot was claimed but no resource matched the guild's filters."""
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    """An open claim's lease (None on rows older than leases: free to take over)."""


class ServerCatalog(Base):
    """One server's catalog state: a version bumped by every change (so each process knows
    when its copy of the server's additions is stale), and the pending deletion after the bot
    left the server."""

    __tablename__ = "server_catalogs"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    departed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    delete_after: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class ServerSuggestion(Base):
    """A member's suggestion for a server's catalog, with what was fetched, and its fate.

    `member_id` is NULL once the member asked to be forgotten (decided suggestions stay as the
    record of a resource's provenance; pending ones are deleted).
    """

    __tablename__ = "server_suggestions"
    __table_args__ = (
        CheckConstraint(f"status IN ({_quoted(SUGGESTION_STATUSES)})", name="status"),
        Index("ix_server_suggestions_guild_status", "guild_id", "status"),
        Index("ix_server_suggestions_member_created", "member_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    link: Mapped[str] = mapped_column(String(LINK_LENGTH))
    note: Mapped[str | None] = mapped_column(String(NOTE_LENGTH))
    title: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    authors: Mapped[str | None] = mapped_column(Text)
    """JSON list of names."""
    year: Mapped[int | None] = mapped_column(SmallInteger)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(LINK_LENGTH))
    kind: Mapped[str | None] = mapped_column(String(20))
    arxiv_id: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    doi: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    problem: Mapped[str | None] = mapped_column(String(NOTE_LENGTH))
    """What could not be fetched (None: the details were fetched)."""
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(NOTE_LENGTH))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    resource_id: Mapped[str | None] = mapped_column(String(RESOURCE_ID_LENGTH))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ServerResource(Base):
    """A resource one server added to its catalog.

    The identity keys are unique per server, and the suggestion id is unique: a double
    approval or a double click inserts one row, the other meets the constraint. The resource
    id is unique across servers (a slug plus a server-derived suffix).
    """

    __tablename__ = "server_resources"
    __table_args__ = (
        UniqueConstraint("guild_id", "url_key"),
        UniqueConstraint("guild_id", "arxiv_id"),
        UniqueConstraint("guild_id", "doi"),
        UniqueConstraint("guild_id", "title_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    resource_id: Mapped[str] = mapped_column(String(RESOURCE_ID_LENGTH), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    url: Mapped[str | None] = mapped_column(String(LINK_LENGTH))
    authors: Mapped[str | None] = mapped_column(Text)
    """JSON list of names."""
    year: Mapped[int | None] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    topics: Mapped[str] = mapped_column(Text)
    """JSON list of topic slugs."""
    description: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    suggestion_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    url_key: Mapped[str | None] = mapped_column(String(LINK_LENGTH))
    arxiv_id: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    doi: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    title_key: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReadingClub(Base):
    """A server's reading club (one per server): when it meets, what it reads, whether it runs.

    `error` says why it was switched off (a deleted channel, a lost permission); `notice` a
    problem that did not stop it (no permission to open threads or events).
    """

    __tablename__ = "reading_clubs"
    __table_args__ = (
        CheckConstraint(f"cadence IN ({_quoted(CADENCES)})", name="cadence"),
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday"),
        CheckConstraint("poll_hours >= 1 AND poll_hours <= 72", name="poll_hours"),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    meet_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[str | None] = mapped_column(String(20))
    poll_hours: Mapped[int] = mapped_column(SmallInteger)
    enabled: Mapped[bool] = mapped_column(Boolean)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    """Anchors the cycles: the first poll opens then."""
    error: Mapped[str | None] = mapped_column(Text)
    notice: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ClubCycle(Base):
    """One club meeting and its poll and announcement: one row per (server, meeting date).

    The poll and the announcement are each claimed like a daily post: `*_tries` counts the
    claims (more than one: an earlier attempt may have posted, so look before sending) and
    `*_claimed_until` is the lease of the latest; the message id closes the claim. So there is
    exactly one poll and one announcement per cycle across restarts and processes.
    `candidates` are resource ids, one per line, in poll order; `counts` the votes, comma
    separated, in the same order.
    """

    __tablename__ = "club_cycles"
    __table_args__ = (
        UniqueConstraint("guild_id", "meeting_date"),
        CheckConstraint(f"state IN ({_quoted(CYCLE_STATES)})", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    meeting_date: Mapped[dt.date] = mapped_column(Date)
    cycle_number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    candidates: Mapped[str | None] = mapped_column(Text)
    poll_message_id: Mapped[int | None] = mapped_column(BigInteger)
    poll_closes_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    poll_claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    poll_tries: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    counts: Mapped[str | None] = mapped_column(String(200))
    winner: Mapped[str | None] = mapped_column(String(RESOURCE_ID_LENGTH))
    picked: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    announcement_message_id: Mapped[int | None] = mapped_column(BigInteger)
    announce_claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    announce_tries: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    event_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class FeedbackVote(Base):
    """A member's "useful" / "not for us" on a resource posted in a server: one per
    (server, resource, member), changeable. `source` is the post it was given on."""

    __tablename__ = "feedback_votes"
    __table_args__ = (
        CheckConstraint(f"verdict IN ({_quoted(VERDICTS)})", name="verdict"),
        CheckConstraint(f"source IN ({_quoted(SOURCES)})", name="source"),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    resource_id: Mapped[str] = mapped_column(String(RESOURCE_ID_LENGTH), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    """Indexed: `/forgetme` deletes a member's votes in every server."""
    verdict: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class GuildMember(Base):
    """A user seen using deepread in a server: who "the server's members" are for
    `/popular`, `/leaderboard`, `/next group:true` and the club's candidates."""

    __tablename__ = "guild_members"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    """Indexed: `/forgetme` deletes a member from every server."""
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
