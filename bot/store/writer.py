"""SQLite's one writer, in one thread: a whole transaction per hand-off.

The async engine (aiosqlite) runs every statement in its connection's thread and wakes the
event loop when each one is done: a mark's three statements were three round trips through
the loop, and in a burst of marks those wake-ups, greenlet switches and futures cost the
loop more than the answers themselves. Writes on a SQLite file are run here instead: a
dedicated thread owns a plain `sqlite3` connection (the same pragmas), and a group of writes
goes to it in one hand-off, runs there statement after statement, and comes back once
committed. Reads stay on the async engine: WAL lets them run beside the writer.

Work of a kind that can run many at once (`marks.MarkWork`: a burst of marks) runs as one
batch when several queued together. The write work is the store's ordinary
`async def work(session)`: it only awaits
`session.execute`, which here has already run the statement when it is awaited, so the
coroutine finishes without ever suspending and is driven to its end in the thread
(`run_at_once`). Work that tried to wait for anything else would be a bug; it fails loudly
and its transaction is rolled back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import CursorResult
from sqlalchemy.sql.base import Executable

T = TypeVar("T")


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

    async def run(self, works: Sequence[Callable[[Any], Awaitable[Any]]]) -> list[Any]:
        """Every work's result, once the one transaction holding them all committed; the
        first failure rolls it all back and is raised."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deepread-writer")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._run, works)

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
