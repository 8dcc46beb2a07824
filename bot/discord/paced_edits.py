"""Expired lists shown as expired, at a steady pace behind the members' answers.

A /recommend list stops listening `ListeningView.IDLE_S` after it was last shown, and its
message is then edited with every control disabled. Lists are made in bursts (a study group
asks at once), so they expire in bursts too: the 200 lists of one burst expire within the same
second three minutes later, and sent at once their 200 edits took the event loop (and the
connection to Discord) from whatever members were asking at that moment. In bench/bot.py such
a wave landed inside later bursts of answers, which then carried 400 requests instead of 200.

The edit is cosmetic: a stopped list is stopped at once, and a click on it is answered "this
list has expired" whether or not its message shows that yet. So the edits wait their turn in
one queue per bot and go out one at a time, at most `EDITS_PER_S` a second: a wave of 200
takes ten seconds, and the loop spends at most a fiftieth of its time on it meanwhile.
An edit that fails is logged and the next one goes on; one with nothing to send (its token too
old to edit with) takes no turn; closing the bot drops what is left (the next start answers
clicks on old lists as expired). A queue longer than `MAX_QUEUED` drops its oldest: at the pace
they could not go out while their tokens live anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

EDITS_PER_S = 20.0
"""At most this many expiry edits a second: a wave of a few hundred is done in well under a
minute, and each edit costs the loop under a millisecond, so the pace costs it 2% at most."""

MAX_QUEUED = 12_000
"""Edits kept waiting at most: what the pace sends in the ten minutes an expired list's token
still has (Discord's 15 minutes from its last showing, less the 3 before it expired, less a
margin)."""

Edit = Callable[[], Awaitable[bool]]
"""Sends one edit; False when there was nothing to send (no request made)."""


class PacedEdits:
    """Edits sent one after another, no more than `per_s` a second, each after the previous
    one finished; the queue's worker runs only while there is something to send."""

    def __init__(self, per_s: float = EDITS_PER_S, *, max_queued: int = MAX_QUEUED) -> None:
        if per_s <= 0 or max_queued <= 0:
            raise ValueError("per_s and max_queued must be positive")
        self.per_s = per_s
        self._queue: deque[Edit] = deque(maxlen=max_queued)
        self._worker: asyncio.Task[None] | None = None
        self._closed = False

    def __len__(self) -> int:
        return len(self._queue)

    def add(self, edit: Edit) -> None:
        """Queue `edit` (a coroutine function); ignored once closed. A full queue drops its
        oldest edit for this one."""
        if self._closed:
            return
        if len(self._queue) == self._queue.maxlen:
            log.debug("expiry edits: %d waiting, the oldest dropped", len(self._queue))
        self._queue.append(edit)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(
                self._drain(), name="deepread-expiry-edits"
            )

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        gap = 1.0 / self.per_s
        while self._queue:
            started = loop.time()
            edit = self._queue.popleft()
            try:
                sent = await edit()
            except Exception:
                log.warning("an expiry edit failed; going on with the next", exc_info=True)
                sent = True  # it may have reached Discord: it takes its turn
            if sent:
                await asyncio.sleep(max(0.0, gap - (loop.time() - started)))

    async def close(self) -> None:
        """Drop what is queued and stop the worker."""
        self._closed = True
        self._queue.clear()
        worker, self._worker = self._worker, None
        if worker is not None and not worker.done():
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
