"""Feedback steers the daily post: a resource the server found "not for us" is not posted,
and resources on topics it found useful come first. Real catalog, engine and database."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.service import Service
from bot.service.daily_runner import DailyRunner, Delivery, Pick
from recommender.catalog import default_catalog_path, load_catalog
from recommender.engine import Engine
from recommender.resource import Resource
from tests.bot.conftest import Clock

GUILD = 4242
START = dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'steer.db'}"
    catalog = load_catalog(default_catalog_path())
    opened = await Service.open(url, catalog, Engine.from_catalog(catalog), clock=Clock(START))
    yield opened
    await opened.aclose()


def runner(service: Service) -> DailyRunner:
    async def send(delivery: Delivery, pick: Pick) -> int:
        return 1

    async def find(delivery: Delivery, pick: Pick) -> int | None:
        return None

    async def nobody(guild_id: int, user_ids: Sequence[int]) -> list[int]:
        return []

    return DailyRunner(service, send, find, members=nobody)


async def test_not_for_us_leaves_the_cycle_and_useful_topics_come_first(
    service: Service,
) -> None:
    daily = runner(service)
    first = await daily.pick(GUILD, None, "beginner")
    assert first is not None
    unsteered = daily.candidates(None, "beginner")
    for user in (1, 2):
        await service.vote(GUILD, user, first.resource.id, "not_for_us")
    after = await daily.pick(GUILD, None, "beginner")
    assert after is not None and after.resource.id != first.resource.id
    # A topic the server found useful: its resources lead the candidates now.
    liked = next(
        service.catalog.by_id(rid)
        for rid in reversed(unsteered)
        if (r := service.catalog.by_id(rid)) is not None and r.topics
    )
    assert liked is not None
    await service.vote(GUILD, 3, liked.id, "useful")
    steered = await daily.pick(GUILD, None, "beginner")
    assert steered is not None
    assert set(steered.resource.topics) & set(liked.topics)
    # Another server's votes change nothing for it.
    other = await daily.pick(GUILD + 1, None, "beginner")
    assert other is not None and other.resource.id == first.resource.id


async def test_a_servers_own_additions_lean_with_their_topics(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The steering is asked about the server's additions too (resolved in its view), so
    an addition on a topic the server found useful comes first among equals like the rest."""
    added = await service.add_to_catalog(
        GUILD, 7, title="Zymurgy Recurrent Networks", topics=["rnn"], level="beginner"
    )
    await service.vote(GUILD, 3, added.resource.id, "useful")
    asked: list[str] = []
    steering = service.server_steering

    async def spy(guild_id: int, resources: Sequence[Resource]) -> object:
        asked.extend(r.id for r in resources)
        return await steering(guild_id, resources)

    monkeypatch.setattr(service, "server_steering", spy)
    daily = runner(service)
    pick = await daily.pick(GUILD, "rnn", "beginner")
    assert pick is not None and added.resource.id in asked
    lean, _ = await steering(GUILD, [added.resource])
    assert lean[added.resource.id] > 0
