"""Behind a REST proxy and through 429s: no answer and no daily post is lost or doubled.

The bot talks to the fake through `RestProxy` (DISCORD_API_BASE, as a sharded bot's processes
share one), and the fake answers 429 with Retry-After for the next requests to a route, as
Discord does when a bucket is empty. discord.py waits `retry_after` and sends again; what the
member or the channel sees must be exactly one answer, exactly one post.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.discord.daily_support import DailyWorld, daily_world
from tests.fake_discord.proxy import RestProxy
from tests.fake_discord.server import API_PREFIX

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]

MORNING = dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC)
SLOT = dt.datetime(2026, 3, 10, 7, 30, tzinfo=dt.UTC)  # 08:30 in Berlin
FOLLOWUP = ("POST", "/webhooks/{app_id}/{token}")
CHANNEL_POST = ("POST", "/channels/{channel_id}/messages")
CALLBACK = ("POST", "/interactions/{interaction_id}/{token}/callback")


@pytest.fixture
async def proxied(tmp_path: Path) -> AsyncIterator[tuple[DailyWorld, RestProxy]]:
    async for world in daily_world(tmp_path, MORNING):
        fake = world.env.fake
        async with RestProxy(f"http://127.0.0.1:{fake.port}") as proxy:
            world.env.api_base = proxy.base(API_PREFIX)
            await world.restart()  # a fresh process whose REST calls all go through the proxy
            yield world, proxy


async def test_a_rate_limited_followup_arrives_once_through_the_proxy(
    proxied: tuple[DailyWorld, RestProxy],
) -> None:
    world, proxy = proxied
    env, fake = world.env, world.env.fake
    assert env.bot is not None
    env.bot.answer_budget_s = 0  # always "thinking…", then the answer in a followup
    fake.rate_limit(*FOLLOWUP, times=2, retry_after=0.2)
    record = await env.send_command("recommend", {"topic": "rnn"})
    assert (await env.wait_for_callback(record))["type"] == 5
    answer = await env.wait_for_followup(record, timeout=10)
    assert answer.get("embeds") or answer.get("content")
    assert len(fake.throttled) == 2 and fake.rate_limits[FOLLOWUP] == 0
    sent = [r for r in fake.requests_for(record) if r.method == "POST" and "/webhooks/" in r.path]
    assert len(sent) == 3  # two 429s, then the one that counted
    assert len(record.followups) == 1
    statuses = [status for method, path, status in proxy.forwarded if "/webhooks/" in path]
    assert statuses[:3] == [429, 429, 200]
    assert not fake.unhandled


async def test_a_rate_limited_daily_post_goes_out_once(
    proxied: tuple[DailyWorld, RestProxy],
) -> None:
    world, proxy = proxied
    fake = world.env.fake
    reply = await world.daily(
        "set", {"channel": str(fake.channel_id), "time": "08:30", "timezone": "Europe/Berlin"}
    )
    assert "08:30" in str(reply)
    fake.rate_limit(*CHANNEL_POST, times=2, retry_after=0.2)
    world.clock.set(SLOT)
    assert await world.outcomes() == ["posted"]
    world.clock.set(SLOT + dt.timedelta(minutes=1))
    assert await world.outcomes() == []  # the day is done
    [post] = world.posts()
    assert len(fake.throttled) == 2 and world.post_attempts() == 3
    assert world.service is not None
    last = await world.service.last_post(fake.guild_id)
    assert last is not None and last.message_id == int(post["id"])
    channel = f"/channels/{fake.channel_id}/messages"  # not the prompts in the post's thread
    posted = [s for m, path, s in proxy.forwarded if m == "POST" and path.endswith(channel)]
    assert posted == [429, 429, 200]


async def test_a_rate_limited_answer_in_the_callback_arrives_once_through_the_proxy(
    proxied: tuple[DailyWorld, RestProxy],
) -> None:
    """/paper answers with one ready POST of its own (`callback`), not discord.py's: a 429
    on it is waited out the same way, and the member gets the card once."""
    world, proxy = proxied
    env, fake = world.env, world.env.fake
    fake.rate_limit(*CALLBACK, times=2, retry_after=0.2)
    record = await env.send_command("paper", {"query": "dropout"})
    answer = await env.wait_for_callback(record, timeout=10)
    assert answer["type"] == 4
    assert "Dropout" in answer["data"]["embeds"][0]["title"]
    assert answer["data"]["allowed_mentions"] == {"parse": []}
    assert len(fake.throttled) == 2 and fake.rate_limits[CALLBACK] == 0
    statuses = [status for method, path, status in proxy.forwarded if path.endswith("/callback")]
    assert statuses[-3:] == [429, 429, 204]
    assert not fake.unhandled
