"""Many users marking at once: every row written once, nothing lost, nothing locked."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from bot.service import Service
from bot.store import Store
from bot.store.migrate import upgrade_database
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


async def test_two_engines_on_one_sqlite_file_both_get_their_writes_in(tmp_path: Path) -> None:
    """Like two processes (bot and CLI): SQLite's busy timeout and the retry absorb the clash."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    await upgrade_database(url)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    async with Store.open(url) as first, Store.open(url) as second:

        async def marks(store: Store, users: range) -> None:
            await asyncio.gather(
                *(
                    store.mark(uid, f"r{i}", title="t", status="done", rating=None, now=now)
                    for uid in users
                    for i in range(5)
                )
            )

        await asyncio.gather(marks(first, range(1, 41)), marks(second, range(41, 81)))
        assert await first.count_entries() == 400
