"""SQLite's one writer: groups of writes, each one transaction, committed in the event loop.

A SQLite file has one writer at a time, and a write transaction of this bot is small (a mark,
a claim, a setting: a few rows, well under a millisecond of SQLite's own time). What made
writes slow under load was never SQLite but the hand-offs around it: through aiosqlite every
statement was a round trip to a connection thread, and with a writer thread of our own every
statement still released the GIL and had to win it back from a busy event loop (in a burst a
group of 32 marks took 15-20 ms of wall time for 2-3 ms of work, and the answers to the
marks came last). So writes run here, in the event loop's thread, on a plain `sqlite3`
connection: what queued in the last `LINGER_S` (at most `GROUP_LIMIT`) is one transaction,
and its callers learn their outcomes as soon as it commits.

The loop must never wait on SQLite, so this connection never sleeps in SQLite's busy handler
(busy timeout 0, and every transaction starts with `BEGIN IMMEDIATE`, which takes the write
lock before anything is read): when another process holds the lock, the group waits on a
timer and tries again, until the store's busy timeout has passed; then its callers get the
"busy" error (and `StoreBase` retries or gives up with a clear message). Nor may the loop wait
for the disk: SQLite's automatic checkpoint (which copies the WAL into the database file and
syncs it) is off on this connection, and a passive checkpoint runs in a worker thread, on a
connection of its own, after every `CHECKPOINT_EVERY` commits. If any work of a group fails, the
group is rolled back and each of its works runs again alone, so one bad write never takes the
others down. Work of a kind that can run many at once (`marks.MarkWork`: a burst of marks)
runs as one batch when several queued together.

The write work is the store's ordinary `async def work(session)`: it only awaits
`session.execute`, which here has already run the statement when it is awaited, so the
coroutine finishes without ever suspending and is driven to its end at once (`run_at_once`).
Work that tried to wait for anything else would be a bug; it fails loudly and its transaction
is rolled back.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.base import Executable

from bot.store.contention import is_busy

T = TypeVar("T")
log = logging.getLogger(__name__)

GROUP_LIMIT = 32
"""At most this many writes share a transaction: a burst of marks pays for a few
BEGIN/COMMITs instead of one each, the event loop is never held for more than a few
milliseconds, and answers leave in steps rather than all at the end of one long transaction."""

LINGER_S = 0.003
"""How long a write waits for company before its group commits. A transaction's own cost (BEGIN,
the reads, COMMIT, each statement through SQLAlchemy) was about 0.35 ms of CPU for one mark and
under 0.1 ms a mark in a group; in a burst, where a mark arrives every millisecond or so between
the other answers, writing each alone would cost the event loop that CPU. A member's click in a
quiet server waits 3 ms more, which nobody sees."""

BUSY_RETRY_S = (0.002, 0.005, 0.01, 0.02, 0.05)
"""Waits between attempts at the write lock while another process holds it (the last repeats):
quick at first, as SQLite's own busy handler is, then every 50 ms until the busy timeout."""

CHECKPOINT_EVERY = 100
"""Commits between passive checkpoints (SQLite's automatic one comes after about 1,000 pages
of WAL; a group of marks writes a handful)."""

Pending = tuple[Callable[[Any], Awaitable[Any]], "asyncio.Future[Any]"]


class ImmediateSession:
    """What write work sees: `execute` on the writer's connection, run at once."""

    __slots__ = ("_connection",)

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> CursorResult[*tuple[Any, ...]]:
        return self._connection.execute(statement, parameters)

    def driver_rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        """The rows of the driver's own SQL, run at once on the connection's sqlite3
        connection, in this transaction (`sqlite_marks`: a burst's marks)."""
        return self._driver().execute(sql, parameters).fetchall()

    def driver_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """The driver's own SQL run once for each of `rows`, at once, in this transaction."""
        self._driver().executemany(sql, rows)

    def _driver(self) -> sqlite3.Connection:
        return cast(sqlite3.Connection, self._connection.connection.driver_connection)


def run_at_once(awaitable: Awaitable[T]) -> T:
    """The result of a coroutine that never suspends, run here and now."""
    steps = awaitable.__await__()
    try:
        steps.send(None)
    except StopIteration as finished:
        return finished.value  # type: ignore[no-any-return]
    steps.close()
    raise RuntimeError("write work may only await its session's execute()")


class Busy(Exception):
    """Another connection holds the write lock: nothing of the group ran."""

    def __init__(self, error: DBAPIError) -> None:
        super().__init__(str(error))
        self.error = error


class GroupWriter:
    """Commits the writes submitted to it in groups, one transaction each, in the event loop.

    `engine` must be made by `engine.make_writer_engine` (one connection, no busy timeout, no
    automatic checkpoint, `BEGIN IMMEDIATE`); `busy_timeout_s` is how long a group may wait for
    another process's lock before its callers are told the database is busy.
    """

    def __init__(self, engine: Engine, *, busy_timeout_s: float = 5.0) -> None:
        self.engine = engine
        self.busy_timeout_s = busy_timeout_s
        self._pending: deque[Pending] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._busy_since: float | None = None
        self._busy_tries = 0
        self._commits = 0
        self._checkpoint: asyncio.Future[None] | None = None

    def submit(self, work: Callable[[Any], Awaitable[T]]) -> asyncio.Future[T]:
        """`work`'s result (or exception) once the transaction holding it committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append((work, future))
        if self._timer is None or self._loop is not loop:
            # (a timer of an event loop that has since closed would never fire)
            if self._timer is not None:
                self._timer.cancel()
            self._schedule(loop, 0 if len(self._pending) >= GROUP_LIMIT else LINGER_S)
        elif len(self._pending) == GROUP_LIMIT and self._busy_since is None:
            self._timer.cancel()  # a full group need not wait for company
            self._schedule(loop, 0)
        return future

    async def run(self, works: Sequence[Callable[[Any], Awaitable[Any]]]) -> list[Any]:
        """Every work's result, once the one transaction holding them all committed; the
        first failure rolls it all back and is raised. Runs at once, ahead of what `submit`
        queued (for one-off work and tests), and waits, as a group does, while another
        process holds the lock."""
        waited_since = time.monotonic()
        for delay in _busy_waits():
            try:
                return self._run(works)
            except Busy as busy:
                if time.monotonic() - waited_since >= self.busy_timeout_s:
                    raise busy.error from None
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover (the waits never end)

    async def close(self) -> None:
        """Commit what is queued, wait for a checkpoint under way, close the connection. Like
        an engine's `dispose`, this does not end the writer: a later write opens it again (a
        bot restarted in the same process keeps its store)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._pending:
            group = self._take()
            try:
                outcomes = self._outcomes(group)
            except Busy as busy:
                outcomes = [(future, False, busy.error) for _, future in group]
            _deliver(outcomes)
        if self._checkpoint is not None:
            await asyncio.shield(self._checkpoint)
        self.engine.dispose()

    # --- in the event loop --------------------------------------------------------------------

    def _schedule(self, loop: asyncio.AbstractEventLoop, delay: float) -> None:
        self._loop = loop
        self._timer = loop.call_later(delay, self._commit_due, loop)

    def _take(self) -> list[Pending]:
        taken = min(GROUP_LIMIT, len(self._pending))
        group = [self._pending.popleft() for _ in range(taken)]
        return [(work, future) for work, future in group if not future.done()]  # gave up

    def _commit_due(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        group = self._take()
        try:
            outcomes = self._outcomes(group)
        except Busy as busy:
            self._wait_for_lock(loop, group, busy)
            return
        self._busy_since, self._busy_tries = None, 0
        _deliver(outcomes)
        if outcomes:
            self._commits += 1
            if self._commits % CHECKPOINT_EVERY == 0:
                self._start_checkpoint(loop)
        if self._pending:
            self._schedule(loop, 0 if len(self._pending) >= GROUP_LIMIT else LINGER_S)

    def _wait_for_lock(
        self, loop: asyncio.AbstractEventLoop, group: list[Pending], busy: Busy
    ) -> None:
        """Put the group back in front and try again a little later; past the busy timeout,
        its callers (and everyone queued behind it) learn that the database is busy."""
        now = time.monotonic()
        if self._busy_since is None:
            self._busy_since = now
        if now - self._busy_since >= self.busy_timeout_s:
            self._busy_since, self._busy_tries = None, 0
            stuck = group + [self._pending.popleft() for _ in range(len(self._pending))]
            _deliver([(future, False, busy.error) for _, future in stuck])
            return
        self._pending.extendleft(reversed(group))
        delay = BUSY_RETRY_S[min(self._busy_tries, len(BUSY_RETRY_S) - 1)]
        self._busy_tries += 1
        self._schedule(loop, delay)

    def _outcomes(self, group: list[Pending]) -> list[Outcome]:
        """Each work's outcome; raises Busy (nothing ran) when the lock is taken."""
        if not group:
            return []
        if len(group) > 1:
            try:
                results = self._run([work for work, _ in group])
            except Busy:
                raise
            except Exception:
                pass  # rolled back: each runs alone, so a failure stays its own
            else:
                return [(f, True, r) for (_, f), r in zip(group, results, strict=True)]
        outcomes: list[Outcome] = []
        for work, future in group:
            try:
                [result] = self._run([work])
            except Busy:
                if outcomes:  # the lock went to another process between two works
                    self._pending.extendleft(reversed(group[len(outcomes) :]))
                    return outcomes
                raise
            except Exception as exc:
                outcomes.append((future, False, exc))
            else:
                outcomes.append((future, True, result))
        return outcomes

    def _run(self, works: Sequence[Callable[[Any], Awaitable[Any]]]) -> list[Any]:
        with self._transaction() as connection:
            session = ImmediateSession(connection)
            results: list[Any] = []
            for run in _runs_of_a_kind(works):
                batch = getattr(type(run[0]), "batch", None)
                if batch is not None and len(run) > 1:
                    results.extend(run_at_once(batch(session, run)))
                else:
                    results.extend(run_at_once(work(session)) for work in run)
            return results

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A connection in a transaction that holds the write lock (`BEGIN IMMEDIATE`, see
        `engine`), committed when the block ends well and rolled back otherwise; Busy, with
        nothing run, when another connection holds the lock (or held the file while this
        connection was opened)."""
        with ExitStack() as stack:
            try:
                connection = stack.enter_context(self.engine.connect())
                stack.enter_context(connection.begin())
            except DBAPIError as exc:
                if is_busy(exc):
                    raise Busy(exc) from exc
                raise
            yield connection

    # --- off the loop -------------------------------------------------------------------------

    def _start_checkpoint(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._checkpoint is not None and not self._checkpoint.done():
            return  # one at a time; the next comes with the next round of commits
        self._checkpoint = loop.run_in_executor(None, self._checkpoint_now)

    def _checkpoint_now(self) -> None:
        """Copy the WAL's committed pages into the database file (PASSIVE: never waits for
        readers or writers, so it cannot hold anyone up), on a connection of its own."""
        path = self.engine.url.database
        try:
            connection = sqlite3.connect(path or "", timeout=0)
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                connection.close()
        except sqlite3.Error as exc:  # a later round tries again
            log.warning("WAL checkpoint of %s failed: %s", path, exc)


Outcome = tuple["asyncio.Future[Any]", bool, Any]
"""(a caller's future, whether its work succeeded, its result or its exception)."""


def _busy_waits() -> Iterator[float]:
    yield from BUSY_RETRY_S
    while True:
        yield BUSY_RETRY_S[-1]


def _deliver(outcomes: list[Outcome]) -> None:
    """Tell a group's callers (those still waiting) their outcomes."""
    for future, ok, value in outcomes:
        if future.done():
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)


def _runs_of_a_kind(works: Sequence[Any]) -> list[list[Any]]:
    """`works` cut where their type changes: consecutive work of a kind that knows how to run
    many at once (a `batch` classmethod, giving each one's result as if run alone in turn,
    e.g. `marks.MarkWork`) runs as one batch; any other work runs as it is, in order."""
    runs: list[list[Any]] = []
    for work in works:
        if runs and type(runs[-1][0]) is type(work) and hasattr(type(work), "batch"):
            runs[-1].append(work)
        else:
            runs.append([work])
    return runs
