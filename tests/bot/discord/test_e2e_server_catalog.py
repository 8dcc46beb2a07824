"""Server catalogs end to end: a member suggests, moderators review, the server finds it.

The real bot against the fake Discord, the real Service over SQLite, and the fetcher against
a local fake web (tests/bot/discord/catalog_support.py). One bot for the module; each test
leaves the review queue empty for the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.bot.discord.catalog_support import PAPERS, CatalogWorld, catalog_world
from tests.bot.discord.commands_support import (
    assert_no_mentions_anywhere,
    component,
    stored,
    text_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

LATTICE = "2409.01234"
LATTICE_TITLE = PAPERS[LATTICE][0]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[CatalogWorld]:
    async for opened in catalog_world(Path(tmp_path_factory.mktemp("catalog"))):
        yield opened


async def open_review(world: CatalogWorld, moderator: str) -> dict[str, Any]:
    """/catalog review as `moderator`: the private card, as Discord stores it."""
    world.moderator(moderator)
    record = await world.catalog("review", user=moderator)
    data, private = await world.seen(record)
    assert private and data["embeds"], data
    return stored(world.env, record)


async def press(
    world: CatalogWorld,
    message: dict[str, Any],
    label: str,
    *,
    user: str,
    values: list[str] | None = None,
) -> dict[str, Any]:
    """Press a control of the card; what the card shows afterwards."""
    item = component(message, label)
    record = await world.env.click(item["custom_id"], message=message, user=user, values=values)
    data, _ = await world.seen(record)
    return data


def dms(world: CatalogWorld, who: str) -> list[str]:
    return [m["content"] for m in world.env.fake.dms.sent_to(world.uid(who))]


async def test_a_suggested_paper_is_reviewed_approved_and_its_member_told(
    world: CatalogWorld,
) -> None:
    hostile = "week 3 @everyone **now** [click](https://evil.example) <@123456789012345678>"
    data = await world.suggest(LATTICE, user="ana", note=hostile)
    assert data["content"].startswith("Thanks!"), data
    card = text_of(data)
    assert LATTICE_TITLE in card and "Ada Quill" in card and "2024" in card
    assert "arxiv.org" in card
    assert await world.pending_total() == 1

    review = await open_review(world, "mona")
    text = text_of(review)
    assert LATTICE_TITLE in text
    assert str(world.uid("ana")) in text and "<@" not in text  # named, never mentioned
    assert "@everyone" not in text and "\\[click\\]" in text  # the note is inert
    level = component(review, "Level")
    assert [o["value"] for o in level["options"]] == ["beginner", "intermediate", "advanced"]
    topics = component(review, "Topics")
    assert any(o.get("default") for o in topics["options"])  # the classifier's prefill

    after = await press(world, review, "Level", user="mona", values=["advanced"])
    assert "advanced" in text_of(after)
    review = world.env.fake.messages[int(review["id"])]
    click = await world.env.click(
        component(review, "Topics…")["custom_id"], message=review, user="mona"
    )
    form = await world.env.wait_for_callback(click)
    assert form["type"] == 9  # any topic of the vocabulary can be typed
    typed = await world.env.submit_modal(
        form["data"]["custom_id"],
        {"topics": "Graph neural networks, interpretability"},
        user="mona",
        message=review,
    )
    after, _ = await world.seen(typed)
    assert "advanced · Graph neural networks, Interpretability" in text_of(after)
    review = world.env.fake.messages[int(review["id"])]
    after = await press(world, review, "Approve", user="mona")
    assert "Approved" in after["content"] and "told the member privately" in after["content"]
    assert "review queue is empty" in after["content"]
    assert await world.pending_total() == 0
    [added] = await world.service.server_additions_of(world.guild)
    assert added.title == LATTICE_TITLE and added.level == "advanced"
    assert added.topics == ("gnn", "interpretability")
    [note] = dms(world, "ana")
    assert "Good news" in note and LATTICE_TITLE in note
    assert_no_mentions_anywhere(world.env)


async def test_an_approved_addition_is_found_in_that_server_only(world: CatalogWorld) -> None:
    found, _ = await world.seen(
        await world.command("recommend", {"topic": "quasiperiodic lattice"}, user="ana")
    )
    assert LATTICE_TITLE in text_of(found) and "added by this server" in text_of(found)
    paper, _ = await world.seen(await world.command("paper", {"query": LATTICE_TITLE}, user="ana"))
    assert paper["embeds"][0]["title"] == LATTICE_TITLE
    assert "Added by this server" in text_of(paper)
    [added] = await world.service.server_additions_of(world.guild)
    asked, _ = await world.seen(
        await world.command(
            "ask", {"question": "what are quasiperiodic lattice networks?"}, user="ana"
        )
    )
    assert LATTICE_TITLE in text_of(asked) and "added by this server" in text_of(asked)
    close, _ = await world.seen(await world.command("similar", {"resource": added.id}, user="ana"))
    assert LATTICE_TITLE in text_of(close)  # the addition is the source of "more like this"
    path, _ = await world.seen(await world.command("path", {"topic": added.id}, user="ana"))
    assert LATTICE_TITLE in text_of(path) and "added by this server" in text_of(path)
    read, _ = await world.seen(await world.command("read", {"resource": added.id}, user="ana"))
    assert "as done" in read["content"]
    path, _ = await world.seen(await world.command("path", {"topic": added.id}, user="ana"))
    assert "✅" in text_of(path)  # the member's progress keeps it

    elsewhere = world.other_channel
    found, private = await world.seen(
        await world.command(
            "recommend", {"topic": "quasiperiodic lattice"}, user="ana", channel_id=elsewhere
        )
    )
    assert private and LATTICE_TITLE not in text_of(found)
    paper, _ = await world.seen(
        await world.command("paper", {"query": LATTICE_TITLE}, user="ana", channel_id=elsewhere)
    )
    assert not paper.get("embeds") or paper["embeds"][0].get("title") != LATTICE_TITLE
    path, _ = await world.seen(
        await world.command("path", {"topic": added.id}, user="ana", channel_id=elsewhere)
    )
    assert LATTICE_TITLE not in text_of(path)
    assert_no_mentions_anywhere(world.env)


async def test_a_duplicate_answers_with_the_entry_already_there(world: CatalogWorld) -> None:
    data = await world.suggest("https://arxiv.org/abs/1706.03762v5", user="ben")
    assert "already in the catalog" in data["content"]
    assert "Attention Is All You Need" in text_of(data)
    data = await world.suggest(f"arXiv:{LATTICE}", user="ben")  # this server's own addition
    assert "already in the catalog" in data["content"] and LATTICE_TITLE in text_of(data)
    assert await world.pending_total() == 0


async def test_two_moderators_approving_at_once_add_one_resource(world: CatalogWorld) -> None:
    paper = "2409.05678"
    await world.suggest(paper, user="cat")
    first, second = await open_review(world, "mona"), await open_review(world, "max")
    clicks = await asyncio.gather(
        world.env.click(component(first, "Approve")["custom_id"], message=first, user="mona"),
        world.env.click(component(second, "Approve")["custom_id"], message=second, user="max"),
    )
    answers = [text_of((await world.seen(c))[0]) for c in clicks]
    assert sum("Approved" in a for a in answers) == 1, answers
    assert sum("already approved" in a for a in answers) == 1, answers
    titles = [r.title for r in await world.service.server_additions_of(world.guild)]
    assert titles.count(PAPERS[paper][0]) == 1
    assert len(dms(world, "cat")) == 1


async def test_reject_tells_the_suggester_privately_or_says_it_could_not(
    world: CatalogWorld,
) -> None:
    await world.suggest("2409.09999", user="dan")
    review = await open_review(world, "mona")
    click = await world.env.click(
        component(review, "Reject")["custom_id"], message=review, user="mona"
    )
    modal = await world.env.wait_for_callback(click)
    assert modal["type"] == 9
    record = await world.env.submit_modal(
        modal["data"]["custom_id"],
        {"reason": "Off topic for our group @everyone"},
        user="mona",
        message=review,
    )
    data, private = await world.seen(record)
    assert private and "Rejected" in data["content"], data
    assert "told the member privately" in data["content"]
    [note] = dms(world, "dan")
    assert "was not added" in note and "Off topic for our group" in note
    assert "@everyone" not in note

    world.env.fake.dms.closed.add(world.uid("eli"))
    await world.suggest("2409.04242", user="eli")
    review = await open_review(world, "mona")
    click = await world.env.click(
        component(review, "Reject")["custom_id"], message=review, user="mona"
    )
    modal = await world.env.wait_for_callback(click)
    record = await world.env.submit_modal(
        modal["data"]["custom_id"], {"reason": ""}, user="mona", message=review
    )
    data, _ = await world.seen(record)
    assert "Rejected" in data["content"] and "couldn't tell the member" in data["content"]
    assert dms(world, "eli") == []
    assert await world.pending_total() == 0
    assert PAPERS["2409.04242"][0] not in [
        r.title for r in await world.service.server_additions_of(world.guild)
    ]


async def test_only_the_moderator_who_opened_the_card_can_press_it(world: CatalogWorld) -> None:
    await world.suggest("2409.07777", user="fay")
    review = await open_review(world, "mona")
    world.moderator("max")
    for who in ("fay", "max"):
        click = await world.env.click(
            component(review, "Approve")["custom_id"], message=review, user=who
        )
        data, private = await world.seen(click)
        assert private and "belong to" in data["content"]
    assert await world.pending_total() == 1


async def test_forgetme_leaves_no_suggestion_of_that_member(world: CatalogWorld) -> None:
    # fay's suggestion from the test before is still pending
    fay = world.uid("fay")
    page = await world.service.review_queue(world.guild, 0, 25)
    assert [c.suggestion.member_id for c in page.cards] == [fay]
    record = await world.command("forgetme", user="fay")
    data, private = await world.seen(record)
    assert private and "suggestions still waiting" in data["content"]
    message = stored(world.env, record)
    click = await world.env.click(
        component(message, "Delete everything")["custom_id"], message=message, user="fay"
    )
    data, _ = await world.seen(click)
    assert "1 pending suggestion" in data["content"], data
    assert await world.pending_total() == 0
    everything = await world.service.review_queue(world.guild, 0, 25)
    assert all(c.suggestion.member_id != fay for c in everything.cards)
    # what a server approved stays, without the suggester's id
    assert LATTICE_TITLE in [r.title for r in await world.service.server_additions_of(world.guild)]


async def test_a_card_left_open_never_approves_another_members_suggestion(
    world: CatalogWorld,
) -> None:
    """The card shows gus's suggestion; gus forgets themselves and hal suggests another
    paper, which may get gus's number again: Approve on the old card approves nothing."""
    await world.suggest("2409.09999", user="gus")
    review = await open_review(world, "mona")
    await world.service.forget(world.uid("gus"))
    await world.suggest("2409.04242", user="hal")
    after = await press(world, review, "Approve", user="mona")
    assert "no longer waiting" in text_of(after) and "withdrew" in text_of(after), after
    page = await world.service.review_queue(world.guild, 0, 25)
    assert [c.suggestion.member_id for c in page.cards] == [world.uid("hal")]
    assert PAPERS["2409.04242"][0] not in [
        r.title for r in await world.service.server_additions_of(world.guild)
    ]
    await world.service.reject(world.guild, page.cards[0].suggestion.id, world.uid("mona"))
