"""What discovery searches for one server: the base catalog plus that server's additions.

`ServerViews.engine_for(guild_id)` is the one function the rest of the service asks. A server
without additions shares the base `Catalog` and `Engine`; one with additions gets a `Catalog`
over both and an engine over that catalog, cached by the server's catalog version (bumped in
the database by every change, so another process's approval is seen too) and rebuilt only when
the version moves. The version is re-read at most every `recheck_s` seconds per server, so a
burst of questions costs one cheap read, and an approval anywhere is searchable within a
second. At most `size` servers' views are kept (least recently used dropped first): a process
in 10,000 servers builds views only for the servers asking.

This builds a whole engine per server (about half a second over the shipped catalog, in a
worker thread); the recommender's overlay index will replace that body without changing the
interface.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from recommender.catalog import Catalog
from recommender.engine import Engine
from recommender.resource import Resource

DEFAULT_VIEWS = 64
"""Servers whose view (a whole engine, about 3 MB over the shipped catalog) is kept."""
RECHECK_S = 1.0
SEEN = 10_000


@dataclass(frozen=True, slots=True)
class ServerView:
    """The catalog and engine one server searches, at one version of its additions."""

    guild_id: int | None
    version: int
    catalog: Catalog
    engine: Engine | None
    additions: tuple[Resource, ...] = ()


class ServerViews:
    """Cached `ServerView`s by server (see the module docstring)."""

    def __init__(
        self,
        base: Callable[[], tuple[Catalog, Engine | None]],
        version: Callable[[int], Awaitable[int]],
        additions: Callable[[int], Awaitable[Sequence[Resource]]],
        *,
        size: int = DEFAULT_VIEWS,
        recheck_s: float = RECHECK_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base = base
        self._base_view = ServerView(None, 0, *base())
        self._version = version
        self._additions = additions
        self.size = size
        self.recheck_s = recheck_s
        self._clock = clock
        self._views: OrderedDict[int, tuple[float, ServerView]] = OrderedDict()
        self._locks: dict[int, asyncio.Lock] = {}
        self._seen: OrderedDict[str, Resource] = OrderedDict()

    def saw(self, resources: Sequence[Resource]) -> None:
        """Remember additions just read (a member's list, a card shown outside its server),
        so a synchronous `Service.resource` finds them; at most `SEEN` are kept."""
        for resource in resources:
            self._seen[resource.id] = resource
            self._seen.move_to_end(resource.id)
        while len(self._seen) > SEEN:
            self._seen.popitem(last=False)

    def seen(self, resource_id: str) -> Resource | None:
        return self._seen.get(resource_id)

    @property
    def base(self) -> ServerView:
        """The base catalog's view (rebuilt when the service's catalog or engine is replaced,
        as tests do)."""
        catalog, engine = self._base()
        view = self._base_view
        if view.catalog is not catalog or view.engine is not engine:
            self._views.clear()
            view = self._base_view = ServerView(None, 0, catalog, engine)
        return view

    def peek(self, guild_id: int | None) -> ServerView:
        """The server's view as last loaded (the base one if never): for synchronous
        questions (autocomplete), which cannot wait for the database."""
        if guild_id is None:
            return self.base
        item = self._views.get(guild_id)
        return item[1] if item is not None else self.base

    def forget(self, guild_id: int) -> None:
        """Drop the server's view: its additions changed here, so the next question reloads."""
        self._views.pop(guild_id, None)

    async def engine_for(self, guild_id: int | None) -> ServerView:
        """The server's current view (the base one for None or a server without additions)."""
        if guild_id is None:
            return self.base
        base = self.base
        item = self._views.get(guild_id)
        if item is not None and self._clock() - item[0] < self.recheck_s:
            self._views.move_to_end(guild_id)
            return item[1]
        lock = self._locks.setdefault(guild_id, asyncio.Lock())
        async with lock:
            version = await self._version(guild_id)
            item = self._views.get(guild_id)
            if item is not None and item[1].version == version:
                view = item[1]
            else:
                view = await self._build(base, guild_id, version)
            self._remember(guild_id, view)
        if not lock.locked():
            self._locks.pop(guild_id, None)
        return view

    async def _build(self, base: ServerView, guild_id: int, version: int) -> ServerView:
        if version == 0:
            return ServerView(guild_id, 0, base.catalog, base.engine)
        additions = tuple(await self._additions(guild_id))
        self.saw(additions)
        if not additions:
            return ServerView(guild_id, version, base.catalog, base.engine)
        # The hash names this combination; computing one over the whole YAML would cost more
        # than the question.
        content_hash = f"{base.catalog.content_hash}+{guild_id}.{version}"
        catalog = Catalog(base.catalog.resources + additions, content_hash)
        engine = None
        if base.engine is not None:
            engine = await asyncio.to_thread(Engine.from_catalog, catalog)
        return ServerView(guild_id, version, catalog, engine, additions)

    def _remember(self, guild_id: int, view: ServerView) -> None:
        self._views[guild_id] = (self._clock(), view)
        self._views.move_to_end(guild_id)
        while len(self._views) > self.size:
            self._views.popitem(last=False)
