"""The queue that shows expired lists as expired: in order, paced, never stopped by a failure."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable

import pytest

from bot.discord.paced_edits import PacedEdits


def recorder(
    log: list[tuple[str, float]], name: str, *, fail: bool = False, sends: bool = True
) -> Callable[[], Awaitable[bool]]:
    async def edit() -> bool:
        log.append((name, asyncio.get_running_loop().time()))
        if fail:
            raise RuntimeError(f"{name} failed")
        return sends

    return edit


async def wait_until_empty(edits: PacedEdits, log: list[tuple[str, float]], count: int) -> None:
    async with asyncio.timeout(5):
        while len(log) < count or len(edits):
            await asyncio.sleep(0.005)


async def test_edits_go_out_in_order_no_faster_than_the_rate() -> None:
    edits, log = PacedEdits(per_s=50), list[tuple[str, float]]()  # at least 20 ms apart
    for i in range(6):
        edits.add(recorder(log, f"e{i}"))
    assert len(edits) >= 5  # queued, not sent at once
    await wait_until_empty(edits, log, 6)
    assert [name for name, _ in log] == [f"e{i}" for i in range(6)]
    gaps = [b - a for (_, a), (_, b) in itertools.pairwise(log)]
    assert min(gaps) >= 0.018
    await edits.close()


async def test_a_failed_edit_is_logged_and_the_next_ones_still_go(
    caplog: pytest.LogCaptureFixture,
) -> None:
    edits, log = PacedEdits(per_s=200), list[tuple[str, float]]()
    edits.add(recorder(log, "first", fail=True))
    edits.add(recorder(log, "second"))
    with caplog.at_level(logging.WARNING, logger="bot.discord.paced_edits"):
        await wait_until_empty(edits, log, 2)
    assert [name for name, _ in log] == ["first", "second"]
    assert "expiry edit failed" in caplog.text
    await edits.close()


async def test_the_worker_starts_again_for_edits_queued_after_it_finished() -> None:
    edits, log = PacedEdits(per_s=200), list[tuple[str, float]]()
    edits.add(recorder(log, "early"))
    await wait_until_empty(edits, log, 1)
    await asyncio.sleep(0.02)  # the worker has run out of work and ended
    edits.add(recorder(log, "late"))
    await wait_until_empty(edits, log, 2)
    assert [name for name, _ in log] == ["early", "late"]
    await edits.close()


async def test_closing_drops_what_is_queued_and_ignores_later_edits() -> None:
    # 100 ms apart: when it closes, all but the first are still queued
    edits, log = PacedEdits(per_s=10), list[tuple[str, float]]()
    for i in range(5):
        edits.add(recorder(log, f"e{i}"))
    await asyncio.sleep(0.02)
    await edits.close()
    edits.add(recorder(log, "after close"))
    await asyncio.sleep(0.15)
    assert [name for name, _ in log] == ["e0"]
    assert len(edits) == 0


async def test_an_edit_with_nothing_to_send_takes_no_turn() -> None:
    edits, log = PacedEdits(per_s=5), list[tuple[str, float]]()  # 200 ms a turn
    for i in range(4):
        edits.add(recorder(log, f"stale{i}", sends=False))
    edits.add(recorder(log, "live"))
    await wait_until_empty(edits, log, 5)
    assert log[-1][1] - log[0][1] < 0.1  # no 800 ms of turns for four stale tokens
    await edits.close()


async def test_a_full_queue_drops_its_oldest_edits() -> None:
    edits, log = PacedEdits(per_s=1000, max_queued=3), list[tuple[str, float]]()
    for i in range(5):  # queued before the worker first runs
        edits.add(recorder(log, f"e{i}"))
    assert len(edits) == 3
    await wait_until_empty(edits, log, 3)
    assert [name for name, _ in log] == ["e2", "e3", "e4"]
    await edits.close()


def test_a_rate_and_a_bound_must_be_positive() -> None:
    with pytest.raises(ValueError):
        PacedEdits(per_s=0)
    with pytest.raises(ValueError):
        PacedEdits(max_queued=0)
