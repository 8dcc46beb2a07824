"""Real services for the /daily end-to-end tests: the real Engine over the real catalog and
the real Service over a temporary SQLite file built by the real migrations, with a clock the
test moves by hand."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from bot.discord.exts.daily._cog import DailyCog
from bot.discord.services import Services
from bot.service import Service
from bot.service.daily_runner import PostResult
from recommender.catalog import Catalog, default_catalog_path, load_catalog
from recommender.engine import Engine
from tests.fake_discord import payloads as p
from tests.fake_discord.harness import DiscordEnv, running_env

MANAGE_GUILD = 1 << 5
ADMIN_PERMISSIONS = int(p.EVERYONE_PERMISSIONS) | MANAGE_GUILD
EPHEMERAL = 64


class Clock:
    """Aware UTC "now" that only moves when the test says so."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, value: dt.datetime) -> None:
        self.now = value


@functools.cache
def real_catalog() -> Catalog:
    return load_catalog(default_catalog_path())


@functools.cache
def real_engine() -> Engine:
    """Built once per test session: fitting the index is the slow part."""
    return Engine.from_catalog(real_catalog())


@dataclass
class DailyWorld:
    env: DiscordEnv
    clock: Clock
    url: str
    service: Service | None = None

    async def open_services(self) -> Services:
        """A fresh Service on the same database: what a restarted process would build."""
        service = await Service.open(self.url, real_catalog(), real_engine(), clock=self.clock)
        self.service = service

        async def mark(user_id: int, resource_id: str) -> str:
            result = await service.mark(user_id, resource_id, "done")
            return f"Marked **{result.entry.title}** as read."

        async def save(user_id: int, resource_id: str) -> str:
            result = await service.mark(user_id, resource_id, "saved")
            return f"Saved **{result.entry.title}** for later."

        return Services(
            service=service,
            resource_actions={"mark": mark, "save": save},
        )

    async def start(self) -> None:
        self.env.services = await self.open_services()
        await self.env.start_bot()

    async def restart(self) -> None:
        await self.env.stop_bot()  # closes the old Service with the bot
        await self.start()

    @property
    def cog(self) -> DailyCog:
        assert self.env.bot is not None
        # Not isinstance: a restart reloads the extension, so its classes are new objects.
        cog = self.env.bot.get_cog("DailyCog")
        assert cog is not None and type(cog).__name__ == "DailyCog"
        return cast(DailyCog, cog)

    async def tick(self) -> list[PostResult]:
        return await self.cog.tick()

    async def outcomes(self) -> list[str]:
        """One tick, as outcome names (enum identity changes when the extension reloads)."""
        return [r.outcome.value for r in await self.tick()]

    def admin(self, name: str = "alice") -> dict[str, Any]:
        user = self.env.fake.make_user(name)
        self.env.fake.member_permissions[int(user["id"])] = ADMIN_PERMISSIONS
        return user

    async def daily(
        self, sub: str, options: dict[str, Any] | None = None, *, user: str = "alice"
    ) -> dict[str, Any]:
        """Run `/daily sub` and return what the user sees."""
        record = await self.env.send_subcommand("daily", sub, options, user=user)
        return await self.env.reply(record)

    def posts(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot created with POST /channels/{id}/messages (not replies)."""
        target = f"/channels/{channel_id or self.env.fake.channel_id}/messages"
        return [
            m
            for m in self.env.fake.messages.values()
            if f"/channels/{m['channel_id']}/messages" == target and "webhook_id" not in m
        ]

    def post_attempts(self, channel_id: int | None = None) -> int:
        target = f"/channels/{channel_id or self.env.fake.channel_id}/messages"
        return len([r for r in self.env.fake.requests if r.method == "POST" and r.path == target])


async def daily_world(tmp_path: Path, start: dt.datetime) -> AsyncIterator[DailyWorld]:
    async with running_env(tmp_path / "cache", start=False) as env:
        world = DailyWorld(env, Clock(start), f"sqlite+aiosqlite:///{tmp_path / 'daily.db'}")
        world.admin()
        await world.start()
        yield world
