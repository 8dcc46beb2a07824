"""What discovery searches for one server: the base catalog plus that server's additions.

`ServerViews.engine_for(guild_id)` is the one function the rest of the service asks. A server
without additions shares the base `Catalog` and `Engine`; one with additions gets an overlay
(`recommender.overlay`): an `Engine` over the base's shared arrays plus the server's own rows,
built in milliseconds (about 10 ms for 50 additions, 100-200 ms for 500, so in a worker
thread) and a couple of hundred kB, never a refit of the catalog.

A view is cached by the server's catalog version (bumped in the database by every change, so
another process's approval is seen too) and rebuilt only when the version moves. The version
is re-read at most every `recheck_s` seconds per server, so a burst of questions costs one
cheap read (which only the question that makes it waits for: the others meanwhile get the
kept view), and an approval anywhere is searchable within `recheck_s` plus one build (an
approval in this process `forget`s the view: the very next question sees it). Views are
built lazily, for the servers asking, and kept in least-recently-used order: one unused for
`idle_s` is dropped, and beyond `size` views or `max_additions` additions held in all, the
least recently used goes first, so a process in 10,000 servers holds only the busy ones.

This is the one cache of per-server overlays. Title resolution goes through the view
(`ServerView.lookup`): the overlay's own titles for a server with additions, so no global
cache keeps a server's resources alive after its view is dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.service.lazy import lazy_module
from recommender.catalog import Catalog
from recommender.engine import Engine
from recommender.lookup import Resolution, lookup, lookup_in, titles_of
from recommender.resource import Resource

if TYPE_CHECKING:
    import recommender.overlay as overlays
else:
    overlays = lazy_module("recommender.overlay")

log = logging.getLogger(__name__)

MAX_VIEWS = 500
"""Servers whose view is kept: about 180 kB each for 50 additions (bench/server_catalog.py
measures it), so about 90 MB when every kept server has 50."""
MAX_ADDITIONS = 40_000
"""Additions held in all kept views (about 3.6 kB each with their overlay rows): bounds the
memory when some servers hold hundreds of additions, where `MAX_VIEWS` alone would not."""
RECHECK_S = 0.5
"""How stale a server's version may be: with a build of at most a few hundred ms, another
process's approval is searchable within a second."""
IDLE_S = 30 * 60.0
"""A view unused this long is dropped (on the next question to any server): a quiet server
costs nothing."""
SEEN = 10_000


@dataclass(frozen=True, slots=True)
class ServerView:
    """The resources and engine one server searches, at one version of its additions.

    `engine` answers over the base catalog plus `additions` (an overlay; the base engine when
    there are none; None in a service without a recommender). `additions` are the ones
    served: an addition the overlay could not index is logged and left out. Ask the view,
    not `base`, for resources and titles, so a server's additions are found.
    """

    guild_id: int | None
    version: int
    base: Catalog
    engine: Engine | None
    additions: tuple[Resource, ...] = ()

    @property
    def resources(self) -> Sequence[Resource]:
        """The base catalog's resources, then the server's additions."""
        if not self.additions:
            return self.base.resources
        if self.engine is not None:
            return self.engine.resources  # the overlay's, not a copy per question
        return self.base.resources + self.additions

    def resource(self, resource_id: str) -> Resource | None:
        """The resource with this id (or former id) here, None when there is none."""
        if not self.additions:
            return self.base.by_id(resource_id)
        if self.engine is not None:
            return self.engine.resource(resource_id)
        return self.base.by_id(resource_id) or _added(self.additions, resource_id)

    def lookup(self, text: str) -> Resolution:
        """What an id or a typed title names here (recommender.lookup's one policy). The base
        catalog's answers are cached across questions; a server's are resolved over its
        overlay's titles (cached on the overlay, dropped with it)."""
        if not self.additions:
            return lookup(self.base, text)
        if self.engine is not None:
            return self.engine.lookup(text)
        return lookup_in(self.resource, titles_of(self.resources), text)


def _added(additions: Sequence[Resource], resource_id: str) -> Resource | None:
    """The addition with this id, else the one formerly known by it (no recommender only)."""
    for resource in additions:
        if resource.id == resource_id:
            return resource
    for resource in additions:
        if resource_id in resource.former_ids:
            return resource
    return None


@dataclass(frozen=True, slots=True)
class ViewStats:
    """Counters since the views were made (builds, evictions) and what is held now."""

    kept: int
    additions: int
    builds: int
    evicted: int


@dataclass(slots=True)
class _Kept:
    view: ServerView
    checked: float
    """When the server's version was last read."""
    used: float
    """When the view was last asked for."""


class ServerViews:
    """Cached `ServerView`s by server (see the module docstring)."""

    def __init__(
        self,
        base: Callable[[], tuple[Catalog, Engine | None]],
        version: Callable[[int], Awaitable[int]],
        additions: Callable[[int], Awaitable[Sequence[Resource]]],
        *,
        size: int = MAX_VIEWS,
        max_additions: int = MAX_ADDITIONS,
        recheck_s: float = RECHECK_S,
        idle_s: float = IDLE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`base()` gives the service's current catalog and engine; `version(guild_id)` the
        server's catalog version (0: never changed); `additions(guild_id)` its additions."""
        if size < 1 or max_additions < 1:
            raise ValueError("size and max_additions must be at least 1")
        if recheck_s < 0 or idle_s <= 0:
            raise ValueError("recheck_s must be 0 or more and idle_s positive")
        self._base = base
        self._base_view = ServerView(None, 0, *base())
        self._version = version
        self._additions = additions
        self.size = size
        self.max_additions = max_additions
        self.recheck_s = recheck_s
        self.idle_s = idle_s
        self._clock = clock
        self._views: OrderedDict[int, _Kept] = OrderedDict()
        self._held = 0  # additions in self._views
        self._builds = self._evicted = 0
        self._locks: dict[int, asyncio.Lock] = {}
        self._seen: OrderedDict[str, Resource] = OrderedDict()
        self._reported: OrderedDict[int, int] = OrderedDict()

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
        if view.base is not catalog or view.engine is not engine:
            self._views.clear()
            self._held = 0
            view = self._base_view = ServerView(None, 0, catalog, engine)
        return view

    def peek(self, guild_id: int | None) -> ServerView:
        """The server's view as last loaded (the base one if never): for synchronous
        questions (autocomplete), which cannot wait for the database."""
        if guild_id is None:
            return self.base
        kept = self._views.get(guild_id)
        return kept.view if kept is not None else self.base

    def forget(self, guild_id: int) -> None:
        """Drop the server's view: its additions changed here, so the next question reloads."""
        kept = self._views.pop(guild_id, None)
        if kept is not None:
            self._held -= len(kept.view.additions)

    def stats(self) -> ViewStats:
        return ViewStats(len(self._views), self._held, self._builds, self._evicted)

    async def engine_for(self, guild_id: int | None) -> ServerView:
        """The server's current view (the base one for None or a server without additions)."""
        if guild_id is None:
            return self.base
        base = self.base
        now = self._clock()
        self._expire(now)
        fresh = self._fresh(guild_id, now)
        if fresh is not None:
            return fresh
        lock = self._locks.setdefault(guild_id, asyncio.Lock())
        if lock.locked():
            # Another question is re-reading the version (or building): the kept view, checked
            # under two windows ago, keeps the promise (an approval elsewhere is searched
            # within `recheck_s` plus one read and build), and a burst does not queue behind
            # a read that waits on the database's writes.
            kept = self._views.get(guild_id)
            if kept is not None and now - kept.checked < 2 * self.recheck_s:
                kept.used = now
                self._views.move_to_end(guild_id)
                return kept.view
        try:
            async with lock:
                # Whoever held the lock may just have loaded it: one read, one build.
                fresh = self._fresh(guild_id, self._clock())
                if fresh is not None:
                    return fresh
                version = await self._version(guild_id)
                kept = self._views.get(guild_id)
                if kept is not None and kept.view.version == version:
                    view = kept.view
                else:
                    view = await self._build(base, guild_id, version)
                self._remember(guild_id, view)
                return view
        finally:
            if not lock.locked():
                self._locks.pop(guild_id, None)

    def _fresh(self, guild_id: int, now: float) -> ServerView | None:
        """The kept view when its version was read within `recheck_s` (marked used)."""
        kept = self._views.get(guild_id)
        if kept is None or now - kept.checked >= self.recheck_s:
            return None
        kept.used = now
        self._views.move_to_end(guild_id)
        return kept.view

    async def _build(self, base: ServerView, guild_id: int, version: int) -> ServerView:
        if version == 0:
            return ServerView(guild_id, 0, base.base, base.engine)
        additions = tuple(await self._additions(guild_id))
        self.saw(additions)
        if not additions:
            return ServerView(guild_id, version, base.base, base.engine)
        if base.engine is None:
            return ServerView(guild_id, version, base.base, None, additions)
        # Off the event loop: 500 additions take 100-200 ms, which would stall every other
        # server's interactions; the thread hop costs far less than the smallest build.
        engine = await asyncio.to_thread(overlays.overlay, base.engine, additions)
        self._builds += 1
        served = additions
        if isinstance(engine, overlays.OverlayEngine):
            self._report(guild_id, version, engine)
            served = engine.additions
        if not served:
            return ServerView(guild_id, version, base.base, base.engine)
        return ServerView(guild_id, version, base.base, engine, served)

    def _report(self, guild_id: int, version: int, engine: overlays.OverlayEngine) -> None:
        """Log additions the overlay left out, once per version of the server's catalog
        (not again when an evicted view is rebuilt)."""
        if not engine.rejected or self._reported.get(guild_id) == version:
            return
        self._reported[guild_id] = version
        self._reported.move_to_end(guild_id)
        while len(self._reported) > SEEN:
            self._reported.popitem(last=False)
        shown = "; ".join(f"{r.resource_id!r}: {r.reason}" for r in engine.rejected[:5])
        more = f" (and {len(engine.rejected) - 5} more)" if len(engine.rejected) > 5 else ""
        log.warning(
            "server %s catalog version %s: %d additions left out of search: %s%s",
            guild_id,
            version,
            len(engine.rejected),
            shown,
            more,
        )

    def _remember(self, guild_id: int, view: ServerView) -> None:
        now = self._clock()
        self.forget(guild_id)
        self._views[guild_id] = _Kept(view, now, now)
        self._held += len(view.additions)
        while len(self._views) > self.size or (
            self._held > self.max_additions and len(self._views) > 1
        ):
            self._drop_oldest()

    def _expire(self, now: float) -> None:
        """Drop views unused for `idle_s` (the least recently used come first)."""
        while self._views:
            oldest = next(iter(self._views.values()))
            if now - oldest.used < self.idle_s:
                break
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        _, kept = self._views.popitem(last=False)
        self._held -= len(kept.view.additions)
        self._evicted += 1
