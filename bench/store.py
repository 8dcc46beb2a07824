"""Store benchmark: marks/s and p99 latency for mark and progress with 100 concurrent users.

    .venv/bin/python bench/store.py                           # SQLite (temp file)
    tests/postgres.sh .venv/bin/python bench/store.py         # + a throwaway PostgreSQL

Targets (issue): >= 500 marks/s on SQLite; progress p99 <= 20 ms for a user with 200 entries.
Runs through the Service (validation, catalog join) on a database built by the migrations.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from bot.service import Service
from bot.store.models import Entry, User
from recommender.catalog import Catalog
from recommender.resource import Resource
from recommender.vocabulary import LEVELS, TOPIC_SLUGS

USERS = 100
MARKS_PER_USER = 10
HEAVY_ENTRIES = 200
CATALOG_SIZE = 400


def make_catalog() -> Catalog:
    rng = random.Random(7)
    return Catalog(
        Resource(
            id=f"res-{i}",
            title=f"Resource number {i}",
            kind="paper",
            level=rng.choice(LEVELS),
            topics=tuple(rng.sample(TOPIC_SLUGS, 2)),
        )
        for i in range(CATALOG_SIZE)
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def timed(call: Callable[[], Awaitable[object]], out: list[float]) -> None:
    start = time.perf_counter()
    await call()
    out.append(time.perf_counter() - start)


async def seed_heavy_users(service: Service, users: range) -> None:
    """Users with HEAVY_ENTRIES entries each, inserted in bulk (seeding is not measured)."""
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "user_id": uid,
            "resource_id": f"res-{i}",
            "title": f"Resource number {i}",
            "status": ("done", "saved", "reading", "dismissed")[i % 4],
            "rating": (i % 5) + 1 if i % 4 == 0 else None,
            "created_at": now - dt.timedelta(days=i % 30),
            "updated_at": now - dt.timedelta(days=i % 30),
            "done_at": now - dt.timedelta(days=i % 30) if i % 4 == 0 else None,
        }
        for uid in users
        for i in range(HEAVY_ENTRIES)
    ]
    async with service.store.engine.begin() as connection:
        await connection.execute(insert(User), [{"id": u, "created_at": now} for u in users])
        await connection.execute(insert(Entry), rows)


async def bench(url: str, label: str) -> None:
    catalog = make_catalog()
    async with await Service.open(url, catalog) as service:
        # Marks: 100 users x 10 concurrent marks each, all at once.
        latencies: list[float] = []
        start = time.perf_counter()
        await asyncio.gather(
            *(
                timed(lambda u=uid, r=i: service.mark(u, f"res-{r}", "done"), latencies)
                for uid in range(1, USERS + 1)
                for i in range(MARKS_PER_USER)
            )
        )
        elapsed = time.perf_counter() - start
        total = USERS * MARKS_PER_USER
        print(
            f"{label}: mark     {total / elapsed:7.0f} marks/s  "
            f"p50 {pct(latencies, 0.5):6.1f} ms  p99 {pct(latencies, 0.99):6.1f} ms  "
            f"({USERS} users x {MARKS_PER_USER} concurrent)"
        )
        repeat: list[float] = []
        start = time.perf_counter()
        await asyncio.gather(
            *(
                timed(lambda u=uid, r=i: service.mark(u, f"res-{r}", "done"), repeat)
                for uid in range(1, USERS + 1)
                for i in range(MARKS_PER_USER)
            )
        )
        elapsed = time.perf_counter() - start
        print(
            f"{label}: re-mark  {total / elapsed:7.0f} marks/s  "
            f"p50 {pct(repeat, 0.5):6.1f} ms  p99 {pct(repeat, 0.99):6.1f} ms  (idempotent repeat)"
        )
        assert await service.store.count_entries() == total

        heavy = range(10_000, 10_000 + USERS)
        await seed_heavy_users(service, heavy)
        solo: list[float] = []
        for _ in range(200):
            await timed(lambda: service.progress(heavy[0], path="cnn"), solo)
        print(
            f"{label}: progress p50 {pct(solo, 0.5):6.1f} ms  p99 {pct(solo, 0.99):6.1f} ms  "
            f"(one user, {HEAVY_ENTRIES} entries, 200 sequential calls)"
        )
        together: list[float] = []
        start = time.perf_counter()
        await asyncio.gather(*(timed(lambda u=u: service.progress(u), together) for u in heavy))
        elapsed = time.perf_counter() - start
        print(
            f"{label}: progress {USERS / elapsed:7.0f} calls/s  p50 {pct(together, 0.5):6.1f} ms  "
            f"p99 {pct(together, 0.99):6.1f} ms  ({USERS} users with {HEAVY_ENTRIES} entries, "
            "all at once)"
        )
        print(f"{label}: median mark latency {statistics.median(latencies) * 1000:.1f} ms")


async def reset_postgres(url: str) -> None:
    from bot.store.engine import make_engine

    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        await bench(f"sqlite+aiosqlite:///{folder}/bench.db", "sqlite")
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if pg:
        await reset_postgres(pg)
        await bench(pg, "postgresql")
    else:
        print("postgresql: skipped (set BENCH_DATABASE_URL, or run under tests/postgres.sh)")


if __name__ == "__main__":
    asyncio.run(main())
