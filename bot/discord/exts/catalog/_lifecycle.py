"""A server's catalog follows the bot's membership: kept while it stays, deleted after it left.

When the bot is removed from a server, the service records the departure; the catalog stays
for a grace period (a kick by mistake, a re-invite) and is deleted by the purge, which runs
once the bot is ready and then every hour. Rejoining within the grace period keeps everything.
A server that re-invited the bot while it was offline appears at startup rather than as a
join, so each startup also tells the service which servers the bot is in.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands, tasks

from bot.discord.errors import UserFacingError
from bot.service import Service

log = logging.getLogger(__name__)


class CatalogLifecycle(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._last_error: str | None = None

    def _service(self) -> Service | None:
        services = getattr(self.bot, "services", None)
        found = getattr(services, "service", None)
        return found if isinstance(found, Service) else None

    async def cog_load(self) -> None:
        if self._service() is not None:
            self.purger.start()

    async def cog_unload(self) -> None:
        self.purger.cancel()

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        service = self._service()
        if service is None:
            return
        try:
            departure = await service.guild_removed(guild.id)
        except Exception:
            log.exception("could not record leaving guild %s", guild.id)
            return
        log.info("left guild %s; its catalog is deleted after %s", guild.id, departure.delete_after)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._returned(guild)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        # At startup a server appears as available, not as joined, even when it invited the
        # bot back while it was offline: its catalog must then be kept too.
        await self._returned(guild)

    async def _returned(self, guild: discord.Guild) -> None:
        service = self._service()
        if service is None:
            return
        try:
            if await service.guild_returned(guild.id):
                log.info("back in guild %s: its catalog is kept", guild.id)
        except Exception:
            log.exception("could not record being in guild %s", guild.id)

    @tasks.loop(hours=1)
    async def purger(self) -> None:
        try:
            await self.purge()
        except Exception as exc:  # the database is down: try again next hour
            text = f"{type(exc).__name__}: {exc}"
            if text != self._last_error:
                log.exception("catalog purge failed")
            self._last_error = text
        else:
            self._last_error = None

    @purger.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def purge(self) -> int:
        """Delete the catalogs of servers the bot left longer ago than the grace period;
        the number of servers cleared."""
        service = self._service()
        if service is None:
            raise UserFacingError("The catalog isn't available right now.")
        report = await service.purge_departed_guilds()
        for cleared in report.cleared:
            log.info(
                "deleted the catalog of guild %s (%d resources, %d suggestions)",
                cleared.guild_id,
                cleared.resources,
                cleared.suggestions,
            )
        return len(report.cleared)


__all__ = ["CatalogLifecycle"]
