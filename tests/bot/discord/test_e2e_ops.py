"""Running on a server, end to end through the fake Discord: /metrics moves after commands,
/healthz is 200 only with the gateway connected and the database answering, and SIGTERM lets
an interaction in flight finish while new commands are turned away politely."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest

from bot.discord import runner
from bot.discord.client import DeepreadBot, create_bot
from bot.discord.errors import RESTARTING_TEXT
from bot.discord.services import Services
from bot.discord.wiring import build_services
from bot.service import Service
from bot.settings import Settings
from tests.bot.discord.real_services import real_catalog, real_engine
from tests.bot.discord.support import add_testing_cog
from tests.fake_discord.harness import DiscordEnv, running_env

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]


async def services_over(folder: Path) -> Services:
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite+aiosqlite:///{folder / 'deepread.db'}"
    return build_services(await Service.open(url, real_catalog(), real_engine()))


def with_metrics(env: DiscordEnv) -> Callable[[], Settings]:
    """The env's settings with /metrics on a free loopback port."""
    plain = env.settings

    def settings() -> Settings:
        return plain().model_copy(update={"metrics_port": 0})

    return settings


async def get(bot: DeepreadBot, path: str) -> tuple[int, str]:
    assert bot.status_server is not None
    url = f"http://127.0.0.1:{bot.status_server.port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


def sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from the exposition text (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', head))
        if head.split("{")[0] == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return 0.0


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_metrics_move_and_health_follows_gateway_and_database(tmp_path: Path) -> None:
    services = await services_over(tmp_path / "db")
    async with running_env(
        tmp_path, start=False, services=services, extra_setup=[add_testing_cog]
    ) as env:
        setattr(env, "settings", with_metrics(env))  # noqa: B010
        bot = await env.start_bot()
        status, text = await get(bot, "/metrics")
        assert status == 200
        assert sample(text, "deepread_catalog_resources") == len(real_catalog())
        assert sample(text, "deepread_interactions_total", command="/help") == 0

        for name, options in [
            ("help", None),
            ("recommend", {"topic": "rnn beginner"}),
            ("oops", None),
            ("boom", None),
            ("slow", {"seconds": 0.05}),
        ]:
            await env.reply(await env.send_command(name, options))
        await asyncio.sleep(0.1)  # the last request's trace hook runs after the fake answered

        _, text = await get(bot, "/metrics")
        ok = {"outcome": "ok"}
        assert sample(text, "deepread_interactions_total", command="/help", **ok) == 1
        assert sample(text, "deepread_interactions_total", command="/recommend", **ok) == 1
        assert sample(text, "deepread_interactions_total", command="/slow", **ok) == 1
        assert sample(text, "deepread_interactions_total", command="/oops", outcome="user_error")
        assert sample(text, "deepread_interactions_total", command="/boom", outcome="failure")
        for command in ("/help", "/recommend", "/slow", "/boom"):
            assert sample(text, "deepread_answer_seconds_count", command=command) == 1
        # /slow deferred: acknowledged first, answered by the followup, both counted once.
        assert sample(text, "deepread_acknowledge_seconds_count", command="/slow") == 1
        assert sample(text, "deepread_errors_total", logger="bot.discord.errors") >= 1
        assert sample(text, "deepread_db_seconds_count", operation="read") >= 1
        assert "deepread_gateway_latency_seconds" in text

        # Channel posts (what the daily poster sends) are counted per attempt, sent or failed.
        await bot.get_partial_messageable(env.fake.channel_id).send("today's pick")
        with pytest.raises(discord.HTTPException):
            await bot.get_partial_messageable(1234).send("nowhere")
        _, text = await get(bot, "/metrics")
        assert sample(text, "deepread_daily_posts_total", result="sent") == 1
        assert sample(text, "deepread_daily_posts_total", result="failed") == 1

        status, body = await get(bot, "/healthz")
        assert status == 200, body
        assert '"gateway": "connected"' in body and '"database": "ok"' in body

        # The gateway drops and the session cannot resume yet: not ready.
        gateway = env.fake.gateway
        original_resume = gateway._resume

        async def hang(ws: Any, data: Any) -> Any:
            session = gateway.sessions[data["session_id"]]
            session.socket = ws  # attached, so close_all reaches it, but never RESUMED
            return session

        setattr(gateway, "_resume", hang)  # noqa: B010
        await gateway.close_all()
        await eventually(lambda: _status_is(bot, 503))
        _, body = await get(bot, "/healthz")
        assert '"gateway": "disconnected"' in body
        setattr(gateway, "_resume", original_resume)  # noqa: B010
        await gateway.close_all()
        await eventually(lambda: _status_is(bot, 200))

        # The database goes away (its folder is replaced by a file): not ready, and back.
        assert services.service is not None
        (tmp_path / "db").rename(tmp_path / "db-away")
        (tmp_path / "db").write_text("not a folder")
        await services.service.store.engine.dispose()
        status, body = await get(bot, "/healthz")
        assert status == 503 and '"database": "unavailable' in body
        (tmp_path / "db").unlink()
        (tmp_path / "db-away").rename(tmp_path / "db")
        await eventually(lambda: _status_is(bot, 200))


async def _status_is(bot: DeepreadBot, wanted: int) -> bool:
    return (await get(bot, "/healthz"))[0] == wanted


async def test_sigterm_finishes_interactions_in_flight_and_turns_new_ones_away(
    tmp_path: Path,
) -> None:
    services = await services_over(tmp_path / "db")
    async with running_env(tmp_path, start=False) as env:
        started: list[DeepreadBot] = []

        async def remember(bot: DeepreadBot) -> None:
            started.append(bot)

        settings = env.settings().model_copy(update={"metrics_port": 0})
        task = asyncio.create_task(
            runner.run(settings, services, env.fake.token, extra_setup=[add_testing_cog, remember])
        )
        await eventually(lambda: _started(started), timeout=10)
        bot = started[0]
        await asyncio.wait_for(bot.wait_until_ready(), 10)

        slow = await env.send_command("slow", {"seconds": 1.0})
        assert (await env.wait_for_callback(slow))["type"] == 5  # deferred, work in flight
        os.kill(os.getpid(), signal.SIGTERM)
        await eventually(lambda: _draining(bot))
        status, body = await get(bot, "/healthz")
        assert status == 503 and "draining" in body

        late = await env.send_command("help", user="bob")
        refused = await env.wait_for_callback(late)
        assert refused["type"] == 4 and refused["data"]["flags"] & 64
        assert refused["data"]["content"] == RESTARTING_TEXT

        answer = await env.wait_for_followup(slow, timeout=5)
        assert answer["content"] == "done after 1.0 s"
        await asyncio.wait_for(task, 15)  # returns normally: exit code 0
        assert bot.is_closed()
        assert services.service is not None
        assert services.service.store.engine.pool.checkedout() == 0


async def _started(started: list[DeepreadBot]) -> bool:
    return bool(started)


async def _draining(bot: DeepreadBot) -> bool:
    return bot.draining


async def test_metrics_are_off_and_on_loopback_by_default(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, cache_dir=tmp_path)  # type: ignore[call-arg]
    assert settings.metrics_port is None and settings.metrics_host == "127.0.0.1"
    assert settings.log_format == "text"
    assert create_bot(settings, Services()).status_server is None
    on = create_bot(settings.model_copy(update={"metrics_port": 9100}), Services())
    assert on.status_server is not None and on.status_server.host == "127.0.0.1"
