"""Overlays of many servers in one process: built on first use, rebuilt on change, evicted.

One `OverlayCache` per base engine (per catalog). The service asks it for a server's engine
on every query; the cache answers from memory while the server's additions are unchanged,
and builds a new overlay (milliseconds for tens of additions, see overlay.py) when they
changed, so an approved resource is searchable on the very next query.

API (pure: no database, no Discord; thread-safe):

    cache = OverlayCache(base_engine, max_servers=1000, idle_seconds=1800)

    engine = cache.get(guild_id, version, load)
        # `version`: anything hashable that changes whenever the server's additions change
        #   (a counter bumped on approval/removal, the latest `updated_at`, an etag);
        # `load()`: returns the server's additions (a sequence of `Resource`), called only
        #   when there is no overlay for (guild_id, version) yet.
        # Returns an `Engine`: the base itself for a server without additions, else an
        # `OverlayEngine`; call recommend/paper/ask/similar/path/lookup/resource on it.
        # Additions it could not index (empty or taken id, unknown kind/level) are listed
        # in `engine.rejected` (an OverlayEngine's), to log; the others are served.

    engine = cache.peek(guild_id, version)            # the cached engine, or None
    engine = cache.put(guild_id, version, additions)  # build and keep (async callers:
        # `cache.peek(...) or cache.put(..., await load())`, the loading off the lock)
    cache.discard(guild_id)                           # forget one server (it left)
    cache.stats()                                     # hits, builds, evictions, size

Entries are kept in least-recently-used order: an entry not used for `idle_seconds` is
dropped on the next call, and beyond `max_servers` the least recently used one is. A stale
version is replaced, never served. Two threads asking for the same missing server build it
once (the second waits for the first); different servers build in parallel.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from recommender.engine import Engine
from recommender.overlay import overlay
from recommender.resource import Resource

MAX_SERVERS = 500
"""Overlays kept at most: about 150 kB each for 50 additions, plus the additions themselves
(bench/server_catalog.py measures it). Past it, the least recently used server is rebuilt on
its next query (about 10 ms for 50 additions)."""
IDLE_SECONDS = 30 * 60.0
"""An overlay unused this long is dropped: a quiet server costs nothing."""

Loader = Callable[[], Sequence[Resource]]


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters since the cache was made, and its current size."""

    hits: int
    builds: int
    evictions: int
    size: int


@dataclass(slots=True)
class _Entry:
    version: Hashable
    engine: Engine
    used: float


class OverlayCache:
    """A bounded, thread-safe LRU of server overlays over one base engine (see module doc)."""

    def __init__(
        self,
        base: Engine,
        *,
        max_servers: int = MAX_SERVERS,
        idle_seconds: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_servers < 1:
            raise ValueError("max_servers must be at least 1")
        if idle_seconds <= 0:
            raise ValueError("idle_seconds must be positive")
        self.base = base
        self.max_servers = max_servers
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}
        self._hits = self._builds = self._evictions = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _fresh(self, key: Hashable, version: Hashable, now: float) -> Engine | None:
        """The entry's engine when it has this version (marking it used); caller holds lock."""
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            return None
        entry.used = now
        self._entries.move_to_end(key)
        self._hits += 1
        return entry.engine

    def _evict(self, now: float) -> None:
        """Drop idle entries (oldest first) and any beyond the maximum; caller holds lock."""
        while self._entries:
            key, oldest = next(iter(self._entries.items()))
            if len(self._entries) <= self.max_servers and now - oldest.used < self.idle_seconds:
                break
            del self._entries[key]
            self._evictions += 1

    def peek(self, key: Hashable, version: Hashable) -> Engine | None:
        """The cached engine of `key` at `version`, or None (a stale version is None too)."""
        now = self._clock()
        with self._lock:
            self._evict(now)
            return self._fresh(key, version, now)

    def put(self, key: Hashable, version: Hashable, additions: Sequence[Resource]) -> Engine:
        """Build the engine of `key` at `version` from its additions, keep it and return it."""
        engine = overlay(self.base, additions)
        now = self._clock()
        with self._lock:
            self._builds += 1
            self._entries[key] = _Entry(version, engine, now)
            self._entries.move_to_end(key)
            self._evict(now)
        return engine

    def get(self, key: Hashable, version: Hashable, load: Loader) -> Engine:
        """The engine of `key` at `version`: cached, or built from `load()` (see module doc)."""
        now = self._clock()
        with self._lock:
            self._evict(now)
            engine = self._fresh(key, version, now)
            if engine is not None:
                return engine
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one build per server at a time; others wait, then find it
            with self._lock:
                engine = self._fresh(key, version, self._clock())
            if engine is not None:
                return engine
            try:
                return self.put(key, version, load())
            finally:
                with self._lock:
                    if self._building.get(key) is building:
                        del self._building[key]

    def discard(self, key: Hashable) -> None:
        """Forget a server's overlay (it left, or its additions were deleted)."""
        with self._lock:
            self._entries.pop(key, None)

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._builds, self._evictions, len(self._entries))
