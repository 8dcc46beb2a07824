"""Migrations build the schema, agree with the models, and refuse a newer database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from bot.store.engine import make_engine
from bot.store.errors import StoreError
from bot.store.migrate import (
    MIGRATIONS_DIR,
    alembic_config,
    head_revision,
    schema_status,
    upgrade_database,
)
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


def _migrate(connection: Connection, url: str, target: str, down: bool = False) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, target)


async def _run(
    url: str, sql: str | None = None, target: str | None = None, down: bool = False
) -> list[Any] | None:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            if target is not None:
                await connection.run_sync(_migrate, url, target, down)
            if sql is not None:
                result = await connection.execute(text(sql))
                return result.all() if result.returns_rows else None
    finally:
        await engine.dispose()
    return None


async def test_upgrading_a_0001_database_keeps_its_data(empty_database_url: str) -> None:
    url = empty_database_url
    await _run(url, target="0001")
    await _run(
        url,
        "INSERT INTO users (id, created_at) VALUES (42, '2026-01-01 00:00:00')",
    )
    await _run(
        url,
        "INSERT INTO reading_entries (user_id, resource_id, title, status, created_at, "
        "updated_at) VALUES (42, 'resnet', 'ResNet', 'done', '2026-01-01 00:00:00', "
        "'2026-01-01 00:00:00')",
    )
    await _run(
        url,
        "INSERT INTO guild_settings (guild_id, post_time, timezone, frequency, enabled, "
        "updated_at) VALUES (7, '09:00', 'UTC', 'daily', true, '2026-01-01 00:00:00')",
    )
    await _run(
        url,
        "INSERT INTO daily_post_log (guild_id, local_date, resource_id, created_at) "
        "VALUES (7, '2026-01-01', 'resnet', '2026-01-01 00:00:00')",
    )
    before = await upgrade_database(url)
    assert (before.current, before.head) == ("0001", head_revision())
    assert await _run(url, "SELECT user_id, resource_id, status FROM reading_entries") == [
        (42, "resnet", "done")
    ]
    assert await _run(url, "SELECT guild_id, weekday, effective_from FROM guild_settings") == [
        (7, 0, None)
    ]
    await _run(
        url,
        "INSERT INTO daily_post_log (guild_id, local_date, resource_id, created_at) "
        "VALUES (7, '2026-01-02', NULL, '2026-01-02 00:00:00')",
    )
    # Down and up again: only the resource-less claim (new in 0002) is dropped.
    await _run(url, target="0001", down=True)
    assert await _run(url, "SELECT resource_id FROM daily_post_log") == [("resnet",)]
    assert await _run(url, "SELECT count(*) FROM reading_entries") == [(1,)]
    await upgrade_database(url)
    assert await _run(url, "SELECT count(*) FROM reading_entries") == [(1,)]
