"""Learning paths: basics first, then the topic from beginner to advanced.

A path is short on purpose (a few resources per level): a study group reads it in order. Each
resource's own `prerequisites` are pulled in and placed before it; the rest is ordered by level
and, within a level, by relevance, with a topological sort so that no resource comes before
something it names as a prerequisite.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from recommender.index import top_rows
from recommender.query import ParsedQuery
from recommender.resource import Resource
from recommender.results import LearningPath, PathStep
from recommender.text import words
from recommender.vocabulary import LEVELS, TOPIC_PREREQUISITES, TOPICS, topic_label

if TYPE_CHECKING:
    from recommender.engine import Engine

PER_LEVEL = 3
MAX_PREREQUISITES = 4
MIN_SCORE = 0.02
TOPIC_LABEL_MATCH = 86
"""rapidfuzz WRatio a query needs against a topic label when it names no topic term."""


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


def resolve_topic(engine: Engine, parsed: ParsedQuery, scores: np.ndarray) -> str | None:
    """The topic a path is about: among topics the words name, the one best results share."""
    candidates = list(parsed.topics)
    if not candidates:
        labels = {t.label: t.slug for t in TOPICS}
        hit = process.extractOne(parsed.text, list(labels), scorer=fuzz.WRatio)
        return labels[hit[0]] if hit and hit[1] >= TOPIC_LABEL_MATCH else None
    top = top_rows(scores, np.flatnonzero(scores > MIN_SCORE), 10)
    counts = {slug: int(engine.topic_rows[slug][top].sum()) for slug in candidates}
    return max(candidates, key=lambda slug: (counts[slug], -candidates.index(slug)))


def plan_path(engine: Engine, topic: str) -> LearningPath:
    """The topic's members ranked by relevance, after one beginner resource for each of the
    topic's prerequisite topics; without a known topic, the search results stand in."""
    parsed = engine.parse(topic)
    if not parsed.has_terms:
        return LearningPath(parsed.text, None, ())
    scores = engine.text_scores(parsed)
    slug = resolve_topic(engine, parsed, scores)
    key = scores + 0.05 * engine.index.prior
    if slug is not None:
        members = np.flatnonzero(engine.topic_rows[slug])
    else:
        # Without a known topic the search results stand in, but only those that contain at
        # least half of the query's own words: a path built on a stray word is worse than none.
        members = np.array(
            [
                r
                for r in np.flatnonzero(scores > MIN_SCORE)
                if engine.coverage(parsed, int(r)) >= 0.5
            ],
            dtype=np.int64,
        )
    ranked = [int(r) for r in top_rows(key, members, len(members))]
    basics: list[tuple[int, str]] = []
    used = set(ranked[:PER_LEVEL])
    for pre in TOPIC_PREREQUISITES.get(slug or "", ()):
        beginners = np.flatnonzero(engine.topic_rows[pre] & (engine.index.levels == 0))
        pick = [int(r) for r in top_rows(engine.index.prior, beginners, 3) if int(r) not in used]
        if pick:
            used.add(pick[0])
            basics.append((pick[0], topic_label(pre)))
    label = topic_label(slug) if slug else " ".join(words(parsed.text))
    steps = learning_path(engine.resources, ranked, basics, engine.row, label)
    return LearningPath(parsed.text, slug, steps)
