"""Guild settings and the daily-post log: what the daily-post feature stores."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update

from bot.store import statements
from bot.store.base import Session, StoreBase, rowcount
from bot.store.models import GuildSettings, PostLog
from bot.store.records import PostRecord, StoredGuild, as_utc

_GUILD = select(*GuildSettings.__table__.c)
_POST = select(*PostLog.__table__.c)
_OPEN = and_(PostLog.resource_id.is_not(None), PostLog.message_id.is_(None))
"""A claim for a resource whose message is not known yet."""


def _lapsed(now: dt.datetime) -> Any:
    """The claim's lease ran out (or it predates leases)."""
    return or_(PostLog.claimed_until.is_(None), PostLog.claimed_until <= now)


class GuildStore(StoreBase):
    async def get_guild(self, guild_id: int) -> StoredGuild | None:
        async def work(session: Session) -> StoredGuild | None:
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
            "weekday": guild.weekday,
            "enabled": guild.enabled,
            "effective_from": guild.effective_from,
            "last_error": guild.last_error,
            "updated_at": now,
        }

        async def work(session: Session) -> StoredGuild:
            stmt = statements.insert_for(self.dialect, GuildSettings).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=[GuildSettings.guild_id],
                set_={k: v for k, v in values.items() if k != "guild_id"},
            )
            row = (await session.execute(stmt.returning(*GuildSettings.__table__.c))).one()
            return _guild(row._mapping)

        return await self._write(work)

    async def enabled_guilds(self) -> list[StoredGuild]:
        async def work(session: Session) -> list[StoredGuild]:
            stmt = _GUILD.where(GuildSettings.enabled.is_(True)).order_by(GuildSettings.guild_id)
            return [_guild(row._mapping) for row in await session.execute(stmt)]

        return await self._read(work)

    async def claim_post(
        self,
        guild_id: int,
        local_date: dt.date,
        resource_id: str | None,
        now: dt.datetime,
        until: dt.datetime | None = None,
    ) -> bool:
        """Claim (guild, local date) for a post, held until `until`; False when someone
        already claimed it.

        `resource_id` None records a slot in which nothing matched the guild's filters.
        """

        async def work(session: Session) -> bool:
            params = {
                "guild_id": guild_id,
                "local_date": local_date,
                "resource_id": resource_id,
                "now": now,
                "until": until if resource_id is not None else None,
            }
            result = await session.execute(statements.claim_post(self.dialect), params)
            return result.first() is not None

        return await self._write(work)

    async def take_over_post(
        self, guild_id: int, local_date: dt.date, now: dt.datetime, until: dt.datetime
    ) -> PostRecord | None:
        """Hold an open claim whose lease ran out, until `until`; its row, or None when it is
        not open or someone else holds it (one UPDATE: two processes cannot both win)."""

        async def work(session: Session) -> PostRecord | None:
            stmt = (
                update(PostLog)
                .where(
                    PostLog.guild_id == guild_id,
                    PostLog.local_date == local_date,
                    _OPEN,
                    _lapsed(now),
                )
                .values(claimed_until=until)
                .returning(*PostLog.__table__.c)
            )
            row = (await session.execute(stmt)).first()
            return None if row is None else _post(row._mapping)

        return await self._write(work)

    async def lapse_post(self, guild_id: int, local_date: dt.date, now: dt.datetime) -> bool:
        """End an open claim's lease now, keeping the claim: whoever sends next must first
        look for the post, which may exist although its sender never heard back."""
        return await self._update_post(guild_id, local_date, _OPEN, claimed_until=now)

    async def open_posts(self, since: dt.date, now: dt.datetime) -> list[PostRecord]:
        """Open claims for `since` or later whose lease ran out: posts to look for or send."""

        async def work(session: Session) -> list[PostRecord]:
            stmt = _POST.where(PostLog.local_date >= since, _OPEN, _lapsed(now)).order_by(
                PostLog.local_date, PostLog.guild_id
            )
            return [_post(row._mapping) for row in await session.execute(stmt)]

        return await self._read(work)

    async def set_post_message(
        self, guild_id: int, local_date: dt.date, message_id: int, resource_id: str | None = None
    ) -> bool:
        """Record the message of a claimed post (and the resource, when it changed)."""
        values: dict[str, Any] = {"message_id": message_id, "claimed_until": None}
        if resource_id is not None:
            values["resource_id"] = resource_id
        return await self._update_post(guild_id, local_date, **values)

    async def release_post(self, guild_id: int, local_date: dt.date) -> bool:
        """Undo a claim whose post could not be sent, so a later try may claim it again."""

        async def work(session: Session) -> bool:
            result = await session.execute(
                delete(PostLog).where(
                    PostLog.guild_id == guild_id, PostLog.local_date == local_date
                )
            )
            return rowcount(result) > 0

        return await self._write(work)

    async def last_post_dates(self) -> dict[int, dt.date]:
        """Guild id -> newest claimed local date: all the once-a-minute tick reads."""

        async def work(session: Session) -> dict[int, dt.date]:
            stmt = select(PostLog.guild_id, func.max(PostLog.local_date)).group_by(PostLog.guild_id)
            return {int(g): _as_date(d) for g, d in await session.execute(stmt)}

        return await self._read(work)

    async def _update_post(
        self, guild_id: int, local_date: dt.date, *where: Any, **values: Any
    ) -> bool:
        async def work(session: Session) -> bool:
            stmt = (
                update(PostLog)
                .where(PostLog.guild_id == guild_id, PostLog.local_date == local_date, *where)
                .values(**values)
            )
            return rowcount(await session.execute(stmt)) > 0

        return await self._write(work)

    async def post_log(
        self, guild_id: int | None = None, limit: int | None = 100, *, settled: bool = False
    ) -> list[PostRecord]:
        """Posts of one guild (or of all, with None), newest local date first; `settled`
        leaves out open claims (posts not known to be in the channel yet).

        All guilds and no limit is what a long-running scheduler loads once at start.
        """

        async def work(session: Session) -> list[PostRecord]:
            stmt = _POST.order_by(PostLog.local_date.desc(), PostLog.guild_id)
            if guild_id is not None:
                stmt = stmt.where(PostLog.guild_id == guild_id)
            if settled:
                stmt = stmt.where(~_OPEN)
            if limit is not None:
                stmt = stmt.limit(limit)
            return [_post(row._mapping) for row in await session.execute(stmt)]

        return await self._read(work)


def _as_date(value: Any) -> dt.date:
    """MAX() over a Date column comes back as text on SQLite (the column type is lost)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _guild(row: Any) -> StoredGuild:
    fields = {name: row[name] for name in StoredGuild.__dataclass_fields__}
    fields["updated_at"] = as_utc(row["updated_at"])
    if fields["effective_from"] is not None:
        fields["effective_from"] = as_utc(fields["effective_from"])
    return StoredGuild(**fields)


def _post(row: Any) -> PostRecord:
    return PostRecord(
        row["guild_id"],
        row["local_date"],
        row["resource_id"],
        row["message_id"],
        as_utc(row["created_at"]),
        as_utc(row["claimed_until"]) if row["claimed_until"] is not None else None,
    )
