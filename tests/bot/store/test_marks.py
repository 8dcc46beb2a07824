"""Marks queued together are written in a few statements, each with the outcome it would have
had alone, in turn."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store
from bot.store.migrate import upgrade_database
from bot.store.records import MarkOutcome

pytestmark = pytest.mark.asyncio
NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
STATUSES = ("saved", "reading", "done", "dismissed")


def random_marks(seed: int, count: int) -> list[dict[str, Any]]:
    """Marks over few members and resources: repeats, changes, ratings, new members, and the
    same entry twice in one group."""
    rng = random.Random(seed)
    return [
        {
            "user_id": rng.randint(1, 6),
            "resource_id": f"r{rng.randint(0, 3)}",
            "title": rng.choice(("A title", "A title, renamed")),
            "status": rng.choice(STATUSES),
            "rating": rng.choice((None, None, 3, 5)),
            "now": NOW + dt.timedelta(minutes=i),
        }
        for i in range(count)
    ]


async def stored(store: Store) -> dict[tuple[int, str], Any]:
    found = {}
    for user_id in range(1, 7):
        for entry in await store.entries(user_id):
            found[(user_id, entry.resource_id)] = entry
    return found


async def open_store(path: Path) -> Store:
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade_database(url)
    return Store.open(url)


@pytest.mark.parametrize("seed", range(6))
async def test_marks_written_together_come_out_as_written_one_by_one(
    tmp_path: Path, seed: int
) -> None:
    marks = random_marks(seed, 60)
    alone = await open_store(tmp_path / "alone.db")
    together = await open_store(tmp_path / "together.db")
    try:
        # Known members and entries first, so the groups meet both old and new rows.
        for store in (alone, together):
            await store.mark(1, "r0", title="A title", status="saved", rating=None, now=NOW)
        one_by_one: list[MarkOutcome] = [await alone.mark(**m) for m in marks]
        statements: list[str] = []
        # What SQLite itself runs (a group's batch goes to the driver, past SQLAlchemy's
        # events): the writer's one connection, traced.
        raw = together.write_engine.raw_connection()
        try:
            raw.driver_connection.set_trace_callback(statements.append)  # type: ignore[union-attr]
        finally:
            raw.close()
        at_once = await asyncio.gather(*(together.mark(**m) for m in marks))
        assert at_once == one_by_one
        assert await stored(together) == await stored(alone)
        # Not two or three statements per mark: the groups ran as batches (a group with the
        # same entry twice runs one by one, as alone).
        written = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
        assert written and len(statements) < len(marks), statements
    finally:
        await alone.close()
        await together.close()


async def test_a_batch_that_fails_leaves_each_mark_its_own_outcome(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "x.db")
    try:
        marks = [
            {"user_id": u, "resource_id": "r0", "title": "t", "status": "done", "now": NOW}
            for u in range(10, 20)
        ]
        results = await asyncio.gather(
            *(store.mark(**m, rating=9 if m["user_id"] == 15 else None) for m in marks),
            return_exceptions=True,
        )
        assert [isinstance(r, Exception) for r in results] == [u == 15 for u in range(10, 20)]
        assert await store.count_entries() == 9
        assert await store.get_user(15) is None
    finally:
        await store.close()


async def test_only_the_sqlite_writer_batches_marks() -> None:
    from bot.store.marks import MarkWork

    mark = MarkWork("postgresql", 1, "r0", "t", "done", None, NOW)
    with pytest.raises(TypeError, match="SQLite writer"):
        await MarkWork.batch(object(), [mark, mark])  # type: ignore[arg-type]


async def test_a_group_looks_its_entries_up_by_key_not_by_reading_them_all(
    tmp_path: Path,
) -> None:
    """The read of a group of marks searches the primary keys: a scan of every entry (what
    SQLite made of `(user_id, resource_id) IN (VALUES ...)`) costs a burst of marks more the
    bigger the database, 12 ms a group at 60,000 entries."""
    import sqlite3

    from bot.store import sqlite_marks

    path = tmp_path / "plan.db"
    await upgrade_database(f"sqlite+aiosqlite:///{path}")
    connection = sqlite3.connect(path)
    try:
        keys = [(user_id, f"r{user_id % 3}") for user_id in range(1, 33)]
        flat = tuple(value for key in keys for value in key)
        plan = [
            row[3]
            for row in connection.execute(
                "EXPLAIN QUERY PLAN " + sqlite_marks.stored_sql(len(keys)), flat
            )
        ]
        assert any(step.startswith("SEARCH e USING") for step in plan), plan
        assert any(step.startswith("SEARCH u USING") for step in plan), plan
        assert not any(step.startswith(("SCAN e", "SCAN u")) for step in plan), plan
    finally:
        connection.close()


async def test_a_group_finds_what_each_member_has_among_many_entries(tmp_path: Path) -> None:
    """Marks of a group see exactly their own earlier entries (changed or repeated) among
    other members' entries of the same resources."""
    store = await open_store(tmp_path / "many.db")
    try:
        await asyncio.gather(
            *(
                store.mark(u, f"r{r}", title="t", status="saved", rating=None, now=NOW)
                for u in range(1, 41)
                for r in range(3)
            )
        )
        later = NOW + dt.timedelta(hours=1)
        outcomes = await asyncio.gather(
            *(
                store.mark(
                    u, "r1", title="t", status="done" if u % 2 else "saved", rating=None, now=later
                )
                for u in range(1, 41)
            ),
            *(
                store.mark(u, "r9", title="t", status="done", rating=None, now=later)
                for u in (41, 42)
            ),
        )
        for u, outcome in zip(range(1, 41), outcomes, strict=False):
            assert outcome.previous_status == "saved"
            assert outcome.changed == bool(u % 2)
            assert outcome.entry.status == ("done" if u % 2 else "saved")
        assert [o.previous_status for o in outcomes[40:]] == [None, None]
        assert await store.count_entries() == 40 * 3 + 2
    finally:
        await store.close()
