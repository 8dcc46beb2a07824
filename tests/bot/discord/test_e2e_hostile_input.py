"""What a tampered client, odd Unicode and a failing Discord do to the bot, end to end.

Real client, real Engine over the real catalog, real Service over a temporary SQLite file.
"""

from __future__ import annotations

import datetime as dt
import re

import discord.http
import pytest

from bot.discord.errors import PLACEHOLDER_STAND_IN
from tests.bot.discord.commands_support import answer, component, stored
from tests.bot.discord.real_services import real_catalog, real_services
from tests.fake_discord.faults import NoRetryWait
from tests.fake_discord.harness import DiscordEnv

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

discord_services = real_services
EPHEMERAL, LOADING = 64, 128


async def entries(env: DiscordEnv, who: str) -> dict[str, str]:
    assert env.bot is not None
    uid = int(env.fake.make_user(who)["id"])
    return {e.resource_id: e.status for e in await env.bot.services.service.entries(uid)}


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("recommend", {"topic": "rnn \udcff"}),
        ("paper", {"query": "dropout \udcff"}),
        ("ask", {"question": "how do lstms work \ud800"}),
        ("path", {"topic": "rnn \udfff"}),
    ],
)
async def test_a_lone_surrogate_in_an_option_gets_an_answer_not_an_apology(
    discord_env: DiscordEnv, command: str, options: dict[str, str]
) -> None:
    record = await discord_env.send_command(command, options, user="surrogate")
    data, _ = await answer(discord_env, record)
    shown = str(data.get("content")) + str(data.get("embeds"))
    assert "went wrong" not in shown and "error id" not in shown
    assert "\\udcff" not in str(record.followups) or "\ufffd" in shown  # sent as valid text


async def pick(
    env: DiscordEnv, who: str, values: list[str]
) -> tuple[str, dict[str, str], list[str]]:
    """Send a selection in /recommend's "Mark as read" select: (the reply, entries, offered)."""
    record = await env.send_command("recommend", {"topic": "rnn beginner"}, user=who)
    data, _ = await answer(env, record)
    select = component(data, "Mark as read")
    offered = [o["value"] for o in select["options"]]
    chosen = [offered[0] if v == "OFFERED" else v for v in values]
    message = stored(env, record)
    click = await env.click(select["custom_id"], message=message, user=who, values=chosen)
    callback = await env.wait_for_callback(click)
    assert callback["type"] in (4, 6, 7)  # a private refusal, or the list updated (or deferred)
    if callback["type"] == 4:
        assert int(callback["data"].get("flags") or 0) & EPHEMERAL
        return str(callback["data"].get("content")), await entries(env, who), offered
    if callback["type"] == 6:  # deferred: the list is edited through the webhook
        await env.wait_for_followup(click, count=1)
    # The click is answered by the edit of the list alone, with a line saying what was done.
    edited = env.fake.messages[int(message["id"])]
    return str(edited.get("content")), await entries(env, who), offered


async def test_a_selection_of_values_never_offered_writes_nothing(
    discord_env: DiscordEnv,
) -> None:
    elsewhere = next(r.id for r in real_catalog() if r.kind == "paper" and r.level == "advanced")
    reply, written, _ = await pick(discord_env, "tamperer", [elsewhere, "not-a-resource"])
    assert "None of that is on this list" in reply
    assert written == {}


async def test_a_partly_valid_selection_marks_only_what_was_offered(
    discord_env: DiscordEnv,
) -> None:
    elsewhere = next(r.id for r in real_catalog() if r.kind == "paper" and r.level == "advanced")
    reply, written, offered = await pick(discord_env, "half", ["OFFERED", elsewhere, "OFFERED"])
    assert written == {offered[0]: "done"}
    assert reply.count("Marked") == 1 and "Ignored 1 choice that is not on this list" in reply


async def test_read_of_a_resource_that_left_the_catalog_marks_it_again(
    discord_env: DiscordEnv,
) -> None:
    assert discord_env.bot is not None
    service = discord_env.bot.services.service
    uid = int(discord_env.fake.make_user("keeper")["id"])
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    await service.store.mark(
        uid, "a-paper-since-removed", title="A paper since removed", status="saved",
        rating=None, now=now,
    )  # fmt: skip
    assert real_catalog().by_id("a-paper-since-removed") is None
    record = await discord_env.send_command(
        "read", {"resource": "a-paper-since-removed"}, user="keeper"
    )
    data, private = await answer(discord_env, record)
    assert private and "A paper since removed" in data["content"]
    assert "not sure" not in data["content"]
    assert (await entries(discord_env, "keeper"))["a-paper-since-removed"] == "done"


async def test_lasting_500s_on_followups_leave_the_user_something_to_see(
    discord_env: DiscordEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord.http, "asyncio", NoRetryWait())
    fake = discord_env.fake
    fake.webhook_failures["POST"] = (500, 0, "Internal Server Error")
    try:
        record = await discord_env.send_command("slowboom", user="unlucky")
        assert (await discord_env.wait_for_callback(record))["type"] == 5
        await fake.wait_for_request(
            lambda r: r.method == "POST" and record.token in r.path and "/webhooks/" in r.path
        )
        original = fake.messages[record.original_message_id or 0]  # not deleted
        assert original["content"] == PLACEHOLDER_STAND_IN
        assert not int(original["flags"]) & EPHEMERAL and "error id" not in original["content"]
        # Failing everywhere: the "thinking…" placeholder itself stays.
        fake.webhook_failures.update(
            {method: (500, 0, "Internal Server Error") for method in ("PATCH", "DELETE", "GET")}
        )
        again = await discord_env.send_command("slowboom", user="unlucky")
        assert (await discord_env.wait_for_callback(again))["type"] == 5
        since = len(fake.requests)
        await fake.wait_for_request(
            lambda r: again.token in r.path and r.method in ("GET", "PATCH"), since=since - 5
        )
        placeholder = fake.messages[again.original_message_id or 0]
        assert int(placeholder["flags"]) & LOADING
    finally:
        fake.webhook_failures.clear()
    assert not [
        m
        for m in fake.messages.values()
        if re.search(r"error id", str(m.get("content"))) and not int(m["flags"]) & EPHEMERAL
    ]
