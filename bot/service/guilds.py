"""Guild settings and the daily-post log, as the service offers them to both faces.

A mixin of `Service` (same object, same store and clock), kept apart because the daily-post
feature is the only user of this half of the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.service.validation import (
    ServiceError,
    check_aware,
    check_bool,
    check_frequency,
    check_level,
    check_post_time,
    check_snowflake,
    check_timezone,
    check_topic,
    check_weekday,
)
from bot.store.records import PostRecord, StoredGuild

if TYPE_CHECKING:
    from bot.store import Store

DEFAULT_POST_TIME = "09:00"
CLAIM_LEASE = dt.timedelta(minutes=5)
"""How long a claimed post belongs to the process sending it. A send takes seconds (discord.py's
own retries included); a claim still open after this was lost with its sender (a crash, a
kill) and may be taken over by another tick, which looks for the post before sending it."""
SCHEDULE_FIELDS = ("post_time", "timezone", "frequency", "weekday")

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


# --- the service ------------------------------------------------------------------------------


class GuildSettingsMixin:
    """Guild-settings get/set and the post-log claim helpers (see `Service`)."""

    @property
    def store(self) -> Store:  # provided by `Service`
        raise NotImplementedError

    clock: Callable[[], dt.datetime]

    async def guild_settings(self, guild_id: int) -> GuildConfig:
        check_snowflake(guild_id, "guild id")
        return await self.store.get_guild(guild_id) or default_guild(guild_id)

    async def update_guild_settings(self, guild_id: int, **changes: Any) -> GuildConfig:
        """Change some settings: channel_id, post_time ("HH:MM"), timezone (IANA), topic,
        level, frequency, weekday (0 = Monday), enabled, effective_from. All are validated
        before anything is written.

        Changing when posts happen (time, zone, frequency, weekday) or re-enabling moves
        `effective_from` to now unless it is given: a slot already past at that moment
        never fires, so setting 08:00 at 14:00 means "from tomorrow".
        """
        current = await self.guild_settings(guild_id)
        checks: dict[str, Callable[[Any], Any]] = {
            "channel_id": lambda v: None if v is None else check_snowflake(v, "channel id"),
            "post_time": check_post_time,
            "timezone": check_timezone,
            "topic": check_topic,
            "level": check_level,
            "frequency": check_frequency,
            "weekday": check_weekday,
            "enabled": check_bool,
            "effective_from": check_aware,
        }
        unknown = sorted(set(changes) - set(checks))
        if unknown:
            raise ServiceError(f"unknown guild setting(s): {', '.join(unknown)}")
        updated = replace(current, **{k: checks[k](v) for k, v in changes.items()})
        if updated.enabled and updated.channel_id is None:
            raise ServiceError("choose a channel before enabling daily posts")
        now = self.clock()
        rescheduled = any(getattr(updated, k) != getattr(current, k) for k in SCHEDULE_FIELDS)
        if "effective_from" not in changes and (
            rescheduled or (updated.enabled and not current.enabled)
        ):
            updated = replace(updated, effective_from=now)
        return await self.store.save_guild(updated, now)

    async def set_guild_error(self, guild_id: int, error: str | None) -> GuildConfig:
        """Remember (or clear, with None) the last error met while posting for the guild."""
        current = await self.guild_settings(guild_id)
        text = None if error is None else error.strip()[:2000]
        return await self.store.save_guild(replace(current, last_error=text), self.clock())

    async def enabled_guilds(self) -> list[GuildConfig]:
        return await self.store.enabled_guilds()

    async def claim_post(self, guild_id: int, local_date: dt.date, resource_id: str | None) -> bool:
        """Claim the guild's post for `local_date` (held for `CLAIM_LEASE`); False if it was
        already claimed.

        `resource_id` None records a slot in which nothing matched the guild's filters.
        """
        check_snowflake(guild_id, "guild id")
        now = self.clock()
        return await self.store.claim_post(
            guild_id, local_date, resource_id, now, now + CLAIM_LEASE
        )

    async def take_over_post(self, guild_id: int, local_date: dt.date) -> PostRecord | None:
        """Hold an open claim whose lease ran out (for `CLAIM_LEASE`); None when the post is
        not open or another process holds it."""
        now = self.clock()
        return await self.store.take_over_post(guild_id, local_date, now, now + CLAIM_LEASE)

    async def lapse_post(self, guild_id: int, local_date: dt.date) -> bool:
        """Keep an open claim but let its lease run out now: the send failed in a way that
        may have posted anyway, so the next try (any process) must look before sending."""
        return await self.store.lapse_post(guild_id, local_date, self.clock())

    async def open_posts(self, since: dt.date) -> list[PostRecord]:
        """Open claims from `since` on whose lease ran out: posts to look for, then send."""
        return await self.store.open_posts(since, self.clock())

    async def record_post_message(
        self, guild_id: int, local_date: dt.date, message_id: int, resource_id: str | None = None
    ) -> bool:
        """The claimed post is in the channel as `message_id` (showing `resource_id`, when
        it is not the resource claimed)."""
        check_snowflake(message_id, "message id")
        return await self.store.set_post_message(guild_id, local_date, message_id, resource_id)

    async def release_post(self, guild_id: int, local_date: dt.date) -> bool:
        """Forget a claim whose post certainly does not exist, so the day may be claimed again."""
        return await self.store.release_post(guild_id, local_date)

    async def posted_resource_ids(self, guild_id: int, limit: int | None = None) -> list[str]:
        """Resources the guild was sent, oldest first (what `choose_resource` expects)."""
        records = await self.store.post_log(check_snowflake(guild_id, "guild id"), limit)
        return [p.resource_id for p in reversed(records) if p.resource_id is not None]

    async def last_post_dates(self) -> dict[int, dt.date]:
        """Guild id -> newest claimed local date, for every guild that ever posted."""
        return await self.store.last_post_dates()

    async def last_post(self, guild_id: int) -> PostRecord | None:
        """The guild's newest post known to be in its channel, or the newest day nothing
        matched (for `/daily status` and the next post's time); None when there is none.
        An open claim is not a post yet: it is retried, so the next post is "due now"."""
        guild = check_snowflake(guild_id, "guild id")
        posts = await self.store.post_log(guild, 1, settled=True)
        return posts[0] if posts else None

    async def readers_of(self, resource_ids: Collection[str], limit: int = 1000) -> list[int]:
        """Users who read any of these resources, most recent first (at most `limit`)."""
        return await self.store.readers(resource_ids, limit)

    async def read_counts(self, user_ids: Collection[int] | None = None) -> dict[str, int]:
        """Resource id -> how many of `user_ids` (e.g. a guild's members) have read it."""
        if user_ids is not None:
            for user_id in user_ids:
                check_snowflake(user_id)
        return await self.store.read_counts(user_ids)
