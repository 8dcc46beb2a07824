"""The cache of server overlays: lazy, versioned, bounded, idle-evicted, thread-safe."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence

import pytest

from recommender.engine import Engine
from recommender.overlay import OverlayEngine
from recommender.overlay_cache import CacheStats, OverlayCache
from recommender.resource import Resource


def word(server: int) -> str:
    """A word only this server's additions hold, not a typo of another server's (the first
    letters differ, and typos are corrected within a first letter)."""
    return f"{'abcdefgh'[server]}wuzzle"


def resource(server: int, n: int) -> Resource:
    return Resource(
        id=f"srv{server}-{n}",
        title=f"{word(server)} frobnication {['glimmerstone', 'quokkaroo'][n]}",
        kind="blog",
        level="beginner",
        topics=("rnn",),
        description=f"How {word(server)} frobnicates recurrent networks.",
        description_source="curated",
    )


class Loads:
    """A loader per server that counts its calls (a stand-in for the database)."""

    def __init__(self) -> None:
        self.calls: Counter[int] = Counter()
        self.additions: dict[int, list[Resource]] = {}

    def __call__(self, server: int) -> Callable[[], Sequence[Resource]]:
        def load() -> Sequence[Resource]:
            self.calls[server] += 1
            return list(self.additions.get(server, ()))

        return load


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def found(engine: Engine, query: str) -> list[str]:
    return [r.resource.id for r in engine.recommend(query, k=10).results]


def test_built_lazily_once_then_served_from_memory(engine: Engine) -> None:
    cache, loads = OverlayCache(engine), Loads()
    loads.additions[1] = [resource(1, 0)]
    assert loads.calls[1] == 0
    first = cache.get(1, "v1", loads(1))
    assert isinstance(first, OverlayEngine)
    assert cache.get(1, "v1", loads(1)) is first
    assert loads.calls[1] == 1
    assert found(first, word(1)) == ["srv1-0"]
    assert cache.stats().hits == 1
    assert cache.stats().builds == 1


def test_a_server_without_additions_gets_the_base(engine: Engine) -> None:
    cache, loads = OverlayCache(engine), Loads()
    assert cache.get(7, 0, loads(7)) is engine
    assert cache.get(7, 0, loads(7)) is engine
    assert loads.calls[7] == 1  # "no additions" is remembered too


def test_a_new_version_is_visible_on_the_next_query(engine: Engine) -> None:
    cache, loads = OverlayCache(engine), Loads()
    loads.additions[1] = [resource(1, 0)]
    assert found(cache.get(1, 1, loads(1)), "quokkaroo") == []
    loads.additions[1].append(resource(1, 1))  # approved: the service bumps the version
    assert found(cache.get(1, 2, loads(1)), "quokkaroo") == ["srv1-1"]
    assert loads.calls[1] == 2
    loads.additions[1] = []  # removed again
    assert cache.get(1, 3, loads(1)) is engine
    assert cache.peek(1, 2) is None  # a stale version is never served


def test_servers_are_kept_apart(engine: Engine) -> None:
    cache, loads = OverlayCache(engine), Loads()
    loads.additions = {1: [resource(1, 0)], 2: [resource(2, 0)]}
    one, two = cache.get(1, 0, loads(1)), cache.get(2, 0, loads(2))
    assert found(one, word(1)) == ["srv1-0"] and found(one, word(2)) == []
    assert found(two, word(2)) == ["srv2-0"] and two.resource("srv1-0") is None


def test_least_recently_used_goes_beyond_the_maximum(engine: Engine) -> None:
    cache, loads = OverlayCache(engine, max_servers=2), Loads()
    loads.additions = {s: [resource(s, 0)] for s in (1, 2, 3)}
    cache.get(1, 0, loads(1))
    cache.get(2, 0, loads(2))
    cache.get(1, 0, loads(1))  # 1 is now the most recent
    cache.get(3, 0, loads(3))
    assert len(cache) == 2
    assert cache.peek(2, 0) is None
    assert cache.peek(1, 0) is not None and cache.peek(3, 0) is not None
    cache.get(2, 0, loads(2))
    assert loads.calls == Counter({1: 1, 2: 2, 3: 1})
    assert cache.stats().evictions == 2


def test_idle_overlays_are_dropped(engine: Engine) -> None:
    clock, loads = Clock(), Loads()
    cache = OverlayCache(engine, idle_seconds=60, clock=clock)
    loads.additions = {1: [resource(1, 0)], 2: [resource(2, 0)]}
    cache.get(1, 0, loads(1))
    clock.now = 50
    cache.get(2, 0, loads(2))
    clock.now = 100  # 1 idle for 100 s, 2 for 50 s
    assert cache.peek(1, 0) is None
    assert cache.peek(2, 0) is not None
    assert len(cache) == 1
    clock.now = 1000
    assert len(cache) == 1  # eviction happens on use, not in the background
    cache.get(3, 0, loads(3))
    assert len(cache) == 1  # only 3 (no additions: the base) is left
    assert cache.peek(2, 0) is None


def test_put_and_peek_serve_async_callers(engine: Engine) -> None:
    cache = OverlayCache(engine)
    assert cache.peek(5, "a") is None
    built = cache.put(5, "a", [resource(5, 0)])
    assert cache.peek(5, "a") is built
    assert cache.peek(5, "b") is None
    cache.discard(5)
    assert cache.peek(5, "a") is None


def test_a_failing_loader_leaves_nothing_behind(engine: Engine) -> None:
    cache = OverlayCache(engine)

    def broken() -> Sequence[Resource]:
        raise OSError("database down")

    with pytest.raises(OSError, match="database down"):
        cache.get(9, 0, broken)
    assert cache.peek(9, 0) is None
    assert cache.get(9, 0, lambda: [resource(7, 0)]).resource("srv7-0") is not None


def test_bad_settings_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="max_servers"):
        OverlayCache(engine, max_servers=0)
    with pytest.raises(ValueError, match="idle_seconds"):
        OverlayCache(engine, idle_seconds=0)


def hammer(cache: OverlayCache, loads: Loads, servers: int, rounds: int) -> list[str]:
    """8 threads asking at once for `servers` servers in turn; what went wrong, if anything."""
    started = threading.Barrier(8)
    problems: list[str] = []

    def worker(offset: int) -> None:
        try:
            started.wait()
            for i in range(rounds):
                server = (i + offset) % servers
                got = found(cache.get(server, 0, loads(server)), word(server))
                if got != [f"srv{server}-0", f"srv{server}-1"]:
                    problems.append(f"server {server} answered {got}")
        except Exception as exc:
            problems.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return problems


def test_threads_asking_at_once_build_each_server_once(engine: Engine) -> None:
    cache, loads = OverlayCache(engine), Loads()
    loads.additions = {s: [resource(s, 0), resource(s, 1)] for s in range(2)}
    assert hammer(cache, loads, servers=2, rounds=40) == []
    assert loads.calls == Counter({0: 1, 1: 1})
    assert cache.stats() == CacheStats(hits=8 * 40 - 2, builds=2, evictions=0, size=2)


def test_threads_with_evictions_always_get_their_own_server(engine: Engine) -> None:
    cache, loads = OverlayCache(engine, max_servers=3), Loads()
    loads.additions = {s: [resource(s, 0), resource(s, 1)] for s in range(6)}
    assert hammer(cache, loads, servers=6, rounds=60) == []
    assert len(cache) <= 3
    stats = cache.stats()
    assert stats.builds == sum(loads.calls.values())
    assert stats.hits + stats.builds == 8 * 60
