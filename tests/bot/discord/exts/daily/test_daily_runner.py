"""DailyRunner without Discord: real Service on SQLite (real migrations), real Engine over the
real catalog, and a recording `send` in place of the channel."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.service import Service
from bot.service.daily_planning import Fault
from bot.service.daily_runner import DailyRunner, Outcome, Pick, SendFailed
from tests.bot.discord.daily_support import Clock, real_catalog, real_engine

START = dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC)
GUILD, OTHER = 1001, 1002


class Channel:
    """Records what would have been posted; `fail` makes the next sends raise."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.fail: BaseException | None = None

    async def send(self, channel_id: int, pick: Pick) -> int:
        if self.fail is not None:
            raise self.fail
        self.sent.append((channel_id, pick.resource.id))
        return 9000 + len(self.sent)


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'daily.db'}"
    opened = await Service.open(url, real_catalog(), real_engine(), clock=Clock(START))
    yield opened
    await opened.aclose()


def runner(service: Service, channel: Channel, members: tuple[int, ...] = ()) -> DailyRunner:
    async def among(guild_id: int, user_ids: Sequence[int]) -> list[int]:
        return [u for u in user_ids if u in members]

    return DailyRunner(service, channel.send, members=among)


async def schedule(
    service: Service, guild: int = GUILD, topic: str | None = None, level: str | None = None
) -> None:
    await service.update_guild_settings(
        guild, channel_id=guild * 10, post_time="08:00", timezone="UTC",
        topic=topic, level=level, enabled=True,
    )  # fmt: skip


def at(service: Service, day: int, hour: int = 8, minute: int = 1) -> None:
    clock = service.clock
    assert isinstance(clock, Clock)
    clock.set(dt.datetime(2026, 3, 10 + day, hour, minute, tzinfo=dt.UTC))


async def test_no_repeats_until_the_whole_topic_was_posted_then_a_new_cycle(
    service: Service,
) -> None:
    channel = Channel()
    daily = runner(service, channel)
    await schedule(service, topic="dialog")
    candidates = daily.candidates("dialog", None)
    assert len(candidates) >= 2
    for day in range(len(candidates) + 1):
        at(service, day)
        assert [r.outcome for r in await daily.tick()] == [Outcome.POSTED]
    posted = [rid for _, rid in channel.sent]
    assert sorted(posted[: len(candidates)]) == sorted(candidates)
    assert posted[len(candidates)] != posted[len(candidates) - 1]  # new cycle, no twice in a row


async def test_what_fewer_members_have_read_comes_first(service: Service) -> None:
    members = (11, 12)
    await schedule(service, topic="cnn", level="intermediate")
    first = runner(service, Channel(), members).candidates("cnn", "intermediate")[0]
    for minute, user in enumerate(members):
        at(service, 0, hour=6, minute=minute)
        await service.mark(user, first, "done")
    channel = Channel()
    at(service, 0)
    [result] = await runner(service, channel, members).tick()
    assert result.resource_id != first
    pick = await runner(service, Channel(), members).pick(GUILD, "cnn", "intermediate")
    assert pick is not None and pick.resource.id not in (first, result.resource_id)
    assert await service.readers_of([first]) == [12, 11]  # most recent reader first
    assert await service.readers_of([first], limit=1) == [12]
    assert await service.readers_of(["not-read-by-anyone"]) == []
    # Reads by people outside the guild do not count.
    outsider = await runner(service, Channel(), ()).pick(OTHER, "cnn", "intermediate")
    assert outsider is not None and outsider.resource.id == first and outsider.readers == 0


async def test_two_processes_ticking_at_once_post_once(service: Service, tmp_path: Path) -> None:
    await schedule(service)
    second = await Service.open(
        f"sqlite+aiosqlite:///{tmp_path / 'daily.db'}", real_catalog(), clock=service.clock
    )
    try:
        one, two = Channel(), Channel()
        at(service, 0)
        results = await asyncio.gather(runner(service, one).tick(), runner(second, two).tick())
    finally:
        await second.aclose()
    outcomes = sorted(r.outcome.value for batch in results for r in batch)
    assert len(one.sent) + len(two.sent) == 1
    assert outcomes in (["already posted", "posted"], ["posted"])


async def test_one_guilds_failure_does_not_stop_the_others_and_is_logged_once(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    await schedule(service, GUILD)
    await schedule(service, OTHER)

    class Flaky(Channel):
        async def send(self, channel_id: int, pick: Pick) -> int:
            if channel_id == GUILD * 10:
                raise RuntimeError("a bug in one guild's post")
            return await super().send(channel_id, pick)

    channel = Flaky()
    daily = runner(service, channel)
    at(service, 0)
    with caplog.at_level(logging.WARNING):
        first = await daily.tick()
        at(service, 0, minute=2)
        second = await daily.tick()
    assert [(r.guild_id, r.outcome) for r in first] == [(OTHER, Outcome.POSTED)]
    assert second == []  # OTHER is done for the day; GUILD failed again, quietly
    assert [c for c, _ in channel.sent] == [OTHER * 10]
    assert await service.last_post(GUILD) is None  # the claim was given back
    bug_lines = [r for r in caplog.records if "a bug in one guild's post" in r.getMessage()]
    assert len(bug_lines) == 1


async def test_transient_then_permanent_faults(service: Service) -> None:
    await schedule(service)
    channel = Channel()
    daily = runner(service, channel)
    at(service, 0)
    channel.fail = SendFailed(Fault.TRANSIENT, "Discord answered 502 Bad Gateway.")
    [retry] = await daily.tick()
    assert retry.outcome is Outcome.RETRY and await service.last_post(GUILD) is None
    config = await service.guild_settings(GUILD)
    assert config.enabled and "502 Bad Gateway" in (config.last_error or "")

    channel.fail = SendFailed(Fault.PERMANENT, "The channel <#1> no longer exists.")
    at(service, 0, minute=2)
    [gone] = await daily.tick()
    assert gone.outcome is Outcome.DISABLED
    config = await service.guild_settings(GUILD)
    assert not config.enabled and "no longer exists" in (config.last_error or "")
    at(service, 1)
    assert await daily.tick() == []


async def test_a_day_with_nothing_to_post_is_claimed_once(service: Service) -> None:
    await schedule(service, topic="dialog")
    channel = Channel()
    daily = runner(service, channel)
    daily._candidates[("dialog", None)] = []  # as if the catalog lost every dialog resource
    at(service, 0)
    assert [r.outcome for r in await daily.tick()] == [Outcome.NOTHING_TO_POST]
    at(service, 0, minute=5)
    assert await daily.tick() == []
    assert channel.sent == []


async def test_post_now_claims_today(service: Service) -> None:
    await schedule(service)
    channel = Channel()
    daily = runner(service, channel)
    at(service, 0, hour=6)
    config = await service.guild_settings(GUILD)
    assert (await daily.post_now(config)).outcome is Outcome.POSTED
    assert (await daily.post_now(config)).outcome is Outcome.ALREADY_POSTED
    at(service, 0, hour=9)
    assert await daily.tick() == []
    assert len(channel.sent) == 1
