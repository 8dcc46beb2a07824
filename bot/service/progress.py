"""A user's progress, computed from their entries and the catalog: pure functions, no I/O.

Kept apart from the service so the arithmetic (streaks across time zones, learning paths
ordered by prerequisites) is tested directly with hand-made entries.
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
from recommender.vocabulary import LEVELS, TOPIC_SLUGS, topic_label

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


class PathError(ValueError):
    """A learning path name that is neither a topic nor a resource id."""


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


def learning_path(catalog: Catalog, name: str) -> list[Resource]:
    """Resources of a path, in reading order.

    A topic slug gives the topic's resources easiest first; a resource id gives its
    prerequisites (transitively) and then itself. Prerequisites always come first.
    """
    target = catalog.by_id(name)
    if target is not None:
        chosen: dict[str, Resource] = {}
        stack = [target]
        while stack:
            resource = stack.pop()
            if resource.id in chosen:
                continue
            chosen[resource.id] = resource
            stack.extend(r for p in resource.prerequisites if (r := catalog.by_id(p)) is not None)
        members = list(chosen.values())
    elif name in TOPIC_SLUGS:
        members = [r for r in catalog if name in r.topics]
    else:
        raise PathError(
            f"unknown learning path {name!r}: give a topic (e.g. {TOPIC_SLUGS[0]}) or a resource id"
        )
    position = {r.id: i for i, r in enumerate(catalog)}
    members.sort(key=lambda r: (LEVELS.index(r.level), position[r.id]))
    return _prerequisites_first(members)


def _prerequisites_first(members: Sequence[Resource]) -> list[Resource]:
    """Stable order in which every member comes after its prerequisites among the members."""
    ids = {r.id for r in members}
    placed: set[str] = set()
    ordered: list[Resource] = []
    visiting: set[str] = set()
    by_id = {r.id: r for r in members}

    def place(resource: Resource) -> None:
        if resource.id in placed or resource.id in visiting:
            return  # a cycle cannot come from a valid catalog; stop rather than loop
        visiting.add(resource.id)
        for prereq in resource.prerequisites:
            if prereq in ids:
                place(by_id[prereq])
        visiting.discard(resource.id)
        placed.add(resource.id)
        ordered.append(resource)

    for member in members:
        place(member)
    return ordered


def path_progress(
    catalog: Catalog,
    name: str,
    entries: Iterable[ReadingEntry],
    resources: Sequence[Resource] | None = None,
) -> PathProgress:
    """Completion of a path: `resources` when given (a planner's path), else `learning_path`."""
    status = {e.resource_id: e.status for e in entries}
    members = resources if resources is not None else learning_path(catalog, name)
    steps = tuple(PathStep(r.id, r.title, r.level, status.get(r.id)) for r in members)
    return PathProgress(name, steps)


def _path(
    catalog: Catalog,
    name: str | None,
    resources: Sequence[Resource] | None,
    entries: Iterable[ReadingEntry],
) -> PathProgress | None:
    return path_progress(catalog, name, entries, resources) if name else None


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
    path: str | None = None,
    path_resources: Sequence[Resource] | None = None,
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
        path=_path(catalog, path, path_resources, entries),
    )
