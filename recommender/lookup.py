"""Turning what a person typed (an id or a title, maybe misspelt) into one catalog resource.

Pure: catalog and text in, a `Resolution` out. An exact id or title wins outright, and so
does the only title that contains the typed words; otherwise titles are compared fuzzily
(`recommender.fuzzy`) and a match is taken only when it is good, clearly ahead of the next
one, and its words are the title's. Anything else is ambiguous or unknown, with "did you
mean" candidates, because silently picking the wrong paper to mark as read is worse than
asking.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from recommender import fuzzy
from recommender.catalog import Catalog
from recommender.resource import Resource

MIN_SCORE = fuzzy.SUGGEST
MAX_SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class Candidate:
    resource: Resource
    score: float


@dataclass(frozen=True, slots=True)
class Resolution:
    """`resource` when the text names one resource; else the best `candidates` (maybe none)."""

    query: str
    resource: Resource | None
    candidates: tuple[Candidate, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.resource is None and bool(self.candidates)

    def message(self) -> str:
        """What to tell the person when there is no single answer."""
        if self.resource is not None:
            return f"{self.query!r} is {self.resource.id} ({self.resource.title})"
        if not self.query.strip():
            return "give a resource id or title"
        if not self.candidates:
            return f"no resource matches {self.query!r} (give its id, or more of its title)"
        options = "; ".join(f"{c.resource.id} ({c.resource.title})" for c in self.candidates)
        return f"{self.query!r} matches several resources; did you mean: {options}?"


class ResolveError(ValueError):
    """Raised by `resolve` when the text does not name exactly one resource."""

    def __init__(self, resolution: Resolution) -> None:
        super().__init__(resolution.message())
        self.resolution = resolution


normalize = fuzzy.normalize


@functools.lru_cache(maxsize=8)
def _titles(catalog: Catalog) -> dict[str, str]:
    """Every title, normalised once per catalog (a catalog never changes)."""
    return titles_of(catalog.resources)


def titles_of(resources: Iterable[Resource]) -> dict[str, str]:
    """id → normalised title, in the resources' order (what `lookup_in` compares against)."""
    return {r.id: normalize(r.title) for r in resources}


@functools.lru_cache(maxsize=4096)
def lookup(catalog: Catalog, text: str, *, limit: int = MAX_SUGGESTIONS) -> Resolution:
    """Resolve `text` (an id or a title) against the catalog; never raises. Pure, so a
    repeated text (everyone marking the paper just discussed) is resolved once."""
    return lookup_in(catalog.by_id, _titles(catalog), text, limit=limit)


def lookup_in(
    by_id: Callable[[str], Resource | None],
    titles: Mapping[str, str],
    text: str,
    *,
    limit: int = MAX_SUGGESTIONS,
) -> Resolution:
    """`lookup` over any collection of resources: `by_id` finds one by id (or former id),
    `titles` maps each id to its normalised title (`titles_of`), in the order that breaks
    ties. A server's overlay (overlay.py) resolves over the catalog and its additions so."""
    query = text.strip()
    if not query:
        return Resolution(text, None)
    exact = by_id(query) or by_id(query.lower())
    if exact is not None:
        return Resolution(text, exact)
    wanted = normalize(query)
    if not wanted:
        return Resolution(text, None)

    def resource(rid: str) -> Resource:
        found = by_id(rid)
        assert found is not None, rid  # every key of `titles` is an id
        return found

    same = [resource(rid) for rid, title in titles.items() if title == wanted]
    if len(same) == 1:
        return Resolution(text, same[0])
    if len(same) > 1:
        return Resolution(text, None, tuple(Candidate(r, 100.0) for r in same[:limit]))
    containing = [
        resource(rid) for rid, title in titles.items() if len(wanted) >= 4 and wanted in title
    ]
    if len(containing) == 1:
        return Resolution(text, containing[0])
    scored = fuzzy.ranked(wanted, titles, cutoff=fuzzy.SUGGEST, limit=max(limit, 2))
    candidates = tuple(Candidate(resource(rid), score) for rid, score in scored)
    if containing:
        # Several titles contain the words: those are the sensible suggestions, best first.
        ids = {r.id for r in containing}
        ranked = [c for c in candidates if c.resource.id in ids]
        ranked += [
            Candidate(r, 100.0) for r in containing if r.id not in {c.resource.id for c in ranked}
        ]
        return Resolution(text, None, tuple(ranked[:limit]))
    if candidates and fuzzy.clearly_best([c.score for c in candidates]):
        best = candidates[0]
        # WRatio also rewards a few typed words found among others: act only when the
        # typed words are the title's.
        if fuzzy.covers(wanted, titles[best.resource.id]):
            return Resolution(text, best.resource)
    return Resolution(text, None, candidates[:limit])


def resolve(catalog: Catalog, text: str) -> Resource:
    """The one resource `text` names; ResolveError (with suggestions) otherwise."""
    resolution = lookup(catalog, text)
    if resolution.resource is None:
        raise ResolveError(resolution)
    return resolution.resource
