"""The fake Discord speaks polls, threads on messages and scheduled events the way discord.py
2.6 expects: every check here goes through the real client's own API (`channel.send(poll=)`,
`message.end_poll()`, `answer.voters()`, `message.create_thread()`,
`guild.create_scheduled_event()`) against the fake, so a payload the library cannot read, or a
rule Discord enforces that the fake lets through, fails here before it fools a bot test.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import discord
import pytest
import pytest_asyncio

from bot.discord.client import DeepreadBot
from tests.fake_discord import permissions as perms
from tests.fake_discord import polls, threads
from tests.fake_discord.harness import DiscordEnv

pytestmark = pytest.mark.asyncio(loop_scope="module")

UTC = dt.UTC


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@pytest_asyncio.fixture(loop_scope="module")
async def env(discord_env: DiscordEnv) -> AsyncIterator[DiscordEnv]:
    """The module's bot, with the fake's permissions and clock put back after each test."""
    fake = discord_env.fake
    fake.clock = Clock(dt.datetime.now(UTC))
    yield discord_env
    await perms.set_bot_permissions(fake, perms.BOT_ROLE_DEFAULT)
    await perms.set_overwrites(fake, fake.channel_id, [])


def bot(env: DiscordEnv) -> DeepreadBot:
    assert env.bot is not None
    return env.bot


def channel(env: DiscordEnv) -> discord.TextChannel:
    found = bot(env).get_channel(env.fake.channel_id)
    assert isinstance(found, discord.TextChannel)
    return found


def a_poll(hours: int = 24, *answers: str) -> discord.Poll:
    poll = discord.Poll(question="What do we read next?", duration=dt.timedelta(hours=hours))
    for text in answers or ("Attention Is All You Need", "ResNet", "Adam"):
        poll.add_answer(text=text)
    return poll


async def until(condition: object, timeout: float = 2.0) -> None:
    async def wait() -> None:
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.01)

    await asyncio.wait_for(wait(), timeout)


# polls ---------------------------------------------------------------------------------------


async def test_a_poll_is_stored_voted_on_and_read_back(env: DiscordEnv) -> None:
    fake = env.fake
    sent = await channel(env).send(poll=a_poll(24))
    stored = fake.messages[sent.id]["poll"]
    assert [a["answer_id"] for a in stored["answers"]] == [1, 2, 3]
    assert stored["allow_multiselect"] is False
    assert sent.poll is not None and sent.poll.duration == dt.timedelta(hours=24)
    expiry = dt.datetime.fromisoformat(stored["expiry"])
    assert expiry == fake.clock() + dt.timedelta(hours=24)

    heard: list[tuple[int, int]] = []

    async def on_raw_poll_vote_add(event: discord.RawPollVoteActionEvent) -> None:
        heard.append((event.user_id, event.answer_id))

    bot(env).add_listener(on_raw_poll_vote_add)
    try:
        await env.vote(sent.id, 2, user="ann")
        await env.vote(sent.id, 2, user="ben")
        await env.vote(sent.id, 1, user="cat")
        await env.vote(sent.id, 3, user="cat")  # changes her mind: one vote moves
        await until(lambda: len(heard) == 4)
    finally:
        bot(env).remove_listener(on_raw_poll_vote_add)
    ids = {n: int(fake.make_user(n)["id"]) for n in ("ann", "ben", "cat")}
    assert heard == [(ids["ann"], 2), (ids["ben"], 2), (ids["cat"], 1), (ids["cat"], 3)]

    again = await channel(env).fetch_message(sent.id)
    assert again.poll is not None and not again.poll.is_finalised()
    assert {a.id: a.vote_count for a in again.poll.answers} == {1: 0, 2: 2, 3: 1}
    second = again.poll.get_answer(2)
    assert second is not None
    voters = [u.id async for u in second.voters()]
    assert sorted(voters) == sorted([ids["ann"], ids["ben"]])
    assert [u.id async for u in second.voters(limit=1)] == [min(ids["ann"], ids["ben"])]


async def test_ending_a_poll_finalizes_it_and_posts_the_result(env: DiscordEnv) -> None:
    fake = env.fake
    sent = await channel(env).send(poll=a_poll(1))
    await env.vote(sent.id, 1, user="ann")
    await env.vote(sent.id, 1, user="ben")
    await env.vote(sent.id, 3, user="cat")
    ended = await sent.end_poll()
    assert ended.poll is not None and ended.poll.is_finalised()
    assert {a.id: a.vote_count for a in ended.poll.answers} == {1: 2, 2: 0, 3: 1}
    [result] = [
        m
        for m in threads.messages_in(fake, fake.channel_id)
        if m["type"] == polls.POLL_RESULT_TYPE
        and m["message_reference"]["message_id"] == str(sent.id)
    ]
    fields = {f["name"]: f["value"] for f in result["embeds"][0]["fields"]}
    assert fields["victor_answer_id"] == "1" and fields["total_votes"] == "3"
    with pytest.raises(discord.HTTPException) as again:
        await sent.end_poll()
    assert again.value.code == 520001
    with pytest.raises(polls.PollError):
        await env.vote(sent.id, 2, user="dan")  # too late


async def test_a_poll_closes_by_the_clock_and_a_tie_has_no_victor(env: DiscordEnv) -> None:
    fake = env.fake
    assert isinstance(fake.clock, Clock)
    sent = await channel(env).send(poll=a_poll(2))
    await env.vote(sent.id, 1, user="ann")
    await env.vote(sent.id, 2, user="ben")
    fake.clock.now += dt.timedelta(hours=1, minutes=59)
    assert not (await channel(env).fetch_message(sent.id)).poll.is_finalised()  # type: ignore[union-attr]
    fake.clock.now += dt.timedelta(minutes=1)
    read = await channel(env).fetch_message(sent.id)
    assert read.poll is not None and read.poll.is_finalised()
    assert read.poll.victor_answer_id is None
    result = next(
        m
        for m in fake.messages.values()
        if m.get("message_reference", {}).get("message_id") == str(sent.id)
    )
    names = [f["name"] for f in result["embeds"][0]["fields"]]
    assert "victor_answer_id" not in names  # a tie: Discord names no winner


@pytest.mark.parametrize(
    ("poll", "problem"),
    [
        (lambda: a_poll(24, "x" * 56, "short"), "poll_media.text"),
        (lambda: a_poll(24, *[f"answer {i}" for i in range(11)]), "poll.answers"),
        (lambda: a_poll(24 * 33), "poll.duration"),
    ],
)
async def test_discords_poll_limits_are_enforced(
    env: DiscordEnv, poll: object, problem: str
) -> None:
    with pytest.raises(discord.HTTPException) as refused:
        await channel(env).send(poll=poll())  # type: ignore[operator]
    assert refused.value.status == 400 and problem in refused.value.text


async def test_a_poll_needs_the_create_polls_permission(env: DiscordEnv) -> None:
    await perms.set_bot_permissions(env.fake, perms.BOT_ROLE_DEFAULT & ~perms.SEND_POLLS)
    await until(lambda: not channel(env).permissions_for(channel(env).guild.me).send_polls)
    with pytest.raises(discord.Forbidden) as refused:
        await channel(env).send(poll=a_poll())
    assert refused.value.code == 50013


# threads -------------------------------------------------------------------------------------


async def test_a_thread_on_a_message_takes_posts(env: DiscordEnv) -> None:
    fake = env.fake
    created: list[discord.Thread] = []

    async def on_thread_create(thread: discord.Thread) -> None:
        created.append(thread)

    bot(env).add_listener(on_thread_create)
    try:
        message = await channel(env).send("This week: ResNet")
        thread = await message.create_thread(name="ResNet", auto_archive_duration=1440)
        await until(lambda: len(created) == 1)
    finally:
        bot(env).remove_listener(on_thread_create)
    assert thread.id == message.id and thread.parent_id == fake.channel_id
    assert created[0].id == thread.id and created[0].name == "ResNet"
    assert fake.channels[thread.id]["type"] == 11
    assert fake.messages[message.id]["thread"]["id"] == str(thread.id)
    await thread.send("What does the skip connection buy us?")
    [prompt] = threads.messages_in(fake, thread.id)
    assert prompt["content"].startswith("What does the skip")
    with pytest.raises(discord.HTTPException) as twice:
        await message.create_thread(name="again")
    assert twice.value.code == 160004
    assert str(thread.id) not in [c["id"] for c in fake.guild_payload()["channels"]]
    assert str(thread.id) in [c["id"] for c in fake.guild_payload()["threads"]]


async def test_threads_need_their_permissions(env: DiscordEnv) -> None:
    fake = env.fake
    cid = fake.channel_id
    message = await channel(env).send("needs a thread")
    await perms.set_overwrites(fake, cid, perms.deny_bot(cid, fake, perms.CREATE_PUBLIC_THREADS))
    await until(
        lambda: not channel(env).permissions_for(channel(env).guild.me).create_public_threads
    )
    with pytest.raises(discord.Forbidden) as refused:
        await message.create_thread(name="no")
    assert refused.value.code == 50013
    await perms.set_overwrites(fake, cid, [])

    thread = await message.create_thread(name="yes")
    await perms.set_overwrites(fake, cid, perms.deny_bot(cid, fake, perms.SEND_MESSAGES_IN_THREADS))
    with pytest.raises(discord.Forbidden):
        await thread.send("muted in threads")
    await channel(env).send("still fine in the channel itself")


# scheduled events ----------------------------------------------------------------------------


async def test_scheduled_events_need_manage_events(env: DiscordEnv) -> None:
    fake = env.fake
    guild = channel(env).guild
    start = fake.clock() + dt.timedelta(days=2)
    what = {
        "name": "Reading club: ResNet",
        "start_time": start,
        "end_time": start + dt.timedelta(hours=1),
        "entity_type": discord.EntityType.external,
        "privacy_level": discord.PrivacyLevel.guild_only,
        "location": "#study-group",
        "description": "We discuss ResNet.",
    }
    with pytest.raises(discord.Forbidden):
        await guild.create_scheduled_event(**what)  # type: ignore[call-overload]
    assert fake.scheduled_events == {}

    await perms.set_bot_permissions(fake, perms.BOT_ROLE_DEFAULT | perms.MANAGE_EVENTS)
    event = await guild.create_scheduled_event(**what)  # type: ignore[call-overload]
    assert event.name == "Reading club: ResNet" and event.start_time == start
    assert event.location == "#study-group"
    await until(lambda: guild.get_scheduled_event(event.id) is not None)
    listed = await guild.fetch_scheduled_events()
    assert [e.id for e in listed] == [event.id]

    moved = await event.edit(start_time=start + dt.timedelta(minutes=30))
    assert moved.start_time == start + dt.timedelta(minutes=30)
    with pytest.raises(discord.HTTPException) as past:
        await guild.create_scheduled_event(
            **{**what, "start_time": fake.clock() - dt.timedelta(minutes=1)}
        )  # type: ignore[call-overload]
    assert past.value.status == 400
    await event.delete()
    assert fake.scheduled_events == {}
    with pytest.raises(discord.NotFound):
        await guild.fetch_scheduled_event(event.id)
