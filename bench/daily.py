"""Benchmark the daily-post tick: 10,000 guilds, a year of history each, one tick a minute.

Run: .venv/bin/python bench/daily.py [--guilds N] [--seed S]
Prints p50/p99/max milliseconds per tick (wall clock, and CPU time, which is what the code
costs when other processes share the cores) for what the runner does each minute (`due_slots`,
then `choose_resource` for each due guild) and for `due_slots` alone, plus the cost of
`next_post_time` and of timezone autocomplete. Target: <= 50 ms per tick.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time as clock
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

# bench/bot.py sits next to this script and would shadow the `bot` package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.daily import (
    DailySchedule,
    Frequency,
    choose_resource,
    due_slots,
    is_post_day,
    local_date,
    next_post_time,
    slot_for,
    timezone_choices,
)
from bot.daily.clock import wall_slot
from bot.daily.parsing import timezone_names
from recommender.vocabulary import LEVELS

START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
TOPICS = ("transformers", "cnn", "rl", "optimization", "generative", None)
RESOURCES = [f"res-{i:04d}" for i in range(400)]


def build_schedules(rng: random.Random, count: int) -> list[DailySchedule]:
    zones = sorted(timezone_names())
    frequencies = [Frequency.DAILY] * 6 + [Frequency.WEEKDAYS] * 3 + [Frequency.WEEKLY]
    return [
        DailySchedule(
            guild_id=guild_id,
            channel_id=guild_id * 100,
            post_time=time(rng.randrange(24), rng.randrange(60)),
            timezone=rng.choice(zones),
            frequency=rng.choice(frequencies),
            weekday=rng.randrange(7),
            topic=rng.choice(TOPICS),
            level=rng.choice((*LEVELS, None)),
            enabled=rng.random() > 0.02,
        )
        for guild_id in range(1, count + 1)
    ]


def candidate_lists(rng: random.Random) -> dict[tuple[str | None, str | None], list[str]]:
    lists = {}
    for topic in TOPICS:
        for level in (*LEVELS, None):
            size = rng.randint(20, 150)
            lists[(topic, level)] = rng.sample(RESOURCES, size)
    return lists


def post_days(schedule: DailySchedule) -> list[date]:
    """A year of post days, up to the last slot already passed at START."""
    today = local_date(START, schedule.timezone)
    days = [today - timedelta(days=n) for n in range(365, 0, -1)]
    days = [d for d in days if is_post_day(schedule, d)]
    slot = slot_for(schedule, today)
    if slot is not None and slot <= START:
        days.append(today)
    return days


@dataclass(frozen=True, slots=True)
class History:
    """A guild's newest claimed local date and what it was sent, oldest first (what the
    runner keeps in memory and reads from the post log)."""

    last_local_date: date | None = None
    posted: tuple[str, ...] = ()

    def with_post(self, local_date: date, resource_id: str | None) -> History:
        posted = self.posted if resource_id is None else (*self.posted, resource_id)
        return History(local_date, posted)


def build_history(
    rng: random.Random,
    schedules: Sequence[DailySchedule],
    candidates: Mapping[tuple[str | None, str | None], list[str]],
) -> tuple[dict[int, History], int]:
    history: dict[int, History] = {}
    rows = 0
    for schedule in schedules:
        days = post_days(schedule)
        pool = candidates[(schedule.topic, schedule.level)]
        posted = tuple(rng.choice(pool) for _ in days)
        history[schedule.guild_id] = History(days[-1] if days else None, posted)
        rows += len(days)
    return history, rows


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):6.2f} ms  p99 {p99:6.2f} ms  max {ordered[-1]:6.2f} ms"


def timed(fn: Callable[[], object]) -> float:
    began = clock.perf_counter()
    fn()
    return (clock.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guilds", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after setup, as a bot may"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)

    began = clock.perf_counter()
    schedules = build_schedules(rng, args.guilds)
    candidates = candidate_lists(rng)
    history, rows = build_history(rng, schedules, candidates)
    reads = {
        s.guild_id: {rid: rng.randrange(30) for rid in rng.sample(RESOURCES, 40)} for s in schedules
    }
    print(
        f"setup: {len(schedules)} guilds, {rows:,} history rows, "
        f"{len({s.timezone for s in schedules})} timezones "
        f"({clock.perf_counter() - began:.1f} s)"
    )

    def candidates_for(schedule: DailySchedule) -> list[str]:
        return candidates[(schedule.topic, schedule.level)]

    wall_slot.cache_clear()  # the first tick below starts cold, as after a restart
    if args.gc_freeze:
        gc.freeze()  # setup objects are long-lived; keep the collector from re-scanning them
    tick_ms: list[float] = []
    cpu_ms: list[float] = []
    slots_ms: list[float] = []
    posted_today: dict[int, date] = {}
    due_counts: list[int] = []
    for minute in range(24 * 60):
        now = START + timedelta(minutes=minute)
        began, began_cpu = clock.perf_counter(), clock.process_time()
        last = {g: h.last_local_date for g, h in history.items() if h.last_local_date}
        posts = [
            (
                slot,
                choose_resource(
                    candidates_for(slot.schedule),
                    history[slot.schedule.guild_id].posted,
                    reads[slot.schedule.guild_id],
                ),
            )
            for slot in due_slots(now, schedules, last)
        ]
        tick_ms.append((clock.perf_counter() - began) * 1000)
        cpu_ms.append((clock.process_time() - began_cpu) * 1000)
        slots_ms.append(timed(lambda now=now, last=last: due_slots(now, schedules, last)))
        due_counts.append(len(posts))
        for slot, resource_id in posts:
            guild_id, day = slot.schedule.guild_id, slot.local_date
            if posted_today.get(guild_id) == day:
                raise SystemExit(f"guild {guild_id} posted twice for {day}")
            posted_today[guild_id] = day
            history[guild_id] = history[guild_id].with_post(day, resource_id)

    print(
        f"simulated day: {len(tick_ms)} ticks, {sum(due_counts):,} posts, "
        f"max {max(due_counts)} due in one tick"
    )
    print(f"first (cold) tick, resolves every guild's slot: {tick_ms[0]:.1f} ms")
    print(f"due_slots + choose per warm tick:    {percentiles(tick_ms[1:])}")
    print(f"  same, CPU time of this process:        {percentiles(cpu_ms[1:])}")
    print(f"due_slots per warm tick (tick only):     {percentiles(slots_ms[1:])}")
    verdict = "OK" if statistics.quantiles(tick_ms[1:], n=100)[98] <= 50 else "OVER"
    print(f"target <= 50 ms per tick (p99): {verdict}")

    now = START + timedelta(hours=12)
    status_ms = timed(
        lambda: [next_post_time(s, now, history[s.guild_id].last_local_date) for s in schedules]
    )
    print(
        f"next_post_time for all guilds: {status_ms:.1f} ms "
        f"({status_ms / len(schedules) * 1000:.1f} us each)"
    )

    queries = ["", "b", "ber", "berlin", "new york", "america/", "kolk", "berln", "pacific"]
    auto = [timed(lambda q=q: timezone_choices(q)) for q in queries * 5]
    print(f"timezone_choices: {percentiles(auto)}")


if __name__ == "__main__":
    main()
