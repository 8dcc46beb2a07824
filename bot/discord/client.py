"""The bot object and its factory: settings and services in, a ready-to-start bot out.

Everything environment-specific is decided here, once: which Discord (real or a local fake, via
`discord_api_base`/`discord_gateway_url`), which intents (default, non-privileged: the bot works
only through interactions), which mentions may ping (none, ever), when to sync commands.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord import command_sync, expired
from bot.discord.buttons import ResourceButton
from bot.discord.errors import DeepreadTree
from bot.discord.extensions import walk_extensions
from bot.discord.services import Services
from bot.settings import Settings

log = logging.getLogger(__name__)

SetupHook = Callable[["DeepreadBot"], Awaitable[None]]
_DISCORD_API_BASE = Route.BASE
_DISCORD_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY


def configure_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Point discord.py at another Discord (process-wide: these are class attributes).

    `Route.BASE` prefixes every REST call, including interaction webhooks. The gateway URL is
    used for first connections and for reconnects after an invalidated session.
    """
    Route.BASE = api_base.rstrip("/") if api_base else _DISCORD_API_BASE
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url) if gateway_url else _DISCORD_GATEWAY


class DeepreadBot(commands.AutoShardedBot):
    def __init__(
        self,
        settings: Settings,
        services: Services,
        *,
        auto_sync: bool = True,
        extra_setup: Sequence[SetupHook] = (),
        guild_ready_timeout: float = 2.0,
    ) -> None:
        # deepread never joins voice: the "PyNaCl/davey is not installed" warnings would only
        # send operators looking for a problem that does not exist.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=DeepreadTree,
            guild_ready_timeout=guild_ready_timeout,
        )
        self.settings = settings
        self.services = services
        self.auto_sync = auto_sync
        self._extra_setup = tuple(extra_setup)
        self._services_closed = False
        if settings.discord_gateway_url:
            self._pin_gateway(settings.discord_gateway_url)

    def _pin_gateway(self, url: str) -> None:
        # AutoShardedBot connects to the URL that GET /gateway/bot returns; keep its shard
        # count and limits but force our URL, so an override works against any REST server.
        original = self.http.get_bot_gateway

        async def get_bot_gateway() -> tuple[int, str, Any]:
            shards, _, session_limit = await original()
            return shards, url, session_limit

        setattr(self.http, "get_bot_gateway", get_bot_gateway)  # noqa: B010

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ResourceButton)
        for extension in walk_extensions():
            await self.load_extension(extension)
        for hook in self._extra_setup:
            await hook(self)
        if self.auto_sync:
            await self.sync_commands()

    async def sync_commands(
        self, *, guild_id: int | None = None, force: bool = False
    ) -> int | None:
        """Sync the dev guild if configured, else the global commands, when they differ from
        what Discord has registered (or when forced); see `command_sync`."""
        guild_id = guild_id if guild_id is not None else self.settings.dev_guild_id
        return await command_sync.sync(self.tree, guild_id=guild_id, force=force)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Dispatched for every interaction once discord.py has offered a component click to
        # the live views and dynamic items; `expired` tells whether any of them takes it.
        if expired.unhandled(interaction):
            await expired.answer(interaction)

    async def on_ready(self) -> None:
        log.info(
            "ready as %s in %d guild(s), %d shard(s)",
            self.user,
            len(self.guilds),
            self.shard_count or 1,
        )

    async def close(self) -> None:
        # Bot.close unloads extensions first (cog_unload cancels their loops), then the
        # connection; services go last so no command runs against a closed store.
        await super().close()
        if not self._services_closed:  # close() runs again on `async with` exit
            self._services_closed = True
            await self.services.aclose()


def create_bot(
    settings: Settings,
    services: Services,
    *,
    auto_sync: bool = True,
    extra_setup: Sequence[SetupHook] = (),
    guild_ready_timeout: float = 2.0,
) -> DeepreadBot:
    configure_endpoints(settings.discord_api_base, settings.discord_gateway_url)
    return DeepreadBot(
        settings,
        services,
        auto_sync=auto_sync,
        extra_setup=extra_setup,
        guild_ready_timeout=guild_ready_timeout,
    )
