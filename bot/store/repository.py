"""`Store`: the small async API over the database, plain ids in, frozen records out.

Users and their reading entries live here; guild settings come from `GuildStore`, and
transactions and retries from `StoreBase`. Upserts use INSERT ... ON CONFLICT so concurrent
marks never lose an update or make a duplicate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from bot.store import statements
from bot.store.base import Session, rowcount
from bot.store.club import ClubStore
from bot.store.community import CommunityStore, forget_member
from bot.store.guilds import GuildStore
from bot.store.marks import MarkWork, entry_of
from bot.store.models import Entry, User
from bot.store.records import ForgetOutcome, MarkOutcome, StoredEntry, StoredUser, as_utc
from bot.store.server_catalog import ServerCatalogStore

_USER = select(*User.__table__.c)
_ENTRY = select(*Entry.__table__.c)


class Store(GuildStore, ServerCatalogStore, ClubStore, CommunityStore):
    """Reading state, guild settings, server catalogs, clubs and server feedback over one
    engine; `async with`
    closes the engine."""

    async def _ensure_user(self, session: Session, user_id: int, now: dt.datetime) -> None:
        await session.execute(
            statements.ensure_user(self.dialect), {"user_id": user_id, "now": now}
        )

    # --- users --------------------------------------------------------------------------------

    async def get_user(self, user_id: int) -> StoredUser | None:
        async def work(session: Session) -> StoredUser | None:
            row = (await session.execute(_USER.where(User.id == user_id))).first()
            return None if row is None else _user(row._mapping)

        return await self._read(work)

    async def set_user_preferences(
        self, user_id: int, values: dict[str, str | None], now: dt.datetime
    ) -> StoredUser:
        """Set `default_level` and/or `timezone` (already validated), creating the user."""
        unknown = set(values) - {"default_level", "timezone"}
        if unknown:
            raise ValueError(f"unknown user preference(s): {', '.join(sorted(unknown))}")

        async def work(session: Session) -> StoredUser:
            await self._ensure_user(session, user_id, now)
            if values:
                await session.execute(update(User).where(User.id == user_id).values(**values))
            row = (await session.execute(_USER.where(User.id == user_id))).one()
            return _user(row._mapping)

        return await self._write(work)

    # --- reading entries ----------------------------------------------------------------------

    async def mark(
        self,
        user_id: int,
        resource_id: str,
        *,
        title: str,
        status: str,
        rating: int | None,
        now: dt.datetime,
    ) -> MarkOutcome:
        """Upsert one entry; marking the same status again changes nothing (`changed` False).

        One write transaction: the current row is read on the writer's own connection, then
        the user is created if missing and the entry upserted, unless the mark repeats what is
        stored. A separate read first would cost a second connection and transaction per mark,
        more than the row read itself; on SQLite the writer queue commits concurrent marks in
        one transaction anyway (`StoreBase._write`), in a few statements (`MarkWork.batch`).
        The upsert is what makes racing marks safe (another process, or PostgreSQL's
        concurrent writers); the read only decides how much work is needed and what the entry
        was before.
        """
        mark = MarkWork(self.dialect, user_id, resource_id, title, status, rating, now)
        try:
            return await self._write(mark)
        except IntegrityError:
            # The user was forgotten after the row read (PostgreSQL: another transaction
            # deleted them meanwhile): create them again.
            return await self._write(dataclasses.replace(mark, create_user=True))

    async def entries(self, user_id: int) -> list[StoredEntry]:
        """All of a user's entries, most recently updated first."""

        async def work(session: Session) -> list[StoredEntry]:
            stmt = _ENTRY.where(Entry.user_id == user_id).order_by(
                Entry.updated_at.desc(), Entry.resource_id
            )
            return [_entry(r) for r in await session.execute(stmt)]

        return await self._read(work)

    async def user_and_entries(self, user_id: int) -> tuple[StoredUser | None, list[StoredEntry]]:
        """The user's row and all their entries in one round (what progress needs)."""

        async def work(session: Session) -> tuple[StoredUser | None, list[StoredEntry]]:
            user = (await session.execute(_USER.where(User.id == user_id))).first()
            if user is None:
                return None, []
            stmt = _ENTRY.where(Entry.user_id == user_id).order_by(
                Entry.updated_at.desc(), Entry.resource_id
            )
            entries = [_entry(r) for r in await session.execute(stmt)]
            return _user(user._mapping), entries

        return await self._read(work)

    async def count_entries(self, user_id: int | None = None) -> int:
        async def work(session: Session) -> int:
            stmt = select(func.count()).select_from(Entry)
            if user_id is not None:
                stmt = stmt.where(Entry.user_id == user_id)
            return int((await session.execute(stmt)).scalar_one())

        return await self._read(work)

    async def read_counts(self, user_ids: Collection[int] | None = None) -> dict[str, int]:
        """How many users (of `user_ids`, or of everyone) have read each resource."""
        if user_ids is not None and not user_ids:
            return {}

        async def work(session: Session) -> dict[str, int]:
            stmt = (
                select(Entry.resource_id, func.count())
                .where(Entry.status == "done")
                .group_by(Entry.resource_id)
            )
            if user_ids is not None:
                stmt = stmt.where(Entry.user_id.in_(sorted(set(user_ids))))
            return {rid: int(n) for rid, n in await session.execute(stmt)}

        return await self._read(work)

    async def readers(self, resource_ids: Collection[str], limit: int = 1000) -> list[int]:
        """Users who marked any of these resources read, most recent first (at most `limit`).

        The daily post asks Discord which of them are in a guild: that needs no privileged
        intent, unlike listing a guild's members.
        """
        wanted = sorted(set(resource_ids))
        if not wanted:
            return []

        async def work(session: Session) -> list[int]:
            stmt = (
                select(Entry.user_id, func.max(Entry.updated_at).label("last"))
                .where(Entry.status == "done", Entry.resource_id.in_(wanted))
                .group_by(Entry.user_id)
                .order_by(func.max(Entry.updated_at).desc(), Entry.user_id)
                .limit(limit)
            )
            return [int(user_id) for user_id, _ in await session.execute(stmt)]

        return await self._read(work)

    async def forget_user(self, user_id: int) -> ForgetOutcome:
        """Delete the user, every entry of theirs, their feedback votes and server
        memberships (so their leaderboard opt-in and club participation too), in one
        transaction."""

        async def work(session: Session) -> ForgetOutcome:
            entries = await session.execute(delete(Entry).where(Entry.user_id == user_id))
            votes, memberships = await forget_member(session, user_id)
            users = await session.execute(delete(User).where(User.id == user_id))
            return ForgetOutcome(bool(rowcount(users)), rowcount(entries), votes, memberships)

        return await self._write(work)


def _user(row: Any) -> StoredUser:
    return StoredUser(
        row["id"],
        row["default_level"],
        row["timezone"],
        as_utc(row["created_at"]),
        bool(row["leaderboard"]),
    )


ENTRY_FIELDS: tuple[str, ...] = (
    "user_id",
    "resource_id",
    "title",
    "status",
    "rating",
    "created_at",
    "updated_at",
    "done_at",
)
"""The order of `Entry.__table__.c`, which `_entry` unpacks (a test keeps them in step)."""


_entry = entry_of
