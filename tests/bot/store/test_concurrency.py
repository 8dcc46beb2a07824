"""Many users marking at once: every row written once, nothing lost, nothing locked."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from bot.service import Service
from bot.store import Store
from bot.store.engine import make_engine
from bot.store.migrate import upgrade_database
from bot.store.records import MarkOutcome
from bot.store.writer import GROUP_LIMIT
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
    assert await service.user_view(3) == await service.load_user_view(3)  # kept = stored
    # The last write wins: marking once more after the race is what sticks.
    final = await service.mark(3, "r0", "done")
    assert final.entry.status == "done"
    assert isinstance(final.entry.done_at, dt.datetime)
    assert await service.user_view(3) == await service.load_user_view(3)


async def test_concurrent_sqlite_writes_commit_together_and_a_failure_stays_its_own(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'grouped.db'}"
    await upgrade_database(url)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    async with Store.open(url) as store:
        commits = 0

        def count(_connection: object) -> None:
            nonlocal commits
            commits += 1

        event.listen(store.write_engine, "commit", count)

        def mark(uid: int, rating: int | None = None) -> Awaitable[MarkOutcome]:
            return store.mark(uid, "r0", title="t", status="done", rating=rating, now=now)

        outcomes = await asyncio.gather(*(mark(uid) for uid in range(1, 101)))
        assert all(o.changed for o in outcomes) and await store.count_entries() == 100
        # Not one per mark: they queued while the first was written, and went in groups.
        assert -(-100 // GROUP_LIMIT) <= commits < 10

        # A rating the schema refuses fails the group's transaction: the others are written
        # again each on its own, and only the bad one fails (its user row rolled back too).
        mixed = await asyncio.gather(
            *(mark(uid, 9 if uid == 205 else None) for uid in range(201, 211)),
            return_exceptions=True,
        )
        assert isinstance(mixed[4], IntegrityError)
        assert all(isinstance(o, MarkOutcome) for i, o in enumerate(mixed) if i != 4)
        assert await store.count_entries() == 109
        assert await store.get_user(205) is None and await store.get_user(206) is not None


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


async def test_without_the_writer_sqlite_writes_take_turns(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"
    await upgrade_database(url)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    async with Store(make_engine(url)) as store:  # (no writer: as for a database in memory)
        outcomes = await asyncio.gather(
            *(
                store.mark(uid, "r0", title="t", status="done", rating=None, now=now)
                for uid in range(1, 31)
            )
        )
        assert all(o.changed for o in outcomes) and await store.count_entries() == 30
