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
from bot.service.daily_runner import DailyRunner, Delivery, Outcome, Pick, SendFailed
from tests.bot.discord.daily_support import Clock, real_catalog, real_engine

START = dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC)
GUILD, OTHER = 1001, 1002


class Channel:
    """Records what would have been posted; `fail` makes the next sends raise, after the
    message was made when `posted_anyway` (Discord stored it, the answer was lost)."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.fail: BaseException | None = None
        self.posted_anyway = False
        self.messages: dict[tuple[int, dt.date], int] = {}  # what the channels show
        self.looked = 0

    async def send(self, delivery: Delivery, pick: Pick) -> int:
        if self.fail is not None and not self.posted_anyway:
            raise self.fail
        self.sent.append((delivery.channel_id, pick.resource.id))
        message_id = 9000 + len(self.sent)
        self.messages[(delivery.channel_id, delivery.local_date)] = message_id
        if self.fail is not None:
            raise self.fail
        return message_id

    async def find(self, delivery: Delivery, pick: Pick) -> int | None:
        self.looked += 1
        return self.messages.get((delivery.channel_id, delivery.local_date))


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'daily.db'}"
    opened = await Service.open(url, real_catalog(), real_engine(), clock=Clock(START))
    yield opened
    await opened.aclose()


def runner(service: Service, channel: Channel, members: tuple[int, ...] = ()) -> DailyRunner:
    async def among(guild_id: int, user_ids: Sequence[int]) -> list[int]:
        return [u for u in user_ids if u in members]

    return DailyRunner(service, channel.send, channel.find, members=among)


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
        async def send(self, delivery: Delivery, pick: Pick) -> int:
            if delivery.channel_id == GUILD * 10:
                raise RuntimeError("a bug in one guild's post")
            return await super().send(delivery, pick)

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
    assert await service.last_post(GUILD) is None  # nothing was posted
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


async def test_a_lost_answer_is_looked_for_before_sending_again(service: Service) -> None:
    await schedule(service)
    channel = Channel()
    daily = runner(service, channel)
    channel.fail = SendFailed(Fault.TRANSIENT, "Network error (ServerDisconnectedError).")
    channel.posted_anyway = True  # Discord stored it; the answer was lost
    at(service, 0)
    [retry] = await daily.tick()
    assert retry.outcome is Outcome.RETRY and channel.looked == 0
    assert await service.last_post(GUILD) is None  # not known to be out: status says due
    channel.fail = None
    at(service, 0, minute=2)
    [found] = await daily.tick()
    assert found.outcome is Outcome.FOUND and channel.looked == 1
    assert len(channel.sent) == 1
    last = await service.last_post(GUILD)
    assert last is not None and last.message_id == found.message_id == 9001
    at(service, 0, minute=3)
    assert await daily.tick() == []


async def test_a_crashed_senders_claim_is_taken_over_once_its_lease_ran_out(
    service: Service, tmp_path: Path
) -> None:
    await schedule(service)
    day = dt.date(2026, 3, 10)
    at(service, 0)
    # A process claimed the day and died before sending (kill -9: nothing was cleaned up).
    assert await service.claim_post(GUILD, day, "understanding-lstm-networks")
    others = [
        await Service.open(
            f"sqlite+aiosqlite:///{tmp_path / 'daily.db'}",
            real_catalog(),
            real_engine(),
            clock=service.clock,
        )
        for _ in range(2)
    ]
    try:
        first, second = Channel(), Channel()
        runners = [runner(others[0], first), runner(others[1], second)]
        at(service, 0, minute=3)  # still its sender's: nobody touches it
        assert [await r.tick() for r in runners] == [[], []]
        at(service, 0, minute=7)
        results = await asyncio.gather(*(r.tick() for r in runners))
    finally:
        for other in others:
            await other.aclose()
    assert sorted(r.outcome.value for batch in results for r in batch) == ["posted"]
    assert first.sent + second.sent == [(GUILD * 10, "understanding-lstm-networks")]
    assert first.looked + second.looked == 1  # looked before sending


async def test_post_now_finishes_an_open_claim_instead_of_saying_already_out(
    service: Service,
) -> None:
    await schedule(service)
    channel = Channel()
    daily = runner(service, channel)
    channel.fail = SendFailed(Fault.TRANSIENT, "Discord answered 503 Service Unavailable.")
    at(service, 0)
    assert [r.outcome for r in await daily.tick()] == [Outcome.RETRY]
    channel.fail = None
    at(service, 0, minute=1)
    config = await service.guild_settings(GUILD)
    result = await daily.post_now(config)
    assert result.outcome is Outcome.POSTED and len(channel.sent) == 1
    assert (await daily.post_now(config)).outcome is Outcome.ALREADY_POSTED


async def test_a_claim_is_recovered_on_its_own_day_only(service: Service) -> None:
    await schedule(service)
    assert await service.claim_post(GUILD, dt.date(2026, 3, 10), "understanding-lstm-networks")
    channel = Channel()
    daily = runner(service, channel)
    at(service, 1, hour=7)  # the next day, before its slot: yesterday's post is not sent late
    assert await daily.tick() == [] and channel.sent == [] and channel.looked == 0
    at(service, 1)
    assert [r.outcome for r in await daily.tick()] == [Outcome.POSTED]
    assert [d for (_, d) in channel.messages] == [dt.date(2026, 3, 11)]
