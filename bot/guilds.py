"""Guild settings and the daily-post log, as the service offers them to both faces.

A mixin of `Service` (same object, same store and clock), kept apart because the daily-post
feature is the only user of this half of the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

from bot.store import Store
from bot.store.records import PostRecord, StoredGuild
from bot.validation import (
    ServiceError,
    check_bool,
    check_frequency,
    check_level,
    check_post_time,
    check_snowflake,
    check_timezone,
    check_topic,
)

DEFAULT_POST_TIME = "09:00"

GuildConfig = StoredGuild
"""A guild's daily-post settings (defaults when the guild never configured anything)."""


def default_guild(guild_id: int) -> GuildConfig:
    return StoredGuild(
        guild_id=guild_id,
        channel_id=None,
        post_time=DEFAULT_POST_TIME,
        timezone="UTC",
        topic=None,
        level=None,
        frequency="daily",
        enabled=False,
        last_error=None,
        updated_at=None,
    )


def _check_weekday(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise ServiceError(f"invalid weekday {value!r}: 0 (Monday) to 6 (Sunday)")
    return value


def _check_instant(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise ServiceError(f"invalid instant {value!r}: expected a timezone-aware datetime")
    return value.astimezone(dt.UTC)


# --- the service ------------------------------------------------------------------------------


class GuildSettingsMixin:
    """Guild-settings get/set and the post-log claim helpers (see `Service`)."""

    store: Store
    clock: Callable[[], dt.datetime]

    async def guild_settings(self, guild_id: int) -> GuildConfig:
        check_snowflake(guild_id, "guild id")
        return await self.store.get_guild(guild_id) or default_guild(guild_id)

    async def update_guild_settings(self, guild_id: int, **changes: Any) -> GuildConfig:
        """Change some settings (channel_id, post_time, timezone, topic, level, frequency,
        enabled, weekday, effective_from); all are validated before anything is written."""
        current = await self.guild_settings(guild_id)
        checks: dict[str, Callable[[Any], Any]] = {
            "channel_id": lambda v: None if v is None else check_snowflake(v, "channel id"),
            "post_time": check_post_time,
            "timezone": check_timezone,
            "topic": check_topic,
            "level": check_level,
            "frequency": check_frequency,
            "enabled": check_bool,
            "weekday": _check_weekday,
            "effective_from": _check_instant,
        }
        unknown = sorted(set(changes) - set(checks))
        if unknown:
            raise ServiceError(f"unknown guild setting(s): {', '.join(unknown)}")
        updated = replace(current, **{k: checks[k](v) for k, v in changes.items()})
        if updated.enabled and updated.channel_id is None:
            raise ServiceError("choose a channel before enabling daily posts")
        return await self.store.save_guild(updated, self.clock())

    async def set_guild_error(self, guild_id: int, error: str | None) -> GuildConfig:
        """Remember (or clear, with None) the last error met while posting for the guild."""
        current = await self.guild_settings(guild_id)
        text = None if error is None else error.strip()[:2000]
        return await self.store.save_guild(replace(current, last_error=text), self.clock())

    async def enabled_guilds(self) -> list[GuildConfig]:
        return await self.store.enabled_guilds()

    async def claim_post(self, guild_id: int, local_date: dt.date, resource_id: str) -> bool:
        """Claim the guild's post for `local_date`; False if it was already claimed."""
        check_snowflake(guild_id, "guild id")
        return await self.store.claim_post(guild_id, local_date, resource_id, self.clock())

    async def record_post_message(
        self, guild_id: int, local_date: dt.date, message_id: int
    ) -> bool:
        check_snowflake(message_id, "message id")
        return await self.store.set_post_message(guild_id, local_date, message_id)

    async def release_post(self, guild_id: int, local_date: dt.date) -> bool:
        return await self.store.release_post(guild_id, local_date)

    async def last_post_dates(self) -> dict[int, dt.date]:
        """Guild id -> newest claimed local date, for every guild that ever posted."""
        return await self.store.last_post_dates()

    async def post_history(self, guild_id: int, limit: int = 5000) -> list[str]:
        """Resources the guild was sent, OLDEST first (what `bot.daily.choose_resource` reads).

        The limit is far above any catalog's size, so a whole no-repeat cycle is always seen.
        """
        return list(reversed(await self.posted_resource_ids(guild_id, limit)))

    async def read_counts(
        self, resource_ids: Collection[str], user_ids: Collection[int]
    ) -> dict[str, int]:
        """Resource id -> how many of these users (a guild's members) have read it."""
        return await self.store.read_counts(resource_ids, user_ids)

    async def last_post(self, guild_id: int) -> PostRecord | None:
        """The guild's newest post-log row (for `/daily status`), or None."""
        posts = await self.store.post_log(check_snowflake(guild_id, "guild id"), 1)
        return posts[0] if posts else None

    async def posted_resource_ids(self, guild_id: int, limit: int = 365) -> list[str]:
        """Resources the guild was sent recently (newest first), so posts do not repeat."""
        return [p.resource_id for p in await self.store.post_log(guild_id, limit)]
