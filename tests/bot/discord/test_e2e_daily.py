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
from tests.fake_discord import payloads as p

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
    assert custom_ids(post) == [
        f"deepread:mark:{rid}",
        f"deepread:save:{rid}",
        f"deepread:fb:u:d:{rid}",
        f"deepread:fb:n:d:{rid}",
    ]
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
    assert body["data"]["flags"] & EPHEMERAL  # deferred privately, then the confirmation
    assert (await world.env.reply(click))["content"].startswith("Marked **")
    bob = int(world.env.fake.make_user("bob")["id"])
    assert world.service is not None
    assert [e.resource_id for e in await world.service.reading_list(bob)] == [rid]

    # The next day brings a different resource.
    world.clock.set(SLOT + dt.timedelta(days=1, minutes=5))
    [second] = await world.tick()
    assert second.outcome.value == "posted" and second.resource_id != rid
    assert len(world.posts()) == 2


async def test_a_bot_that_was_down_at_the_slot_posts_when_back_the_same_day(
    world: DailyWorld,
) -> None:
    await configure(world)
    await world.env.stop_bot()
    world.clock.set(dt.datetime(2026, 3, 10, 13, 0, tzinfo=UTC))  # 14:00 in Berlin
    since = len(world.env.fake.requests)
    await world.start()
    # No test tick: the loop's first pass, right after ready, catches up on its own.
    path = f"/channels/{world.env.fake.channel_id}/messages"
    await world.env.fake.wait_for_request(
        lambda r: r.method == "POST" and r.path == path, since=since
    )
    assert await world.outcomes() == []
    assert len(world.posts()) == 1


@pytest.mark.parametrize(
    ("failure", "shown"),
    [
        ((403, 50013, "Missing Permissions"), "Missing Permissions"),
        ((404, 10003, "Unknown Channel"), "no longer exists"),
    ],
)
async def test_a_closed_or_deleted_channel_turns_the_schedule_off(
    world: DailyWorld, failure: tuple[int, int, str], shown: str
) -> None:
    await configure(world)
    world.env.fake.message_failures[world.env.fake.channel_id] = failure
    world.clock.set(SLOT)
    assert await world.outcomes() == ["disabled"]
    world.clock.set(SLOT + dt.timedelta(minutes=1))
    assert await world.outcomes() == []  # off: no second attempt
    assert world.post_attempts() == 1 and world.posts() == []
    status = str((await world.daily("status"))["content"])
    assert "Daily reading is off" in status and shown in status
    assert "Last post:** none yet" in status


async def test_a_server_error_is_retried_at_the_next_tick_the_same_day(world: DailyWorld) -> None:
    await configure(world)
    channel = world.env.fake.channel_id
    world.env.fake.message_failures[channel] = (503, 0, "Service Unavailable")
    world.clock.set(SLOT)
    assert await world.outcomes() == ["retry"]
    status = str((await world.daily("status"))["content"])
    assert "Daily reading is on" in status and "503" in status and "due now" in status

    del world.env.fake.message_failures[channel]
    world.clock.set(SLOT + dt.timedelta(minutes=1))
    assert await world.outcomes() == ["posted"]
    assert world.post_attempts() == 2 and len(world.posts()) == 1
    status = str((await world.daily("status"))["content"])
    assert "Last error:** none" in status and "Last post:** 2026-03-10" in status


async def test_a_single_500_is_absorbed_without_losing_or_doubling_the_post(
    world: DailyWorld,
) -> None:
    # discord.py itself retries a 500 after a second; the post still goes out exactly once.
    # (A 500 that outlasts those retries surfaces as the 503 case above: retried next tick.)
    await configure(world)
    channel = world.env.fake.channel_id
    world.env.fake.message_failures[channel] = (500, 0, "Internal Server Error")
    world.env.fake.message_failure_budget[channel] = 1
    world.clock.set(SLOT)
    assert await world.outcomes() == ["posted"]
    assert world.post_attempts() == 2 and len(world.posts()) == 1


async def test_only_members_who_can_manage_the_server_may_use_daily(world: DailyWorld) -> None:
    command = world.env.registered_command("daily")
    assert command is not None
    assert int(command["default_member_permissions"]) == 1 << 5
    assert command.get("contexts") == [0] or command.get("dm_permission") is False
    for sub in ("status", "off", "preview", "now"):
        reply = await world.daily(sub, user="bob")
        assert reply["flags"] & EPHEMERAL
        assert "Manage Server" in str(reply["content"]), sub
    reply = await world.daily(
        "set",
        {"channel": str(world.env.fake.channel_id), "time": "08:30", "timezone": "UTC"},
        user="bob",
    )
    assert "Manage Server" in str(reply["content"])
    assert world.service is not None
    assert (await world.service.guild_settings(world.env.fake.guild_id)).channel_id is None


async def test_invalid_input_gets_a_clear_message_and_saves_nothing(world: DailyWorld) -> None:
    fake = world.env.fake
    voice = await fake.add_channel("Lounge", channel_type=2)
    no_embeds = await fake.add_channel(
        "plain-text", overwrites=[p.overwrite(fake.app_id, deny=1 << 14)]
    )
    cases = [
        ({"time": "25:99"}, "not a valid time"),
        ({"time": "7pm"}, "'7pm' is not a time"),
        ({"timezone": "Mars/Olympus_Mons"}, "Unknown timezone 'Mars/Olympus_Mons'"),
        ({"timezone": "berln"}, "Did you mean"),
        ({"channel": str(voice)}, "voice channel: daily posts need a text channel"),
        ({"channel": str(no_embeds)}, "missing **Embed Links**"),
        ({"topic": "quantum knitting"}, "No topic matches 'quantum knitting'"),
        ({"topic": "dialog", "level": "beginner"}, "Nothing about Dialog and QA"),
    ]
    for change, expected in cases:
        options = {
            "channel": str(fake.channel_id),
            "time": "08:30",
            "timezone": "Europe/Berlin",
            **change,
        }
        reply = await world.daily("set", options)
        assert reply["flags"] & EPHEMERAL
        assert expected in str(reply["content"]), (change, reply["content"])
    assert world.service is not None
    saved = await world.service.guild_settings(fake.guild_id)
    assert saved.channel_id is None and not saved.enabled
    status = str((await world.daily("status"))["content"])
    assert "not set up here yet" in status


async def test_preview_then_now_counts_as_todays_post(world: DailyWorld) -> None:
    await configure(world, topic="cnn")
    preview = await world.daily("preview")
    assert preview["flags"] & EPHEMERAL
    assert preview["embeds"][0]["title"] == "Next reading (preview)"
    assert world.posts() == []

    now = await world.daily("now")
    assert "Posted today's reading" in str(now["content"])
    [post] = world.posts()
    previewed = preview["embeds"][0]["description"].splitlines()[0]
    assert post["embeds"][0]["description"].splitlines()[0] == previewed

    world.clock.set(SLOT + dt.timedelta(minutes=2))
    assert await world.outcomes() == []  # /daily now claimed today
    again = await world.daily("now")
    assert "already out" in str(again["content"])
    assert len(world.posts()) == 1

    off = await world.daily("off")
    assert "off" in str(off["content"])
    world.clock.set(SLOT + dt.timedelta(days=1))
    assert await world.outcomes() == []
    status = str((await world.daily("status"))["content"])
    assert "Daily reading is off" in status and "Last post:** 2026-03-10" in status


async def test_what_members_have_read_is_suggested_last(world: DailyWorld) -> None:
    await configure(world, topic="cnn", level="intermediate")
    runner = world.cog.runner
    assert runner is not None and world.service is not None
    first, second = runner.candidates("cnn", "intermediate")[:2]
    catalog = world.service.catalog

    async def previewed() -> str:
        reply = await world.daily("preview")
        return str(reply["embeds"][0]["description"]).splitlines()[0]

    assert catalog.by_id(first).title in await previewed()
    for name in ("bob", "carol"):  # members: Discord confirms them by id, no intent needed
        await world.service.mark(int(world.env.fake.make_user(name)["id"]), first, "done")
    assert catalog.by_id(second).title in await previewed()
    world.env.fake.non_members.update(
        int(world.env.fake.make_user(name)["id"]) for name in ("bob", "carol")
    )
    assert catalog.by_id(first).title in await previewed()  # reads elsewhere do not count


async def test_weekly_posts_on_the_weekday_it_was_set(world: DailyWorld) -> None:
    reply = str((await configure(world, frequency="weekly"))["content"])
    assert "weekly on Tuesday" in reply and f"<t:{int(SLOT.timestamp())}:F>" in reply
    world.clock.set(SLOT + dt.timedelta(days=1))  # Wednesday: nothing
    assert await world.outcomes() == []
    world.clock.set(SLOT + dt.timedelta(days=7))  # next Tuesday
    assert await world.outcomes() == ["posted"]
    command = world.env.registered_command("daily")
    assert command is not None
    [set_spec] = [o for o in command["options"] if o["name"] == "set"]
    [channel] = [o for o in set_spec["options"] if o["name"] == "channel"]
    assert channel["channel_types"] == [0, 5]  # Discord offers text channels only


async def test_timezone_and_topic_autocomplete(world: DailyWorld) -> None:
    env = world.env
    options = {"channel": str(env.fake.channel_id), "time": "08:30", "timezone": "new york"}
    record = await env.send_subcommand("daily", "set", options, focused="timezone")
    choices = (await env.wait_for_callback(record))["data"]["choices"]
    assert choices[0]["value"] == "America/New_York"
    record = await env.send_subcommand(
        "daily", "set", {**options, "topic": "recur"}, focused="topic"
    )
    choices = (await env.wait_for_callback(record))["data"]["choices"]
    assert choices[0] == {"name": "Recurrent networks", "value": "rnn"}
