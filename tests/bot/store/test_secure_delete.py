"""`/forgetme` leaves no readable trace in a SQLite file, whatever SQLite's build default.

Debian's SQLite overwrites deleted content by default (SQLITE_SECURE_DELETE); other builds
only unlink it, leaving a forgotten user's titles readable in the file's free pages. The
engine sets `secure_delete` on every connection; the test first switches it off, as such a
build would, to show the engine's own setting is what counts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from bot.store import Store
from bot.store.engine import make_engine, make_writer_engine
from bot.store.migrate import upgrade_database
from bot.store.writer import GroupWriter

NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
SECRET = "Zanzibar-cipher-notes-of-a-private-reader"


def like_a_build_without_secure_delete(engine: Any) -> None:
    def off(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA secure_delete=OFF")
        cursor.close()

    event.listen(engine, "connect", off, insert=True)  # before the engine's own


async def test_forgetting_a_user_overwrites_their_rows_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "deepread.db"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade_database(url)
    engine = make_engine(url)
    like_a_build_without_secure_delete(engine.sync_engine)
    writes = make_writer_engine(url)  # the writes go through the writer's connection
    assert writes is not None
    like_a_build_without_secure_delete(writes)
    store = Store(engine, writer=GroupWriter(writes))
    try:
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA secure_delete")).scalar() == 1
        for n in range(40):
            await store.mark(
                77, f"resource-{n}", title=f"{SECRET} {n}", status="done", rating=None, now=NOW
            )
        await store.mark(
            78, "resource-0", title="someone else's", status="saved", rating=None, now=NOW
        )
        outcome = await store.forget_user(77)
        assert outcome.entries_deleted == 40
        async with engine.connect() as connection:
            await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        await store.close()
    data = b"".join(p.read_bytes() for p in tmp_path.glob("deepread.db*") if p.is_file())
    assert SECRET.encode() not in data
    assert b"someone else's" in data
