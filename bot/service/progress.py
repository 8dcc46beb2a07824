"""A user's progress, computed from their entries and the catalog: pure functions, no I/O.

Kept apart from the service so the arithmetic (streaks across time zones, a learning path's
completion) is tested directly with hand-made entries. The path itself is the recommender's
one learning path (`Engine.path`), chosen by the service.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from bot.service.entries import ReadingEntry
from recommender.catalog import Catalog
from recommender.resource import Resource
from recommender.vocabulary import LEVELS, topic_label

STATUS_ORDER = ("reading", "saved", "done", "dismissed")


@dataclass(frozen=True, slots=True)
class StatusCounts:
    saved: int = 0
    reading: int = 0
    done: int = 0
    dismissed: int = 0


@dataclass(frozen=True, slots=True)
class TopicProgress:
    topic: str
    label: str
    done: int
    in_progress: int
    total: int


@dataclass(frozen=True, slots=True)
class LevelProgress:
    level: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class PathStep:
    resource_id: str
    title: str
    level: str
    status: str | None


@dataclass(frozen=True, slots=True)
class PathProgress:
    """A learning path (a topic's resources easiest first, or a resource and its prerequisites)."""

    name: str
    steps: tuple[PathStep, ...]

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.status == "done")

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def percent(self) -> float:
        return round(100.0 * self.done / self.total, 1) if self.steps else 0.0

    @property
    def next_step(self) -> PathStep | None:
        return next((s for s in self.steps if s.status not in ("done", "dismissed")), None)


@dataclass(frozen=True, slots=True)
class Streak:
    """Consecutive days (in the user's time zone) with at least one resource finished.

    `current` still counts when today has nothing yet but yesterday had: the day is not over.
    """

    current: int = 0
    longest: int = 0
    last_day: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    user_id: int
    counts: StatusCounts
    by_topic: tuple[TopicProgress, ...]
    by_level: tuple[LevelProgress, ...]
    streak: Streak
    recent: tuple[ReadingEntry, ...]
    catalog_size: int
    mean_rating: float | None
    path: PathProgress | None = None


def count_statuses(entries: Iterable[ReadingEntry]) -> StatusCounts:
    counts = Counter(e.status for e in entries)
    return StatusCounts(counts["saved"], counts["reading"], counts["done"], counts["dismissed"])


def streak(days: Iterable[dt.date], today: dt.date) -> Streak:
    """Current and longest runs of consecutive days among `days`."""
    unique = sorted(set(days))
    if not unique:
        return Streak()
    longest = run = 1
    for before, after in pairwise(unique):
        run = run + 1 if (after - before).days == 1 else 1
        longest = max(longest, run)
    last = unique[-1]
    current = 0
    if (today - last).days <= 1:
        present = set(unique)
        day = last
        while day in present:
            current += 1
            day -= dt.timedelta(days=1)
    return Streak(current, longest, last)


def done_days(entries: Iterable[ReadingEntry], tz: dt.tzinfo) -> list[dt.date]:
    return [e.done_at.astimezone(tz).date() for e in entries if e.status == "done" and e.done_at]


def path_progress(
    name: str, resources: Sequence[Resource], entries: Iterable[ReadingEntry]
) -> PathProgress:
    """Completion of a learning path (the service's one path for a topic or a resource)."""
    status = {e.resource_id: e.status for e in entries}
    steps = tuple(PathStep(r.id, r.title, r.level, status.get(r.id)) for r in resources)
    return PathProgress(name, steps)


@lru_cache(maxsize=4)
def catalog_totals(catalog: Catalog) -> tuple[Counter[str], Counter[str]]:
    """Resources per topic and per level; cached because the catalog is immutable."""
    return Counter(t for r in catalog for t in r.topics), Counter(r.level for r in catalog)


def compute_progress(
    user_id: int,
    entries: Sequence[ReadingEntry],
    catalog: Catalog,
    *,
    today: dt.date,
    tz: dt.tzinfo,
    path: tuple[str, Sequence[Resource]] | None = None,
    recent: int = 10,
) -> Progress:
    """Everything `progress` shows, from a user's entries (any order) and the catalog."""
    done = [e.resource for e in entries if e.status == "done" and e.resource is not None]
    active = [
        e.resource for e in entries if e.status in ("saved", "reading") and e.resource is not None
    ]
    topic_total, level_total = catalog_totals(catalog)
    topic_done = Counter(t for r in done for t in r.topics)
    topic_active = Counter(t for r in active for t in r.topics)
    touched = set(topic_done) | set(topic_active)
    by_topic = tuple(
        sorted(
            (
                TopicProgress(t, topic_label(t), topic_done[t], topic_active[t], topic_total[t])
                for t in touched
            ),
            key=lambda p: (-p.done, -p.in_progress, p.label),
        )
    )
    level_done = Counter(r.level for r in done)
    by_level = tuple(LevelProgress(lv, level_done[lv], level_total[lv]) for lv in LEVELS)
    ratings = [e.rating for e in entries if e.rating is not None]
    latest = sorted(entries, key=lambda e: (e.updated_at, e.resource_id), reverse=True)
    return Progress(
        user_id=user_id,
        counts=count_statuses(entries),
        by_topic=by_topic,
        by_level=by_level,
        streak=streak(done_days(entries, tz), today),
        recent=tuple(latest[:recent]),
        catalog_size=len(catalog),
        mean_rating=round(sum(ratings) / len(ratings), 2) if ratings else None,
        path=path_progress(path[0], path[1], entries) if path else None,
    )
