"""The SQLite writer: groups of writes, each one transaction, committed in the event loop
without ever making the loop wait for a lock or the disk."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import text

from bot.store import writer as writer_module
from bot.store.contention import is_busy
from bot.store.engine import make_writer_engine
from bot.store.writer import GROUP_LIMIT, LINGER_S, GroupWriter, run_at_once


def writer_on(path: Path, *, busy_timeout_s: float = 5.0) -> GroupWriter:
    engine = make_writer_engine(f"sqlite+aiosqlite:///{path}")
    assert engine is not None
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER NOT NULL)"))
    return GroupWriter(engine, busy_timeout_s=busy_timeout_s)


@pytest_asyncio.fixture
async def writer(tmp_path: Path) -> AsyncIterator[GroupWriter]:
    made = writer_on(tmp_path / "w.db")
    yield made
    await made.close()


def count(path: Path) -> int:
    """Rows of t, as another connection (another process) sees them."""
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM t").fetchone()[0])
    finally:
        connection.close()


@contextmanager
def lock_held(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding SQLite's write lock (as another process would)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()


def _insert(n: int, sessions: list[object] | None = None) -> Any:
    async def work(session: Any) -> int:
        await session.execute(text("INSERT INTO t (n) VALUES (:n)"), {"n": n})
        if sessions is not None:
            sessions.append(session)  # one session per transaction, kept: ids stay unique
        return n

    return work


async def test_a_group_runs_in_the_loops_thread_and_commits_whole(
    writer: GroupWriter, tmp_path: Path
) -> None:
    threads: list[str] = []

    def insert(n: int) -> Any:
        async def work(session: Any) -> int:
            threads.append(threading.current_thread().name)
            await session.execute(text("INSERT INTO t (n) VALUES (:n)"), {"n": n})
            return n * 10

        return work

    assert await writer.run([insert(1), insert(2), insert(3)]) == [10, 20, 30]
    assert count(tmp_path / "w.db") == 3
    assert threads == [threading.current_thread().name] * 3

    async def refused(session: Any) -> None:
        await session.execute(text("INSERT INTO t (n) VALUES (NULL)"))

    with pytest.raises(Exception, match="NOT NULL"):
        await writer.run([insert(4), refused])
    assert count(tmp_path / "w.db") == 3  # the group's first write was rolled back with it
    await writer.close()  # like an engine's dispose: the writer is still usable afterwards
    assert await writer.run([insert(5)]) == [50]
    assert count(tmp_path / "w.db") == 4


async def test_work_that_waits_for_anything_else_fails_and_writes_nothing(
    writer: GroupWriter, tmp_path: Path
) -> None:
    async def wanders(session: Any) -> None:
        await session.execute(text("INSERT INTO t (n) VALUES (1)"))
        await asyncio.sleep(0)  # would suspend: not allowed in a write

    with pytest.raises(RuntimeError, match="may only await"):
        await writer.run([wanders])
    assert count(tmp_path / "w.db") == 0


def test_run_at_once_returns_what_a_coroutine_without_waits_returns() -> None:
    async def plain() -> str:
        return "done"

    assert run_at_once(plain()) == "done"


def test_no_writer_engine_for_memory_or_other_databases() -> None:
    assert make_writer_engine("sqlite+aiosqlite://") is None
    assert make_writer_engine("sqlite+aiosqlite:///:memory:") is None
    assert make_writer_engine("postgresql+asyncpg://u:p@localhost/db") is None


async def test_a_failing_write_in_a_group_fails_alone(writer: GroupWriter, tmp_path: Path) -> None:
    async def refused(session: Any) -> None:
        await session.execute(text("INSERT INTO t (n) VALUES (NULL)"))

    futures = [writer.submit(_insert(n)) for n in range(3)]
    futures.insert(1, writer.submit(refused))
    futures += [writer.submit(_insert(n)) for n in range(3, 100)]
    outcomes = await asyncio.gather(*futures, return_exceptions=True)
    assert isinstance(outcomes[1], Exception) and "NOT NULL" in str(outcomes[1])
    assert [o for i, o in enumerate(outcomes) if i != 1] == list(range(100))
    assert count(tmp_path / "w.db") == 100


async def test_many_writes_share_transactions_of_at_most_a_group(writer: GroupWriter) -> None:
    transactions: list[object] = []
    assert await asyncio.gather(
        *(writer.submit(_insert(n, transactions)) for n in range(200))
    ) == list(range(200))
    sizes = list(Counter(id(session) for session in transactions).values())
    assert len(sizes) < 200 and max(sizes) <= GROUP_LIMIT


async def test_writes_arriving_a_little_apart_still_share_a_transaction(
    writer: GroupWriter,
) -> None:
    # In a burst a mark comes every millisecond or so, between the other answers; each write
    # waits LINGER_S for company instead of paying for a transaction of its own.
    sessions: list[object] = []
    futures = []
    started = time.perf_counter()
    for n in range(10):
        futures.append(writer.submit(_insert(n, sessions)))
        await asyncio.sleep(0.001)  # (the event loop answering something else meanwhile)
    spread = time.perf_counter() - started
    assert await asyncio.gather(*futures) == list(range(10))
    # Ten writes over ten milliseconds or more: a group per LINGER_S or so, not ten of one.
    transactions = len({id(session) for session in sessions})
    assert 1 < transactions <= spread / LINGER_S + 2


async def test_while_another_process_holds_the_lock_the_loop_runs_and_writes_wait(
    writer: GroupWriter, tmp_path: Path
) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    running = asyncio.create_task(ticker())
    try:
        with lock_held(tmp_path / "w.db") as other:
            other.execute("INSERT INTO t (n) VALUES (-1)")
            futures = [writer.submit(_insert(n)) for n in range(5)]
            await asyncio.sleep(0.2)
            assert not any(f.done() for f in futures)  # waiting, not failed
            assert ticks > 20  # and the loop was free all along
            other.execute("COMMIT")
            assert await asyncio.wait_for(asyncio.gather(*futures), 2) == list(range(5))
    finally:
        running.cancel()
    assert count(tmp_path / "w.db") == 6
    # The writer's transaction took the lock before reading: it saw the other's row.
    assert await writer.run([_count_rows]) == [6]


async def _count_rows(session: Any) -> int:
    return int((await session.execute(text("SELECT count(*) FROM t"))).scalar_one())


async def test_a_lock_held_past_the_busy_timeout_fails_the_queued_writes_as_busy(
    tmp_path: Path,
) -> None:
    path = tmp_path / "w.db"
    writer = writer_on(path, busy_timeout_s=0.1)
    try:
        with lock_held(path):
            started = time.monotonic()
            outcomes = await asyncio.gather(
                *(writer.submit(_insert(n)) for n in range(3)), return_exceptions=True
            )
            waited = time.monotonic() - started
            with pytest.raises(Exception) as raised:
                await writer.run([_insert(9)])
        assert all(isinstance(o, Exception) and is_busy(o) for o in outcomes)
        assert is_busy(raised.value)
        assert 0.1 <= waited < 1.0
        assert count(path) == 0
        assert await writer.submit(_insert(7)) == 7  # the lock is free again: writes go on
        assert count(path) == 1
    finally:
        await writer.close()


async def test_the_wal_is_checkpointed_off_the_loop_every_so_many_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_module, "CHECKPOINT_EVERY", 4)
    path = tmp_path / "w.db"
    writer = writer_on(path)
    try:
        for n in range(4):  # four commits, one write each
            assert await writer.submit(_insert(n)) == n
        checkpoint = writer._checkpoint
        assert checkpoint is not None
        await checkpoint
        # The database file alone (without its WAL) now holds the rows: they were copied in.
        alone = tmp_path / "copy.db"
        shutil.copyfile(path, alone)
        assert count(alone) == 4
        # Without a checkpoint the next commit stays in the WAL (no automatic one in the loop).
        assert await writer.submit(_insert(4)) == 4
        shutil.copyfile(path, alone)
        assert count(alone) == 4 and count(path) == 5
    finally:
        await writer.close()


async def test_closing_commits_what_is_still_queued(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    writer = writer_on(path)
    futures = [writer.submit(_insert(n)) for n in range(3)]
    await writer.close()  # before the group's timer fired
    assert [f.result() for f in futures] == [0, 1, 2]
    assert count(path) == 3
