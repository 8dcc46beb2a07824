"""Short "why" lines for results, as arxiv-sanity shows its SVM's words: what matched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from recommender.query import ParsedQuery
from recommender.resource import Resource
from recommender.text import content_stems
from recommender.vocabulary import topic_label


class Indexed(Protocol):
    """What explaining needs of the engine: its resources, term list, surface words and rows
    (so this module does not import the engine, which imports it; an overlay engine over
    "base + server additions" answers the same)."""

    @property
    def resources(self) -> Sequence[Resource]: ...

    @property
    def terms(self) -> Sequence[str]: ...

    @property
    def surface(self) -> Mapping[str, str]: ...

    def row_terms(self, row: int) -> tuple[np.ndarray, np.ndarray]: ...


MAX_TERMS = 3


def _display(engine: Indexed, feature: str, typed: dict[str, str]) -> str:
    shown = " ".join(engine.surface.get(part, part) for part in feature.split(" "))
    return f"{shown} (for “{typed[feature]}”)" if feature in typed else shown


def _top_terms(engine: Indexed, row: int, ids: np.ndarray, weights: np.ndarray) -> list[str]:
    """Features of the row that contributed most to its score, bigrams hiding their words."""
    indices, data = engine.row_terms(row)  # sorted term ids (see build_index)
    if indices.size == 0 or ids.size == 0:
        return []
    at = np.minimum(np.searchsorted(indices, ids), indices.size - 1)
    hit = indices[at] == ids
    contribution = np.where(hit, data[at] * weights, 0.0)
    chosen: list[str] = []
    for i in np.lexsort((ids, -contribution)):
        if not hit[i]:
            break
        feature = engine.terms[int(ids[i])]
        if any(part in c.split(" ") for c in chosen for part in feature.split(" ")):
            continue
        chosen.append(feature)
        if len(chosen) == MAX_TERMS:
            break
    return chosen


def why(
    engine: Indexed,
    parsed: ParsedQuery,
    query: tuple[np.ndarray, np.ndarray],
    row: int,
    k: int,
    soft_kind: bool,
    preference: np.ndarray | None,
) -> str:
    """`matches: recurrent, lstm · topic: Recurrent networks · intermediate: few beginner`."""
    resource = engine.resources[row]
    parts: list[str] = []
    if parsed.has_terms:
        ids, weights = query
        typed = {stem: raw for raw, fixed in parsed.corrections for stem in content_stems([fixed])}
        terms = _top_terms(engine, row, ids, weights)
        if terms:
            parts.append("matches: " + ", ".join(_display(engine, t, typed) for t in terms))
    topics = [topic_label(t) for t in parsed.topics if t in resource.topics]
    if topics:
        parts.append("topic: " + ", ".join(topics[:2]))
    if preference is not None and float(preference[row]) >= 0.6:
        parts.append("like what you saved")
    if not parsed.has_terms and preference is None:
        parts.append(f"{resource.level} {resource.kind}, often recommended")
    if parsed.level and resource.level != parsed.level:
        parts.append(f"{resource.level}: fewer than {k} {parsed.level} matches")
    if parsed.kind and soft_kind and resource.kind != parsed.kind:
        parts.append(f"a {resource.kind}: fewer than {k} {parsed.kind} matches")
    return " · ".join(parts) or "related"


def shared(engine: Indexed, source: int, row: int) -> str:
    """What two resources have in common: shared topics, then the heaviest shared terms."""
    a, b = engine.resources[source], engine.resources[row]
    topics = [topic_label(t) for t in a.topics if t in b.topics]
    ids, weights = engine.row_terms(source)
    terms = _top_terms(engine, row, ids, weights)
    parts = []
    if topics:
        parts.append("topic: " + ", ".join(topics[:2]))
    if terms:
        parts.append("shares: " + ", ".join(_display(engine, t, {}) for t in terms))
    return " · ".join(parts) or "related"
