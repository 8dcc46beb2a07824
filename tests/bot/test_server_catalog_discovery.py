"""A server's additions in discovery: found in that server, nowhere else, kept in members'
lists everywhere (recommend, paper, ask, similar, path, progress, export, daily picks)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.service import Resource, Service, UnknownResource
from bot.service.daily_runner import DailyRunner
from bot.store import Store
from recommender.catalog import Catalog
from recommender.engine import Engine
from recommender.lookup import lookup
from tests.bot.conftest import Clock

GUILD, OTHER_GUILD = 111, 222
MEMBER, MOD = 1001, 9001
TITLE = "Zymurgy Networks: Fermenting Recurrent Attention"
DESCRIPTION = (
    "Zymurgy networks ferment recurrent attention over long sequences. They explain how a "
    "zymurgy gate keeps the useful state of a recurrent network."
)


@pytest.fixture
async def svc(store: Store, catalog: Catalog, clock: Clock) -> AsyncIterator[Service]:
    yield Service(store, catalog, Engine.from_catalog(catalog), clock=clock)


@pytest.fixture
async def added(svc: Service) -> Resource:
    outcome = await svc.add_to_catalog(
        GUILD,
        MOD,
        title=TITLE,
        description=DESCRIPTION,
        authors="Ada Lovelace",
        year=2024,
        level="beginner",
        topics=["rnn"],
        kind="paper",
    )
    return outcome.resource


async def test_recommend_finds_an_addition_only_in_its_server(
    svc: Service, added: Resource
) -> None:
    here = await svc.recommend("zymurgy", guild_id=GUILD)
    assert [r.resource.id for r in here.results] == [added.id]
    assert here.results[0].resource.added_by_server
    for elsewhere in (OTHER_GUILD, None):
        found = await svc.recommend("zymurgy", guild_id=elsewhere)
        assert all(r.resource.id != added.id for r in found.results)
    assert await svc.has_anything_on("zymurgy", guild_id=GUILD)
    assert not await svc.has_anything_on("zymurgy", guild_id=OTHER_GUILD)
    # the base catalog is still there for the server
    base = await svc.recommend("residual learning image recognition", guild_id=GUILD)
    assert base.results[0].resource.id == "resnet"


async def test_paper_ask_similar_and_path_see_the_addition(svc: Service, added: Resource) -> None:
    paper = await svc.paper("zymurgy networks", guild_id=GUILD)
    assert paper.card is not None and paper.card.resource.id == added.id
    by_id = await svc.paper(added.id, guild_id=GUILD, user_id=MEMBER)
    assert by_id.card is not None and by_id.card.resource == added
    elsewhere = await svc.paper("zymurgy networks", guild_id=OTHER_GUILD)
    assert elsewhere.card is None or elsewhere.card.resource.id != added.id
    answer = await svc.ask("what does a zymurgy gate keep?", guild_id=GUILD)
    assert answer.passages and answer.passages[0].resource.id == added.id
    similar = await svc.similar(added.id, guild_id=GUILD)
    assert similar.source == added and similar.results
    with pytest.raises(UnknownResource):
        await svc.similar(added.id, guild_id=OTHER_GUILD)
    path = await svc.path(added.id, guild_id=GUILD)
    assert path.steps[-1].resource == added
    topic_path = await svc.path("rnn", guild_id=GUILD)
    assert added.id in [s.resource.id for s in topic_path.steps]


async def test_members_keep_an_addition_in_lists_progress_and_exports_anywhere(
    svc: Service, added: Resource
) -> None:
    marked = await svc.mark_text(MEMBER, "zymurgy networks", "done", guild_id=GUILD)
    assert marked.entry.resource_id == added.id
    # outside the server (a DM, the terminal): by id, in the list, progress and exports
    await svc.mark(MEMBER, added.id, "reading")
    svc.server_views.forget(GUILD)
    entries = await svc.entries(MEMBER)
    assert entries[0].resource == added and entries[0].in_catalog
    progress = await svc.progress(MEMBER)
    assert progress.counts.reading == 1
    assert [e.resource for e in progress.recent] == [added]
    assert "rnn" in [t.topic for t in progress.by_topic]
    for fmt in ("md", "bib", "csv", "json"):
        assert TITLE in await svc.export(MEMBER, fmt)
    assert (await svc.find_resource(added.id)) == added
    assert svc.resource(added.id) == added  # seen lately, so known without the database


async def test_an_approval_is_searchable_at_once_and_a_removal_gone_at_once(
    svc: Service, added: Resource
) -> None:
    assert (await svc.recommend("zymurgy", guild_id=GUILD)).results
    second = await svc.add_to_catalog(GUILD, MOD, title="Quokka Transformers", topics=["nlp"])
    found = await svc.recommend("quokka", guild_id=GUILD)
    assert [r.resource.id for r in found.results] == [second.resource.id]
    await svc.remove_from_catalog(GUILD, second.resource.id)
    assert not (await svc.recommend("quokka", guild_id=GUILD)).results


async def test_resolving_in_a_server_leaves_nothing_in_global_caches(
    svc: Service, added: Resource
) -> None:
    """A server's titles are resolved over its view (dropped with it), not through the
    lookup cache keyed by catalog, which would keep every server's resources alive."""
    await svc.server_view(GUILD)
    cached = lookup.cache_info().currsize
    assert svc.resolve("zymurgy networks", guild_id=GUILD) == added
    assert await svc.resolve_text(TITLE.lower(), guild_id=GUILD) == added
    assert (await svc.similar("Zymurgy Netwroks", guild_id=GUILD)).source == added
    removed = await svc.remove_from_catalog(GUILD, "zymurgy networks")
    assert removed.id == added.id
    assert lookup.cache_info().currsize == cached


async def test_autocomplete_offers_the_servers_additions(svc: Service, added: Resource) -> None:
    await svc.server_view(GUILD)  # any question in the server loads its view
    choices = svc.resource_choices("zymurgy", guild_id=GUILD)
    assert choices and choices[0].value == added.id
    assert all(c.value != added.id for c in svc.resource_choices("zymurgy", guild_id=OTHER_GUILD))
    assert svc.resolve(added.id, guild_id=GUILD) == added
    with pytest.raises(UnknownResource):
        svc.resolve(added.id)


async def test_the_daily_pick_includes_the_servers_additions(svc: Service, added: Resource) -> None:
    async def send(*args: object) -> int:
        return 1

    async def find(*args: object) -> int | None:
        return None

    runner = DailyRunner(svc, send, find)  # type: ignore[arg-type]
    view = await svc.server_view(GUILD)
    assert added.id in runner.candidates("rnn", None, view)
    assert added.id not in runner.candidates("rnn", None, await svc.server_view(OTHER_GUILD))
    picked = set()
    for _ in range(3):
        pick = await runner.pick(GUILD, "rnn", "beginner")
        assert pick is not None
        picked.add(pick.resource.id)
    assert added.id in picked
