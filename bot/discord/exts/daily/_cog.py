"""/daily set|off|status|preview|now, and the once-a-minute loop that posts.

The loop only asks `DailyRunner.tick()`, which asks the pure `bot.daily` core who is due;
tests call `cog.tick()` directly and move the service's clock instead of sleeping.
Only members with Manage Server see the group (default_permissions) and every subcommand
checks it again when it runs, since server admins can override command visibility.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Sequence

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.discord import formatting, replies
from bot.discord.discussion import thread_missing_in, threads_line
from bot.discord.errors import UserFacingError
from bot.discord.exts.daily import _embeds
from bot.discord.exts.daily._sending import find_post, missing_permissions, send_post
from bot.discord.options import ChannelOption
from bot.service import LEVELS, Discussion, GuildConfig, Service
from bot.service.daily_planning import (
    Frequency,
    ScheduleError,
    local_weekday,
    next_post_time,
    parse_time,
    parse_timezone,
    resolve_topic,
    schedule_of,
    timezone_choices,
)
from bot.service.daily_planning import topic_choices as topic_pairs
from bot.service.daily_runner import DailyRunner, Delivery, Outcome, Pick, PostResult

UNLOAD_TIMEOUT_S = 10.0
"""How long shutdown waits for a tick in flight to finish unwinding."""

log = logging.getLogger(__name__)

MEMBER_QUERY_BATCH = 100  # Discord's limit for a member request by user ids
MEMBER_QUERY_TIMEOUT_S = 10.0

LEVEL_CHOICES = [app_commands.Choice(name=level, value=level) for level in LEVELS]
FREQUENCY_CHOICES = [app_commands.Choice(name=f.value, value=f.value) for f in Frequency]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class DailyCog(
    commands.GroupCog, group_name="daily", group_description="A reading suggestion every day."
):
    def __init__(
        self, bot: commands.Bot, *, clock: Callable[[], dt.datetime] | None = None
    ) -> None:
        self.bot = bot
        services = getattr(bot, "services", None)
        found = getattr(services, "service", None)
        self.service: Service | None = found if isinstance(found, Service) else None
        self.runner: DailyRunner | None = None
        self._loop_error: str | None = None
        if self.service is not None and self.service.recommender is not None:
            self.runner = DailyRunner(
                self.service,
                self._send,
                self._find,
                clock=clock,
                members=self._members_among,
                serves=self._serves,
            )

    async def _talk(self, delivery: Delivery, pick: Pick) -> Discussion | None:
        """The post's discussion prompts, made by the service (None if that fails)."""
        if self.service is None:
            return None
        try:
            return await self.service.discussion(delivery.guild_id, pick.resource.id)
        except Exception:  # the prompts are a bonus; the post goes out without them
            log.warning("no discussion prompts for %s", pick.resource.id, exc_info=True)
            return None

    async def _send(self, delivery: Delivery, pick: Pick) -> int:
        """The post, then its discussion thread."""
        return await send_post(self.bot, delivery, pick, await self._talk(delivery, pick))

    async def _find(self, delivery: Delivery, pick: Pick) -> int | None:
        """The post an earlier attempt sent, given its thread if it has none yet (only on
        resuming an unconfirmed claim, so making the prompts first costs nothing usual)."""
        return await find_post(self.bot, delivery, await self._talk(delivery, pick))

    def _serves(self, guild_id: int) -> bool:
        """Ours when the guild is on one of this process's shards (another process posts for
        the rest); a bot without shard settings (a test double) serves the guilds it sees."""
        serves = getattr(self.bot, "serves", None)
        if callable(serves):
            return bool(serves(guild_id))
        return self.bot.get_guild(guild_id) is not None

    # --- the loop -----------------------------------------------------------------------------

    async def cog_load(self) -> None:
        if self.runner is not None:
            self.poster.start()

    async def cog_unload(self) -> None:
        # Wait for a tick in flight to unwind (it gives its claimed day back) before the
        # bot closes the store under it; a tick cancelled but still running at shutdown
        # would otherwise hold a database connection that can never close.
        task = self.poster.get_task()
        self.poster.cancel()
        if task is not None and not task.done():
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), UNLOAD_TIMEOUT_S)

    @tasks.loop(minutes=1)
    async def poster(self) -> None:
        try:
            await self.tick()
        except Exception as exc:  # e.g. the database is down: try again next minute
            text = f"{type(exc).__name__}: {exc}"
            if text != self._loop_error:  # once per distinct failure, not every minute
                log.exception("daily tick failed")
            self._loop_error = text
        else:
            self._loop_error = None

    @poster.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def tick(self) -> list[PostResult]:
        """One pass of the scheduler (what the loop runs each minute)."""
        return [] if self.runner is None else await self.runner.tick()

    async def _members_among(self, guild_id: int, user_ids: Sequence[int]) -> set[int]:
        """Which of these users (readers of the candidates) are in the guild.

        The bot runs without the privileged Server Members intent, so its member cache is
        nearly empty; Discord still answers "which of these ids are members" (gateway
        request by user ids, 100 at a time). A failure only loses the read-count
        preference for this post, never the post.
        """
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return set()
        wanted = set(user_ids)
        found = {m.id for m in guild.members if m.id in wanted and not m.bot}
        if self.bot.intents.members:  # the cache holds every member
            return found
        rest = [u for u in user_ids if u not in found]
        for start in range(0, len(rest), MEMBER_QUERY_BATCH):
            batch = rest[start : start + MEMBER_QUERY_BATCH]
            try:
                members = await asyncio.wait_for(
                    guild.query_members(user_ids=batch, limit=len(batch), cache=False),
                    MEMBER_QUERY_TIMEOUT_S,
                )
            except (TimeoutError, discord.ClientException) as exc:
                log.info("member lookup for guild %s failed: %s", guild_id, exc)
                break
            found.update(m.id for m in members if not m.bot)
        return found

    # --- shared checks --------------------------------------------------------------------------

    def _ready(self, interaction: discord.Interaction) -> tuple[DailyRunner, discord.Guild]:
        if interaction.guild is None:
            raise UserFacingError("Daily reading is set per server: use this in a server.")
        if not interaction.permissions.manage_guild:
            raise UserFacingError(
                "Only members with the **Manage Server** permission can manage daily reading."
            )
        if self.runner is None:
            raise UserFacingError("Daily reading isn't available right now.")
        return self.runner, interaction.guild

    def _now(self) -> dt.datetime:
        assert self.runner is not None
        return self.runner.clock()

    # --- commands -----------------------------------------------------------------------------

    @app_commands.command(name="set", description="Post a reading suggestion on a schedule.")
    @app_commands.describe(
        channel="Text channel for the posts",
        time="Time of day, 24-hour HH:MM (e.g. 08:30)",
        timezone="Your timezone, e.g. Europe/Berlin",
        topic="Only suggest this topic (default: any)",
        level="Only suggest this level (default: any)",
        frequency="daily (default), weekdays (Mon-Fri) or weekly (on today's weekday)",
    )
    @app_commands.choices(level=LEVEL_CHOICES, frequency=FREQUENCY_CHOICES)
    async def set_(
        self,
        interaction: discord.Interaction,
        channel: app_commands.Transform[int, ChannelOption],
        time: str,
        timezone: str,
        topic: str | None = None,
        level: str | None = None,
        frequency: str = Frequency.DAILY.value,
    ) -> None:
        runner, guild = self._ready(interaction)
        try:
            post_time = parse_time(time)
            zone = parse_timezone(timezone).key
            slug = resolve_topic(topic) if topic is not None else None
            freq = Frequency(frequency) if frequency in set(Frequency) else None
        except ScheduleError as exc:
            raise UserFacingError(str(exc)) from None
        if freq is None or (level is not None and level not in LEVELS):
            raise UserFacingError("Choose the level and frequency from the lists offered.")
        target = guild.get_channel(channel)
        if not isinstance(target, discord.TextChannel):
            kind = "unknown" if target is None else str(target.type).replace("_", " ")
            raise UserFacingError(
                f"<#{channel}> is a {kind} channel: daily posts need a text channel."
            )
        missing = missing_permissions(target.permissions_for(guild.me))
        if missing:
            raise UserFacingError(
                f"I can't post in {target.mention}: I'm missing **{', '.join(missing)}** there.",
                suggestion="Give me those permissions in the channel settings, then try again.",
            )
        # The server's own additions count: a topic only they cover is a fine schedule.
        view = await runner.service.server_view(guild.id)
        if not runner.candidates(slug, level, view):
            raise UserFacingError(runner.gap(slug, level))
        now = self._now()
        config = await runner.service.update_guild_settings(
            guild.id,
            channel_id=target.id,
            post_time=post_time.strftime("%H:%M"),
            timezone=zone,
            topic=slug,
            level=level,
            frequency=freq.value,
            weekday=local_weekday(now, zone),
            enabled=True,
        )
        config = await runner.service.set_guild_error(guild.id, None)
        last = await runner.service.last_post(guild.id)
        schedule = schedule_of(config)
        assert schedule is not None
        next_at = next_post_time(schedule, now, last.local_date if last else None)
        text = _embeds.set_reply(config, next_at, now)
        no_threads = thread_missing_in(target)
        if no_threads:  # said now, not only in /daily status
            text += "\n" + threads_line(no_threads, target.id)
        await replies.send(interaction, text, ephemeral=True)

    @set_.autocomplete("timezone")
    async def _timezones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return formatting.choices((name, name) for name in timezone_choices(current))

    @set_.autocomplete("topic")
    async def _topics(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return formatting.choices(topic_pairs(current))

    @app_commands.command(name="off", description="Stop the daily posts (settings are kept).")
    async def off(self, interaction: discord.Interaction) -> None:
        runner, guild = self._ready(interaction)
        config = await runner.service.guild_settings(guild.id)
        if not config.enabled:
            await replies.send(interaction, "Daily reading is already off.", ephemeral=True)
            return
        await runner.service.update_guild_settings(guild.id, enabled=False)
        await replies.send(
            interaction,
            "Daily reading is off. `/daily set` turns it back on.",
            ephemeral=True,
        )

    @app_commands.command(name="status", description="Schedule, next and last post, last error.")
    async def status(self, interaction: discord.Interaction) -> None:
        runner, guild = self._ready(interaction)
        config = await runner.service.guild_settings(guild.id)
        last = await runner.service.last_post(guild.id)
        schedule = schedule_of(config)
        now = self._now()
        next_at = (
            next_post_time(schedule, now, last.local_date if last else None) if schedule else None
        )
        resource = (
            runner.service.resource(last.resource_id, guild_id=guild.id)
            if last and last.resource_id
            else None
        )
        title = resource.title if resource else None
        text = _embeds.status_text(config, next_at, last, title, now)
        if config.channel_id is not None:
            missing = thread_missing_in(guild.get_channel(config.channel_id))
            text += "\n" + threads_line(missing, config.channel_id)
        await replies.send(interaction, text, ephemeral=True)

    @app_commands.command(name="preview", description="What the next post would be (just for you).")
    async def preview(self, interaction: discord.Interaction) -> None:
        runner, guild = self._ready(interaction)
        config = await runner.service.guild_settings(guild.id)
        pick = await runner.pick(guild.id, config.topic, config.level)
        if pick is None:
            raise UserFacingError(runner.gap(config.topic, config.level))
        embed = _embeds.post_embed(
            pick.resource,
            pick.summary,
            _embeds.why_text(pick.topic, pick.level),
            pick.readers,
            title=_embeds.PREVIEW_TITLE,
        )
        await replies.send(interaction, embed=embed, ephemeral=True)

    @app_commands.command(name="now", description="Post today's suggestion right away.")
    async def now(self, interaction: discord.Interaction) -> None:
        runner, guild = self._ready(interaction)
        config = await runner.service.guild_settings(guild.id)
        if config.channel_id is None:
            raise UserFacingError("Choose a channel first with `/daily set`.")
        await replies.defer(interaction, ephemeral=True)
        result = await runner.post_now(config)
        await replies.send(interaction, _now_reply(result, config), ephemeral=True)


def _now_reply(result: PostResult, config: GuildConfig) -> str:
    channel = f"<#{config.channel_id}>"
    if result.outcome in (Outcome.POSTED, Outcome.FOUND):
        return f"Posted today's reading in {channel}; it counts as today's post."
    if result.outcome is Outcome.ALREADY_POSTED:
        return f"Today's reading ({result.local_date.isoformat()}) is already out in {channel}."
    if result.outcome is Outcome.NOTHING_TO_POST:
        return "Nothing in the catalog matches this server's topic and level."
    if result.outcome is Outcome.DISABLED:
        return f"I couldn't post: {result.reason} Daily posts are now off."
    return f"I couldn't post right now ({result.reason}); I'll retry within a minute."
