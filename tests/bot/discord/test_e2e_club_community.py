"""/popular, /next, /leaderboard (with and without opt-in) and /forgetme end to end: members
are whoever used deepread in the server (noted on every interaction), counts never name
anyone, the leaderboard names only those who pressed "Show me", and /forgetme removes a
member's votes, membership and leaderboard presence."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.discord.club_support import ClubWorld, club_world
from tests.bot.discord.daily_support import EPHEMERAL

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]

START = dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC)
ATTENTION = "attention-is-all-you-need"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[ClubWorld]:
    async for opened in club_world(tmp_path, START):
        yield opened


def uid(world: ClubWorld, name: str) -> int:
    return int(world.env.fake.make_user(name)["id"])


async def members(world: ClubWorld, *names: str) -> None:
    """Wait until the background noting of these members reached the database."""
    assert world.service is not None
    wanted = {uid(world, n) for n in names}
    for _ in range(200):
        if wanted <= set(await world.service.active_members(world.env.fake.guild_id)):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{names} were never noted as members")


def embed_text(reply: dict[str, Any]) -> str:
    [embed] = reply["embeds"]
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def custom_ids(reply: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in reply.get("components", []) for c in row["components"]]


async def test_popular_next_and_an_opt_in_leaderboard(world: ClubWorld) -> None:
    for name in ("ann", "ben"):
        reply = await world.command("read", {"resource": ATTENTION}, user=name)
        assert "Marked" in reply["content"] or "read" in reply["content"].lower()
    await members(world, "ann", "ben")

    popular = await world.command("popular", user="cat")
    assert popular["flags"] & EPHEMERAL
    text = embed_text(popular)
    assert "Popular in this server · this week" in text
    assert "**2** · [Attention Is All You Need]" in text
    assert "2 readings finished by 2 members" in text
    for name in ("ann", "ben"):  # counts, never names
        assert str(uid(world, name)) not in text and name.title() not in text

    quiet = await world.command("popular", {"period": "all"}, user="cat")
    assert "all time" in embed_text(quiet)
    for bad in ("💥", "x" * 5000, "@everyone"):  # a crafted request can send any period
        refused = await world.command(
            "popular" if bad != "@everyone" else "leaderboard", {"period": bad}, user="cat"
        )
        assert refused["flags"] & EPHEMERAL and "week, month or all" in refused["content"]
        assert "@everyone" not in refused["content"].replace("\\@everyone", "")

    board = await world.command("leaderboard", user="ann")
    text = embed_text(board)
    assert "Nobody who chose to be shown" in text
    assert "2 more members read without being shown" in text
    assert str(uid(world, "ann")) not in text
    assert custom_ids(board) == ["deepread:lb:on", "deepread:lb:off"]

    click = await world.env.click("deepread:lb:on", message=board["id"], user="ann")
    assert "You're on this server's leaderboards" in (await world.env.reply(click))["content"]
    board = await world.command("leaderboard", {"public": True}, user="ben")
    assert not board["flags"] & EPHEMERAL
    text = embed_text(board)
    assert f"1. <@{uid(world, 'ann')}> · 1 reading" in text
    assert str(uid(world, "ben")) not in text
    assert "1 more member read without being shown" in text
    request = next(
        r
        for r in reversed(world.env.fake.requests)
        if r.path.endswith("/callback") and "Leaderboard" in str(r.json)
    )
    assert request.json["data"]["allowed_mentions"]["parse"] == []  # shown, never pinged

    click = await world.env.click("deepread:lb:off", message=board["id"], user="ann")
    assert "You're off the leaderboards" in (await world.env.reply(click))["content"]
    assert "Nobody who chose" in embed_text(await world.command("leaderboard", user="ann"))

    mine = await world.command("next", user="ann")
    text = embed_text(mine)
    assert text.startswith(("You're ready for", "Good places to start"))
    assert "1. **" in text and "Attention Is All You Need" not in text.split("after")[0]
    fresh = await world.command("next", user="dan")
    assert embed_text(fresh).startswith("Good places to start")
    group = await world.command("next", {"group": True}, user="dan")
    text = embed_text(group)
    assert text.startswith("What this server is ready for next")
    assert "2 active readers" in text


async def test_forgetme_leaves_no_vote_membership_or_leaderboard_place(world: ClubWorld) -> None:
    fake = world.env.fake
    options = {
        "channel": str(fake.channel_id),
        "cadence": "weekly",
        "day": "Thursday",
        "time": "19:00",
        "timezone": "Europe/Berlin",
    }
    await world.club("start", options)
    await world.wait_for_poll()
    await world.club("pick", {"resource": ATTENTION})
    await fake.wait_for_request(lambda r: len(world.announcements()) == 1)
    [announcement] = world.announcements()

    click = await world.env.click(f"deepread:fb:u:c:{ATTENTION}", message=announcement, user="ann")
    assert "1 member found it useful" in (await world.env.reply(click))["content"]
    await world.command("read", {"resource": ATTENTION}, user="ann")
    board = await world.command("leaderboard", user="ann")
    click = await world.env.click("deepread:lb:on", message=board["id"], user="ann")
    await world.env.reply(click)
    await members(world, "ann")
    status = await world.club("status", user="ann")
    assert f"<@{uid(world, 'ann')}>" in status["content"]  # opted in: named as finished

    ask = await world.command("forgetme", user="ann")
    confirm = next(
        c["custom_id"]
        for row in ask["components"]
        for c in row["components"]
        if c["label"] == "Delete everything"
    )
    click = await world.env.click(confirm, message=ask["id"], user="ann")
    await world.env.wait_for_followup(click)
    assert world.service is not None
    ann = uid(world, "ann")
    counts = await world.service.feedback(fake.guild_id, ATTENTION, user_id=ann)
    assert (counts.useful, counts.not_for_us, counts.mine) == (0, 0, None)
    assert ann not in await world.service.active_members(fake.guild_id)
    assert not await world.service.leaderboard_opt_in(ann)
    board = await world.service.leaderboard(fake.guild_id, "all")
    assert board.rows == () and board.hidden == 0
    status = await world.service.club_status(fake.guild_id)
    assert status.finished == 0 and status.finished_by == ()


async def test_a_failing_interaction_observer_is_logged_and_nothing_else_stops(
    world: ClubWorld, caplog: pytest.LogCaptureFixture
) -> None:
    bot = world.env.bot
    assert bot is not None
    told: list[int] = []

    def broken(interaction: Any) -> None:
        told.append(interaction.id)
        raise RuntimeError("an observer's bug")

    stop = bot.observe_interactions(broken)
    try:
        reply = await world.command("read", {"resource": ATTENTION}, user="ann")
        assert "Marked" in reply["content"] or "read" in reply["content"].lower()
        await members(world, "ann")  # the community cog's observer is told all the same
    finally:
        stop()
    assert len(told) == 1 and "an interaction observer failed" in caplog.text
    await world.command("read", {"resource": ATTENTION}, user="ben")
    assert len(told) == 1  # stopped: no longer told
