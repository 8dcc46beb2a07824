"""What the bot loaded at startup is exempt from garbage collection; later objects are not."""

from __future__ import annotations

import gc

from bot.discord.heap import THRESHOLDS, collect_less_often, freeze_startup_heap


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_startup_objects_are_frozen_and_later_garbage_is_still_collected() -> None:
    kept = Node()
    try:
        frozen = freeze_startup_heap()
        assert frozen == gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())  # exempt: not tracked any more
        later = Node()
        assert any(o is later for o in gc.get_objects())
        del later
        assert gc.collect() >= 1  # the new cycle is still freed
    finally:
        gc.unfreeze()


def test_the_running_bot_collects_less_often() -> None:
    defaults = gc.get_threshold()
    try:
        collect_less_often()
        assert gc.get_threshold() == THRESHOLDS
        assert all(mine >= theirs for mine, theirs in zip(THRESHOLDS, defaults, strict=True))
    finally:
        gc.set_threshold(*defaults)
