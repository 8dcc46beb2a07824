"""`ServerViews`: one view per server, rebuilt only when its version moves, re-checked at most
every `recheck_s`, the least recently used dropped past `size`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.service.server_views import ServerViews
from recommender.catalog import Catalog
from recommender.engine import Engine
from recommender.resource import SERVER_ORIGIN, Resource


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def addition(rid: str, title: str) -> Resource:
    return Resource(rid, title, "blog", "beginner", ("rnn",), origin=SERVER_ORIGIN)


def make(
    catalog: Catalog, versions: dict[int, int], additions: dict[int, list[Resource]], **kw: object
) -> tuple[ServerViews, list[int], Ticker]:
    engine = Engine.from_catalog(catalog)
    reads: list[int] = []
    clock = Ticker()

    async def version(guild_id: int) -> int:
        reads.append(guild_id)
        return versions.get(guild_id, 0)

    async def load(guild_id: int) -> Sequence[Resource]:
        return additions.get(guild_id, [])

    def base() -> tuple[Catalog, Engine | None]:
        return catalog, engine

    views = ServerViews(base, version, load, clock=clock, **kw)  # type: ignore[arg-type]
    return views, reads, clock


async def test_a_server_without_additions_shares_the_base(catalog: Catalog) -> None:
    views, reads, _clock = make(catalog, {}, {})
    view = await views.engine_for(7)
    assert view.catalog is views.base.catalog and view.engine is views.base.engine
    assert await views.engine_for(None) is views.base and reads == [7]


async def test_a_new_version_is_seen_after_the_recheck_interval(catalog: Catalog) -> None:
    versions = {7: 1}
    adds = {7: [addition("wombat-k1", "Wombat nets")]}
    views, reads, clock = make(catalog, versions, adds, recheck_s=1.0)
    first = await views.engine_for(7)
    assert first.catalog.by_id("wombat-k1") is not None and first.version == 1
    assert views.seen("wombat-k1") is not None
    adds[7].append(addition("quokka-k1", "Quokka nets"))
    versions[7] = 2  # another process approved something
    assert await views.engine_for(7) is first  # within the second: no read at all
    assert reads == [7]
    clock.now += 1.0
    second = await views.engine_for(7)
    assert second.version == 2 and second.catalog.by_id("quokka-k1") is not None
    clock.now += 1.0
    assert await views.engine_for(7) is second  # re-read, same version: not rebuilt
    assert views.peek(7) is second and views.peek(8) is views.base


async def test_the_least_recently_used_server_is_dropped(catalog: Catalog) -> None:
    adds = {g: [addition(f"a-{g}", f"Addition {g}")] for g in (1, 2, 3)}
    views, _reads, _clock = make(catalog, {1: 1, 2: 1, 3: 1}, adds, size=2)
    for guild in (1, 2, 1, 3):
        await views.engine_for(guild)
    assert views.peek(2) is views.base  # dropped: the next question rebuilds it
    assert views.peek(1).version == 1 and views.peek(3).version == 1
    views.forget(1)
    assert views.peek(1) is views.base
