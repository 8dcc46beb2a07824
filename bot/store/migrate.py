"""Applying Alembic migrations from code, and refusing a database newer than this code.

The bot and the CLI call `upgrade_database(url)` on start, so a fresh checkout just works and
an old database is brought forward. A database stamped with a revision this code does not
know was written by a newer deepread: touching it could lose data, so it is refused.

Migrations are serialised across processes: several `deepread` commands (or a bot and a
command) starting together on a new database would otherwise all see it empty and all
create the tables ("table ... already exists"). Each holds a lock while it reads the
revision and upgrades, so the others wait, then find the database current: on SQLite an
exclusive `flock` on a file next to the database (`deepread.db.migrate-lock`; SQLite's own
locks cannot span Alembic's DDL, which pysqlite runs outside transactions), on PostgreSQL a
transaction-scoped advisory lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.contention import is_busy
from bot.store.engine import display_url, make_engine, sqlite_path
from bot.store.errors import StoreError

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


MIGRATION_LOCK_TIMEOUT_S = 120.0
"""How long a process waits for another one's migration before giving up with a clear error."""
PG_MIGRATION_LOCK = 0x64656570726561  # "deepread" as a number: the advisory lock's key

# The Alembic scripts travel inside the package (bot/store/migrations/), found through
# importlib.resources so that an installed wheel migrates from any working directory.
MIGRATIONS_DIR = Path(str(resources.files("bot.store") / "migrations"))


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where a database stands: `empty`, `behind`, `current` (at head) or `unknown` (newer)."""

    current: str | None
    head: str
    state: str


def alembic_config(url: str | URL) -> Config:
    """A Config for our migrations folder, independent of the working directory."""
    text = url if isinstance(url, str) else url.render_as_string(hide_password=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", text.replace("%", "%%"))
    config.attributes["url"] = text
    return config


def _script(config: Config) -> ScriptDirectory:
    return ScriptDirectory.from_config(config)


def head_revision() -> str:
    head = _script(alembic_config("sqlite://")).get_current_head()
    if head is None:  # pragma: no cover - the repository always ships a revision
        raise StoreError("no migrations found in " + str(MIGRATIONS_DIR))
    return head


def _status(connection: Connection, config: Config) -> SchemaStatus:
    current = MigrationContext.configure(connection).get_current_revision()
    script = _script(config)
    head = script.get_current_head() or ""
    if current is None:
        return SchemaStatus(None, head, "empty")
    try:
        known = script.get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        return SchemaStatus(current, head, "unknown")
    return SchemaStatus(current, head, "current" if current == head else "behind")


def _refuse_unknown(status: SchemaStatus, url: str | URL) -> None:
    if status.state == "unknown":
        raise StoreError(
            f"the database {display_url(url)} is at schema revision {status.current!r}, which "
            f"this deepread does not know (newest known: {status.head!r}); it was written by a "
            "newer version: upgrade deepread instead of using this database"
        )


def _upgrade(connection: Connection, config: Config) -> SchemaStatus:
    before = _status(connection, config)
    if before.state == "unknown":
        return before
    if before.state != "current":
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return SchemaStatus(before.current, before.head, "current")


async def schema_status(url: str | URL, *, engine: AsyncEngine | None = None) -> SchemaStatus:
    """The database's revision compared with this code's migrations (nothing is written)."""
    config = alembic_config(url)
    own = engine is None
    active = engine if engine is not None else make_engine(url)
    try:
        async with active.connect() as connection:
            return await connection.run_sync(_status, config)
    except DBAPIError as exc:
        raise _wrap(exc, url) from None
    except OSError as exc:
        raise StoreError(f"cannot reach the database {display_url(url)}: {exc}") from None
    finally:
        if own:
            await active.dispose()


@contextlib.asynccontextmanager
async def _sqlite_migration_lock(url: str | URL) -> AsyncIterator[None]:
    """Hold the lock file next to a SQLite database (nothing for an in-memory one)."""
    path = sqlite_path(url)
    if path is None:
        yield
        return
    lock = path.with_name(path.name + ".migrate-lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot create {lock}: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + MIGRATION_LOCK_TIMEOUT_S
        while not _try_lock(fd):  # polled, so that the wait can be cancelled
            if time.monotonic() > deadline:
                raise StoreError(
                    f"the database {display_url(url)} is being migrated by another program "
                    f"(it holds {lock}); try again shortly"
                )
            await asyncio.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race)


async def upgrade_database(url: str | URL, *, engine: AsyncEngine | None = None) -> SchemaStatus:
    """Bring the database to the newest revision; refuse one newer than this code.

    Returns the status before the upgrade (`state` is then `current`). Raises StoreError when
    the database is unknown-newer, locked for too long, or cannot be reached.
    """
    config = alembic_config(url)
    own = engine is None
    active = engine if engine is not None else make_engine(url)
    sqlite = active.dialect.name == "sqlite"
    postgresql = active.dialect.name == "postgresql"
    try:
        async with (
            _sqlite_migration_lock(url) if sqlite else contextlib.nullcontext(),
            active.connect() as connection,
        ):
            if sqlite:
                # Batch migrations copy and drop tables; with foreign keys enforced, dropping
                # `users` would cascade into everyone's history. Off for the migration only
                # (outside any transaction, where SQLite honours the pragma), then on again.
                await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                await connection.commit()
            try:
                async with connection.begin():
                    if postgresql:  # held until this transaction ends
                        lock = text("SELECT pg_advisory_xact_lock(:key)")
                        await connection.execute(lock, {"key": PG_MIGRATION_LOCK})
                    status = await connection.run_sync(_upgrade, config)
            finally:
                if sqlite:
                    await connection.rollback()
                    await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    await connection.commit()
    except DBAPIError as exc:
        raise _wrap(exc, url) from None
    except OSError as exc:
        raise StoreError(f"cannot reach the database {display_url(url)}: {exc}") from None
    finally:
        if own:
            await active.dispose()
    _refuse_unknown(status, url)
    return status


def _wrap(exc: DBAPIError, url: str | URL) -> StoreError:
    reason = str(exc.orig) if exc.orig is not None else str(exc)
    if is_busy(exc):
        return StoreError(
            f"the database {display_url(url)} is locked by another program; try again shortly"
        )
    return StoreError(f"cannot use the database {display_url(url)}: {reason}")
