"""The daily post goes out exactly once per guild and local date, whatever dies or is lost.

The real bot, the real Service on a SQLite file and the fake Discord, as in test_e2e_daily.
Two kinds of fault:

- **kill -9 at every step of a post.** `Reaper` makes the bot's process "die" at one step:
  from then on every database write and Discord call of its daily runner raises `Killed`
  before doing anything, so the database and the channel are left exactly as `kill -9`
  leaves them (no clean-up handler gets through). Then a fresh bot starts on the same
  database, after Discord forgot the nonce (`nonce_window = 0`), and ticks on.
- **lost answers**: Discord stored the message but the bot never heard so (the connection
  dropped; 502s from the proxy outlasting discord.py's own retries; a shutdown mid-send).

Either way the channel ends with one post and the post log holds its message id.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import discord.http
import pytest

from bot.service import Service
from bot.service.daily_runner import DailyRunner
from tests.bot.discord.daily_support import DailyWorld, daily_world
from tests.fake_discord import threads
from tests.fake_discord.channel_posts import HANG, LOST
from tests.fake_discord.faults import NoRetryWait

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]

UTC = dt.UTC
MORNING = dt.datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
SLOT = dt.datetime(2026, 3, 10, 7, 30, tzinfo=UTC)  # 08:30 in Berlin
DAY = dt.date(2026, 3, 10)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[DailyWorld]:
    async for opened in daily_world(tmp_path, MORNING):
        await opened.daily(
            "set",
            {
                "channel": str(opened.env.fake.channel_id),
                "time": "08:30",
                "timezone": "Europe/Berlin",
            },
        )
        yield opened


class Killed(BaseException):
    """The process died here (not an Exception: no `except Exception` may swallow it)."""


class Reaper:
    """Kills one bot's daily runner at `step` ("before send", "after claim_post", ...)."""

    WATCHED = ("claim_post", "take_over_post", "record_post_message", "lapse_post")

    def __init__(self, runner: DailyRunner, step: str) -> None:
        self.step = step
        self.dead = False
        service: Service = runner.service
        for name in self.WATCHED:
            setattr(service, name, self.wrap(name, getattr(service, name)))
        for name in ("release_post", "set_guild_error", "update_guild_settings"):
            setattr(service, name, self.wrap(name, getattr(service, name)))
        runner.send = self.wrap("send", runner.send)
        runner.find = self.wrap("find", runner.find)

    def wrap(self, name: str, call: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
        async def wrapped(*args: Any, **kwargs: Any) -> Any:
            if self.dead or self.step == f"before {name}":
                self.dead = True
                raise Killed(self.step)
            result = await call(*args, **kwargs)
            if self.step == f"after {name}":
                self.dead = True
                raise Killed(self.step)
            return result

        return wrapped


async def restart(world: DailyWorld) -> None:
    """A new process on the same database: it ticks once when ready (as `deepread run`
    does); then its loop is stopped, so only the test ticks and the clock moves by hand."""
    await world.restart()
    runner = runner_of(world)
    for _ in range(500):
        if runner._last is not None:  # the first tick has begun
            break
        await asyncio.sleep(0.01)
    async with runner._lock:  # ... and ended
        world.cog.poster.cancel()


def runner_of(world: DailyWorld) -> DailyRunner:
    runner = world.cog.runner
    assert runner is not None
    return runner


async def settle(world: DailyWorld) -> None:
    """Tick the way the loop does over the next minutes, past any claim's lease."""
    for minutes in (0, 1, 6, 7, 12):
        world.clock.set(SLOT + dt.timedelta(minutes=minutes))
        await world.tick()


async def assert_exactly_one_post(world: DailyWorld) -> None:
    [post] = world.posts()
    assert world.service is not None
    last = await world.service.last_post(world.env.fake.guild_id)
    assert last is not None and last.local_date == DAY
    assert last.message_id == int(post["id"])  # the log names the post that is out
    assert f"deepread:mark:{last.resource_id}" in str(post["components"])
    footer = post["embeds"][0]["footer"]["text"]
    assert footer.startswith("Daily reading · 2026-03-10 · ")


STEPS = [
    "before claim_post",
    "after claim_post",  # claimed, nothing sent
    "before send",
    "after send",  # Discord made the message; the process died before hearing back
    "before record_post_message",
    "after record_post_message",  # all done; died on the way out
]


@pytest.mark.parametrize("step", STEPS)
async def test_a_kill_at_any_step_of_a_post_still_posts_once(world: DailyWorld, step: str) -> None:
    Reaper(runner_of(world), step)
    world.clock.set(SLOT)
    with pytest.raises(Killed):
        await world.tick()
    await restart(world)
    world.env.fake.nonce_window = 0  # the new process comes after Discord forgot the nonce
    await settle(world)
    await assert_exactly_one_post(world)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("after send", "after take_over_post"),
        ("after send", "after find"),
        ("after claim_post", "before send"),
        ("after claim_post", "after send"),
    ],
)
async def test_a_second_kill_while_recovering_still_posts_once(
    world: DailyWorld, first: str, second: str
) -> None:
    Reaper(runner_of(world), first)
    world.clock.set(SLOT)
    with pytest.raises(Killed):
        await world.tick()
    await restart(world)
    world.env.fake.nonce_window = 0
    world.clock.set(SLOT + dt.timedelta(minutes=6))  # the first claim's lease ran out
    Reaper(runner_of(world), second)
    with pytest.raises(Killed):
        await world.tick()
    await restart(world)
    await settle(world)
    await assert_exactly_one_post(world)


async def test_a_connection_dropped_after_discord_stored_the_post(world: DailyWorld) -> None:
    fake = world.env.fake
    fake.post_faults[fake.channel_id] = [LOST]
    fake.nonce_window = 0  # only looking in the channel can save the day
    world.clock.set(SLOT)
    assert await world.outcomes() == ["retry"]
    assert len(world.posts()) == 1
    world.clock.set(SLOT + dt.timedelta(minutes=1))
    assert await world.outcomes() == ["found"]
    await settle(world)
    assert world.post_attempts() == 1
    await assert_exactly_one_post(world)
    status = str((await world.daily("status"))["content"])
    assert "Last error:** none" in status and "Last post:** 2026-03-10" in status
    # The attempt that sent it died before opening the discussion; the one that found it did.
    [post] = world.posts()
    [thread] = threads.threads_of(fake, fake.channel_id)
    assert thread["id"] == post["id"]
    [prompts] = threads.messages_in(fake, int(thread["id"]))
    assert "Let's discuss" in prompts["content"]


async def test_502s_outlasting_discordpy_retries_after_the_post_was_stored(
    world: DailyWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord.http, "asyncio", NoRetryWait())
    fake = world.env.fake
    fake.post_faults[fake.channel_id] = [(502, 0, "Bad Gateway")] * 5
    world.clock.set(SLOT)
    assert await world.outcomes() == ["retry"]
    assert world.post_attempts() == 5 and len(world.posts()) == 1  # same nonce each time
    fake.nonce_window = 0
    world.clock.set(SLOT + dt.timedelta(minutes=1))
    assert await world.outcomes() == ["found"]
    await assert_exactly_one_post(world)


async def test_discord_answers_a_repeated_nonce_with_the_post_it_has(
    world: DailyWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One 502 after the post was stored: discord.py retries with the same nonce and
    `enforce_nonce`, and gets the stored message back instead of a second one."""
    monkeypatch.setattr(discord.http, "asyncio", NoRetryWait())
    fake = world.env.fake
    fake.post_faults[fake.channel_id] = [(502, 0, "Bad Gateway")]
    world.clock.set(SLOT)
    [result] = await world.tick()
    assert result.outcome.value == "posted"
    assert world.post_attempts() == 2
    await assert_exactly_one_post(world)
    sent = [r.json for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert sent[0]["nonce"] == sent[1]["nonce"] and sent[0]["enforce_nonce"] is True


async def test_the_nonce_is_the_same_for_every_attempt_at_a_days_post(world: DailyWorld) -> None:
    """Across processes too: a lost answer, a restart, and Discord still within its window
    gives back the first message even if nobody looked."""
    fake = world.env.fake
    fake.post_faults[fake.channel_id] = [LOST]
    world.clock.set(SLOT)
    assert await world.outcomes() == ["retry"]
    await restart(world)
    await settle(world)
    await assert_exactly_one_post(world)
    nonces = {
        r.json["nonce"]
        for r in fake.requests
        if r.method == "POST" and r.path == f"/channels/{fake.channel_id}/messages"
    }  # the post's (the thread's prompts are a message in another channel)
    assert len(nonces) == 1 and len(next(iter(nonces))) <= 25


async def test_a_shutdown_in_the_middle_of_a_send(world: DailyWorld) -> None:
    fake = world.env.fake
    fake.post_faults[fake.channel_id] = [HANG]  # Discord stores it, the answer never comes
    fake.nonce_window = 0
    world.clock.set(SLOT)
    since = len(fake.requests)
    tick = asyncio.create_task(world.tick())
    path = f"/channels/{fake.channel_id}/messages"
    await fake.wait_for_request(lambda r: r.method == "POST" and r.path == path, since=since)
    tick.cancel()  # what cog_unload does to a tick in flight
    with pytest.raises(asyncio.CancelledError):
        await tick
    await restart(world)
    # No lease to wait for (it was given up): the new process finds the post when ready.
    await assert_exactly_one_post(world)
    assert world.post_attempts() == 1


async def test_a_post_that_scrolled_out_of_reach_is_sent_again_only_once(
    world: DailyWorld,
) -> None:
    """The limit of the guarantee, pinned down: the bot looks through the channel's last 50
    messages. When more came after its unconfirmed post, and Discord forgot the nonce, it
    cannot see that post and sends the day's post again, once."""
    fake = world.env.fake
    fake.post_faults[fake.channel_id] = [LOST]
    fake.nonce_window = 0
    world.clock.set(SLOT)
    assert await world.outcomes() == ["retry"]
    from tests.fake_discord import payloads as p

    for _ in range(50):
        message = p.message(
            message_id=p.snowflake(),
            channel_id=fake.channel_id,
            guild_id=fake.guild_id,
            author=fake.make_user("chatty"),
            body={"content": "hello"},
        )
        fake.store_message(message)
    await settle(world)
    bot_id = fake.bot_user["id"]
    assert len([m for m in world.posts() if m["author"]["id"] == bot_id]) == 2
