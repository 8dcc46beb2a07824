"""Running the bot as a service: start, stop cleanly on SIGINT/SIGTERM, and one-shot sync.

On a signal the bot first stops taking new interactions (a command gets "I'm restarting, try
again in a minute") and lets those in flight finish, for at most SHUTDOWN_GRACE_S (10 s);
then it closes (cogs unloaded and their loops cancelled, gateway closed, services and with
them the store closed), log handlers are flushed, and `run` returns normally, so
`deepread run` exits 0 under systemd or `docker stop` (whose default grace is 10 s: give the
container a longer `stop_grace_period`, as compose.yaml does).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence

from bot.discord import heap
from bot.discord.client import DeepreadBot, SetupHook, create_bot
from bot.discord.services import Services
from bot.settings import Settings

log = logging.getLogger(__name__)


async def run(
    settings: Settings,
    services: Services,
    token: str,
    *,
    stop: asyncio.Event | None = None,
    extra_setup: Sequence[SetupHook] = (),
) -> None:
    """Run until `stop` is set or SIGINT/SIGTERM arrives; login errors propagate."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    bot = create_bot(settings, services, extra_setup=(*extra_setup, _freeze_startup_heap))
    try:
        async with bot:
            runner = asyncio.create_task(bot.start(token), name="deepread-bot")
            stopper = asyncio.create_task(stop.wait(), name="deepread-stop")
            done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stopper in done:
                await bot.drain(settings.shutdown_grace_s)
                await bot.close()
            else:
                stopper.cancel()
            await runner
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        for handler in logging.getLogger().handlers:
            handler.flush()


async def _freeze_startup_heap(bot: DeepreadBot) -> None:
    # Everything loaded by now (catalog, index, extensions) stays for the process's life:
    # spare it the collector's full walks (see `heap`). Only the real process does this; a
    # test's bots come and go in one interpreter.
    frozen = heap.freeze_startup_heap()
    heap.collect_less_often()
    log.debug("%d startup objects exempted from garbage collection", frozen)


async def sync(
    settings: Settings, services: Services, token: str, *, guild_id: int | None = None
) -> tuple[int, int | None]:
    """Log in over HTTP only (no gateway) and push the commands: (count, guild or None)."""
    bot = create_bot(settings, services, auto_sync=False)
    async with bot:
        await bot.login(token)
        target = guild_id if guild_id is not None else settings.dev_guild_id
        count = await bot.sync_commands(guild_id=target, force=True)
    return count or 0, target
