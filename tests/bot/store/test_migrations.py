"""Migrations build the schema, agree with the models, and refuse a newer database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from bot.store.engine import make_engine
from bot.store.errors import StoreError
from bot.store.migrate import MIGRATIONS_DIR, head_revision, schema_status, upgrade_database
from bot.store.models import Base


async def test_upgrade_builds_every_table_then_is_a_no_op(empty_database_url: str) -> None:
    assert (await schema_status(empty_database_url)).state == "empty"
    first = await upgrade_database(empty_database_url)
    assert (first.current, first.state) == (None, "current")
    again = await upgrade_database(empty_database_url)
    assert again.current == head_revision()
    engine = make_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert {"users", "reading_entries", "guild_settings", "daily_post_log"} <= tables


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


async def test_a_database_newer_than_the_code_is_refused(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    finally:
        await engine.dispose()
    assert (await schema_status(database_url)).state == "unknown"
    with pytest.raises(StoreError, match=r"9999_future.*newer version"):
        await upgrade_database(database_url)


async def test_sqlite_file_gets_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'folder' / 'x.db'}"
    engine = make_engine(url, busy_timeout_ms=1234)
    try:
        async with engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
            timeout = (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one()
            keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one()
    finally:
        await engine.dispose()
    assert (mode, timeout, keys) == ("wal", 1234, 1)
    assert (tmp_path / "nested" / "folder" / "x.db").exists()


def test_revision_files_are_dated() -> None:
    names = [p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py")]
    assert names
    assert all(name[:8].isdigit() and name[8] == "_" for name in names), names


async def test_a_bad_url_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        await upgrade_database("not a url at all")


async def test_foreign_keys_are_on_again_after_migrating_through_a_shared_engine(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fk.db'}"
    engine = make_engine(url)
    try:
        await upgrade_database(url, engine=engine)
        for _ in range(3):  # whichever pooled connection comes back
            async with engine.connect() as connection:
                keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one()
                assert keys == 1
    finally:
        await engine.dispose()
