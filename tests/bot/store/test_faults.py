"""A database locked by another process: a few retries, then a clear StoreError, no writes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.store import Store, StoreError
from bot.store.engine import make_engine
from bot.store.migrate import schema_status, upgrade_database

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes our stdin
connection.execute("ROLLBACK")
"""


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'locked.db'}"
    await upgrade_database(url)
    return url


@contextmanager
def hold_lock(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding an exclusive lock on the database file until released."""
    process = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "locked"
        yield process
    finally:
        release(process)


def release(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=10)


async def test_locked_database_gives_a_clear_error_then_works_again(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with Store.open(sqlite_url, busy_timeout_ms=50, retries=2) as store:
        with hold_lock(tmp_path / "locked.db") as locker:
            with pytest.raises(StoreError, match=r"locked by another program.*3 tries"):
                await store.mark(1, "a", title="A", status="done", rating=None, now=NOW)
            release(locker)
        outcome = await store.mark(1, "a", title="A", status="done", rating=None, now=NOW)
        assert outcome.changed and await store.count_entries() == 1


async def test_upgrading_a_locked_new_database_is_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
    engine = make_engine(url, busy_timeout_ms=50)
    try:
        with hold_lock(tmp_path / "new.db"), pytest.raises(StoreError, match="locked by another"):
            await upgrade_database(url, engine=engine)
    finally:
        await engine.dispose()
    assert (await schema_status(url)).state == "empty"  # nothing half-applied


async def test_an_unreachable_server_is_a_clear_error() -> None:
    url = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
    with pytest.raises(StoreError, match=r"cannot reach the database postgresql\+asyncpg://"):
        await upgrade_database(url)
