"""Building the async engine from a URL: SQLite pragmas, folder creation, safe URL display.

SQLite is the default (one file, no server). It is made fit for a bot answering many people
at once: WAL so readers never wait for the writer, a busy timeout so a second process waits
instead of failing, foreign keys on so deleting a user deletes their entries, and
secure_delete on so what was deleted is overwritten, not merely unlinked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    create_async_engine,
)

from bot.store.errors import StoreError
from bot.store.values import DEFAULT_BUSY_TIMEOUT_MS


def parse_url(url: str | URL) -> URL:
    """The URL, or a StoreError saying it is not one."""
    try:
        return make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {str(url)!r}") from None


def display_url(url: str | URL) -> str:
    """The URL with any password masked, for messages and logs."""
    return parse_url(url).render_as_string(hide_password=True)


def is_sqlite(url: str | URL) -> bool:
    return parse_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str | URL) -> Path | None:
    """The database file of a SQLite URL; None for in-memory databases and other backends."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return None
    return Path(database)


def make_engine(url: str | URL, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> AsyncEngine:
    """An async engine for `url`; a SQLite file's folder is created on first use."""
    parsed = parse_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(parsed)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder {path.parent}: {exc.strerror}"
                ) from None
        kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000}
        # Each aiosqlite connection is a thread, and every statement is a hand-off to it: a
        # couple of connections serve one process best (SQLite has one writer anyway), and
        # skipping the pool's reset-rollback saves a hand-off per use. That is safe because
        # every use goes through `engine.begin()`/`connect()`, which end their own transaction.
        kwargs.update(pool_size=2, max_overflow=0, pool_timeout=120, pool_reset_on_return=None)
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_async_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database {display_url(parsed)}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        _install_sqlite_pragmas(engine.sync_engine, busy_timeout_ms)
    return engine


def make_writer_engine(url: str | URL) -> Engine | None:
    """A plain (sync) engine on the same SQLite file, for the writer (`writer`); None where
    there is no file to share (in memory) or the database is not SQLite.

    Its one connection is used in the event loop's thread, which must never wait on SQLite:
    no busy timeout (the writer waits for another process's lock on a timer instead), no
    automatic checkpoint (the writer checkpoints in a worker thread), and every transaction
    begins with `BEGIN IMMEDIATE`, so the lock is taken (or found busy) before anything is
    read or written, never halfway through. (SQLAlchemy's recipe for SQLite transactions:
    the driver's own implicit BEGIN is switched off and the engine's "begin" event says it.)
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or sqlite_path(parsed) is None:
        return None
    engine = create_engine(
        parsed.set(drivername="sqlite+pysqlite"),
        connect_args={"timeout": 0},
        pool_size=1,
        max_overflow=0,
        pool_reset_on_return=None,
    )
    _install_sqlite_pragmas(engine, busy_timeout_ms=0)

    @event.listens_for(engine, "connect")
    def _writer_connection(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _install_sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows are overwritten with zeros, so `/forgetme` leaves no readable trace
            # in the file. Many builds default to this (SQLITE_SECURE_DELETE), not all.
            cursor.execute("PRAGMA secure_delete=ON")
        finally:
            cursor.close()
