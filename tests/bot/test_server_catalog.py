"""Server catalogs through the service, against the local fake web (tests/fake_web.py).

The fetcher may reach exactly one origin, the fake web's 127.0.0.1:PORT (`allowed_origins`),
so every refusal of a private address below is the production rule, not a test shortcut.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.service import (
    CatalogLimits,
    DetailsNeeded,
    LimitReached,
    Service,
    ServiceError,
    SuggestionRefused,
    UnknownResource,
    UnknownSuggestion,
)
from bot.store import Store
from recommender.catalog import ID_PATTERN, Catalog, validate_text
from recommender.engine import Engine
from recommender.fetched.fetcher import DetailsFetcher
from recommender.fetched.safe_http import SafeHttp
from tests.bot.conftest import Clock
from tests.fake_web import serve_fake_web

GUILD, OTHER_GUILD = 111, 222
MEMBER, OTHER_MEMBER, MOD = 1001, 1002, 9001
NEW_PAPER = "2401.00001"
NEW_TITLE = "Sparse Mixture of Experts for Recurrent Language Models"


@pytest.fixture
async def web() -> AsyncIterator[str]:
    async with serve_fake_web() as base:
        yield base


def make_fetcher(base: str) -> DetailsFetcher:
    parts = urlsplit(base)
    assert parts.hostname is not None and parts.port is not None
    http = SafeHttp(
        allowed_origins=frozenset({(parts.hostname, parts.port)}),
        total_timeout_s=1.5,
        connect_timeout_s=1.0,
        max_bytes=1024 * 1024,
    )
    return DetailsFetcher(
        http, arxiv_api=base + "/api/query?id_list={id}", crossref_api=base + "/works/{doi}"
    )


@pytest.fixture
async def svc(store: Store, catalog: Catalog, clock: Clock, web: str) -> AsyncIterator[Service]:
    limits = CatalogLimits(
        suggestions_per_member_per_day=3, pending_suggestions_per_server=4, additions_per_server=5
    )
    service = Service(
        store,
        catalog,
        Engine.from_catalog(catalog),
        clock=clock,
        fetcher=make_fetcher(web),
        catalog_limits=limits,
    )
    yield service


async def stored_nothing(svc: Service, member: int = MEMBER) -> bool:
    pending = await svc.review_queue(GUILD)
    mine = await svc.store.member_suggestions(member)
    additions = await svc.server_additions(GUILD)
    return pending.total == 0 and not mine and additions.total == 0


# --- suggesting ------------------------------------------------------------------------------


async def test_an_arxiv_id_is_filed_with_the_fetched_details(svc: Service) -> None:
    outcome = await svc.suggest(GUILD, MEMBER, f"arXiv:{NEW_PAPER}v2", note="for the **RNN** week")
    assert outcome.status == "filed" and outcome.fetched
    found = outcome.suggestion
    assert found is not None
    assert found.title == NEW_TITLE
    assert found.authors[:2] == ("Ashish Vaswani", "Noam Shazeer")
    assert found.year == 2017
    assert found.url == f"https://arxiv.org/abs/{NEW_PAPER}"
    assert found.note == "for the **RNN** week"
    assert found.status == "pending" and found.member_id == MEMBER
    assert "filed" in outcome.message
    page = await svc.review_queue(GUILD)
    assert page.total == 1 and page.cards[0].suggestion == found
    prefill = page.cards[0].prefill
    assert prefill.kind == "paper" and prefill.level == "advanced"
    assert "rnn" in prefill.topics


async def test_a_page_is_filed_with_its_citation_meta(svc: Service, web: str) -> None:
    outcome = await svc.suggest(GUILD, MEMBER, f"{web}/paper")
    assert outcome.suggestion is not None
    assert outcome.suggestion.title == (
        "Dropout: A Simple Way to Prevent Neural Networks from Overfitting"
    )


@pytest.mark.parametrize(
    ("link", "existing"),
    [
        ("1706.03762", "attention"),  # arXiv id of a base resource
        ("https://arxiv.org/pdf/1706.03762v5.pdf", "attention"),  # its pdf link
        ("https://colah.github.io/posts/2015-08-Understanding-LSTMs", "lstm-post"),  # URL
    ],
)
async def test_a_resource_of_the_base_catalog_is_already_there(
    svc: Service, link: str, existing: str
) -> None:
    outcome = await svc.suggest(GUILD, MEMBER, link)
    assert outcome.status == "duplicate"
    assert outcome.existing is not None and outcome.existing.id == existing
    assert "Already in the catalog" in outcome.message
    assert await stored_nothing(svc)


async def test_a_shared_title_of_another_work_is_no_duplicate(svc: Service) -> None:
    """Crossref names the Nature review (LeCun, Bengio, Hinton 2015, a paper) "Deep learning",
    the title of the catalog's Goodfellow et al. book: two works, so the review is filed."""
    outcome = await svc.suggest(GUILD, MEMBER, "doi:10.1038/nature14539")
    assert outcome.status == "filed" and outcome.suggestion is not None
    assert outcome.suggestion.title == "Deep learning"


async def test_the_servers_own_additions_and_pending_suggestions_are_duplicates(
    svc: Service,
) -> None:
    filed = await svc.suggest(GUILD, MEMBER, NEW_PAPER)
    again = await svc.suggest(GUILD, OTHER_MEMBER, f"https://arxiv.org/abs/{NEW_PAPER}")
    assert again.status == "duplicate" and again.pending is not None
    assert filed.suggestion is not None and again.pending.id == filed.suggestion.id
    decision = await svc.approve(GUILD, filed.suggestion.id, MOD)
    assert decision.resource is not None
    after = await svc.suggest(GUILD, OTHER_MEMBER, NEW_PAPER)
    assert after.existing == decision.resource
    # another server has its own catalog: the same paper is new there
    elsewhere = await svc.suggest(OTHER_GUILD, OTHER_MEMBER, NEW_PAPER)
    assert elsewhere.status == "filed"


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "https://discord.gg/abcdef",
        "discord.com/invite/abcdef",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
        "http://[::1]/",
        "not a link at all",
        "@everyone",
        "'; DROP TABLE server_suggestions; --",
    ],
)
async def test_links_that_are_never_stored(svc: Service, link: str) -> None:
    with pytest.raises(SuggestionRefused) as refused:
        await svc.suggest(GUILD, MEMBER, link)
    assert str(refused.value)
    assert await stored_nothing(svc)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/huge", "too large"),
        ("/slow", "too long"),
        ("/to-metadata", "private network"),
        ("/to-private", "private network"),
    ],
)
async def test_pages_too_large_too_slow_or_redirecting_inside_are_refused(
    svc: Service, web: str, path: str, reason: str
) -> None:
    with pytest.raises(SuggestionRefused, match=reason):
        await svc.suggest(GUILD, MEMBER, web + path)
    assert await stored_nothing(svc)


async def test_a_member_fetches_one_link_at_a_time(svc: Service, web: str) -> None:
    slow = asyncio.create_task(svc.suggest(GUILD, MEMBER, web + "/slow"))
    await asyncio.sleep(0.05)  # the first fetch is under way
    with pytest.raises(LimitReached, match="still fetching"):
        await svc.suggest(GUILD, MEMBER, web + "/slow?again")
    # another member is not held up by it, and the member may go on once it is answered
    other = await svc.suggest(GUILD, MEMBER + 1, f"{web}/no-meta")
    assert other.status == "filed"
    with pytest.raises(SuggestionRefused, match="too long"):
        await slow
    assert (await svc.suggest(GUILD, MEMBER, f"{web}/no-meta?mine")).status == "filed"


async def test_only_the_allowed_origin_is_reachable_on_loopback(svc: Service, web: str) -> None:
    port = urlsplit(web).port
    assert port is not None
    for link in (f"http://127.0.0.1:{port + 1}/paper", f"http://localhost:{port}/paper"):
        with pytest.raises(SuggestionRefused, match="private network"):
            await svc.suggest(GUILD, MEMBER, link)
    assert await stored_nothing(svc)


async def test_a_page_without_details_is_filed_with_what_was_typed(svc: Service, web: str) -> None:
    outcome = await svc.suggest(GUILD, MEMBER, f"{web}/no-meta")
    assert outcome.status == "filed" and not outcome.fetched
    assert outcome.suggestion is not None
    assert outcome.suggestion.title is None
    assert outcome.suggestion.shown_title == f"{web}/no-meta"
    assert outcome.suggestion.problem == "the answer could not be read"
    assert "could not be fetched" in outcome.message


async def test_a_site_that_cannot_be_reached_is_filed_too(svc: Service, web: str) -> None:
    outcome = await svc.suggest(GUILD, MEMBER, f"{web}/error")
    assert outcome.suggestion is not None and outcome.suggestion.problem


async def test_bad_notes_get_a_friendly_error(svc: Service) -> None:
    with pytest.raises(ServiceError, match="too long"):
        await svc.suggest(GUILD, MEMBER, NEW_PAPER, note="x" * 5000)
    with pytest.raises(ServiceError, match="give a link"):
        await svc.suggest(GUILD, MEMBER, "   ")
    with pytest.raises(ServiceError, match="too long"):
        await svc.suggest(GUILD, MEMBER, "https://example.com/" + "a" * 5000)
    assert await stored_nothing(svc)
    outcome = await svc.suggest(GUILD, MEMBER, NEW_PAPER, note="🔥 @everyone <@123> [x](http://e)")
    assert outcome.suggestion is not None
    # one plain line: markup-like tags dropped, the rest kept for the face to escape
    assert outcome.suggestion.note == "🔥 @everyone [x](http://e)"


async def test_suggestions_per_member_per_day_are_capped(
    svc: Service, web: str, clock: Clock
) -> None:
    for path in ("/paper", "/error", "/no-meta"):
        await svc.suggest(GUILD, MEMBER, web + path)
    with pytest.raises(LimitReached, match="tomorrow"):
        await svc.suggest(GUILD, MEMBER, NEW_PAPER)
    # another member of the server is not held back, nor the same member elsewhere
    await svc.suggest(GUILD, OTHER_MEMBER, NEW_PAPER)
    await svc.suggest(OTHER_GUILD, MEMBER, NEW_PAPER)
    clock.advance(days=1, seconds=1)
    with pytest.raises(LimitReached, match="waiting for review"):  # 4 pending: the server cap
        await svc.suggest(GUILD, MEMBER, "2401.00002")


# --- deciding --------------------------------------------------------------------------------


async def filed_id(svc: Service, link: str = NEW_PAPER, guild: int = GUILD) -> int:
    outcome = await svc.suggest(guild, MEMBER, link)
    assert outcome.suggestion is not None
    return outcome.suggestion.id


async def test_approve_adds_the_resource_with_level_and_topics(svc: Service) -> None:
    decision = await svc.approve(GUILD, await filed_id(svc), MOD, "beginner", ["rnn", "NLP"])
    assert decision.outcome == "approved" and decision.suggester_id == MEMBER
    resource = decision.resource
    assert resource is not None and resource.added_by_server
    assert resource.level == "beginner" and resource.topics == ("rnn", "nlp")
    assert resource.id.startswith("sparse-mixture-of-experts-for-recurrent-language-models-")
    assert "now in this server's catalog" in decision.message
    page = await svc.server_additions(GUILD)
    assert page.resources == (resource,) and page.total == 1


async def test_two_moderators_approving_at_once_add_one_resource(svc: Service) -> None:
    suggestion = await filed_id(svc)
    first, second = await asyncio.gather(
        svc.approve(GUILD, suggestion, MOD), svc.approve(GUILD, suggestion, MOD + 1)
    )
    assert sorted([first.outcome, second.outcome]) == ["already", "approved"]
    assert (await svc.server_additions(GUILD)).total == 1
    later = await svc.approve(GUILD, suggestion, MOD)
    assert later.outcome == "already" and "already approved" in later.message


async def test_reject_tells_who_to_tell_and_why(svc: Service) -> None:
    suggestion = await filed_id(svc)
    decision = await svc.reject(GUILD, suggestion, MOD, "off topic for this group")
    assert decision.outcome == "rejected" and decision.suggester_id == MEMBER
    assert decision.reason == "off topic for this group"
    assert (await svc.review_queue(GUILD)).total == 0
    assert (await svc.approve(GUILD, suggestion, MOD)).outcome == "already"
    assert (await svc.server_additions(GUILD)).total == 0


async def test_a_suggestion_of_another_server_cannot_be_decided(svc: Service) -> None:
    suggestion = await filed_id(svc)
    with pytest.raises(UnknownSuggestion):
        await svc.approve(OTHER_GUILD, suggestion, MOD)
    with pytest.raises(UnknownSuggestion):
        await svc.reject(OTHER_GUILD, suggestion, MOD)
    with pytest.raises(UnknownSuggestion):
        await svc.approve(GUILD, 999_999, MOD)


async def test_approving_a_suggestion_without_details_needs_a_title(svc: Service, web: str) -> None:
    suggestion = await filed_id(svc, f"{web}/no-meta")
    with pytest.raises(DetailsNeeded):
        await svc.approve(GUILD, suggestion, MOD)
    decision = await svc.approve(GUILD, suggestion, MOD, title="Notes on Recurrent Nets", year=2020)
    assert decision.resource is not None and decision.resource.year == 2020


async def test_bad_levels_and_topics_are_friendly_errors(svc: Service) -> None:
    suggestion = await filed_id(svc)
    with pytest.raises(ServiceError, match="invalid level"):
        await svc.approve(GUILD, suggestion, MOD, level="expert")
    with pytest.raises(ServiceError, match="unknown topic"):
        await svc.approve(GUILD, suggestion, MOD, topics=["sourdough"])
    assert (await svc.review_queue(GUILD)).total == 1


# --- adding, removing, listing, exporting ----------------------------------------------------


async def test_add_fetches_or_takes_typed_details(svc: Service, web: str) -> None:
    added = await svc.add_to_catalog(GUILD, MOD, "2401.00002", level="intermediate")
    assert added.status == "added" and added.resource.level == "intermediate"
    assert added.resource.title == "Contrastive Pretraining of Graph Neural Networks"
    again = await svc.add_to_catalog(GUILD, MOD, "https://arxiv.org/abs/2401.00002")
    assert again.status == "duplicate" and again.resource == added.resource
    with pytest.raises(DetailsNeeded) as needed:
        await svc.add_to_catalog(GUILD, MOD, f"{web}/no-meta")
    assert needed.value.problem
    typed = await svc.add_to_catalog(
        GUILD, MOD, f"{web}/no-meta", title="Club notes", authors="Ada Lovelace; Alan Turing"
    )
    assert typed.resource.authors == ("Ada Lovelace", "Alan Turing")
    assert typed.problem == "the answer could not be read"
    book = await svc.add_to_catalog(GUILD, MOD, title="A Book Without a Link", year="2019")
    assert book.resource.url is None and book.resource.year == 2019
    base = await svc.add_to_catalog(GUILD, MOD, "1706.03762")
    assert base.status == "duplicate" and base.resource.id == "attention"
    with pytest.raises(SuggestionRefused):
        await svc.add_to_catalog(GUILD, MOD, "javascript:alert(1)")
    with pytest.raises(ServiceError):
        await svc.add_to_catalog(GUILD, MOD)


async def test_additions_per_server_are_capped(svc: Service) -> None:
    for n in range(5):
        await svc.add_to_catalog(GUILD, MOD, title=f"Reading number {n} on transformers")
    with pytest.raises(LimitReached):
        await svc.add_to_catalog(GUILD, MOD, title="One too many")


async def test_remove_only_the_servers_additions(svc: Service) -> None:
    added = (await svc.add_to_catalog(GUILD, MOD, title="Notes on Attention Heads")).resource
    with pytest.raises(ServiceError, match="shipped catalog"):
        await svc.remove_from_catalog(GUILD, "attention")
    with pytest.raises(UnknownResource):
        await svc.remove_from_catalog(OTHER_GUILD, added.id)
    removed = await svc.remove_from_catalog(GUILD, "notes on attention heads")
    assert removed.id == added.id
    assert (await svc.server_additions(GUILD)).total == 0
    with pytest.raises(UnknownResource):
        await svc.remove_from_catalog(GUILD, added.id)


async def test_remove_autocomplete_offers_only_the_servers_additions(svc: Service) -> None:
    heads = (await svc.add_to_catalog(GUILD, MOD, title="Notes on Attention Heads")).resource
    tides = (await svc.add_to_catalog(GUILD, MOD, title="Tide Tables for Optimisers")).resource
    await svc.add_to_catalog(OTHER_GUILD, MOD, title="Tide Charts of Another Server")
    assert {c.value for c in await svc.addition_choices(GUILD, "")} == {heads.id, tides.id}
    assert [c.value for c in await svc.addition_choices(GUILD, "tide")] == [tides.id]
    # a typo still finds it (the one fuzzy rule of every resource option), the shipped
    # catalog's "Attention Is All You Need" is not offered: it cannot be removed
    assert [c.value for c in await svc.addition_choices(GUILD, "atention heads")] == [heads.id]
    assert all("(" in c.name and c.value in c.name for c in await svc.addition_choices(GUILD, ""))


async def test_export_is_a_catalog_file_that_validates(svc: Service) -> None:
    await svc.add_to_catalog(GUILD, MOD, NEW_PAPER, topics=["rnn"])
    await svc.add_to_catalog(GUILD, MOD, title="Club: notes & *markdown* <b>", year=2021)
    text = await svc.export_additions(GUILD)
    assert validate_text(text) == []
    assert NEW_TITLE in text and "origin: curated" in text
    assert validate_text(await svc.export_additions(OTHER_GUILD)) == []


# --- forgetting and the server's lifecycle ---------------------------------------------------


async def test_forget_deletes_pending_and_clears_the_member_from_the_rest(svc: Service) -> None:
    approved = await filed_id(svc)
    await svc.approve(GUILD, approved, MOD)
    await filed_id(svc, "2401.00002")
    await svc.add_to_catalog(GUILD, MEMBER, title="A member who is also a moderator")
    exported = await svc.export_all(MEMBER)
    assert [(s["status"], s["link"]) for s in exported["suggestions"]] == [
        ("approved", NEW_PAPER),
        ("pending", "2401.00002"),
    ]
    forgotten = await svc.forget(MEMBER)
    assert forgotten.suggestions_deleted == 1
    assert await svc.store.member_suggestions(MEMBER) == []
    assert (await svc.review_queue(GUILD)).total == 0
    stored = await svc.store.server_resources(GUILD)
    assert len(stored) == 2 and all(s.added_by != MEMBER for s in stored)
    decided = await svc.suggestion(GUILD, approved)
    assert decided.member_id is None and decided.status == "approved"
    assert (await svc.export_all(MEMBER))["suggestions"] == []


async def test_a_card_of_a_withdrawn_suggestion_never_decides_its_reused_number(
    svc: Service,
) -> None:
    """A moderator's card shows suggestion #n; its member forgets themselves; a newer
    suggestion may get #n again (SQLite reuses the highest row id). Deciding on the old card
    refuses, and the newer suggestion stays pending."""
    first = await svc.suggestion(GUILD, await filed_id(svc))
    await svc.forget(MEMBER)
    newer = await svc.suggest(GUILD, OTHER_MEMBER, "2401.00002")
    assert newer.suggestion is not None
    reused = newer.suggestion.id == first.id
    for decide in (
        svc.approve(GUILD, first.id, MOD, seen=first),
        svc.reject(GUILD, first.id, MOD, "no", seen=first),
    ):
        with pytest.raises(UnknownSuggestion, match="withdrew"):
            await decide
    assert (await svc.suggestion(GUILD, newer.suggestion.id)).status == "pending"
    decided = await svc.approve(GUILD, newer.suggestion.id, MOD, seen=newer.suggestion)
    assert decided.outcome == "approved" and (reused or svc.store.engine.dialect.name != "sqlite")


async def test_a_departed_servers_catalog_is_purged_after_the_grace(
    svc: Service, clock: Clock
) -> None:
    await svc.add_to_catalog(GUILD, MOD, title="Kept while the bot is around")
    await svc.add_to_catalog(OTHER_GUILD, MOD, title="Another server's reading")
    await filed_id(svc, "2401.00002")
    departure = await svc.guild_removed(GUILD)
    assert departure.delete_after == clock() + dt.timedelta(days=7)
    clock.advance(days=6)
    assert (await svc.purge_departed_guilds()).cleared == ()
    assert await svc.guild_returned(GUILD)
    await svc.guild_removed(GUILD)
    clock.advance(days=7, seconds=1)
    report = await svc.purge_departed_guilds()
    assert [(c.guild_id, c.resources, c.suggestions) for c in report.cleared] == [(GUILD, 1, 1)]
    assert (await svc.server_additions(GUILD)).total == 0
    assert (await svc.server_additions(OTHER_GUILD)).total == 1
    assert (await svc.purge_departed_guilds()).cleared == ()


async def test_an_admin_clears_the_servers_catalog(svc: Service) -> None:
    await svc.add_to_catalog(GUILD, MOD, title="Soon gone")
    cleared = await svc.clear_server_catalog(GUILD)
    assert (cleared.resources, cleared.suggestions) == (1, 0)
    found = await svc.recommend("soon gone", guild_id=GUILD)
    assert not any(r.resource.added_by_server for r in found.results)


async def test_two_processes_approving_at_once_add_one_resource(
    svc: Service, database_url: str, catalog: Catalog, clock: Clock, web: str
) -> None:
    """Two bot processes (two stores, two connection pools) on one database."""
    suggestion = await filed_id(svc)
    async with Store.open(database_url) as other_store:
        other = Service(other_store, catalog, None, clock=clock, fetcher=make_fetcher(web))
        outcomes = await asyncio.gather(
            svc.approve(GUILD, suggestion, MOD), other.approve(GUILD, suggestion, MOD + 1)
        )
    assert sorted(o.outcome for o in outcomes) == ["already", "approved"]
    assert len(await svc.store.server_resources(GUILD)) == 1


@pytest.mark.parametrize(
    "title",
    ["🔥🔥🔥", "@everyone read this", "[masked](https://evil.example)", "x" * 300, "'; DROP --"],
)
async def test_hostile_titles_make_plain_entries_with_valid_ids(svc: Service, title: str) -> None:
    added = (await svc.add_to_catalog(GUILD, MOD, title=title)).resource
    assert ID_PATTERN.match(added.id) and len(added.id) <= 80
    assert added.title.strip() and "\n" not in added.title
    assert validate_text(await svc.export_additions(GUILD)) == []


@pytest.mark.parametrize(
    "details",
    [
        {"title": "x" * 5000},
        {"title": "Fine", "year": "next year"},
        {"title": "Fine", "year": 3000},
        {"title": "Fine", "description": "y" * 5000},
        {"title": "Fine", "topics": ["rnn"] * 1 + ["nlp", "cnn", "gan", "vae", "rl", "x"]},
        {"title": "Fine", "kind": "podcast"},
        {"title": "   "},
    ],
)
async def test_bad_typed_details_are_friendly_errors(svc: Service, details: dict[str, Any]) -> None:
    with pytest.raises(ServiceError):
        await svc.add_to_catalog(GUILD, MOD, **details)
    assert (await svc.server_additions(GUILD)).total == 0


async def test_bad_ids_and_pages_are_friendly_errors(svc: Service) -> None:
    for wrong in ("12", -1, 2**40, True):
        with pytest.raises(UnknownSuggestion):
            await svc.approve(GUILD, wrong, MOD)  # type: ignore[arg-type]
    with pytest.raises(ServiceError):
        await svc.review_queue(GUILD, offset=-1)
    with pytest.raises(ServiceError):
        await svc.server_additions(GUILD, limit=1000)
    with pytest.raises(ServiceError):
        await svc.suggest(0, MEMBER, NEW_PAPER)
    with pytest.raises(UnknownResource):
        await svc.remove_from_catalog(GUILD, "x" * 5000)


def test_classify_prefills_with_the_build_classifier(svc: Service) -> None:
    paper = svc.classify(
        "Attention is all you need", "self-attention for translation", kind="paper"
    )
    assert paper.kind == "paper" and paper.level == "advanced"
    course = svc.classify("A gentle introduction to recurrent networks: a course")
    assert course.kind == "course" and course.level == "beginner" and "rnn" in course.topics
