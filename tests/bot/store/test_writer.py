"""The SQLite writer thread: a group of writes is one transaction, run in one hand-off."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.store.engine import make_writer_engine
from bot.store.writer import GROUP_LIMIT, LINGER_S, ThreadWriter, run_at_once


def writer_on(path: Path) -> ThreadWriter:
    engine = make_writer_engine(f"sqlite+aiosqlite:///{path}")
    assert engine is not None
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER NOT NULL)"))
    return ThreadWriter(engine)


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[ThreadWriter]:
    made = writer_on(tmp_path / "w.db")
    yield made
    made.close()


def count(writer: ThreadWriter) -> int:
    with writer.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM t")).scalar_one())


@pytest.mark.asyncio
async def test_a_group_runs_in_the_writer_thread_and_commits_whole(writer: ThreadWriter) -> None:
    threads: list[str] = []

    def insert(n: int) -> Any:
        async def work(session: Any) -> int:
            threads.append(threading.current_thread().name)
            await session.execute(text("INSERT INTO t (n) VALUES (:n)"), {"n": n})
            return n * 10

        return work

    assert await writer.run([insert(1), insert(2), insert(3)]) == [10, 20, 30]
    assert count(writer) == 3
    assert set(threads) == {threads[0]} and threads[0].startswith("deepread-writer")

    async def refused(session: Any) -> None:
        await session.execute(text("INSERT INTO t (n) VALUES (NULL)"))

    with pytest.raises(Exception, match="NOT NULL"):
        await writer.run([insert(4), refused])
    assert count(writer) == 3  # the group's first write was rolled back with it
    writer.close()  # like an engine's dispose: the writer is still usable afterwards
    assert await writer.run([insert(5)]) == [50]
    assert count(writer) == 4


@pytest.mark.asyncio
async def test_work_that_waits_for_anything_else_fails_and_writes_nothing(
    writer: ThreadWriter,
) -> None:
    async def wanders(session: Any) -> None:
        await session.execute(text("INSERT INTO t (n) VALUES (1)"))
        await asyncio.sleep(0)  # would suspend: not allowed in the writer thread

    with pytest.raises(RuntimeError, match="may only await"):
        await writer.run([wanders])
    assert count(writer) == 0


def test_run_at_once_returns_what_a_coroutine_without_waits_returns() -> None:
    async def plain() -> str:
        return "done"

    assert run_at_once(plain()) == "done"


def test_no_writer_engine_for_memory_or_other_databases() -> None:
    assert make_writer_engine("sqlite+aiosqlite://") is None
    assert make_writer_engine("sqlite+aiosqlite:///:memory:") is None
    assert make_writer_engine("postgresql+asyncpg://u:p@localhost/db") is None


def _insert(n: int, sessions: list[object]) -> Any:
    async def work(session: Any) -> int:
        await session.execute(text("INSERT INTO t (n) VALUES (:n)"), {"n": n})
        sessions.append(session)  # one session per transaction, kept alive: ids stay unique
        return n

    return work


@pytest.mark.asyncio
async def test_submitted_writes_are_drained_by_the_thread_without_waiting_for_the_loop(
    writer: ThreadWriter,
) -> None:
    ran: list[object] = []
    first = writer.submit(_insert(1, ran))
    deadline = time.monotonic() + 5
    while count(writer) < 1 and time.monotonic() < deadline:
        time.sleep(0.01)  # the event loop is blocked here: nothing of it runs
    later = [writer.submit(_insert(n, ran)) for n in range(2, 6)]
    while count(writer) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    # Both groups committed while the loop never ran: the thread took the second group as
    # soon as the first was done, not once the loop had heard of the first.
    assert count(writer) == 5 and not first.done()
    assert await first == 1 and await asyncio.gather(*later) == [2, 3, 4, 5]


@pytest.mark.asyncio
async def test_a_failing_write_in_a_group_fails_alone(writer: ThreadWriter) -> None:
    async def refused(session: Any) -> None:
        await session.execute(text("INSERT INTO t (n) VALUES (NULL)"))

    ran: list[object] = []
    futures = [writer.submit(_insert(n, ran)) for n in range(3)]
    futures.insert(1, writer.submit(refused))
    futures += [writer.submit(_insert(n, ran)) for n in range(3, 100)]
    outcomes = await asyncio.gather(*futures, return_exceptions=True)
    assert isinstance(outcomes[1], Exception) and "NOT NULL" in str(outcomes[1])
    assert [o for i, o in enumerate(outcomes) if i != 1] == list(range(100))
    assert count(writer) == 100


@pytest.mark.asyncio
async def test_many_writes_share_transactions_of_at_most_a_group(writer: ThreadWriter) -> None:
    transactions: list[object] = []
    assert await asyncio.gather(
        *(writer.submit(_insert(n, transactions)) for n in range(200))
    ) == list(range(200))
    sizes = list(Counter(id(session) for session in transactions).values())
    assert len(sizes) < 200 and max(sizes) <= GROUP_LIMIT


@pytest.mark.asyncio
async def test_writes_arriving_a_little_apart_still_share_a_transaction(
    writer: ThreadWriter,
) -> None:
    # In a burst a mark comes every millisecond or so, between the other answers; each write
    # waits LINGER_S for company instead of paying for a transaction of its own.
    sessions: list[object] = []
    futures = []
    started = time.perf_counter()
    for n in range(10):
        futures.append(writer.submit(_insert(n, sessions)))
        time.sleep(0.001)  # (the event loop busy with something else meanwhile)
    spread = time.perf_counter() - started
    assert await asyncio.gather(*futures) == list(range(10))
    # Ten writes over about ten milliseconds: a group per LINGER_S or so, not ten of one.
    assert len({id(session) for session in sessions}) <= spread / LINGER_S + 2
