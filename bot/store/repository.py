"""`Store`: the small async API over the database, plain ids in, frozen records out.

Every write is one transaction run by `_write`: it either commits whole or leaves nothing.
On SQLite, writes from this process take turns behind an asyncio lock (SQLite has one writer
anyway; queueing here is faster than sleeping in SQLite's busy handler), and a write that
still meets "database is locked" (another process) is retried a few times before a StoreError.
Upserts use INSERT ... ON CONFLICT so concurrent marks never lose an update or make a duplicate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.settings import Settings
from bot.store import statements
from bot.store.engine import DEFAULT_BUSY_TIMEOUT_MS, display_url, make_engine
from bot.store.errors import StoreError
from bot.store.models import Entry, GuildSettings, PostLog, User
from bot.store.records import (
    ForgetOutcome,
    MarkOutcome,
    PostRecord,
    StoredEntry,
    StoredGuild,
    StoredUser,
    as_utc,
)

T = TypeVar("T")
_USER = select(*User.__table__.c)
_GUILD = select(*GuildSettings.__table__.c)
_POST = select(*PostLog.__table__.c)
_ENTRY = select(*Entry.__table__.c)
Work = Callable[[AsyncConnection], Awaitable[T]]


_BUSY = ("database is locked", "database is busy", "deadlock detected", "could not serialize")


def _is_busy(exc: DBAPIError) -> bool:
    """SQLite's lock errors and PostgreSQL's deadlock/serialization failures: worth a retry."""
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return any(marker in text for marker in _BUSY)


class Store:
    """Reading state and guild settings over one engine; `async with` closes the engine."""

    def __init__(self, engine: AsyncEngine, *, retries: int = 3, retry_delay: float = 0.05) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._retries = retries
        self._retry_delay = retry_delay
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None

    @classmethod
    def open(
        cls, url: str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, retries: int = 3
    ) -> Store:
        return cls(make_engine(url, busy_timeout_ms=busy_timeout_ms), retries=retries)

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """The store at `settings.database_url` (DATABASE_URL); nothing is opened until used."""
        return cls.open(settings.database_url)

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # --- transactions -------------------------------------------------------------------------

    async def _write(self, work: Work[T]) -> T:
        """Run `work` in one transaction (all or nothing), in turn with this process's writers."""

        async def attempt() -> T:
            if self._write_lock is None:
                return await self._transaction(work)
            async with self._write_lock:
                return await self._transaction(work)

        return await self._retrying(attempt)

    async def _read(self, work: Work[T]) -> T:
        async def attempt() -> T:
            async with self.engine.connect() as connection:
                return await work(connection)

        return await self._retrying(attempt)

    async def _transaction(self, work: Work[T]) -> T:
        async with self.engine.begin() as connection:
            return await work(connection)

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Retry while the database is busy (another process, a deadlock); then a StoreError.

        IntegrityError passes through untouched: callers that can repair it (a user deleted
        under a mark) do, and it is a bug anywhere else.
        """
        tries = 0
        while True:
            try:
                return await attempt()
            except IntegrityError:
                raise
            except DBAPIError as exc:
                if not _is_busy(exc):
                    raise self._error(exc) from None
                tries += 1
                if tries > self._retries:
                    raise StoreError(
                        f"the database {display_url(self.engine.url)} is locked by another "
                        f"program (gave up after {tries} tries); try again in a moment"
                    ) from None
                await asyncio.sleep(self._retry_delay * 2 ** (tries - 1))
            except OSError as exc:
                raise self._unreachable(exc) from None

    def _unreachable(self, exc: OSError) -> StoreError:
        return StoreError(f"cannot reach the database {display_url(self.engine.url)}: {exc}")

    def _error(self, exc: DBAPIError) -> StoreError:
        reason = str(exc.orig) if exc.orig is not None else str(exc)
        return StoreError(f"database error on {display_url(self.engine.url)}: {reason}")

    async def _ensure_user(self, session: AsyncConnection, user_id: int, now: dt.datetime) -> None:
        await session.execute(
            statements.ensure_user(self.dialect), {"user_id": user_id, "now": now}
        )

    # --- users --------------------------------------------------------------------------------

    async def get_user(self, user_id: int) -> StoredUser | None:
        async def work(session: AsyncConnection) -> StoredUser | None:
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

        async def work(session: AsyncConnection) -> StoredUser:
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

        The current row is read outside the write turn (WAL readers never wait): a repeat mark
        then writes nothing, and a known user needs no user row, so the writer holds the
        lock for one statement in the common case. The upsert itself is what makes
        racing marks safe; the early read only decides how much work is needed.
        """
        key = {"user_id": user_id, "resource_id": resource_id}

        async def read(session: AsyncConnection) -> tuple[bool, StoredEntry | None]:
            row = (await session.execute(statements.USER_AND_ENTRY, key)).first()
            if row is None:
                return False, None
            if row._mapping["resource_id"] is None:
                return True, None
            return True, _entry_from_mapping(row._mapping)

        user_known, previous = await self._read(read)
        if (
            previous is not None
            and previous.status == status
            and rating in (None, previous.rating)
            and previous.title == title
        ):
            return MarkOutcome(previous, previous.status, False)
        params = {
            **key,
            "title": title,
            "status": status,
            "rating": rating,
            "now": now,
            "done_at": now if status == "done" else None,
        }

        async def write(session: AsyncConnection, ensure_user: bool) -> StoredEntry:
            if ensure_user:
                await self._ensure_user(session, user_id, now)
            row = (await session.execute(statements.upsert_entry(self.dialect), params)).one()
            return _entry_from_mapping(row._mapping)

        try:
            entry = await self._write(lambda s: write(s, not user_known))
        except IntegrityError:
            # The user was forgotten between the read and the write: recreate them.
            entry = await self._write(lambda s: write(s, True))
        changed = (
            previous is None
            or previous.status != status
            or (rating is not None and previous.rating != rating)
        )
        return MarkOutcome(entry, None if previous is None else previous.status, changed)

    async def entries(self, user_id: int) -> list[StoredEntry]:
        """All of a user's entries, most recently updated first."""

        async def work(session: AsyncConnection) -> list[StoredEntry]:
            stmt = _ENTRY.where(Entry.user_id == user_id).order_by(
                Entry.updated_at.desc(), Entry.resource_id
            )
            return [_entry_from_mapping(r._mapping) for r in await session.execute(stmt)]

        return await self._read(work)

    async def user_and_entries(self, user_id: int) -> tuple[StoredUser | None, list[StoredEntry]]:
        """The user's row and all their entries in one round (what progress needs)."""

        async def work(session: AsyncConnection) -> tuple[StoredUser | None, list[StoredEntry]]:
            user = (await session.execute(_USER.where(User.id == user_id))).first()
            if user is None:
                return None, []
            stmt = _ENTRY.where(Entry.user_id == user_id).order_by(
                Entry.updated_at.desc(), Entry.resource_id
            )
            entries = [_entry_from_mapping(r._mapping) for r in await session.execute(stmt)]
            return _user(user._mapping), entries

        return await self._read(work)

    async def count_entries(self, user_id: int | None = None) -> int:
        async def work(session: AsyncConnection) -> int:
            stmt = select(func.count()).select_from(Entry)
            if user_id is not None:
                stmt = stmt.where(Entry.user_id == user_id)
            return int((await session.execute(stmt)).scalar_one())

        return await self._read(work)

    async def forget_user(self, user_id: int) -> ForgetOutcome:
        """Delete the user and every entry of theirs, in one transaction."""

        async def work(session: AsyncConnection) -> ForgetOutcome:
            entries = await session.execute(delete(Entry).where(Entry.user_id == user_id))
            users = await session.execute(delete(User).where(User.id == user_id))
            return ForgetOutcome(bool(_rowcount(users)), _rowcount(entries))

        return await self._write(work)

    # --- guilds and the daily-post log --------------------------------------------------------

    async def get_guild(self, guild_id: int) -> StoredGuild | None:
        async def work(session: AsyncConnection) -> StoredGuild | None:
            row = (await session.execute(_GUILD.where(GuildSettings.guild_id == guild_id))).first()
            return None if row is None else _guild(row._mapping)

        return await self._read(work)

    async def save_guild(self, guild: StoredGuild, now: dt.datetime) -> StoredGuild:
        """Insert or replace a guild's settings (validated by the caller)."""
        values = {
            "guild_id": guild.guild_id,
            "channel_id": guild.channel_id,
            "post_time": guild.post_time,
            "timezone": guild.timezone,
            "topic": guild.topic,
            "level": guild.level,
            "frequency": guild.frequency,
            "enabled": guild.enabled,
            "last_error": guild.last_error,
            "updated_at": now,
        }

        async def work(session: AsyncConnection) -> StoredGuild:
            stmt = statements.insert_for(self.dialect, GuildSettings).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=[GuildSettings.guild_id],
                set_={k: v for k, v in values.items() if k != "guild_id"},
            )
            row = (await session.execute(stmt.returning(*GuildSettings.__table__.c))).one()
            return _guild(row._mapping)

        return await self._write(work)

    async def enabled_guilds(self) -> list[StoredGuild]:
        async def work(session: AsyncConnection) -> list[StoredGuild]:
            stmt = _GUILD.where(GuildSettings.enabled.is_(True)).order_by(GuildSettings.guild_id)
            return [_guild(row._mapping) for row in await session.execute(stmt)]

        return await self._read(work)

    async def claim_post(
        self, guild_id: int, local_date: dt.date, resource_id: str, now: dt.datetime
    ) -> bool:
        """Claim (guild, local date) for a post; False when someone already claimed it."""

        async def work(session: AsyncConnection) -> bool:
            params = {
                "guild_id": guild_id,
                "local_date": local_date,
                "resource_id": resource_id,
                "now": now,
            }
            result = await session.execute(statements.claim_post(self.dialect), params)
            return result.first() is not None

        return await self._write(work)

    async def set_post_message(self, guild_id: int, local_date: dt.date, message_id: int) -> bool:
        return await self._update_post(guild_id, local_date, message_id=message_id)

    async def release_post(self, guild_id: int, local_date: dt.date) -> bool:
        """Undo a claim whose post could not be sent, so a later try may claim it again."""

        async def work(session: AsyncConnection) -> bool:
            result = await session.execute(
                delete(PostLog).where(
                    PostLog.guild_id == guild_id, PostLog.local_date == local_date
                )
            )
            return _rowcount(result) > 0

        return await self._write(work)

    async def _update_post(self, guild_id: int, local_date: dt.date, **values: Any) -> bool:
        async def work(session: AsyncConnection) -> bool:
            stmt = (
                update(PostLog)
                .where(PostLog.guild_id == guild_id, PostLog.local_date == local_date)
                .values(**values)
            )
            return _rowcount(await session.execute(stmt)) > 0

        return await self._write(work)

    async def post_log(self, guild_id: int, limit: int = 100) -> list[PostRecord]:
        """The guild's posts, newest local date first."""

        async def work(session: AsyncConnection) -> list[PostRecord]:
            stmt = (
                _POST.where(PostLog.guild_id == guild_id)
                .order_by(PostLog.local_date.desc())
                .limit(limit)
            )
            return [_post(row._mapping) for row in await session.execute(stmt)]

        return await self._read(work)


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _user(row: Any) -> StoredUser:
    return StoredUser(row["id"], row["default_level"], row["timezone"], as_utc(row["created_at"]))


def _entry_from_mapping(row: Any) -> StoredEntry:
    done_at = row["done_at"]
    return StoredEntry(
        user_id=row["user_id"],
        resource_id=row["resource_id"],
        title=row["title"],
        status=row["status"],
        rating=row["rating"],
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
        done_at=None if done_at is None else as_utc(done_at),
    )


def _guild(row: Any) -> StoredGuild:
    fields = {name: row[name] for name in StoredGuild.__dataclass_fields__}
    fields["updated_at"] = as_utc(row["updated_at"])
    return StoredGuild(**fields)


def _post(row: Any) -> PostRecord:
    return PostRecord(
        row["guild_id"],
        row["local_date"],
        row["resource_id"],
        row["message_id"],
        as_utc(row["created_at"]),
    )
