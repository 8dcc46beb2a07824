"""/daily end to end: the real bot against the fake Discord, real Engine and real Service.

Time never passes on its own here: the Service's clock is moved by the test and the
scheduler is run with `cog.tick()`, exactly what the once-a-minute loop calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.discord.daily_support import EPHEMERAL, DailyWorld, daily_world

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]

UTC = dt.UTC
# 2026-03-10 is a Tuesday; Berlin is UTC+1 then (summer time starts on March 29).
MORNING = dt.datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
SLOT = dt.datetime(2026, 3, 10, 7, 30, tzinfo=UTC)  # 08:30 in Berlin


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[DailyWorld]:
    async for opened in daily_world(tmp_path, MORNING):
        yield opened


async def configure(world: DailyWorld, **extra: str) -> dict[str, object]:
    options: dict[str, object] = {
        "channel": str(world.env.fake.channel_id),
        "time": "08:30",
        "timezone": "Europe/Berlin",
        **extra,
    }
    return await world.daily("set", options)


def custom_ids(message: dict[str, object]) -> list[str]:
    rows = message["components"]
    assert isinstance(rows, list)
    return [c["custom_id"] for row in rows for c in row["components"]]


async def test_one_post_per_day_even_across_a_restart(world: DailyWorld) -> None:
    reply = await configure(world, topic="rnn", level="intermediate")
    content = str(reply["content"])
    assert reply["flags"] & EPHEMERAL
    stamp = int(SLOT.timestamp())
    assert f"<t:{stamp}:F>" in content and f"<t:{stamp}:R>" in content

    assert await world.tick() == []  # 07:00 Berlin: not yet
    assert world.posts() == []

    world.clock.set(SLOT + dt.timedelta(seconds=30))
    results = await world.tick()
    assert [r.outcome.value for r in results] == ["posted"]
    assert await world.tick() == []  # a second tick the same minute posts nothing
    [post] = world.posts()
    embed = post["embeds"][0]
    assert embed["title"] == "Today's reading"
    rid = results[0].resource_id
    assert rid is not None
    assert custom_ids(post) == [f"deepread:mark:{rid}", f"deepread:save:{rid}"]
    catalog_entry = world.cog.service.catalog.by_id(rid)  # on the topic, at the level
    assert "rnn" in catalog_entry.topics and catalog_entry.level == "intermediate"
    assert catalog_entry.title in embed["description"]
    assert "Recurrent networks" in embed["fields"][0]["value"]
    request = next(r for r in world.env.fake.requests if r.path.endswith("/messages"))
    assert request.json["allowed_mentions"]["parse"] == []
    assert world.env.fake.unhandled == []

    await world.restart()  # the new process ticks on ready, and again here
    assert await world.tick() == []
    assert len(world.posts()) == 1

    # The buttons of the old post still work, for any member, after the restart.
    click = await world.env.click(f"deepread:mark:{rid}", message=post, user="bob")
    body = await world.env.wait_for_callback(click)
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"].startswith("Marked **")
    bob = int(world.env.fake.make_user("bob")["id"])
    assert world.service is not None
    assert [e.resource_id for e in await world.service.reading_list(bob)] == [rid]

    # The next day brings a different resource.
    world.clock.set(SLOT + dt.timedelta(days=1, minutes=5))
    [second] = await world.tick()
    assert second.outcome.value == "posted" and second.resource_id != rid
    assert len(world.posts()) == 2
