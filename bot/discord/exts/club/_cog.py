"""/club start|status|pick|skip|stop, and the once-a-minute loop that runs the club cycles.

The loop only asks `ClubRunner.tick()` (the service decides what is due and claims it, so a
poll and an announcement go out once per cycle across restarts and processes) and gives it
`DiscordClub` to carry the plans out; tests call `cog.tick()` and move the service's clock.
Everyone may read `/club status`; start, pick, skip and stop need Manage Server, checked
when they run (server admins can override command visibility).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.discord import access, formatting, replies
from bot.discord.discussion import thread_missing_in, threads_line
from bot.discord.errors import UserFacingError
from bot.discord.exts.club import _embeds
from bot.discord.exts.club._posting import DiscordClub, may_schedule_events, missing_permissions
from bot.discord.options import ChannelOption
from bot.service import LEVELS, PollRef, Service
from bot.service.club_runner import ClubResult, ClubRunner
from bot.service.daily_planning import WEEKDAY_NAMES, timezone_choices
from bot.service.daily_planning import topic_choices as topic_pairs
from bot.service.daily_runner import SendFailed

log = logging.getLogger(__name__)

UNLOAD_TIMEOUT_S = 10.0
CADENCE_CHOICES = [app_commands.Choice(name=c, value=c) for c in ("weekly", "fortnightly")]
DAY_CHOICES = [app_commands.Choice(name=d, value=d) for d in WEEKDAY_NAMES]
LEVEL_CHOICES = [app_commands.Choice(name=level, value=level) for level in LEVELS]
MODERATORS_ONLY = "Only members with the **Manage Server** permission can run the reading club."


@app_commands.guild_only()
class ClubCog(
    commands.GroupCog, group_name="club", group_description="A reading club: vote, read, discuss."
):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        services = getattr(bot, "services", None)
        found = getattr(services, "service", None)
        self.service: Service | None = found if isinstance(found, Service) else None
        self.club = DiscordClub(bot)
        self.runner: ClubRunner | None = None
        if self.service is not None:
            self.runner = ClubRunner(self.service, self.club, serves=self._serves)
        self._loop_error: str | None = None
        self._kicks: set[asyncio.Task[ClubResult | None]] = set()

    def _serves(self, guild_id: int) -> bool:
        serves = getattr(self.bot, "serves", None)
        if callable(serves):
            return bool(serves(guild_id))
        return self.bot.get_guild(guild_id) is not None

    # --- the loop -----------------------------------------------------------------------------

    async def cog_load(self) -> None:
        if self.runner is not None:
            self.cycler.start()

    async def cog_unload(self) -> None:
        # As for daily posts: let a tick in flight unwind (it hands its claim back) before
        # the bot closes the store under it.
        pending = [t for t in (self.cycler.get_task(), *self._kicks) if t is not None]
        self.cycler.cancel()
        for task in pending:
            if not task.done():
                with contextlib.suppress(asyncio.CancelledError, TimeoutError, Exception):
                    await asyncio.wait_for(asyncio.shield(task), UNLOAD_TIMEOUT_S)

    @tasks.loop(minutes=1)
    async def cycler(self) -> None:
        try:
            await self.tick()
        except Exception as exc:  # the database is down, say: try again next minute
            text = f"{type(exc).__name__}: {exc}"
            if text != self._loop_error:
                log.exception("club tick failed")
            self._loop_error = text
        else:
            self._loop_error = None

    @cycler.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def tick(self) -> list[ClubResult]:
        """One pass over every club (what the loop runs each minute)."""
        return [] if self.runner is None else await self.runner.tick()

    def _kick(self, guild_id: int) -> None:
        """Run the guild's club now, in the background (after a start or a pick, so nobody
        waits for the next minute); the claims keep it from racing the loop."""
        if self.runner is None:
            return
        task = asyncio.create_task(self.runner.run_club(guild_id))
        self._kicks.add(task)
        task.add_done_callback(self._kicked)

    def _kicked(self, task: asyncio.Task[ClubResult | None]) -> None:
        self._kicks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("club run failed", exc_info=task.exception())

    async def _end_poll(self, poll: PollRef | None) -> None:
        if poll is None:
            return
        try:
            await self.club.end_poll(poll)
        except SendFailed as failure:  # the club's state is right; the poll just stays open
            log.info("could not end club poll %s: %s", poll.message_id, failure.reason)

    # --- shared checks ------------------------------------------------------------------------

    def _ready(
        self, interaction: discord.Interaction, *, moderator: bool = True
    ) -> tuple[Service, discord.Guild]:
        if interaction.guild is None:
            raise UserFacingError("A reading club belongs to a server: use this in a server.")
        if moderator and not interaction.permissions.manage_guild:
            raise UserFacingError(MODERATORS_ONLY)
        if self.runner is None or self.service is None:
            raise UserFacingError("The reading club isn't available right now.")
        return self.service, interaction.guild

    # --- commands -----------------------------------------------------------------------------

    @app_commands.command(name="start", description="Start (or change) the server's reading club.")
    @app_commands.describe(
        channel="Text channel for the polls, announcements and threads",
        cadence="How often the club meets",
        day="Day of the meeting",
        time="Meeting time, 24-hour HH:MM (e.g. 19:00)",
        timezone="The club's timezone, e.g. Europe/Berlin",
        topic="Only read this topic (default: any)",
        level="Only read this level (default: any)",
        poll_hours="How long each poll stays open, 1-72 hours (default 24)",
    )
    @app_commands.choices(cadence=CADENCE_CHOICES, day=DAY_CHOICES, level=LEVEL_CHOICES)
    async def start(
        self,
        interaction: discord.Interaction,
        channel: app_commands.Transform[int, ChannelOption],
        cadence: str,
        day: str,
        time: str,
        timezone: str,
        topic: str | None = None,
        level: str | None = None,
        poll_hours: app_commands.Range[int, 1, 72] = 24,
    ) -> None:
        service, guild = self._ready(interaction)
        target = guild.get_channel(channel)
        if not isinstance(target, discord.TextChannel):
            kind = "unknown" if target is None else str(target.type).replace("_", " ")
            raise UserFacingError(
                f"<#{channel}> is a {kind} channel: the reading club needs a text channel."
            )
        missing = missing_permissions(target.permissions_for(guild.me))
        if missing:
            raise UserFacingError(
                f"I can't run a club in {target.mention}: I'm missing **{', '.join(missing)}** "
                "there.",
                suggestion="Give me those permissions in the channel settings, then try again.",
            )
        with access.user_errors():
            status = await service.club_start(
                guild.id,
                target.id,
                cadence=cadence,
                day=day,
                time=time,
                timezone=timezone,
                topic=topic,
                level=level,
                poll_hours=poll_hours,
            )
        text = _embeds.start_reply(status)
        no_threads = thread_missing_in(target)
        if no_threads:
            text += "\n" + threads_line(no_threads, target.id)
        if not may_schedule_events(guild):
            text += "\n" + _embeds.events_line(False)
        await replies.send(interaction, text, ephemeral=True)
        self._kick(guild.id)

    @start.autocomplete("timezone")
    async def _timezones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return formatting.choices((name, name) for name in timezone_choices(current))

    @start.autocomplete("topic")
    async def _topics(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return formatting.choices(topic_pairs(current))

    @app_commands.command(name="status", description="The club's reading, poll and next meeting.")
    async def status(self, interaction: discord.Interaction) -> None:
        service, guild = self._ready(interaction, moderator=False)
        status = await replies.in_time(interaction, service.club_status(guild.id), ephemeral=True)
        channel_id = status.config.channel_id if status.config is not None else None
        channel = guild.get_channel(channel_id) if channel_id is not None else None
        text = _embeds.status_text(
            status,
            service.clock(),
            guild_id=guild.id,
            threads_line=threads_line(thread_missing_in(channel), channel_id),
            events_allowed=may_schedule_events(guild),
        )
        await replies.send(interaction, text, ephemeral=True)

    @app_commands.command(name="pick", description="Choose the club's reading yourself.")
    @app_commands.describe(resource="The reading (pick one, or type a title)")
    async def pick(self, interaction: discord.Interaction, resource: str) -> None:
        service, guild = self._ready(interaction)
        await replies.defer(interaction, ephemeral=True)
        with access.user_errors():
            result = await service.club_pick(guild.id, resource)
        await self._end_poll(result.end_poll)
        await replies.send(interaction, _embeds.pick_reply(result), ephemeral=True)
        if result.current:
            self._kick(guild.id)

    @pick.autocomplete("resource")
    async def _resources(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        service = access.service(interaction)
        return access.choices(service.resource_choices(current, guild_id=interaction.guild_id))

    @app_commands.command(name="skip", description="Call off this cycle's meeting.")
    async def skip(self, interaction: discord.Interaction) -> None:
        service, guild = self._ready(interaction)
        await replies.defer(interaction, ephemeral=True)
        with access.user_errors():
            result = await service.club_skip(guild.id)
        await self._end_poll(result.end_poll)
        await replies.send(interaction, _embeds.skip_reply(result), ephemeral=True)

    @app_commands.command(name="stop", description="Stop the reading club (settings are kept).")
    async def stop(self, interaction: discord.Interaction) -> None:
        service, guild = self._ready(interaction)
        await replies.defer(interaction, ephemeral=True)
        with access.user_errors():
            result = await service.club_stop(guild.id)
        await self._end_poll(result.end_poll)
        await replies.send(interaction, _embeds.stop_reply(result), ephemeral=True)
