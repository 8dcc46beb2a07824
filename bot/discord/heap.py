"""Keeping the garbage collector off what the bot loaded at startup.

The catalog, the engine's index, the command tree and the libraries make a heap of a few
hundred thousand objects that live as long as the process. CPython's full (oldest-generation)
collection walks every one of them, and a burst of interactions allocates enough to trigger
one: measured in a burst of 200 /paper, one such collection took about 160 ms of the event
loop, as much as all the answers' own work. `gc.freeze` (the documented way) moves what exists
now to a permanent generation that collections skip; what is made later (answers, views,
caches) is collected as usual. The price is that a frozen object that later becomes cyclic
garbage is never freed, which is why this runs once, after startup, on objects meant to stay.

What remains is the young generations: at CPython's default thresholds (700, 10, 10) a burst
of 200 list selections ran some 70 collections, 15-40 ms of the loop; at `THRESHOLDS` about
ten, 6-8 ms. Cyclic garbage then waits a few thousand allocations longer to be freed, which
is nothing next to the heap.
"""

from __future__ import annotations

import gc

THRESHOLDS = (5000, 20, 40)
"""Collection thresholds for the running bot (CPython's defaults are 700, 10, 10)."""


def freeze_startup_heap() -> int:
    """Collect what startup left behind, then exempt the survivors from future collections;
    the number of objects frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def collect_less_often() -> None:
    """Fewer, larger young collections (see `THRESHOLDS`)."""
    gc.set_threshold(*THRESHOLDS)
