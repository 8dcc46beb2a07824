"""Two `deepread run` processes share four shards of one fake Discord and one database.

Each process connects only its SHARD_IDS, hears only the guilds on them (GUILD_CREATE and
interactions come on the guild's shard), answers their commands, and posts the daily reading
only for them: every guild answered, exactly one daily post per guild and day. PostgreSQL is
the production setup (skipped without TEST_DATABASE_URL); SQLite shows the same on one file.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
from pathlib import Path

import pytest

from bot.service import Service
from bot.store import Store
from bot.store.migrate import upgrade_database
from tests.bot.cli.test_run_cli import CLI, subprocess_env
from tests.bot.conftest import BACKENDS, PG_URL, reset_postgres, small_catalog
from tests.fake_discord import FakeDiscord
from tests.fake_discord.gateway import shard_of
from tests.fake_discord.proxy import RestProxy
from tests.fake_discord.server import API_PREFIX

SHARDS = 4
PROCESSES = ("0,1", "2,3")
LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


async def seed_daily_posts(url: str, channels: dict[int, int]) -> None:
    """Daily posts on for every guild, due since midnight UTC (so due the moment a process
    ticks, with no clock to move)."""
    await upgrade_database(url)
    async with Store.open(url) as store:
        service = Service(store, small_catalog(), None)
        for guild_id, channel_id in channels.items():
            await service.update_guild_settings(
                guild_id,
                channel_id=channel_id,
                post_time="00:00",
                timezone="UTC",
                enabled=True,
                effective_from=LONG_AGO,
            )


def daily_posts(fake: FakeDiscord, channel_id: int) -> list[dict[str, object]]:
    """Messages created with POST /channels/{id}/messages (not interaction answers)."""
    return [
        m
        for m in fake.messages.values()
        if m["channel_id"] == str(channel_id) and "webhook_id" not in m
    ]


async def start(
    env: dict[str, str], ids: str, log: Path, api_base: str
) -> asyncio.subprocess.Process:
    """`deepread run` for SHARD_IDS=ids, its REST calls through `api_base` (a proxy); its log
    goes to a file (a pipe nobody reads while the test runs would fill up and stall the bot)."""
    with log.open("wb") as sink:
        return await asyncio.create_subprocess_exec(
            *CLI,
            "run",
            cwd=log.parent,
            env={
                **env,
                "SHARD_COUNT": str(SHARDS),
                "SHARD_IDS": ids,
                "LOG_LEVEL": "INFO",
                "DISCORD_API_BASE": api_base,
            },
            stdout=asyncio.subprocess.DEVNULL,
            stderr=sink,
        )


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@pytest.mark.e2e
@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_processes_over_four_shards(tmp_path: Path, backend: str) -> None:
    """Each process talks to the fake through its own REST proxy, so the test can tell who
    answered which interaction and who posted in which channel."""
    async with contextlib.AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeDiscord(shard_count=SHARDS))
        upstream = f"http://127.0.0.1:{fake.port}"
        proxies = [await stack.enter_async_context(RestProxy(upstream)) for _ in PROCESSES]
        channels = {fake.guild_id: fake.channel_id}
        channels.update(fake.add_guild(f"group {shard}", shard=shard) for shard in range(SHARDS))
        env = subprocess_env(fake, tmp_path)
        del env["CATALOG_PATH"]  # the packaged catalog: daily posts need one to pick from
        if backend == "postgresql":
            await reset_postgres(PG_URL)
            env["DATABASE_URL"] = PG_URL
        await seed_daily_posts(env["DATABASE_URL"], channels)
        procs = [
            await start(env, ids, tmp_path / f"shards-{ids}.log", proxy.base(API_PREFIX))
            for ids, proxy in zip(PROCESSES, proxies, strict=True)
        ]
        try:
            for _ in range(1800):  # building the index cache twice on 2 cores takes a while
                if len(fake.gateway.live_sessions) == SHARDS or any(
                    p.returncode is not None for p in procs
                ):
                    break
                await asyncio.sleep(0.1)
            shards = sorted(s.shard for s in fake.gateway.live_sessions)
            assert shards == [(shard, SHARDS) for shard in range(SHARDS)]

            for channel_id in channels.values():
                record = await fake.dispatch_interaction(
                    2,
                    {"id": "1", "name": "help", "type": 1},
                    user=fake.make_user("dana"),
                    channel_id=channel_id,
                )
                assert (await fake.wait_for_callback(record, timeout=20))["type"] == 4

            async def every_guild_posted() -> None:
                while not all(daily_posts(fake, c) for c in channels.values()):
                    await asyncio.sleep(0.1)

            await asyncio.wait_for(every_guild_posted(), 60)
            await asyncio.sleep(2)  # a second post, if any, would be on its way by now
        finally:
            for proc in procs:
                await stop(proc)
        for proc, ids in zip(procs, PROCESSES, strict=True):
            log = (tmp_path / f"shards-{ids}.log").read_text()
            assert proc.returncode == 0, log[-2000:]
        for channel_id in channels.values():
            assert len(daily_posts(fake, channel_id)) == 1

        def parent(channel_id: int) -> int:
            """A thread (a daily post's discussion) counts as its channel."""
            channel = fake.channels.get(channel_id) or {}
            return int(channel.get("parent_id") or channel_id)

        for ids, proxy in zip(PROCESSES, proxies, strict=True):
            mine = {int(i) for i in ids.split(",")}
            owned = {c for g, c in channels.items() if shard_of(g, SHARDS) in mine}
            posted = {
                parent(int(path.split("/")[-2]))
                for method, path, _ in proxy.forwarded
                if method == "POST" and path.endswith("/messages") and "/channels/" in path
            }
            assert posted == owned  # each process did the daily work of its own guilds only
            answered = {
                int(path.split("/")[-3])
                for method, path, _ in proxy.forwarded
                if path.endswith("/callback")
            }
            assert {fake.interactions[i].payload["channel"]["id"] for i in answered} == {
                str(c) for c in owned
            }
        async with Store.open(env["DATABASE_URL"]) as store:
            service = Service(store, small_catalog(), None)
            today = dt.datetime.now(dt.UTC).date()
            for guild_id in channels:
                last = await service.last_post(guild_id)
                assert last is not None and last.local_date == today
                assert last.message_id is not None
