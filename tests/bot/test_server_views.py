"""The one cache of servers' views: overlays built lazily and once, rebuilt when the server's
catalog version moves, bounded (least recently used, additions held, idle), and dropped
without anything else keeping them alive."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref
from collections import Counter
from collections.abc import Sequence

import pytest

from bot.service.discovery import resolve_in
from bot.service.server_views import ServerView, ServerViews, ViewStats
from bot.service.validation import UnknownResource
from recommender.catalog import Catalog
from recommender.engine import Engine
from recommender.lookup import lookup
from recommender.overlay import OverlayEngine
from recommender.resource import Resource
from tests.bot.conftest import small_catalog

CATALOG = small_catalog()
ENGINE = Engine.from_catalog(CATALOG)


def word(server: int) -> str:
    """A word only this server's additions hold, not a typo of another server's (the first
    letters differ, and typos are corrected within a first letter)."""
    return f"{'abcdefgh'[server]}wuzzle"


def addition(server: int, n: int, **fields: object) -> Resource:
    values: dict[str, object] = {
        "id": f"srv{server}-{n}",
        "title": f"{word(server).capitalize()} Frobnication {['Glimmerstone', 'Quokkaroo'][n]}",
        "kind": "blog",
        "level": "beginner",
        "topics": ("rnn",),
        "description": f"How {word(server)} frobnicates recurrent networks.",
        "description_source": "curated",
    }
    return Resource(**{**values, **fields})  # type: ignore[arg-type]


class Database:
    """Servers' versions and additions in memory, counting reads (a stand-in for the store)."""

    def __init__(self) -> None:
        self.versions: dict[int, int] = {}
        self.rows: dict[int, list[Resource]] = {}
        self.version_reads: Counter[int] = Counter()
        self.loads: Counter[int] = Counter()
        self.broken = False

    def approve(self, server: int, *resources: Resource) -> None:
        self.rows.setdefault(server, []).extend(resources)
        self.versions[server] = self.versions.get(server, 0) + 1

    async def version(self, server: int) -> int:
        self.version_reads[server] += 1
        await asyncio.sleep(0)  # a real read yields to other questions
        return self.versions.get(server, 0)

    async def additions(self, server: int) -> Sequence[Resource]:
        self.loads[server] += 1
        await asyncio.sleep(0)
        if self.broken:
            raise OSError("database down")
        return list(self.rows.get(server, ()))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def views_over(
    db: Database,
    clock: Clock | None = None,
    engine: Engine | None = ENGINE,
    **options: float,
) -> ServerViews:
    return ServerViews(
        lambda: (CATALOG, engine),
        db.version,
        db.additions,
        clock=clock or Clock(),
        **options,  # type: ignore[arg-type]
    )


def found(view: ServerView, query: str) -> list[str]:
    assert view.engine is not None
    return [r.resource.id for r in view.engine.recommend(query, k=10).results]


async def test_no_server_and_a_server_without_additions_share_the_base() -> None:
    db = Database()
    views = views_over(db)
    assert await views.engine_for(None) is views.base
    view = await views.engine_for(5)
    assert view.engine is ENGINE and view.base is CATALOG and view.additions == ()
    assert db.loads[5] == 0  # version 0: nothing was ever added, nothing to read
    assert view.resource("resnet") is CATALOG.by_id("resnet")


async def test_an_overlay_is_built_once_and_answers_over_both() -> None:
    db, clock = Database(), Clock()
    db.approve(1, addition(1, 0))
    views = views_over(db, clock)
    view = await views.engine_for(1)
    assert isinstance(view.engine, OverlayEngine)
    assert view.engine.base is ENGINE  # the shared base, not a refit
    assert found(view, word(1)) == ["srv1-0"]
    assert found(view, "residual learning")[0] == "resnet"
    assert view.resource("srv1-0") == addition(1, 0)
    assert view.resource("resnet") is CATALOG.by_id("resnet")
    assert [r.id for r in view.resources][-1] == "srv1-0"
    assert view.lookup(f"{word(1)} frobnication glimmerstone").resource == addition(1, 0)
    clock.now += 0.1
    assert await views.engine_for(1) is view
    clock.now += 10
    assert await views.engine_for(1) is view  # version re-read, unchanged: same view
    assert db.loads[1] == 1 and db.version_reads[1] == 2
    assert views.stats() == ViewStats(kept=1, additions=1, builds=1, evicted=0)


async def test_servers_are_kept_apart() -> None:
    db = Database()
    db.approve(1, addition(1, 0))
    db.approve(2, addition(2, 0))
    views = views_over(db)
    one, two = await views.engine_for(1), await views.engine_for(2)
    assert found(one, word(1)) == ["srv1-0"] and found(one, word(2)) == []
    assert found(two, word(2)) == ["srv2-0"] and two.resource("srv1-0") is None
    assert found(await views.engine_for(3), word(1)) == []


async def test_a_new_version_is_searched_after_the_recheck_window() -> None:
    db, clock = Database(), Clock()
    db.approve(1, addition(1, 0))
    views = views_over(db, clock, recheck_s=0.5)
    await views.engine_for(1)
    db.approve(1, addition(1, 1))  # another process approved one
    for _ in range(10):  # a burst of questions within the window: no read at all
        assert found(await views.engine_for(1), "quokkaroo") == []
    assert db.version_reads[1] == 1
    clock.now += 0.5
    assert found(await views.engine_for(1), "quokkaroo") == ["srv1-1"]
    assert db.loads[1] == 2
    db.rows[1] = []  # everything removed
    db.versions[1] += 1
    clock.now += 0.5
    emptied = await views.engine_for(1)
    assert emptied.engine is ENGINE and emptied.additions == ()
    assert views.stats().additions == 0


async def test_questions_during_a_version_read_get_the_kept_view_at_once() -> None:
    db, clock = Database(), Clock()
    db.approve(1, addition(1, 0))
    views = views_over(db, clock, recheck_s=0.5)
    old = await views.engine_for(1)
    db.approve(1, addition(1, 1))  # another process approved one
    clock.now += 0.5
    # The first question re-reads the version and builds; the burst meanwhile is answered
    # from the kept view instead of queueing behind that read.
    first, *others = await asyncio.gather(*(views.engine_for(1) for _ in range(10)))
    assert found(first, "quokkaroo") == ["srv1-1"]
    assert all(view is old for view in others)
    assert db.version_reads[1] == 2 and db.loads[1] == 2
    assert await views.engine_for(1) is first  # from now on, the new one
    # A view last checked two windows ago or more is not served during a read: it waits.
    db.approve(1, addition(1, 0, id="srv1-2", title="Zebrafinch Frobnication"))
    clock.now += 1.0
    got = await asyncio.gather(*(views.engine_for(1) for _ in range(3)))
    assert all(view is got[0] and view is not first for view in got)


async def test_forget_makes_the_next_question_reload_at_once() -> None:
    db = Database()
    db.approve(1, addition(1, 0))
    views = views_over(db)
    await views.engine_for(1)
    db.approve(1, addition(1, 1))  # approved in this process, which then forgets the view
    views.forget(1)
    assert views.peek(1) is views.base
    assert found(await views.engine_for(1), "quokkaroo") == ["srv1-1"]
    assert views.peek(1).version == 2


async def test_the_least_recently_used_goes_beyond_the_maximum() -> None:
    db, clock = Database(), Clock()
    for server in (1, 2, 3):
        db.approve(server, addition(server, 0))
    views = views_over(db, clock, size=2, recheck_s=60)
    await views.engine_for(1)
    await views.engine_for(2)
    await views.engine_for(1)  # 1 is now the most recent
    await views.engine_for(3)
    assert views.peek(2) is views.base
    assert views.peek(1).guild_id == 1 and views.peek(3).guild_id == 3
    await views.engine_for(2)
    assert db.loads == Counter({1: 1, 2: 2, 3: 1})
    assert views.stats() == ViewStats(kept=2, additions=2, builds=4, evicted=2)


async def test_additions_held_in_all_are_bounded_too() -> None:
    db = Database()
    for server in (1, 2, 3):
        db.approve(server, addition(server, 0), addition(server, 1))
    db.approve(4)  # a server whose additions were all removed again
    views = views_over(db, max_additions=4)
    for server in (1, 2, 3, 4):
        await views.engine_for(server)
    assert views.peek(1) is views.base  # 6 additions held would be over 4
    assert views.stats() == ViewStats(kept=3, additions=4, builds=3, evicted=1)
    lonely = views_over(db, max_additions=1)
    assert (await lonely.engine_for(2)).additions  # one server over the bound is still served
    assert lonely.stats().kept == 1


async def test_idle_views_are_dropped() -> None:
    db, clock = Database(), Clock()
    db.approve(1, addition(1, 0))
    db.approve(2, addition(2, 0))
    views = views_over(db, clock, idle_s=60)
    await views.engine_for(1)
    clock.now += 50
    await views.engine_for(2)
    clock.now += 50  # 1 idle for 100 s, 2 for 50 s
    await views.engine_for(None)
    assert views.stats().kept == 2  # dropping happens on a server's question, not in between
    await views.engine_for(2)
    assert views.peek(1) is views.base and views.peek(2).guild_id == 2
    assert views.stats().evicted == 1


async def test_questions_at_once_read_and_build_each_server_once() -> None:
    db = Database()
    db.approve(1, addition(1, 0), addition(1, 1))
    db.approve(2, addition(2, 0))
    views = views_over(db)
    got = await asyncio.gather(*(views.engine_for(1 + i % 2) for i in range(20)))
    assert {id(v) for v in got[0::2]} == {id(got[0])}
    assert {id(v) for v in got[1::2]} == {id(got[1])}
    assert found(got[0], word(1)) == ["srv1-0", "srv1-1"]
    assert db.loads == Counter({1: 1, 2: 1})
    assert db.version_reads == Counter({1: 1, 2: 1})
    assert views.stats().builds == 2


async def test_a_failing_database_leaves_nothing_behind() -> None:
    db = Database()
    db.approve(9, addition(1, 0))
    views = views_over(db)
    db.broken = True
    for result in await asyncio.gather(
        *(views.engine_for(9) for _ in range(3)), return_exceptions=True
    ):
        assert isinstance(result, OSError)
    assert views.peek(9) is views.base and views.stats().kept == 0
    db.broken = False
    assert found(await views.engine_for(9), word(1)) == ["srv1-0"]


async def test_additions_the_overlay_cannot_index_are_logged_once_and_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    db, clock = Database(), Clock()
    good = addition(1, 0)
    taken = addition(1, 1, id="resnet")  # the catalog's id
    odd = addition(1, 1, id="srv1-odd", level="wizard")
    db.approve(1, taken, good, odd)
    views = views_over(db, clock, size=1)
    with caplog.at_level(logging.WARNING, logger="bot.service.server_views"):
        view = await views.engine_for(1)
        assert view.additions == (good,)
        assert view.resource("resnet") is CATALOG.by_id("resnet")
        assert view.resource("srv1-odd") is None
        await views.engine_for(2)  # evicts 1 (size 1)
        assert (await views.engine_for(1)).additions == (good,)  # rebuilt, same version
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert "2 additions left out" in warnings[0] and "'resnet': id already in use" in warnings[0]
    assert "unknown level 'wizard'" in warnings[0]
    db.approve(1, addition(1, 1))
    clock.now += 1
    with caplog.at_level(logging.WARNING, logger="bot.service.server_views"):
        await views.engine_for(1)
    assert len(caplog.records) == 2  # a new version is reported again


async def test_only_unindexable_additions_serve_the_base() -> None:
    db = Database()
    db.approve(1, addition(1, 0, id="resnet"))
    view = await views_over(db).engine_for(1)
    assert view.engine is ENGINE and view.additions == ()


async def test_without_a_recommender_the_view_still_finds_additions() -> None:
    db = Database()
    renamed = addition(1, 0, former_ids=("srv1-old",))
    db.approve(1, renamed)
    views = views_over(db, engine=None)
    view = await views.engine_for(1)
    assert view.engine is None and view.additions == (renamed,)
    assert view.resource("srv1-0") == renamed and view.resource("srv1-old") == renamed
    assert view.resource("resnet") is CATALOG.by_id("resnet")
    assert view.resources[-1] == renamed and len(view.resources) == len(CATALOG) + 1
    assert resolve_in(view, f"{word(1)} frobnication glimerstone") == renamed
    assert resolve_in(views.base, "deep residual learning").id == "resnet"
    with pytest.raises(UnknownResource):
        resolve_in(views.base, renamed.title)


async def test_a_dropped_view_is_not_kept_alive_by_resolving_in_it() -> None:
    """Resolution in a server goes through its overlay, not the global lookup cache keyed
    by catalog, so forgetting a view frees its overlay and additions."""
    db = Database()
    db.approve(1, addition(1, 0))
    views = views_over(db)
    view = await views.engine_for(1)
    cached = lookup.cache_info().currsize
    assert resolve_in(view, f"{word(1)} frobnication glimmerstone").id == "srv1-0"
    assert resolve_in(view, "srv1-0").id == "srv1-0"
    assert resolve_in(view, "deep residual learning for image recognition").id == "resnet"
    with pytest.raises(UnknownResource):
        resolve_in(view, "@everyone '; DROP TABLE x; --")  # a friendly error, not a crash
    assert lookup.cache_info().currsize == cached
    found(view, word(1))
    overlay = weakref.ref(view.engine)
    views.forget(1)
    del view
    await asyncio.sleep(0)  # the worker thread's done-callback, still queued, holds it
    gc.collect()
    assert overlay() is None


def test_bad_settings_are_refused() -> None:
    db = Database()
    with pytest.raises(ValueError, match="size"):
        views_over(db, size=0)
    with pytest.raises(ValueError, match="max_additions"):
        views_over(db, max_additions=0)
    with pytest.raises(ValueError, match="idle_s"):
        views_over(db, idle_s=0)


def test_a_replaced_base_drops_every_view() -> None:
    db = Database()
    current: list[tuple[Catalog, Engine | None]] = [(CATALOG, ENGINE)]
    views = ServerViews(lambda: current[0], db.version, db.additions)
    db.approve(1, addition(1, 0))
    asyncio.run(views.engine_for(1))
    assert views.stats().kept == 1
    smaller = Catalog(r for r in CATALOG if r.id != "gan")
    current[0] = (smaller, None)
    assert views.base.base is smaller and views.stats() == ViewStats(0, 0, 1, 0)
