"""The store's foundation: one engine, transactions that commit whole, retries when busy.

Every write is one transaction run by `_write`: it either commits whole or leaves nothing.
On a SQLite file, writes from this process queue for one writer (SQLite has one writer anyway;
queueing here is faster than sleeping in SQLite's busy handler), which commits the writes that
queued together in one transaction, in the event loop's thread (group commit, see `writer`);
each caller sees only its own outcome, once the transaction holding its write committed.
Without that writer (an in-memory database) writes take turns, one transaction each.
A write that still finds the database busy (another process holds the lock; on PostgreSQL a
deadlock or a serialization failure) is retried a few times before a StoreError. "Busy" is
decided by the driver's error codes, see `contention`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar, TypeVarTuple, overload

from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.base import Executable

from bot.store.contention import is_busy
from bot.store.engine import display_url, make_engine, make_writer_engine
from bot.store.errors import StoreError
from bot.store.values import DEFAULT_BUSY_TIMEOUT_MS
from bot.store.writer import GroupWriter

if TYPE_CHECKING:
    # For typing only: how SQLAlchemy's own `execute` types a select's rows.
    from sqlalchemy.sql.selectable import TypedReturnsRows

T = TypeVar("T")
_Ts = TypeVarTuple("_Ts")


class Session(Protocol):
    """What store work runs its statements on: a connection of the async engine, or the SQLite
    writer's `writer.ImmediateSession`."""

    @overload
    async def execute(
        self, statement: TypedReturnsRows[*_Ts], parameters: Any = None
    ) -> CursorResult[*_Ts]: ...

    @overload
    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> CursorResult[*tuple[Any, ...]]: ...


Work = Callable[[Session], Awaitable[T]]
Timing = Callable[[str, float], None]
"""Told ("read" or "write", seconds) after each transaction, retries and waiting included."""


class StoreBase:
    """An engine plus transaction helpers; `async with` closes the engine."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        retries: int = 3,
        retry_delay: float = 0.05,
        writer: GroupWriter | None = None,
    ) -> None:
        self.engine = engine
        # SQLite file: writes are committed in groups by the writer (see `writer`).
        self._writer = writer
        self.dialect = engine.dialect.name
        self._retries = retries
        self._retry_delay = retry_delay
        self._one_writer = self.dialect == "sqlite"
        self._write_turn = asyncio.Lock()  # SQLite without the writer: one at a time
        # Set by whoever measures the database (the bot's metrics); the store stays ignorant
        # of what is done with the figures.
        self.timing: Timing | None = None

    @classmethod
    def open(
        cls, url: str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, retries: int = 3
    ) -> Self:
        engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
        writer_engine = make_writer_engine(url)
        writer = (
            GroupWriter(writer_engine, busy_timeout_s=busy_timeout_ms / 1000)
            if writer_engine is not None
            else None
        )
        return cls(engine, retries=retries, writer=writer)

    @property
    def write_engine(self) -> Engine:
        """The (sync) engine whose connections commit the writes: the writer's on a SQLite
        file, else the async engine's own."""
        if self._writer is not None:
            return self._writer.engine
        return self.engine.sync_engine

    async def close(self) -> None:
        if self._writer is not None:
            await self._writer.close()
        await self.engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # --- transactions -------------------------------------------------------------------------

    async def _write(self, work: Work[T]) -> T:
        """Run `work` in one transaction (all or nothing), in turn with this process's writers
        (on SQLite possibly in one transaction with the writes queued beside it)."""

        async def attempt() -> T:
            return await self._transaction(work)

        if not self._one_writer:
            return await self._timed("write", attempt)
        return await self._timed("write", lambda: self._queue_write(work))

    async def _queue_write(self, work: Work[T]) -> T:
        """`work`'s result once the transaction holding it committed, in turn with this
        process's other writes."""
        if self._writer is not None:
            return await self._writer.submit(work)  # (the writer groups what queued)
        async with self._write_turn:
            return await self._transaction(work)

    async def _read(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        async def attempt() -> T:
            async with self.engine.connect() as connection:
                return await work(connection)

        return await self._timed("read", attempt)

    async def ping(self) -> None:
        """One round trip (`SELECT 1`): a health check's question "does the database answer?"."""

        async def work(connection: AsyncConnection) -> None:
            await connection.exec_driver_sql("SELECT 1")

        await self._read(work)

    async def _timed(self, operation: str, attempt: Callable[[], Awaitable[T]]) -> T:
        if self.timing is None:
            return await self._retrying(attempt)
        started = time.perf_counter()
        try:
            return await self._retrying(attempt)
        finally:
            self.timing(operation, time.perf_counter() - started)

    async def _transaction(self, work: Work[T]) -> T:
        async with self.engine.begin() as connection:
            return await work(connection)

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Retry while the database is busy (another process, a deadlock); then a StoreError.

        IntegrityError passes through untouched: callers that can repair it (a user deleted
        under a mark) do, and it is a bug anywhere else.
        """
        tries = 0
        while True:
            try:
                return await attempt()
            except IntegrityError:
                raise
            except DBAPIError as exc:
                if not is_busy(exc):
                    raise self._error(exc) from None
                tries += 1
                if tries > self._retries:
                    raise StoreError(
                        f"the database {display_url(self.engine.url)} is locked by another "
                        f"program (gave up after {tries} tries); try again in a moment"
                    ) from None
                await asyncio.sleep(self._retry_delay * 2 ** (tries - 1))
            except OSError as exc:
                raise self._unreachable(exc) from None

    def _unreachable(self, exc: OSError) -> StoreError:
        return StoreError(f"cannot reach the database {display_url(self.engine.url)}: {exc}")

    def _error(self, exc: DBAPIError) -> StoreError:
        reason = str(exc.orig) if exc.orig is not None else str(exc)
        return StoreError(f"database error on {display_url(self.engine.url)}: {reason}")


def rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
