"""Hot per-user state: what a member finished, saved or dismissed, kept cheap to read.

Every `/recommend`, `/path` or `/similar` for a member needs their statuses; a burst of them
(a study group right after a talk) would otherwise queue on the database for the same few
rows. `UserViews` keeps each member's view in memory:

- concurrent requests for one member share one database read (single flight);
- this process's own writes drop the member's view at once (`forget`), or change the kept
  view in place when the write says exactly what changed (`update`: a mark in a burst of
  marks then costs no reload); either way a read already in flight when that happens is not
  kept (a generation counter), so nobody sees a state older than their own last click;
- another process's writes (a second shard process over the same database) are seen after at
  most `ttl` seconds, when the view expires;
- at most `size` members are kept; the least recently used go first.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

V = TypeVar("V")

DEFAULT_TTL_S = 30.0
DEFAULT_SIZE = 20_000


class UserViews(Generic[V]):
    def __init__(
        self,
        load: Callable[[int], Awaitable[V]],
        *,
        ttl: float = DEFAULT_TTL_S,
        size: int = DEFAULT_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._views: OrderedDict[int, tuple[float, V]] = OrderedDict()
        self._loading: dict[int, asyncio.Future[V]] = {}
        self._generation: dict[int, int] = {}

    async def get(self, user_id: int) -> V:
        found = self._views.get(user_id)
        if found is not None and self._clock() - found[0] < self._ttl:
            self._views.move_to_end(user_id)
            return found[1]
        pending = self._loading.get(user_id)
        if pending is not None:
            return await asyncio.shield(pending)
        return await self._fetch(user_id)

    async def _fetch(self, user_id: int) -> V:
        generation = self._generation.get(user_id, 0)
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._loading[user_id] = future
        try:
            view = await self._load(user_id)
        except BaseException as exc:
            if not future.done():
                future.set_exception(exc)
                future.exception()  # retrieved: waiters re-raise it, nobody else must log it
            raise
        finally:
            if self._loading.get(user_id) is future:
                del self._loading[user_id]
        if self._generation.get(user_id, 0) == generation:
            self._views[user_id] = (self._clock(), view)
            self._views.move_to_end(user_id)
            while len(self._views) > self._size:
                self._views.popitem(last=False)
        future.set_result(view)
        return view

    def update(self, user_id: int, change: Callable[[V], V]) -> None:
        """The member's state changed here, by `change`: a view kept and still fresh becomes
        `change(view)` (its age unchanged, so another process's writes are still seen within
        the TTL); anything else is forgotten."""
        found = self._views.get(user_id)
        self.forget(user_id)
        if found is not None and self._clock() - found[0] < self._ttl:
            self._views[user_id] = (found[0], change(found[1]))

    def forget(self, user_id: int) -> None:
        """The member's state changed here: the next read goes to the database."""
        self._views.pop(user_id, None)
        self._loading.pop(user_id, None)  # a read already under way may predate the write
        self._generation[user_id] = self._generation.get(user_id, 0) + 1
        if len(self._generation) > 4 * self._size:
            # A counter only matters while a read of that member is in flight.
            self._generation = {u: g for u, g in self._generation.items() if u in self._loading}

    def clear(self) -> None:
        self._views.clear()
        self._loading.clear()
        self._generation.clear()
