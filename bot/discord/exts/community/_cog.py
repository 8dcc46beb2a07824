"""/popular, /next, /leaderboard: the server as a group of readers.

Who belongs to a server is who used deepread there: every interaction in a server notes its
member (in the background, at most once a day each; `/forgetme` removes it). That needs no
privileged intent and counts only people who chose to use the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.community._embeds import leaderboard_embed, next_embed, popular_embed
from bot.discord.exts.community._optin import opt_in_view
from bot.discord.services import Services
from bot.service import PERIODS

log = logging.getLogger(__name__)

PERIOD_CHOICES = [
    app_commands.Choice(name=name, value=value)
    for value, name in zip(PERIODS, ("last 7 days", "last 30 days", "all time"), strict=True)
]
IN_A_SERVER = "That's about this server's readers: use it in a server."


def check_period(period: str) -> str:
    """The period as offered (a crafted request can send any text)."""
    if period not in PERIODS:
        raise UserFacingError("Choose the period from the list: week, month or all.")
    return period


class CommunityCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._noting: set[asyncio.Task[None]] = set()
        self._unobserve: Callable[[], None] | None = None

    async def cog_load(self) -> None:
        # Told of every interaction by the bot's own `on_interaction` (`observe_interactions`),
        # inline: a listener of this cog's would cost a task per interaction.
        observe = getattr(self.bot, "observe_interactions", None)
        if observe is not None:
            self._unobserve = observe(self.note)

    def note(self, interaction: discord.Interaction) -> None:
        """Note the member of the server (background: never slows the answer)."""
        services = getattr(interaction.client, "services", None)
        service = services.service if isinstance(services, Services) else None
        if service is None or interaction.guild_id is None or interaction.user.bot:
            return
        if service.member_noted(interaction.guild_id, interaction.user.id):
            return  # (nearly every interaction: no task to schedule)
        task = asyncio.create_task(service.note_member(interaction.guild_id, interaction.user.id))
        self._noting.add(task)
        task.add_done_callback(self._noted)

    def _noted(self, task: asyncio.Task[None]) -> None:
        self._noting.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.info("could not note a member: %s", task.exception())

    async def cog_unload(self) -> None:
        if self._unobserve is not None:
            self._unobserve()
            self._unobserve = None
        if self._noting:
            await asyncio.wait(self._noting, timeout=5.0)

    @app_commands.command(name="popular", description="What this server read, saved and liked.")
    @app_commands.describe(
        period="Which days to count (default: the last 7)",
        public="Show it to the channel (default: only you see it)",
    )
    @app_commands.choices(period=PERIOD_CHOICES)
    async def popular(
        self, interaction: discord.Interaction, period: str = "week", public: bool = False
    ) -> None:
        if interaction.guild_id is None:
            raise UserFacingError(IN_A_SERVER)
        service = access.service(interaction)
        period = check_period(period)
        with access.user_errors():
            found = await replies.in_time(
                interaction, service.popular(interaction.guild_id, period), ephemeral=not public
            )
        await replies.send(interaction, embed=popular_embed(found), ephemeral=not public)

    @app_commands.command(name="next", description="What you (or the group) are ready for next.")
    @app_commands.describe(
        group="For the whole server: what most readers are ready for and nobody read yet",
        public="Show it to the channel (default: only you see it)",
    )
    async def next_(
        self, interaction: discord.Interaction, group: bool = False, public: bool = False
    ) -> None:
        service = access.service(interaction)
        if group:
            if interaction.guild_id is None:
                raise UserFacingError(IN_A_SERVER)
            work = service.next_for_group(interaction.guild_id)
        else:
            work = service.next(interaction.user.id)
        found = await replies.in_time(interaction, work, ephemeral=not public)
        await replies.send(interaction, embed=next_embed(found), ephemeral=not public)

    @app_commands.command(
        name="leaderboard", description="Who finished most readings (only those who opt in)."
    )
    @app_commands.describe(
        period="Which days to count (default: the last 7)",
        public="Show it to the channel (default: only you see it)",
    )
    @app_commands.choices(period=PERIOD_CHOICES)
    async def leaderboard(
        self, interaction: discord.Interaction, period: str = "week", public: bool = False
    ) -> None:
        if interaction.guild_id is None:
            raise UserFacingError(IN_A_SERVER)
        service = access.service(interaction)
        period = check_period(period)
        with access.user_errors():
            board = await replies.in_time(
                interaction,
                service.leaderboard(interaction.guild_id, period),
                ephemeral=not public,
            )
        await replies.send(
            interaction, embed=leaderboard_embed(board), view=opt_in_view(), ephemeral=not public
        )
