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


def report(
    label: str, what: str, count: int, elapsed: float, latencies: list[float], note: str
) -> None:
    print(
        f"{label:10} {what:9} {count / elapsed:7.0f}/s  p50 {pct(latencies, 0.5):7.1f} ms  "
        f"p99 {pct(latencies, 0.99):7.1f} ms  {note}"
    )


async def bench(url: str, label: str) -> None:
    catalog = make_catalog()
    total = USERS * MARKS_PER_USER
    async with await Service.open(url, catalog) as service:
        # 100 users at once, each marking its 10 resources one after another.
        latencies: list[float] = []

        async def stream(uid: int, status: str, out: list[float]) -> None:
            for i in range(MARKS_PER_USER):
                await timed(lambda r=i: service.mark(uid, f"res-{r}", status), out)

        start = time.perf_counter()
        await asyncio.gather(*(stream(uid, "saved", latencies) for uid in range(1, USERS + 1)))
        report(
            label,
            "mark",
            total,
            time.perf_counter() - start,
            latencies,
            f"({USERS} users at once, 10 marks each in turn; new entries)",
        )

        # The burst: 100 users x 10 concurrent marks each, all 1,000 at once.
        burst: list[float] = []
        start = time.perf_counter()
        await asyncio.gather(
            *(
                timed(lambda u=uid, r=i: service.mark(u, f"res-{r}", "done"), burst)
                for uid in range(1, USERS + 1)
                for i in range(MARKS_PER_USER)
            )
        )
        report(
            label,
            "mark",
            total,
            time.perf_counter() - start,
            burst,
            "(burst: all 1,000 at once; latency is mostly queueing)",
        )

        repeat: list[float] = []
        start = time.perf_counter()
        await asyncio.gather(*(stream(uid, "done", repeat) for uid in range(1, USERS + 1)))
        report(
            label,
            "re-mark",
            total,
            time.perf_counter() - start,
            repeat,
            "(same marks again: idempotent, nothing written)",
        )
        assert await service.store.count_entries() == total

        heavy = range(10_000, 10_000 + USERS)
        await seed_heavy_users(service, heavy)
        solo: list[float] = []
        start = time.perf_counter()
        for _ in range(200):
            await timed(lambda: service.progress(heavy[0], path="cnn"), solo)
        report(
            label,
            "progress",
            200,
            time.perf_counter() - start,
            solo,
            f"(one user with {HEAVY_ENTRIES} entries, alone)",
        )

        together: list[float] = []

        async def reader(uid: int) -> None:
            for _ in range(5):
                await timed(lambda: service.progress(uid), together)

        start = time.perf_counter()
        await asyncio.gather(*(reader(u) for u in heavy))
        report(
            label,
            "progress",
            5 * USERS,
            time.perf_counter() - start,
            together,
            f"({USERS} users with {HEAVY_ENTRIES} entries at once, 5 calls each in turn)",
        )


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
