"""A server's own resources on top of the shared catalog, searchable without a rebuild.

Each Discord server may add resources (approved suggestions) to the catalog. Refitting the
index per server would take seconds and a copy of every matrix; instead an `OverlayEngine`
is the base `Engine`'s answers over "base rows + the server's rows":

- the additions are vectorised in the base's term space with the base's IDF, the same
  sublinear tf and L2 norm as fitted rows, so their cosines are comparable with the base's
  and one ranking merges both (the base's IDF is not refitted: a catalog word that many
  additions repeat keeps the catalog's weight, which is what keeps base scores unchanged);
- words (and bigrams) the base has never seen get local term ids after the base's, with
  the IDF a fit gives a term found in that many documents, so a query of a new word finds
  the addition (and the parser no longer "corrects" it into a catalog word);
- the base's arrays, vocabulary and posting lists are shared, never copied: the overlay
  holds only its own rows (`layered.py`), and builds in milliseconds with numpy alone.

Every `Engine` method (`recommend`, `paper`, `ask`, `similar`, `path`, `lookup`,
`resource`) works unchanged on an overlay, because the engine reads its index only through
a few methods (`resource_scores`, `postings`, `row_terms`, ...) that the overlay answers
block by block. Base rows keep their row numbers and come first, so ties still go to the
base and, when no addition matches, the base's answers are the base engine's own.

Additions are leaves of the catalog's prerequisite graph: they count nothing towards the
base's "canonical paper" weights (a server cannot reorder the shared catalog), their own
prerequisites are honoured in paths, and an addition that cannot be indexed (empty id,
an id the catalog or an earlier addition holds, an unknown kind or level) is left out and
listed in `rejected` rather than failing the whole server.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

import numpy as np

from recommender.engine import PASSAGE_FULL_WORDS, Engine
from recommender.index import (
    CsrArrays,
    name_features,
    resource_features,
    resource_passages,
    sentence_features,
)
from recommender.layered import (
    JoinedSequence,
    LayeredMapping,
    PaddedRows,
    TermBlock,
    vectorise,
)
from recommender.lookup import titles_of
from recommender.query import ParsedQuery, QueryParser
from recommender.resource import Resource
from recommender.text import stem
from recommender.vocabulary import KINDS, LEVELS


@dataclass(frozen=True, slots=True)
class Rejected:
    """An addition left out of an overlay, and why (for the service to log or show)."""

    resource_id: str
    reason: str


@dataclass(frozen=True, eq=False)
class _BaseFacts:
    """What every overlay of one base needs and the base does not keep: computed once per
    base engine (a weak reference: a replaced catalog takes its facts with it)."""

    n_terms: int
    cited_scale: float  # the base's log1p(most cited), the prior's denominator
    words: frozenset[str]


_FACTS: weakref.WeakKeyDictionary[Engine, _BaseFacts] = weakref.WeakKeyDictionary()


def _cited(resource: Resource) -> int:
    return len(resource.sources) + (1 if resource.description else 0)


def _facts(base: Engine) -> _BaseFacts:
    facts = _FACTS.get(base)
    if facts is None:
        most = max((_cited(r) for r in base.resources), default=1)
        facts = _BaseFacts(
            n_terms=len(base.terms),
            cited_scale=max(1.0, math.log1p(most)),
            words=frozenset(base.index.words),
        )
        _FACTS[base] = facts
    return facts


def screen(base: Engine, additions: Iterable[Resource]) -> tuple[list[Resource], list[Rejected]]:
    """The additions an overlay can index, in order, and those it must leave out."""
    kept: list[Resource] = []
    rejected: list[Rejected] = []
    taken: set[str] = set()
    for resource in additions:
        rid = resource.id
        reason = None
        if not rid or not rid.strip():
            reason = "empty id"
        elif rid in base.row or rid in taken:
            reason = "id already in use"
        elif resource.kind not in KINDS:
            reason = f"unknown kind {resource.kind!r}"
        elif resource.level not in LEVELS:
            reason = f"unknown level {resource.level!r}"
        if reason is not None:
            rejected.append(Rejected(rid, reason))
            continue
        kept.append(resource)
        taken.add(rid)
    return kept, rejected


class OverlayEngine(Engine):
    """An `Engine` over a shared base engine plus a server's additions (see module doc).

    Built with `OverlayEngine(base, additions)`; the base is neither copied nor changed.
    """

    def __init__(self, base: Engine, additions: Iterable[Resource]) -> None:
        kept, rejected = screen(base, additions)
        facts = _facts(base)
        self.base = base
        self.additions: tuple[Resource, ...] = tuple(kept)
        self.rejected: tuple[Rejected, ...] = tuple(rejected)
        self._n_base = len(base.resources)
        self._n_base_terms = facts.n_terms
        self.resources = base.resources + self.additions
        self.row = LayeredMapping(base.row, self._local_rows())

        analysed = [resource_features(r) for r in kept]
        features = [f for f, _ in analysed]
        names = [name_features(r) for r in kept]
        local, self._local_idf = self._new_terms(features)
        self._vocabularies = (base.vocabulary, local)
        self.vocabulary = LayeredMapping(base.vocabulary, local)
        self.terms = JoinedSequence(base.terms, list(local))
        term_of = self._ids_of([*features, *names])
        self._matrix = self._vectorise(features, term_of)  # row-major, for row_terms
        self._whole = TermBlock.from_rows(self._matrix)
        self._names = TermBlock.from_rows(self._vectorise(names, term_of))

        # Words the base has never seen: typo targets, and how "why" shows a new stem.
        surfaces = Counter(chain.from_iterable(surface for _, surface in analysed))
        fresh = [w for w, _ in surfaces.most_common() if w not in facts.words and not w.isdigit()]
        self.surface = LayeredMapping(base.surface, _surface(fresh, local))
        new_words = [w for w in fresh if len(w) >= 3]
        self.parser = QueryParser(new_words, self.vocabulary, base=base.parser)
        self._row_arrays(facts)

    def _local_rows(self) -> dict[str, int]:
        """Row of each addition's id, then of its former ids that nothing else holds."""
        n, rows = self._n_base, {}
        for i, resource in enumerate(self.additions):
            rows[resource.id] = n + i
        for i, resource in enumerate(self.additions):  # a renamed addition keeps its old id
            for former in resource.former_ids:
                if former not in self.base.row and former not in rows:
                    rows[former] = n + i
        return rows

    def _new_terms(self, rows: Sequence[Sequence[str]]) -> tuple[dict[str, int], np.ndarray]:
        """Features the base has never seen, numbered after its terms, and their IDF: the
        smooth IDF fitting gives a term found in that many documents, counting the additions
        among the documents (so a word in every addition still weighs at least 1, as in a fit;
        a word in one addition weighs like a word in one catalog entry)."""
        known = self.base.vocabulary
        df = Counter(chain.from_iterable(set(features).difference(known) for features in rows))
        terms = sorted(df)
        n = self._n_base + len(rows)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms], dtype=np.float32)
        return {term: self._n_base_terms + i for i, term in enumerate(terms)}, idf

    def _ids_of(self, rows: Sequence[Sequence[str]]) -> Mapping[str, int]:
        """Term id of every feature of these rows that has one (one lookup per feature)."""
        distinct = set(chain.from_iterable(rows))
        base, local = self._vocabularies
        out = {f: base[f] for f in distinct.intersection(base)}
        out.update((f, local[f]) for f in distinct.intersection(local))
        return out

    def _vectorise(self, rows: Sequence[Sequence[str]], term_of: Mapping[str, int]) -> CsrArrays:
        return vectorise(rows, term_of, self._idf, len(self.terms))

    def _row_arrays(self, facts: _BaseFacts) -> None:
        """Per-row facts of the ranking: the base's arrays, then the additions' values."""
        base, kept, m = self.base, self.additions, len(self.additions)
        topics: dict[str, np.ndarray] = {}
        for i, resource in enumerate(kept):
            for slug in resource.topics:
                if slug in base.topic_rows:
                    topics.setdefault(slug, np.zeros(m, dtype=bool))[i] = True
        self.topic_rows = PaddedRows(base.topic_rows, topics, m)
        # Additions lead nothing: no base paper is "canonical" because of a server's list.
        self.topic_canonical = PaddedRows(base.topic_canonical, {}, m)
        self.canonical = np.concatenate([base.canonical, np.zeros(m, dtype=np.float32)])
        historical = np.array([bool(r.historical) for r in kept], dtype=bool)
        self.historical = np.concatenate([base.historical, historical])
        levels = np.array([LEVELS.index(r.level) for r in kept], dtype=base.levels.dtype)
        self.levels = np.concatenate([base.levels, levels])
        kinds = np.array([KINDS.index(r.kind) for r in kept], dtype=base.kinds.dtype)
        self.kinds = np.concatenate([base.kinds, kinds])
        cited = np.log1p(np.array([_cited(r) for r in kept], dtype=np.float32))
        prior = np.minimum(1.0, cited / np.float32(facts.cited_scale)).astype(np.float32)
        self.prior = np.concatenate([base.prior, prior])

    def __repr__(self) -> str:
        return f"OverlayEngine({len(self.additions)} additions over {self._n_base} resources)"

    # --- the index, block by block -------------------------------------------------------------

    def _idf(self, ids: np.ndarray) -> np.ndarray:
        """IDF of term ids in the joint term space: the base's, then the new terms'."""
        base_idf = self.base.index.idf
        out = np.empty(ids.size, dtype=np.float32)
        old = ids < self._n_base_terms
        out[old] = base_idf[ids[old]]
        out[~old] = self._local_idf[ids[~old] - self._n_base_terms]
        return out

    def _split(self, ids: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        old = ids < self._n_base_terms
        return ids[old], weights[old]

    def query_vector(self, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
        """Known features (the base's or the additions') as term ids and L2-normalised
        tf-idf weights: `index.weigh` over the joint term space."""
        vocabulary = self.vocabulary
        pairs = [
            (vocabulary[f], w) for f, w in parsed.features.items() if f in vocabulary and w > 0
        ]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        ids = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        raw = np.fromiter((w for _, w in pairs), dtype=np.float32, count=len(pairs))
        weights = raw * self._idf(ids)
        return ids, weights / np.float32(np.linalg.norm(weights))

    def resource_scores(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        head = self.base.resource_scores(*self._split(ids, weights))
        return np.concatenate([head, self._whole.score(ids, weights)])

    def name_scores(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        head = self.base.name_scores(*self._split(ids, weights))
        return np.concatenate([head, self._names.score(ids, weights)])

    def row_terms(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        if row < self._n_base:
            return self.base.row_terms(row)
        local = row - self._n_base
        a, b = self._matrix.indptr[local], self._matrix.indptr[local + 1]
        return self._matrix.indices[a:b], self._matrix.data[a:b]

    def postings(self, term: int) -> np.ndarray:
        tail = self._whole.postings(term) + self._n_base
        if term >= self._n_base_terms:
            return tail
        return np.concatenate([self.base.postings(term), tail])

    def row_matrix(self) -> CsrArrays:
        """Base rows and then the additions' (a copy, made only for personal ranking)."""
        head, tail = self.base.row_matrix(), self._matrix
        indptr = np.concatenate([head.indptr, tail.indptr[1:] + head.indptr[-1]])
        return CsrArrays(
            np.concatenate([head.data, tail.data]),
            np.concatenate([head.indices, tail.indices.astype(head.indices.dtype)]),
            indptr.astype(head.indptr.dtype),
            (len(self.resources), len(self.terms)),
        )

    # --- passages, for `ask` only: made on the first question ----------------------------------

    @cached_property
    def _local_passages(self) -> tuple[tuple[str, int], ...]:
        """(passage, row) of the additions' descriptions (see index.resource_passages)."""
        return tuple(
            (passage, self._n_base + i)
            for i, resource in enumerate(self.additions)
            for passage in resource_passages(resource)
        )

    @cached_property
    def passages(self) -> Sequence[str]:  # type: ignore[override]
        return JoinedSequence(self.base.passages, [p for p, _ in self._local_passages])

    @cached_property
    def passage_owner(self) -> np.ndarray:  # type: ignore[override]
        owners = np.array([row for _, row in self._local_passages], dtype=np.int32)
        return np.concatenate(
            [self.base.passage_owner, owners.astype(self.base.passage_owner.dtype)]
        )

    @cached_property
    def _passage_block(self) -> TermBlock:
        sentences = [sentence_features(p) for p, _ in self._local_passages]
        return TermBlock.from_rows(self._vectorise(sentences, self._ids_of(sentences)))

    def passage_scores(self, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        head = self.base.passage_scores(*self._split(ids, weights))
        return np.concatenate([head, self._passage_block.score(ids, weights)])

    @cached_property
    def _passage_weight(self) -> np.ndarray:
        lengths = np.fromiter((len(p.split()) for p, _ in self._local_passages), dtype=np.float32)
        tail = np.sqrt(np.minimum(1.0, lengths / PASSAGE_FULL_WORDS)).astype(np.float32)
        return np.concatenate([self.base._passage_weight, tail])

    # --- titles and summaries ------------------------------------------------------------------

    @cached_property
    def titles(self) -> Mapping[str, str]:
        return LayeredMapping(self.base.titles, titles_of(self.additions))

    def summary(self, resource: Resource) -> str:
        """Summaries weigh sentences by the base's IDF (new words simply count for nothing)."""
        return self.base.summary(resource)


def _surface(words: Iterable[str], local: Mapping[str, int]) -> dict[str, str]:
    """For each new stem, the word the additions write most often for it (`words`, most
    frequent first), to show in "why"."""
    out: dict[str, str] = {}
    for word in words:
        s = stem(word)
        if s in local and s not in out:
            out[s] = word
    return out


def overlay(base: Engine, additions: Sequence[Resource]) -> Engine:
    """The engine answering over `base` + `additions`: the base itself when there are none."""
    if not additions:
        return base
    return OverlayEngine(base, additions)
