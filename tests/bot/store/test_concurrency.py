"""Many users marking at once: every row written once, nothing lost, nothing locked."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.service import Service
from recommender.catalog import Catalog
from recommender.resource import Resource

USERS = 100
PER_USER = 10


def wide_catalog() -> Catalog:
    return Catalog(
        Resource(f"r{i}", f"Resource number {i}", "paper", "beginner", ("deep-learning",))
        for i in range(PER_USER)
    )


async def test_100_users_times_10_concurrent_marks(service: Service) -> None:
    service.catalog = wide_catalog()

    async def user(uid: int) -> list[bool]:
        results = await asyncio.gather(
            *(service.mark(uid, f"r{i}", "done") for i in range(PER_USER))
        )
        return [r.changed for r in results]

    first = await asyncio.gather(*(user(uid) for uid in range(1, USERS + 1)))
    assert all(all(changed) for changed in first)
    assert await service.store.count_entries() == USERS * PER_USER
    again = await asyncio.gather(*(user(uid) for uid in range(1, USERS + 1)))
    assert not any(any(changed) for changed in again)
    assert await service.store.count_entries() == USERS * PER_USER
    for uid in (1, 50, USERS):
        entries = await service.entries(uid)
        assert sorted(e.resource_id for e in entries) == sorted(f"r{i}" for i in range(PER_USER))
        assert all(e.status == "done" and e.done_at is not None for e in entries)


async def test_racing_different_marks_on_one_entry_stay_consistent(service: Service) -> None:
    service.catalog = wide_catalog()
    statuses = ["saved", "reading", "done", "dismissed"] * 10
    await asyncio.gather(*(service.mark(3, "r0", s) for s in statuses))
    entries = await service.entries(3)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.status in statuses
    assert (entry.done_at is not None) == (entry.status == "done")
    # The last write wins: marking once more after the race is what sticks.
    final = await service.mark(3, "r0", "done")
    assert final.entry.status == "done"
    assert isinstance(final.entry.done_at, dt.datetime)
