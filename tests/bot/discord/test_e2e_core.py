"""End to end through the real discord.py client and the fake Discord: one bot for the module."""

from __future__ import annotations

import asyncio
import logging
import re

import discord
import pytest

from bot.discord import limits
from bot.discord.exts.help.content import ENTRIES
from bot.discord.formatting import discord_len
from tests.fake_discord.harness import DiscordEnv

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

EPHEMERAL = 64
NO_MENTIONS = {"parse": []}


def embed_total(embed: dict) -> int:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [embed.get("footer", {}).get("text", ""), embed.get("author", {}).get("name", "")]
    for f in embed.get("fields", []):
        parts += [f["name"], f["value"]]
    return sum(discord_len(p or "") for p in parts)


async def test_login_uses_only_known_routes_and_default_intents(discord_env: DiscordEnv) -> None:
    fake = discord_env.fake
    identify = next(f for f in fake.gateway.received if f["op"] == 2)
    assert identify["d"]["intents"] == discord.Intents.default().value
    assert identify["d"]["shard"] == [0, 1]
    assert fake.unhandled == []
    assert {c["name"] for c in fake.global_commands} >= {"help", "echo", "boom"}
    bot_routes = [r for r in fake.requests if "/interactions/" not in r.path]
    bot_routes = [r for r in bot_routes if "/webhooks/" not in r.path]
    assert all(r.authorized for r in bot_routes)


async def test_help_lists_commands_in_an_ephemeral_embed(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("help")
    body = await discord_env.wait_for_callback(record)
    assert body["type"] == 4
    data = body["data"]
    assert data["flags"] & EPHEMERAL
    assert data["allowed_mentions"] == NO_MENTIONS
    (embed,) = data["embeds"]
    assert embed_total(embed) <= limits.EMBED_TOTAL
    available, _, coming = embed["description"].partition("**Coming soon**")
    assert "`/help`" in available
    assert discord_env.bot is not None
    registered = {c.name for c in discord_env.bot.tree.get_commands()}
    for entry in ENTRIES:  # the real commands are listed as available, the others as coming
        if entry.name in registered:
            assert f"`{entry.usage}`" in available and f"`/{entry.name}`" not in coming
        else:
            assert f"`/{entry.name}`" in coming
    assert {"recommend", "paper", "ask", "similar", "path", "forgetme", "daily"} <= registered
    real = {
        c.name
        for c in discord_env.bot.tree.get_commands()
        if (c.module or "").startswith("bot.discord.exts.")
    }  # every command of deepread's own extensions has its line in /help
    assert real and real <= {e.name for e in ENTRIES}, real - {e.name for e in ENTRIES}
    assert record.latency is not None and record.latency < limits.INTERACTION_DEADLINE_S


async def test_help_works_in_direct_messages(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("help", in_guild=False)
    reply = await discord_env.reply(record)
    assert reply["embeds"] and reply["flags"] & EPHEMERAL


async def test_unknown_command_gets_a_friendly_hint(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("no-such-command")
    data = (await discord_env.wait_for_callback(record))["data"]
    assert data["flags"] & EPHEMERAL
    assert "/help" in data["content"]
    assert "error id" not in data["content"]


async def test_broken_command_replies_with_error_id_and_logs_it(
    discord_env: DiscordEnv, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.discord")
    record = await discord_env.send_command("boom")
    data = (await discord_env.wait_for_callback(record))["data"]
    assert data["flags"] & EPHEMERAL
    match = re.search(r"error id `([0-9a-f]{8})`", data["content"])
    assert match, data["content"]
    assert "kaboom" not in data["content"]
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info and "kaboom" in str(logged[0].exc_info[1])
    # The bot survived: the next command still works.
    again = await discord_env.send_command("help")
    assert (await discord_env.wait_for_callback(again))["type"] == 4


async def test_user_facing_error_shows_message_and_suggestion(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("oops")
    data = (await discord_env.wait_for_callback(record))["data"]
    assert data["flags"] & EPHEMERAL
    assert data["content"] == "Nothing matched that topic.\n-# Try a broader topic."


async def test_slow_command_defers_then_follows_up(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("slow", {"seconds": 0.2})
    body = await discord_env.wait_for_callback(record)
    assert body["type"] == 5
    assert record.latency is not None and record.latency < 0.2
    followup = await discord_env.reply(record)
    assert followup["content"] == "done after 0.2 s"
    assert followup["allowed_mentions"] == NO_MENTIONS
    # The followup filled in the "thinking…" message rather than posting a second one.
    assert (
        discord_env.fake.messages[record.original_message_id or 0]["content"] == followup["content"]
    )


async def test_failure_after_a_public_defer_is_apologised_for_privately(
    discord_env: DiscordEnv,
) -> None:
    record = await discord_env.send_command("slowboom")
    assert (await discord_env.wait_for_callback(record))["type"] == 5
    # The public "thinking…" placeholder becomes a neutral line, the apology a new, private
    # message; then the line is deleted.
    stand_in = await discord_env.wait_for_followup(record)
    assert "error id" not in stand_in["content"]
    followup = await discord_env.wait_for_followup(record, count=2)
    assert re.search(r"error id `[0-9a-f]{8}`", followup["content"])
    await discord_env.fake.wait_for_request(lambda r: r.method == "DELETE")
    assert record.original_message_id not in discord_env.fake.messages
    apology = record.results[-1]
    assert apology["flags"] & EPHEMERAL and apology["content"] == followup["content"]
    assert not [
        m
        for m in discord_env.fake.messages.values()
        if "went wrong" in m["content"] and not m["flags"] & EPHEMERAL
    ]


HOSTILE = (
    "@everyone @here <@123456789012345678> <@&42> **bold** `x`\n# heading\n1. list\n" + "é" * 3000
)


async def test_hostile_input_is_escaped_clipped_and_never_pings(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("echo", {"text": HOSTILE})
    data = (await discord_env.wait_for_callback(record))["data"]
    content = data["content"]
    assert discord_len(content) <= limits.MESSAGE_CONTENT and content.endswith("…")
    assert "@everyone" not in content and "@here" not in content  # zero-width space inserted
    assert "\\*\\*bold\\*\\*" in content and "\\# heading" in content and "1\\. list" in content
    assert data["allowed_mentions"] == NO_MENTIONS


async def test_autocomplete_respects_choice_limits(discord_env: DiscordEnv) -> None:
    record = await discord_env.autocomplete("topic", {"name": "atten"}, focused="name")
    body = await discord_env.wait_for_callback(record)
    assert body["type"] == 8
    choices = body["data"]["choices"]
    assert 0 < len(choices) <= limits.AUTOCOMPLETE_CHOICES
    assert all(discord_len(c["name"]) <= limits.CHOICE_NAME for c in choices)
    assert choices[0]["name"].startswith("atten topic 0")


async def test_view_refuses_other_users_politely(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("pick", user="alice")
    await discord_env.wait_for_callback(record)
    message_id = record.original_message_id
    assert message_id is not None
    refused = await discord_env.click("test:pick", message=message_id, user="bob")
    body = await discord_env.wait_for_callback(refused)
    assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL
    assert "belong to" in body["data"]["content"]
    assert discord_env.fake.messages[message_id]["content"] == "pick one"
    accepted = await discord_env.click("test:pick", message=message_id, user="alice")
    body = await discord_env.wait_for_callback(accepted)
    assert body["type"] == 7
    assert discord_env.fake.messages[message_id]["content"] == "picked by alice"


async def test_view_error_is_reported_with_an_id(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("pick")
    await discord_env.wait_for_callback(record)
    click = await discord_env.click("test:break", message=record.original_message_id or 0)
    body = await discord_env.wait_for_callback(click)
    assert body["data"]["flags"] & EPHEMERAL
    assert re.search(r"error id `[0-9a-f]{8}`", body["data"]["content"])


async def test_view_timeout_disables_its_buttons(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("pick", {"timeout": 0.2})
    await discord_env.wait_for_callback(record)
    edit = await discord_env.fake.wait_for_request(
        lambda r: r.method == "PATCH" and r.path.endswith(f"{record.token}/messages/@original")
    )
    buttons = [c for row in edit.json["components"] for c in row["components"]]
    assert buttons and all(b["disabled"] for b in buttons)


async def test_gateway_resume_keeps_the_bot_answering(discord_env: DiscordEnv) -> None:
    gateway = discord_env.fake.gateway
    gateway.resumed.clear()
    await gateway.ask_reconnect()
    await asyncio.wait_for(gateway.resumed.wait(), 5)
    resume = [f for f in gateway.received if f["op"] == 6][-1]
    assert resume["d"]["session_id"] in gateway.sessions
    record = await discord_env.send_command("help")
    assert (await discord_env.wait_for_callback(record))["type"] == 4


async def test_modal_submit_reaches_the_modal(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("note")
    body = await discord_env.wait_for_callback(record)
    assert body["type"] == 9 and body["data"]["custom_id"] == "test:note"
    submit = await discord_env.submit_modal("test:note", {"note": "**read** it"})
    data = (await discord_env.wait_for_callback(submit))["data"]
    assert data["content"] == "noted: \\*\\*read\\*\\* it" and data["flags"] & EPHEMERAL


async def test_a_reply_after_the_deadline_is_rejected_like_discord_does(
    discord_env: DiscordEnv, caplog: pytest.LogCaptureFixture
) -> None:
    fake = discord_env.fake
    fake.deadline = 0.1
    try:
        record = await discord_env.send_command("late", {"seconds": 0.3})
        rejected = await fake.wait_for_request(
            lambda r: r.path.endswith(f"{record.token}/callback")
        )
        await asyncio.sleep(0.2)  # the bot tries to report the failure, and is refused again
    finally:
        fake.deadline = 3.0
    assert record.callback is None  # the user saw "The application did not respond"
    assert rejected.json["data"]["content"] == "too late"
    assert any(r.levelno == logging.ERROR and "/late" in r.getMessage() for r in caplog.records)
    again = await discord_env.send_command("help")
    assert (await discord_env.wait_for_callback(again))["type"] == 4


async def test_every_message_sent_allows_no_mentions(discord_env: DiscordEnv) -> None:
    sent = discord_env.message_requests()
    assert len(sent) >= 10
    for request in sent:
        body = request.json or {}
        data = body.get("data", body) if request.path.endswith("/callback") else body
        assert data.get("allowed_mentions") == NO_MENTIONS, (request.method, request.path, data)
