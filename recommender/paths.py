"""Learning paths: basics first, then the topic from beginner to advanced.

A path is short on purpose (a few resources per level): a study group reads it in order. Each
resource's own `prerequisites` are pulled in and placed before it; the rest is ordered by level
and, within a level, by relevance, with a topological sort so that no resource comes before
something it names as a prerequisite.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from recommender import fuzzy
from recommender.index import top_rows
from recommender.query import ParsedQuery
from recommender.resource import Resource
from recommender.results import PathStep
from recommender.vocabulary import LEVELS, TOPICS

PER_LEVEL = 3
MAX_PREREQUISITES = 4
MIN_SCORE = 0.02


def _shorten(title: str, limit: int = 48) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def learning_path(
    resources: Sequence[Resource],
    ranked_members: Sequence[int],
    basics: Sequence[tuple[int, str]],
    by_id: Mapping[str, int],
    topic_label: str,
    per_level: int = PER_LEVEL,
) -> tuple[PathStep, ...]:
    """Order a path from rows: `ranked_members` (best first), `basics` as (row, topic label)."""
    chosen: list[int] = []
    for level in LEVELS:
        chosen += [r for r in ranked_members if resources[r].level == level][:per_level]
    reasons = {r: f"{resources[r].level} reading on {topic_label}" for r in chosen}
    added = 0
    queue = list(chosen)
    while queue and added < MAX_PREREQUISITES:
        row = queue.pop(0)
        for pid in resources[row].prerequisites:
            pre = by_id.get(pid)
            if pre is None or pre in reasons:
                continue
            reasons[pre] = f"prerequisite of “{_shorten(resources[row].title)}”"
            chosen.append(pre)
            queue.append(pre)
            added += 1
    steps = [
        PathStep(resources[row], "basics", f"basics: {label}")
        for row, label in basics
        if row not in reasons
    ]
    rank = {row: i for i, row in enumerate(chosen)}
    inside = set(chosen)
    needs = {
        r: {by_id[p] for p in resources[r].prerequisites if by_id.get(p) in inside} for r in chosen
    }
    needs = {r: deps - {r} for r, deps in needs.items()}
    ready = [(LEVELS.index(resources[r].level), rank[r], r) for r in chosen if not needs[r]]
    heapq.heapify(ready)
    done: set[int] = set()
    while ready:
        _, _, row = heapq.heappop(ready)
        done.add(row)
        steps.append(PathStep(resources[row], resources[row].level, reasons[row]))
        for other in chosen:
            if other not in done and row in needs[other]:
                needs[other].discard(row)
                if not needs[other]:
                    heapq.heappush(
                        ready, (LEVELS.index(resources[other].level), rank[other], other)
                    )
    # A prerequisite cycle (a catalog mistake) must not lose resources: append what is left.
    steps += [
        PathStep(resources[r], resources[r].level, reasons[r]) for r in chosen if r not in done
    ]
    return tuple(steps)


def resolve_topic(
    parsed: ParsedQuery, scores: np.ndarray, topic_rows: Mapping[str, np.ndarray]
) -> str | None:
    """The topic a path is about: among topics the words name, the one best results share."""
    candidates = list(parsed.topics)
    if not candidates:
        labels = [t.label for t in TOPICS]
        hit = fuzzy.best(parsed.text, labels, cutoff=fuzzy.TOPIC_LABEL)
        return TOPICS[hit[0]].slug if hit else None
    top = top_rows(scores, np.flatnonzero(scores > MIN_SCORE), 10)
    counts = {slug: int(topic_rows[slug][top].sum()) for slug in candidates}
    return max(candidates, key=lambda slug: (counts[slug], -candidates.index(slug)))


def prerequisite_path(
    resources: Sequence[Resource], by_id: Mapping[str, int], row: int
) -> tuple[PathStep, ...]:
    """A resource's path: its prerequisites (transitively), each before what needs it, then
    the resource itself."""
    ordered: list[int] = []
    placed: set[int] = set()
    visiting: set[int] = set()

    def place(r: int) -> None:
        if r in placed or r in visiting:
            return  # a cycle cannot come from a valid catalog; stop rather than loop
        visiting.add(r)
        for pid in resources[r].prerequisites:
            if pid in by_id:
                place(by_id[pid])
        visiting.discard(r)
        placed.add(r)
        ordered.append(r)

    place(row)
    target = _shorten(resources[row].title)
    return tuple(
        PathStep(
            resources[r],
            resources[r].level,
            "the resource itself" if r == row else f"leads to “{target}”",
        )
        for r in ordered
    )


def frontier(
    resources: Sequence[Resource],
    by_id: Mapping[str, int],
    finished: Iterable[str],
    hidden: Iterable[str] = (),
) -> list[tuple[int, tuple[int, ...]]]:
    """The learning frontier over the prerequisites paths use: (row, prerequisite rows) of
    every resource not finished nor hidden that names at least one prerequisite in the
    catalog and whose prerequisites in the catalog are all finished. Easiest level first,
    then those unlocked by more of what was finished, then catalog order.

    Ids may be former ids (`by_id` maps them); prerequisites outside the catalog are
    ignored, as `prerequisite_path` ignores them.
    """
    done = {by_id[f] for f in finished if f in by_id}
    skip = done | {by_id[h] for h in hidden if h in by_id}
    ready: list[tuple[int, tuple[int, ...]]] = []
    for row, resource in enumerate(resources):
        if row in skip:
            continue
        needs = tuple(dict.fromkeys(by_id[p] for p in resource.prerequisites if p in by_id))
        needs = tuple(r for r in needs if r != row)
        if needs and all(r in done for r in needs):
            ready.append((row, needs))
    ready.sort(key=lambda item: (_level_rank(resources[item[0]].level), -len(item[1]), item[0]))
    return ready


def starting_points(
    resources: Sequence[Resource], by_id: Mapping[str, int], hidden: Iterable[str] = ()
) -> list[int]:
    """Rows to start from with nothing finished: beginner resources that need nothing,
    those that more of the catalog builds on first (they open the most), then catalog order."""
    skip = {by_id[h] for h in hidden if h in by_id}
    opens: dict[int, int] = {}
    for resource in resources:
        for pid in resource.prerequisites:
            if pid in by_id:
                opens[by_id[pid]] = opens.get(by_id[pid], 0) + 1
    rows = [
        row
        for row, resource in enumerate(resources)
        if row not in skip
        and resource.level == LEVELS[0]
        and not any(p in by_id for p in resource.prerequisites)
    ]
    rows.sort(key=lambda row: (-opens.get(row, 0), row))
    return rows


def _level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)
