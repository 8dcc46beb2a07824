"""Hot per-user state: one read per burst, own writes seen at once, others' after the TTL."""

from __future__ import annotations

import asyncio

import pytest

from bot.service.user_views import UserViews


class Database:
    def __init__(self) -> None:
        self.rows: dict[int, str] = {}
        self.reads = 0
        self.gate: asyncio.Event | None = None

    async def load(self, user_id: int) -> str:
        self.reads += 1
        seen = self.rows.get(user_id, "nothing")
        if self.gate is not None:
            await self.gate.wait()
        return seen


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_burst_for_one_member_reads_the_database_once() -> None:
    db = Database()
    db.gate = asyncio.Event()
    views = UserViews(db.load)
    waiting = [asyncio.create_task(views.get(1)) for _ in range(20)]
    await asyncio.sleep(0)
    db.gate.set()
    assert await asyncio.gather(*waiting) == ["nothing"] * 20
    assert db.reads == 1
    assert await views.get(1) == "nothing" and db.reads == 1


async def test_own_write_is_seen_at_once_even_with_a_read_in_flight() -> None:
    db = Database()
    db.gate = asyncio.Event()
    views = UserViews(db.load)
    stale = asyncio.create_task(views.get(1))  # reads "nothing", then waits
    await asyncio.sleep(0)
    db.rows[1] = "read dropout"
    views.forget(1)  # the write happened after that read began
    db.gate.set()
    assert await stale == "nothing"  # that request began before the write
    assert await views.get(1) == "read dropout"  # the stale result was not kept
    assert db.reads == 2


async def test_another_processs_write_is_seen_after_the_ttl() -> None:
    db, clock = Database(), Clock()
    views = UserViews(db.load, ttl=30.0, clock=clock)
    assert await views.get(1) == "nothing"
    db.rows[1] = "written elsewhere"
    clock.now = 29.0
    assert await views.get(1) == "nothing"
    clock.now = 31.0
    assert await views.get(1) == "written elsewhere"


async def test_a_failed_read_is_not_kept_and_every_waiter_sees_it() -> None:
    calls = 0

    async def broken(user_id: int) -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        raise RuntimeError("database down")

    views = UserViews(broken)
    results = await asyncio.gather(views.get(1), views.get(1), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    with pytest.raises(RuntimeError):
        await views.get(1)
    assert calls == 2


async def test_least_recently_used_members_go_first() -> None:
    db = Database()
    views = UserViews(db.load, size=2)
    for user in (1, 2, 1, 3):  # 2 is the least recently used when 3 arrives
        await views.get(user)
    reads = db.reads
    await views.get(1)
    await views.get(3)
    assert db.reads == reads
    await views.get(2)
    assert db.reads == reads + 1


async def test_an_own_write_changes_a_fresh_view_in_place_without_a_read() -> None:
    db = Database()
    clock = Clock()
    views = UserViews(db.load, ttl=30, clock=clock)
    db.rows[1] = "read nothing"
    await views.get(1)
    clock.now = 20.0
    views.update(1, lambda seen: seen.replace("nothing", "dropout"))
    assert await views.get(1) == "read dropout" and db.reads == 1
    clock.now = 31.0  # the view keeps its age: another process's writes still show in time
    db.rows[1] = "read dropout and resnet"
    assert await views.get(1) == "read dropout and resnet" and db.reads == 2


async def test_an_update_without_a_fresh_view_reads_again_and_drops_reads_in_flight() -> None:
    db = Database()
    clock = Clock()
    views = UserViews(db.load, ttl=30, clock=clock)
    views.update(2, lambda seen: "never applied")  # nothing kept: nothing to change
    assert await views.get(2) == "nothing" and db.reads == 1
    clock.now = 40.0  # expired: an update must not revive it
    views.update(2, lambda seen: "revived")
    db.gate = asyncio.Event()
    stale = asyncio.create_task(views.get(2))
    await asyncio.sleep(0)
    db.rows[2] = "read dropout"
    views.update(2, lambda seen: "changed in flight")  # the read under way predates it
    db.gate.set()
    assert await stale == "nothing"
    db.gate = None
    assert await views.get(2) == "read dropout" and db.reads == 3
