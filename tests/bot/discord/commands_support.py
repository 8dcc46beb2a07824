"""Assertions shared by the end-to-end command tests: reading the JSON the bot sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.discord import limits
from bot.discord.errors import PLACEHOLDER_STAND_IN
from bot.discord.formatting import discord_len
from tests.fake_discord.harness import DiscordEnv
from tests.fake_discord.server import InteractionRecord

EPHEMERAL = 64
NO_MENTIONS = {"parse": []}
HOSTILE = [
    "",
    "   ",
    "x" * 6000,
    "@everyone rnn",
    "**rnn** _beginner_ [click](https://evil.example) <@123456789012345678>",
    "🧠🤖 rnn 🔥",
    "'; DROP TABLE users; --",
]


def embed_total(embed: dict[str, Any]) -> int:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [embed.get("footer", {}).get("text", ""), embed.get("author", {}).get("name", "")]
    for f in embed.get("fields", []):
        parts += [f["name"], f["value"]]
    return sum(discord_len(p or "") for p in parts)


def components(message: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for row in message.get("components") or []:
        yield from row.get("components", [])


def component(message: dict[str, Any], text: str) -> dict[str, Any]:
    """The button whose label, or the select whose placeholder, starts with `text`."""
    for item in components(message):
        if (item.get("label") or item.get("placeholder") or "").startswith(text):
            return item
    raise AssertionError(f"no component {text!r} in {list(components(message))}")


def assert_within_limits(data: dict[str, Any]) -> None:
    assert discord_len(data.get("content") or "") <= limits.MESSAGE_CONTENT
    for embed in data.get("embeds") or []:
        assert embed_total(embed) <= limits.EMBED_TOTAL
        assert discord_len(embed.get("description") or "") <= limits.EMBED_DESCRIPTION
        assert discord_len(embed.get("title") or "") <= limits.EMBED_TITLE
    for item in components(data):
        assert discord_len(item.get("label") or "") <= limits.BUTTON_LABEL
        for option in item.get("options") or []:
            assert discord_len(option["label"]) <= limits.SELECT_LABEL
            assert discord_len(option["value"]) <= limits.SELECT_VALUE


async def answer(env: DiscordEnv, record: InteractionRecord) -> tuple[dict[str, Any], bool]:
    """(the message the user sees, whether only they see it), checked against the limits.

    Privacy is read from the message as Discord stored it: after a public defer, a followup
    asking to be ephemeral still lands in the public placeholder."""
    body = await env.wait_for_callback(record)
    data = await env.reply(record)
    assert_within_limits(data)
    if body["type"] == 5 and data.get("content") == PLACEHOLDER_STAND_IN:
        # A failure after a public defer: a neutral line stood in for the placeholder while
        # the private apology was sent (errors.report), then went.
        data = await env.wait_for_followup(record, count=2)
        await env.fake.wait_for_request(lambda r: r.method == "DELETE" and record.token in r.path)
        assert_within_limits(data)
        flags = int(record.results[1]["flags"])
    elif body["type"] in (5, 6):
        flags = int(record.results[0]["flags"])
    else:
        flags = int((body.get("data") or {}).get("flags") or 0)
    return data, bool(flags & EPHEMERAL)


def stored(env: DiscordEnv, record: InteractionRecord) -> dict[str, Any]:
    """The message as Discord stores it now (after the bot's edits), to click on."""
    assert record.original_message_id is not None
    return env.fake.messages[record.original_message_id]


def assert_no_mentions_anywhere(env: DiscordEnv) -> None:
    """Every message the bot created or edited carried `allowed_mentions` = none."""
    checked = 0
    for request in env.message_requests():
        body = request.json or {}
        data = body.get("data", body) if "type" in body else body
        if data and ("content" in data or "embeds" in data):
            assert data.get("allowed_mentions") == NO_MENTIONS, (request.path, data)
            checked += 1
    assert checked > 0


def text_of(data: dict[str, Any]) -> str:
    parts = [data.get("content") or ""]
    for embed in data.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)
