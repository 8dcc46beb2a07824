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
import resource
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
from recommender.engine import Engine
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


def cpu_seconds() -> float:
    """This process's CPU time (all threads): a figure a busy shared machine skews less."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Phase:
    """Wall time, CPU time and per-call latencies of one measured phase."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.wall = time.perf_counter()
        self.cpu = cpu_seconds()

    def report(self, label: str, what: str, count: int, note: str) -> None:
        wall = time.perf_counter() - self.wall
        cpu = cpu_seconds() - self.cpu
        print(
            f"{label:10} {what:8} {count / wall:6.0f}/s  p50 {pct(self.latencies, 0.5):6.1f} ms  "
            f"p99 {pct(self.latencies, 0.99):6.1f} ms  cpu {cpu / count * 1000:4.2f} ms/call  "
            f"{note}"
        )


async def bench(url: str, label: str) -> None:
    catalog = make_catalog()
    total = USERS * MARKS_PER_USER
    async with await Service.open(url, catalog, Engine.from_catalog(catalog)) as service:
        # Warm-up (connections, statement caches), not measured.
        await asyncio.gather(*(service.mark(999_000 + u, "res-0", "saved") for u in range(20)))

        async def stream(uid: int, status: str, out: list[float]) -> None:
            for i in range(MARKS_PER_USER):
                await timed(lambda r=i: service.mark(uid, f"res-{r}", status), out)

        # 100 users at once, each marking its 10 resources one after another.
        phase = Phase()
        await asyncio.gather(*(stream(u, "saved", phase.latencies) for u in range(1, USERS + 1)))
        phase.report(label, "mark", total, f"{USERS} users at once, 10 marks each in turn (new)")

        # The burst: 100 users x 10 concurrent marks each, all 1,000 at once.
        phase = Phase()
        await asyncio.gather(
            *(
                timed(lambda u=uid, r=i: service.mark(u, f"res-{r}", "done"), phase.latencies)
                for uid in range(1, USERS + 1)
                for i in range(MARKS_PER_USER)
            )
        )
        phase.report(label, "mark", total, "burst: 100 users x 10 concurrent, all at once")

        phase = Phase()
        await asyncio.gather(*(stream(u, "done", phase.latencies) for u in range(1, USERS + 1)))
        phase.report(label, "re-mark", total, "the same marks again (idempotent: no write)")
        assert await service.store.count_entries() == total + 20

        heavy = range(10_000, 10_000 + USERS)
        await seed_heavy_users(service, heavy)
        phase = Phase()
        for _ in range(200):
            await timed(lambda: service.progress(heavy[0], path="cnn"), phase.latencies)
        phase.report(label, "progress", 200, f"one user with {HEAVY_ENTRIES} entries, alone")

        async def reader(uid: int, out: list[float]) -> None:
            for _ in range(5):
                await timed(lambda: service.progress(uid), out)

        phase = Phase()
        await asyncio.gather(*(reader(u, phase.latencies) for u in heavy))
        phase.report(label, "progress", 5 * USERS, f"{USERS} such users at once, 5 calls each")


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
