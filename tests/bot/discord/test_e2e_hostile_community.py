"""Hostile input to the server-catalog and reading-club commands, end to end.

Every new command and option gets empty text, 5,000 characters, emoji, markdown, @everyone,
role and user mentions, masked and `javascript:` links and SQL-looking text, in a server and
in DMs: each answer is private, kind (no apology, no error id), inert and within Discord's
limits, nothing is stored, and nothing pings. The same world as the server-catalog e2e tests
(real bot, Service and Engine, fake Discord, fake web).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.bot.discord.catalog_support import CatalogWorld, catalog_world
from tests.bot.discord.commands_support import assert_no_mentions_anywhere, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

HOSTILE = {
    "empty": " ",
    "long": "attention " * 500,
    "emoji": "📚🔥👍🏽",
    "markdown": "**bold** __under__ # heading\n> quote `code`",
    "everyone": "@everyone @here read this",
    "mentions": "<@&123456789012345678> <@123456789012345678>",
    "masked link": "[free prize](https://evil.example)",
    "javascript": "javascript:alert(document.cookie)",
    "sql": "'; DROP TABLE server_resources; --",
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[CatalogWorld]:
    async for opened in catalog_world(Path(tmp_path_factory.mktemp("hostile"))):
        yield opened


def assert_kind_and_inert(data: dict[str, Any], private: bool) -> None:
    shown = text_of(data)
    assert private, data
    assert shown.strip(), data
    assert "went wrong" not in shown and "error id" not in shown.lower(), shown
    unescaped = shown.replace("\\@", "").replace("@\u200b", "")
    assert "@everyone" not in unescaped and "@here" not in unescaped, shown
    assert "prize](https://evil.example)" not in shown, shown  # escaped "\\]" is inert


CASES: list[tuple[str, str | None, str]] = [
    ("suggest", None, "link"),
    ("suggest", None, "note"),
    ("catalog", "add", "link"),
    ("catalog", "add", "topics"),
    ("catalog", "remove", "resource"),
    ("club", "pick", "resource"),
    ("club", "start", "time"),
    ("club", "start", "timezone"),
    ("club", "start", "topic"),
    ("popular", None, "period"),
    ("leaderboard", None, "period"),
]


def options_for(command: str, sub: str | None, option: str, value: str, channel: int) -> dict:
    if command == "suggest":
        return {"link": value} if option == "link" else {"link": "2409.01234", "note": value}
    if sub == "add" and option == "topics":
        return {"link": "2409.05678", "topics": value}
    if sub == "start":
        base: dict[str, Any] = {
            "channel": str(channel),
            "cadence": "weekly",
            "day": "Thursday",
            "time": "19:00",
            "timezone": "Europe/Berlin",
        }
        base[option] = value
        return base
    return {option: value}


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize(("command", "sub", "option"), CASES)
async def test_hostile_text_in_every_new_option_gets_a_kind_private_answer(
    world: CatalogWorld, command: str, sub: str | None, option: str, kind: str
) -> None:
    world.moderator("mona")
    value = HOSTILE[kind]
    options = options_for(command, sub, option, value, world.env.fake.channel_id)
    if sub is None:
        record = await world.command(command, options, user="mona")
    else:
        record = await world.env.send_subcommand(command, sub, options, user="mona")
    data, private = await world.seen(record)
    if command == "suggest" and option == "note" and data["content"].startswith("Thanks!"):
        assert "prize](https" not in text_of(data)  # filed, with the note inert
        page = await world.service.review_queue(world.guild, 0, 10)
        for card in page.cards:  # leave the queue empty for the next case
            await world.service.reject(world.guild, card.suggestion.id, world.uid("mona"))
    elif sub == "add" and str(data.get("content", "")).startswith("Added"):  # blank topics
        assert option == "topics" and not value.strip(), data
        for rid in await world.additions():
            await world.service.remove_from_catalog(world.guild, rid)
    elif sub == "add" and "custom_id" in data:  # a link it cannot use: the form to type it
        assert data["custom_id"].startswith("deepread:form:")
    elif sub == "start" and "reading club is on" in data.get("content", ""):
        await world.service.club_stop(world.guild)
    else:
        assert_kind_and_inert(data, private)
    if option == "topics" and "No topic matches" in text_of(data):
        assert "leave them out for my guess" in text_of(data)  # not "for any topic"
    assert await world.additions() == []
    assert_no_mentions_anywhere(world.env)


@pytest.mark.parametrize(
    ("command", "sub", "options"),
    [
        ("suggest", None, {"link": "2409.01234"}),
        ("catalog", "review", None),
        ("catalog", "list", None),
        ("catalog", "export", None),
        ("catalog", "add", {"link": "2409.01234"}),
        ("club", "status", None),
        ("club", "stop", None),
        ("popular", None, None),
        ("next", None, {"group": True}),
        ("leaderboard", None, None),
    ],
)
async def test_server_commands_in_a_dm_say_they_belong_to_a_server(
    world: CatalogWorld, command: str, sub: str | None, options: dict | None
) -> None:
    if sub is not None:
        opts = world.env.subcommand(command, sub, options)
        record = await world.env.send_command(command, opts, user="dora", in_guild=False)
    else:
        record = await world.env.send_command(command, options, user="dora", in_guild=False)
    data, private = await world.seen(record)
    assert_kind_and_inert(data, private)
    assert "server" in text_of(data).lower(), data
    assert await world.pending_total() == 0
