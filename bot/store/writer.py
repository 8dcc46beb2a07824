"""SQLite's one writer, in one thread: a whole transaction per hand-off.

The async engine (aiosqlite) runs every statement in its connection's thread and wakes the
event loop when each one is done: a mark's three statements were three round trips through
the loop, and in a burst of marks those wake-ups, greenlet switches and futures cost the
loop more than the answers themselves. Writes on a SQLite file are run here instead: a
dedicated thread owns a plain `sqlite3` connection (the same pragmas), and a group of writes
goes to it in one hand-off, runs there statement after statement, and comes back once
committed. Reads stay on the async engine: WAL lets them run beside the writer.

Writes are handed over as they come (`submit`) and the thread drains them itself: what queued
while a group ran, and in the `LINGER_S` after, is the next group (at most `GROUP_LIMIT`, one
transaction), started then rather than after the event loop has caught up with everything
queued before the news that the last group committed. In a burst the writes so run beside
the answers being made, and a group's callers are told their results together, in one wake-up
of the loop. If any work of a group fails, the group is rolled back and each of its works runs
again alone, so one bad write never takes the others down. Work of a kind that can run many at
once (`marks.MarkWork`: a burst of marks) runs as one batch when several queued together.

The write work is the store's ordinary `async def work(session)`: it only awaits
`session.execute`, which here has already run the statement when it is awaited, so the
coroutine finishes without ever suspending and is driven to its end in the thread
(`run_at_once`). Work that tried to wait for anything else would be a bug; it fails loudly
and its transaction is rolled back.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import CursorResult
from sqlalchemy.sql.base import Executable

T = TypeVar("T")
log = logging.getLogger(__name__)

GROUP_LIMIT = 32
"""At most this many writes share a transaction: a burst of marks pays for a few
BEGIN/COMMITs instead of one each, answers leave in steps rather than all at the end of one
long transaction, and another process never waits long for the lock."""

LINGER_S = 0.003
"""How long a write waits for company before its group starts. A transaction's own cost (BEGIN,
the reads, COMMIT, each statement through SQLAlchemy) was about 0.35 ms of CPU for one mark and
under 0.1 ms a mark in a group; in a burst, where a mark arrives every millisecond or so between
the other answers, writing each alone cost the event loop's thread that CPU and the GIL. A
member's click in a quiet server waits 3 ms more, which nobody sees."""

Outcome = tuple["asyncio.Future[Any]", bool, Any]
"""(a caller's future, whether its work succeeded, its result or its exception)."""


class ImmediateSession:
    """What write work sees in the writer thread: `execute` on the thread's connection."""

    __slots__ = ("_connection",)

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> CursorResult[*tuple[Any, ...]]:
        return self._connection.execute(statement, parameters)


def run_at_once(awaitable: Awaitable[T]) -> T:
    """The result of a coroutine that never suspends, run here and now."""
    steps = awaitable.__await__()
    try:
        steps.send(None)
    except StopIteration as finished:
        return finished.value  # type: ignore[no-any-return]
    steps.close()
    raise RuntimeError("write work may only await its session's execute()")


class ThreadWriter:
    """Runs groups of write work, each group one transaction, in its own thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._thread: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._pending: deque[tuple[Callable[[Any], Awaitable[Any]], asyncio.Future[Any]]] = deque()
        self._draining = False

    def submit(self, work: Callable[[Any], Awaitable[T]]) -> asyncio.Future[T]:
        """`work`'s result (or exception) once the transaction holding it committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            self._pending.append((work, future))
            start, self._draining = not self._draining, True
        if start:
            self._executor().submit(self._drain, loop)
        return future

    def _executor(self) -> ThreadPoolExecutor:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deepread-writer")
        return self._thread

    def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        """In the thread: commit group after group until nothing is queued."""
        while True:
            if len(self._pending) < GROUP_LIMIT:
                time.sleep(LINGER_S)  # (the GIL is free meanwhile)
            with self._lock:
                if not self._pending:
                    self._draining = False
                    return
                taken = min(GROUP_LIMIT, len(self._pending))
                group = [self._pending.popleft() for _ in range(taken)]
            group = [(work, future) for work, future in group if not future.done()]  # gave up
            outcomes = self._outcomes(group)
            try:
                loop.call_soon_threadsafe(_deliver, outcomes)
            except RuntimeError:  # the loop closed meanwhile: nobody is waiting any more
                log.debug("event loop closed; %d write results dropped", len(outcomes))

    def _outcomes(
        self, group: list[tuple[Callable[[Any], Awaitable[Any]], asyncio.Future[Any]]]
    ) -> list[Outcome]:
        if len(group) > 1:
            try:
                results = self._run([work for work, _ in group])
            except Exception:
                pass  # rolled back: each runs alone, so a failure stays its own
            else:
                return [(f, True, r) for (_, f), r in zip(group, results, strict=True)]
        outcomes: list[Outcome] = []
        for work, future in group:
            try:
                [result] = self._run([work])
            except Exception as exc:
                outcomes.append((future, False, exc))
            else:
                outcomes.append((future, True, result))
        return outcomes

    async def run(self, works: Sequence[Callable[[Any], Awaitable[Any]]]) -> list[Any]:
        """Every work's result, once the one transaction holding them all committed; the
        first failure rolls it all back and is raised."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(), self._run, works)

    def _run(self, works: Sequence[Callable[[Any], Awaitable[Any]]]) -> list[Any]:
        with self.engine.begin() as connection:
            session = ImmediateSession(connection)
            results: list[Any] = []
            for run in _runs_of_a_kind(works):
                batch = getattr(type(run[0]), "batch", None)
                if batch is not None and len(run) > 1:
                    results.extend(run_at_once(batch(session, run)))
                else:
                    results.extend(run_at_once(work(session)) for work in run)
            return results

    def close(self) -> None:
        """Wait for the thread and close its connection. Like an engine's `dispose`, this
        does not end the writer: a later write starts a new thread (a bot restarted in the
        same process keeps its store)."""
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        self.engine.dispose()


def _deliver(outcomes: list[Outcome]) -> None:
    """In the event loop: tell a group's callers (those still waiting) their outcomes."""
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
