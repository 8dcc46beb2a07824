"""Uniting the mentions of one resource across documents.

Two mentions are the same resource when (1) their URLs are the same after normalisation,
(2) their titles are the same after normalisation (case, punctuation, spaces and hyphens
dropped), (3) the curation's alias table names both, or (4) the align step paired them as the
same item of the two copies of one post. The relation is closed transitively (union-find).

A shared URL is not trusted blindly: 000 links "Deep Recursive Neural Networks for
Compositionality in Language" to the Tree-LSTM paper's PDF. A URL joins two mentions only
when their titles could name the same thing (one is missing, or they are similar).

Each field of the merged entry comes from the best document that has it, in an order per
field: URLs from the Markdown pages first (003's URLs lost their hyphens), descriptions from
004 first (the clean abstracts), authors from the pages and the guide (full names) before
the post (initials); the guide alone rates difficulty.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recommender import fuzzy
from recommender.ingest.mention import Mention
from recommender.ingest.text import squash, title_key
from recommender.ingest.urls import url_key
from recommender.resource import SourceRef


@dataclass(frozen=True, slots=True)
class Alias:
    """One resource known under several names or links (from the curation file)."""

    name: str
    titles: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FieldOrder:
    """Document names, best first, for each merged field; unlisted documents come last."""

    title: tuple[str, ...] = ()
    url: tuple[str, ...] = ()
    description: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MergedEntry:
    """The mentions of one resource and the fields chosen from them."""

    mentions: tuple[Mention, ...]
    title: str | None
    url: str | None
    url_lossy: bool
    authors: tuple[str, ...]
    authors_complete: bool
    year: int | None
    description: str | None
    description_document: str | None
    stars: int | None
    kinds: tuple[str, ...]
    chapter: str | None
    alias: str | None
    sources: tuple[SourceRef, ...]


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def titles_compatible(a: str | None, b: str | None) -> bool:
    """Whether two titles could name one resource (used to distrust a shared URL)."""
    if a is None or b is None or title_key(a) == title_key(b):
        return True
    return fuzzy.same_text(squash(a).lower(), squash(b).lower(), threshold=fuzzy.SHARED_URL_TITLE)


def _join_by_url(uf: _UnionFind, members: list[int], mentions: Sequence[Mention]) -> None:
    """Join the mentions of one URL, except titles that cannot name the same thing.

    Titled mentions form clusters of compatible titles; untitled mentions join the cluster
    only when there is exactly one, since with two they could belong to either.
    """
    clusters: list[list[int]] = []
    untitled = [i for i in members if not mentions[i].title]
    for index in (i for i in members if mentions[i].title):
        for cluster in clusters:
            if titles_compatible(mentions[index].title, mentions[cluster[0]].title):
                cluster.append(index)
                break
        else:
            clusters.append([index])
    for cluster in clusters:
        for other in cluster[1:]:
            uf.union(cluster[0], other)
    anchor = clusters[0][0] if len(clusters) == 1 else None
    for index in untitled:
        uf.union(index, anchor if anchor is not None else untitled[0])


def _alias_keys(aliases: Sequence[Alias]) -> list[tuple[set[str], set[str]]]:
    return [({title_key(t) for t in a.titles}, {url_key(u) for u in a.urls}) for a in aliases]


def _alias_index(mention: Mention, keys: list[tuple[set[str], set[str]]]) -> int | None:
    tkey = title_key(mention.title) if mention.title else None
    ukey = url_key(mention.url) if mention.url else None
    for index, (titles, urls) in enumerate(keys):
        if (tkey and tkey in titles) or (ukey and ukey in urls):
            return index
    return None


def _rank(order: Sequence[str], document: str) -> int:
    return order.index(document) if document in order else len(order)


def _best(mentions: Iterable[Mention], order: Sequence[str]) -> list[Mention]:
    return sorted(mentions, key=lambda m: (m.lossy, _rank(order, m.document), m.position))


def merge_mentions(
    mentions: Sequence[Mention],
    aliases: Sequence[Alias] = (),
    pairs: Iterable[tuple[Mention, Mention]] = (),
    order: FieldOrder | None = None,
    document_order: Sequence[str] = (),
) -> list[MergedEntry]:
    """Group mentions into resources; entries come in reading order of `document_order`."""
    order = order or FieldOrder()
    ids = {(m.document, m.position): i for i, m in enumerate(mentions)}
    uf = _UnionFind(len(mentions) + len(aliases))
    by_title: dict[str, int] = {}
    by_url: dict[str, list[int]] = {}
    alias_of: dict[int, int] = {}
    alias_keys = _alias_keys(aliases)
    for index, mention in enumerate(mentions):
        alias = _alias_index(mention, alias_keys)
        if alias is not None:
            alias_of[index] = alias
            uf.union(index, len(mentions) + alias)
        if mention.title and title_key(mention.title):
            key = title_key(mention.title)
            if key in by_title:
                uf.union(index, by_title[key])
            else:
                by_title[key] = index
        if mention.url:
            by_url.setdefault(url_key(mention.url), []).append(index)
    for members in by_url.values():
        _join_by_url(uf, members, mentions)
    for a, b in pairs:
        if (a.document, a.position) in ids and (b.document, b.position) in ids:
            uf.union(ids[(a.document, a.position)], ids[(b.document, b.position)])
    groups: dict[int, list[int]] = {}
    for index in range(len(mentions)):
        groups.setdefault(uf.find(index), []).append(index)
    entries = []
    for members in groups.values():
        alias_names = sorted({aliases[alias_of[i]].name for i in members if i in alias_of})
        entries.append(
            _merge_group(
                [mentions[i] for i in members], alias_names[0] if alias_names else None, order
            )
        )
    entries.sort(
        key=lambda e: min((_rank(document_order, m.document), m.position) for m in e.mentions)
    )
    return entries


def _merge_group(group: list[Mention], alias: str | None, order: FieldOrder) -> MergedEntry:
    titled = [m for m in _best(group, order.title) if m.title]
    linked = [m for m in _best(group, order.url) if m.url]
    described = [m for m in _best(group, order.description) if m.description]
    authored = [m for m in _best(group, order.authors) if m.authors]
    dated = [m for m in _best(group, order.authors) if m.year]
    rated = [m for m in sorted(group, key=lambda m: m.position) if m.stars]
    hinted = [m for m in _best(group, order.title) if m.kind]
    chaptered = [m for m in group if m.chapter]
    sources: list[SourceRef] = []
    for mention in sorted(group, key=lambda m: (_rank(order.title, m.document), m.position)):
        ref = SourceRef(mention.document, mention.section)
        if ref not in sources:
            sources.append(ref)
    return MergedEntry(
        mentions=tuple(group),
        title=alias or (titled[0].title if titled else None),
        url=linked[0].url if linked else None,
        url_lossy=bool(linked) and linked[0].lossy,
        authors=authored[0].authors if authored else (),
        authors_complete=authored[0].authors_complete if authored else True,
        year=dated[0].year if dated else None,
        description=described[0].description if described else None,
        description_document=described[0].document if described else None,
        stars=rated[0].stars if rated else None,
        kinds=tuple(dict.fromkeys(m.kind for m in hinted if m.kind)),
        chapter=chaptered[0].chapter if chaptered else None,
        alias=alias,
        sources=tuple(sources),
    )
