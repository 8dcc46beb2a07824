"""`deepread db backup`: a consistent copy of a live SQLite database, written atomically."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Store, StoreError
from bot.store.backup import backup_sqlite
from bot.store.migrate import upgrade_database


def rows_and_check(path: Path) -> tuple[int, str]:
    connection = sqlite3.connect(path)
    try:
        (check,) = connection.execute("PRAGMA integrity_check").fetchone()
        (rows,) = connection.execute("SELECT count(*) FROM reading_entries").fetchone()
        return int(rows), str(check)
    finally:
        connection.close()


async def test_backup_while_another_task_writes(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    await upgrade_database(url)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    async with Store.open(url) as store:
        for i in range(50):
            await store.mark(1, f"r{i}", title=f"R{i}", status="done", rating=None, now=now)
        stop = asyncio.Event()
        written = 0

        async def writer() -> None:
            nonlocal written
            while not stop.is_set():
                await store.mark(2, f"w{written}", title="W", status="saved", rating=None, now=now)
                written += 1

        task = asyncio.create_task(writer())
        await asyncio.sleep(0.05)
        before = 50 + written
        copies = []
        for n in range(3):  # several copies, each while the writer keeps going
            copies.append(await asyncio.to_thread(backup_sqlite, url, tmp_path / f"copy{n}.db"))
            await asyncio.sleep(0.02)
        stop.set()
        await task
    assert written > 0
    for copy in copies:
        rows, check = rows_and_check(copy)
        assert check == "ok"
        assert before <= rows <= 50 + written
        assert not Path(f"{copy}-wal").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if ".tmp" in p.name) == []


async def test_backup_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    await upgrade_database(url)
    target = tmp_path / "copy.db"
    target.write_text("precious")
    with pytest.raises(StoreError, match="--force"):
        backup_sqlite(url, target)
    assert target.read_text() == "precious"
    backup_sqlite(url, target, force=True)
    assert rows_and_check(target) == (0, "ok")


def test_backup_of_postgresql_points_to_pg_dump() -> None:
    with pytest.raises(StoreError, match="pg_dump"):
        backup_sqlite("postgresql+asyncpg://u@localhost/db", Path("x.db"))


def test_cli_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    asyncio.run(upgrade_database(url))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)

    def run(args: list[str]) -> int:
        try:
            main(args)
        except SystemExit as exc:
            return int(exc.code or 0)
        return 0

    assert run(["db", "backup", "copy.db"]) == 0
    assert str(tmp_path / "copy.db") in capsys.readouterr().out
    assert run(["db", "backup", "copy.db"]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"deepread: {tmp_path / 'copy.db'} exists; pass --force to replace it"
    ]
    assert run(["db", "backup", "copy.db", "--force"]) == 0
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@localhost/db")
    assert run(["db", "backup", "other.db"]) == 1
    assert "pg_dump" in capsys.readouterr().err
