"""The reading club end to end: the daily tests' world (real Engine, real Service over a
SQLite file built by the real migrations, a clock the test moves) with the fake Discord on
the same clock, so polls expire and events must lie ahead by the test's time."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from bot.discord.exts.club._cog import ClubCog
from bot.service.club_runner import ClubResult
from tests.bot.discord.daily_support import Clock, DailyWorld
from tests.fake_discord import threads
from tests.fake_discord.harness import running_env
from tests.fake_discord.polls import POLL_RESULT_TYPE


@dataclass
class ClubWorld(DailyWorld):
    @property
    def club_cog(self) -> ClubCog:
        assert self.env.bot is not None
        cog = self.env.bot.get_cog("ClubCog")  # not isinstance: a restart reloads the classes
        assert cog is not None and type(cog).__name__ == "ClubCog"
        return cast(ClubCog, cog)

    async def club_tick(self) -> list[str]:
        """One pass of the club loop, as outcome names."""
        results: list[ClubResult] = await self.club_cog.tick()
        return [r.outcome.value for r in results]

    async def club(
        self, sub: str, options: dict[str, Any] | None = None, *, user: str = "alice"
    ) -> dict[str, Any]:
        """Run `/club sub` and return what the user sees."""
        record = await self.env.send_subcommand("club", sub, options, user=user)
        return await self.env.reply(record)

    async def command(
        self, name: str, options: dict[str, Any] | None = None, *, user: str = "alice"
    ) -> dict[str, Any]:
        """Run `/name` and return the message the user sees, as Discord stored it (with its
        id, so a test can press its buttons)."""
        record = await self.env.send_command(name, options, user=user)
        await self.env.reply(record)
        assert record.original_message_id is not None
        return self.env.fake.messages[record.original_message_id]

    def channel_messages(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """The bot's own messages in the club channel (not interaction replies), oldest first."""
        cid = channel_id or self.env.fake.channel_id
        return [m for m in threads.messages_in(self.env.fake, cid) if "webhook_id" not in m]

    def polls(self) -> list[dict[str, Any]]:
        return [m for m in self.channel_messages() if "poll" in m]

    def announcements(self) -> list[dict[str, Any]]:
        return [
            m
            for m in self.channel_messages()
            if m["type"] != POLL_RESULT_TYPE and "poll" not in m and m["embeds"]
        ]

    async def wait_for_poll(self, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        """The `count`-th poll, once the bot (its loop or a kick after a command) posted it."""
        fake = self.env.fake
        await fake.wait_for_request(
            lambda r: (
                r.method == "POST"
                and isinstance(r.json, dict)
                and r.json.get("poll") is not None
                and len(self.polls()) >= count
            ),
            timeout=timeout,
        )
        return self.polls()[count - 1]


async def club_world(tmp_path: Path, start: dt.datetime) -> AsyncIterator[ClubWorld]:
    async with running_env(tmp_path / "cache", start=False) as env:
        clock = Clock(start)
        env.fake.clock = clock
        world = ClubWorld(env, clock, f"sqlite+aiosqlite:///{tmp_path / 'club.db'}")
        world.admin()
        await world.start()
        yield world
