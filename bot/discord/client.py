"""The bot object and its factory: settings and services in, a ready-to-start bot out.

Everything environment-specific is decided here, once: which Discord (real or a local fake, via
`discord_api_base`/`discord_gateway_url`), which intents (default, non-privileged: the bot works
only through interactions), which mentions may ping (none, ever), when to sync commands.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord import command_sync, expired, sharding, shutdown
from bot.discord.buttons import ResourceButton
from bot.discord.callback import CallbackSender
from bot.discord.errors import DeepreadTree
from bot.discord.extensions import walk_extensions
from bot.discord.feedback import FeedbackButton
from bot.discord.instrument import InteractionTracker
from bot.discord.paced_edits import PacedEdits
from bot.discord.services import Services
from bot.discord.status_server import StatusServer
from bot.settings import Settings

log = logging.getLogger(__name__)

SetupHook = Callable[["DeepreadBot"], Awaitable[None]]
Observer = Callable[[discord.Interaction], None]
_DISCORD_API_BASE = Route.BASE
_DISCORD_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY
HEALTH_DB_TIMEOUT_S = 2.0


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
        self.metrics = services.metrics
        self.tracker = InteractionTracker(self.metrics)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=DeepreadTree,
            guild_ready_timeout=guild_ready_timeout,
            http_trace=self.tracker.trace_config(),
            **_shard_options(settings),
        )
        self.settings = settings
        # How long a command may work before acknowledging (replies.in_time reads it).
        self.answer_budget_s = settings.answer_budget_s
        self.services = services
        # Answers that need no live view go out as one ready POST (see `callback`).
        self.callbacks = CallbackSender(Route.BASE, answered=self.tracker.responded)
        self.expiry_edits = PacedEdits()  # expired lists shown as such, behind the answers
        self.auto_sync = auto_sync
        self._extra_setup = tuple(extra_setup)
        self._services_closed = False
        self.draining = False  # set on SIGTERM: new commands are turned away politely
        self._connected_shards: set[int] = set()
        self._error_counter = self.metrics.count_errors()
        self._shard_collector = self.metrics.watch_shards(lambda: self.latencies)
        self._observers: list[Observer] = []
        self.status_server: StatusServer | None = None
        if settings.metrics_port is not None:
            self.status_server = StatusServer(
                self.metrics, self.readiness, host=settings.metrics_host, port=settings.metrics_port
            )
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

    def serves(self, guild_id: int) -> bool:
        """The guild is on one of this process's shards, so its background work is ours."""
        return sharding.owns(guild_id, self.shard_count, self.shard_ids)

    async def setup_hook(self) -> None:
        logging.getLogger().addHandler(self._error_counter)
        catalog = getattr(self.services.service, "catalog", None)  # stand-ins may have none
        if catalog is not None:
            self.metrics.catalog_resources.set(len(catalog))
        if self.status_server is not None:
            await self.status_server.start()
        self.add_dynamic_items(ResourceButton, FeedbackButton)
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

    def observe_interactions(self, observer: Observer) -> Callable[[], None]:
        """Have `observer` (quick, synchronous) told of every interaction, from the one
        `on_interaction`; the function returned stops it. (A cog's own `on_interaction`
        listener would cost a task per interaction, in a burst as much as an answer's
        parts.) An observer that raises is logged and skipped: it never stops an answer."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.tracker.arrived(interaction)
        for observer in self._observers:
            try:
                observer(interaction)
            except Exception:
                log.exception("an interaction observer failed")
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

    # --- health and shutdown ----------------------------------------------------------------

    async def on_shard_ready(self, shard_id: int) -> None:
        self._connected_shards.add(shard_id)

    async def on_shard_resumed(self, shard_id: int) -> None:
        self._connected_shards.add(shard_id)

    async def on_shard_disconnect(self, shard_id: int) -> None:
        self._connected_shards.discard(shard_id)

    def gateway_connected(self) -> bool:
        """Every shard has a live session (READY or RESUMED since its last disconnect)."""
        shards = set(self.shards)
        return (
            self.is_ready()
            and not self.is_closed()
            and bool(shards)
            and shards <= self._connected_shards
        )

    async def readiness(self) -> tuple[bool, Mapping[str, str]]:
        """Ready to answer: not shutting down, the gateway connected, the database answering."""
        gateway = "connected" if self.gateway_connected() else "disconnected"
        try:
            await asyncio.wait_for(self.services.ping(), HEALTH_DB_TIMEOUT_S)
            database = "ok"
        except Exception as exc:  # any failure is "not ready", never a crash of the check
            database = f"unavailable ({type(exc).__name__})"
        parts = {"gateway": gateway, "database": database}
        if self.draining:
            parts["shutdown"] = "draining"
        ready = gateway == "connected" and database == "ok" and not self.draining
        return ready, parts

    async def drain(self, timeout: float) -> None:
        """Stop taking new interactions and wait (at most `timeout`) for those in flight."""
        self.draining = True
        self.metrics.draining.set(1)
        running = len(shutdown.in_flight())
        log.info(
            "shutting down: %d interaction(s) in flight, waiting up to %.0f s", running, timeout
        )
        left = await shutdown.drain(timeout)
        if left:
            log.warning("%d interaction(s) still running after %.0f s; closing", left, timeout)

    async def close(self) -> None:
        # Bot.close unloads extensions first (cog_unload cancels their loops), then the
        # connection; services go last so no command runs against a closed store.
        await super().close()
        if not self._services_closed:  # close() runs again on `async with` exit
            self._services_closed = True
            if self.status_server is not None:
                await self.status_server.stop()
            logging.getLogger().removeHandler(self._error_counter)
            self.metrics.registry.unregister(self._shard_collector)
            await self.expiry_edits.close()
            await self.callbacks.close()
            await self.services.aclose()


def _shard_options(settings: Settings) -> dict[str, Any]:
    """Neither set: one process runs every shard Discord suggests (GET /gateway/bot); else
    this process connects only SHARD_IDS of SHARD_COUNT (discord.py wants both or none)."""
    options: dict[str, Any] = {}
    if settings.shard_count is not None:
        options["shard_count"] = settings.shard_count
    if settings.shard_ids is not None:
        options["shard_ids"] = list(settings.shard_ids)
    return options


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
