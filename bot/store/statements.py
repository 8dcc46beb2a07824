"""Upsert statements, built once per dialect with bind parameters.

Building SQLAlchemy constructs costs more Python time than SQLite takes to run them, so the
hot statements (`mark`'s upserts) are made once and executed with parameter dicts.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.models import ClubCycle, Entry, GuildMember, PostLog, User

ENTRY_COLUMNS = tuple(Entry.__table__.c)
USER_AND_ENTRY = (
    select(User.id.label("known_user"), *ENTRY_COLUMNS)
    .select_from(User)
    .outerjoin(Entry, and_(Entry.user_id == User.id, Entry.resource_id == bindparam("resource_id")))
    .where(User.id == bindparam("user_id"))
)
"""No row: unknown user; a row with NULL entry columns: known user, no entry yet."""


def insert_for(dialect: str, table: Any) -> Any:
    """INSERT with ON CONFLICT support: PostgreSQL's or SQLite's flavour."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


@cache
def ensure_user(dialect: str) -> Any:
    """Create the user row if missing; params: user_id, now."""
    stmt = insert_for(dialect, User).values(id=bindparam("user_id"), created_at=bindparam("now"))
    return stmt.on_conflict_do_nothing(index_elements=[User.id])


@cache
def upsert_entry(dialect: str) -> Any:
    """Insert or update one entry; params: user_id, resource_id, title, status, rating, now,
    done_at.

    `updated_at` moves only when the status or rating changes and the first `done_at` is kept
    while the entry stays done, so racing identical marks all leave the same row.
    """
    table = Entry.__table__.c
    stmt = insert_for(dialect, Entry).values(
        user_id=bindparam("user_id"),
        resource_id=bindparam("resource_id"),
        title=bindparam("title"),
        status=bindparam("status"),
        rating=bindparam("rating"),
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
        done_at=bindparam("done_at"),
    )
    new = stmt.excluded
    changed = or_(
        table.status != new.status,
        and_(new.rating.is_not(None), table.rating.is_distinct_from(new.rating)),
    )
    return stmt.on_conflict_do_update(
        index_elements=[table.user_id, table.resource_id],
        set_={
            "title": new.title,
            "status": new.status,
            "rating": func.coalesce(new.rating, table.rating),
            "updated_at": case((changed, new.updated_at), else_=table.updated_at),
            "done_at": case(
                (and_(new.status == "done", table.status == "done"), table.done_at),
                (new.status == "done", new.done_at),
                else_=None,
            ),
        },
    ).returning(*ENTRY_COLUMNS)


@cache
def claim_post(dialect: str) -> Any:
    """Insert (guild, local date) unless present; returns the new id, or no row.
    Params: guild_id, local_date, resource_id, now, until (the claim's lease)."""
    stmt = insert_for(dialect, PostLog).values(
        guild_id=bindparam("guild_id"),
        local_date=bindparam("local_date"),
        resource_id=bindparam("resource_id"),
        created_at=bindparam("now"),
        claimed_until=bindparam("until"),
    )
    return stmt.on_conflict_do_nothing(
        index_elements=[PostLog.guild_id, PostLog.local_date]
    ).returning(PostLog.id)


@cache
def ensure_cycle(dialect: str) -> Any:
    """Create a club cycle's row if missing; params: guild_id, meeting_date, number, now."""
    stmt = insert_for(dialect, ClubCycle).values(
        guild_id=bindparam("guild_id"),
        meeting_date=bindparam("meeting_date"),
        cycle_number=bindparam("number"),
        state="pending",
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
    )
    return stmt.on_conflict_do_nothing(index_elements=[ClubCycle.guild_id, ClubCycle.meeting_date])


@cache
def note_member(dialect: str) -> Any:
    """Record that a user used deepread in a server; params: guild_id, user_id, now."""
    stmt = insert_for(dialect, GuildMember).values(
        guild_id=bindparam("guild_id"),
        user_id=bindparam("user_id"),
        first_seen=bindparam("now"),
        last_seen=bindparam("now"),
    )
    return stmt.on_conflict_do_update(
        index_elements=[GuildMember.guild_id, GuildMember.user_id],
        set_={"last_seen": stmt.excluded.last_seen},
    )
