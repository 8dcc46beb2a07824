"""Retry decisions by the drivers' error codes, on exceptions the real drivers raised."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store import Store, StoreError
from bot.store.contention import is_busy
from bot.store.engine import make_engine
from tests.bot.conftest import NO_PG, PG_URL, reset_postgres


def raised(action: str, connection: sqlite3.Connection) -> sqlite3.OperationalError:
    with pytest.raises(sqlite3.OperationalError) as info:
        connection.execute(action)
    return info.value


@contextmanager
def exclusive(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection holding SQLite's exclusive lock on `path`."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE IF NOT EXISTS t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield holder
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_sqlite_busy_from_another_connection(tmp_path: Path) -> None:
    with exclusive(tmp_path / "x.db"):
        error = raised("INSERT INTO t VALUES (1)", sqlite3.connect(tmp_path / "x.db", timeout=0))
    assert error.sqlite_errorcode == 5  # SQLITE_BUSY
    assert is_busy(error)


def test_sqlite_locked_inside_one_connection() -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (x)")
    connection.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    reading = connection.execute("SELECT x FROM t")
    reading.fetchone()  # a statement still reading the table...
    error = raised("DROP TABLE t", connection)  # ...so it cannot be dropped
    assert error.sqlite_errorcode == 6  # SQLITE_LOCKED
    assert is_busy(error)


def test_extended_codes_count_by_their_primary_code() -> None:
    busy_snapshot, locked_sharedcache, ioerr_lock = 517, 262, 3850
    for code, expected in ((busy_snapshot, True), (locked_sharedcache, True), (ioerr_lock, False)):
        error = sqlite3.OperationalError("whatever the text says")
        error.sqlite_errorcode = code
        assert is_busy(error) is expected


def test_a_message_that_only_sounds_locked_is_not_retried() -> None:
    error = raised('SELECT * FROM "database is locked"', sqlite3.connect(":memory:"))
    assert str(error) == "no such table: database is locked"
    assert error.sqlite_errorcode == 1  # SQLITE_ERROR
    assert not is_busy(error)


def test_sqlalchemy_wrapped_sqlite_errors_are_judged_by_orig(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}", connect_args={"timeout": 0})
    try:
        with (
            exclusive(tmp_path / "x.db"),
            engine.connect() as connection,
            pytest.raises(OperationalError) as busy,
        ):
            connection.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as connection, pytest.raises(OperationalError) as missing:
            connection.execute(text('SELECT * FROM "database is locked"'))
    finally:
        engine.dispose()
    assert isinstance(busy.value.orig, sqlite3.OperationalError) and is_busy(busy.value)
    assert not is_busy(missing.value)


def test_asyncpg_errors_by_sqlstate() -> None:
    assert is_busy(asyncpg.exceptions.SerializationError("could not serialize access"))
    assert is_busy(asyncpg.exceptions.DeadlockDetectedError("deadlock detected"))
    assert not is_busy(asyncpg.exceptions.UniqueViolationError("deadlock detected, or not"))
    assert not is_busy(asyncpg.exceptions.LockNotAvailableError("could not obtain lock"))


def test_a_driver_error_is_found_through_the_chain() -> None:
    """Whatever wraps asyncpg's error (SQLAlchemy's adapter raises its own from it)."""
    try:
        try:
            raise asyncpg.exceptions.DeadlockDetectedError("deadlock detected")
        except asyncpg.exceptions.PostgresError as raw:
            raise RuntimeError("adapted, without a code of its own") from raw
    except RuntimeError as adapted:
        wrapped = DBAPIError("UPDATE ...", {}, adapted)
    assert is_busy(wrapped)
    assert not is_busy(DBAPIError("UPDATE ...", {}, RuntimeError("deadlock detected")))


async def test_the_store_does_not_retry_an_error_that_only_sounds_locked(tmp_path: Path) -> None:
    attempts = 0

    async def work(connection: AsyncConnection) -> None:
        nonlocal attempts
        attempts += 1
        await connection.execute(text('SELECT * FROM "database is locked"'))

    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", retries=3) as store:
        with pytest.raises(StoreError, match=r"database error.*no such table"):
            await store._read(work)
    assert attempts == 1


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason=NO_PG)
async def test_postgres_serialization_failure_and_deadlock_are_busy() -> None:
    await reset_postgres(PG_URL)
    engine = make_engine(PG_URL)
    try:
        async with engine.begin() as setup:
            await setup.execute(text("CREATE TABLE rows (id int PRIMARY KEY, n int)"))
            await setup.execute(text("INSERT INTO rows VALUES (1, 0), (2, 0)"))

        # Serialization failure: a repeatable-read transaction updates a row changed since.
        async with engine.connect() as first, engine.connect() as second:
            await first.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            await first.execute(text("SELECT n FROM rows WHERE id = 1"))
            await second.execute(text("UPDATE rows SET n = n + 1 WHERE id = 1"))
            await second.commit()
            with pytest.raises(DBAPIError) as serialization:
                await first.execute(text("UPDATE rows SET n = n + 1 WHERE id = 1"))
        assert getattr(serialization.value.orig, "sqlstate", None) == "40001"
        assert is_busy(serialization.value)

        # Deadlock: two transactions take the same two row locks in opposite orders.
        async def take(connection: AsyncConnection, a: int, b: int) -> None:
            await connection.execute(text("UPDATE rows SET n = n + 1 WHERE id = :id"), {"id": a})
            await asyncio.sleep(0.2)  # both hold their first lock before asking for the second
            await connection.execute(text("UPDATE rows SET n = n + 1 WHERE id = :id"), {"id": b})

        async with engine.connect() as first, engine.connect() as second:
            outcomes = await asyncio.gather(
                take(first, 1, 2),
                take(second, 2, 1),
                return_exceptions=True,
            )
        errors = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(errors) == 1 and isinstance(errors[0], DBAPIError)
        assert getattr(errors[0].orig, "sqlstate", None) == "40P01"
        assert is_busy(errors[0])
        # The code is the driver's; the message is whatever the server's language says.
        assert not is_busy(DBAPIError("UPDATE ...", {}, Exception(str(errors[0].orig))))
    finally:
        await engine.dispose()
        await reset_postgres(PG_URL)
