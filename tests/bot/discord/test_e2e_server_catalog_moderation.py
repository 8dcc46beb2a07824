"""Server catalogs end to end, the guard rails: links the bot refuses, members who are not
moderators, adding by hand, listing, exporting, removing, and the bot leaving a server.

The same world as test_e2e_server_catalog.py (real bot, fake Discord, real Service, fake web),
a bot of its own for this module.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import pytest
import pytest_asyncio
import yaml

from bot.discord.exts.catalog._lifecycle import CatalogLifecycle
from tests.bot.discord.catalog_support import PAGES, CatalogWorld, catalog_world
from tests.bot.discord.commands_support import component, stored, text_of
from tests.fake_discord.server import InteractionRecord

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

TIDE_TITLE = PAGES["tide-tables"][0]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[CatalogWorld]:
    async for opened in catalog_world(Path(tmp_path_factory.mktemp("moderation"))):
        yield opened


async def run(
    world: CatalogWorld, sub: str, options: dict[str, Any] | None = None, *, user: str
) -> tuple[dict[str, Any], bool, InteractionRecord]:
    record = await world.catalog(sub, options, user=user)
    data, private = await world.seen(record)
    return data, private, record


# --- links the bot will not fetch or store ------------------------------------------------------


REFUSED = {
    "javascript": ("javascript:alert(document.cookie)", "only http(s) links"),
    "loopback, another port": ("http://127.0.0.1:{discord_port}/api/v10/gateway", "private"),
    "metadata service": ("http://169.254.169.254/latest/meta-data/", "private"),
    "20 MB page": ("{web}/huge", "too large"),
    "page that never answers": ("{web}/slow", "took too long"),
    "redirect to the metadata service": ("{web}/to-metadata", "private"),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_a_refused_link_gets_a_clear_private_answer_and_nothing_is_stored(
    world: CatalogWorld, case: str
) -> None:
    template, reason = REFUSED[case]
    link = template.format(web=world.web, discord_port=world.env.fake.port)
    record = await world.command("suggest", {"link": link}, user="mallory")
    data, private = await world.seen(record)
    assert private
    if case == "page that never answers":  # slower than the answer budget: deferred first
        assert record.callback is not None and record.callback["type"] == 5
        assert record.callback["data"]["flags"] & 64  # privately
    text = text_of(data)
    assert reason in text.lower(), text
    assert "went wrong" not in text and not data.get("embeds")
    assert await world.pending_total() == 0
    world.moderator("mona")
    data, private, _ = await run(world, "add", {"link": link}, user="mona")
    assert private and reason in text_of(data).lower(), data
    assert await world.additions() == []


@pytest.mark.parametrize(
    "text", ["", "   ", "x" * 5000, "@everyone", "🧠🔥", "'; DROP TABLE suggestions; --"]
)
async def test_hostile_input_to_suggest_is_answered_kindly(world: CatalogWorld, text: str) -> None:
    data = await world.suggest(text, user="mallory")
    assert "went wrong" not in text_of(data)
    assert "@everyone" not in text_of(data)
    assert await world.pending_total() == 0


@pytest.mark.parametrize("text", ["x" * 5000, "@everyone", "🧠🔥", "'; DROP TABLE x; --"])
async def test_hostile_input_to_moderator_commands_is_answered_kindly(
    world: CatalogWorld, text: str
) -> None:
    world.moderator("mona")
    before = await world.additions()
    for sub, options in (
        ("add", {"link": text}),
        ("add", {"link": "2409.05678", "topics": text}),
        ("remove", {"resource": text}),
    ):
        data, private, _ = await run(world, sub, options, user="mona")
        assert private and "went wrong" not in text_of(data), (sub, data)
        assert "@everyone" not in text_of(data)
    choices = await world.env.send_subcommand(
        "catalog", "add", {"topics": text}, user="mona", focused="topics"
    )
    assert (await world.env.wait_for_callback(choices))["type"] == 8
    assert await world.additions() == before


async def test_suggest_needs_a_server(world: CatalogWorld) -> None:
    record = await world.env.send_command(
        "suggest", {"link": "1706.03762"}, user="ana", in_guild=False
    )
    data, private = await world.seen(record)
    assert private and "server" in data["content"]


# --- only moderators ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sub", "options"),
    [
        ("review", None),
        ("add", {"link": "2409.05678"}),
        ("remove", {"resource": "anything"}),
        ("list", None),
        ("export", None),
        ("clear", None),
    ],
)
async def test_a_member_without_manage_server_cannot_moderate(
    world: CatalogWorld, sub: str, options: dict[str, Any] | None
) -> None:
    before = await world.additions()
    data, private, _ = await run(world, sub, options, user="nina")
    assert private and "Manage Server" in data["content"], data
    assert "/suggest" in data["content"]
    assert await world.additions() == before


# --- adding, listing, exporting, removing ----------------------------------------------------


async def test_add_list_export_and_remove(world: CatalogWorld) -> None:
    world.moderator("mona")
    link = f"{world.web}/e2e/page/tide-tables"
    options = {"link": link, "level": "beginner", "topics": "rnn, Transformers"}
    data, private, _ = await run(world, "add", options, user="mona")
    assert private and data["content"].startswith("Added"), data
    assert TIDE_TITLE in text_of(data) and "added by this server" in text_of(data)
    [tide] = await world.service.server_additions_of(world.guild)
    assert tide.level == "beginner" and set(tide.topics) == {"rnn", "transformers"}
    assert tide.authors == ("Gus Moon",)

    again, _, _ = await run(world, "add", {"link": link}, user="mona")
    assert "already in the catalog" in again["content"].lower()

    listed, private, _ = await run(world, "list", user="mona")
    assert private and TIDE_TITLE in text_of(listed) and tide.id in text_of(listed)

    exported, private, record = await run(world, "export", user="mona")
    assert private and "YAML" in exported["content"]
    [request] = [r for r in world.env.fake.requests_for(record) if r.attachments]
    [(name, body)] = request.attachments.items()
    assert name.endswith(".yaml")
    document = yaml.safe_load(body.decode("utf-8"))
    entries = document["resources"] if isinstance(document, dict) else document
    assert [e["title"] for e in entries] == [TIDE_TITLE]

    choices = await world.env.send_subcommand(
        "catalog", "remove", {"resource": "tide"}, user="mona", focused="resource"
    )
    offered = (await world.env.wait_for_callback(choices))["data"]["choices"]
    assert [c["value"] for c in offered] == [tide.id]
    removed, private, _ = await run(world, "remove", {"resource": tide.id}, user="mona")
    assert private and removed["content"].startswith("Removed"), removed
    assert await world.additions() == []
    empty, private, _ = await run(world, "list", user="mona")
    assert private and "hasn't added anything" in empty["content"]


async def test_a_link_that_cannot_be_fetched_opens_a_form(world: CatalogWorld) -> None:
    world.moderator("mona")
    link = f"{world.web}/gone"
    record = await world.catalog("add", {"link": link, "level": "advanced"}, user="mona")
    modal = await world.env.wait_for_callback(record)
    assert modal["type"] == 9, modal
    ids = [c["custom_id"] for row in modal["data"]["components"] for c in row["components"]]
    assert ids == ["title", "authors", "year", "description", "link"]
    fields = {
        "title": "Hand-typed notes on **backprop** @everyone",
        "authors": "Ann Lee, Bob Ray",
        "year": "2020",
        "description": "Our own notes.",
        "link": link,
    }
    submitted = await world.env.submit_modal(modal["data"]["custom_id"], fields, user="mona")
    data, private = await world.seen(submitted)
    assert private and data["content"].startswith("Added"), data
    assert "@everyone" not in text_of(data)
    [typed] = await world.service.server_additions_of(world.guild)
    assert typed.title.startswith("Hand-typed notes") and typed.year == 2020
    assert typed.authors == ("Ann Lee", "Bob Ray") and typed.level == "advanced"

    bad_year = dict(fields, title="Other notes", year="20x0")
    record = await world.catalog("add", user="mona")  # no link: the form at once
    modal = await world.env.wait_for_callback(record)
    assert modal["type"] == 9
    submitted = await world.env.submit_modal(modal["data"]["custom_id"], bad_year, user="mona")
    data, _ = await world.seen(submitted)
    assert "year" in data["content"].lower() and "went wrong" not in data["content"]
    assert len(await world.additions()) == 1
    await world.service.remove_from_catalog(world.guild, typed.id)


async def test_a_form_sent_after_a_restart_is_answered_with_what_was_typed(
    world: CatalogWorld,
) -> None:
    """The bot forgot the form (it restarted while the moderator typed): instead of Discord's
    generic error, a private answer that gives back what was typed, inert; nothing stored."""
    world.moderator("mona")
    record = await world.catalog("add", user="mona")  # no link: the form at once
    modal = await world.env.wait_for_callback(record)
    assert modal["type"] == 9
    await world.env.restart_bot()
    fields = {
        "title": "Notes on **attention** @everyone [win](https://evil.example)",
        "authors": "<@123456789012345678>",
        "year": "",
        "description": "x" * 2000,
        "link": "javascript:alert(1)",
    }
    submitted = await world.env.submit_modal(modal["data"]["custom_id"], fields, user="mona")
    data, private = await world.seen(submitted)
    content = data["content"]
    assert private and "expired" in content and "nothing was saved" in content, data
    assert "/catalog" in content and "Notes on" in content and "attention" in content
    assert "@everyone" not in content.replace("\\@everyone", "").replace("@\u200beveryone", "")
    assert "[win](https" not in content and "**attention**" not in content
    assert "<@123456789012345678>" not in content.replace("\\<@", "")
    assert await world.additions() == []

    # A review card's form (Reject…) opened before the restart: the same polite answer.
    await world.suggest("2409.07777", user="dan")
    opened = await world.catalog("review", user="mona")
    await world.seen(opened)
    card = stored(world.env, opened)
    click = await world.env.click(component(card, "Reject")["custom_id"], message=card, user="mona")
    form = await world.env.wait_for_callback(click)
    assert form["type"] == 9
    await world.env.restart_bot()
    submitted = await world.env.submit_modal(
        form["data"]["custom_id"], {"reason": "off topic"}, user="mona", message=card
    )
    data, private = await world.seen(submitted)
    assert private and "expired" in data["content"] and "off topic" in data["content"], data
    assert await world.pending_total() == 1  # not rejected: nothing happened
    page = await world.service.review_queue(world.guild, 0, 1)
    await world.service.reject(world.guild, page.cards[0].suggestion.id, world.uid("mona"), None)


async def test_a_slow_failed_fetch_offers_the_form_behind_a_button(world: CatalogWorld) -> None:
    world.moderator("mona")
    link = f"{world.web}/e2e/slow-gone"
    record = await world.catalog("add", {"link": link}, user="mona")
    data, private = await world.seen(record)
    assert record.callback is not None and record.callback["type"] == 5  # "thinking…" first
    assert private and "couldn't fetch" in data["content"], data
    message = world.env.fake.messages[int(record.results[0]["id"])]
    click = await world.env.click(
        component(message, "Type the details")["custom_id"], message=message, user="mona"
    )
    modal = await world.env.wait_for_callback(click)
    assert modal["type"] == 9
    fields = {"title": "Slow notes", "authors": "", "year": "", "description": "", "link": ""}
    submitted = await world.env.submit_modal(modal["data"]["custom_id"], fields, user="mona")
    data, _ = await world.seen(submitted)
    assert data["content"].startswith("Added"), data
    [added] = await world.service.server_additions_of(world.guild)
    assert added.title == "Slow notes"
    await world.service.remove_from_catalog(world.guild, added.id)


async def test_approving_a_suggestion_without_details_asks_for_a_title(
    world: CatalogWorld,
) -> None:
    data = await world.suggest(f"{world.web}/gone", user="olga")
    assert "could not fetch" in data["content"]
    world.moderator("mona")
    record = await world.catalog("review", user="mona")
    await world.seen(record)
    review = stored(world.env, record)
    click = await world.env.click(
        component(review, "Approve")["custom_id"], message=review, user="mona"
    )
    modal = await world.env.wait_for_callback(click)
    assert modal["type"] == 9, modal
    fields = {"title": "Olga's gone page", "authors": "", "year": "", "description": ""}
    submitted = await world.env.submit_modal(
        modal["data"]["custom_id"], fields, user="mona", message=review
    )
    data, _ = await world.seen(submitted)
    assert "Approved" in data["content"], data
    [added] = await world.service.server_additions_of(world.guild)
    assert added.title == "Olga's gone page"
    await world.service.remove_from_catalog(world.guild, added.id)


# --- the bot leaves a server ---------------------------------------------------------------------


async def test_leaving_a_server_deletes_its_catalog_after_the_grace_period(
    world: CatalogWorld,
) -> None:
    other, mod = world.other_guild, world.uid("mona")
    await world.service.add_to_catalog(other, mod, None, title="Notes of the other group")
    await world.service.add_to_catalog(world.guild, mod, None, title="Notes of the main group")
    bot = world.env.bot
    assert bot is not None
    lifecycle = cast(CatalogLifecycle, bot.get_cog("CatalogLifecycle"))

    gateway = world.env.fake.gateway

    async def until(departed: bool) -> None:
        for _ in range(100):  # events are handled in the bot's own time
            if (await world.service.store.departure(other) is not None) is departed:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"departure of {other} never became {departed}")

    await gateway.dispatch("GUILD_DELETE", {"id": str(other)}, guild_id=other)
    await until(departed=True)
    assert await world.service.store.departure(world.guild) is None
    assert await lifecycle.purge() == 0  # within the grace period nothing goes
    assert len(await world.additions(other)) == 1

    # Invited back within the grace period: everything stays.
    await gateway.dispatch("GUILD_CREATE", world.env.fake.guild_payload(other), guild_id=other)
    await until(departed=False)
    world.clock.shift = dt.timedelta(days=8)
    try:
        assert await lifecycle.purge() == 0
    finally:
        world.clock.shift = dt.timedelta()
    assert len(await world.additions(other)) == 1

    await gateway.dispatch("GUILD_DELETE", {"id": str(other)}, guild_id=other)
    await until(departed=True)
    world.clock.shift = dt.timedelta(days=8)
    try:
        assert await lifecycle.purge() == 1
    finally:
        world.clock.shift = dt.timedelta()
    assert await world.additions(other) == []
    assert len(await world.additions()) == 1  # the server the bot is still in keeps its own


async def test_a_members_daily_cap_is_said_plainly(world: CatalogWorld) -> None:
    for i in range(5):  # ids the fake arXiv does not know: filed with what was typed
        data = await world.suggest(f"2409.1000{i}", user="quinn")
        assert data["content"].startswith("Thanks!") and "could not fetch" in data["content"]
    data = await world.suggest("2409.10009", user="quinn")
    assert "the most a day" in data["content"] and "tomorrow" in data["content"]
    page = await world.service.review_queue(world.guild, 0, 25)
    assert page.total == 5
    for card in page.cards:  # leave the queue empty for whatever runs next
        await world.service.reject(world.guild, card.suggestion.id, world.uid("mona"))


async def test_a_moderator_can_delete_the_whole_catalog_after_confirming(
    world: CatalogWorld,
) -> None:
    mod = world.moderator("mona")
    await world.service.add_to_catalog(world.guild, int(mod["id"]), None, title="Doomed notes")
    assert await world.additions()
    data, private, record = await run(world, "clear", user="mona")
    assert private and "cannot be undone" in data["content"]
    message = stored(world.env, record)
    cancel = await world.env.click(
        component(message, "Cancel")["custom_id"], message=message, user="mona"
    )
    data, _ = await world.seen(cancel)
    assert "nothing was deleted" in data["content"] and await world.additions()

    data, private, record = await run(world, "clear", user="mona")
    message = stored(world.env, record)
    click = await world.env.click(
        component(message, "Delete the whole catalog")["custom_id"], message=message, user="mona"
    )
    data, _ = await world.seen(click)
    assert data["content"].startswith("Done — I deleted this server's catalog"), data
    assert await world.additions() == [] and await world.pending_total() == 0
